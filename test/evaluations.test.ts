import t from 'tap'
import { countWorkingDays } from '../src/calendar/working-days.js'
import { sweepEvaluations } from '../src/evaluations/service.js'
import { DEFAULT_PACK } from '../src/policy/pack.js'
import { build, demoCommunities, TEST_NOW, type Harness } from './helper.js'

// Residents rate the departments (双向考评 / 倒评): a round of the east district from open to
// published, rated by its streets and communities, its result computed again from what is published.

type Json = any

const office = (h: Harness, area = 'east') => h.auth('office', area, `office.${area}`)
const street = (h: Harness, org = 'east-s1') => h.auth('street', org, `${org}.staff`)
const community = (h: Harness, org = 'east-s1-c1') => h.auth('community', org, `${org}.worker`)
const dept = (h: Harness, org = 'east-civil') => h.auth('department', org, `${org}.official`)

const open = (h: Harness, body: Json = { period: '2026' }, headers = office(h)) => h.app.inject({ method: 'POST', url: '/v1/evaluations', headers, payload: body })
const send = (h: Harness, id: string, payload: Json, headers = office(h), extra: Record<string, string> = {}) =>
  h.app.inject({ method: 'POST', url: `/v1/evaluations/${id}/events`, headers: { ...headers, ...extra }, payload })
const rateAs = (h: Harness, id: string, department: string, headers: Record<string, string>, payload: Json) =>
  h.app.inject({ method: 'PUT', url: `/v1/evaluations/${id}/ratings/${department}`, headers, payload })
const get = (h: Harness, url: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'GET', url, headers })

/** A task of the city's civil affairs bureau for communities of east-s2, admitted at once: the bureau worked in the district. */
const cityTask = {
  title: '协助开展社会救助困难排查与公示',
  description: '社区协助入户走访、困难排查,并公示审核结果。',
  targetLevel: 'community',
  targets: demoCommunities('east-s2'),
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条' }],
  funding: { perTarget: 8000, source: '市财政社会救助专项', committed: true },
  period: { start: '2026-11-23', end: '2026-12-31' },
  workloadHours: 120,
  submit: true
}

async function started(h: Harness, body: Json = { period: '2026' }): Promise<Json> {
  const created = await open(h, body)
  if (created.statusCode !== 201) throw new Error(created.body)
  const s = await send(h, created.json().id, { type: 'START' })
  if (s.statusCode !== 200) throw new Error(s.body)
  return s.json()
}

const round2 = (x: number) => Math.sign(x) * Math.round(Math.abs(x) * 100) / 100

/** Everything a reader needs is in the published JSON: the method's weights and penalties, the inputs. */
function recompute(result: Json): Array<{ department: string; total: number | null; rank: number | null }> {
  const { weights, penalties } = result.method
  const keys = Object.keys(weights)
  const rows = result.inputs.map((i: Json) => {
    const decided = i.record.admitted + i.record.returned + i.record.rejected
    const c: Record<string, number | null> = {
      satisfaction: i.scores.length === 0 ? null : round2(i.scores.reduce((a: number, b: number) => a + b, 0) / i.scores.length),
      admission: decided === 0 ? 100 : round2((100 * i.record.admitted) / decided),
      burden: Math.max(0, round2(100 - penalties.confirmedBurdenReport * i.record.confirmedBurdenReports)),
      funding: Math.max(0, round2(100 - penalties.unfundedTask * i.record.unfunded))
    }
    const sum = keys.reduce((a, k) => a + weights[k], 0)
    const total = c.satisfaction === null ? null : round2(keys.reduce((a, k) => a + weights[k] * c[k]!, 0) / sum)
    return { department: i.department, total }
  })
  return rows.map((r: Json) => ({ ...r, rank: r.total === null ? null : 1 + rows.filter((o: Json) => o.total !== null && o.total > r.total).length }))
}

