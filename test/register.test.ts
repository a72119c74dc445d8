import t, { type Test } from 'tap'
import { buildApp, type App } from '../src/app.js'
import { signToken } from '../src/platform/token.js'
import { DEMO_GROUP_MEMBERS, DEMO_ORG_TREE, DEMO_PRINCIPALS, seedDemoIfEmpty } from '../src/demo.js'
import { amendPack, DEFAULT_PACK, packRef } from '../src/policy/pack.js'
import { CATALOG_LISTS, RULE_CODES, TARGET_LEVELS, type PolicyPack } from '../src/policy/types.js'
import { CACHE_CONTROL, publicRegisterRoutes } from '../src/register/routes.js'
import type { Role } from '../src/roles.js'
import type { Database } from '../src/engine/db.js'
import { ensurePack } from '../src/policy/pack-store.js'
import { demoCommunities, freshDatabase, TEST_NOW, TEST_SECRET } from './helper.js'

// Issue 4 item 6: the public register. Everything here is read without a token.

interface RegisterHarness {
  app: App
  db: Database
  clock: { now: Date }
  /** Every sub a token was minted for: none may appear in a public response. */
  subs: Set<string>
  auth: (role: Role, org: string, sub?: string) => { authorization: string }
}

/** test/helper.ts's build, with the register registered when app.ts does not do it (yet). */
async function build(t: Test): Promise<RegisterHarness> {
  const db = await freshDatabase(t)
  const now = new Date().toISOString()
  await ensurePack(db.knex, DEFAULT_PACK, now)
  await seedDemoIfEmpty(db.knex, now)
  const clock = { now: TEST_NOW }
  const app = await buildApp({ database: db, jwtSecret: TEST_SECRET, now: () => clock.now })
  t.teardown(() => app.close())
  if (!app.hasRoute({ method: 'GET', url: '/v1/register/tasks' })) await app.register(publicRegisterRoutes)
  await app.ready()
  const subs = new Set<string>()
  const auth = (role: Role, org: string, sub = `${role}.${org}`) => {
    subs.add(sub)
    const token = signToken({ sub, role, org }, TEST_SECRET, { nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 3600 })
    return { authorization: `Bearer ${token}` }
  }
  return { app, db, clock, subs, auth }
}

const get = (h: RegisterHarness, url: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'GET', url, headers })

const period = { start: '2027-03-01', end: '2027-12-31' }
const legalBasis = [{ title: '《社会救助暂行办法》', article: '第十一条' }]

/** A funded assisted item of the civil-affairs sector (AT-18): the gate admits it. */
const funded = (over: Record<string, unknown> = {}) => ({
  title: '协助开展城乡低保家庭困难排查与公示',
  description: '社区协助民政部门开展低保家庭入户走访、困难排查,并在社区公示栏公示审核结果。',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis,
  funding: { perTarget: 20000, source: '区财政社会救助专项', committed: true },
  period,
  workloadHours: 120,
  ...over
})

/** A lawful duty of the community (LD-01): no funding needed, admitted. */
const lawfulDuty = {
  title: '指导社区召开年度居民会议',
  description: '指导社区依法召集和主持居民会议,向居民会议报告年度工作。',
  targetLevel: 'community',
  targets: ['east-s2-c1'],
  kind: 'service',
  catalogItem: 'LD-01',
  legalBasis: [{ title: '《中华人民共和国城市居民委员会组织法》', article: '第十条' }],
  funding: null,
  period,
  workloadHours: 8
}

/** An investment-attraction and tax quota: rejected (economic_target). */
const economicQuota = {
  title: '关于下达2027年度社区招商引资和协税护税目标任务的通知',
  description: '现将2027年度招商引资目标任务分解下达至各社区,每个社区全年引进内资不少于2000万元,协助征收零散税收不少于50万元。',
  targetLevel: 'community',
  targets: demoCommunities('east-s2'),
  kind: 'economic',
  catalogItem: null,
  legalBasis: [],
  funding: null,
  period,
  workloadHours: 200
}

/** A new item on no list, funded and with a legal basis: escalated to the district group. */
const newItem = (title: string) => ({
  title,
  description: '入户了解居民对老旧小区加装电梯的意愿,汇总后反馈住房城乡建设部门。',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  legalBasis: [{ title: '《中华人民共和国城市居民委员会组织法》', article: '第三条' }],
  funding: { perTarget: 8000, source: '区住建局老旧小区改造经费', committed: true },
  period,
  workloadHours: 30
})

/** Words written into the non-public parts of tasks: reasons, votes, minutes, replies. */
const SECRETS = ['REPLY-SECRET', 'VOTE-SECRET', 'DECISION-SECRET', 'MINUTES-SECRET', 'AGENDA-SECRET', 'WITHDRAW-SECRET', 'SUSPEND-SECRET', 'REJECT-SECRET', 'CONSULT-SECRET']

