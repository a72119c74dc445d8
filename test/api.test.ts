import { createHmac } from 'node:crypto'
import t from 'tap'
import { signToken } from '../src/platform/token.js'
import { loadConfig, DEVELOPMENT_JWT_SECRET } from '../src/config.js'
import { DEFAULT_PACK } from '../src/policy/pack.js'
import { knexConfig, openDatabase, uniquely } from '../src/engine/db.js'
import { ensurePack } from '../src/policy/pack-store.js'
import type { TaskRecord } from '../src/tasks/store.js'
import { amendedMeanwhile } from '../src/tasks/service.js'
import { migrationSource } from '../migrations/index.js'
import { TASK_STATES } from '../machines/admission.js'
import { seedDemoIfEmpty } from '../src/demo.js'
import { TEST_SECRET, build, demoCommunities, freshDatabase } from './helper.js'

const PROBLEM = 'application/problem+json; charset=utf-8'

const task = {
  title: '组织开展社区协商议事',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  catalogItem: 'LD-15',
  period: { start: '2027-03-01', end: '2027-06-30' },
  workloadHours: 16
}

t.test('health, security headers and unknown routes', async (t) => {
  const { app } = await build(t)
  const health = await app.inject({ method: 'GET', url: '/healthz' })
  t.same(health.json(), { status: 'ok', database: 'ok' })
  t.equal(health.headers['x-content-type-options'], 'nosniff')
  const missing = await app.inject({ method: 'GET', url: '/v1/nothing-here' })
  t.equal(missing.statusCode, 404)
  t.equal(missing.headers['content-type'], PROBLEM)
  t.equal(missing.json().status, 404)
})

t.test('the machine is served as JSON and as a Mermaid diagram', async (t) => {
  const { app } = await build(t)
  const list = (await app.inject({ method: 'GET', url: '/v1/machines' })).json()
  t.match(list.items, [
    { id: 'admission', version: 3, href: '/v1/machines/admission', diagram: '/v1/machines/admission/diagram', commuting: ['VOTE', 'CONSULTATION_REPLY'] },
    { id: 'burden-report', version: 1, href: '/v1/machines/burden-report', diagram: '/v1/machines/burden-report/diagram', commuting: [] },
    { id: 'deliberation', version: 1, href: '/v1/machines/deliberation', diagram: '/v1/machines/deliberation/diagram', commuting: [] },
    { id: 'evaluation', version: 1, href: '/v1/machines/evaluation', diagram: '/v1/machines/evaluation/diagram', commuting: ['RATE'] }
  ])
  t.equal(list.items.length, 4, 'every registered machine, and only those')
  const admission = list.items[0]
  t.same(admission.events.find((e: { type: string }) => e.type === 'ACTIVATE'), { type: 'ACTIVATE', roles: [] }, 'events only the clock sends have no roles')
  t.same(admission.events.find((e: { type: string }) => e.type === 'VOTE'), { type: 'VOTE', roles: ['leading_group'] })
  t.equal(admission.events.length, 16)
  t.equal(admission.mermaid, (await app.inject({ method: 'GET', url: '/v1/machines/admission/diagram' })).body, 'the list carries each diagram inline')
  t.same(list.items[1].events.map((e: { type: string }) => e.type), ['INVESTIGATE', 'CONFIRM', 'DISMISS'])
  const machine = (await app.inject({ method: 'GET', url: '/v1/machines/admission' })).json()
  t.same(Object.keys(machine.definition.states).sort(), [...TASK_STATES].sort())
  t.same(machine.eventRoles.DECIDE, ['leading_group'])
  t.same(machine.eventRoles.SUBMIT, ['department'])
  const diagram = await app.inject({ method: 'GET', url: '/v1/machines/admission/diagram' })
  t.match(diagram.headers['content-type'], /^text\/vnd\.mermaid/)
  t.match(diagram.body, /^stateDiagram-v2\n/)
  t.match(diagram.body, /screening --> rejected: always \[screenedAs\(reject\)\]/, 'always edges and guard names are drawn')
  t.match(diagram.body, /escalated_leading_group --> admitted: DECIDE \[collectivelyDecided\(approve\)\]/)
  t.match(diagram.body, /escalated_consultation --> escalated_consultation: CONSULTATION_REPLY/, 'targetless transitions are self-loops')
  t.match(diagram.body, /state escalated \{\n\s+\[\*\] --> escalated_office_review/)
  for (const url of ['/v1/machines/nope', '/v1/machines/nope/diagram', '/v1/machines/__proto__', '/v1/machines/toString/diagram']) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 404)
    t.equal(res.headers['content-type'], PROBLEM)
  }
})

