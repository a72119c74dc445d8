import fc from 'fast-check'
import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { Type } from 'typebox'
import { Problems, TOKEN_REFUSALS, type Named, type Noun, type Problem, type RequestPart } from '../src/platform/errors.js'
import { platform, platformServerOptions } from '../src/index.js'
import { TASK_KINDS } from '../src/policy/types.js'
import { FUNDED_ASSISTED_TASK } from '../src/tasks/examples.js'
import { build, freshDatabase } from './helper.js'

// Every problem speaks both languages: `message` and `titles` carry zh and en, `title` and
// `detail` (and each invalid param's `message`) the one Accept-Language asks for, which
// Content-Language names. English when the client asks for nothing, as before.

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** The docs' example task, kept a draft: created by city-civil, whose jurisdiction is the city. */
const task = { ...FUNDED_ASSISTED_TASK, submit: false }

const ZH = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' }

/** What every problem carries whatever the language, checked on each answer the tests get. */
function bilingual(t: Test, res: { statusCode: number; headers: Json; json: () => Json }, what: string): Json {
  const p = res.json()
  t.equal(p.status, res.statusCode, `${what}: status`)
  t.match(res.headers['content-type'], /^application\/problem\+json/, `${what}: problem+json`)
  for (const key of ['titles', 'message']) {
    t.ok(typeof p[key]?.zh === 'string' && p[key].zh.length > 0 && /\p{Script=Han}/u.test(p[key].zh), `${what}: ${key}.zh is Chinese`)
    t.ok(typeof p[key]?.en === 'string' && p[key].en.length > 0, `${what}: ${key}.en`)
  }
  const language = res.headers['content-language'] === 'zh-CN' ? 'zh' : 'en'
  t.equal(p.title, p.titles[language], `${what}: title in ${res.headers['content-language']}`)
  t.equal(p.detail, p.message[language], `${what}: detail in ${res.headers['content-language']}`)
  for (const param of p.invalidParams ?? []) t.equal(param.message, param.messages[language], `${what}: ${param.field} in ${language}`)
  t.equal(res.headers.vary, 'Accept-Language', `${what}: caches keep the languages apart`)
  return p
}

