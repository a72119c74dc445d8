import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { assign, setup } from 'xstate'
import { signToken } from '../src/platform/token.js'
import { engine, platform, platformServerOptions, webhooks, zhunru, type Workflow } from '../src/index.js'
import { openDatabase } from '../src/engine/db.js'
import { freshDatabase, freshDatabaseUrl } from './helper.js'

// The plugins as an integrator composes them, in-process (test/package.test.ts does the same
// from the packed package): the engine serves a machine written here through its instance routes.

const SECRET = 'embedding-secret-0123456789abcdef'
const auth = (sub: string, role: string, org: string) => ({
  authorization: `Bearer ${signToken({ sub, role: role as 'admin', org }, SECRET, { nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 600 })}`
})

type ApprovalEvent = { type: 'SUBMIT' | 'APPROVE' | 'REJECT' | 'COMMENT' | 'EXPIRE'; reason: string | null }

const approvalMachine = setup({ types: { context: {} as { notes: string[] }, events: {} as ApprovalEvent } }).createMachine({
  id: 'approval',
  initial: 'drafting',
  context: { notes: [] },
  states: {
    drafting: { on: { SUBMIT: 'reviewing' } },
    reviewing: {
      on: {
        COMMENT: { actions: assign(({ context, event }) => ({ notes: [...context.notes, event.reason ?? ''] })) },
        APPROVE: 'approved',
        REJECT: 'rejected',
        EXPIRE: 'rejected'
      }
    },
    approved: { type: 'final' },
    rejected: { type: 'final' }
  }
})

const approval: Workflow<{ notes: string[] }, ApprovalEvent> = {
  id: 'approval',
  version: 1,
  machine: approvalMachine,
  upgrades: {},
  // No createRoles: any principal may start one. Offices reach every instance; others only their org's.
  mayAccess: (principal) => principal.role === 'office',
  eventRoles: { SUBMIT: ['department'], COMMENT: ['office'], APPROVE: ['office'], REJECT: ['office'], EXPIRE: [] },
  commuting: ['COMMENT']
}

async function engineApp(t: Test) {
  const database = await freshDatabase(t)
  const app = Fastify(platformServerOptions)
  await app.register(platform, { jwtSecret: SECRET, db: database.knex })
  await app.register(engine, { database, workflows: [approval] })
  await app.register(webhooks)
  t.teardown(() => app.close())
  await app.ready()
  return app
}

t.test('an integrator’s machine on the engine: start, step, stale versions, commuting and conflicting events, history', async (t) => {
  const app = await engineApp(t)
  const author = auth('li.min', 'department', 'east-civil')
  const reviewer = auth('office.east', 'office', 'east')
  const send = (id: string, headers: Record<string, string>, payload: object) => app.inject({ method: 'POST', url: `/v1/workflows/approval/instances/${id}/events`, headers, payload })

  const created = await app.inject({ method: 'POST', url: '/v1/workflows/approval/instances', headers: { ...author, 'idempotency-key': 'start-1' } })
  t.equal(created.statusCode, 201, 'without createRoles any principal starts one')
  t.equal((await app.inject({ method: 'POST', url: '/v1/workflows/approval/instances', headers: auth('x', 'community', 'east-s1-c1') })).statusCode, 201)
  const replayed = await app.inject({ method: 'POST', url: '/v1/workflows/approval/instances', headers: { ...author, 'idempotency-key': 'start-1' } })
  t.equal(replayed.headers['idempotent-replay'], 'true')
  t.equal(replayed.json().id, created.json().id)
  t.equal(created.headers.location, `/v1/workflows/approval/instances/${created.json().id}`)
  t.equal((await app.inject({ method: 'POST', url: '/v1/workflows/approval/instances' })).statusCode, 401)
  t.equal((await app.inject({ method: 'POST', url: '/v1/workflows/elsewhere/instances', headers: author })).statusCode, 404)
  const id = created.json().id
  t.same((await app.inject({ method: 'GET', url: `/v1/workflows/approval/instances/${id}`, headers: author })).json().enabledEvents, ['SUBMIT'])
  t.same((await app.inject({ method: 'GET', url: `/v1/workflows/approval/instances/${id}`, headers: reviewer })).json().enabledEvents, [], 'offered only what the caller may send')
  t.equal((await app.inject({ method: 'GET', url: '/v1/workflows/approval/instances/nope', headers: author })).statusCode, 404)
  // Started by east-civil: its own org and every office (mayAccess) reach it, nobody else but admins.
  const stranger = auth('li.min', 'department', 'west-housing')
  t.equal((await app.inject({ method: 'GET', url: `/v1/workflows/approval/instances/${id}`, headers: stranger })).statusCode, 404, 'a principal of another org does not reach it')
  t.equal((await send(id, stranger, { type: 'SUBMIT' })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: `/v1/workflows/approval/instances/${id}/events`, headers: stranger })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: `/v1/workflows/approval/instances/${id}`, headers: auth('ops', 'admin', 'city') })).statusCode, 200, 'an admin does')

  t.match((await send(id, reviewer, { type: 'EXPIRE' })).json(), { status: 403, detail: /the engine itself/ }, 'an event only the clock sends')
  t.match((await send(id, author, { type: 'APPROVE' })).json(), { status: 403, detail: /APPROVE is for office/ })
  t.match((await send(id, author, { type: 'LAUNCH' })).json(), { status: 400, field: 'type' }, 'an event the machine does not have')
  t.equal((await send(id, author, { type: 'SUBMIT', version: 7 })).statusCode, 409, 'a version the instance is not at')
  t.match((await send(id, author, { type: 'SUBMIT' })).json(), { state: 'reviewing', version: 2 })
  t.match((await send(id, author, { type: 'SUBMIT' })).json(), { status: 409, currentState: 'reviewing' }, 'an event the state does not accept')

  const comments = await Promise.all(['一', '二', '三', '四'].map((reason) => send(id, reviewer, { type: 'COMMENT', reason })))
  t.same(comments.map((c) => c.statusCode), [200, 200, 200, 200], 'commuting events are planned again, never refused')
  const pinned = await Promise.all(['五', '六'].map((reason) => send(id, reviewer, { type: 'COMMENT', reason, version: 6 })))
  t.same(pinned.map((c) => c.statusCode).sort(), [200, 409], 'unless the client pinned the version it saw')
  const [approve, reject] = await Promise.all([send(id, reviewer, { type: 'APPROVE' }), send(id, reviewer, { type: 'REJECT' })])
  t.same([approve.statusCode, reject.statusCode].sort(), [200, 409], 'a real conflict has one winner')
  const loser = approve.statusCode === 409 ? approve : reject
  t.equal(loser.json().currentVersion, 8)

  const history = (await app.inject({ method: 'GET', url: `/v1/workflows/approval/instances/${id}/events`, headers: author })).json()
  t.same(history.items.map((e: { version: number }) => e.version), [1, 2, 3, 4, 5, 6, 7, 8])
  t.equal(history.items[2].reason !== null, true, 'a comment keeps its reason')
  t.equal(history.items[0].reason, null)
  t.equal(history.nextCursor, null)
  t.equal((await app.inject({ method: 'GET', url: `/v1/workflows/approval/instances/${id}/events`, headers: {} })).statusCode, 401)
})

