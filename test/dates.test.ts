import t, { type Test } from 'tap'
import { DEFAULT_PACK } from '../src/policy/pack.js'
import { coveredYears } from '../src/policy/dates.js'
import { build, demoCommunities, type Harness } from './helper.js'

// Every date the API accepts lies in the years the policy pack's working-day calendar
// covers. A far date once froze the server: the ledger's month walk from 9999-12 never
// ended, and a contract period ending 9999-12-31 got a due date that sorted before all others.

const { first, last } = coveredYears(DEFAULT_PACK.calendar)

/** Dates no entry point may accept: far future and past, and the days just outside the calendar. */
const OUTSIDE = ['9999-12-31', '9999-12-01', '0001-01-01', '1900-02-28', `${first - 1}-12-31`, `${last + 1}-01-01`, '2999-06-15']

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

function refused(t: Test, res: { statusCode: number; headers: Record<string, unknown>; json: () => any }, field: string, what: string) {
  t.equal(res.statusCode, 400, `${what}: 400`)
  t.match(String(res.headers['content-type']), /^application\/problem\+json/, `${what}: problem+json`)
  t.equal(res.json().field, field, `${what}: names ${field}`)
  t.match(res.json().invalidParams[0].message, `${first}–${last}`, `${what}: says which years are covered`)
}

async function healthy(t: Test, h: Harness) {
  t.equal((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'the server still answers')
}

t.test('ledger, area ledger and scorecard windows outside the covered years are refused, naming the field', async (t) => {
  const h = await build(t)
  const reader = h.auth('office', 'east')
  const c1 = demoCommunities('east-s1')[0]!
  const urls = [`/v1/communities/${c1}/burden`, '/v1/org-units/east-s1/burden', '/v1/org-units/east/burden', '/v1/departments/east-civil/scorecard']
  for (const url of urls) {
    for (const date of OUTSIDE) {
      refused(t, await h.app.inject({ method: 'GET', url: `${url}?from=${date}&to=${last}-12-31`, headers: reader }), 'from', `${url} from=${date}`)
      refused(t, await h.app.inject({ method: 'GET', url: `${url}?from=${first}-01-01&to=${date}`, headers: reader }), 'to', `${url} to=${date}`)
    }
    // The request that killed the server: both ends in year 9999.
    refused(t, await h.app.inject({ method: 'GET', url: `${url}?from=9999-12-01&to=9999-12-31`, headers: reader }), 'from', `${url} in 9999`)
    const whole = await h.app.inject({ method: 'GET', url: `${url}?from=${first}-01-01&to=${last}-12-31`, headers: reader })
    t.equal(whole.statusCode, 200, `${url}: the whole covered span is a valid window`)
  }
  await healthy(t, h)
})

t.test('a window over the whole covered span lists every month once, in order', async (t) => {
  const h = await build(t)
  const c1 = demoCommunities('east-s1')[0]!
  await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'east-civil'), payload: { ...assisted(), submit: true } })
  const res = await h.app.inject({ method: 'GET', url: `/v1/communities/${c1}/burden?from=${first}-01-15&to=${last}-12-30`, headers: h.auth('community', c1) })
  t.equal(res.statusCode, 200, res.body)
  const months: Array<{ month: string; hours: number }> = res.json().byMonth
  const expected: string[] = []
  for (let y = first; y <= last; y++) for (let m = 1; m <= 12; m++) expected.push(`${y}-${String(m).padStart(2, '0')}`)
  t.same(months.map((m) => m.month), expected)
  t.equal(Math.round(months.reduce((s, m) => s + m.hours, 0)), 120, 'the task’s hours are all inside the window, spread over its months')
  t.equal(months.find((m) => m.month === '2026-12')!.hours, 0)
  // February of a leap-free year and a month clipped at both ends still come out right.
  const feb = (await h.app.inject({ method: 'GET', url: `/v1/communities/${c1}/burden?from=2027-02-10&to=2027-02-19`, headers: h.auth('community', c1) })).json()
  t.same(feb.byMonth.map((m: { month: string }) => m.month), ['2027-02'])
})