t.test('catalogs are public, versioned, and every item names its source', async (t) => {
  const { app } = await build(t)
  const index = (await app.inject({ method: 'GET', url: '/v1/catalogs' })).json()
  t.match(index.policy, { id: 'zhunru-default', version: DEFAULT_PACK.version })
  t.equal(index.lists.length, 8)
  const count = (list: string, level = 'community') => index.lists.find((l: { list: string; level: string }) => l.list === list && l.level === level).count
  t.ok(count('lawful_duties') >= 15)
  t.ok(count('assisted_tasks') >= 25)
  t.ok(count('lawful_duties', 'street') > 0)
  t.ok(index.sectors.some((s: { code: string }) => s.code === 'public_security'))

  const assisted = (await app.inject({ method: 'GET', url: '/v1/catalogs/assisted_tasks?level=community' })).json()
  for (const item of assisted.items) {
    t.ok(item.code && item.name && item.source && item.responsibleDepartment && item.legalBasis, `${item.code} is complete`)
    t.equal(item.fundingRequired, true, `${item.code} must carry funding`)
  }
  const negative = (await app.inject({ method: 'GET', url: '/v1/catalogs/negative' })).json()
  t.equal(negative.level, 'community', 'community is the default level')
  const certificatesBanned = negative.items.filter((i: { rule: string }) => i.rule === 'unverifiable_certificate')
  t.equal(certificatesBanned.length, 20, 'the 20 national must-not-issue certificates')
  const street = (await app.inject({ method: 'GET', url: '/v1/catalogs/lawful_duties?level=street' })).json()
  t.ok(street.items.every((i: { code: string }) => i.code.startsWith('S')))

  const badList = await app.inject({ method: 'GET', url: '/v1/catalogs/everything' })
  t.equal(badList.statusCode, 400)
  t.equal(badList.json().field, 'list')
  const badLevel = await app.inject({ method: 'GET', url: '/v1/catalogs/negative?level=province' })
  t.equal(badLevel.json().field, 'level')
})

