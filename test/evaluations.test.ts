import t from 'tap'
import { countWorkingDays } from '../src/calendar/working-days.js'
import { applyRoundEvent, sweepEvaluations } from '../src/evaluations/service.js'
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
      funding: Math.max(0, round2(100 - penalties.unfundedTask * (i.record.unfunded + i.record.lateFunding)))
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
  // The document types the method and the inputs; what the API serves is all that was frozen at publication.
  const frozen = JSON.parse((await h.db.knex('evaluation_rounds').where({ id: round.id }).first()).result)
  t.same(result.method, frozen.method, 'the method, served whole')
  t.same(result.inputs, frozen.inputs, 'the inputs, served whole')
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
  const one = await get(h, `/v1/register/evaluations/${id}`)
  t.same(one.json().result.departments, result.departments)
  t.equal((await get(h, `/v1/register/evaluations/${id}`, { 'if-none-match': one.headers.etag as string })).statusCode, 304)

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
  t.same((await get(h, '/v1/register/evaluations/departments/EAST-CIVIL')).json().items, [], 'an id is matched exactly, whatever the database’s LIKE does with case')
  const etag = (await get(h, '/v1/register/evaluations/departments/east-civil')).headers.etag as string
  t.equal((await get(h, '/v1/register/evaluations/departments/east-civil', { 'if-none-match': etag })).statusCode, 304)
  t.match((await get(h, '/v1/register/evaluations/areas/east')).json(), { area: 'east', items: [{ round: id, departments: 4, n: 6, satisfied: 5 }] })
  t.equal((await get(h, '/v1/register/evaluations/nope')).statusCode, 404)
  t.equal((await get(h, '/v1/register/evaluations/areas/east', { 'if-none-match': (await get(h, '/v1/register/evaluations/areas/east')).headers.etag as string })).statusCode, 304)

  // The machine is served like every other: its events, who sends them, RATE commuting, and its diagram.
  const machines = (await get(h, '/v1/machines')).json()
  t.match((machines.items ?? machines).find((m: Json) => m.id === 'evaluation'), { id: 'evaluation', commuting: ['RATE'] })
  const diagram = (await get(h, '/v1/machines/evaluation/diagram')).body
  for (const edge of ['open --> rating', 'rating --> closed', 'closed --> published']) t.match(diagram, edge, `the diagram has ${edge}`)
})

t.test('webhooks: the office hears every change, the departments and the public only the publication, nobody hears who rated', async (t) => {
  const h = await build(t)
  const hook = async (headers: Record<string, string>) =>
    (await h.app.inject({ method: 'POST', url: '/v1/webhooks', headers, payload: { url: 'https://example.org/zhunru-hook', events: ['*'], secret: 'a-shared-secret-of-16+' } })).json().id as string
  const hooks = { office: await hook(office(h)), department: await hook(dept(h)), rater: await hook(community(h)), foreign: await hook(h.auth('office', 'west', 'office.west')) }
  const round = await started(h, { period: '2026', departments: ['east-civil'] })
  await rateAs(h, round.id, 'east-civil', community(h), { value: 'satisfied' })
  await send(h, round.id, { type: 'CLOSE' })
  await send(h, round.id, { type: 'PUBLISH' })
  const heard = async (id: string, headers: Record<string, string>) =>
    (await get(h, `/v1/webhooks/${id}/deliveries?limit=200`, headers)).json().items.filter((d: Json) => d.taskId === round.id).map((d: Json) => d.event).reverse()
  t.same(await heard(hooks.office, office(h)), ['OPEN', 'START', 'RATE', 'CLOSE', 'PUBLISH'])
  t.same(await heard(hooks.department, dept(h)), ['PUBLISH'])
  t.same(await heard(hooks.rater, community(h)), ['PUBLISH'], 'a rater hears of its own rating no more than anyone')
  t.same(await heard(hooks.foreign, h.auth('office', 'west', 'office.west')), ['PUBLISH'])
})

