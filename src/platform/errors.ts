import type { Bilingual, Language } from './language.js'

/**
 * Every error a client can see, as RFC 9457 problem details. Routes throw these;
 * the error handler of the platform plugin is the only place that writes a problem response.
 * Titles and details are Bilingual, so a problem without its Chinese does not compile.
 */
export interface InvalidParam {
  /** A bulk import's row the field is in (a CSV line, a JSON position from 1). */
  row?: number
  field: string
  message: Bilingual
}

export interface ProblemOptions {
  /** Members beyond RFC 9457's (`currentVersion`, `currentState`, `field`), the same in both languages. */
  extensions?: Record<string, unknown>
  /** The first names `field`. */
  invalidParams?: readonly InvalidParam[]
  /** Response headers that go with it (Retry-After). */
  headers?: Record<string, string>
}

export class Problem extends Error {
  readonly extensions: Record<string, unknown>
  readonly invalidParams: readonly InvalidParam[]
  readonly headers: Record<string, string>

  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: Bilingual,
    readonly detail: Bilingual,
    options: ProblemOptions = {}
  ) {
    // English in logs and stack traces, which are for the people who run the server.
    super(detail.en)
    this.name = 'Problem'
    this.extensions = options.extensions ?? {}
    this.invalidParams = options.invalidParams ?? []
    this.headers = options.headers ?? {}
  }

  /** The document as served: `title` and `detail` in the client's language, `titles` and `message` in both. */
  document(language: Language, instance?: string): Record<string, unknown> {
    const [first] = this.invalidParams
    return {
      type: this.type,
      title: this.title[language],
      status: this.status,
      detail: this.detail[language],
      ...(instance === undefined ? {} : { instance }),
      ...this.extensions,
      ...(first === undefined
        ? {}
        : { field: first.field, invalidParams: this.invalidParams.map((p) => ({ ...(p.row === undefined ? {} : { row: p.row }), field: p.field, message: p.message[language], messages: p.message })) }),
      titles: this.title,
      message: this.detail
    }
  }
}

/** Why a bearer token was refused, as a 401's `reason` names it. */
export const TOKEN_REFUSALS = [
  'malformed',
  'expired',
  'not-yet-valid',
  'missing-expiry',
  'invalid-claim',
  'wrong-issuer',
  'wrong-audience',
  'unknown-key',
  'bad-signature',
  'algorithm-not-allowed',
  'principal-claims'
] as const
export type TokenRefusal = (typeof TOKEN_REFUSALS)[number]

export const IDENTITY_PROVIDER_RETRY_SECONDS = 10

const PROBLEM_BASE = 'https://zhunru.example/problems/'

export const problemType = (slug: string) => `${PROBLEM_BASE}${slug}`

/** What the API's answers name, in both languages. */
const NOUNS = {
  task: { zh: '任务', en: 'task' },
  'burden report': { zh: '督查线索', en: 'burden report' },
  'evaluation round': { zh: '考评轮次', en: 'evaluation round' },
  instance: { zh: '流程实例', en: 'instance' },
  community: { zh: '社区', en: 'community' },
  department: { zh: '部门', en: 'department' },
  'street, district or city': { zh: '街道、区或市', en: 'street, district or city' },
  'org unit': { zh: '组织机构', en: 'org unit' },
  member: { zh: '领导小组成员', en: 'member' },
  machine: { zh: '流程定义', en: 'machine' },
  workflow: { zh: '流程', en: 'workflow' },
  'catalog version': { zh: '清单版本', en: 'catalog version' },
  webhook: { zh: 'Webhook', en: 'webhook' },
  'deliberation item': { zh: '议事事项', en: 'deliberation item' },
  'council member': { zh: '议事会成员', en: 'council member' }
} as const satisfies Record<string, Bilingual>

export type Noun = keyof typeof NOUNS

const byId = (noun: Bilingual) => (id: string) => ({ zh: `${noun.zh}“${id}”`, en: `${noun.en} "${id}"` })

/** A thing by its id: task "t1", 任务“t1”; in Chinese what an id belongs to comes first (任务“t1”的协议). */
const NAMED = {
  ...(Object.fromEntries(Object.entries(NOUNS).map(([key, noun]) => [key, byId(noun)])) as Record<Noun, (id: string) => Bilingual>),
  'leading group of': (id: string) => ({ zh: `“${id}”的领导小组`, en: `leading group of "${id}"` }),
  'contract of task': (id: string) => ({ zh: `任务“${id}”的协议`, en: `contract of task "${id}"` }),
  'funding of task': (id: string) => ({ zh: `任务“${id}”的经费`, en: `funding of task "${id}"` }),
  'council of': (id: string) => ({ zh: `“${id}”的议事会`, en: `council of "${id}"` })
}

