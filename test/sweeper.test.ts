import t from 'tap'
import { DUE_TABLE } from '../src/engine/due.js'
import { sweep } from '../src/tasks/deadlines.js'
import { build, demoCommunities } from './helper.js'

// Due dates are rows, swept for every machine by one sweeper that pages through all that is
// due: the 501st contract starts on its day like the first (a scan of the first 500 once missed it).

const assisted = (n: number) => ({
  title: `协助开展社会救助困难排查与公示(第${n}批)`,
  description: '社区协助入户走访、困难排查,并公示审核结果。',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条' }],
  funding: { perTarget: 8000, source: '区财政社会救助专项', committed: true },
  period: { start: '2026-11-23', end: '2026-12-31' },
  workloadHours: 120,
  submit: true
})

t.test('a sweep reaches every due date, however many: 520 contracts start and, unfunded after the grace period, are flagged', async (t) => {
  let now = new Date('2026-10-09T02:00:00Z')
  const h = await build(t, { now: () => now })
  const dept = h.auth('department', 'east-civil')
  const COUNT = 520
  for (let i = 0; i < COUNT; i += 40) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(40, COUNT - i) }, (_, k) => h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: assisted(i + k) }))
    )
    if (batch.some((r) => r.json().state !== 'admitted')) throw new Error(batch.find((r) => r.json().state !== 'admitted')!.body)
  }
  t.same(await sweep(h.app.gate), { deadlines: 0, contracts: 0, funding: 0 }, 'nothing is due before the period starts')
  now = new Date('2026-11-23T02:00:00Z')
  t.same(await sweep(h.app.gate), { deadlines: 0, contracts: COUNT, funding: 0 }, 'every contract starts on its first day')
  const active = await h.db.knex('tasks').where({ state: 'active' }).count({ n: '*' })
  t.equal(Number(active[0]!.n), COUNT)
  t.same(await sweep(h.app.gate), { deadlines: 0, contracts: 0, funding: 0 }, 'and only once; the grace period for funding runs')
  // 20 working days after 23 November 2026 is 21 December; the day after, funding is missing.
  now = new Date('2026-12-22T02:00:00Z')
  t.same(await sweep(h.app.gate), { deadlines: 0, contracts: 0, funding: COUNT })
  t.equal(Number((await h.db.knex('tasks').where({ unfunded: true }).count({ n: '*' }))[0]!.n), COUNT)
  now = new Date('2027-01-01T02:00:00Z')
  t.same(await sweep(h.app.gate), { deadlines: 0, contracts: COUNT, funding: 0 }, 'and every one completes the day after its last')
  t.equal(Number((await h.db.knex(DUE_TABLE).count({ n: '*' }))[0]!.n), 0, 'nothing is left waiting')
})

t.test('due dates an instance has moved past, or that no workflow knows, are dropped or left alone', async (t) => {
  const now = new Date('2026-10-09T02:00:00Z')
  const h = await build(t, { now: () => now })
  const dept = h.auth('department', 'east-civil')
  const admitted = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: assisted(1) })).json()
  const { seq } = await h.db.knex('tasks').where({ id: admitted.id }).first()
  const stale = [
    // a review deadline of a task that is no longer escalated
    { machine: 'admission', instance_seq: seq, kind: 'office_review', due_on: '2026-10-01' },
    { machine: 'admission', instance_seq: seq, kind: 'decision', due_on: '2026-10-01' },
    // a contract's end while it has not started, its funding check while not active
    { machine: 'admission', instance_seq: seq, kind: 'period_end', due_on: '2026-10-01' },
    { machine: 'admission', instance_seq: seq, kind: 'funding_grace', due_on: '2026-10-01' },
    // an instance that does not exist
    { machine: 'admission', instance_seq: 999_999, kind: 'period_start', due_on: '2026-10-01' }
  ]
  await h.db.knex(DUE_TABLE).insert(stale)
  // A date of a workflow this server does not run stays for the server that does.
  await h.db.knex(DUE_TABLE).insert({ machine: 'elsewhere', instance_seq: 1, kind: 'x', due_on: '2026-10-01' })
  t.same(await sweep(h.app.gate), { deadlines: 0, contracts: 0, funding: 0 })
  const left = await h.db.knex(DUE_TABLE).orderBy('seq').select('machine', 'kind', 'due_on')
  t.same(left, [
    { machine: 'admission', kind: 'period_start', due_on: '2026-11-23' },
    { machine: 'elsewhere', kind: 'x', due_on: '2026-10-01' }
  ])
  const after = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${admitted.id}`, headers: dept })).json()
  t.equal(after.version, admitted.version, 'the task did not move')
})

t.test('a handler that fails leaves its date for the next sweep and is reported', async (t) => {
  let now = new Date('2026-10-09T02:00:00Z')
  const h = await build(t, { now: () => now })
  const admitted = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'east-civil'), payload: assisted(1) })).json()
  const { seq } = await h.db.knex('tasks').where({ id: admitted.id }).first()
  // A snapshot the machine cannot restore makes the step throw.
  const good = (await h.db.knex('tasks').where({ seq }).first()).snapshot
  await h.db.knex('tasks').where({ seq }).update({ snapshot: JSON.stringify({ machineVersion: 0, value: 'admitted', context: {} }) })
  now = new Date('2026-11-23T02:00:00Z')
  const errors: unknown[] = []
  t.same(await sweep(h.app.gate, (err) => errors.push(err)), { deadlines: 0, contracts: 0, funding: 0 })
  t.equal(errors.length, 1)
  t.match(String(errors[0]), /cannot be restored/)
  t.equal(Number((await h.db.knex(DUE_TABLE).where({ instance_seq: seq }).count({ n: '*' }))[0]!.n), 1, 'the date is still there')
  await t.rejects(sweep(h.app.gate), { name: 'AggregateError', message: /1 due date\(s\) could not be handled/ }, 'without a handler the failure is said, not swallowed')
  await h.db.knex('tasks').where({ seq }).update({ snapshot: good })
  t.same(await sweep(h.app.gate), { deadlines: 0, contracts: 1, funding: 0 }, 'and is handled once the task can move')
})

t.test('two sweeps at once (two server processes) move each contract once', async (t) => {
  let now = new Date('2026-10-09T02:00:00Z')
  const h = await build(t, { now: () => now })
  const dept = h.auth('department', 'east-civil')
  for (let i = 0; i < 3; i++) await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: assisted(i) })
  now = new Date('2026-11-23T02:00:00Z')
  const [a, b] = await Promise.all([sweep(h.app.gate), sweep(h.app.gate)])
  t.equal(a.contracts + b.contracts, 3, 'the compare-and-set lets one sweep win each')
  const events = await h.db.knex('task_events').where({ type: 'ACTIVATE' }).count({ n: '*' })
  t.equal(Number(events[0]!.n), 3)
  t.same(await sweep(h.app.gate), { deadlines: 0, contracts: 0, funding: 0 }, 'the loser’s date was not left behind')
})