t.test('refusals: the wrong role, a foreign area, a department not listed, a value off the scale, a rating outside rating', async (t) => {
  const h = await build(t)
  t.same((await get(h, '/v1/register/evaluations')).json(), { items: [], nextCursor: null }, 'nothing published yet')
  t.equal((await open(h, { period: '2026' }, dept(h))).statusCode, 403, 'a department opens no round')
  t.match((await open(h, { period: '2026', area: 'west' })).json(), { status: 403, detail: /opened by its office/ }, 'nor an office another area’s')
  t.match((await open(h, { period: '2026', area: 'east-s1' }, h.auth('admin', 'city', 'admin'))).json(), { status: 400, field: 'area' }, 'an area is a city or district')
  for (const period of ['2026-H1', '26', '2026 ', '２０２６', '2026-H3']) t.match((await open(h, { period })).json(), { status: 400, field: 'period' }, `period ${JSON.stringify(period)}`)
  t.match((await open(h, { period: '2027' })).json(), { status: 400, field: 'period', detail: /has not begun/ }, 'a period that has not begun')
  t.match((await open(h, { period: '1999' })).json(), { status: 400, field: 'period' }, 'nor one before 2000')
  const lists: Array<[string[], string, RegExp]> = [
    [['east-s1'], 'departments[0]', /not a department/],
    [['east-civil', 'west-civil'], 'departments[1]', /does not work in east/],
    [['east-civil', 'east-civil'], 'departments[1]', /twice/],
    [['no-such-unit'], 'departments[0]', /not a department/]
  ]
  for (const [departments, field, detail] of lists) t.match((await open(h, { period: '2026', departments })).json(), { status: 400, field, detail }, departments.join(','))
  t.match((await open(h, { period: '2026', departments: [] })).json(), { status: 400, field: 'departments' })
  const closing = await h.app.inject({ method: 'PATCH', url: '/v1/org-units/east-hr', headers: h.auth('admin', 'city', 'admin'), payload: { closed: true } })
  t.equal(closing.statusCode, 200, 'east-hr is closed')
  t.match((await open(h, { period: '2026', departments: ['east-hr'] })).json(), { status: 400, field: 'departments[0]', detail: /closed/ }, 'a closed department is rated no more')
  const south = await h.app.inject({ method: 'POST', url: '/v1/org-units', headers: h.auth('admin', 'city', 'admin'), payload: { id: 'south', kind: 'district', name: '南湖区', parentId: 'city' } })
  t.equal(south.statusCode, 201, 'a new district, with no department yet')
  t.match((await open(h, { period: '2026' }, office(h, 'south'))).json(), { status: 400, field: 'departments', detail: /list the departments/ })
  // A district department reaches its district; a city department every district; a street's department its district too.
  const round = (await open(h, { period: '2026', departments: ['east-civil', 'city-police', 'east-s2-office'] })).json()
  t.equal(round.state, 'open')
  t.match((await open(h)).json(), { status: 409, detail: /already exists/ }, 'one round per area and period')
  t.equal((await open(h, { period: '2026' }, h.auth('office', 'west', 'office.west'))).statusCode, 201, 'west opens its own')

  const id = round.id
  t.match((await rateAs(h, id, 'east-civil', community(h), { value: 'satisfied' })).json(), { status: 409, currentState: 'open' }, 'no rating before START')
  t.equal((await send(h, id, { type: 'START' }, dept(h))).statusCode, 403, 'a department starts nothing')
  t.equal((await send(h, id, { type: 'START' }, h.auth('office', 'west', 'office.west'))).statusCode, 404, 'another office does not see the round')
  t.match((await send(h, id, { type: 'START' }, h.auth('leading_group', 'east', 'lv.member'))).json(), { status: 403, detail: /START is for office or admin/ })
  t.match((await send(h, id, { type: 'CLOSE' })).json(), { status: 409, currentState: 'open' }, 'CLOSE is not enabled while open')
  t.match((await send(h, id, { type: 'DEADLINE' })).json(), { status: 400, field: 'type' }, 'the clock’s event is no request')
  t.match((await send(h, id, { type: 'SET_DEPARTMENTS' })).json(), { status: 400, field: 'departments' })
  t.match((await send(h, id, { type: 'START', version: 9 })).json(), { status: 409, currentVersion: 1 }, 'a stale version')
  t.equal((await send(h, id, { type: 'START' }, h.auth('admin', 'east', 'admin.east'))).json().state, 'rating', 'the district’s admin may start it')
  t.match((await send(h, id, { type: 'SET_DEPARTMENTS', departments: ['east-civil'] })).json(), { status: 409, currentState: 'rating' }, 'the list is fixed once rating')

  t.equal((await rateAs(h, id, 'east-civil', dept(h), { value: 'satisfied' })).statusCode, 403, 'a department rates nobody')
  t.match((await rateAs(h, id, 'east-civil', office(h), { value: 'satisfied' })).json(), { status: 403, detail: /RATE is for street or community/ })
  t.equal((await rateAs(h, id, 'east-civil', community(h, 'west-s1-c1'), { value: 'satisfied' })).statusCode, 404, 'a community of another district does not see the round')
  t.match((await rateAs(h, id, 'east-housing', community(h), { value: 'satisfied' })).json(), { status: 400, field: 'department', detail: /not among the departments/ })
  const values: Json[] = [{ value: 'happy' }, { value: 80 }, { value: '' }, {}, { value: 'satisfied', extra: 1 }, { value: 'satisfied', comment: '   ' }, { value: 'satisfied', comment: '字'.repeat(2001) }]
  for (const body of values) t.equal((await rateAs(h, id, 'east-civil', community(h), body)).statusCode, 400, JSON.stringify(body).slice(0, 60))
  t.match((await rateAs(h, id, 'east-civil', community(h), { value: 'happy' })).json(), { field: 'value', detail: /satisfied, basically_satisfied/ })
  t.match((await rateAs(h, id, 'east-civil', community(h), { value: 'satisfied', respondents: 3 })).json(), { status: 400, field: 'respondents' }, 'respondents are a street’s')
  t.match((await rateAs(h, id, 'east-civil', street(h), { value: 'satisfied', respondents: 0 })).json(), { status: 400, field: 'respondents' })
  const long = await rateAs(h, id, 'east-civil', community(h), { value: 'satisfied', comment: '𠮷'.repeat(1000) + '\u200b居民' })
  t.equal(long.statusCode, 201, 'a long comment of astral characters is kept as written')
  t.equal(long.json().comment, '𠮷'.repeat(1000) + '\u200b居民')
  t.equal((await rateAs(h, id, 'city-police', street(h, 'east-s2'), { value: 'dissatisfied', respondents: 100000 })).statusCode, 201)

  t.equal((await get(h, `/v1/evaluations/${id}/ratings`, h.auth('leading_group', 'east', 'lv.member'))).statusCode, 403, 'the leading group reads the result, not the ratings')
  t.equal((await get(h, `/v1/evaluations/${id}/result`, h.auth('leading_group', 'east', 'lv.member'))).statusCode, 409)
  t.equal((await get(h, `/v1/evaluations/${id}`, dept(h, 'west-civil'))).statusCode, 404, 'a department not listed does not see it')
  t.equal((await get(h, `/v1/evaluations/nope`, office(h))).statusCode, 404)
  t.equal((await send(h, id, { type: 'PUBLISH' })).statusCode, 409, 'publishing needs a closed round')
  t.equal((await send(h, id, { type: 'CLOSE' })).json().state, 'closed')
  t.match((await rateAs(h, id, 'east-civil', community(h), { value: 'dissatisfied' })).json(), { status: 409, currentState: 'closed' }, 'after close, nothing is replaced')
  const stillMine = (await get(h, `/v1/evaluations/${id}/ratings`, community(h))).json().items
  t.same(stillMine.map((r: Json) => r.value), ['satisfied'])

  // Lists are scoped: each sees the rounds it may.
  const listOf = async (headers: Record<string, string>, query = '') => (await get(h, `/v1/evaluations${query}`, headers)).json().items.map((r: Json) => r.area)
  t.same(await listOf(office(h)), ['east'])
  t.same(await listOf(h.auth('admin', 'city', 'admin')), ['west', 'east'])
  t.same(await listOf(h.auth('admin', 'city', 'admin'), '?state=closed&period=2026&area=east'), ['east'])
  t.same(await listOf(community(h)), ['east'])
  t.same(await listOf(community(h, 'west-s1-c1')), ['west'])
  t.same(await listOf(dept(h, 'city-police')), ['east'])
  t.same(await listOf(dept(h, 'city-stats')), [])
  t.same(await listOf(h.auth('leading_group', 'west', 'kong.member')), ['west'])
  const paged = (await get(h, '/v1/evaluations?limit=1', h.auth('admin', 'city', 'admin'))).json()
  t.equal(paged.items.length, 1)
  t.same((await get(h, `/v1/evaluations?limit=1&cursor=${paged.nextCursor}`, h.auth('admin', 'city', 'admin'))).json().items.map((r: Json) => r.area), ['east'])
})

