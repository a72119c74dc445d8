import { randomUUID } from 'node:crypto'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { initialAdmissionSnapshot, positionOf } from '../machines/runtime.js'
import { amendPack, DEFAULT_PACK } from '../src/policy/pack.js'
import { normalizeDeclaration } from '../src/tasks/declaration.js'
import { Problems } from '../src/platform/errors.js'
import { GroupCommitter } from '../src/engine/group-commit.js'
import { outboxHooks } from '../src/engine/outbox.js'
import { OrgDirectory } from '../src/policy/org-directory.js'
import { ensurePack } from '../src/policy/pack-store.js'
import { findTask, planCreate, type NewTask } from '../src/tasks/store.js'
import { systemTransition } from '../src/tasks/service.js'
import { build, demoCommunities, TEST_NOW, TEST_SECRET } from './helper.js'

// Issue 5: concurrent transitions are coalesced into group commits, each still a
// compare-and-set on its own task; none is lost, none is applied twice.

const task = (n: number) => ({
  title: `协助开展社会救助困难排查与公示（第${n}批）`,
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis: [{ title: '《社会救助暂行办法》' }],
  funding: { perTarget: 8000, source: '区财政', committed: true },
  period: { start: '2027-03-01', end: '2027-12-31' },
  workloadHours: 40
})

const count = async (q: Promise<Array<Record<string, unknown>>>) => Number((await q)[0]!.n)

t.test('60 concurrent submissions: every one admitted with its two events, written by far fewer transactions', async (t) => {
  const { app, db, auth } = await build(t)
  const dept = auth('department', 'east-civil', 'zhao.lei')
  let taskInserts = 0
  db.knex.on('query', (q: { sql: string }) => {
    if (/^insert into [`"]tasks[`"]/i.test(q.sql)) taskInserts++
  })
  const responses = await Promise.all(
    Array.from({ length: 60 }, (_, n) => app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...task(n), submit: true } }))
  )
  t.same(
    responses.map((r) => r.statusCode),
    responses.map(() => 201)
  )
  t.ok(responses.every((r) => r.json().state === 'admitted' && r.json().version === 2))
  const ids = new Set(responses.map((r) => r.json().id))
  t.equal(ids.size, 60)
  t.equal(await count(db.knex('tasks').count({ n: '*' })), 60)
  t.equal(await count(db.knex('task_events').count({ n: '*' })), 120, 'CREATE and SUBMIT for each')
  t.equal(await count(db.knex('task_targets').count({ n: '*' })), 60 * demoCommunities('east-s1').length)
  for (const r of responses.slice(0, 5)) {
    const history = await app.inject({ method: 'GET', url: `/v1/tasks/${r.json().id}/events`, headers: dept })
    t.same(
      history.json().items.map((e: { type: string; version: number }) => [e.type, e.version]),
      [
        ['CREATE', 1],
        ['SUBMIT', 2]
      ]
    )
  }
  t.ok(taskInserts > 0 && taskInserts < 30, `60 new tasks in ${taskInserts} insert statements`)
})

t.test('concurrent events on different tasks commit together; two on one task: the first applies, the second gets 409', async (t) => {
  const { app, db, auth } = await build(t)
  const dept = auth('department', 'east-civil', 'zhao.lei')
  const drafts = await Promise.all(Array.from({ length: 20 }, (_, n) => app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: task(n) })))
  const ids = drafts.map((r) => r.json().id as string)
  // Each task gets a SUBMIT and, at the same moment, a WITHDRAW: whichever comes first wins.
  const moves = await Promise.all(
    ids.flatMap((id) => [
      app.inject({ method: 'POST', url: `/v1/tasks/${id}/events`, headers: dept, payload: { type: 'SUBMIT', version: 1 } }),
      app.inject({ method: 'POST', url: `/v1/tasks/${id}/events`, headers: dept, payload: { type: 'WITHDRAW', reason: '重复下派', version: 1 } })
    ])
  )
  for (const [k, id] of ids.entries()) {
    const pair = [moves[2 * k]!, moves[2 * k + 1]!]
    t.same(pair.map((r) => r.statusCode).sort(), [200, 409], `${id}: one applied, one refused`)
    const refused = pair.find((r) => r.statusCode === 409)!.json()
    t.equal(refused.currentVersion, 2, 'the 409 names the version that won')
    const row = await db.knex('tasks').where({ id }).first()
    t.equal(row.version, 2)
    t.equal(await count(db.knex('task_events').where({ task_seq: row.seq }).count({ n: '*' })), 2, 'CREATE and the one that won')
  }
})