t.test('a problem of each status carries both languages; Accept-Language picks the title and detail', async (t) => {
  const h = await build(t)
  const dept = h.auth('department', 'city-civil')
  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    h.app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...dept, ...headers }, payload: payload as Json })

  // 400, an enum: the allowed values listed, from the vocabulary itself.
  const kinds = { en: TASK_KINDS.join(', '), zh: TASK_KINDS.join('、') }
  const en = bilingual(t, await post({ ...task, kind: 'favour' }), '400 enum')
  t.match(en, {
    title: 'Invalid request',
    detail: `body: kind must be one of ${kinds.en}`,
    titles: { zh: '请求参数无效', en: 'Invalid request' },
    message: { zh: `请求体中的字段“kind”须为以下之一：${kinds.zh}`, en: `body: kind must be one of ${kinds.en}` },
    field: 'kind',
    invalidParams: [{ field: 'kind', message: `must be one of ${kinds.en}`, messages: { zh: `须为以下之一：${kinds.zh}`, en: `must be one of ${kinds.en}` } }]
  })
  const zhRes = await post({ ...task, kind: 'favour' }, ZH)
  t.equal(zhRes.headers['content-language'], 'zh-CN')
  t.match(bilingual(t, zhRes, '400 enum in Chinese'), {
    title: '请求参数无效',
    detail: `请求体中的字段“kind”须为以下之一：${kinds.zh}`,
    invalidParams: [{ field: 'kind', message: `须为以下之一：${kinds.zh}` }]
  })

  // 401: no token, and a header that is not a bearer token.
  t.match(bilingual(t, await h.app.inject({ method: 'POST', url: '/v1/tasks', payload: task, headers: ZH }), '401'), {
    title: '未通过身份认证',
    detail: '须提供有效的访问令牌（Bearer token）',
    message: { en: 'a valid bearer token is required' }
  })
  t.match(bilingual(t, await h.app.inject({ method: 'GET', url: '/v1/tasks', headers: { authorization: 'Basic x' } }), '401 malformed'), {
    message: { zh: '请求头Authorization须为“Bearer <令牌>”格式' }
  })

  // 403: a role that may not create tasks.
  t.match(bilingual(t, await post(task, { ...h.auth('office', 'east'), ...ZH }), '403'), {
    title: '无权执行此操作',
    detail: '此操作须由department角色执行，令牌的角色为office',
    message: { en: 'this needs the role department; the token has office' }
  })

  const burden = await h.app.inject({ method: 'GET', url: '/v1/communities/east-s1-c1/burden', headers: { ...dept, ...ZH } })
  t.match(bilingual(t, burden, '403 of several roles'), {
    detail: '此操作须由street、community、office、leading_group或admin角色执行，令牌的角色为department',
    message: { en: 'this needs the role street or community or office or leading_group or admin; the token has department' }
  })

  // 404: a task, and a route.
  t.match(bilingual(t, await h.app.inject({ method: 'GET', url: '/v1/tasks/nope', headers: { ...dept, ...ZH } }), '404'), {
    title: '资源不存在',
    detail: '任务“nope”不存在',
    message: { en: 'task "nope" does not exist' }
  })
  t.match(bilingual(t, await h.app.inject({ method: 'GET', url: '/v1/nothing-here', headers: ZH }), 'route not found'), {
    detail: '接口“GET /v1/nothing-here”不存在',
    message: { en: 'no route GET /v1/nothing-here' }
  })

  // 409: a version the task is not at, and an event its state does not take.
  const draft = (await post(task)).json()
  const event = (payload: Json) => h.app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/events`, headers: { ...dept, ...ZH }, payload })
  t.match(bilingual(t, await event({ type: 'SUBMIT', version: 7 }), '409 version'), {
    title: '版本冲突',
    detail: '任务的当前版本为1，而非请求中的7',
    message: { en: 'the task is at version 1, not 7' },
    currentVersion: 1,
    currentState: 'draft'
  })
  const office = await h.app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/events`, headers: { ...h.auth('office', 'city'), ...ZH }, payload: { type: 'SUBMIT' } })
  t.match(bilingual(t, office, '403 of an event'), { detail: 'SUBMIT事件只能由department角色发起，令牌的角色为office', message: { en: 'SUBMIT is for department; the token has office' } })
  t.equal((await event({ type: 'WITHDRAW', reason: '不再需要' })).statusCode, 200)
  t.match(bilingual(t, await event({ type: 'SUBMIT' }), '409 event'), {
    title: '当前状态不接受该事件',
    detail: '任务处于“withdrawn”状态，不接受SUBMIT事件',
    message: { en: 'event SUBMIT is not allowed while the task is withdrawn' }
  })

  // 413 and 415, made by Fastify's body parser before any route.
  const huge = await h.app.inject({
    method: 'POST',
    url: '/v1/tasks',
    headers: { ...dept, ...ZH, 'content-type': 'application/json' },
    payload: JSON.stringify({ ...task, description: 'x'.repeat(2 * 1024 * 1024) })
  })
  t.match(bilingual(t, huge, '413'), { title: '请求体过大', detail: '请求体超过1048576字节', message: { en: 'the body is over 1048576 bytes' } })
  const xml = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...dept, 'content-type': 'application/xml' }, payload: '<task/>' })
  t.match(bilingual(t, xml, '415'), { title: 'Unsupported media type', message: { zh: '请求体须为application/json格式' } })

  // 422: an Idempotency-Key used for another request.
  const keyed = (payload: Json) => post(payload, { 'idempotency-key': 'same-key', ...ZH })
  await keyed(task)
  t.match(bilingual(t, await keyed({ ...task, title: '另一项' }), '422'), { title: '幂等键已被使用', field: 'Idempotency-Key' })
})