t.test('the deadline: ratings stop after its day, and the engine’s sweeper closes the round', async (t) => {
  let now = TEST_NOW
  const h = await build(t, { now: () => now })
  const round = await started(h, { period: '2026', departments: ['east-civil'] })
  t.equal(await sweepEvaluations(h.app.gate), 0, 'nothing due yet')
  now = new Date(`${round.deadline}T15:59:00Z`)
  t.equal((await rateAs(h, round.id, 'east-civil', community(h), { value: 'satisfied' })).statusCode, 201, 'the last minute of the deadline day (China time)')
  now = new Date(`${round.deadline}T16:00:00Z`)
  t.match((await rateAs(h, round.id, 'east-civil', street(h), { value: 'satisfied' })).json(), { status: 409, currentState: 'rating', detail: new RegExp(`closed on ${round.deadline}`) }, 'the day after, refused before the sweep')
  t.equal(await sweepEvaluations(h.app.gate), 1, 'the sweep closes it')
  t.equal(await sweepEvaluations(h.app.gate), 0, 'once')
  const closed = (await get(h, `/v1/evaluations/${round.id}`, office(h))).json()
  t.match(closed, { state: 'closed', enabledEvents: ['PUBLISH'] })
  const last = (await get(h, `/v1/evaluations/${round.id}/history`, office(h))).json().items.at(-1)
  t.match(last, { type: 'DEADLINE', from: 'rating', to: 'closed', actor: { sub: 'zhunru-system' }, payload: { deadline: round.deadline } })
  t.equal(Number((await h.db.knex('workflow_due_dates').where({ machine: 'evaluation' }).count({ n: '*' }))[0]!.n), 0, 'nothing is left waiting')

  // A round the office closed early leaves its due date behind it: the sweep drops it.
  const west = await h.app.inject({ method: 'POST', url: '/v1/evaluations', headers: h.auth('office', 'west', 'office.west'), payload: { period: '2026', departments: ['west-civil'] } })
  const westId = west.json().id
  await send(h, westId, { type: 'START' }, h.auth('office', 'west', 'office.west'))
  const { seq } = await h.db.knex('evaluation_rounds').where({ id: westId }).first()
  await send(h, westId, { type: 'CLOSE' }, h.auth('office', 'west', 'office.west'))
  await h.db.knex('workflow_due_dates').insert({ machine: 'evaluation', instance_seq: seq, kind: 'rating_deadline', due_on: '2026-10-01' })
  t.equal(await sweepEvaluations(h.app.gate), 0)
  t.equal(Number((await h.db.knex('workflow_due_dates').where({ machine: 'evaluation' }).count({ n: '*' }))[0]!.n), 0, 'a stale date is dropped')

  // Published without a single rating: nothing to rank, no rate.
  await send(h, westId, { type: 'PUBLISH' }, h.auth('office', 'west', 'office.west'))
  const empty = (await get(h, `/v1/register/evaluations/${westId}`)).json().result
  t.match(empty, { areaFigures: { n: 0, satisfied: 0, rate: null, met: null, meanTotal: null }, departments: [{ department: 'west-civil', total: null, rank: null }] })
  // A date of a round that does not exist is dropped.
  await h.db.knex('workflow_due_dates').insert({ machine: 'evaluation', instance_seq: 999_999, kind: 'rating_deadline', due_on: '2026-10-01' })
  t.equal(await sweepEvaluations(h.app.gate), 0)
  t.equal(Number((await h.db.knex('workflow_due_dates').where({ machine: 'evaluation' }).count({ n: '*' }))[0]!.n), 0)

  // A lost race leaves the date for the next sweep.
  await h.db.knex('workflow_due_dates').insert({ machine: 'evaluation', instance_seq: seq, kind: 'rating_deadline', due_on: '2026-10-01' })
  await h.db.knex('evaluation_rounds').where({ seq }).update({ state: 'rating', snapshot: JSON.stringify({ ...JSON.parse((await h.db.knex('evaluation_rounds').where({ seq }).first()).snapshot), value: 'rating' }) })
  const losing = { ...h.app.gate, commits: { write: async () => ({ ok: false, conflict: {} }) } as never }
  t.equal(await sweepEvaluations(losing), 0)
  t.equal(Number((await h.db.knex('workflow_due_dates').where({ machine: 'evaluation' }).count({ n: '*' }))[0]!.n), 1, 'the date waits')
  await h.db.knex('workflow_due_dates').where({ machine: 'evaluation' }).delete()

  // A failing handler leaves its date and is reported.
  await h.db.knex('workflow_due_dates').insert({ machine: 'evaluation', instance_seq: seq, kind: 'rating_deadline', due_on: '2026-10-01' })
  const failing = { ...h.app.gate, db: h.db.knex, commits: { write: () => Promise.reject(new Error('boom')) } as never }
  await h.db.knex('evaluation_rounds').where({ seq }).update({ state: 'rating', snapshot: JSON.stringify({ ...JSON.parse((await h.db.knex('evaluation_rounds').where({ seq }).first()).snapshot), value: 'rating' }) })
  await t.rejects(sweepEvaluations(failing), /could not be handled/)
  const errors: unknown[] = []
  t.equal(await sweepEvaluations(failing, (err) => errors.push(err)), 0)
  t.equal(errors.length, 1)
})