t.test('a batch that fails as a whole is retried a write at a time: only the bad write fails', async (t) => {
  const { db } = await build(t)
  const committer = new GroupCommitter(db.knex, { maxBatch: 10, concurrency: 1, hooks: outboxHooks })
  const draft = (id: string, n: number): NewTask => {
    const snapshot = initialAdmissionSnapshot()
    return {
      id,
      departmentId: 'east-civil',
      jurisdictionId: 'east',
      declaration: normalizeDeclaration(task(n) as Parameters<typeof normalizeDeclaration>[0]),
      decider: { level: 'district', orgUnit: 'east', body: 'leading_group' },
      snapshot,
      position: positionOf(snapshot.value),
      actor: { sub: 'zhao.lei', role: 'department', org: 'east-civil' },
      now: TEST_NOW.toISOString()
    }
  }
  const create = (d: NewTask) => committer.write(planCreate(d, null, null, null))
  const duplicate = randomUUID()
  // The first write goes at once; the next three wait for it and go together.
  const results = await Promise.allSettled([create(draft(randomUUID(), 0)), create(draft(duplicate, 1)), create(draft(duplicate, 2)), create(draft(randomUUID(), 3))])
  t.same(
    results.map((r) => r.status),
    ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']
  )
  t.match(String((results[2] as PromiseRejectedResult).reason), /unique|duplicate/i)
  t.equal(await count(db.knex('tasks').count({ n: '*' })), 3)
  t.equal(await count(db.knex('task_events').count({ n: '*' })), 3, 'one CREATE each, none for the refused write')
  t.equal((await db.knex('tasks').where({ id: duplicate }).first()).title, task(1).title, 'the first of the two kept its task')
  await t.rejects(create(draft(duplicate, 4)), /unique|duplicate/i, 'a write that fails alone fails to its caller')
})

t.test('a date moving a task the office moved meanwhile: the compare-and-set misses and nothing is written', async (t) => {
  const { app, db, auth } = await build(t)
  const dept = auth('department', 'east-civil', 'zhao.lei')
  const id = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...task(0), submit: true } })).json().id
  const admitted = (await findTask(db.knex, id))!
  t.equal(await systemTransition(app.gate, admitted, { type: 'ACTIVATE' }), true)
  t.equal(await systemTransition(app.gate, admitted, { type: 'ACTIVATE' }), false, 'the stale record moves nothing')
  const row = await db.knex('tasks').where({ id }).first()
  t.equal(row.version, 3)
  t.equal(await count(db.knex('task_events').where({ task_seq: row.seq }).count({ n: '*' })), 3)
})

t.test('a pack published by another process after this one cached its own: the submission is screened again with it', async (t) => {
  const { app, db, auth } = await build(t)
  const dept = auth('department', 'east-civil', 'zhao.lei')
  const first = await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...task(0), submit: true } })
  t.equal(first.json().screening.policy.version, DEFAULT_PACK.version)
  // Another process amends the catalog: a new version is stored; this process still holds the old one.
  const { pack: amended } = amendPack(DEFAULT_PACK, 'community', {
    name: '协助开展困难群众走访',
    sector: 'civil_affairs',
    responsibleDepartment: '区民政局',
    legalBasis: '《社会救助暂行办法》',
    fundingRequired: true,
    source: '测试：另一进程发布的修订'
  })
  await ensurePack(db.knex, amended, new Date().toISOString())
  const second = await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...task(1), submit: true } })
  t.equal(second.statusCode, 201)
  t.equal(second.json().screening.policy.version, amended.version, 'screened with the pack in force when it was stored')
  const event = await db.knex('task_events').where({ type: 'SUBMIT' }).orderBy('seq', 'desc').first()
  t.equal(event.policy_version, amended.version)

  // A second server on the same database had never cached a pack: it reads the head and agrees.
  const other = await buildApp({ database: db, jwtSecret: TEST_SECRET, now: () => TEST_NOW })
  t.teardown(() => other.close())
  const third = await other.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...task(2), submit: true } })
  t.equal(third.json().screening.policy.version, amended.version)
})