async function create(h: RegisterHarness, department: string, sub: string, payload: Record<string, unknown>, submit = true, expected?: string) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', department, sub), payload: { ...payload, submit } })
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.body}`)
  const task = res.json()
  if (expected !== undefined && task.state !== expected) throw new Error(`expected ${expected}, got ${task.state}: ${JSON.stringify(task.screening)}`)
  return task as { id: string; state: string; version: number }
}

async function send(h: RegisterHarness, id: string, headers: Record<string, string>, payload: Record<string, unknown>) {
  const res = await h.app.inject({ method: 'POST', url: `/v1/tasks/${id}/events`, headers, payload })
  if (res.statusCode !== 200) throw new Error(`${String(payload.type)} failed: ${res.body}`)
  return res.json()
}

/**
 * A known set of tasks:
 * east-civil (zhao.lei): 2 admitted (AT-18, LD-01), 1 returned, 1 revised back to draft,
 *   1 rejected (economic_target), 1 draft never submitted.
 * east-housing: 1 admitted by the leading group after a consultation, 1 rejected by the group,
 *   1 still escalated, 1 withdrawn.
 */
async function scenario(h: RegisterHarness) {
  const admitted1 = await create(h, 'east-civil', 'zhao.lei', funded(), true, 'admitted')
  const admitted2 = await create(h, 'east-civil', 'zhao.lei', lawfulDuty, true, 'admitted')
  const returned = await create(h, 'east-civil', 'zhao.lei', funded({ funding: null }), true, 'returned')
  const revising = await create(h, 'east-civil', 'zhao.lei', funded({ funding: null, title: '协助开展临时救助对象排查' }), true, 'returned')
  await send(h, revising.id, h.auth('department', 'east-civil', 'zhao.lei'), { type: 'REVISE', changes: { workloadHours: 60 } })
  const rejected = await create(h, 'east-civil', 'zhao.lei', economicQuota, true, 'rejected')
  const draft = await create(h, 'east-civil', 'zhao.lei', funded({ title: '尚未提交的草稿' }), false, 'draft')

  const housing = h.auth('department', 'east-housing', 'liu.housing')
  const office = h.auth('office', 'east', 'office.east')
  const member = (sub: string) => h.auth('leading_group', 'east', sub)
  const byGroup = await create(h, 'east-housing', 'liu.housing', newItem('协助开展老旧小区加装电梯意愿摸底'), true, 'escalated')
  await send(h, byGroup.id, office, { type: 'OPEN_CONSULTATION', consultation: { mode: 'sample', invited: ['east-s1-c1'] }, reason: 'CONSULT-SECRET' })
  await send(h, byGroup.id, h.auth('community', 'east-s1-c1', 'east-s1-c1.staff'), { type: 'CONSULTATION_REPLY', reply: 'REPLY-SECRET 居民普遍支持' })
  await send(h, byGroup.id, office, { type: 'CLOSE_CONSULTATION' })
  await send(h, byGroup.id, office, { type: 'PUT_ON_AGENDA', reason: 'AGENDA-SECRET' })
  for (const sub of ['sun.chair', 'lv.member']) await send(h, byGroup.id, member(sub), { type: 'VOTE', vote: 'approve', reason: 'VOTE-SECRET' })
  await send(h, byGroup.id, member('sun.chair'), { type: 'DECIDE', decision: 'approve', reason: 'DECISION-SECRET', minutes: 'MINUTES-SECRET 到会3人' })

  const refused = await create(h, 'east-housing', 'liu.housing', newItem('协助开展小区停车位使用情况摸底'), true, 'escalated')
  await send(h, refused.id, office, { type: 'PUT_ON_AGENDA' })
  for (const sub of ['sun.chair', 'lv.member']) await send(h, refused.id, member(sub), { type: 'VOTE', vote: 'reject', reason: 'VOTE-SECRET' })
  await send(h, refused.id, member('sun.chair'), { type: 'DECIDE', decision: 'reject', reason: 'REJECT-SECRET', minutes: 'MINUTES-SECRET' })

  const escalated = await create(h, 'east-housing', 'liu.housing', newItem('协助开展既有住宅节能改造意愿调查'), true, 'escalated')
  const withdrawn = await create(h, 'east-housing', 'liu.housing', newItem('协助开展物业服务满意度调查'), true, 'escalated')
  await send(h, withdrawn.id, housing, { type: 'WITHDRAW', reason: 'WITHDRAW-SECRET' })
  return { admitted1, admitted2, returned, revising, rejected, draft, byGroup, refused, escalated, withdrawn }
}

type Json = Record<string, unknown>

async function allTasks(h: RegisterHarness, query = '') {
  const items: Json[] = []
  let cursor: string | null = null
  do {
    const res = await get(h, `/v1/register/tasks?limit=2${query}${cursor === null ? '' : `&cursor=${cursor}`}`)
    if (res.statusCode !== 200) throw new Error(res.body)
    items.push(...res.json().items)
    cursor = res.json().nextCursor
  } while (cursor !== null)
  return items
}

t.test('only tasks in public states appear, newest first, paged, filtered, with the admission read from the history', async (t) => {
  const h = await build(t)
  const s = await scenario(h)

  const res = await get(h, '/v1/register/tasks')
  t.equal(res.statusCode, 200, 'the register answers')
  const page = res.json()
  t.same(page.items.map((x: Json) => x.id), [s.byGroup.id, s.admitted2.id, s.admitted1.id], 'the two gate admissions and the group approval, newest first')
  t.equal(page.nextCursor, null)
  t.same((await allTasks(h)).map((x) => x.id), [s.byGroup.id, s.admitted2.id, s.admitted1.id], 'pages of two join up without gaps or repeats')

  const [byGroup, lawful, assisted] = page.items
  t.same(assisted, {
    id: s.admitted1.id,
    title: '协助开展城乡低保家庭困难排查与公示',
    description: '社区协助民政部门开展低保家庭入户走访、困难排查,并在社区公示栏公示审核结果。',
    department: { id: 'east-civil', name: '东湖区民政局' },
    targetLevel: 'community',
    targets: [
      { id: 'east-s1-c1', name: '东湖一社区' },
      { id: 'east-s1-c2', name: '东湖二社区' }
    ],
    kind: 'service',
    catalogItem: 'AT-18',
    funding: { perTarget: 20000, source: '区财政社会救助专项' },
    period,
    workloadHours: 120,
    state: 'admitted',
    decider: { level: 'district', orgUnit: 'east', body: 'leading_group' },
    admittedAt: TEST_NOW.toISOString(),
    admittedBy: 'screening',
    screening: { outcome: 'admit', rules: ['catalog_match'], policy: packRef(DEFAULT_PACK) }
  })
  t.equal(lawful.funding, null, 'a lawful duty carries no funding')
  t.equal(lawful.catalogItem, 'LD-01')
  t.equal(byGroup.admittedBy, 'collective_decision')
  t.equal(byGroup.screening.outcome, 'escalate', 'the screening that sent it to the group')
  t.same(byGroup.screening.rules, ['not_in_catalog'])
  t.same(byGroup.department, { id: 'east-housing', name: '东湖区住房和城乡建设局' })

  // admittedAt is the time of the transition into admitted, as the history records it.
  h.clock.now = new Date('2026-10-12T03:00:00Z')
  const later = await create(h, 'east-civil', 'zhao.lei', funded({ title: '先退回后补充经费再提交', funding: null }), true, 'returned')
  h.clock.now = new Date('2026-10-13T04:30:00Z')
  await send(h, later.id, h.auth('department', 'east-civil', 'zhao.lei'), { type: 'SUBMIT', changes: { funding: { perTarget: 9000, source: '区财政', committed: true } } })
  const resubmitted = (await get(h, '/v1/register/tasks?limit=1')).json().items[0]
  t.equal(resubmitted.id, later.id)
  t.equal(resubmitted.admittedAt, '2026-10-13T04:30:00.000Z', 'admitted at the second submission, not at creation')

  const ids = async (query: string) => (await get(h, `/v1/register/tasks?${query}`)).json().items.map((x: Json) => x.id)
  t.same(await ids('department=east-civil'), [later.id, s.admitted2.id, s.admitted1.id])
  t.same(await ids('department=east-housing'), [s.byGroup.id])
  t.same(await ids('department=west-civil'), [])
  t.same(await ids('target=east-s2-c1'), [s.admitted2.id], 'the lawful duty reaches 青山一社区 only')
  t.same(await ids('target=east-s1-c2&department=east-housing'), [s.byGroup.id])
  t.same(await ids('catalogItem=AT-18'), [later.id, s.admitted1.id])
  t.same(await ids('catalogItem=LD-01'), [s.admitted2.id])
  t.same(await ids('catalogItem=AT-1'), [], 'the code matches exactly, not as a prefix')
  t.same(await ids('catalogItem=at-18'), [], 'and with its case')
  t.same(await ids('catalogItem=%25'), [], 'no wildcards')
  t.same((await allTasks(h, '&catalogItem=AT-18')).map((x) => x.id), [later.id, s.admitted1.id], 'filters and pages combine')
})

t.test('admitted work stays public through its contract states', async (t) => {
  const h = await build(t)
  const task = await create(h, 'east-civil', 'zhao.lei', funded(), true, 'admitted')
  const suspended = await send(h, task.id, h.auth('office', 'east', 'office.east'), { type: 'SUSPEND', reason: 'SUSPEND-SECRET 经费未到位' })
  t.equal(suspended.state, 'suspended')
  const [item] = (await get(h, '/v1/register/tasks')).json().items
  t.equal(item.id, task.id)
  t.equal(item.state, 'suspended')
  t.equal(item.admittedAt, TEST_NOW.toISOString())
  t.notMatch(JSON.stringify(item), /SECRET|office\.east|zhao\.lei/)
})

/** Every key path of a JSON value, array positions written as []. */
function keyPaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => keyPaths(v, `${path}[]`))
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => {
      const p = path === '' ? k : `${path}.${k}`
      return [p, ...keyPaths(v, p)]
    })
  }
  return []
}

const prefixed = (prefix: string, keys: string[]) => keys.map((k) => `${prefix}.${k}`)

const TASK_KEYS = [
  'nextCursor',
  'items',
  ...prefixed('items[]', [
    'id',
    'title',
    'description',
    'department',
    'department.id',
    'department.name',
    'targetLevel',
    'targets',
    'targets[].id',
    'targets[].name',
    'kind',
    'catalogItem',
    'funding',
    'funding.perTarget',
    'funding.source',
    'period',
    'period.start',
    'period.end',
    'workloadHours',
    'state',
    'decider',
    'decider.level',
    'decider.orgUnit',
    'decider.body',
    'admittedAt',
    'admittedBy',
    'screening',
    'screening.outcome',
    'screening.rules',
    'screening.policy',
    'screening.policy.id',
    'screening.policy.version',
    'screening.policy.hash'
  ])
]

const VERSION_KEYS = [
  'nextCursor',
  'items',
  ...prefixed('items[]', [
    'id',
    'version',
    'hash',
    'loadedAt',
    'inForce',
    'previous',
    'previous.id',
    'previous.version',
    'previous.hash',
    'lists',
    ...prefixed('lists[]', ['level', 'list', 'count', 'added', 'removed', 'changed', 'href'])
  ])
]

const ENTRY_KEYS = ['code', 'name', 'sector', 'responsibleDepartment', 'legalBasis', 'fundingRequired', 'fundingMinimum', 'fundingStandard', 'fundingStandard.yuan', 'fundingStandard.per', 'fundingStandard.unit', 'fundingStandard.source', 'population', 'kinds', 'titles', 'rule', 'keywords', 'exceptions', 'source']
const LIST_KEYS = ['policy', 'policy.id', 'policy.version', 'policy.hash', 'loadedAt', 'inForce', 'level', 'list', 'items', ...prefixed('items[]', ENTRY_KEYS)]

const STATS_KEYS = [
  'from',
  'to',
  'items',
  ...prefixed('items[]', [
    'department',
    'department.id',
    'department.name',
    'department.parentId',
    'submitted',
    'admitted',
    'escalated',
    'returned',
    'revising',
    'rejected',
    'withdrawn',
    'rejectedByRule',
    // Keyed by rule code: each rule that fired is a key.
    ...RULE_CODES.map((rule) => `rejectedByRule.${rule}`),
    'rejectedByDecision'
  ])
]

t.test('public responses carry only allow-listed keys and nothing that identifies a person', async (t) => {
  const h = await build(t)
  await scenario(h)
  await send(h, (await create(h, 'east-civil', 'zhao.lei', funded(), true, 'admitted')).id, h.auth('office', 'east', 'office.east'), {
    type: 'SUSPEND',
    reason: 'SUSPEND-SECRET'
  })

  const bodies: string[] = []
  const check = async (url: string, allowed: string[], exact: string[] | boolean) => {
    const res = await get(h, url)
    t.equal(res.statusCode, 200, `${url} answers`)
    bodies.push(res.body)
    const seen = [...new Set(keyPaths(res.json()))].sort()
    t.same(
      seen.filter((p) => !allowed.includes(p)),
      [],
      `${url}: no key outside the allow-list`
    )
    if (exact !== false) t.same(seen, [...(exact === true ? allowed : exact)].sort(), `${url}: every expected key is there`)
  }

  await check('/v1/register/tasks', TASK_KEYS, true)
  for (const query of ['limit=1', 'department=east-housing', 'target=east-s1-c1', 'catalogItem=AT-18']) await check(`/v1/register/tasks?${query}`, TASK_KEYS, false)
  // The scenario's one gate rejection broke economic_target: the only rule key there.
  const statsSeen = STATS_KEYS.filter((k) => !k.includes('rejectedByRule.') || k.endsWith('.economic_target'))
  await check('/v1/register/departments', STATS_KEYS, statsSeen)
  await check('/v1/register/departments?from=2026-10-09&to=2026-10-09', STATS_KEYS, statsSeen)
  await check('/v1/register/catalog-versions', VERSION_KEYS, false)
  for (const level of TARGET_LEVELS) {
    for (const list of CATALOG_LISTS) await check(`/v1/register/catalog-versions/${DEFAULT_PACK.version}/${list}?level=${level}`, LIST_KEYS, false)
  }

  const everything = bodies.join('\n')
  const people = [
    ...h.subs,
    ...DEMO_PRINCIPALS.map((p) => p.sub).filter((sub) => sub !== 'admin'),
    ...DEMO_GROUP_MEMBERS.flatMap((m) => [m.sub, m.name])
  ]
  t.ok(h.subs.has('zhao.lei') && h.subs.has('sun.chair') && h.subs.has('east-s1-c1.staff'), 'the scenario acted as named people')
  for (const who of new Set(people)) t.notOk(everything.includes(who), `no trace of ${who}`)
  for (const secret of SECRETS) t.notOk(everything.includes(secret), `no ${secret}`)
  for (const word of ['actor', 'created_by', 'createdBy', 'votes', 'minutes', 'reason', 'consultation', 'replies', 'snapshot']) {
    t.notOk(everything.includes(`"${word}"`), `no "${word}" key anywhere`)
  }
})

t.test('a token is neither needed nor used: the same representation for everybody', async (t) => {
  const h = await build(t)
  await scenario(h)
  for (const url of ['/v1/register/tasks', '/v1/register/departments', '/v1/register/catalog-versions', `/v1/register/catalog-versions/${DEFAULT_PACK.version}/negative`]) {
    const anonymous = await get(h, url)
    const official = await get(h, url, h.auth('office', 'east', 'office.east'))
    t.equal(anonymous.statusCode, 200, url)
    t.equal(official.body, anonymous.body, `${url}: same body with a token`)
    t.equal(official.headers.etag, anonymous.headers.etag, `${url}: same ETag with a token`)
  }
  const draftsStayHidden = (await get(h, '/v1/register/tasks?department=east-civil', h.auth('department', 'east-civil', 'zhao.lei'))).json()
  t.same(draftsStayHidden.items.map((x: Json) => x.state), ['admitted', 'admitted'], 'even the department itself sees only public tasks here')
})

t.test('ETag and If-None-Match: 304 without a body, and a new ETag when the data changes', async (t) => {
  const h = await build(t)
  const first = await create(h, 'east-civil', 'zhao.lei', funded(), true, 'admitted')

  const res = await get(h, '/v1/register/tasks')
  const etag = res.headers.etag as string
  t.match(etag, /^"[A-Za-z0-9_-]{32}"$/, 'a strong ETag')
  t.equal(res.headers['cache-control'], CACHE_CONTROL)
  t.equal(CACHE_CONTROL, 'public, max-age=60')

  const again = await get(h, '/v1/register/tasks', { 'if-none-match': etag })
  t.equal(again.statusCode, 304)
  t.equal(again.body, '', 'no body')
  t.equal(again.headers.etag, etag)
  t.equal(again.headers['cache-control'], CACHE_CONTROL)
  t.equal((await get(h, '/v1/register/tasks', { 'if-none-match': `W/${etag}` })).statusCode, 304, 'If-None-Match compares weakly')
  t.equal((await get(h, '/v1/register/tasks', { 'if-none-match': `"stale", ${etag}` })).statusCode, 304, 'any tag of a list')
  t.equal((await get(h, '/v1/register/tasks', { 'if-none-match': '*' })).statusCode, 304)
  t.equal((await get(h, '/v1/register/tasks', { 'if-none-match': '"stale"' })).statusCode, 200)
  t.not((await get(h, '/v1/register/tasks?limit=1')).headers.etag, etag, 'the query is part of the representation')
  t.equal((await get(h, '/v1/register/tasks?limit=50')).headers.etag, etag, 'the default limit spelled out is the same representation')

  const departmentEtag = (await get(h, '/v1/register/tasks?department=east-civil')).headers.etag as string
  await create(h, 'east-civil', 'zhao.lei', funded({ funding: null }), true, 'returned')
  await create(h, 'east-civil', 'zhao.lei', funded(), false, 'draft')
  t.equal((await get(h, '/v1/register/tasks', { 'if-none-match': etag })).statusCode, 304, 'tasks that are not public do not change the register')

  await create(h, 'east-housing', 'liu.housing', funded({ catalogItem: 'LD-01', funding: null, targets: ['east-s2-c2'], title: '指导社区开展居民公约修订' }))
  const afterOther = await get(h, '/v1/register/tasks?department=east-civil', { 'if-none-match': departmentEtag })
  t.equal(afterOther.statusCode, 304, 'another department’s task leaves a filtered page as it was')

  const second = await create(h, 'east-civil', 'zhao.lei', funded({ title: '协助开展特困人员供养情况核查' }), true, 'admitted')
  const changed = await get(h, '/v1/register/tasks', { 'if-none-match': etag })
  t.equal(changed.statusCode, 200, 'a newly admitted task makes the old copy stale')
  t.not(changed.headers.etag, etag)
  t.equal(changed.json().items[0].id, second.id)
  t.equal((await get(h, '/v1/register/tasks?department=east-civil', { 'if-none-match': departmentEtag })).statusCode, 200)

  // A state change inside the public set (same clock, same count) still changes the ETag.
  const current = changed.headers.etag as string
  await send(h, first.id, h.auth('office', 'east', 'office.east'), { type: 'SUSPEND', reason: '经费未到位' })
  const suspended = await get(h, '/v1/register/tasks', { 'if-none-match': current })
  t.equal(suspended.statusCode, 200, 'a suspension changes the representation')
  t.not(suspended.headers.etag, current)

  // Department statistics: any event changes them, public or not.
  const stats = await get(h, '/v1/register/departments')
  t.equal(stats.headers['cache-control'], CACHE_CONTROL)
  const statsEtag = stats.headers.etag as string
  t.equal((await get(h, '/v1/register/departments', { 'if-none-match': statsEtag })).statusCode, 304)
  t.not((await get(h, '/v1/register/departments?from=2026-10-01')).headers.etag, statsEtag)
  await create(h, 'east-civil', 'zhao.lei', funded({ funding: null, title: '又一项被退回的任务' }), true, 'returned')
  const statsAfter = await get(h, '/v1/register/departments', { 'if-none-match': statsEtag })
  t.equal(statsAfter.statusCode, 200, 'a returned submission changes the statistics')
  t.equal(statsAfter.json().items.find((d: Json) => (d.department as Json).id === 'east-civil').returned, 2)
})

t.test('the catalog history: every stored version with counts and what it added, removed and changed', async (t) => {
  const h = await build(t)
  const initial = await get(h, '/v1/register/catalog-versions')
  t.equal(initial.statusCode, 200, 'the history answers')
  t.equal(initial.headers['cache-control'], CACHE_CONTROL)
  const [only] = initial.json().items
  t.equal(initial.json().items.length, 1)
  t.same(
    { id: only.id, version: only.version, hash: only.hash, inForce: only.inForce, previous: only.previous },
    { ...packRef(DEFAULT_PACK), inForce: true, previous: null }
  )
  t.match(only.loadedAt, /^\d{4}-\d\d-\d\dT/)
  t.same(
    only.lists.map((l: Json) => [l.level, l.list, l.count, l.added, l.removed, l.changed]),
    TARGET_LEVELS.flatMap((level) => CATALOG_LISTS.map((list) => [level, list, DEFAULT_PACK.levels[level][list].length, null, null, null])),
    'every level and list, counted; nothing to compare the first version with'
  )
  const historyEtag = initial.headers.etag as string
  t.equal((await get(h, '/v1/register/catalog-versions', { 'if-none-match': historyEtag })).statusCode, 304)

  const listUrl = `/v1/register/catalog-versions/${DEFAULT_PACK.version}/assisted_tasks`
  const firstList = await get(h, listUrl)
  t.equal(firstList.statusCode, 200, 'a list answers')
  const listEtag = firstList.headers.etag as string
  t.equal((await get(h, listUrl, { 'if-none-match': listEtag })).statusCode, 304)

  // An amendment (as a leading-group approval makes one), then a hand-edited version.
  const amended = amendPack(DEFAULT_PACK, 'community', {
    name: '协助开展老旧小区加装电梯意愿摸底',
    sector: 'housing',
    responsibleDepartment: '东湖区住房和城乡建设局',
    legalBasis: '《中华人民共和国城市居民委员会组织法》第三条',
    fundingRequired: true,
    fundingMinimum: 8000,
    source: 'east 领导小组集体研究决定 2026-10-09',
    titles: ['协助开展老旧小区加装电梯意愿摸底']
  })
  await ensurePack(h.db.knex, amended.pack, '2026-10-10T01:00:00.000Z')
  const [dropped] = amended.pack.levels.street.negative
  const [renamed, ...lawful] = amended.pack.levels.community.lawful_duties
  // A later base version than the code's, whatever the code's is.
  const later = `${DEFAULT_PACK.version}.1`
  const third: PolicyPack = {
    ...amended.pack,
    version: later,
    levels: {
      community: { ...amended.pack.levels.community, lawful_duties: [{ ...renamed!, name: `${renamed!.name}(修订)` }, ...lawful] },
      street: { ...amended.pack.levels.street, negative: amended.pack.levels.street.negative.slice(1) }
    }
  }
  await ensurePack(h.db.knex, third, '2026-10-11T01:00:00.000Z')

  const history = await get(h, '/v1/register/catalog-versions', { 'if-none-match': historyEtag })
  t.equal(history.statusCode, 200, 'a new version makes the history stale')
  const items = history.json().items
  t.same(items.map((v: Json) => [v.version, v.inForce, (v.previous as Json | null)?.version ?? null]), [
    [DEFAULT_PACK.version, false, null],
    [amended.pack.version, false, DEFAULT_PACK.version],
    [later, true, amended.pack.version]
  ])
  t.same(items[1].previous, packRef(DEFAULT_PACK))
  t.equal(items[1].hash, packRef(amended.pack).hash)
  t.equal(items[1].loadedAt, '2026-10-10T01:00:00.000Z')
  const changes = (v: Json) =>
    Object.fromEntries((v.lists as Json[]).filter((l) => (l.added as string[]).length + (l.removed as string[]).length + (l.changed as string[]).length > 0).map((l) => [`${l.level}/${l.list}`, [l.added, l.removed, l.changed]]))
  t.same(changes(items[1]), { 'community/assisted_tasks': [[amended.code], [], []] }, 'the amendment added one assisted item and changed nothing else')
  t.equal(items[1].lists.find((l: Json) => l.level === 'community' && l.list === 'assisted_tasks').count, DEFAULT_PACK.levels.community.assisted_tasks.length + 1)
  t.same(changes(items[2]), { 'community/lawful_duties': [[], [], [renamed!.code]], 'street/negative': [[], [dropped!.code], []] })

  // Paged one at a time, each page still compares with the version before it.
  const pages: Json[] = []
  let cursor: string | null = null
  do {
    const res = await get(h, `/v1/register/catalog-versions?limit=1${cursor === null ? '' : `&cursor=${cursor}`}`)
    pages.push(...res.json().items)
    cursor = res.json().nextCursor
  } while (cursor !== null)
  t.same(pages, items)
  const beyond = await get(h, `/v1/register/catalog-versions?cursor=${Buffer.from('s999').toString('base64url')}`)
  t.same(beyond.json(), { items: [], nextCursor: null }, 'a cursor past the end gives an empty page')

  // One list as it stood in each version.
  const added = await get(h, `/v1/register/catalog-versions/${amended.pack.version}/assisted_tasks?level=community`)
  t.equal(added.statusCode, 200)
  t.same(added.json().policy, packRef(amended.pack))
  t.equal(added.json().inForce, false)
  t.equal(added.json().level, 'community')
  t.same(added.json().items.at(-1), { code: amended.code, ...amended.pack.levels.community.assisted_tasks.at(-1) })
  const before = await get(h, listUrl, { 'if-none-match': listEtag })
  t.equal(before.statusCode, 200, 'the old version is no longer in force: its representation changed')
  t.notOk(before.json().items.some((i: Json) => i.code === amended.code), 'the item is not in the version before')
  t.equal(before.json().level, 'community', 'community is the default level')
  t.same(before.json().items, DEFAULT_PACK.levels.community.assisted_tasks)
  const href = items[2].lists.find((l: Json) => l.level === 'street' && l.list === 'negative').href
  t.equal(href, `/v1/register/catalog-versions/${later}/negative?level=street&pack=zhunru-default`)
  const viaHref = await get(h, href)
  t.equal(viaHref.statusCode, 200)
  t.equal(viaHref.json().inForce, true)
  t.same(viaHref.json().items, third.levels.street.negative)
  t.equal((await get(h, `${href}`, { 'if-none-match': viaHref.headers.etag as string })).statusCode, 304)

  const unknown = await get(h, '/v1/register/catalog-versions/1999.1/negative')
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(unknown.json().detail, /1999\.1/)
  t.equal((await get(h, `/v1/register/catalog-versions/${later}/negative?pack=another-city`)).statusCode, 404, 'the version of another pack')
})

t.test('department statistics: known numbers, rules behind rejections, China-day date filters', async (t) => {
  const h = await build(t)
  const s = await scenario(h)
  const stats = async (query = '') => {
    const res = await get(h, `/v1/register/departments${query}`)
    t.equal(res.statusCode, 200, `departments${query} answers`)
    return res.json() as { from: string | null; to: string | null; items: Json[] }
  }
  const of = (body: { items: Json[] }, id: string) => body.items.find((d) => (d.department as Json).id === id)

  const all = await stats()
  t.same([all.from, all.to], [null, null])
  t.same(
    all.items.map((d) => (d.department as Json).id),
    DEMO_ORG_TREE.filter((u) => u.kind === 'department')
      .map((u) => u.id)
      .sort(),
    'every department, by id'
  )
  t.same(of(all, 'east-civil'), {
    department: { id: 'east-civil', name: '东湖区民政局', parentId: 'east' },
    submitted: 5,
    admitted: 2,
    escalated: 0,
    returned: 1,
    revising: 1,
    rejected: 1,
    withdrawn: 0,
    rejectedByRule: { economic_target: 1 },
    rejectedByDecision: 0
  })
  t.same(of(all, 'east-housing'), {
    department: { id: 'east-housing', name: '东湖区住房和城乡建设局', parentId: 'east' },
    submitted: 4,
    admitted: 1,
    escalated: 1,
    returned: 0,
    revising: 0,
    rejected: 1,
    withdrawn: 1,
    rejectedByRule: {},
    rejectedByDecision: 1
  })
  t.same(of(all, 'city-civil'), {
    department: { id: 'city-civil', name: '示范市民政局', parentId: 'city' },
    submitted: 0,
    admitted: 0,
    escalated: 0,
    returned: 0,
    revising: 0,
    rejected: 0,
    withdrawn: 0,
    rejectedByRule: {},
    rejectedByDecision: 0
  })

  // 17:30 UTC on 9 October is 01:30 on 10 October in China: these submissions count on the 10th.
  h.clock.now = new Date('2026-10-09T17:30:00Z')
  await create(h, 'east-civil', 'zhao.lei', { ...economicQuota, title: '关于分解下达社区税源培育和招商引资任务的通知' }, true, 'rejected')
  await create(h, 'east-civil', 'zhao.lei', funded({ funding: null, title: '协助开展救助对象复核' }), true, 'returned')
  // The task returned on the 9th is resubmitted with funding on the 10th: it stays a task of the 9th.
  const resubmitted = await send(h, s.returned.id, h.auth('department', 'east-civil', 'zhao.lei'), {
    type: 'SUBMIT',
    changes: { funding: { perTarget: 9000, source: '区财政', committed: true } }
  })
  t.equal(resubmitted.state, 'admitted')

  const total = of(await stats(), 'east-civil')!
  t.same([total.submitted, total.admitted, total.returned, total.rejected], [7, 3, 1, 2])
  t.same(total.rejectedByRule, { economic_target: 2 }, 'both rejections broke the same rule')
  const ninth = await stats('?from=2026-10-09&to=2026-10-09')
  t.same([ninth.from, ninth.to], ['2026-10-09', '2026-10-09'])
  t.same(of(ninth, 'east-civil'), { ...of(all, 'east-civil'), admitted: 3, returned: 0 }, 'the 9th (China time): the scenario, counted by where it stands now')
  const tenth = of(await stats('?from=2026-10-10'), 'east-civil')!
  t.same([tenth.submitted, tenth.admitted, tenth.returned, tenth.rejected], [2, 0, 1, 1], 'the 10th: the two first submitted that day, not the resubmission')
  t.same(tenth.rejectedByRule, { economic_target: 1 })
  t.equal(of(await stats('?to=2026-10-08'), 'east-civil')!.submitted, 0)
  t.equal(of(await stats('?from=2026-10-11'), 'east-civil')!.submitted, 0)
  t.same(
    (await stats('?from=2026-10-10')).items.filter((d) => (d.submitted as number) > 0).map((d) => (d.department as Json).id),
    ['east-civil'],
    'nobody else submitted on the 10th'
  )

  for (const d of (await stats()).items) {
    const parts = ['admitted', 'escalated', 'returned', 'revising', 'rejected', 'withdrawn'].reduce((n, k) => n + (d[k] as number), 0)
    t.equal(parts, d.submitted, `${(d.department as Json).id}: the states add up to the submissions`)
  }
})

t.test('bad query parameters are refused with 400 naming the field', async (t) => {
  const h = await build(t)
  const cases: Array<[string, string]> = [
    ['/v1/register/tasks?limit=0', 'limit'],
    ['/v1/register/tasks?limit=201', 'limit'],
    ['/v1/register/tasks?limit=many', 'limit'],
    ['/v1/register/tasks?state=draft', 'state'],
    ['/v1/register/tasks?department=', 'department'],
    [`/v1/register/tasks?target=${'x'.repeat(65)}`, 'target'],
    ['/v1/register/tasks?catalogItem=', 'catalogItem'],
    ['/v1/register/tasks?cursor=not*base64', 'cursor'],
    [`/v1/register/tasks?cursor=${Buffer.from('nonsense').toString('base64url')}`, 'cursor'],
    ['/v1/register/catalog-versions?limit=0', 'limit'],
    ['/v1/register/catalog-versions?cursor=%21', 'cursor'],
    ['/v1/register/catalog-versions?level=community', 'level'],
    ['/v1/register/catalog-versions/2026.2/bogus', 'list'],
    ['/v1/register/catalog-versions/2026.2/negative?level=city', 'level'],
    ['/v1/register/catalog-versions/2026.2/negative?pack=', 'pack'],
    ['/v1/register/catalog-versions/2026.2/negative?extra=1', 'extra'],
    ['/v1/register/departments?from=2026-02-30', 'from'],
    ['/v1/register/departments?to=yesterday', 'to'],
    ['/v1/register/departments?from=2026-10-10&to=2026-10-09', 'to'],
    ['/v1/register/departments?department=east-civil', 'department']
  ]
  for (const [url, field] of cases) {
    const res = await get(h, url)
    t.equal(res.statusCode, 400, `${url} is refused`)
    t.equal(res.json().field, field, url)
    t.equal(res.json().invalidParams[0].field, field, url)
    t.equal(res.headers.etag, undefined, `${url}: an error is not cacheable`)
  }
  t.equal((await get(h, '/v1/register/departments?from=2026-10-09&to=2026-10-09')).statusCode, 200, 'a one-day range is fine')
})