t.test('a city’s own pack: a points scale and half-year rounds', async (t) => {
  const h = await build(t)
  const admin = h.auth('admin', 'city', 'pack.admin')
  const file = (await get(h, '/v1/policy-packs/current')).json()
  file.version = '2026.4-city'
  file.parameters.evaluation = {
    ...file.parameters.evaluation,
    period: 'half-year',
    ratingWorkingDays: 5,
    scale: { kind: 'points', satisfiedFrom: 60 },
    weights: { satisfaction: 1, admission: 0, burden: 0, funding: 0 },
    basis: { ...file.parameters.evaluation.basis, scale: { refs: [], note: '百分制，60分以上为满意：本市的选择。' } }
  }
  const published = await h.app.inject({ method: 'POST', url: '/v1/policy-packs', headers: admin, payload: file })
  t.equal(published.statusCode, 201, 'the city publishes its pack')
  t.match(published.json().changes.parameters, [{ name: 'evaluation' }], 'the diff names the parameter')

  t.match((await open(h, { period: '2026' })).json(), { status: 400, field: 'period', detail: /half-year/ })
  t.equal((await open(h, { period: '2026-H1', departments: ['east-civil'] })).statusCode, 201, 'the first half-year')
  const round = await started(h, { period: '2026-H2', departments: ['east-civil', 'east-housing'] })
  t.match(round.parameters, { period: 'half-year', scale: { kind: 'points' } })
  t.equal(round.deadline, countWorkingDays(DEFAULT_PACK.calendar, '2026-10-09', 5).date)
  t.match((await rateAs(h, round.id, 'east-civil', community(h), { value: 'satisfied' })).json(), { status: 400, field: 'value', detail: /whole points/ })
  t.equal((await rateAs(h, round.id, 'east-civil', community(h), { value: 101 })).statusCode, 400)
  t.equal((await rateAs(h, round.id, 'east-civil', community(h), { value: 59.5 })).statusCode, 400)
  t.match((await rateAs(h, round.id, 'east-civil', community(h), { value: 59 })).json(), { value: 59, score: 59, satisfied: false })
  t.match((await rateAs(h, round.id, 'east-civil', street(h), { value: 60 })).json(), { value: 60, satisfied: true })
  t.match((await rateAs(h, round.id, 'east-housing', street(h), { value: 60 })).json(), { value: 60, satisfied: true })
  await send(h, round.id, { type: 'CLOSE' })
  await send(h, round.id, { type: 'PUBLISH' })
  const result = (await get(h, `/v1/evaluations/${round.id}/result`, community(h))).json()
  t.match(result.departments, [{ department: 'east-civil', distribution: null, satisfaction: { score: 59.5, rate: 0.5, met: false }, total: 59.5, rank: 2 }, { department: 'east-housing', total: 60, rank: 1 }])
  t.notOk(JSON.stringify(result).includes('comments'), 'a rater reads the published aggregates')
  t.same(recompute(result), result.departments.map((d: Json) => ({ department: d.department, total: d.total, rank: d.rank })))

  const broken = { ...file, version: '2026.4-city2', parameters: { ...file.parameters, evaluation: { ...file.parameters.evaluation, weights: { satisfaction: 0, admission: 0, burden: 0, funding: 0 } } } }
  t.match((await h.app.inject({ method: 'POST', url: '/v1/policy-packs', headers: admin, payload: broken })).json(), { status: 400, field: 'parameters.evaluation.weights' })
  const levels = { kind: 'levels', levels: [{ code: 'ok', name: { zh: '好', en: 'good' }, score: 100, satisfied: true }, { code: 'ok', name: { zh: '差', en: 'bad' }, score: 0, satisfied: false }] }
  const twice = { ...broken, parameters: { ...file.parameters, evaluation: { ...file.parameters.evaluation, scale: levels } } }
  t.match((await h.app.inject({ method: 'POST', url: '/v1/policy-packs', headers: admin, payload: twice })).json(), { status: 400, field: 'parameters.evaluation.scale.levels[1].code' })
  const unknownSource = { ...broken, parameters: { ...file.parameters, evaluation: { ...file.parameters.evaluation, basis: { ...file.parameters.evaluation.basis, period: { refs: [{ source: 'nowhere', section: '一' }], note: 'x' } } } } }
  t.match((await h.app.inject({ method: 'POST', url: '/v1/policy-packs', headers: admin, payload: unknownSource })).json(), { status: 400, field: 'parameters.evaluation.basis.period.refs[0].source' })
})

