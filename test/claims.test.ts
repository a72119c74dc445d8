import t from 'tap'
import { build, demoCommunities, TEST_NOW } from './helper.js'

// An Idempotency-Key is bound, in the transaction that did the work, to what it created or
// moved, for every workflow: a retry after the process died between the commit and the stored
// response is sent to the result (303), never carried out a second time.

/** What a crash between the commit and the stored response leaves: the key, with no response kept. */
async function crashAfterCommit(h: Awaited<ReturnType<typeof build>>, key: string) {
  const longAgo = new Date(TEST_NOW.getTime() - 120_000).toISOString()
  await h.db.knex('idempotency_keys').where({ key }).update({ status: null, body: null, created_at: longAgo })
}

t.test('a burden report and its events: a retry after a crash is sent to the report, not filed again', async (t) => {
  const h = await build(t)
  const community = h.auth('community', 'east-s1-c1')
  const report = { department: 'east-civil', what: '要求社区填报统计表', askedOn: '2026-10-05', evidence: '工作群通知截图' }
  const filed = await h.app.inject({ method: 'POST', url: '/v1/burden-reports', headers: { ...community, 'idempotency-key': 'report-1' }, payload: report })
  t.equal(filed.statusCode, 201, filed.body)
  await crashAfterCommit(h, 'report-1')
  const retried = await h.app.inject({ method: 'POST', url: '/v1/burden-reports', headers: { ...community, 'idempotency-key': 'report-1' }, payload: report })
  t.equal(retried.statusCode, 303)
  t.equal(retried.headers.location, `/v1/burden-reports/${filed.json().id}`)
  t.equal(Number((await h.db.knex('burden_reports').count({ n: '*' }))[0]!.n), 1, 'one report, not two')

  const office = { ...h.auth('office', 'east'), 'idempotency-key': 'investigate-1' }
  const moved = await h.app.inject({ method: 'POST', url: `/v1/burden-reports/${filed.json().id}/events`, headers: office, payload: { type: 'INVESTIGATE' } })
  t.equal(moved.statusCode, 200, moved.body)
  await crashAfterCommit(h, 'investigate-1')
  const again = await h.app.inject({ method: 'POST', url: `/v1/burden-reports/${filed.json().id}/events`, headers: office, payload: { type: 'INVESTIGATE' } })
  t.equal(again.statusCode, 303)
  t.equal(again.headers.location, `/v1/burden-reports/${filed.json().id}`)
})

t.test('a funding confirmation: a retry after a crash is sent to the task, and the confirmation is kept once', async (t) => {
  const h = await build(t)
  const task = (
    await h.app.inject({
      method: 'POST',
      url: '/v1/tasks',
      headers: h.auth('department', 'east-civil'),
      payload: {
        title: '协助开展社会救助困难排查与公示',
        targetLevel: 'community',
        targets: demoCommunities('east-s1'),
        kind: 'service',
        catalogItem: 'AT-18',
        legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条' }],
        funding: { perTarget: 8000, source: '区财政社会救助专项', committed: true },
        period: { start: '2027-01-01', end: '2027-12-31' },
        workloadHours: 120,
        submit: true
      }
    })
  ).json()
  const headers = { ...h.auth('community', 'east-s1-c1'), 'idempotency-key': 'funding-1' }
  const said = await h.app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/funding-confirmations`, headers, payload: { status: 'received', amount: 8000 } })
  t.equal(said.statusCode, 201, said.body)
  await crashAfterCommit(h, 'funding-1')
  const retried = await h.app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/funding-confirmations`, headers, payload: { status: 'received', amount: 8000 } })
  t.equal(retried.statusCode, 303)
  t.equal(retried.headers.location, `/v1/tasks/${task.id}`)
  t.equal(Number((await h.db.knex('funding_confirmations').count({ n: '*' }))[0]!.n), 1)
})
