import t from 'tap'
import { sweep } from '../src/tasks/deadlines.js'
import { build, demoCommunities, type Harness } from './helper.js'

// Issue 4: after admission. The agreement (nanjing-2014 §二.5 契约化管理), funding that follows the task
// (nanjing-2014 §二.4 费随事转), the burden ledger and the department scorecard (nanjing-2014 §二.18).

const assisted = (over: Record<string, unknown> = {}) => ({
  title: '协助开展社会救助困难排查与公示',
  description: '社区协助入户走访、困难排查,并公示审核结果。',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条' }],
  funding: { perTarget: 8000, source: '区财政社会救助专项', committed: true },
  period: { start: '2027-01-01', end: '2027-12-31' },
  workloadHours: 120,
  ...over
})

async function admit(h: Harness, department: string, payload: Record<string, unknown>) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', department), payload: { ...payload, submit: true } })
  const task = res.json()
  if (task.state !== 'admitted') throw new Error(`expected an admission, got ${res.body}`)
  return task
}

const send = (h: Harness, id: string, headers: Record<string, string>, payload: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: `/v1/tasks/${id}/events`, headers, payload })

t.test('a contract from admission through activation, missing funding, suspension, confirmation and completion', async (t) => {
  let now = new Date('2026-10-09T02:00:00Z')
  const h = await build(t, { now: () => now })
  const dept = h.auth('department', 'east-civil')
  const office = h.auth('office', 'east')
  const [c1, c2] = demoCommunities('east-s1') as [string, string]
  const task = await admit(h, 'east-civil', assisted({ period: { start: '2026-11-23', end: '2026-12-31' } }))
  t.match(task.review, { dueOn: '2026-11-23', dueKind: 'period_start' })

  const terms = {
    paymentMethod: '按季度拨付',
    paymentSchedule: '开始后10个工作日内拨付首期',
    deliverables: [{ name: '困难家庭排查台账', due: '2026-12-15' }],
    contacts: [{ side: '区民政局', name: '赵磊', phone: '025-0000-0000' }]
  }
  t.equal((await h.app.inject({ method: 'PUT', url: `/v1/tasks/${task.id}/contract`, headers: office, payload: terms })).statusCode, 403)
  const set = await h.app.inject({ method: 'PUT', url: `/v1/tasks/${task.id}/contract`, headers: dept, payload: { ...terms, version: task.version } })
  t.equal(set.statusCode, 200, set.body)
  t.same(set.json().terms, terms)
  t.same(set.json().funding, { perTarget: 8000, total: 16000, source: '区财政社会救助专项' })
  const stale = await h.app.inject({ method: 'PUT', url: `/v1/tasks/${task.id}/contract`, headers: dept, payload: { ...terms, version: task.version } })
  t.equal(stale.statusCode, 409)
  const racing = await Promise.all(Array.from({ length: 5 }, () => h.app.inject({ method: 'PUT', url: `/v1/tasks/${task.id}/contract`, headers: dept, payload: terms })))
  t.same(racing.map((r) => r.statusCode).sort(), [200, 409, 409, 409, 409], 'concurrent edits: one wins, none is lost silently')
  const asPublic = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/contract` })).json()
  t.same(asPublic.terms.contacts, [], 'contacts are personal data: not public')
  t.same((await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/contract`, headers: h.auth('community', c1) })).json().terms.contacts, terms.contacts, 'a target community sees whom to call')

  const report = (community: string, body: Record<string, unknown>) =>
    h.app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/funding-confirmations`, headers: h.auth('community', community), payload: body })
  t.equal((await report(c1, { status: 'received', amount: 8000, staffArrived: true })).statusCode, 201)
  t.equal((await report('east-s2-c1', { status: 'received' })).statusCode, 403, 'only a target community reports')
  t.equal((await report(c1, { status: 'maybe' })).json().field, 'status')

  now = new Date('2026-11-23T01:00:00Z')
  t.same(await sweep(h.app.gate), { deadlines: 0, contracts: 1, funding: 0 })
  const active = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}`, headers: dept })).json()
  t.equal(active.state, 'active')
  t.match(active.review, { dueOn: '2027-01-01', dueKind: 'period_end' })

  t.equal((await report(c2, { status: 'missing', note: '首期经费未到账' })).statusCode, 201)
  now = new Date('2026-12-22T01:00:00Z') // past 20 working days after 23 November
  t.same(await sweep(h.app.gate), { deadlines: 0, contracts: 0, funding: 1 })
  t.same(await sweep(h.app.gate), { deadlines: 0, contracts: 0, funding: 0 }, 'flagged once')
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/funding-confirmations`, headers: h.auth('community', 'west-s1-c1') })).statusCode, 404, 'not a target, not a party')
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/funding-confirmations`, headers: h.auth('community', c2) })).statusCode, 200)
  const funding = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/funding-confirmations`, headers: dept })).json()
  t.equal(funding.unfunded, true)
  t.same(funding.items.map((c: { community: string; status: string }) => [c.community, c.status]), [[c1, 'received'], [c2, 'missing']])

  t.equal((await send(h, task.id, office, { type: 'SUSPEND' })).json().field, 'reason')
  t.equal((await send(h, task.id, dept, { type: 'SUSPEND', reason: 'x' })).statusCode, 403, 'the office, not the department, suspends')
  const suspended = await send(h, task.id, office, { type: 'SUSPEND', reason: '东湖二社区经费未到位' })
  t.equal(suspended.json().state, 'suspended')
  t.equal((await report(c2, { status: 'received', amount: 8000 })).statusCode, 201)
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/contract` })).json().unfunded, false, 'every target confirmed: the flag clears')
  t.equal((await send(h, task.id, office, { type: 'RESUME', reason: '经费已到位' })).json().state, 'active')

  now = new Date('2026-12-28T01:00:00Z')
  t.same(await sweep(h.app.gate), { deadlines: 0, contracts: 0, funding: 0 }, 'fully funded: nothing to flag')
  now = new Date('2027-01-01T01:00:00Z')
  t.same(await sweep(h.app.gate), { deadlines: 0, contracts: 1, funding: 0 })
  const done = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}`, headers: dept })).json()
  t.equal(done.state, 'completed')
  t.equal((await report(c1, { status: 'received' })).statusCode, 409, 'a completed agreement takes no more reports')
  t.equal((await h.app.inject({ method: 'PUT', url: `/v1/tasks/${task.id}/contract`, headers: dept, payload: terms })).statusCode, 409)
  const history = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/events`, headers: office })).json().items
  t.same(
    history.map((e: { type: string }) => e.type),
    ['CREATE', 'SUBMIT', 'SET_CONTRACT', 'SET_CONTRACT', 'FUNDING_RECEIVED', 'ACTIVATE', 'FUNDING_NOT_RECEIVED', 'FUNDING_MISSING', 'SUSPEND', 'FUNDING_RECEIVED', 'RESUME', 'COMPLETE']
  )
  t.equal(history.find((e: { type: string }) => e.type === 'ACTIVATE').actor.sub, 'zhunru-system')
})