t.test('429: the rate limit says in both languages how long to wait', async (t) => {
  const h = await build(t, { rateLimitPerMinute: 1 })
  await h.app.inject({ method: 'GET', url: '/healthz' })
  const limited = await h.app.inject({ method: 'GET', url: '/healthz', headers: ZH })
  t.equal(limited.statusCode, 429)
  t.match(bilingual(t, limited, '429'), { title: '请求过于频繁', detail: /^每分钟请求超过1次，请于\d+秒后重试$/, message: { en: /^more than 1 requests in a minute; retry after / } })
})

t.test('Accept-Language: any Chinese reads Chinese, weights are honoured, anything else reads English', async (t) => {
  const h = await build(t)
  const cases: Array<[string | undefined, 'zh-CN' | 'en']> = [
    [undefined, 'en'],
    ['zh', 'zh-CN'],
    ['zh-CN', 'zh-CN'],
    ['ZH-cn', 'zh-CN'],
    ['zh-Hans-CN', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['en', 'en'],
    ['en-US,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['en;q=0.5, zh-CN;q=0.9', 'zh-CN'],
    ['fr-FR, zh;q=0.5', 'zh-CN'],
    ['de', 'en'],
    ['*', 'en'],
    ['zh;q=0', 'en'],
    ['zh;q=high, en;q=0.1', 'en'],
    ['zh;q=0.5, en;q=0.5', 'zh-CN'],
    ['zh-hant;q=1.000', 'zh-CN'],
    ['', 'en'],
    [',;,;q=', 'en']
  ]
  for (const [header, language] of cases) {
    const res = await h.app.inject({ method: 'GET', url: '/v1/tasks/nope', headers: header === undefined ? {} : { 'accept-language': header } })
    t.equal(res.headers['content-language'], language, `${JSON.stringify(header)} → ${language}`)
    bilingual(t, res, JSON.stringify(header))
  }
})

t.test('schema violations name the field and say what is wrong in Chinese, keyword by keyword', async (t) => {
  const h = await build(t)
  const dept = { ...h.auth('department', 'city-civil'), ...ZH }
  const create = (payload: Json) => h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload })
  const legalBasis = Array.from({ length: 51 }, (_, i) => ({ title: `依据${i}` }))
  const cases: Array<[string, Promise<{ statusCode: number; headers: Json; json: () => Json }>, string]> = [
    ['required', create({ ...task, title: undefined }), '请求体中的字段“title”为必填项'],
    ['additionalProperties', create({ ...task, priority: 'high' }), '请求体中的字段“priority”不是本接口接受的字段'],
    ['type', create({ ...task, targets: 'east-s1-c1' }), '请求体中的字段“targets”须为数组'],
    ['type of the body', h.app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...dept, 'content-type': 'text/plain' }, payload: 'hello' }), '请求体须为对象'],
    ['format', create({ ...task, period: { start: '2027-02-30x', end: '2027-03-01' } }), '请求体中的字段“period.start”须为日期（YYYY-MM-DD）'],
    ['minLength', create({ ...task, title: '' }), '请求体中的字段“title”长度不得少于1个字符'],
    ['maxLength', create({ ...task, title: '长'.repeat(201) }), '请求体中的字段“title”长度不得超过200个字符'],
    ['minimum', create({ ...task, funding: { perTarget: -1, source: 'x', committed: true } }), '请求体中的字段“funding.perTarget”不得小于0'],
    ['maximum', h.app.inject({ method: 'GET', url: '/v1/tasks?limit=500', headers: dept }), '查询参数中的字段“limit”不得大于200'],
    ['pattern', h.app.inject({ method: 'GET', url: '/v1/tasks?cursor=!!', headers: dept }), '查询参数中的字段“cursor”须匹配正则表达式“^[A-Za-z0-9_-]+$”'],
    ['minItems', create({ ...task, targets: [] }), '请求体中的字段“targets”不得少于1项'],
    ['maxItems', create({ ...task, legalBasis }), '请求体中的字段“legalBasis”不得多于50项'],
    ['uniqueItems', create({ ...task, targets: ['east-s1-c1', 'east-s1-c2', 'east-s1-c1'] }), '请求体中的字段“targets”不得含有重复项（第1项与第3项相同）'],
    ['an item of an array', create({ ...task, legalBasis: [{ article: '第一条' }] }), '请求体中的字段“legalBasis[0].title”为必填项']
  ]
  for (const [keyword, answer, zh] of cases) {
    const res = await answer
    t.equal(res.statusCode, 400, keyword)
    t.equal(bilingual(t, res, keyword).detail, zh, keyword)
  }
  const unique = (await create({ ...task, targets: ['east-s1-c1', 'east-s1-c2', 'east-s1-c1'] })).json()
  t.equal(unique.message.en, 'body: targets must not contain duplicates (items 1 and 3 are the same)', 'both count items from 1')

  // An events body is checked against its event's branch: the event is named.
  const draft = (await create(task)).json()
  const event = (payload: Json, as: Json = dept) => h.app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/events`, headers: as, payload })
  const decide = bilingual(t, await event({ type: 'DECIDE', decision: 'approve' }, { ...h.auth('leading_group', 'east'), ...ZH }), 'required with an event')
  t.match(decide, { detail: '请求体中的字段“minutes”为DECIDE事件的必填项', message: { en: 'body: minutes is required with DECIDE' } })
  t.match(bilingual(t, await event({ type: 'SUBMIT', decision: 'approve' }), 'foreign to an event'), { detail: '请求体中的字段“decision”不适用于SUBMIT事件' })
  t.match(bilingual(t, await event({ type: 'LAUNCH' }), 'an unknown event'), { detail: /^请求体中的字段“type”须为以下之一：SUBMIT、/ })

  // What the hostile-input check refuses before validation, in the body or as the body.
  const nul = bilingual(t, await create({ ...task, title: 'a\u0000b' }), 'NUL')
  t.match(nul, { detail: '请求体中的字段“title”不得包含NUL字符', message: { en: 'body: title must not contain NUL characters' } })
  const nulText = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...dept, 'content-type': 'text/plain' }, payload: 'a\u0000b' })
  t.equal(bilingual(t, nulText, 'NUL body').detail, '请求体不得包含NUL字符')
  const deep = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`
  const nested = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...dept, 'content-type': 'application/json' }, payload: deep })
  t.match(bilingual(t, nested, 'nesting').message, { zh: /嵌套不得超过32层$/, en: /must not nest deeper than 32 levels$/ })
})