t.test('a pack stored before it had evaluation parameters is read with the default pack’s', async (t) => {
  const h = await build(t)
  const row = await h.db.knex('policy_packs').orderBy('seq', 'desc').first()
  const body = JSON.parse(row.body)
  delete body.parameters.evaluation
  await h.db.knex('policy_packs').where({ seq: row.seq }).update({ body: JSON.stringify(body) })
  const round = (await open(h, { period: '2026', departments: ['east-civil'] })).json()
  t.match(round.parameters, { period: 'year', satisfactionTarget: 0.85, scale: { kind: 'levels' } })
  // A city may publish a pack without them too: the default pack's are used.
  const file = (await get(h, '/v1/policy-packs/current')).json()
  delete file.parameters.evaluation
  file.version = '2026.4-city'
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/policy-packs', headers: h.auth('admin', 'city', 'pack.admin'), payload: file })).statusCode, 201)
  t.match((await open(h, { period: '2026', departments: ['west-civil'] }, office(h, 'west'))).json().parameters, { period: 'year', ratingWorkingDays: 10 })
})

t.test('concurrent ratings: many raters at once all land; one rater twice at once, one wins and both are kept', async (t) => {
  const h = await build(t)
  const opened = await Promise.all([open(h, { period: '2026', departments: ['west-civil'] }, h.auth('office', 'west', 'office.west')), open(h, { period: '2026', departments: ['west-civil'] }, h.auth('office', 'west', 'office.west2'))])
  t.same(opened.map((a) => a.statusCode).sort(), [201, 409], 'two offices opening one round at once: one round')
  const round = await started(h, { period: '2026', departments: ['east-civil', 'east-housing'] })
  const raters = [street(h, 'east-s1'), street(h, 'east-s2'), ...['east-s1-c1', 'east-s1-c2', 'east-s2-c1', 'east-s2-c2'].map((c) => community(h, c))]
  const answers = await Promise.all(raters.flatMap((r) => ['east-civil', 'east-housing'].map((d) => rateAs(h, round.id, d, r, { value: 'basically_satisfied' }))))
  t.same(answers.map((a) => a.statusCode), Array(12).fill(201))
  const all = (await get(h, `/v1/evaluations/${round.id}/ratings?all=true`, office(h))).json().items
  t.equal(all.length, 12)
  t.equal(new Set(all.map((r: Json) => r.version)).size, 12, 'one version each')
  t.equal((await get(h, `/v1/evaluations/${round.id}`, office(h))).json().version, 2 + 12)

  const twice = await Promise.all([rateAs(h, round.id, 'east-civil', community(h), { value: 'satisfied' }), rateAs(h, round.id, 'east-civil', community(h), { value: 'dissatisfied' })])
  t.same(twice.map((a) => a.statusCode), [200, 200])
  const mine = (await get(h, `/v1/evaluations/${round.id}/ratings?all=true`, community(h))).json().items.filter((r: Json) => r.department === 'east-civil')
  t.equal(mine.length, 3, 'the first and both replacements are kept')
  t.equal(mine.filter((r: Json) => r.current).length, 1, 'one is current')
  const current = mine.find((r: Json) => r.current)
  t.equal(current.version, Math.max(...mine.map((r: Json) => r.version)), 'the later write wins')

  // The office closes while raters rate: each rating lands before the close or is refused with the state.
  const race = await Promise.all([...raters.map((r) => rateAs(h, round.id, 'east-housing', r, { value: 'satisfied' })), send(h, round.id, { type: 'CLOSE' })])
  t.ok(race.every((a) => a.statusCode === 200 || a.statusCode === 409), race.map((a) => a.statusCode).join(','))
  t.equal(race.at(-1)!.statusCode, 200, 'an office that named no version closes over the ratings that came first')
  const closedVersion = (await get(h, `/v1/evaluations/${round.id}`, office(h))).json().version
  const after = (await get(h, `/v1/evaluations/${round.id}/ratings?all=true`, office(h))).json().items
  t.ok(after.every((r: Json) => r.version < closedVersion), 'no rating is written after the close')
  // Two offices publishing at once: one wins, the other is told.
  const pub = await Promise.all([send(h, round.id, { type: 'PUBLISH' }), send(h, round.id, { type: 'PUBLISH' }, h.auth('admin', 'city', 'admin'))])
  t.same(pub.map((a) => a.statusCode).sort(), [200, 409])
})