t.test('an admin adds org units; the tree and sectors are checked', async (t) => {
  const { app, auth } = await build(t)
  const admin = auth('admin', 'city')
  const post = (payload: Record<string, unknown>, headers: Record<string, string> = admin) =>
    app.inject({ method: 'POST', url: '/v1/org-units', headers, payload })
  const dept = { id: 'east-veterans', kind: 'department', name: '东湖区退役军人事务局', parentId: 'east', sector: 'veterans_affairs' }
  const created = await post(dept)
  t.equal(created.statusCode, 201, created.body)
  t.same((await app.inject({ method: 'GET', url: '/v1/org-units/east-veterans' })).json(), { ...dept, closedAt: null })
  t.equal((await post(dept)).statusCode, 409)
  t.equal((await post(dept, auth('office', 'city'))).statusCode, 403)
  t.equal((await app.inject({ method: 'POST', url: '/v1/org-units', payload: dept })).statusCode, 401)
  const field = async (payload: Record<string, unknown>) => (await post(payload)).json().field
  t.equal(await field({ ...dept, id: 'x1', parentId: 'nowhere' }), 'parentId')
  t.equal(await field({ ...dept, id: 'x2', kind: 'community', parentId: 'east', sector: null }), 'parentId', 'a community sits under a street')
  t.equal(await field({ ...dept, id: 'x3', sector: null }), 'sector')
  t.equal(await field({ ...dept, id: 'x4', sector: 'astrology' }), 'sector')
  t.equal(await field({ id: 'x5', kind: 'street', name: '新街道', parentId: 'east', sector: 'civil_affairs' }), 'sector')
  t.equal(await field({ id: 'x6', kind: 'city', name: '另一市', parentId: null, extra: 1 }), 'extra')
  t.match((await post({ id: 'x8', kind: 'city', name: '城中城', parentId: 'city' })).json().invalidParams[0].message, /under nothing/)
  t.equal((await post({ id: 'city2', kind: 'city', name: '另一市', parentId: null })).statusCode, 201)
  t.equal((await post({ id: 'x7', kind: 'street', name: '新街道', parentId: 'east' })).statusCode, 201)
  t.equal((await app.inject({ method: 'GET', url: '/v1/org-units/nope' })).statusCode, 404)

  // The new department's sector is what the gate reads: a veterans item is its to claim.
  const veteransItem = { ...task, catalogItem: 'AT-11', title: '协助做好优抚对象走访慰问', funding: { perTarget: 5000, source: '区财政', committed: true } }
  const submitted = await app.inject({ method: 'POST', url: '/v1/tasks', headers: auth('department', 'east-veterans'), payload: { ...veteransItem, submit: true } })
  t.equal(submitted.json().screening.findings[0].rule, 'catalog_match')
})