export type Named = keyof typeof NAMED

/** Where in a request a field was found, as validation errors and the hostile-input check name it. */
export type RequestPart = 'body' | 'querystring' | 'params' | 'headers'

const PARTS: Record<RequestPart, string> = { body: '请求体', querystring: '查询参数', params: '路径参数', headers: '请求头' }

const TITLES = {
  validation: { zh: '请求参数无效', en: 'Invalid request' },
  unauthenticated: { zh: '未通过身份认证', en: 'Unauthenticated' },
  forbidden: { zh: '无权执行此操作', en: 'Forbidden' },
  notFound: { zh: '资源不存在', en: 'Not found' },
  conflict: { zh: '版本冲突', en: 'Conflict' },
  eventNotAllowed: { zh: '当前状态不接受该事件', en: 'Event not allowed in this state' },
  decisionNotCarried: { zh: '表决结果不支持该决定', en: 'The votes do not carry this decision' },
  notScreened: { zh: '没有可重新说明的审查结果', en: 'No screening to re-explain' },
  alreadyExists: { zh: '资源已存在', en: 'Already exists' },
  idempotencyKeyReused: { zh: '幂等键已被使用', en: 'Idempotency key reused' },
  idempotencyKeyInFlight: { zh: '请求正在处理中', en: 'Request in progress' },
  rateLimited: { zh: '请求过于频繁', en: 'Too many requests' },
  overloaded: { zh: '服务繁忙', en: 'Overloaded' },
  identityProviderUnavailable: { zh: '身份认证服务不可用', en: 'Identity provider unavailable' },
  internal: { zh: '服务器内部错误', en: 'Internal error' }
} as const satisfies Record<string, Bilingual>

const validation = (detail: Bilingual, invalidParams: readonly [InvalidParam, ...InvalidParam[]]) =>
  new Problem(400, problemType('validation'), TITLES.validation, detail, { invalidParams })

const conflict = (currentVersion: number, currentState: string, detail: Bilingual) =>
  new Problem(409, problemType('version-conflict'), TITLES.conflict, detail, { extensions: { currentVersion, currentState } })