t.test('the checks the schema cannot make are in both languages too', async (t) => {
  const h = await build(t)
  const dept = { ...h.auth('department', 'city-civil'), ...ZH }
  const create = (payload: Json) => h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload })
  t.match(bilingual(t, await create({ ...task, period: { start: '2027-05-01', end: '2027-03-01' } }), 'period'), {
    detail: '期间的结束日期早于开始日期',
    invalidParams: [{ field: 'period.end', message: '不得早于period.start' }]
  })
  t.match(bilingual(t, await create({ ...task, targets: ['east-s1', 'east-s1-c1', 'nowhere'] }), 'targets'), {
    detail: '字段“targets”中有2项不是city辖区内的社区',
    invalidParams: [{ field: 'targets[0]', message: /^“east-s1”不是.+（city）辖区内的社区$/ }, { field: 'targets[2]' }]
  })
  t.match(bilingual(t, await create({ ...task, period: { start: '1999-03-01', end: '2027-03-01' } }), 'covered years'), {
    detail: /^字段“period.start”超出政策包覆盖的年份（\d{4}–\d{4}年）$/
  })
  const admin = { ...h.auth('admin', 'city'), ...ZH }
  const unit = (payload: Json) => h.app.inject({ method: 'POST', url: '/v1/org-units', headers: admin, payload })
  t.match(bilingual(t, await unit({ id: 'x1', kind: 'city', name: '城中城', parentId: 'city' }), 'a city under a city'), { detail: '字段“parentId”市不得有上级机构' })
  t.match(bilingual(t, await unit({ id: 'x2', kind: 'community', name: '新社区', parentId: 'east' }), 'a community under a district'), {
    detail: '字段“parentId”社区的上级须为街道'
  })
  t.match(bilingual(t, await unit({ id: 'east', kind: 'district', name: '东湖区', parentId: 'city' }), 'a unit that exists'), { detail: '组织机构“east”已存在' })
  const page = await h.app.inject({ method: 'GET', url: '/v1/tasks?cursor=bm90LWEtY3Vyc29y', headers: dept })
  t.match(bilingual(t, page, 'cursor'), { detail: '该游标不是本服务器签发的', invalidParams: [{ field: 'cursor', message: '不是有效的分页游标' }] })
})

