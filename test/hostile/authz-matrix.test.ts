import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import t from 'tap'
import { signToken } from '../../src/platform/token.js'
import { DEFAULT_PACK } from '../../src/policy/pack.js'
import type { Role } from '../../src/roles.js'
import { TEST_SECRET, build, demoCommunities, type Harness } from '../helper.js'

// Issue 5 item 5: an authorization matrix. Every operation of openapi/openapi.json, called by
// every role with a token for its own org unit (东湖区, east-*) and for a foreign one (西岭区,
// west-*), and without a token, against real objects of east-civil (东湖区民政局). The expected
// statuses are written out below from the README's API and event tables and the operations'
// descriptions, not from what the server answers; where a rule leaves a case open, both
// answers are allowed and the comment says why. Denials are listed as the statuses that deny
// (401 without a token; 403, or 404 where the API hides what a caller may not see), so the
// matrix fails on any 2xx where no access is due, and on any refusal where access is due.

// ---------------------------------------------------------------------------------------------
// Who asks

type Who =
  | 'none'
  | 'department:own'
  | 'department:foreign'
  | 'office:own'
  | 'office:foreign'
  | 'leading_group:own'
  | 'leading_group:foreign'
  | 'street:own'
  | 'street:foreign'
  | 'community:own'
  | 'community:foreign'
  | 'admin:own'
  | 'admin:foreign'
  | 'council:own'
  | 'council:foreign'

const PRINCIPALS: Record<Exclude<Who, 'none'>, { role: Role; org: string; sub: string }> = {
  // The owning department of every object below, and a department of the other district.
  'department:own': { role: 'department', org: 'east-civil', sub: 'zhao.lei' },
  'department:foreign': { role: 'department', org: 'west-civil', sub: 'west.civil.official' },
  // The office of east-civil's jurisdiction (东湖区 decides its district departments' tasks), and west's.
  'office:own': { role: 'office', org: 'east', sub: 'office.east' },
  'office:foreign': { role: 'office', org: 'west', sub: 'office.west' },
  // Members of the deciding group (lv.member: no home department, so no recusal), and of west's.
  'leading_group:own': { role: 'leading_group', org: 'east', sub: 'lv.member' },
  'leading_group:foreign': { role: 'leading_group', org: 'west', sub: 'kong.member' },
  // A community every task targets and that filed the burden report, and one of the other district.
  'community:own': { role: 'community', org: 'east-s1-c1', sub: 'east-s1-c1.staff' },
  'community:foreign': { role: 'community', org: 'west-s1-c1', sub: 'west-s1-c1.staff' },
  // The street of that community, and a street of the other district.
  'street:own': { role: 'street', org: 'east-s1', sub: 'east-s1.staff' },
  'street:foreign': { role: 'street', org: 'west-s1', sub: 'west-s1.staff' },
  // The city's admin administers all of it; the other district's admin only that district, where no fixture lies.
  'admin:own': { role: 'admin', org: 'city', sub: 'admin' },
  'admin:foreign': { role: 'admin', org: 'west', sub: 'admin.west' },
  // The deliberation council of east-s1-c1 (its chair records its steps), and of a community of the other district.
  'council:own': { role: 'council', org: 'east-s1-c1', sub: 'east-s1-c1.council' },
  'council:foreign': { role: 'council', org: 'west-s1-c1', sub: 'west-s1-c1.council' }
}

const EVERYONE = Object.keys(PRINCIPALS).concat('none') as Who[]

// ---------------------------------------------------------------------------------------------
// Expectations

type Statuses = readonly number[]

const OK = [200] as const
const CREATED = [201] as const
const NO_CONTENT = [204] as const
/** Refused: forbidden, or reported as missing because the caller may not know it exists. */
const DENIED = [403, 404] as const
const FORBIDDEN = [403] as const
const UNAUTHENTICATED = [401] as const
/** Without a token on an operation where a token is optional: not authenticated, or not found. */
const HIDDEN_FROM_PUBLIC = [401, 404] as const

/** An expectation for every caller: the listed ones, and `rest` for all others. */
function expect(listed: Partial<Record<Who, Statuses>>, rest: Statuses): Record<Who, Statuses> {
  return Object.fromEntries(EVERYONE.map((w) => [w, listed[w] ?? rest])) as Record<Who, Statuses>
}

const anyone = (statuses: Statuses) => expect({}, statuses)
/** Any principal with a token; 401 without. */
const anyPrincipal = (statuses: Statuses) => expect({ none: UNAUTHENTICATED }, statuses)
/** Only these callers; every other principal denied, 401 without a token. */
const only = (allowed: Partial<Record<Who, Statuses>>, denied: Statuses = DENIED) => expect({ none: UNAUTHENTICATED, ...allowed }, denied)

// ---------------------------------------------------------------------------------------------
// The objects

const assisted = {
  title: '协助开展社会救助困难排查与公示',
  description: '社区协助入户走访、困难排查,并公示审核结果。',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条' }],
  funding: { perTarget: 8000, source: '区财政社会救助专项', committed: true },
  period: { start: '2027-03-01', end: '2027-12-31' },
  workloadHours: 120
}
// On no list: escalates to the leading group of 东湖区.
const unlisted = { ...assisted, title: '协助开展社区养老服务需求调查', catalogItem: null, legalBasis: [{ title: '《中华人民共和国老年人权益保障法》' }] }

const CONTACTS = [{ side: '区民政局', name: '赵磊', phone: '025-0000-0000' }]
const TERMS = { paymentMethod: '按季度拨付', paymentSchedule: null, deliverables: [{ name: '困难家庭排查台账', due: '2027-06-30' }], contacts: CONTACTS }
const DELIBERATION_ITEM = { origin: 'residents', title: '加装电动自行车充电棚', text: '居民建议在楼后空地加装充电棚。' }
const DELIBERATION_MOTION = { type: 'MOTION', track: 'general', trackReason: '不涉及全体居民重大利益', motion: '建议加装充电棚一座。' }
const REPORT = {
  department: 'east-civil',
  what: '要求三日内上门核查辖区全部独居老人并填报统计表',
  askedOn: '2026-10-05',
  evidence: '区民政局工作群通知截图'
}

interface Fixtures {
  draft: string
  escalated: string
  agenda: string
  consultation: string
  admitted: string
  report: string
  webhook: string
  /** An evaluation round of 东湖区 in rating, rated by east-s1 and east-s1-c1 (east-civil listed). */
  evaluation: string
  /** A published round of the city, east-civil rated by east-s1-c1. */
  publishedEvaluation: string
  /** east-s1-c1's council: an item just proposed, and one whose motion the council voted down (public). */
  deliberation: string
  rejectedDeliberation: string
  /** east-s1-c1's council resolved to ask the office of 东湖区 to withdraw a task admitted for it. */
  withdrawalRequest: string
}

interface Json {
  [k: string]: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

class Objects {
  private n = 0
  constructor(readonly h: Harness) {}

  headers(who: Who): Record<string, string> {
    if (who === 'none') return {}
    const p = PRINCIPALS[who]
    return this.h.auth(p.role, p.org, p.sub)
  }

  async call(method: string, url: string, who: Who, payload?: unknown) {
    return this.h.app.inject({ method: method as 'GET', url, headers: this.headers(who), ...(payload === undefined ? {} : { payload: payload as Json }) })
  }

  /** A setup step that must work: the matrix is meaningless on objects that are not what they claim. */
  async must(method: string, url: string, who: Who, payload: unknown, check: (body: Json) => boolean = () => true): Promise<Json> {
    const res = await this.call(method, url, who, payload)
    if (res.statusCode >= 300 || !check(res.json())) throw new Error(`setup: ${method} ${url} as ${who} answered ${res.statusCode} ${res.body}`)
    return res.json()
  }

  unique(prefix: string) {
    return `${prefix}-${++this.n}`
  }

  async draft() {
    return (await this.must('POST', '/v1/tasks', 'department:own', assisted, (b) => b.state === 'draft')).id as string
  }
  async escalated() {
    return (await this.must('POST', '/v1/tasks', 'department:own', { ...unlisted, submit: true }, (b) => b.state === 'escalated' && b.stage === 'office_review')).id as string
  }
  async onAgenda() {
    const id = await this.escalated()
    await this.must('POST', `/v1/tasks/${id}/events`, 'office:own', { type: 'PUT_ON_AGENDA' }, (b) => b.stage === 'leading_group')
    return id
  }
  async inConsultation() {
    const id = await this.escalated()
    const consultation = { mode: 'sample', invited: ['east-s1-c1'] }
    await this.must('POST', `/v1/tasks/${id}/events`, 'office:own', { type: 'OPEN_CONSULTATION', consultation }, (b) => b.stage === 'consultation')
    return id
  }
  async admitted() {
    return (await this.must('POST', '/v1/tasks', 'department:own', { ...assisted, submit: true }, (b) => b.state === 'admitted')).id as string
  }
  async report(relatedTaskId?: string) {
    return (await this.must('POST', '/v1/burden-reports', 'community:own', { ...REPORT, ...(relatedTaskId ? { relatedTaskId } : {}) })).id as string
  }
  async webhook() {
    return (await this.must('POST', '/v1/webhooks', 'office:own', { url: 'https://example.org/zhunru-hook', events: ['*'], secret: 'a-shared-secret-of-16+' })).id as string
  }

