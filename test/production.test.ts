import t from 'tap'
import { principalKey } from '../src/platform/auth.js'
import { forgetOldKeys } from '../src/platform/idempotency.js'
import { build, demoCommunities, TEST_NOW } from './helper.js'

// Issue 5: a gate that never applies a decision twice and never loses a submission.

const task = {
  title: '协助开展社会救助困难排查与公示',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis: [{ title: '《社会救助暂行办法》' }],
  funding: { perTarget: 8000, source: '区财政', committed: true },
  period: { start: '2027-03-01', end: '2027-12-31' },
  workloadHours: 40
}

t.test('Idempotency-Key: a retry returns the first response and creates nothing; another body is a 422', async (t) => {
  const { app, db, auth } = await build(t)
  const dept = auth('department', 'east-civil', 'zhao.lei')
  const post = (payload: Record<string, unknown>, key: string, headers = dept) =>
    app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...headers, 'idempotency-key': key }, payload })
  const first = await post(task, 'create-001')
  t.equal(first.statusCode, 201)
  const retry = await post(task, 'create-001')
  t.equal(retry.statusCode, 201)
  t.equal(retry.body, first.body, 'the very same response')
  t.equal(retry.headers['idempotent-replay'], 'true')
  t.equal(Number((await db.knex('tasks').count({ n: '*' }))[0]!.n), 1, 'one task, not two')
  const other = await post({ ...task, workloadHours: 41 }, 'create-001')
  t.equal(other.statusCode, 422)
  t.equal(other.json().field, 'Idempotency-Key')
  t.equal(other.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal((await post(task, 'create-001', auth('department', 'east-civil', 'someone.else'))).statusCode, 201, 'keys are per principal')
  t.equal((await post(task, 'has spaces')).json().field, 'Idempotency-Key')
  t.equal((await post(task, 'x'.repeat(201))).json().field, 'Idempotency-Key')
  const dryRun = () => app.inject({ method: 'POST', url: '/v1/screenings', headers: { 'idempotency-key': 'anon-1' }, payload: task })
  t.equal((await dryRun()).body, (await dryRun()).body, 'anonymous callers are keyed by address')

  const id = first.json().id
  const submit = () => app.inject({ method: 'POST', url: `/v1/tasks/${id}/events`, headers: { ...dept, 'idempotency-key': 'submit-001' }, payload: { type: 'SUBMIT' } })
  const s1 = await submit()
  const s2 = await submit()
  t.equal(s1.statusCode, 200)
  t.equal(s2.body, s1.body, 'a retried SUBMIT is not a second submission')
  const seq = (await db.knex('tasks').where({ id }).first()).seq
  t.equal((await db.knex('task_events').where({ task_seq: seq, type: 'SUBMIT' })).length, 1)
  // Without a key the second SUBMIT is what it is: an event the admitted task does not accept.
  t.equal((await app.inject({ method: 'POST', url: `/v1/tasks/${id}/events`, headers: dept, payload: { type: 'SUBMIT' } })).statusCode, 409)
  const conflict = () => app.inject({ method: 'POST', url: `/v1/tasks/${id}/events`, headers: { ...dept, 'idempotency-key': 'withdraw-001' }, payload: { type: 'WITHDRAW' } })
  const c1 = await conflict()
  t.equal(c1.statusCode, 409)
  const c2 = await conflict()
  t.equal(c2.body, c1.body, 'a refusal is replayed too')
  t.equal(c2.headers['content-type'], 'application/problem+json; charset=utf-8')
})