t.test('zhunru as one plugin on a database URL: it migrates, loads the default pack once, and closes what it opened', async (t) => {
  const url = await freshDatabaseUrl(t)
  for (let start = 0; start < 2; start++) {
    const app = Fastify(platformServerOptions)
    await app.register(zhunru, { databaseUrl: url, jwtSecret: SECRET })
    const screened = await app.inject({
      method: 'POST',
      url: '/v1/screenings',
      payload: { title: '关于下达2027年度社区招商引资任务的通知', targetLevel: 'community', targets: ['c'], kind: 'service', period: { start: '2027-03-01', end: '2027-12-31' }, workloadHours: 40 }
    })
    t.equal(screened.json().outcome, 'reject')
    await app.close()
  }
  const db = await openDatabase(url)
  t.equal(Number((await db.knex('policy_packs').count({ n: '*' }))[0]!.n), 1, 'the default pack, loaded into the empty database only')
  await db.knex.destroy()
  const bare = Fastify()
  await t.rejects(async () => {
    await bare.register(zhunru, { jwtSecret: SECRET })
    await bare.ready()
  }, /needs a databaseUrl or a database/)
})

t.test('a database whose migration history this release does not know is refused, and its connection closed', async (t) => {
  const url = await freshDatabaseUrl(t)
  const db = await openDatabase(url)
  await db.knex('knex_migrations').insert({ name: '29990101000000_from_the_future', batch: 99, migration_time: new Date() })
  await db.knex.destroy()
  await t.rejects(openDatabase(url), /corrupt|missing/i)
})

t.test('a workflow that names who starts it refuses the others; names the columns cannot hold are refused at registration', async (t) => {
  const database = await freshDatabase(t)
  const app = Fastify(platformServerOptions)
  await app.register(platform, { jwtSecret: SECRET, db: database.knex })
  await app.register(engine, { database, workflows: [{ ...approval, id: 'permit', createRoles: ['community'] }] })
  t.teardown(() => app.close())
  await app.ready()
  const refused = await app.inject({ method: 'POST', url: '/v1/workflows/permit/instances', headers: auth('li.min', 'department', 'east-civil') })
  t.match(refused.json(), { status: 403, detail: /starting a permit is for community/ })
  t.equal((await app.inject({ method: 'POST', url: '/v1/workflows/permit/instances', headers: auth('c', 'community', 'east-s1-c1') })).statusCode, 201)
  t.throws(() => app.engine.registry.register({ ...approval, id: 'Not An Id' }), /workflow id/)
  t.throws(() => app.engine.registry.register({ ...approval, id: 'long-events', eventRoles: { ...approval.eventRoles, REQUEST_ADDITIONAL_DOCUMENTS_FROM_THE_APPLICANT: ['office'] } as never }), /event type/)
})