t.test('a rating that lands between the office reading its round and writing its CLOSE: planned again without a version, refused with one', async (t) => {
  const h = await build(t)
  const round = await started(h, { period: '2026', departments: ['east-civil'] })
  const office = { sub: 'office.east', role: 'office' as const, org: 'east' }
  // The race as it lands, made certain: the office's write is held until a rating has been written.
  const racing = (value: string) => {
    let raced = false
    return {
      ...h.app.gate,
      commits: {
        write: async (plan: Parameters<typeof h.app.gate.commits.write>[0]) => {
          if (!raced) {
            raced = true
            t.equal((await rateAs(h, round.id, 'east-civil', community(h), { value })).statusCode < 300, true, 'a rating lands first')
          }
          return h.app.gate.commits.write(plan)
        }
      }
    } as typeof h.app.gate
  }
  const pinned = await applyRoundEvent(racing('satisfied'), round.id, office, { type: 'CLOSE', version: round.version }, null).then(() => null, (e: unknown) => e)
  t.match(pinned, { status: 409, extensions: { currentState: 'rating' } }, 'with the version it read, the office is told the round changed')
  const closed = await applyRoundEvent(racing('dissatisfied'), round.id, office, { type: 'CLOSE' }, null)
  t.equal(closed.state, 'closed', 'without one, it closes over the rating that came first')
  const ratings = (await get(h, `/v1/evaluations/${round.id}/ratings?all=true`, h.auth('office', 'east', 'office.east'))).json().items
  t.same(ratings.map((r: Json) => r.value), ['satisfied', 'dissatisfied'], 'both ratings are kept')
  t.ok(ratings.every((r: Json) => r.version < closed.version), 'both before the close')
})

