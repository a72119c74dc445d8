import t from 'tap'
import { ADMISSION_MACHINE_VERSION } from '../machines/admission.js'
import { buildApp } from '../src/app.js'
import { TEST_SECRET, build, demoCommunities } from './helper.js'

const escalating = {
  title: '协助开展社区养老服务需求调查',
  description: '入户了解高龄独居老人的养老服务需求。',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  legalBasis: [{ title: '《中华人民共和国老年人权益保障法》' }],
  funding: { perTarget: 5000, source: '区财政', committed: true },
  period: { start: '2027-04-01', end: '2027-06-30' },
  workloadHours: 40
}

t.test('a snapshot restored from the database takes the next event (a new app on the same database)', async (t) => {
  const { app, db, auth } = await build(t)
  const task = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: auth('department', 'east-civil'), payload: { ...escalating, submit: true } })).json()
  t.equal(task.stage, 'office_review')
  const row = await db.knex('tasks').where({ id: task.id }).first()
  const stored = typeof row.snapshot === 'string' ? JSON.parse(row.snapshot) : row.snapshot
  t.same(stored.value, { escalated: 'office_review' })
  t.equal(stored.machineVersion, ADMISSION_MACHINE_VERSION)
  await app.close()

  // A second process would hold nothing in memory: only the database carries the state.
  const restarted = await buildApp({ database: db, jwtSecret: TEST_SECRET })
  t.teardown(() => restarted.close())
  const event = (headers: Record<string, string>, payload: Record<string, unknown>) =>
    restarted.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers, payload })
  const forwarded = await event(auth('office', 'east'), { type: 'PUT_ON_AGENDA' })
  t.equal(forwarded.statusCode, 200, forwarded.body)
  t.equal(forwarded.json().stage, 'leading_group')
  t.equal(forwarded.json().version, 3)
  for (const sub of ['sun.chair', 'lv.member']) await event(auth('leading_group', 'east', sub), { type: 'VOTE', vote: 'approve', reason: '同意' })
  const approved = await event(auth('leading_group', 'east', 'sun.chair'), { type: 'DECIDE', decision: 'approve', minutes: '纪要' })
  t.equal(approved.json().state, 'admitted', 'an approval needs no reason')
})

t.test('two concurrent SUBMITs of one draft: exactly one wins, the other gets 409, one event is logged', async (t) => {
  const { app, db, auth } = await build(t)
  const dept = auth('department', 'east-civil')
  const draft = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: escalating })).json()
  const [a, b] = await Promise.all([
    app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/events`, headers: dept, payload: { type: 'SUBMIT', version: 1 } }),
    app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/events`, headers: dept, payload: { type: 'SUBMIT', version: 1 } })
  ])
  t.same([a.statusCode, b.statusCode].sort(), [200, 409])
  const loser = a.statusCode === 409 ? a : b
  t.equal(loser.json().currentVersion, 2)
  const row = await db.knex('tasks').where({ id: draft.id }).first()
  const submits = await db.knex('task_events').where({ task_seq: row.seq, type: 'SUBMIT' })
  t.equal(submits.length, 1)
  t.equal(row.version, 2)
})

t.test('a stored snapshot from another machine version is refused, not silently restored', async (t) => {
  const { app, db, auth } = await build(t)
  const dept = auth('department', 'east-civil')
  const draft = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: escalating })).json()
  for (const snapshot of [
    { machineVersion: 0, value: 'draft', context: {} },
    { machineVersion: ADMISSION_MACHINE_VERSION, value: { escalated: 'nowhere' }, context: {} },
    { machineVersion: ADMISSION_MACHINE_VERSION, value: 'limbo', context: {} }
  ]) {
    await db.knex('tasks').where({ id: draft.id }).update({ snapshot: JSON.stringify(snapshot) })
    const res = await app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/events`, headers: dept, payload: { type: 'SUBMIT' } })
    t.equal(res.statusCode, 500, JSON.stringify(snapshot.value))
    t.notMatch(res.body, /stack|at .*\.ts|select|update/i, 'no stack trace or SQL leaves the server')
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  }
  const events = await db.knex('task_events').count({ n: '*' })
  t.equal(Number(events[0]!.n), 1, 'nothing was applied')
})

t.test('snapshots of machine versions 1 and 2 are upgraded in place; legacy screenings say why they cannot be re-run', async (t) => {
  const { app, db, auth } = await build(t)
  const dept = auth('department', 'east-civil')
  const draft = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: escalating })).json()
  const v1 = { machineVersion: 1, value: 'draft', context: { submissions: 0, lastOutcome: null, decision: null, lastReason: null } }
  await db.knex('tasks').where({ id: draft.id }).update({ snapshot: JSON.stringify(v1) })
  const submitted = await app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/events`, headers: dept, payload: { type: 'SUBMIT' } })
  t.equal(submitted.json().stage, 'office_review', 'a version-1 draft submits')
  const row = await db.knex('tasks').where({ id: draft.id }).first()
  const v2 = { ...JSON.parse(row.snapshot), machineVersion: 2 }
  await db.knex('tasks').where({ id: draft.id }).update({ snapshot: JSON.stringify(v2) })
  t.equal((await app.inject({ method: 'GET', url: `/v1/tasks/${draft.id}`, headers: dept })).statusCode, 200, 'a version-2 snapshot reads')
  await db.knex('task_events').where({ task_seq: row.seq, type: 'SUBMIT' }).update({ payload: '{}' })
  const legacy = await app.inject({ method: 'GET', url: `/v1/tasks/${draft.id}/screening`, headers: dept })
  t.equal(legacy.statusCode, 409)
  t.match(legacy.json().detail, /before declarations were recorded/)
})