t.test('the office revokes an agreement residents widely reject; nothing moves it afterwards', async (t) => {
  let now = new Date('2026-10-09T02:00:00Z')
  const h = await build(t, { now: () => now })
  const task = await admit(h, 'east-civil', assisted())
  t.equal((await send(h, task.id, h.auth('department', 'east-civil'), { type: 'REVOKE', reason: 'x' })).statusCode, 403)
  t.equal((await send(h, task.id, h.auth('office', 'west'), { type: 'REVOKE', reason: 'x' })).statusCode, 403, 'another district’s office')
  const revoked = await send(h, task.id, h.auth('office', 'east'), { type: 'REVOKE', reason: '经议事会征询,居民普遍反对' })
  t.equal(revoked.json().state, 'revoked')
  t.same(revoked.json().enabledEvents, [])
  now = new Date('2027-06-01T02:00:00Z')
  t.same(await sweep(h.app.gate), { deadlines: 0, contracts: 0, funding: 0 })
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}` })).json().state, 'revoked', 'still public, as the record of a revocation')
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/contract` })).json().state, 'revoked')
  const draft = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'east-civil'), payload: assisted() })).json()
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/tasks/${draft.id}/contract`, headers: h.auth('department', 'east-civil') })).statusCode, 404, 'a draft is no agreement')
  const terms = { paymentMethod: '一次性拨付', paymentSchedule: null, deliverables: [], contacts: [] }
  t.equal((await h.app.inject({ method: 'PUT', url: `/v1/tasks/${draft.id}/contract`, headers: h.auth('department', 'east-civil'), payload: terms })).statusCode, 404)
  t.equal((await h.app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/funding-confirmations`, headers: h.auth('community', 'east-s1-c1'), payload: { status: 'received' } })).statusCode, 404)
})