  /** A round of 东湖区 in rating (one round per area and period: each caller's cell names its own year). */
  async evaluation(period: string) {
    const round = await this.must('POST', '/v1/evaluations', 'office:own', { period, departments: ['east-civil', 'east-housing'] })
    await this.must('POST', `/v1/evaluations/${round.id}/events`, 'office:own', { type: 'START' }, (b) => b.state === 'rating')
    return round.id as string
  }
  async ratedEvaluation() {
    const id = await this.evaluation('2026')
    await this.must('PUT', `/v1/evaluations/${id}/ratings/east-civil`, 'street:own', { value: 'satisfied', respondents: 12, comment: '街道组织居民代表评议' })
    await this.must('PUT', `/v1/evaluations/${id}/ratings/east-civil`, 'community:own', { value: 'basically_satisfied', comment: '社区意见' })
    return id
  }
  async publishedEvaluation() {
    const round = await this.must('POST', '/v1/evaluations', 'admin:own', { area: 'city', period: '2026', departments: ['city-civil', 'east-civil'] })
    const send = (type: string) => this.must('POST', `/v1/evaluations/${round.id}/events`, 'admin:own', { type })
    await send('START')
    await this.must('PUT', `/v1/evaluations/${round.id}/ratings/east-civil`, 'community:own', { value: 'satisfied', comment: '社区意见' })
    await send('CLOSE')
    await send('PUBLISH')
    return round.id as string
  }
  async deliberation() {
    return (await this.must('POST', '/v1/deliberations', 'council:own', DELIBERATION_ITEM, (b) => b.state === 'proposed')).id as string
  }
  async inCommitteeReview() {
    const id = await this.deliberation()
    await this.must('POST', `/v1/deliberations/${id}/events`, 'council:own', DELIBERATION_MOTION, (b) => b.state === 'committee_review')
    return id
  }
  async rejectedDeliberation() {
    const id = await this.inCommitteeReview()
    await this.must('POST', `/v1/deliberations/${id}/events`, 'community:own', { type: 'COMMITTEE_REVIEW', outcome: 'approved', opinion: '同意' })
    const meeting = { heldOn: '2026-10-09', noticeGivenOn: '2026-09-28', attended: ['m01', 'm02'], votes: { for: [], against: ['m01', 'm02'], abstain: [] }, minutes: '纪要' }
    await this.must('POST', `/v1/deliberations/${id}/events`, 'council:own', { type: 'COUNCIL_RESOLVE', meeting, text: '不同意' }, (b) => b.state === 'rejected')
    return id
  }
  async withdrawalRequest() {
    const task = await this.admitted()
    const id = await this.inCommitteeReview()
    await this.must('POST', `/v1/deliberations/${id}/events`, 'community:own', { type: 'COMMITTEE_REVIEW', outcome: 'approved', opinion: '同意' })
    const meeting = { heldOn: '2026-10-09', noticeGivenOn: '2026-09-28', attended: ['m01', 'm02'], votes: { for: ['m01', 'm02'], against: [], abstain: [] }, minutes: '纪要' }
    const resolve = { type: 'COUNCIL_RESOLVE', meeting, text: '请求撤回', askWithdrawal: { task, reason: '居民普遍反对' } }
    await this.must('POST', `/v1/deliberations/${id}/events`, 'council:own', resolve, (b) => b.state === 'resolved')
    return (await this.must('GET', `/v1/withdrawal-requests?deliberation=${id}`, 'office:own', undefined, (b) => b.items.length === 1)).items[0].id as string
  }
  async councilMember() {
    const sub = this.unique('member')
    await this.must('POST', '/v1/councils/east-s1-c1/members', 'community:own', { sub, name: '成员', termStart: '2026-01-01', termEnd: '2030-12-31' })
    return sub
  }