t.test('Idempotency-Key: racing duplicates run once; a key whose request died is taken over; old keys are forgotten', async (t) => {
  const { app, db, auth } = await build(t)
  const dept = auth('department', 'east-civil', 'zhao.lei')
  const racing = await Promise.all(
    Array.from({ length: 5 }, () => app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...dept, 'idempotency-key': 'race-1' }, payload: task }))
  )
  t.ok(racing.every((r) => r.statusCode === 201 || r.statusCode === 409), 'each gets the first answer or "in progress"')
  t.equal(Number((await db.knex('tasks').count({ n: '*' }))[0]!.n), 1, 'one task created')

  const longAgo = new Date(TEST_NOW.getTime() - 120_000).toISOString()
  // Keys are kept per principal: (sub, role, org).
  const scope = principalKey({ sub: 'zhao.lei', role: 'department', org: 'east-civil' })
  await db.knex('idempotency_keys').insert({ scope, key: 'orphan', request_hash: 'x', status: null, body: null, created_at: longAgo })
  const orphan = await app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...dept, 'idempotency-key': 'orphan' }, payload: task })
  t.equal(orphan.statusCode, 422, 'an orphaned key still belongs to its own body')
  const hash = (await db.knex('idempotency_keys').where({ key: 'race-1' }).first()).request_hash
  await db.knex('idempotency_keys').insert({ scope, key: 'fresh-inflight', request_hash: hash, status: null, body: null, created_at: TEST_NOW.toISOString() })
  const inFlight = await app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...dept, 'idempotency-key': 'fresh-inflight' }, payload: task })
  t.equal(inFlight.statusCode, 409, 'the first request is still running')
  await db.knex('idempotency_keys').where({ key: 'fresh-inflight' }).update({ created_at: longAgo })
  const takeover = await app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...dept, 'idempotency-key': 'fresh-inflight' }, payload: task })
  t.equal(takeover.statusCode, 201, 'a request that died a minute ago is run again')

  t.equal(await forgetOldKeys(db.knex, new Date(TEST_NOW.getTime() + 24 * 3600 * 1000)), 0, 'kept for at least 24 hours')
  t.ok((await forgetOldKeys(db.knex, new Date(TEST_NOW.getTime() + 49 * 3600 * 1000))) > 0, 'forgotten after 48')
})

t.test('Idempotency-Key: the key learns its task in the transition’s transaction; a crash before the response was kept creates nothing on retry', async (t) => {
  const { app, db, auth } = await build(t)
  const dept = auth('department', 'east-civil', 'zhao.lei')
  const first = await app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...dept, 'idempotency-key': 'crash-1' }, payload: { ...task, submit: true } })
  t.equal(first.statusCode, 201)
  const id = first.json().id
  t.equal((await db.knex('idempotency_keys').where({ key: 'crash-1' }).first()).resource, `tasks/${id}`)
  // As the database looks when the process died between the commit and keeping the response.
  const longAgo = new Date(TEST_NOW.getTime() - 120_000).toISOString()
  await db.knex('idempotency_keys').where({ key: 'crash-1' }).update({ status: null, body: null, created_at: longAgo })
  const retry = await app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...dept, 'idempotency-key': 'crash-1' }, payload: { ...task, submit: true } })
  t.equal(retry.statusCode, 303, 'see the task the first request created')
  t.equal(retry.headers.location, `/v1/tasks/${id}`)
  t.equal(retry.headers['idempotent-replay'], 'true')
  t.equal(Number((await db.knex('tasks').count({ n: '*' }))[0]!.n), 1, 'one task, not two')

  // The same for an event: the retried WITHDRAW is not run again.
  const draft = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: task })).json()
  const withdraw = () =>
    app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/events`, headers: { ...dept, 'idempotency-key': 'crash-2' }, payload: { type: 'WITHDRAW', reason: '重复' } })
  t.equal((await withdraw()).statusCode, 200)
  await db.knex('idempotency_keys').where({ key: 'crash-2' }).update({ status: null, body: null, created_at: longAgo })
  const again = await withdraw()
  t.equal(again.statusCode, 303)
  t.equal(again.headers.location, `/v1/tasks/${draft.id}`)
  t.equal((await app.inject({ method: 'GET', url: again.headers.location as string, headers: dept })).json().version, 2, 'withdrawn once')

  // A refused event records nothing: its key holds the refusal, not a task.
  const refused = await app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/events`, headers: { ...dept, 'idempotency-key': 'crash-3' }, payload: { type: 'SUBMIT' } })
  t.equal(refused.statusCode, 409)
  t.equal((await db.knex('idempotency_keys').where({ key: 'crash-3' }).first()).resource, null)
})