t.test('idempotent: an event retried with its key is answered again, a rating repeated changes nothing', async (t) => {
  const h = await build(t)
  const created = await h.app.inject({ method: 'POST', url: '/v1/evaluations', headers: { ...office(h), 'idempotency-key': 'open-1' }, payload: { period: '2026', departments: ['east-civil'] } })
  const retried = await h.app.inject({ method: 'POST', url: '/v1/evaluations', headers: { ...office(h), 'idempotency-key': 'open-1' }, payload: { period: '2026', departments: ['east-civil'] } })
  t.equal(created.statusCode, 201)
  t.equal(retried.statusCode, 201, 'the stored answer again, not a 409')
  t.equal(retried.json().id, created.json().id, 'not a second round')
  t.equal(Number((await h.db.knex('evaluation_rounds').count({ n: '*' }))[0]!.n), 1)
  const id = created.json().id
  const first = await send(h, id, { type: 'START' }, office(h), { 'idempotency-key': 'start-1' })
  const second = await send(h, id, { type: 'START' }, office(h), { 'idempotency-key': 'start-1' })
  t.equal(first.statusCode, 200)
  t.equal(second.statusCode, 200, 'the retry is no second START')
  t.same(second.json(), first.json())
  t.equal((await get(h, `/v1/evaluations/${id}`, office(h))).json().version, 2)
  for (let i = 0; i < 3; i++) await rateAs(h, id, 'east-civil', street(h), { value: 'satisfied', respondents: 12 })
  t.equal((await get(h, `/v1/evaluations/${id}/ratings?all=true`, street(h))).json().items.length, 1)
  t.equal((await get(h, `/v1/evaluations/${id}`, office(h))).json().version, 3)
})