// ─────────────── what an embedding application's own routes get from the platform ───────────────

async function embedded(t: Test) {
  const database = await freshDatabase(t)
  const app = Fastify(platformServerOptions)
  await app.register(platform, { jwtSecret: 'embedding-secret-0123456789abcdef', db: database.knex })
  let current: Problem = Problems.overloaded()
  const raw = {
    type: 'object',
    additionalProperties: false,
    properties: {
      level: Type.Union([Type.Literal('city'), Type.Literal('district')]),
      choice: Type.Union([Type.Enum(['a', 'b']), Type.Null()]),
      fixed: Type.Literal('only'),
      ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      email: { type: 'string', format: 'email' },
      stamp: { type: 'string', format: 'date-time' },
      id: { type: 'string', format: 'uuid' },
      flag: { type: 'boolean' },
      count: { type: 'integer' },
      amount: { type: 'number' },
      note: { type: ['string', 'null'] },
      even: { type: 'integer', multipleOf: 2 },
      nested: Type.Union([Type.Object({ name: Type.String({ minLength: 2 }) }), Type.Null()])
    }
  }
  app.post('/check', { schema: { body: raw } }, async () => ({ ok: true }))
  app.get('/problem', async () => {
    throw current
  })
  app.get('/fails', async () => {
    throw new Error('the database went away')
  })
  app.get('/teapot', async () => {
    throw Object.assign(new Error('I am a teapot'), { statusCode: 418 })
  })
  t.teardown(() => app.close())
  await app.ready()
  return { app, throwing: (p: Problem) => (current = p) }
}

t.test('an embedding application’s routes: unions of literals list their values, and every keyword has its Chinese', async (t) => {
  const { app } = await embedded(t)
  const check = (payload: Json) => app.inject({ method: 'POST', url: '/check', headers: ZH, payload })
  const cases: Array<[Json, string, string]> = [
    [{ level: 'town' }, '请求体中的字段“level”须为以下之一：city、district', 'body: level must be one of city, district'],
    [{ level: 3 }, '请求体中的字段“level”须为以下之一：city、district', 'body: level must be one of city, district'],
    [{ choice: 'c' }, '请求体中的字段“choice”须为以下之一：a、b、null', 'body: choice must be one of a, b, null'],
    [{ fixed: 'other' }, '请求体中的字段“fixed”须为only', 'body: fixed must be only'],
    [{ ratio: 0 }, '请求体中的字段“ratio”须大于0', 'body: ratio must be > 0'],
    [{ ratio: 1 }, '请求体中的字段“ratio”须小于1', 'body: ratio must be < 1'],
    [{ email: 'nobody' }, '请求体中的字段“email”须为符合“email”格式的值', 'body: email must match format "email"'],
    [{ stamp: 'yesterday' }, '请求体中的字段“stamp”须为带时区的日期时间（RFC 3339，如2027-03-01T09:00:00+08:00）', 'body: stamp must match format "date-time"'],
    [{ id: 'x' }, '请求体中的字段“id”须为UUID', 'body: id must match format "uuid"'],
    [{ flag: 'yes' }, '请求体中的字段“flag”须为布尔值', 'body: flag must be boolean'],
    [{ count: 1.5 }, '请求体中的字段“count”须为整数', 'body: count must be integer'],
    [{ amount: 'x' }, '请求体中的字段“amount”须为数字', 'body: amount must be number'],
    [{ note: 1 }, '请求体中的字段“note”须为字符串或null', 'body: note must be string,null'],
    [{ even: 3 }, '请求体中的字段“even”不符合接口的要求（multipleOf）', 'body: even must be multiple of 2'],
    [{ nested: { name: 'x' } }, '请求体中的字段“nested.name”长度不得少于2个字符', 'body: nested.name must NOT have fewer than 2 characters']
  ]
  for (const [payload, zh, en] of cases) {
    const p = bilingual(t, await check(payload), JSON.stringify(payload))
    t.same(p.message, { zh, en }, JSON.stringify(payload))
  }
  t.equal((await check({ level: 'city', choice: null, ratio: 0.5 })).statusCode, 200, 'a null where the union allows one')
})