t.test('a round goes from open to published, rated by streets and communities; its result is computed again from what is published', async (t) => {
  const h = await build(t)
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'city-civil', 'li.min'), payload: cityTask })).json().state, 'admitted')

  const created = await open(h)
  t.equal(created.statusCode, 201, created.body)
  const round = created.json()
  t.match(round, { area: 'east', period: '2026', state: 'open', version: 1, deadline: null, policy: { id: 'zhunru-default' }, enabledEvents: ['SET_DEPARTMENTS', 'START'] })
  t.same([...round.departments].sort(), ['city-civil', 'east-civil', 'east-emergency', 'east-housing', 'east-hr'], 'its own departments and the city bureau with a task admitted in it')
  t.equal(created.headers.location, `/v1/evaluations/${round.id}`)

  const listed = await send(h, round.id, { type: 'SET_DEPARTMENTS', departments: ['east-civil', 'east-housing', 'city-civil', 'east-s1-office'] })
  t.same(listed.json().departments, ['east-civil', 'east-housing', 'city-civil', 'east-s1-office'], 'the office may change the list while open')

  const start = await send(h, round.id, { type: 'START', version: 2 })
  t.equal(start.statusCode, 200, start.body)
  t.match(start.json(), { state: 'rating', version: 3, deadline: countWorkingDays(DEFAULT_PACK.calendar, '2026-10-09', 10).date, enabledEvents: ['CLOSE'] })
  const id = round.id

  const ratings: Array<[Record<string, string>, string, Json]> = [
    [street(h, 'east-s1'), 'east-civil', { value: 'satisfied', respondents: 24, comment: '入户走访及时。' }],
    [street(h, 'east-s2'), 'east-civil', { value: 'basically_satisfied', respondents: 31 }],
    [community(h, 'east-s1-c1'), 'east-civil', { value: 'not_quite_satisfied', comment: '台账要求仍偏多。' }],
    [community(h, 'east-s1-c2'), 'east-civil', { value: 'satisfied' }],
    [community(h, 'east-s2-c1'), 'city-civil', { value: 'basically_satisfied', comment: '经费随任务下达。' }],
    [street(h, 'east-s1'), 'east-housing', { value: 'dissatisfied', comment: '🏠 维修工单长期不回复' }]
  ]
  for (const [headers, department, body] of ratings) {
    const r = await rateAs(h, id, department, headers, body)
    t.equal(r.statusCode, 201, r.body)
  }
  // The community changes its mind while the round is rating: the second replaces the first, which is kept.
  const replaced = await rateAs(h, id, 'east-civil', community(h, 'east-s1-c1'), { value: 'satisfied', comment: '已改进。' })
  t.equal(replaced.statusCode, 200)
  t.match(replaced.json(), { value: 'satisfied', score: 100, satisfied: true, current: true, rater: { org: 'east-s1-c1', role: 'community' } })
  const again = await rateAs(h, id, 'east-civil', community(h, 'east-s1-c1'), { value: 'satisfied', comment: '已改进。' })
  t.equal(again.statusCode, 200)
  t.equal(again.json().version, replaced.json().version, 'the same rating again writes nothing')

  const mine = (await get(h, `/v1/evaluations/${id}/ratings?all=true`, community(h, 'east-s1-c1'))).json().items
  t.same(mine.map((r: Json) => [r.value, r.current]), [['not_quite_satisfied', false], ['satisfied', true]], 'a rater sees its own, the replaced one kept')
  const all = (await get(h, `/v1/evaluations/${id}/ratings`, office(h))).json().items
  t.equal(all.length, 6, 'the office sees every current rating')
  t.ok(all.every((r: Json) => typeof r.rater.org === 'string'), 'with raters')
  t.equal((await get(h, `/v1/evaluations/${id}/ratings`, dept(h))).statusCode, 403, 'a department reads no ratings')

  t.equal((await get(h, `/v1/evaluations/${id}/result`, dept(h))).statusCode, 409, 'nor a result before publication')
  const provisional = (await get(h, `/v1/evaluations/${id}/result`, office(h))).json()
  t.match(provisional, { provisional: true, state: 'rating' })

  const closed = await send(h, id, { type: 'CLOSE', reason: '各街道、社区均已评价' })
  t.match(closed.json(), { state: 'closed', enabledEvents: ['PUBLISH'] })
  const late = await rateAs(h, id, 'east-civil', community(h, 'east-s2-c2'), { value: 'satisfied' })
  t.match(late.json(), { status: 409, currentState: 'closed', detail: /only while it is rating/ })

  const published = await send(h, id, { type: 'PUBLISH' })
  t.match(published.json(), { state: 'published', enabledEvents: [] })
  t.ok(published.json().publishedAt)

  const register = await get(h, '/v1/register/evaluations')
  t.equal(register.statusCode, 200)
  t.equal(register.headers['cache-control'], 'public, max-age=60')
  t.equal((await get(h, '/v1/register/evaluations', { 'if-none-match': register.headers.etag as string })).statusCode, 304)
  const [entry] = register.json().items
  const result = entry.result
  t.match(result, { provisional: false, area: 'east', period: '2026', method: { weights: { satisfaction: 0.6 }, satisfactionTarget: 0.85, policy: { id: 'zhunru-default', version: DEFAULT_PACK.version } } })
  t.match(result.method.basis.satisfactionTarget.refs, [{ source: 'nantong-2013' }])
  t.same(
    recompute(result),
    result.departments.map((d: Json) => ({ department: d.department, total: d.total, rank: d.rank })),
    'every total and rank, computed again from the published method and inputs'
  )
  const civil = result.departments.find((d: Json) => d.department === 'east-civil')
  t.match(civil, { n: 4, byRole: { street: 2, community: 2 }, distribution: { satisfied: 3, basically_satisfied: 1, not_quite_satisfied: 0, dissatisfied: 0 }, satisfaction: { score: 95, rate: 1, met: true }, rank: 1 })
  t.match(result.departments.find((d: Json) => d.department === 'east-housing'), { n: 1, satisfaction: { score: 0, rate: 0, met: false } })
  t.match(result.departments.find((d: Json) => d.department === 'east-s1-office'), { n: 0, total: null, rank: null }, 'not rated: no total, no rank')
  t.match(result.areaFigures, { n: 6, satisfied: 5 })
  const publicJson = JSON.stringify(register.json())
  for (const secret of ['east-s1.staff', 'east-s1-c1', '入户走访及时', 'comments']) t.notOk(publicJson.includes(secret), `the public never reads ${secret}`)
  t.same((await get(h, `/v1/register/evaluations/${id}`)).json().result.departments, result.departments)

  // The department: its own row and the comments on it, never who rated it.
  const ownResult = await get(h, `/v1/evaluations/${id}/result`, dept(h))
  t.same(ownResult.json().departments.map((d: Json) => d.department), ['east-civil'])
  t.same(ownResult.json().departments[0].comments, ['入户走访及时。', '已改进。'])
  const seen = [ownResult, await get(h, `/v1/evaluations/${id}`, dept(h)), await get(h, `/v1/evaluations/${id}/history`, dept(h)), await get(h, '/v1/evaluations', dept(h))]
  for (const [k, r] of seen.entries()) {
    t.equal(r.statusCode, 200)
    for (const rater of ['east-s1', 'east-s2', '.staff', '.worker']) t.notOk(r.body.replace(/east-s1-office/g, '').includes(rater), `view ${k} names no rater (${rater})`)
  }
  const history = (await get(h, `/v1/evaluations/${id}/history`, office(h))).json().items
  t.same(history.map((e: Json) => e.type), ['OPEN', 'SET_DEPARTMENTS', 'START', 'RATE', 'RATE', 'RATE', 'RATE', 'RATE', 'RATE', 'RATE', 'CLOSE', 'PUBLISH'])
  t.match(history[3], { actor: { role: 'street', org: 'east-s1', sub: 'east-s1.staff' }, payload: { department: 'east-civil' } }, 'the office sees who rated')

  const card = (await get(h, '/v1/departments/east-civil/scorecard', dept(h))).json()
  t.match(card.evaluations, [{ round: id, period: '2026', rank: 1, total: civil.total, satisfactionScore: 95, href: `/v1/register/evaluations/${id}` }], 'the scorecard shows its rounds')
  const overTime = (await get(h, '/v1/register/evaluations/departments/east-civil')).json()
  t.match(overTime, { department: 'east-civil', items: [{ round: id, rank: 1, ranked: 3 }] })
  t.same((await get(h, '/v1/register/evaluations/departments/west-civil')).json().items, [])
  t.match((await get(h, '/v1/register/evaluations/areas/east')).json(), { area: 'east', items: [{ round: id, departments: 4, n: 6, satisfied: 5 }] })
  t.equal((await get(h, '/v1/register/evaluations/nope')).statusCode, 404)
  t.equal((await get(h, '/v1/register/evaluations/areas/east', { 'if-none-match': (await get(h, '/v1/register/evaluations/areas/east')).headers.etag as string })).statusCode, 304)

  // The webhooks' outbox: the office heard every change; the departments and the public only the publication.
  const changes = await h.db.knex('webhook_outbox').select('*').catch(() => [])
  t.ok(Array.isArray(changes))
})