t.test('funding that arrived after the grace period counts against the department, once per target', async (t) => {
  let now = TEST_NOW
  const h = await build(t, { now: () => now })
  const task = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'city-civil', 'li.min'), payload: cityTask })).json()
  const [onTime, late] = cityTask.targets
  const confirm = (c: string) => h.app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/funding-confirmations`, headers: community(h, c), payload: { status: 'received', amount: 8000 } })
  now = new Date('2026-11-24T02:00:00Z')
  t.equal((await confirm(onTime!)).statusCode, 201)
  // The period starts on 23 November; 20 working days later is 21 December.
  now = new Date('2026-12-28T02:00:00Z')
  t.equal((await confirm(late!)).statusCode, 201)
  t.equal((await confirm(late!)).statusCode, 201, 'said again: still one target')
  t.equal((await confirm(onTime!)).statusCode, 201, 'on time stays on time')
  const round = await started(h, { period: '2026', departments: ['city-civil'] })
  const result = (await get(h, `/v1/evaluations/${round.id}/result`, office(h))).json()
  t.match(result.departments, [{ department: 'city-civil', record: { admitted: 1, unfunded: 0, lateFunding: 1 }, components: { funding: 80 } }])
  t.same(recompute(result).map((r) => r.total), result.departments.map((d: Json) => d.total))
})