t.test('an embedding application’s errors: a 500 and a client error of its own are problems in both languages', async (t) => {
  const { app } = await embedded(t)
  const failed = await app.inject({ method: 'GET', url: '/fails', headers: ZH })
  t.equal(failed.statusCode, 500)
  t.match(bilingual(t, failed, '500'), { title: '服务器内部错误', detail: '服务器未能完成该请求，错误已记录' })
  t.notMatch(failed.body, /database went away/, 'the cause stays in the log')
  const teapot = await app.inject({ method: 'GET', url: '/teapot' })
  t.equal(teapot.statusCode, 418)
  t.match(bilingual(t, teapot, '418'), {
    type: 'https://zhunru.example/problems/bad-request',
    detail: 'I am a teapot',
    message: { zh: '请求未被受理（HTTP 418）：I am a teapot' }
  })
  for (const [name, payload, headers, zh] of [
    ['bad JSON', '{"level":', { 'content-type': 'application/json' }, '请求体不是有效的JSON'],
    ['empty JSON', '', { 'content-type': 'application/json' }, 'Content-Type为application/json，但请求体为空'],
    ['a short body', '{"level":"city"}', { 'content-type': 'application/json', 'content-length': '40' }, '请求体的长度与Content-Length不符']
  ] as const) {
    const res = await app.inject({ method: 'POST', url: '/check', headers: { ...ZH, ...headers }, payload })
    t.equal(bilingual(t, res, name).detail, zh, name)
  }
})

t.test('the router’s refusals are in both languages', async (t) => {
  const { app } = await build(t)
  const badUrl = await app.inject({ method: 'GET', url: '/v1/tasks/%E0%A4%A', headers: ZH })
  t.match(bilingual(t, badUrl, 'bad URL'), { title: '请求无效', detail: 'URL中有无法解码的部分' })
  const long = await app.inject({ method: 'GET', url: `/v1/tasks/${'x'.repeat(150)}` })
  t.equal(long.statusCode, 414)
  t.match(bilingual(t, long, '414'), { title: 'URI too long', message: { zh: '路径参数超过长度上限' } })
})

// Every factory, with any arguments, yields a problem whose titles and message are non-empty in
// both languages; the table of arbitraries is typed by the factories, so a factory added without
// one does not compile. Each problem is thrown by a route and read back over the API.
const text = fc.string({ minLength: 1, maxLength: 40 })
const bilingualText = fc.record({ zh: text, en: text })
const id = fc.string({ minLength: 0, maxLength: 20 })
const version = fc.integer({ min: 1, max: 1e6 })
const nouns: Record<Noun, true> = {
  task: true,
  'burden report': true,
  'evaluation round': true,
  instance: true,
  community: true,
  department: true,
  'street, district or city': true,
  'org unit': true,
  member: true,
  machine: true,
  workflow: true,
  'catalog version': true,
  webhook: true,
  'deliberation item': true,
  'council member': true
}
const named: Record<Named, true> = { ...nouns, 'leading group of': true, 'contract of task': true, 'funding of task': true, 'council of': true }
const parts: Record<RequestPart, true> = { body: true, querystring: true, params: true, headers: true }
const noun = fc.constantFrom(...(Object.keys(nouns) as Noun[]))
const param = fc.record({ field: text, message: bilingualText })