t.test('the burden ledger of a community and its street, district and city, with a task on the whole district', async (t) => {
  const h = await build(t)
  const [c1, c2] = demoCommunities('east-s1') as [string, string]
  const east = [...demoCommunities('east-s1'), ...demoCommunities('east-s2')]
  // T1: two communities, the whole of 2027, 120 hours and 8,000 yuan each.
  const t1 = await admit(h, 'east-civil', assisted())
  // T2: every community of the district, March and April, 30 hours and 8,000 yuan each.
  await admit(h, 'city-civil', assisted({ title: '协助开展高龄津贴发放核查', catalogItem: 'AT-20', targets: east, period: { start: '2027-03-01', end: '2027-04-30' }, workloadHours: 30 }))
  await h.app.inject({ method: 'POST', url: `/v1/tasks/${t1.id}/funding-confirmations`, headers: h.auth('community', c1), payload: { status: 'received', amount: 8000 } })
  // T3: a lawful duty on the second community only: no money attached, 16 hours.
  const t3 = await admit(h, 'east-civil', assisted({ title: '组织开展社区协商议事', catalogItem: 'LD-15', funding: null, targets: [c2], workloadHours: 16 }))
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/tasks/${t3.id}/contract` })).json().funding, null)
  await h.app.inject({ method: 'POST', url: `/v1/tasks/${t1.id}/funding-confirmations`, headers: h.auth('community', c2), payload: { status: 'received' } })
  // Not admitted, so not burden: a returned task on the same community.
  await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'east-civil'), payload: { ...assisted({ funding: null }), submit: true } })

  const ledger = (await h.app.inject({ method: 'GET', url: `/v1/communities/${c1}/burden?from=2027-01-01&to=2027-12-31`, headers: h.auth('community', c1) })).json()
  t.same(ledger.totals, { tasks: 2, hours: 150, fundingPromised: 16000, fundingConfirmed: 8000, fundingMissing: 0, fundingUnconfirmed: 1 })
  t.equal(ledger.byMonth.length, 12)
  t.equal(ledger.byMonth.find((m: { month: string }) => m.month === '2027-01').hours, 10.19, '120 hours × 31/365')
  t.equal(ledger.byMonth.find((m: { month: string }) => m.month === '2027-03').hours, 25.44, '10.19 + 30 × 31/61')
  t.equal(Math.round(ledger.byMonth.reduce((s: number, m: { hours: number }) => s + m.hours, 0)), 150)
  t.equal(ledger.openBurdenReports, 0)
  const span = (await h.app.inject({ method: 'GET', url: `/v1/communities/${c1}/burden?from=2027-01-15&to=2027-02-10`, headers: h.auth('community', c1) })).json()
  t.same(span.totals.tasks, 1, 'a window holds only the work inside it')
  t.same(span.byMonth.map((m: { month: string }) => m.month), ['2027-01', '2027-02'], 'months clipped to the window')
  t.equal(span.totals.hours, 8.88, '120 hours × 27/365')

  const area = async (id: string, headers = h.auth('office', 'east')) =>
    (await h.app.inject({ method: 'GET', url: `/v1/org-units/${id}/burden?from=2027-01-01&to=2027-12-31`, headers })).json()
  t.same((await area('east-s1')).totals, { communities: 2, tasks: 3, hours: 316, fundingPromised: 32000, fundingConfirmed: 8000, openBurdenReports: 0 })
  t.same((await area('east')).totals, { communities: 4, tasks: 3, hours: 376, fundingPromised: 48000, fundingConfirmed: 8000, openBurdenReports: 0 }, 'a district-wide task counts once as a task, once per community in hours and money')
  t.same((await area('city', h.auth('admin', 'city'))).totals, { communities: 8, tasks: 3, hours: 376, fundingPromised: 48000, fundingConfirmed: 8000, openBurdenReports: 0 })

  t.equal((await h.app.inject({ method: 'GET', url: `/v1/communities/${c2}/burden`, headers: h.auth('community', c1) })).statusCode, 403, 'a community reads its own ledger')
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/org-units/east/burden', headers: h.auth('office', 'west') })).statusCode, 403)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/org-units/east-civil/burden', headers: h.auth('admin', 'city') })).statusCode, 404)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/communities/east/burden', headers: h.auth('admin', 'city') })).statusCode, 404)
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/communities/${c1}/burden?from=2027-05-01&to=2027-01-01`, headers: h.auth('admin', 'city') })).json().field, 'to')
  const thisYear = (await h.app.inject({ method: 'GET', url: `/v1/communities/${c1}/burden`, headers: h.auth('admin', 'city') })).json()
  t.same(thisYear.window, { from: '2026-01-01', to: '2026-12-31' }, 'the default window is this year')
})

t.test('a department scorecard counts what it submitted and where it went, by rule', async (t) => {
  const h = await build(t)
  const dept = h.auth('department', 'east-civil')
  const submit = (payload: Record<string, unknown>) => h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...payload, submit: true } })
  await submit(assisted())
  await submit(assisted({ funding: null }))
  await submit(assisted({ title: '关于下达社区招商引资任务的通知', catalogItem: null }))
  await submit(assisted({ title: '协助开展社区养老需求调查', catalogItem: null }))
  await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: assisted() })
  const card = (await h.app.inject({ method: 'GET', url: '/v1/departments/east-civil/scorecard?from=2026-01-01&to=2026-12-31', headers: dept })).json()
  t.same(card, {
    department: 'east-civil',
    window: { from: '2026-01-01', to: '2026-12-31' },
    submitted: 4,
    admitted: 1,
    returned: 1,
    rejected: 1,
    rejectedByRule: { economic_target: 1 },
    escalated: 1,
    withdrawn: 0,
    unfunded: 0,
    confirmedBurdenReports: 0,
    evaluations: []
  })
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/departments/east-civil/scorecard?from=2027-01-01&to=2027-12-31', headers: dept })).json().submitted, 0)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/departments/east-civil/scorecard', headers: h.auth('office', 'east') })).statusCode, 200)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/departments/east-civil/scorecard', headers: h.auth('office', 'west') })).statusCode, 403)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/departments/east-civil/scorecard', headers: h.auth('department', 'west-civil') })).statusCode, 403)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/departments/east-civil/scorecard', headers: h.auth('admin', 'city') })).statusCode, 200)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/departments/east/scorecard', headers: h.auth('admin', 'city') })).statusCode, 404)
})