  async fixtures(): Promise<Fixtures> {
    for (const sub of ['m01', 'm02', 'm03']) await this.must('POST', '/v1/councils/east-s1-c1/members', 'community:own', { sub, name: sub, termStart: '2026-01-01', termEnd: '2030-12-31' })
    const admitted = await this.admitted()
    await this.must('PUT', `/v1/tasks/${admitted}/contract`, 'department:own', TERMS)
    return {
      draft: await this.draft(),
      escalated: await this.escalated(),
      agenda: await this.onAgenda(),
      consultation: await this.inConsultation(),
      admitted,
      report: await this.report(admitted),
      webhook: await this.webhook(),
      evaluation: await this.ratedEvaluation(),
      publishedEvaluation: await this.publishedEvaluation(),
      deliberation: await this.deliberation(),
      rejectedDeliberation: await this.rejectedDeliberation(),
      withdrawalRequest: await this.withdrawalRequest()
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The matrix

interface Request {
  method: string
  url: string
  payload?: unknown
}

interface Case {
  /** "METHOD /path" as in openapi/openapi.json. */
  op: string
  what: string
  /** May create fresh objects, so that a state-changing call in one cell does not change another's. */
  request: (o: Objects, fx: Fixtures, who: Who) => Promise<Request>
  expected: Record<Who, Statuses>
  /** What the body must not reveal to this caller (or must show): a list of problems, empty when fine. */
  check?: (who: Who, body: Json, fx: Fixtures) => string[]
}

const get = (url: string) => async (): Promise<Request> => ({ method: 'GET', url })
const ids = (body: Json): string[] => (body.items ?? []).map((x: Json) => x.id ?? x.taskId)

/** Which of the named fixtures a list must show (true), must not show (false), or may (absent). */
function listing(rules: Partial<Record<Who, Partial<Record<keyof Fixtures, boolean>>>>) {
  return (who: Who, body: Json, fx: Fixtures): string[] => {
    const seen = new Set(ids(body))
    return Object.entries(rules[who] ?? {}).flatMap(([name, shown]) =>
      seen.has(fx[name as keyof Fixtures]) === shown ? [] : [`${shown ? 'does not show' : 'shows'} the ${name} object (${fx[name as keyof Fixtures]})`]
    )
  }
}

const REVIEWERS_OWN = { 'office:own': OK, 'leading_group:own': OK } as const
const ADMINS = { 'admin:own': OK } as const

const CASES: Case[] = [
  // --- anyone (README: "anyone", "public")
  { op: 'GET /healthz', what: 'liveness', request: get('/healthz'), expected: anyone(OK) },
  { op: 'GET /v1/console/config', what: 'how the console signs people in', request: get('/v1/console/config'), expected: anyone(OK) },
  { op: 'GET /v1/console/session', what: 'whom the token names', request: get('/v1/console/session'), expected: anyPrincipal(OK) },
  // This server signs with its own secret, not the public development one: no demo accounts, for anyone.
  { op: 'GET /v1/console/demo-accounts', what: 'demo accounts (only with the development secret)', request: get('/v1/console/demo-accounts'), expected: anyone([404]) },
  {
    op: 'POST /v1/console/demo-sessions',
    what: 'a demo token (only with the development secret)',
    request: async () => ({ method: 'POST', url: '/v1/console/demo-sessions', payload: { sub: 'admin' } }),
    expected: anyone([404])
  },
  {
    op: 'POST /v1/screenings',
    what: 'a dry run (README: anyone; stores nothing)',
    request: async () => ({ method: 'POST', url: '/v1/screenings', payload: { ...assisted, department: 'east-civil' } }),
    expected: anyone(OK)
  },
  { op: 'GET /v1/catalogs', what: 'the lists', request: get('/v1/catalogs'), expected: anyone(OK) },
  { op: 'GET /v1/catalogs/{list}', what: 'one list', request: get('/v1/catalogs/assisted_tasks?level=community'), expected: anyone(OK) },
  { op: 'GET /v1/policy-packs', what: 'the pack versions and what each changed (README: anyone)', request: get('/v1/policy-packs'), expected: anyone(OK) },
  { op: 'GET /v1/policy-packs/current', what: 'the pack in force as a file (README: anyone)', request: get('/v1/policy-packs/current'), expected: anyone(OK) },
  {
    op: 'POST /v1/policy-packs',
    what: 'validate and diff the pack in force, unchanged (README: admin; a dry run stores nothing)',
    request: async (o) => ({ method: 'POST', url: '/v1/policy-packs?dryRun=true', payload: (await o.call('GET', '/v1/policy-packs/current', 'none')).json() }),
    expected: only({ 'admin:own': OK, 'admin:foreign': OK }, FORBIDDEN)
  },
  { op: 'GET /v1/org-units', what: 'browsing the org tree (README: anyone)', request: get('/v1/org-units?parentId=east'), expected: anyone(OK) },
  { op: 'GET /v1/org-units/{id}', what: 'an org unit (README: anyone)', request: get('/v1/org-units/east-civil'), expected: anyone(OK) },
  { op: 'GET /v1/machines', what: 'the statecharts', request: get('/v1/machines'), expected: anyone(OK) },
  { op: 'GET /v1/machines/{id}', what: 'the admission statechart', request: get('/v1/machines/admission'), expected: anyone(OK) },
  { op: 'GET /v1/machines/{id}/diagram', what: 'its diagram', request: get('/v1/machines/admission/diagram'), expected: anyone(OK) },
  {
    op: 'GET /v1/register/tasks',
    what: 'the public register (admitted tasks only, for everybody)',
    request: get('/v1/register/tasks?department=east-civil'),
    expected: anyone(OK),
    check: listing(Object.fromEntries(EVERYONE.map((w) => [w, { admitted: true, draft: false, escalated: false, agenda: false, consultation: false }])))
  },
  { op: 'GET /v1/register/catalog-versions', what: 'catalog history', request: get('/v1/register/catalog-versions'), expected: anyone(OK) },
  {
    op: 'GET /v1/register/catalog-versions/{version}/{list}',
    what: 'a list as it stood',
    request: get(`/v1/register/catalog-versions/${DEFAULT_PACK.version}/negative?level=community`),
    expected: anyone(OK)
  },
  { op: 'GET /v1/register/departments', what: 'department statistics', request: get('/v1/register/departments'), expected: anyone(OK) },

  // --- tasks
  {
    op: 'POST /v1/tasks',
    what: 'create a task for east-s1 communities (README: department; a department sends work only inside its jurisdiction)',
    request: async () => ({ method: 'POST', url: '/v1/tasks', payload: assisted }),
    // The foreign department may be told either that it cannot (403) or that the targets are invalid for it (400).
    expected: only({ 'department:own': CREATED, 'department:foreign': [400, 403] }, FORBIDDEN)
  },
  {
    op: 'GET /v1/tasks',
    what: 'the task list (department: its own; office and group: their jurisdiction; community: what targets it; public: admitted)',
    request: get('/v1/tasks?limit=200'),
    expected: anyone(OK),
    check: listing({
      none: { admitted: true, draft: false, escalated: false, agenda: false, consultation: false },
      'department:own': { admitted: true, draft: true, escalated: true, agenda: true, consultation: true },
      'department:foreign': { admitted: true, draft: false, escalated: false, agenda: false, consultation: false },
      // Whether reviewers see a department's drafts the documents leave open ("those of its jurisdiction").
      'office:own': { admitted: true, escalated: true, agenda: true, consultation: true },
      'office:foreign': { admitted: true, draft: false, escalated: false, agenda: false, consultation: false },
      'leading_group:own': { admitted: true, escalated: true, agenda: true, consultation: true },
      'leading_group:foreign': { admitted: true, draft: false, escalated: false, agenda: false, consultation: false },
      // A draft is the department's; a community sees what was admitted for it (and a consultation it is invited to).
      'community:own': { admitted: true, draft: false, escalated: false, agenda: false },
      'community:foreign': { admitted: true, draft: false, escalated: false, agenda: false, consultation: false },
      'admin:own': { admitted: true, draft: true, escalated: true, agenda: true, consultation: true },
      'admin:foreign': { admitted: true, draft: false, escalated: false, agenda: false, consultation: false }
    })
  },
  {
    op: 'GET /v1/tasks/{id}',
    what: 'the draft (README: parties; public only when admitted)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/tasks/${fx.draft}` }),
    // Reviewers of the jurisdiction: open (see GET /v1/tasks above).
    expected: expect({ none: HIDDEN_FROM_PUBLIC, 'department:own': OK, ...ADMINS, 'office:own': [200, 404], 'leading_group:own': [200, 404] }, DENIED)
  },
  {
    op: 'GET /v1/tasks/{id}',
    what: 'the escalated task in office review',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/tasks/${fx.escalated}` }),
    expected: expect({ none: HIDDEN_FROM_PUBLIC, 'department:own': OK, ...REVIEWERS_OWN, ...ADMINS }, DENIED)
  },
  {
    op: 'GET /v1/tasks/{id}',
    what: 'the task in consultation, east-s1-c1 invited (an invited community is a party: it replies)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/tasks/${fx.consultation}` }),
    expected: expect({ none: HIDDEN_FROM_PUBLIC, 'department:own': OK, ...REVIEWERS_OWN, ...ADMINS, 'community:own': OK }, DENIED)
  },
  {
    op: 'GET /v1/tasks/{id}',
    what: 'the admitted task (public)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/tasks/${fx.admitted}` }),
    expected: anyone(OK),
    check: (who, body) => (['office', 'leading_group', 'admin'].includes(PRINCIPALS[who as Exclude<Who, 'none'>]?.role) || body.review?.votes === null ? [] : ['shows who voted how'])
  },
  {
    op: 'POST /v1/tasks/{id}/events',
    what: 'SUBMIT a fresh draft (the owning department)',
    request: async (o) => ({ method: 'POST', url: `/v1/tasks/${await o.draft()}/events`, payload: { type: 'SUBMIT' } }),
    expected: only({ 'department:own': OK })
  },
  {
    op: 'POST /v1/tasks/{id}/events',
    what: 'WITHDRAW a fresh escalated task (the owning department, while not final)',
    request: async (o) => ({ method: 'POST', url: `/v1/tasks/${await o.escalated()}/events`, payload: { type: 'WITHDRAW', reason: '撤回' } }),
    expected: only({ 'department:own': OK })
  },
  {
    op: 'POST /v1/tasks/{id}/events',
    what: 'PUT_ON_AGENDA a fresh escalated task (the office of the deciding jurisdiction)',
    request: async (o) => ({ method: 'POST', url: `/v1/tasks/${await o.escalated()}/events`, payload: { type: 'PUT_ON_AGENDA' } }),
    expected: only({ 'office:own': OK })
  },
  {
    op: 'POST /v1/tasks/{id}/events',
    what: 'OFFICE_RETURN a fresh escalated task (that office)',
    request: async (o) => ({ method: 'POST', url: `/v1/tasks/${await o.escalated()}/events`, payload: { type: 'OFFICE_RETURN', reason: '材料不全' } }),
    expected: only({ 'office:own': OK })
  },
  {
    op: 'POST /v1/tasks/{id}/events',
    what: 'CONSULTATION_REPLY on a fresh consultation inviting east-s1-c1 (an invited community, or the office recording one)',
    request: async (o) => ({ method: 'POST', url: `/v1/tasks/${await o.inConsultation()}/events`, payload: { type: 'CONSULTATION_REPLY', reply: '同意' } }),
    expected: only({ 'community:own': OK, 'office:own': OK })
  },
  {
    op: 'POST /v1/tasks/{id}/events',
    what: 'VOTE on a fresh task on the agenda (a member of that leading group)',
    request: async (o) => ({ method: 'POST', url: `/v1/tasks/${await o.onAgenda()}/events`, payload: { type: 'VOTE', vote: 'approve', reason: '同意' } }),
    expected: only({ 'leading_group:own': OK })
  },
  {
    op: 'POST /v1/tasks/{id}/events',
    what: 'SUSPEND a fresh admitted task (the office manages the agreement)',
    request: async (o) => ({ method: 'POST', url: `/v1/tasks/${await o.admitted()}/events`, payload: { type: 'SUSPEND', reason: '经费未到位' } }),
    expected: only({ 'office:own': OK })
  },
  {
    op: 'GET /v1/tasks/{id}/events',
    what: 'the escalated task’s history (README: parties, token)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/tasks/${fx.escalated}/events` }),
    expected: only({ 'department:own': OK, ...REVIEWERS_OWN, ...ADMINS })
  },
  {
    op: 'GET /v1/tasks/{id}/events',
    what: 'the admitted task’s history (public task, but who acted is for parties)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/tasks/${fx.admitted}/events` }),
    // Whether a target community is a party of an admitted task the documents leave open.
    expected: only({ 'department:own': OK, ...REVIEWERS_OWN, ...ADMINS, 'community:own': [200, 403, 404] })
  },
  {
    op: 'GET /v1/tasks/{id}/screening',
    what: 'the escalated task’s screening (README: as the task)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/tasks/${fx.escalated}/screening` }),
    expected: expect({ none: HIDDEN_FROM_PUBLIC, 'department:own': OK, ...REVIEWERS_OWN, ...ADMINS }, DENIED)
  },
  {
    op: 'GET /v1/tasks/{id}/screening',
    what: 'the draft’s screening (none yet: 409 for those who may see the draft; others must not learn it exists)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/tasks/${fx.draft}/screening` }),
    expected: expect({ none: HIDDEN_FROM_PUBLIC, 'department:own': [409], 'admin:own': [409], 'office:own': [404, 409], 'leading_group:own': [404, 409] }, DENIED)
  },
  {
    op: 'GET /v1/tasks/{id}/screening',
    what: 'the admitted task’s screening (public)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/tasks/${fx.admitted}/screening` }),
    expected: anyone(OK)
  },

  // --- contracts and funding
  {
    op: 'GET /v1/tasks/{id}/contract',
    what: 'the admitted task’s agreement (README: public; contacts for parties)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/tasks/${fx.admitted}/contract` }),
    expected: anyone(OK),
    check: (who, body) => {
      const contacts = body.terms?.contacts
      const mustHide: Who[] = ['none', 'department:foreign', 'office:foreign', 'leading_group:foreign', 'street:foreign', 'community:foreign', 'admin:foreign']
      const mustShow: Who[] = ['department:own', 'office:own', 'leading_group:own', 'admin:own', 'community:own']
      if (mustHide.includes(who) && JSON.stringify(contacts) !== '[]') return [`shows the contacts: ${JSON.stringify(contacts)}`]
      if (mustShow.includes(who) && JSON.stringify(contacts) !== JSON.stringify(CONTACTS)) return [`does not show the contacts to a party: ${JSON.stringify(contacts)}`]
      return []
    }
  },
  {
    op: 'GET /v1/tasks/{id}/contract',
    what: 'the draft’s agreement (there is none; a draft is not public)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/tasks/${fx.draft}/contract` }),
    expected: expect({ none: HIDDEN_FROM_PUBLIC }, DENIED)
  },
  {
    op: 'PUT /v1/tasks/{id}/contract',
    what: 'set the terms of a fresh admitted task (the owning department)',
    request: async (o) => ({ method: 'PUT', url: `/v1/tasks/${await o.admitted()}/contract`, payload: TERMS }),
    expected: only({ 'department:own': OK })
  },
  {
    op: 'POST /v1/tasks/{id}/funding-confirmations',
    what: 'report funding on a fresh admitted task (a target community)',
    request: async (o) => ({ method: 'POST', url: `/v1/tasks/${await o.admitted()}/funding-confirmations`, payload: { status: 'received', amount: 8000 } }),
    expected: only({ 'community:own': CREATED })
  },
  {
    op: 'GET /v1/tasks/{id}/funding-confirmations',
    what: 'the admitted task’s funding confirmations (README: parties)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/tasks/${fx.admitted}/funding-confirmations` }),
    // The target community reports them; whether it counts as a party here the documents leave open.
    expected: only({ 'department:own': OK, ...REVIEWERS_OWN, ...ADMINS, 'community:own': [200, 403, 404] })
  },

  // --- org tree and leading groups
  {
    op: 'POST /v1/org-units',
    what: 'add a street under east (README: admin)',
    request: async (o) => ({ method: 'POST', url: '/v1/org-units', payload: { id: o.unique('authz-street'), kind: 'street', name: '新街道', parentId: 'east' } }),
    expected: only({ 'admin:own': CREATED }, FORBIDDEN)
  },
  {
    op: 'PATCH /v1/org-units/{id}',
    what: 'rename a community of east (README: admin of the unit)',
    request: async (o) => ({ method: 'PATCH', url: '/v1/org-units/east-s2-c2', payload: { name: o.unique('青山二社区') } }),
    expected: only({ 'admin:own': OK }, FORBIDDEN)
  },
  {
    op: 'POST /v1/org-units/import',
    what: 'a dry run of an import that renames a community of east (README: admin of the units)',
    request: async () => ({ method: 'POST', url: '/v1/org-units/import?dryRun=true', payload: { units: [{ id: 'east-s2-c2', name: '青山新二社区' }] } }),
    expected: only({ 'admin:own': OK }, FORBIDDEN)
  },
  {
    op: 'GET /v1/org-units/{id}/changes',
    what: 'the history of a community of east (README: admin of the unit)',
    request: get('/v1/org-units/east-s1-c1/changes'),
    expected: only({ 'admin:own': OK }, FORBIDDEN)
  },
  {
    op: 'GET /v1/leading-groups/{orgUnit}/members',
    what: 'the east group’s members (README: token)',
    request: get('/v1/leading-groups/east/members'),
    expected: anyPrincipal(OK)
  },
  {
    op: 'POST /v1/leading-groups/{orgUnit}/members',
    what: 'add a member to the east group (README: admin)',
    request: async (o) => ({ method: 'POST', url: '/v1/leading-groups/east/members', payload: { sub: o.unique('authz.member'), name: '新委员', homeDepartment: null, chair: false } }),
    expected: only({ 'admin:own': CREATED }, FORBIDDEN)
  },
  {
    op: 'PATCH /v1/leading-groups/{orgUnit}/members/{sub}',
    what: 'change a member of the east group (README: admin)',
    request: async (o) => {
      const sub = o.unique('authz.member')
      await o.must('POST', '/v1/leading-groups/east/members', 'admin:own', { sub, name: '新委员', homeDepartment: null })
      return { method: 'PATCH', url: `/v1/leading-groups/east/members/${sub}`, payload: { position: 'deputy_chair' } }
    },
    expected: only({ 'admin:own': OK }, FORBIDDEN)
  },
  {
    op: 'DELETE /v1/leading-groups/{orgUnit}/members/{sub}',
    what: 'remove a member of the east group (README: admin)',
    request: async (o) => {
      const sub = o.unique('authz.member')
      await o.must('POST', '/v1/leading-groups/east/members', 'admin:own', { sub, name: '新委员', homeDepartment: null })
      return { method: 'DELETE', url: `/v1/leading-groups/east/members/${sub}` }
    },
    expected: only({ 'admin:own': NO_CONTENT }, FORBIDDEN)
  },
  {
    op: 'GET /v1/leading-groups/{orgUnit}/member-changes',
    what: 'who changed the east group’s membership (README: admin)',
    request: get('/v1/leading-groups/east/member-changes'),
    expected: only(ADMINS, FORBIDDEN)
  },
  {
    op: 'POST /v1/leading-groups/members/import',
    what: 'a dry run of a members import (README: admin)',
    request: async (o) => ({ method: 'POST', url: '/v1/leading-groups/members/import?dryRun=true', payload: [{ group: 'east', sub: o.unique('authz.member'), name: '新委员' }] }),
    expected: only(ADMINS, FORBIDDEN)
  },

  // --- reviews
  {
    op: 'GET /v1/reviews',
    what: 'the review queue (README: office, leading group — their own jurisdiction’s)',
    request: get('/v1/reviews?limit=200'),
    expected: only({ 'office:own': OK, 'office:foreign': OK, 'leading_group:own': OK, 'leading_group:foreign': OK }, FORBIDDEN),
    check: listing({
      'office:own': { escalated: true, consultation: true },
      'office:foreign': { escalated: false, consultation: false, agenda: false },
      'leading_group:own': { agenda: true },
      'leading_group:foreign': { escalated: false, consultation: false, agenda: false }
    })
  },
  {
    op: 'GET /v1/reviews/overdue',
    what: 'overdue escalations (README: office, leading group, admin)',
    request: get('/v1/reviews/overdue'),
    // Each reads its own jurisdiction's: the other district's admin reads its district's (none here).
    expected: only({ 'office:own': OK, 'office:foreign': OK, 'leading_group:own': OK, 'leading_group:foreign': OK, 'admin:own': OK, 'admin:foreign': OK }, FORBIDDEN)
  },

  // --- the engine's instance routes serve workflows kept in the engine's own tables; the gate keeps its own
  {
    op: 'POST /v1/workflows/{machine}/instances',
    what: 'start an instance: the gate registers no such workflow (admission has its own routes)',
    request: async () => ({ method: 'POST', url: '/v1/workflows/admission/instances' }),
    expected: anyPrincipal([404])
  },
  { op: 'GET /v1/workflows/{machine}/instances/{id}', what: 'an instance', request: get('/v1/workflows/admission/instances/x'), expected: anyPrincipal([404]) },
  {
    op: 'POST /v1/workflows/{machine}/instances/{id}/events',
    what: 'an event',
    request: async () => ({ method: 'POST', url: '/v1/workflows/burden-report/instances/x/events', payload: { type: 'INVESTIGATE' } }),
    expected: anyPrincipal([404])
  },
  { op: 'GET /v1/workflows/{machine}/instances/{id}/events', what: 'a history', request: get('/v1/workflows/admission/instances/x/events'), expected: anyPrincipal([404]) },
  // --- webhooks (README: any principal; its own webhooks, an admin everybody's)
  {
    op: 'POST /v1/webhooks',
    what: 'subscribe',
    request: async () => ({ method: 'POST', url: '/v1/webhooks', payload: { url: 'https://example.org/zhunru-hook', events: ['SUBMIT'], secret: 'a-shared-secret-of-16+' } }),
    expected: anyPrincipal(CREATED)
  },
  {
    op: 'GET /v1/webhooks',
    what: 'the caller’s webhooks (office.east owns the fixture)',
    request: get('/v1/webhooks'),
    expected: anyPrincipal(OK),
    check: listing(
      Object.fromEntries(EVERYONE.filter((w) => w !== 'none').map((w) => [w, { webhook: w === 'office:own' || w === 'admin:own' }]))
    )
  },
  {
    op: 'GET /v1/webhooks/{id}/deliveries',
    what: 'office.east’s webhook deliveries (its owner, an admin)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/webhooks/${fx.webhook}/deliveries` }),
    expected: only({ 'office:own': OK, ...ADMINS })
  },
  {
    op: 'DELETE /v1/webhooks/{id}',
    what: 'delete a fresh webhook of office.east (its owner, an admin)',
    request: async (o) => ({ method: 'DELETE', url: `/v1/webhooks/${await o.webhook()}` }),
    expected: only({ 'office:own': NO_CONTENT, 'admin:own': NO_CONTENT })
  },

  // --- the residents' deliberation council (README: its council and staff act in their own community; its street, office and admins read)
  { op: 'GET /v1/register/deliberations', what: 'the council’s published results (public)', request: get('/v1/register/deliberations'), expected: anyone(OK) },
  {
    op: 'POST /v1/deliberations',
    what: 'propose an item (a council or community staff, for the token’s own community)',
    request: async () => ({ method: 'POST', url: '/v1/deliberations', payload: DELIBERATION_ITEM }),
    expected: only({ 'council:own': CREATED, 'council:foreign': CREATED, 'community:own': CREATED, 'community:foreign': CREATED }, FORBIDDEN)
  },
  {
    op: 'GET /v1/deliberations',
    what: 'the items a caller reads (its community, street, district; else the public ones)',
    request: get('/v1/deliberations?limit=200'),
    expected: anyPrincipal(OK),
    check: listing(
      Object.fromEntries(
        EVERYONE.filter((w) => w !== 'none').map((w) => [
          w,
          // The list is the caller's own place; a caller with none (a department, a group member) gets the public ones. Public items elsewhere are in the register.
          {
            deliberation: ['council:own', 'community:own', 'street:own', 'office:own', 'admin:own'].includes(w),
            rejectedDeliberation: ['council:own', 'community:own', 'street:own', 'office:own', 'admin:own', 'department:own', 'department:foreign', 'leading_group:own', 'leading_group:foreign'].includes(w)
          }
        ])
      )
    )
  },
  {
    op: 'GET /v1/deliberations/{id}',
    what: 'an item just proposed (not public)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/deliberations/${fx.deliberation}` }),
    expected: only({ 'council:own': OK, 'community:own': OK, 'street:own': OK, 'office:own': OK, ...ADMINS })
  },
  {
    op: 'GET /v1/deliberations/{id}',
    what: 'a rejected motion (its result is public)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/deliberations/${fx.rejectedDeliberation}` }),
    expected: anyPrincipal(OK)
  },
  {
    op: 'GET /v1/deliberations/{id}/history',
    what: 'an item’s history, as the item',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/deliberations/${fx.deliberation}/history` }),
    expected: only({ 'council:own': OK, 'community:own': OK, 'street:own': OK, 'office:own': OK, ...ADMINS })
  },
  {
    op: 'POST /v1/deliberations/{id}/events',
    what: 'MOTION on a fresh item (its council)',
    request: async (o) => ({ method: 'POST', url: `/v1/deliberations/${await o.deliberation()}/events`, payload: DELIBERATION_MOTION }),
    expected: only({ 'council:own': OK })
  },
  {
    op: 'POST /v1/deliberations/{id}/events',
    what: 'COMMITTEE_REVIEW of a fresh motion (its community’s staff, for the two committees)',
    request: async (o) => ({ method: 'POST', url: `/v1/deliberations/${await o.inCommitteeReview()}/events`, payload: { type: 'COMMITTEE_REVIEW', outcome: 'approved', opinion: '同意' } }),
    expected: only({ 'community:own': OK })
  },
  {
    op: 'GET /v1/councils/{community}/members',
    what: 'east-s1-c1’s council (its council and staff, its street, its office and admins)',
    request: get('/v1/councils/east-s1-c1/members'),
    expected: only({ 'council:own': OK, 'community:own': OK, 'street:own': OK, 'office:own': OK, ...ADMINS }, FORBIDDEN)
  },
  {
    op: 'POST /v1/councils/{community}/members',
    what: 'add a member (its council, its staff, an admin of its district or city)',
    request: async (o) => ({ method: 'POST', url: '/v1/councils/east-s1-c1/members', payload: { sub: o.unique('new'), name: '新成员', termStart: '2026-01-01', termEnd: '2030-12-31' } }),
    expected: only({ 'council:own': CREATED, 'community:own': CREATED, ...{ 'admin:own': CREATED } }, FORBIDDEN)
  },
  {
    op: 'PATCH /v1/councils/{community}/members/{sub}',
    what: 'change a fresh member',
    request: async (o) => ({ method: 'PATCH', url: `/v1/councils/east-s1-c1/members/${await o.councilMember()}`, payload: { partyMember: true } }),
    expected: only({ 'council:own': OK, 'community:own': OK, ...ADMINS }, FORBIDDEN)
  },
  {
    op: 'DELETE /v1/councils/{community}/members/{sub}',
    what: 'remove a fresh member',
    request: async (o) => ({ method: 'DELETE', url: `/v1/councils/east-s1-c1/members/${await o.councilMember()}` }),
    expected: only({ 'council:own': NO_CONTENT, 'community:own': NO_CONTENT, 'admin:own': NO_CONTENT }, FORBIDDEN)
  },
  {
    op: 'GET /v1/councils/{community}/member-changes',
    what: 'the council’s membership history (as its members)',
    request: get('/v1/councils/east-s1-c1/member-changes'),
    expected: only({ 'council:own': OK, 'community:own': OK, 'street:own': OK, 'office:own': OK, ...ADMINS }, FORBIDDEN)
  },
  {
    op: 'POST /v1/councils/{community}/members/import',
    what: 'a dry run of an import (as adding a member)',
    request: async () => ({ method: 'POST', url: '/v1/councils/east-s1-c1/members/import?dryRun=true', payload: [{ sub: 'm09', name: '成员', termStart: '2026-01-01', termEnd: '2030-12-31' }] }),
    expected: only({ 'council:own': OK, 'community:own': OK, ...ADMINS }, FORBIDDEN)
  },

  // --- burden ledgers and scorecards
  {
    op: 'GET /v1/communities/{id}/burden',
    what: 'east-s1-c1’s ledger (README: the community, its street, its reviewers, its admin)',
    request: get('/v1/communities/east-s1-c1/burden'),
    expected: only({ 'community:own': OK, 'street:own': OK, ...REVIEWERS_OWN, ...ADMINS })
  },
  {
    op: 'GET /v1/org-units/{id}/burden',
    what: 'street east-s1’s burden (README: the street itself, reviewers, admin)',
    request: get('/v1/org-units/east-s1/burden'),
    expected: only({ 'street:own': OK, ...REVIEWERS_OWN, ...ADMINS })
  },
  {
    op: 'GET /v1/departments/{id}/scorecard',
    what: 'east-civil’s scorecard (README: the department, its reviewers, admin)',
    request: get('/v1/departments/east-civil/scorecard'),
    expected: only({ 'department:own': OK, ...REVIEWERS_OWN, ...ADMINS })
  },

  // --- burden reports (README: the reporter, the office of the jurisdiction, the department concerned without the reporter, admin)
  {
    op: 'POST /v1/burden-reports',
    what: 'report east-civil (a community or street of its district)',
    request: async () => ({ method: 'POST', url: '/v1/burden-reports', payload: REPORT }),
    // A community of another district may be refused (403) or told the department is not one it can report (400).
    expected: only({ 'community:own': CREATED, 'community:foreign': [400, 403], 'street:own': CREATED, 'street:foreign': [400, 403] }, FORBIDDEN)
  },
  {
    op: 'GET /v1/withdrawal-requests',
    what: 'councils’ requests to withdraw admitted tasks (README: the office answering, the community and its council, the task’s department, admin)',
    request: get('/v1/withdrawal-requests?limit=200'),
    // Streets and leading groups have no part in it; everyone else reads a scope, empty when foreign.
    expected: expect({ none: UNAUTHENTICATED, 'street:own': FORBIDDEN, 'street:foreign': FORBIDDEN, 'leading_group:own': FORBIDDEN, 'leading_group:foreign': FORBIDDEN }, OK),
    check: listing({
      'office:own': { withdrawalRequest: true },
      'office:foreign': { withdrawalRequest: false },
      'community:own': { withdrawalRequest: true },
      'community:foreign': { withdrawalRequest: false },
      'council:own': { withdrawalRequest: true },
      'council:foreign': { withdrawalRequest: false },
      'department:own': { withdrawalRequest: true },
      'department:foreign': { withdrawalRequest: false },
      'admin:own': { withdrawalRequest: true },
      'admin:foreign': { withdrawalRequest: false }
    })
  },
  {
    op: 'GET /v1/withdrawal-requests/{id}',
    what: 'one request, with its answer',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/withdrawal-requests/${fx.withdrawalRequest}` }),
    expected: only({ 'office:own': OK, 'community:own': OK, 'council:own': OK, 'department:own': OK, ...ADMINS })
  },
  {
    op: 'GET /v1/burden-reports',
    what: 'the report list',
    request: get('/v1/burden-reports?limit=200'),
    // Leading-group members and the deliberation council are not among the readers: refused, or shown nothing of it.
    expected: expect(
      { none: UNAUTHENTICATED, 'leading_group:own': [200, 403], 'leading_group:foreign': [200, 403], 'council:own': [200, 403], 'council:foreign': [200, 403] },
      OK
    ),
    check: (who, body, fx) => [
      ...listing({
        'community:own': { report: true },
        'community:foreign': { report: false },
        'office:own': { report: true },
        'office:foreign': { report: false },
        'department:own': { report: true },
        'department:foreign': { report: false },
        'leading_group:own': { report: false },
        'leading_group:foreign': { report: false },
        'admin:own': { report: true },
        'admin:foreign': { report: false }
      })(who, body, fx),
      ...(who === 'department:own' ? reporterHidden(body) : [])
    ]
  },
  {
    op: 'GET /v1/burden-reports/{id}',
    what: 'the report by east-s1-c1 on east-civil',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/burden-reports/${fx.report}` }),
    expected: only({ 'community:own': OK, 'office:own': OK, 'department:own': OK, ...ADMINS }),
    check: (who, body) => (who === 'department:own' ? reporterHidden(body) : [])
  },
  {
    op: 'POST /v1/burden-reports/{id}/events',
    what: 'INVESTIGATE a fresh report (README: that office)',
    request: async (o) => ({ method: 'POST', url: `/v1/burden-reports/${await o.report()}/events`, payload: { type: 'INVESTIGATE' } }),
    expected: only({ 'office:own': OK })
  },
  {
    op: 'GET /v1/burden-reports/{id}/events',
    what: 'the report’s history',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/burden-reports/${fx.report}/events` }),
    expected: only({ 'community:own': OK, 'office:own': OK, 'department:own': OK, ...ADMINS }),
    check: (who, body) => (who === 'department:own' ? reporterHidden(body) : [])
  },

  // --- evaluation rounds (README: the office of the area opens and moves them, its streets and communities rate,
  // the departments listed read their own result once published, without who rated; the public reads published results)
  {
    op: 'POST /v1/evaluations',
    what: 'open a round of one’s own city or district for a fresh year',
    request: async (_o, _fx, who) => ({ method: 'POST', url: '/v1/evaluations', payload: { period: String(2000 + EVERYONE.indexOf(who)) } }),
    // Each office and admin opens rounds of its own area (west's for west); nobody else opens any.
    expected: only({ 'office:own': CREATED, 'office:foreign': CREATED, 'admin:own': CREATED, 'admin:foreign': CREATED }, FORBIDDEN)
  },
  {
    op: 'GET /v1/evaluations',
    what: 'the round list',
    request: get('/v1/evaluations?limit=200'),
    expected: anyPrincipal(OK),
    check: (who, body, fx) => [
      ...(['office:own', 'leading_group:own', 'street:own', 'community:own', 'department:own', 'admin:own'].includes(who) === ids(body).includes(fx.evaluation) ? [] : ['the east round is listed wrongly']),
      ...(who === 'department:own' ? ratersHidden(body) : [])
    ]
  },
  {
    op: 'GET /v1/evaluations/{id}',
    what: 'the east round in rating',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/evaluations/${fx.evaluation}` }),
    expected: only({ 'office:own': OK, 'leading_group:own': OK, 'street:own': OK, 'community:own': OK, 'department:own': OK, ...ADMINS }, [404]),
    check: (who, body) => (who === 'department:own' ? ratersHidden(body) : [])
  },
  {
    op: 'POST /v1/evaluations/{id}/events',
    what: 'CLOSE a fresh round in rating (the office of the area)',
    // A year per caller, 2010–2025: none is the fixture's 2026, nor a year the office opened above (2000 + its index).
    request: async (o, _fx, who) => ({ method: 'POST', url: `/v1/evaluations/${await o.evaluation(String(2010 + EVERYONE.indexOf(who)))}/events`, payload: { type: 'CLOSE' } }),
    expected: only({ 'office:own': OK, ...ADMINS })
  },
  {
    op: 'GET /v1/evaluations/{id}/history',
    what: 'the east round’s history (RATE events name their raters to the office and admins only)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/evaluations/${fx.evaluation}/history` }),
    expected: only({ 'office:own': OK, 'leading_group:own': OK, 'street:own': OK, 'community:own': OK, 'department:own': OK, ...ADMINS }, [404]),
    check: (who, body) => (['office:own', 'admin:own'].includes(who) ? [] : ratersHidden(body))
  },
  {
    op: 'PUT /v1/evaluations/{id}/ratings/{department}',
    what: 'rate east-civil in the east round (its streets and communities)',
    request: async (_o, fx) => ({ method: 'PUT', url: `/v1/evaluations/${fx.evaluation}/ratings/east-civil`, payload: { value: 'satisfied' } }),
    // Own: a replacement of its rating (200), or the first (201). Foreign raters do not see the round.
    expected: only({ 'street:own': [200, 201], 'community:own': [200, 201], 'street:foreign': [404], 'community:foreign': [404] }, DENIED)
  },
  {
    op: 'GET /v1/evaluations/{id}/ratings',
    what: 'the east round’s ratings (a rater its own, the office and admins all)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/evaluations/${fx.evaluation}/ratings` }),
    expected: only({ 'office:own': OK, 'street:own': OK, 'community:own': OK, ...ADMINS }),
    check: (who, body) => {
      const orgs = new Set((body.items as Json[]).map((r) => r.rater.org))
      if (who === 'street:own') return orgs.size === 1 && orgs.has('east-s1') ? [] : ['shows other raters’ ratings to a street']
      if (who === 'community:own') return orgs.size === 1 && orgs.has('east-s1-c1') ? [] : ['shows other raters’ ratings to a community']
      return orgs.size === 2 ? [] : ['does not show every rating to the office']
    }
  },
  {
    op: 'GET /v1/evaluations/{id}/result',
    what: 'the east round’s result before publication (the office’s provisional one)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/evaluations/${fx.evaluation}/result` }),
    // Those who see the round but not yet its result are told it is not published (409).
    expected: only({ 'office:own': OK, ...ADMINS, 'leading_group:own': [409], 'street:own': [409], 'community:own': [409], 'department:own': [409] }, [404])
  },
  {
    op: 'GET /v1/evaluations/{id}/result',
    what: 'the published city round’s result (the department rated its own row, without raters; the city’s raters the aggregates)',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/evaluations/${fx.publishedEvaluation}/result` }),
    // Streets and communities of both districts lie in the city; east's office and group run east, not the city.
    expected: only({ 'department:own': OK, 'street:own': OK, 'community:own': OK, 'street:foreign': OK, 'community:foreign': OK, ...ADMINS }, [404]),
    check: (who, body) => {
      if (who === 'department:own') return [...ratersHidden(body), ...(body.departments.length === 1 && body.departments[0].department === 'east-civil' ? [] : ['shows the department more than its own row'])]
      return who === 'admin:own' ? [] : publicOnly(body)
    }
  },
  {
    op: 'GET /v1/register/evaluations',
    what: 'published rounds (public: no raters, no comments)',
    request: get('/v1/register/evaluations'),
    expected: anyone(OK),
    check: (_who, body, fx) => [...(body.items.some((i: Json) => i.round.id === fx.publishedEvaluation) ? [] : ['does not list the published round']), ...publicOnly(body)]
  },
  {
    op: 'GET /v1/register/evaluations/{id}',
    what: 'the published city round',
    request: async (_o, fx) => ({ method: 'GET', url: `/v1/register/evaluations/${fx.publishedEvaluation}` }),
    expected: anyone(OK),
    check: (_who, body) => publicOnly(body)
  },
  {
    op: 'GET /v1/register/evaluations/departments/{id}',
    what: 'east-civil’s published rounds',
    request: get('/v1/register/evaluations/departments/east-civil'),
    expected: anyone(OK),
    check: (_who, body, fx) => (body.items.some((i: Json) => i.round === fx.publishedEvaluation) ? [] : ['does not show the published round'])
  },
  { op: 'GET /v1/register/evaluations/areas/{id}', what: 'the city’s published rounds', request: get('/v1/register/evaluations/areas/city'), expected: anyone(OK) }
]

/** "A department cannot see who rated it": no rater's org or sub anywhere in what it reads. */
function ratersHidden(body: Json): string[] {
  const text = JSON.stringify(body)
  return ['east-s1-c1', 'east-s1"', PRINCIPALS['community:own'].sub, PRINCIPALS['street:own'].sub, '"rater"'].flatMap((secret) => (text.includes(secret) ? [`reveals ${secret} to the department rated`] : []))
}

/** What the public and the raters read of a published round: aggregates, no raters, no comments. */
function publicOnly(body: Json): string[] {
  const text = JSON.stringify(body)
  return ['east-s1-c1', PRINCIPALS['community:own'].sub, '社区意见', '"comments"'].flatMap((secret) => (text.includes(secret) ? [`reveals ${secret}`] : []))
}

/** "The department reported never learns which community or person filed the report." */
function reporterHidden(body: Json): string[] {
  const text = JSON.stringify(body)
  const out: string[] = []
  for (const secret of ['east-s1-c1', PRINCIPALS['community:own'].sub, 'reporterOrg', 'reporterSub', 'relatedTaskId']) {
    if (text.includes(secret)) out.push(`reveals ${secret} to the department reported`)
  }
  return out
}

// ---------------------------------------------------------------------------------------------

const openapi = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, unknown>> }
const OPERATIONS = Object.entries(openapi.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))

const describe = (who: Who, r: Request) => {
  const p = who === 'none' ? null : PRINCIPALS[who]
  return JSON.stringify({
    method: r.method,
    url: r.url,
    token: p === null ? 'none' : `${p.role} org=${p.org} sub=${p.sub} (npm run token -- ${p.role} ${p.org} ${p.sub})`,
    ...(r.payload === undefined ? {} : { body: r.payload })
  })
}

t.test('authorization matrix: every operation × every role × own and foreign org unit', async (t) => {
  t.same(
    OPERATIONS.filter((op) => !CASES.some((c) => c.op === op)),
    [],
    'every operation of openapi/openapi.json has at least one case'
  )
  t.same(
    CASES.filter((c) => !OPERATIONS.includes(c.op)).map((c) => c.op),
    [],
    'every case names an operation of the document'
  )

  const h = await build(t)
  const o = new Objects(h)
  const fx = await o.fixtures()
  let cells = 0
  const denials: string[] = []
  const table: string[] = [`| case | ${EVERYONE.join(' | ')} |`, `|---|${EVERYONE.map(() => '---').join('|')}|`]
  for (const c of CASES) {
    const row: number[] = []
    for (const who of EVERYONE) {
      const r = await c.request(o, fx, who)
      const res = await o.call(r.method, r.url, who, r.payload)
      cells++
      row.push(res.statusCode)
      const allowed = c.expected[who]
      const where = `${c.op} — ${c.what} — as ${who}`
      const ok = allowed.includes(res.statusCode)
      t.ok(ok, `${where}: ${res.statusCode}`, ok ? {} : { expected: allowed, got: res.statusCode, response: res.body.slice(0, 400), request: describe(who, r) })
      if (!ok && res.statusCode < 300 && !allowed.some((s) => s < 300)) denials.push(`${where}: ${res.statusCode} — ${describe(who, r)}`)
      if (res.statusCode < 300 && c.check) {
        for (const problem of c.check(who, res.json(), fx)) {
          t.fail(`${where}: ${problem}`, { request: describe(who, r) })
          denials.push(`${where}: ${problem} — ${describe(who, r)}`)
        }
      }
      if (res.statusCode >= 400) t.match(res.headers['content-type'], /^application\/problem\+json/, `${where}: the refusal is a problem`)
    }
    table.push(`| ${c.op}: ${c.what} | ${row.join(' | ')} |`)
  }
  // AUTHZ_TABLE=1 prints what the server answered, cell by cell, as a Markdown table.
  if (process.env.AUTHZ_TABLE) t.comment(`\n${table.join('\n')}`)
  t.comment(`${cells} cells (${CASES.length} cases × ${EVERYONE.length} callers)`)
  if (denials.length > 0) t.comment(`access where none is due:\n${denials.join('\n')}`)
})

t.test('a token whose org is not of the kind its role names acts for nobody', async (t) => {
  // README: a token's org is "a department's own id; a city or district id for office and group
  // members; the community's id". A token that names another kind of unit (minted by mistake:
  // npm run token does not check) must not read more than a well-formed one; the API already says
  // so for departments ("a token for an unknown org unit acts for nobody") and for burden reports.
  const h = await build(t)
  const cases: Array<[Role, string, string, string, Statuses]> = [
    ['community', 'east', 'GET', '/v1/communities/east-s1-c1/burden', DENIED],
    ['community', 'city', 'GET', '/v1/communities/east-s1-c1/burden', DENIED],
    ['community', 'east-s1', 'GET', '/v1/communities/east-s1-c1/burden', DENIED],
    ['leading_group', 'east-s1-c1', 'GET', '/v1/communities/east-s1-c1/burden', DENIED],
    ['office', 'east-s1', 'GET', '/v1/communities/east-s1-c1/burden', DENIED],
    ['office', 'east-s1', 'GET', '/v1/org-units/east-s1/burden', DENIED],
    ['office', 'east-civil', 'GET', '/v1/departments/east-civil/scorecard', DENIED],
    ['community', 'east', 'POST', '/v1/burden-reports', [403]],
    ['department', 'east', 'POST', '/v1/tasks', [403]],
    ['council', 'east-s1', 'GET', '/v1/councils/east-s1-c1/members', DENIED],
    ['council', 'east', 'GET', '/v1/deliberations', DENIED]
  ]
  for (const [role, org, method, url, allowed] of cases) {
    const payload = url === '/v1/tasks' ? assisted : url === '/v1/burden-reports' ? REPORT : undefined
    const res = await h.app.inject({ method: method as 'GET', url, headers: h.auth(role, org, `${role}.${org}`), ...(payload === undefined ? {} : { payload }) })
    t.ok(allowed.includes(res.statusCode), `role ${role} with org ${org}: ${method} ${url} → ${res.statusCode}`, {
      expected: allowed,
      response: res.body.slice(0, 300),
      request: JSON.stringify({ method, url, token: `npm run token -- ${role} ${org}` })
    })
  }
})

t.test('webhooks report only the transitions of tasks their owner may see', async (t) => {
  // POST /v1/webhooks: "a signed POST for every task transition of the chosen types that you may see".
  const h = await build(t)
  const o = new Objects(h)
  const hooks = new Map<Who, string>()
  for (const who of EVERYONE.filter((w) => w !== 'none')) {
    const hook = await o.must('POST', '/v1/webhooks', who, { url: 'https://example.org/zhunru-hook', events: ['*'], secret: 'a-shared-secret-of-16+' })
    hooks.set(who, hook.id)
  }
  const fx = await o.fixtures()
  const hidden = { draft: false, escalated: false, agenda: false, consultation: false }
  const rules: Partial<Record<Who, Partial<Record<keyof Fixtures, boolean>>>> = {
    'department:own': { draft: true, escalated: true, agenda: true, consultation: true, admitted: true },
    'department:foreign': hidden,
    'office:own': { escalated: true, agenda: true, consultation: true, admitted: true },
    'office:foreign': hidden,
    'leading_group:own': { escalated: true, agenda: true, consultation: true, admitted: true },
    'leading_group:foreign': hidden,
    'community:own': { draft: false, escalated: false, agenda: false },
    'community:foreign': hidden,
    'admin:own': { draft: true, escalated: true, agenda: true, consultation: true, admitted: true },
    'admin:foreign': hidden
  }
  for (const [who, hook] of hooks) {
    const url = `/v1/webhooks/${hook}/deliveries?limit=200`
    const res = await o.call('GET', url, who)
    t.equal(res.statusCode, 200, `${who} reads its own deliveries`)
    const tasks = new Set<string>(res.json().items.map((d: Json) => d.taskId))
    for (const [name, shown] of Object.entries(rules[who] ?? {})) {
      const id = fx[name as keyof Fixtures]
      t.equal(tasks.has(id), shown, `${who}: ${shown ? 'hears of' : 'hears nothing of'} the ${name} task`, { request: describe(who, { method: 'GET', url }) })
    }
  }
})

t.test('expired, wrongly signed, unsigned and tampered tokens are refused with 401 everywhere they are read', async (t) => {
  const h = await build(t)
  const o = new Objects(h)
  const fx = await o.fixtures()
  const now = Math.floor(Date.now() / 1000)
  const claims = { sub: 'zhao.lei', role: 'department' as const, org: 'east-civil' }
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const hmac = (alg: 'sha256' | 'sha512', data: string, secret = TEST_SECRET) => createHmac(alg, secret).update(data).digest('base64url')
  const good = signToken(claims, TEST_SECRET, { nowSeconds: now, ttlSeconds: 3600 })
  const [goodHeader, , goodSignature] = good.split('.')
  const notBefore = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ ...claims, iat: now, nbf: now + 3600, exp: now + 7200 })}`
  const hs512 = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64({ ...claims, iat: now, exp: now + 3600 })}`
  const tokens: Array<[string, string]> = [
    ['expired an hour ago', signToken(claims, TEST_SECRET, { nowSeconds: now - 7200, ttlSeconds: 3600 })],
    ['expired a few seconds ago', signToken(claims, TEST_SECRET, { nowSeconds: now - 65, ttlSeconds: 60 })],
    ['signed with another secret', signToken(claims, 'another-secret-of-enough-length', { nowSeconds: now, ttlSeconds: 3600 })],
    ['an admin token signed with another secret', signToken({ sub: 'admin', role: 'admin', org: 'city' }, 'another-secret-of-enough-length', { nowSeconds: now, ttlSeconds: 3600 })],
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, role: 'admin', exp: now + 3600 })}.`],
    ['payload changed to admin, signature kept', `${goodHeader}.${b64({ ...claims, role: 'admin', iat: now, exp: now + 3600 })}.${goodSignature}`],
    ['signature stripped', good.split('.').slice(0, 2).join('.') + '.'],
    ['HS512 with the right secret (only HS256 is accepted)', `${hs512}.${hmac('sha512', hs512)}`],
    ['not valid before an hour from now', `${notBefore}.${hmac('sha256', notBefore)}`]
  ]
  const sample: Array<[string, string, unknown?]> = [
    ['GET', '/v1/tasks'],
    ['POST', '/v1/tasks', assisted],
    ['GET', `/v1/tasks/${fx.escalated}`],
    ['GET', `/v1/tasks/${fx.admitted}`],
    ['POST', `/v1/tasks/${fx.draft}/events`, { type: 'SUBMIT' }],
    ['GET', `/v1/tasks/${fx.escalated}/events`],
    ['PUT', `/v1/tasks/${fx.admitted}/contract`, TERMS],
    ['GET', '/v1/reviews'],
    ['POST', '/v1/org-units', { id: 'authz-token-unit', kind: 'street', name: '街道', parentId: 'east' }],
    ['GET', '/v1/webhooks'],
    ['DELETE', `/v1/webhooks/${fx.webhook}`],
    ['GET', '/v1/burden-reports'],
    ['GET', `/v1/burden-reports/${fx.report}`],
    ['GET', '/v1/departments/east-civil/scorecard'],
    ['GET', '/v1/communities/east-s1-c1/burden']
  ]
  for (const [name, token] of tokens) {
    for (const [method, url, payload] of sample) {
      const res = await h.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as Json }) })
      t.equal(res.statusCode, 401, `${name}: ${method} ${url}`)
      t.match(res.headers['content-type'], /^application\/problem\+json/, `${name}: ${method} ${url} is a problem`)
    }
  }
  // The same requests with the valid token are not refused as unauthenticated: the 401s above are the token's doing.
  for (const [method, url, payload] of sample) {
    const res = await h.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${good}` }, ...(payload === undefined ? {} : { payload: payload as Json }) })
    t.not(res.statusCode, 401, `a valid token: ${method} ${url}`)
  }
})

t.test('security headers from @fastify/helmet are on every kind of response', async (t) => {
  const h = await build(t)
  const o = new Objects(h)
  const fx = await o.fixtures()
  const dept = o.headers('department:own')
  const responses: Array<[string, Promise<{ statusCode: number; headers: Record<string, unknown> }>]> = [
    ['200 public JSON', h.app.inject({ method: 'GET', url: '/v1/catalogs' })],
    ['200 Mermaid text', h.app.inject({ method: 'GET', url: '/v1/machines/admission/diagram' })],
    ['200 with a token', h.app.inject({ method: 'GET', url: `/v1/tasks/${fx.draft}`, headers: dept })],
    ['201 created', h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: assisted })],
    ['204 deleted', h.app.inject({ method: 'DELETE', url: `/v1/webhooks/${fx.webhook}`, headers: o.headers('office:own') })],
    ['register read with If-None-Match', h.app.inject({ method: 'GET', url: '/v1/register/catalog-versions', headers: { 'if-none-match': '*' } })],
    ['400 validation', h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { title: 1 } })],
    ['401 no token', h.app.inject({ method: 'GET', url: '/v1/reviews' })],
    ['403 wrong role', h.app.inject({ method: 'POST', url: '/v1/org-units', headers: dept, payload: { id: 'x-unit', kind: 'street', name: '街道', parentId: 'east' } })],
    ['404 no route', h.app.inject({ method: 'GET', url: '/v1/nothing-here' })],
    ['404 not visible', h.app.inject({ method: 'GET', url: `/v1/tasks/${fx.draft}` })],
    ['409 conflict', h.app.inject({ method: 'POST', url: `/v1/tasks/${fx.admitted}/events`, headers: dept, payload: { type: 'SUBMIT' } })],
    ['413 too large', h.app.inject({ method: 'POST', url: '/v1/screenings', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ title: 'x'.repeat(1024 * 1024) }) })],
    ['415 media type', h.app.inject({ method: 'POST', url: '/v1/screenings', headers: { 'content-type': 'application/xml' }, payload: '<task/>' })],
    ['400 bad percent-encoding in the path', h.app.inject({ method: 'GET', url: '/v1/tasks/%E0%A4%A' })],
    ['414 over-long path parameter', h.app.inject({ method: 'GET', url: `/v1/tasks/${'a'.repeat(101)}` })]
  ]
  const HELMET: Array<[string, (v: unknown) => boolean]> = [
    ['x-content-type-options', (v) => v === 'nosniff'],
    ['x-frame-options', (v) => v === 'SAMEORIGIN'],
    ['strict-transport-security', (v) => /max-age=\d+/.test(String(v))],
    ['referrer-policy', (v) => v === 'no-referrer'],
    ['cross-origin-opener-policy', (v) => v === 'same-origin'],
    ['cross-origin-resource-policy', (v) => v === 'same-origin'],
    ['origin-agent-cluster', (v) => v === '?1'],
    ['x-permitted-cross-domain-policies', (v) => v === 'none'],
    ['x-dns-prefetch-control', (v) => v === 'off'],
    ['x-download-options', (v) => v === 'noopen'],
    ['x-xss-protection', (v) => v === '0']
  ]
  for (const [name, pending] of responses) {
    const res = await pending
    const missing = HELMET.filter(([header, ok]) => !ok(res.headers[header])).map(([header]) => `${header}: ${String(res.headers[header] ?? '(absent)')}`)
    t.same(missing, [], `${name} (${res.statusCode}): the helmet headers are there`)
    t.notOk(res.headers['x-powered-by'], `${name} (${res.statusCode}): no x-powered-by`)
  }
})