export const Problems = {
  validation,
  /**
   * One field wrong: "body: kind must be …", 请求体中的字段“kind”须为…. Without `part` the field is
   * named alone; a `field` that is the part itself (a body that is no object) is named as the part.
   */
  invalid: (field: string, reason: Bilingual, part?: RequestPart) =>
    validation(
      {
        zh: part === undefined ? `字段“${field}”${reason.zh}` : field === part ? `${PARTS[part]}${reason.zh}` : `${PARTS[part]}中的字段“${field}”${reason.zh}`,
        en: `${part === undefined ? '' : `${part}: `}${field} ${reason.en}`
      },
      [{ field, message: reason }]
    ),
  /** `reason` says in one word why a token was refused (expired, wrong-audience, …): for clients to branch on. */
  unauthenticated: (detail: Bilingual = { zh: '须提供有效的访问令牌（Bearer token）', en: 'a valid bearer token is required' }, reason?: TokenRefusal) =>
    new Problem(401, problemType('unauthenticated'), TITLES.unauthenticated, detail, reason === undefined ? {} : { extensions: { reason } }),
  forbidden: (detail: Bilingual) => new Problem(403, problemType('forbidden'), TITLES.forbidden, detail),
  /** A route that reads CSV as well as JSON: Fastify reads text/plain as text too, and that is neither. */
  unsupportedMediaType: (accepted: readonly string[]) =>
    new Problem(415, problemType('unsupported-media-type'), { zh: '不支持的媒体类型', en: 'Unsupported media type' }, { zh: `请求体须为${accepted.join('或')}格式`, en: `the body must be ${accepted.join(' or ')}` }),
  notFound: (what: Named | Bilingual, id: string) => {
    const named = typeof what === 'string' ? NAMED[what](id) : byId(what)(id)
    return new Problem(404, problemType('not-found'), TITLES.notFound, { zh: `${named.zh}不存在`, en: `${named.en} does not exist` })
  },
  noRoute: (method: string, url: string) =>
    new Problem(404, problemType('not-found'), TITLES.notFound, { zh: `接口“${method} ${url}”不存在`, en: `no route ${method} ${url}` }),
  versionConflict: conflict,
  /** The client named a version (`version` in the body) the instance has moved past. */
  staleVersion: (what: Noun, currentVersion: number, currentState: string, sentVersion: number) =>
    conflict(currentVersion, currentState, {
      zh: `${NOUNS[what].zh}的当前版本为${currentVersion}，而非请求中的${sentVersion}`,
      en: `the ${NOUNS[what].en} is at version ${currentVersion}, not ${sentVersion}`
    }),
  /** Another writer's compare-and-set came first. */
  changedMeanwhile: (what: Noun, currentVersion: number, currentState: string) =>
    conflict(currentVersion, currentState, {
      zh: `该${NOUNS[what].zh}已有其他修改先行保存，请重新读取后重试`,
      en: `another change to this ${NOUNS[what].en} was saved first; reload and retry`
    }),
  /** `what` names the instance: a task, a burden report, a workflow instance. */
  eventNotAllowed: (event: string, currentState: string, currentVersion: number, what: Noun = 'task') =>
    new Problem(
      409,
      problemType('event-not-allowed'),
      TITLES.eventNotAllowed,
      {
        zh: `${NOUNS[what].zh}处于“${currentState}”状态，不接受${event}事件`,
        en: `event ${event} is not allowed while the ${NOUNS[what].en} is ${currentState}`
      },
      { extensions: { currentVersion, currentState } }
    ),
  decisionNotCarried: (detail: Bilingual, currentVersion: number, currentState: string) =>
    new Problem(409, problemType('decision-not-carried'), TITLES.decisionNotCarried, detail, { extensions: { currentVersion, currentState } }),
  notScreened: (id: string, currentVersion: number, currentState: string, why: Bilingual = { zh: '尚未提交', en: 'has not been submitted' }) =>
    new Problem(
      409,
      problemType('not-screened'),
      TITLES.notScreened,
      { zh: `任务“${id}”${why.zh}，无法重新运行准入审查`, en: `task "${id}" ${why.en}, so there is no screening to re-run` },
      { extensions: { currentVersion, currentState } }
    ),
  alreadyExists: (what: Noun, id: string) => {
    const named = NAMED[what](id)
    return new Problem(409, problemType('already-exists'), TITLES.alreadyExists, { zh: `${named.zh}已存在`, en: `${named.en} already exists` })
  },
  idempotencyKeyReused: () =>
    new Problem(
      422,
      problemType('idempotency-key-reused'),
      TITLES.idempotencyKeyReused,
      { zh: '此Idempotency-Key已用于另一个请求', en: 'this Idempotency-Key was used for a different request' },
      { extensions: { field: 'Idempotency-Key' } }
    ),
  idempotencyKeyInFlight: () =>
    new Problem(409, problemType('idempotency-key-in-flight'), TITLES.idempotencyKeyInFlight, {
      zh: '使用此Idempotency-Key的首个请求仍在处理中，请稍后重试',
      en: 'the first request with this Idempotency-Key is still being handled; retry shortly'
    }),
  /** `after` is the rate limiter's own English ("1 minute"); the Chinese counts the seconds. */
  rateLimited: (max: number, seconds: number, after: string) =>
    new Problem(429, problemType('rate-limited'), TITLES.rateLimited, {
      zh: `每分钟请求超过${max}次，请于${seconds}秒后重试`,
      en: `more than ${max} requests in a minute; retry after ${after}`
    }),
  internal: () =>
    new Problem(500, problemType('internal'), TITLES.internal, {
      zh: '服务器未能完成该请求，错误已记录',
      en: 'the server could not complete the request; it has been logged'
    }),
  overloaded: () =>
    new Problem(
      503,
      problemType('overloaded'),
      TITLES.overloaded,
      { zh: '待写入的变更过多，请一秒后重试', en: 'too many changes are waiting to be written; retry in a second' },
      { headers: { 'retry-after': '1' } }
    ),
  /** The token may well be good: the provider's keys could not be fetched to check it, so this is no 401. */
  identityProviderUnavailable: () =>
    new Problem(
      503,
      problemType('identity-provider-unavailable'),
      TITLES.identityProviderUnavailable,
      {
        zh: '暂时无法从身份认证服务获取验证令牌所需的公钥，令牌未被拒绝，请稍后重试',
        en: 'the keys to check the token could not be fetched from the identity provider; the token was not refused, retry shortly'
      },
      { headers: { 'retry-after': String(IDENTITY_PROVIDER_RETRY_SECONDS) } }
    )
} as const