t.test('bad input gets a 400 problem naming the field, never a 500', async (t) => {
  const { app, auth } = await build(t)
  const dept = auth('department', 'east-civil')
  const create = (payload: unknown, headers: Record<string, string> = dept) => app.inject({ method: 'POST', url: '/v1/tasks', headers, payload: payload as Record<string, unknown> })
  const cases: Array<[string, unknown, string]> = [
    ['missing title', { ...task, title: undefined }, 'title'],
    ['unknown field', { ...task, priority: 'high' }, 'priority'],
    ['wrong type', { ...task, targets: 'east-s1-c1' }, 'targets'],
    ['empty targets', { ...task, targets: [] }, 'targets'],
    ['bad kind', { ...task, kind: 'favour' }, 'kind'],
    ['bad date', { ...task, period: { start: '2027-02-30x', end: '2027-03-01' } }, 'period.start'],
    ['period backwards', { ...task, period: { start: '2027-05-01', end: '2027-03-01' } }, 'period.end'],
    ['certificate kind without certificate', { ...task, kind: 'certificate' }, 'certificate'],
    ['negative funding', { ...task, funding: { perTarget: -1, source: 'x', committed: true } }, 'funding.perTarget'],
    ['nested unknown', { ...task, funding: { perTarget: 1, source: 'x', committed: true, bonus: 1 } }, 'funding.bonus'],
    ['legal basis item', { ...task, legalBasis: [{ article: '第一条' }] }, 'legalBasis[0].title'],
    ['unicode title too long', { ...task, title: '𠀀'.repeat(201) }, 'title']
  ]
  for (const [name, payload, field] of cases) {
    const res = await create(payload)
    t.equal(res.statusCode, 400, name)
    t.equal(res.headers['content-type'], PROBLEM, name)
    t.equal(res.json().field, field, name)
  }
  const invalidJson = await app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...dept, 'content-type': 'application/json' }, payload: '{"title":' })
  t.equal(invalidJson.statusCode, 400)
  t.equal(invalidJson.headers['content-type'], PROBLEM)
  const notJson = await app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...dept, 'content-type': 'text/plain' }, payload: 'hello' })
  t.equal(notJson.statusCode, 400, 'text is not a task')
  t.equal(notJson.json().field, 'body')
  const nulText = await app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...dept, 'content-type': 'text/plain' }, payload: 'a\u0000b' })
  t.equal(nulText.json().field, 'body', 'a NUL in a text body is named as the body')
  const xml = await app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...dept, 'content-type': 'application/xml' }, payload: '<task/>' })
  t.equal(xml.statusCode, 415)
  t.equal(xml.headers['content-type'], PROBLEM)
  const huge = await app.inject({
    method: 'POST',
    url: '/v1/tasks',
    headers: { ...dept, 'content-type': 'application/json' },
    payload: JSON.stringify({ ...task, description: 'x'.repeat(2 * 1024 * 1024) })
  })
  t.equal(huge.statusCode, 413)
  t.equal(huge.headers['content-type'], PROBLEM)

  const draft = (await create(task)).json()
  const event = (payload: Record<string, unknown>, headers = dept) => app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/events`, headers, payload })
  t.equal((await event({ type: 'WITHDRAW', changes: { title: 'x' } })).json().field, 'changes')
  t.equal((await event({ type: 'SUBMIT', decision: 'approve' })).json().field, 'decision')
  t.equal((await event({ type: 'DECIDE' }, auth('leading_group', 'east'))).json().field, 'decision')
  t.equal((await event({ type: 'LAUNCH' })).json().field, 'type')
  t.equal((await event({ type: 'REVISE', changes: { period: { start: '2027-09-01', end: '2027-01-01' } } })).json().field, 'period.end')
  t.equal((await event({ type: 'REVISE', changes: { targets: ['west-s1-c1'] } })).json().field, 'targets[0]')
  const unknownTask = await app.inject({ method: 'POST', url: '/v1/tasks/00000000-0000-0000-0000-000000000000/events', headers: dept, payload: { type: 'SUBMIT' } })
  t.equal(unknownTask.statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks/nope' })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks?limit=0' })).json().field, 'limit')
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks?state=lost' })).json().field, 'state')
})

t.test('tokens: missing, malformed, expired, wrongly signed or with bad claims are refused', async (t) => {
  const { app, auth } = await build(t)
  const now = Math.floor(Date.now() / 1000)
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
  const cases: Array<[string, Record<string, string>]> = [
    ['not bearer', { authorization: 'Token abc' }],
    ['garbage', bearer('abc.def.ghi')],
    ['expired', bearer(signToken({ sub: 'a', role: 'department', org: 'east-civil' }, TEST_SECRET, { nowSeconds: now - 7200, ttlSeconds: 60 }))],
    ['wrong secret', bearer(signToken({ sub: 'a', role: 'department', org: 'east-civil' }, 'another-secret-of-enough-length', { nowSeconds: now, ttlSeconds: 60 }))],
    ['unknown role', bearer(signToken({ sub: 'a', role: 'mayor' as 'admin', org: 'city' }, TEST_SECRET, { nowSeconds: now, ttlSeconds: 60 }))],
    ['no org', bearer(signToken({ sub: 'a', role: 'admin', org: '' }, TEST_SECRET, { nowSeconds: now, ttlSeconds: 60 }))],
    ['no sub', bearer(signToken({ sub: '', role: 'admin', org: 'city' }, TEST_SECRET, { nowSeconds: now, ttlSeconds: 60 }))]
  ]
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(42)}`
  const nullPayload = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(null)}`
  cases.push(['null payload', bearer(`${nullPayload}.${createHmac('sha256', TEST_SECRET).update(nullPayload).digest('base64url')}`)])
  cases.push(['payload not an object', bearer(`${unsigned}.${createHmac('sha256', TEST_SECRET).update(unsigned).digest('base64url')}`)])
  for (const [name, headers] of cases) {
    const res = await app.inject({ method: 'GET', url: '/v1/tasks', headers })
    t.equal(res.statusCode, 401, name)
    t.equal(res.headers['content-type'], PROBLEM, name)
  }
  const draft = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: auth('department', 'east-civil'), payload: task })).json()
  t.equal((await app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/events`, payload: { type: 'SUBMIT' } })).statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: `/v1/tasks/${draft.id}/events` })).statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: `/v1/tasks/${draft.id}` })).statusCode, 404, 'a draft is not public')
  t.equal((await app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/events`, headers: auth('admin', 'city'), payload: { type: 'SUBMIT' } })).statusCode, 403, 'an admin cannot submit for a department')
  t.equal((await app.inject({ method: 'POST', url: '/v1/tasks', headers: auth('department', 'no-such-unit'), payload: task })).statusCode, 403, 'a token for an unknown org unit acts for nobody')
})

t.test('configuration', async (t) => {
  t.same(loadConfig({}), {
    port: 3000,
    demo: true,
    rateLimitPerMinute: 600,
    webhookAllowPrivateNetworks: false,
    host: '127.0.0.1',
    databaseUrl: 'sqlite:./data/zhunru.sqlite',
    jwtSecret: DEVELOPMENT_JWT_SECRET,
    jwtSecretIsDevelopmentDefault: true
  })
  t.equal(loadConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: '1' }).webhookAllowPrivateNetworks, true)
  t.throws(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'yes' }), /WEBHOOK_ALLOW_PRIVATE_NETWORKS/)
  t.equal(loadConfig({}).demo, true, 'the first run loads the demo city')
  t.equal(loadConfig({ ZHUNRU_DEMO: '0' }).demo, false)
  t.throws(() => loadConfig({ ZHUNRU_DEMO: 'no' }), /ZHUNRU_DEMO must be 0 or 1/)
  t.throws(() => loadConfig({ RATE_LIMIT_PER_MINUTE: '0' }), /RATE_LIMIT_PER_MINUTE/)
  t.match(loadConfig({ PORT: '8080', HOST: '0.0.0.0', JWT_SECRET: 'a-long-enough-secret', DATABASE_URL: 'postgres://u@h/db' }), {
    port: 8080,
    host: '0.0.0.0',
    jwtSecretIsDevelopmentDefault: false,
    databaseUrl: 'postgres://u@h/db'
  })
  t.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/)
  t.throws(() => loadConfig({ JWT_SECRET: 'short' }), /JWT_SECRET/)
  t.throws(() => knexConfig('mysql://x'), /DATABASE_URL/)
  t.equal(knexConfig('postgresql://u@localhost/zhunru').dialect, 'postgres')
  t.equal(knexConfig('sqlite::memory:').dialect, 'sqlite')
  // Whatever DATABASE_URL the suite runs on, the embedded default must open and migrate,
  // creating its data directory on a first run.
  const embedded = await openDatabase(`sqlite:${t.testdir({})}/data/first-run/zhunru.sqlite`)
  t.teardown(() => embedded.knex.destroy())
  t.ok(await embedded.knex.schema.hasTable('task_events'))
  t.same(await embedded.knex.raw('PRAGMA foreign_keys'), [{ foreign_keys: 1 }], 'pragmas are set per connection')
})

t.test('migrations go down and up again, and a published pack version cannot change', async (t) => {
  const db = await freshDatabase(t)
  await db.knex.migrate.rollback({ migrationSource }, true)
  t.notOk(await db.knex.schema.hasTable('tasks'))
  await db.knex.migrate.latest({ migrationSource })
  t.ok(await db.knex.schema.hasTable('task_events'))
  const now = new Date().toISOString()
  t.equal(await seedDemoIfEmpty(db.knex, now), true)
  t.equal(await seedDemoIfEmpty(db.knex, now), false, 'a database with org units is left alone')
  const first = await ensurePack(db.knex, DEFAULT_PACK, now)
  const again = await ensurePack(db.knex, DEFAULT_PACK, now)
  t.same(again.ref, first.ref, 'loading the same pack twice is a no-op')
  const edited = { ...DEFAULT_PACK, parameters: { ...DEFAULT_PACK.parameters, quorum: 0.9 } }
  await t.rejects(ensurePack(db.knex, edited, now), /publish a new version/)
  // An amendment that finds its version published by another decision meanwhile is told so as the caller wants it (a 409).
  const deciding = { version: 4, position: { state: 'escalated', stage: 'leading_group' } } as TaskRecord
  const conflict = (await ensurePack(db.knex, edited, now, () => amendedMeanwhile(deciding)).catch((err: unknown) => err)) as { status: number; extensions: Record<string, unknown> }
  t.equal(conflict.status, 409)
  t.equal(conflict.extensions.currentVersion, 4)
})

t.test('the diagram of any statechart draws targetless transitions as self-loops and unguarded ones plainly', async (t) => {
  const { createMachine } = await import('xstate')
  const { toMermaid } = await import('../machines/describe.js')
  const machine = createMachine({ id: 'm', initial: 'a', states: { a: { on: { PING: {}, GO: 'b' } }, b: { type: 'final' } } })
  t.equal(toMermaid(machine), 'stateDiagram-v2\n  [*] --> a\n  b --> [*]\n  a --> a: PING\n  a --> b: GO\n')
})

t.test('hostile ids and strings: prototype names, NUL characters, huge cursors, oversized claims', async (t) => {
  const { app, auth } = await build(t)
  for (const url of ['/v1/machines/__proto__', '/v1/machines/toString', '/v1/machines/constructor/diagram', '/v1/machines/hasOwnProperty']) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 404, url)
  }
  const dept = auth('department', 'east-civil')
  const nul = await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...task, title: 'a\u0000b' } })
  t.equal(nul.statusCode, 400)
  t.equal(nul.json().field, 'title')
  const nested = await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...task, legalBasis: [{ title: 'x\u0000' }] } })
  t.equal(nested.json().field, 'legalBasis[0].title')
  const inKey = await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...task, funding: { 'per\u0000Target': 1 } } })
  t.equal(inKey.json().field, 'funding')
  for (const url of ['/v1/tasks/a%00b', '/v1/tasks?department=a%00b', '/v1/org-units/a%00b']) {
    const res = await app.inject({ method: 'GET', url, headers: dept })
    t.equal(res.statusCode, 400, url)
  }
  const huge = Buffer.from('s9999999999').toString('base64url')
  t.equal((await app.inject({ method: 'GET', url: `/v1/tasks?cursor=${huge}` })).json().field, 'cursor')
  const nulOrg = signToken({ sub: 'a', role: 'department', org: 'east-civil\u0000' }, TEST_SECRET, { nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 60 })
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks', headers: { authorization: `Bearer ${nulOrg}` } })).statusCode, 401, 'a NUL in a claim is refused')
  const nulSub = signToken({ sub: 'a\u0000', role: 'department', org: 'east-civil' }, TEST_SECRET, { nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 60 })
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks', headers: { authorization: `Bearer ${nulSub}` } })).statusCode, 401)
  const longSub = signToken({ sub: 'x'.repeat(201), role: 'department', org: 'east-civil' }, TEST_SECRET, { nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 60 })
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks', headers: { authorization: `Bearer ${longSub}` } })).statusCode, 401)
})

t.test('a street’s own department sends work only to its street', async (t) => {
  const { app, auth } = await build(t)
  const office = auth('department', 'east-s1-office')
  const own = await app.inject({ method: 'POST', url: '/v1/tasks', headers: office, payload: { ...task, targets: ['east-s1-c1'] } })
  t.equal(own.statusCode, 201)
  t.same(own.json().decider, { level: 'district', orgUnit: 'east', body: 'leading_group' }, 'its district still decides')
  const neighbour = await app.inject({ method: 'POST', url: '/v1/tasks', headers: office, payload: { ...task, targets: ['east-s2-c1'] } })
  t.equal(neighbour.json().field, 'targets[0]')
})

t.test('communities see what was admitted for them; histories are for the task’s parties', async (t) => {
  const { app, auth } = await build(t)
  const dept = auth('department', 'east-civil')
  const draft = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: task })).json()
  const admitted = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...task, submit: true } })).json()
  t.equal(admitted.state, 'admitted')
  const community = auth('community', 'east-s1-c1')
  t.equal((await app.inject({ method: 'GET', url: `/v1/tasks/${draft.id}`, headers: community })).statusCode, 404, 'a draft is the department’s')
  t.same((await app.inject({ method: 'GET', url: '/v1/tasks?target=east-s1-c1', headers: community })).json().items.map((x: { id: string }) => x.id), [admitted.id])
  t.equal((await app.inject({ method: 'GET', url: `/v1/tasks/${admitted.id}/events`, headers: auth('community', 'west-s2-c2') })).statusCode, 404, 'who acted is not public')
  t.equal((await app.inject({ method: 'GET', url: `/v1/tasks/${admitted.id}/events`, headers: auth('office', 'east') })).statusCode, 200)
})

t.test('a revision clears the old screening: a revised draft is not listed as returned', async (t) => {
  const { app, auth } = await build(t)
  const dept = auth('department', 'east-civil')
  const returned = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...task, catalogItem: null, title: '协助开展社区停车需求摸底', submit: true } })).json()
  t.equal(returned.state, 'returned')
  const revised = (await app.inject({ method: 'POST', url: `/v1/tasks/${returned.id}/events`, headers: dept, payload: { type: 'REVISE', changes: { workloadHours: 8 } } })).json()
  t.equal(revised.screening, null)
  t.same((await app.inject({ method: 'GET', url: '/v1/tasks?outcome=return', headers: dept })).json().items, [])
})

t.test('uniquely turns a duplicate into the caller’s problem and lets other failures through', async (t) => {
  const db = await freshDatabase(t)
  const dup = () => new Error('duplicate')
  await seedDemoIfEmpty(db.knex, new Date().toISOString())
  await t.rejects(uniquely(() => db.knex('org_units').insert({ id: 'city', kind: 'city', name: 'x', created_at: 'now' }), dup), /duplicate/)
  await t.rejects(uniquely(() => db.knex('no_such_table').insert({ a: 1 }), dup), /no_such_table|does not exist/)
})

t.test('an amendment of the street lists is a new version with the next street code', async (t) => {
  const { amendPack, packRef } = await import('../src/policy/pack.js')
  const item = { name: '配合开展夜间经济街区服务', sector: 'commerce', responsibleDepartment: '商务局', legalBasis: '区政府常务会议纪要', fundingRequired: true, fundingMinimum: 80000, source: 'test' }
  const { pack, code } = amendPack(DEFAULT_PACK, 'street', item)
  t.equal(code, 'SAT-15')
  t.equal(pack.version, `${DEFAULT_PACK.version}-a1`)
  t.same(pack.levels.community, DEFAULT_PACK.levels.community, 'the community lists are untouched')
  t.not(packRef(pack).hash, packRef(DEFAULT_PACK).hash)
})

t.test('a date-driven step the machine does not accept is a loud error, not a silent no-op', async (t) => {
  const { initialAdmissionSnapshot, mustStep } = await import('../machines/runtime.js')
  t.throws(() => mustStep(initialAdmissionSnapshot(), { type: 'COMPLETE' }), /COMPLETE is not accepted/)
})

t.test('the router’s own refusals are problems too: malformed URLs and over-long parameters', async (t) => {
  const { app } = await build(t)
  for (const [url, status] of [['/v1/tasks/%E0%A4%A', 400], [`/v1/tasks/${'x'.repeat(150)}`, 414]] as const) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, status, url.slice(0, 30))
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.equal(res.json().status, status)
  }
})

t.test('a body nested deeper than any request of this API is refused, not walked', async (t) => {
  const { app, auth } = await build(t)
  const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`
  const res = await app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...auth('department', 'east-civil'), 'content-type': 'application/json' }, payload: deep })
  t.equal(res.statusCode, 400)
  t.match(res.json().detail, /nest deeper than 32/)
})