t.test('the org directory: concurrent look-ups of one unit each get its whole lineage; unknown units are asked again', async (t) => {
  const { db } = await build(t)
  const orgs = new OrgDirectory()
  const chains = await Promise.all([orgs.lineage(db.knex, 'east-s1-c1'), orgs.lineage(db.knex, 'east-s1-c1'), orgs.lineage(db.knex, 'east-s1')])
  t.same(
    chains.map((c) => c.map((u) => u.id)),
    [
      ['east-s1-c1', 'east-s1', 'east', 'city'],
      ['east-s1-c1', 'east-s1', 'east', 'city'],
      ['east-s1', 'east', 'city']
    ]
  )
  t.same(await orgs.lineage(db.knex, 'east-s9-c9'), [])
  await db.knex('org_units').insert({ id: 'east-s9-c9', kind: 'community', name: '新建社区', parent_id: 'east-s1', sector: null, created_at: TEST_NOW.toISOString() })
  t.same(
    (await orgs.lineage(db.knex, 'east-s9-c9')).map((u) => u.id),
    ['east-s9-c9', 'east-s1', 'east', 'city'],
    'a unit added since is found'
  )
})

t.test('a COMMIT whose answer is lost: writes found in place are answered as done, the others retried', async (t) => {
  const { app, db, auth } = await build(t)
  const dept = auth('department', 'east-civil', 'zhao.lei')
  const draft = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: task(0) })).json()
  // The database as the committer sees it: the next transaction fails after its last statement,
  // once after the COMMIT went through (the answer lost on the way back), once before it.
  let fault: 'after commit' | 'before commit' | null = null
  const flaky = new Proxy(db.knex, {
    get(target, prop, receiver) {
      if (prop !== 'transaction' || fault === null) return Reflect.get(target, prop, receiver)
      const when = fault
      fault = null
      return async <T>(work: (trx: unknown) => Promise<T>) => {
        if (when === 'after commit') {
          await target.transaction(work as never)
          throw new Error('Connection terminated unexpectedly')
        }
        return target.transaction(async (trx) => {
          await work(trx)
          throw new Error('could not serialize access')
        })
      }
    }
  })
  app.gate.commits = new GroupCommitter(flaky, { maxBatch: 10, concurrency: 1, hooks: outboxHooks })

  fault = 'after commit'
  const submitted = await app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/events`, headers: dept, payload: { type: 'SUBMIT' } })
  fault = 'after commit'
  const created = await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...task(1), submit: true } })
  t.equal(submitted.statusCode, 200, 'the SUBMIT that went in is reported as done, not as a conflict with itself')
  t.equal(submitted.json().version, 2)
  t.equal(created.statusCode, 201, 'the new task that went in is reported as created, not as a duplicate key')
  t.equal(await count(db.knex('tasks').count({ n: '*' })), 2)
  t.equal(await count(db.knex('task_events').count({ n: '*' })), 4, 'CREATE, SUBMIT; CREATE, SUBMIT')

  fault = 'before commit'
  const again = await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...task(2), submit: true } })
  t.equal(again.statusCode, 201, 'a COMMIT that failed is retried and goes in once')
  const other = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: task(3) })).json()
  fault = 'before commit'
  t.equal((await app.inject({ method: 'POST', url: `/v1/tasks/${other.id}/events`, headers: dept, payload: { type: 'SUBMIT' } })).json().version, 2)
  t.equal(await count(db.knex('tasks').count({ n: '*' })), 4)
  t.equal(await count(db.knex('task_events').count({ n: '*' })), 8)
})

t.test('overload: beyond the queue limit a change is refused at once with 503 and Retry-After, and nothing of it is stored', async (t) => {
  const { app, db, auth } = await build(t)
  const dept = auth('department', 'east-civil', 'zhao.lei')
  await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: task(0) })
  // The first transaction is held open until every request has arrived.
  let release!: () => void
  const held = new Promise<void>((r) => (release = r))
  let first = true
  const slow = new Proxy(db.knex, {
    get(target, prop, receiver) {
      if (prop !== 'transaction' || !first) return Reflect.get(target, prop, receiver)
      first = false
      return async <T>(work: (trx: unknown) => Promise<T>) => {
        await held
        return target.transaction(work as never)
      }
    }
  })
  app.gate.commits = new GroupCommitter(slow, { maxBatch: 100, concurrency: 1, hooks: outboxHooks, maxQueued: 3, onFull: Problems.overloaded })
  const sent = Array.from({ length: 10 }, (_, n) => app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...task(n + 1), submit: true } }))
  await new Promise((r) => setTimeout(r, 300))
  release()
  const responses = await Promise.all(sent)
  const created = responses.filter((r) => r.statusCode === 201)
  const refused = responses.filter((r) => r.statusCode === 503)
  t.equal(created.length, 4, 'one in flight and three waiting')
  t.equal(refused.length, 6)
  for (const r of refused) {
    t.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.equal(r.headers['retry-after'], '1')
    t.equal(r.json().type, 'https://zhunru.example/problems/overloaded')
  }
  t.equal(await count(db.knex('tasks').count({ n: '*' })), 5, 'the draft and the four admitted')
})