t.test('a server error after the commit keeps the key: the retry is pointed at the task, not run again', async (t) => {
  const { app, db, auth } = await build(t)
  const escalated = (
    await app.inject({
      method: 'POST',
      url: '/v1/tasks',
      headers: auth('department', 'east-civil'),
      payload: {
        ...task,
        title: '协助开展社区养老服务需求调查',
        catalogItem: undefined,
        legalBasis: [{ title: '《中华人民共和国老年人权益保障法》' }],
        submit: true
      }
    })
  ).json()
  t.equal(escalated.state, 'escalated')
  const office = auth('office', 'east')
  // The agenda is committed; building the response then needs the group, whose table is gone.
  await db.knex.schema.renameTable('group_members', 'group_members_away')
  const agenda = () =>
    app.inject({ method: 'POST', url: `/v1/tasks/${escalated.id}/events`, headers: { ...office, 'idempotency-key': 'agenda-1' }, payload: { type: 'PUT_ON_AGENDA' } })
  t.equal((await agenda()).statusCode, 500)
  await db.knex.schema.renameTable('group_members_away', 'group_members')
  const retry = await agenda()
  t.equal(retry.statusCode, 303, 'the retry learns where the work went')
  t.equal(retry.headers.location, `/v1/tasks/${escalated.id}`)
  const row = await db.knex('tasks').where({ id: escalated.id }).first()
  t.equal(row.stage, 'leading_group')
  t.equal((await db.knex('task_events').where({ task_seq: row.seq, type: 'PUT_ON_AGENDA' })).length, 1, 'put on the agenda once')
})

t.test('a server error releases the key: the retry runs again', async (t) => {
  const { app, db, auth } = await build(t)
  const dept = auth('department', 'east-civil')
  const draft = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: task })).json()
  await db.knex('tasks').where({ id: draft.id }).update({ snapshot: JSON.stringify({ machineVersion: 0, value: 'draft', context: {} }) })
  const broken = await app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/events`, headers: { ...dept, 'idempotency-key': 'k-500' }, payload: { type: 'SUBMIT' } })
  t.equal(broken.statusCode, 500)
  t.equal(await db.knex('idempotency_keys').where({ key: 'k-500' }).first(), undefined)
})

t.test('rate limiting is per principal and answers 429 as a problem', async (t) => {
  const { app, auth } = await build(t, { rateLimitPerMinute: 5 })
  const one = auth('department', 'east-civil', 'busy.one')
  const codes = []
  for (let i = 0; i < 6; i++) codes.push((await app.inject({ method: 'GET', url: '/v1/tasks', headers: one })).statusCode)
  t.same(codes, [200, 200, 200, 200, 200, 429])
  const limited = await app.inject({ method: 'GET', url: '/v1/tasks', headers: one })
  t.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.ok(limited.headers['retry-after'])
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks', headers: auth('department', 'east-civil', 'other.one') })).statusCode, 200, 'another principal is not slowed')
  const anonymous = []
  for (let i = 0; i < 6; i++) anonymous.push((await app.inject({ method: 'GET', url: '/v1/catalogs' })).statusCode)
  t.equal(anonymous.at(-1), 429, 'without a token the limit is per address')
})

t.test('50 concurrent SUBMITs of one draft: exactly one applies, 49 get 409 with the current version', async (t) => {
  const { app, db, auth } = await build(t)
  const dept = auth('department', 'east-civil')
  const draft = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: task })).json()
  const all = await Promise.all(
    Array.from({ length: 50 }, () => app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/events`, headers: dept, payload: { type: 'SUBMIT', version: 1 } }))
  )
  t.equal(all.filter((r) => r.statusCode === 200).length, 1)
  const refused = all.filter((r) => r.statusCode === 409)
  t.equal(refused.length, 49)
  t.ok(refused.every((r) => r.json().currentVersion === 2))
  const row = await db.knex('tasks').where({ id: draft.id }).first()
  const events = await db.knex('task_events').where({ task_seq: row.seq }).orderBy('seq')
  t.same(events.map((e: { type: string }) => e.type), ['CREATE', 'SUBMIT'], 'the log and the state agree')
  t.equal(row.version, 2)
  t.equal(row.state, 'admitted')
})