t.test('the public register refuses statistics windows outside the covered years', async (t) => {
  const h = await build(t)
  for (const date of OUTSIDE) {
    refused(t, await h.app.inject({ method: 'GET', url: `/v1/register/departments?from=${date}` }), 'from', `register from=${date}`)
    refused(t, await h.app.inject({ method: 'GET', url: `/v1/register/departments?to=${date}` }), 'to', `register to=${date}`)
  }
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/register/departments?from=${first}-01-01&to=${last}-12-31` })).statusCode, 200)
  await healthy(t, h)
})

t.test('task periods outside the covered years are refused on screening, creation, submission and revision', async (t) => {
  const h = await build(t)
  const dept = h.auth('department', 'east-civil')
  for (const date of OUTSIDE) {
    const late = date > `${last}`
    const period = late ? { start: '2027-01-01', end: date } : { start: date, end: '2027-12-31' }
    const field = late ? 'period.end' : 'period.start'
    refused(t, await h.app.inject({ method: 'POST', url: '/v1/screenings', headers: dept, payload: assisted({ period }) }), field, `screening ${date}`)
    refused(t, await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: assisted({ period }) }), field, `draft ${date}`)
    refused(t, await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...assisted({ period }), submit: true } }), field, `submission ${date}`)
  }
  // Both ends outside: both are named.
  const both = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: assisted({ period: { start: '0001-01-01', end: '9999-12-31' } }) })
  t.same(both.json().invalidParams.map((p: { field: string }) => p.field), ['period.start', 'period.end'])

  const draft = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: assisted() })).json()
  const revise = await h.app.inject({
    method: 'POST',
    url: `/v1/tasks/${draft.id}/events`,
    headers: dept,
    payload: { type: 'REVISE', changes: { period: { start: '2027-01-01', end: '9999-12-31' } } }
  })
  refused(t, revise, 'period.end', 'REVISE with changes')
  const submitted = await h.app.inject({
    method: 'POST',
    url: `/v1/tasks/${draft.id}/events`,
    headers: dept,
    payload: { type: 'SUBMIT', changes: { period: { start: '2027-01-01', end: '9999-12-31' } } }
  })
  refused(t, submitted, 'period.end', 'SUBMIT with changes')
  const unchanged = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${draft.id}`, headers: dept })).json()
  t.equal(unchanged.state, 'draft', 'nothing was stored')
  t.same(unchanged.period, { start: '2027-01-01', end: '2027-12-31' })
  // The last covered day is fine.
  const edge = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...assisted({ period: { start: '2027-03-01', end: `${last}-12-31` } }), submit: true } })
  t.equal(edge.json().state, 'admitted', edge.body)
})

t.test('contract deliverables due outside the covered years are refused, naming the deliverable', async (t) => {
  const h = await build(t)
  const dept = h.auth('department', 'east-civil')
  const task = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...assisted(), submit: true } })).json()
  t.equal(task.state, 'admitted')
  for (const date of OUTSIDE) {
    const terms = {
      paymentMethod: '按季度拨付',
      paymentSchedule: null,
      deliverables: [
        { name: '排查台账', due: '2027-06-30' },
        { name: '随时报送的线索', due: null },
        { name: '年度总结', due: date }
      ],
      contacts: []
    }
    refused(t, await h.app.inject({ method: 'PUT', url: `/v1/tasks/${task.id}/contract`, headers: dept, payload: terms }), 'deliverables[2].due', `deliverable due ${date}`)
  }
  const after = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/contract`, headers: dept })).json()
  t.equal(after.terms, null, 'no refused terms were stored')
  t.equal(after.version, task.version)
})

t.test('a burden report asked on a day before the covered years is refused', async (t) => {
  const h = await build(t)
  const c1 = demoCommunities('east-s1')[0]!
  for (const date of OUTSIDE.filter((d) => d < `${first}`)) {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/burden-reports',
      headers: h.auth('community', c1),
      payload: { department: 'east-civil', what: '要求社区填报统计表', askedOn: date, evidence: '工作群通知截图' }
    })
    refused(t, res, 'askedOn', `askedOn ${date}`)
  }
  const ok = await h.app.inject({
    method: 'POST',
    url: '/v1/burden-reports',
    headers: h.auth('community', c1),
    payload: { department: 'east-civil', what: '要求社区填报统计表', askedOn: `${first}-01-01`, evidence: '工作群通知截图' }
  })
  t.equal(ok.statusCode, 201, ok.body)
})