const ARGUMENTS: { [K in keyof typeof Problems]: fc.Arbitrary<Parameters<(typeof Problems)[K]>> } = {
  validation: fc.tuple(bilingualText, fc.tuple(param, fc.array(param, { maxLength: 3 })).map(([first, rest]) => [first, ...rest] as [typeof first, ...(typeof first)[]])),
  invalid: fc.tuple(text, bilingualText, fc.option(fc.constantFrom(...(Object.keys(parts) as RequestPart[])), { nil: undefined })),
  unauthenticated: fc.tuple(fc.option(bilingualText, { nil: undefined }), fc.option(fc.constantFrom(...TOKEN_REFUSALS), { nil: undefined })),
  forbidden: fc.tuple(bilingualText),
  unsupportedMediaType: fc.tuple(fc.array(fc.constantFrom('application/json', 'text/csv'), { minLength: 1, maxLength: 2 })),
  notFound: fc.tuple(fc.oneof(fc.constantFrom(...(Object.keys(named) as Named[])), bilingualText), id),
  versionConflict: fc.tuple(version, text, bilingualText),
  staleVersion: fc.tuple(noun, version, text, version),
  changedMeanwhile: fc.tuple(noun, version, text),
  eventNotAllowed: fc.tuple(text, text, version, fc.option(noun, { nil: undefined })),
  decisionNotCarried: fc.tuple(bilingualText, version, text),
  notScreened: fc.tuple(id, version, text, fc.option(bilingualText, { nil: undefined })),
  alreadyExists: fc.tuple(noun, id),
  noRoute: fc.tuple(fc.constantFrom('GET', 'POST', 'DELETE'), text),
  idempotencyKeyReused: fc.constant([] as []),
  idempotencyKeyInFlight: fc.constant([] as []),
  rateLimited: fc.tuple(version, fc.integer({ min: 1, max: 60 }), text),
  internal: fc.constant([] as []),
  overloaded: fc.constant([] as []),
  identityProviderUnavailable: fc.constant([] as [])
}

t.test('every Problems factory yields non-empty Chinese and English, served in the language asked for', async (t) => {
  const { app, throwing } = await embedded(t)
  const factories = Object.entries(ARGUMENTS) as Array<[keyof typeof Problems, fc.Arbitrary<unknown[]>]>
  for (const [name, args] of factories) {
    await fc.assert(
      fc.asyncProperty(args, fc.constantFrom(undefined, 'zh-CN', 'en-GB', 'zh-Hant, en;q=0.5'), async (a, language) => {
        const problem = (Problems[name] as (...x: unknown[]) => Problem)(...a)
        throwing(problem)
        const res = await app.inject({ method: 'GET', url: '/problem', headers: language === undefined ? {} : { 'accept-language': language } })
        const p = res.json()
        const ok =
          res.statusCode === problem.status &&
          [p.titles.zh, p.titles.en, p.message.zh, p.message.en].every((s) => typeof s === 'string' && s.length > 0) &&
          p.detail === p.message[language?.startsWith('zh') ? 'zh' : 'en'] &&
          res.headers['content-language'] === (language?.startsWith('zh') ? 'zh-CN' : 'en')
        if (!ok) throw new Error(`${name}(${JSON.stringify(a)}) as ${language}: ${res.body}`)
      }),
      { numRuns: 40 }
    )
    t.pass(`${name}: both languages`)
  }
})
