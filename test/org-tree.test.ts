import t from 'tap'
import { buildApp } from '../src/app.js'
import { build, demoCommunities, TEST_NOW, TEST_SECRET, type Harness } from './helper.js'

// A city keeps its own tree: units are renamed, moved and closed (never deleted), imported in
// bulk from CSV or JSON, and each admin administers only its part. Tokens are believed only for
// an open org of a kind their role acts for; streets are principals of their own.

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

const submit = (h: Harness, department: string, payload: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', department), payload: { ...payload, submit: true } })
const patch = (h: Harness, id: string, payload: Record<string, unknown>, headers = h.auth('admin', 'city')) =>
  h.app.inject({ method: 'PATCH', url: `/v1/org-units/${id}`, headers, payload })
const unit = async (h: Harness, id: string) => (await h.app.inject({ method: 'GET', url: `/v1/org-units/${id}` })).json()

t.test('rename, move, close and reopen a unit; its history is kept and nothing is deleted', async (t) => {
  const h = await build(t)
  const renamed = await patch(h, 'east-s1-c1', { name: '  东湖街道东湖新村社区 ' })
  t.equal(renamed.statusCode, 200, renamed.body)
  t.same(renamed.json(), { id: 'east-s1-c1', kind: 'community', name: '东湖街道东湖新村社区', parentId: 'east-s1', sector: null, closedAt: null })

  const ledger = async (area: string) => (await h.app.inject({ method: 'GET', url: `/v1/org-units/${area}/burden`, headers: h.auth('office', 'east') })).json()
  t.equal((await ledger('east-s1')).totals.communities, 2)
  const moved = await patch(h, 'east-s1-c2', { parentId: 'east-s2' })
  t.equal(moved.json().parentId, 'east-s2')
  t.equal((await ledger('east-s1')).totals.communities, 1, 'the street’s kept totals follow the move')
  t.same((await ledger('east-s2')).items.map((i: { community: string }) => i.community), ['east-s1-c2', 'east-s2-c1', 'east-s2-c2'])
  t.same((await h.app.inject({ method: 'GET', url: '/v1/org-units?parentId=east-s2&kind=community' })).json().items.map((u: { id: string }) => u.id), ['east-s1-c2', 'east-s2-c1', 'east-s2-c2'])
  // The moved community is now of 青山街道: a task of the street's own department reaches it, the old street's does not.
  const street = await submit(h, 'east-s1-office', assisted({ targets: ['east-s1-c2'] }))
  t.equal(street.statusCode, 400)
  t.equal(street.json().field, 'targets[0]')

  const refusals: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['east-s1-c1', { parentId: 'east' }, 'parentId', /must sit under street/],
    ['east', { parentId: 'east-s1' }, 'parentId', /must sit under city/],
    ['east-s1', { parentId: 'nowhere' }, 'parentId', /does not exist/],
    ['east-civil', { sector: null }, 'sector', /required for a department/],
    ['east-civil', { sector: 'astrology' }, 'sector', /not a sector/],
    ['east-s1', { sector: 'civil_affairs' }, 'sector', /only for departments/],
    ['east-s1', { closed: true }, 'closed', /open units still sit under "east-s1" \(east-s1-c1, east-s1-office\)/]
  ]
  for (const [id, body, field, message] of refusals) {
    const res = await patch(h, id, body)
    t.equal(res.statusCode, 400, `${id} ${JSON.stringify(body)}`)
    t.equal(res.json().field, field)
    t.match(res.json().invalidParams[0].messages.en, message)
  }
  t.same((await patch(h, 'east-civil', { sector: 'health' })).json().sector, 'health', 'a department moves to another sector')
  t.same((await patch(h, 'east-civil', { sector: 'civil_affairs' })).json().sector, 'civil_affairs', 'and back')
  t.equal((await patch(h, 'nowhere', { name: '无' })).statusCode, 404)
  t.equal((await patch(h, 'east-s1', {})).statusCode, 400, 'a change changes something')
  t.equal((await patch(h, 'east-s1', { kind: 'district' })).json().field, 'kind', 'a kind never changes')

  // Closing: the unit stays, with its history, and takes no new work; its staff's tokens are refused.
  const closed = await patch(h, 'east-s1-c1', { closed: true })
  t.equal(closed.statusCode, 200)
  t.match(closed.json().closedAt, /^2026-10-09T/)
  t.equal((await unit(h, 'east-s1-c1')).closedAt, closed.json().closedAt, 'still there')
  t.notOk((await h.app.inject({ method: 'GET', url: '/v1/org-units?parentId=east-s1' })).json().items.some((u: { id: string }) => u.id === 'east-s1-c1'), 'browsing leaves it out')
  t.ok((await h.app.inject({ method: 'GET', url: '/v1/org-units?parentId=east-s1&includeClosed=true' })).json().items.some((u: { id: string }) => u.id === 'east-s1-c1'), 'unless asked')
  const toClosed = await submit(h, 'east-civil', assisted({ targets: ['east-s1-c1', 'east-s2-c1'] }))
  t.equal(toClosed.statusCode, 400)
  t.match(toClosed.json().invalidParams, [{ field: 'targets[0]', messages: { zh: /已于2026-10-09撤销/, en: /was closed on 2026-10-09/ } }])
  const staff = await h.app.inject({ method: 'GET', url: '/v1/tasks', headers: h.auth('community', 'east-s1-c1') })
  t.equal(staff.statusCode, 403)
  t.match(staff.json().message.en, /"east-s1-c1" \(东湖街道东湖新村社区\) is closed/)
  t.equal((await patch(h, 'east-s1-office', { closed: true })).statusCode, 200)
  t.equal((await patch(h, 'east-s1', { closed: true })).statusCode, 200, 'a street closes once nothing open is under it')
  t.match((await patch(h, 'east-s1-c1', { closed: false })).json().invalidParams[0].messages.en, /"east-s1" is closed: no open unit sits under it/)
  t.equal((await patch(h, 'east-s1', { closed: false })).json().closedAt, null, 'reopened')
  t.equal((await patch(h, 'east-s1-c1', { closed: false })).json().closedAt, null)
  t.equal((await submit(h, 'east-civil', assisted({ targets: ['east-s1-c1'] }))).json().state, 'admitted', 'open again, it takes work again')

  const history = await h.app.inject({ method: 'GET', url: '/v1/org-units/east-s1-c1/changes', headers: h.auth('admin', 'city', 'ops.zhang') })
  t.equal(history.statusCode, 200)
  t.match(history.json().items, [
    { change: 'create', before: null, after: { name: '东湖一社区' }, actor: { sub: 'zhunru-demo' } },
    { change: 'update', before: { name: '东湖一社区' }, after: { name: '东湖街道东湖新村社区' }, actor: { sub: 'admin.city', org: 'city' } },
    { change: 'close', before: { closedAt: null }, after: { closedAt: closed.json().closedAt } },
    { change: 'reopen', after: { closedAt: null } }
  ])
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/org-units/nowhere/changes', headers: h.auth('admin', 'city') })).statusCode, 404)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/org-units/east-s1-c1/changes', headers: h.auth('office', 'city') })).statusCode, 403)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/org-units/west-s1/changes', headers: h.auth('admin', 'east') })).statusCode, 403, 'a district admin reads its own district’s history')
})

t.test('a change made through one server process is seen by the others at once', async (t) => {
  const h = await build(t)
  const other = await buildApp({ database: h.db, jwtSecret: TEST_SECRET, now: () => TEST_NOW })
  t.teardown(() => other.close())
  const viaOther = (payload: Record<string, unknown>) =>
    other.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'east-civil'), payload: { ...payload, submit: true } })
  t.equal((await viaOther(assisted({ targets: ['east-s1-c2'] }))).json().state, 'admitted', 'the other process has read east-s1-c2')
  t.equal((await patch(h, 'east-s1-c2', { closed: true })).statusCode, 200)
  t.equal((await viaOther(assisted({ targets: ['east-s1-c2'] }))).statusCode, 400, 'and knows at once that it closed')
  t.equal((await other.inject({ method: 'GET', url: '/v1/tasks', headers: h.auth('community', 'east-s1-c2') })).statusCode, 403)
  t.equal((await patch(h, 'east-civil', { parentId: 'west' })).statusCode, 200, 'a department moves to another district')
  const moved = await viaOther(assisted({ targets: ['west-s1-c1'] }))
  t.equal(moved.json().decider.orgUnit, 'west', 'its next task is decided in the district it moved to')
})

t.test('a token is believed only for an open org of a kind its role acts for', async (t) => {
  const h = await build(t)
  const cases: Array<[string, string, RegExp]> = [
    ['office', 'east-s1-c1', /the role office acts for a city or district; the token's org "east-s1-c1" is a community/],
    ['community', 'east-s1', /acts for a community; .* is a street/],
    ['street', 'east-s1-c1', /acts for a street; .* is a community/],
    ['department', 'east', /acts for a department; .* is a district/],
    ['leading_group', 'east-civil', /acts for a city or district/],
    ['admin', 'east-s1', /acts for a city or district/],
    ['community', 'atlantis', /the token's org "atlantis" does not exist/]
  ]
  for (const [role, org, why] of cases) {
    // Refused even where no token is needed: a token that claims what it is not is not ignored.
    const res = await h.app.inject({ method: 'GET', url: '/v1/catalogs', headers: h.auth(role as never, org) })
    t.equal(res.statusCode, 403, `${role} of ${org}`)
    t.match(res.headers['content-type'], /application\/problem\+json/)
    t.match(res.json().message.en, why)
  }
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/catalogs', headers: h.auth('street', 'east-s1') })).statusCode, 200)
})

t.test('street staff confirm the funding of street-level tasks and answer consultations', async (t) => {
  const h = await build(t)
  const streetTask = await submit(h, 'east-emergency', {
    title: '配合做好辖区生产经营单位安全生产工作',
    description: '街道配合区应急管理局做好辖区生产经营单位安全生产相关工作。',
    targetLevel: 'street',
    targets: ['east-s1', 'east-s2'],
    kind: 'service',
    catalogItem: 'SAT-01',
    legalBasis: [{ title: '《中华人民共和国安全生产法》', article: '第九条' }],
    funding: { perTarget: 20000, source: '区财政安全生产专项', committed: true },
    period: { start: '2027-01-01', end: '2027-12-31' },
    workloadHours: 200
  })
  t.equal(streetTask.json().state, 'admitted', streetTask.body)
  const confirm = (role: string, org: string) =>
    h.app.inject({ method: 'POST', url: `/v1/tasks/${streetTask.json().id}/funding-confirmations`, headers: h.auth(role as never, org), payload: { status: 'received', amount: 20000 } })
  t.equal((await confirm('street', 'east-s1')).statusCode, 201, 'the street confirms its funding')
  const notTarget = await confirm('community', 'east-s1-c1')
  t.equal(notTarget.statusCode, 403)
  t.match(notTarget.json().message.en, /only a street or community the task targets/)
  t.equal((await confirm('street', 'west-s1')).statusCode, 403, 'a street not targeted')
  const funding = await h.app.inject({ method: 'GET', url: `/v1/tasks/${streetTask.json().id}/funding-confirmations`, headers: h.auth('street', 'east-s1') })
  t.match(funding.json().items, [{ community: 'east-s1', status: 'received' }])

  // A task on no list: the office asks a street, whose staff answer themselves.
  const escalated = await submit(h, 'east-civil', {
    ...assisted(),
    title: '协助开展社区养老服务需求调查',
    catalogItem: undefined,
    legalBasis: [{ title: '《中华人民共和国老年人权益保障法》', article: '第三十七条' }]
  })
  t.equal(escalated.json().state, 'escalated', escalated.body)
  const id = escalated.json().id
  const office = h.auth('office', 'east')
  await h.app.inject({ method: 'POST', url: `/v1/tasks/${id}/events`, headers: office, payload: { type: 'OPEN_CONSULTATION', consultation: { mode: 'sample', invited: ['east-s1'] } } })
  const asStreet = await h.app.inject({ method: 'GET', url: `/v1/tasks/${id}`, headers: h.auth('street', 'east-s1') })
  t.ok(asStreet.json().enabledEvents.includes('CONSULTATION_REPLY'), 'offered to the invited street')
  const reply = await h.app.inject({ method: 'POST', url: `/v1/tasks/${id}/events`, headers: h.auth('street', 'east-s1'), payload: { type: 'CONSULTATION_REPLY', reply: '街道同意,请配备经费' } })
  t.equal(reply.statusCode, 200, reply.body)
  t.match(reply.json().review.consultation.replies, [{ role: 'street', org: 'east-s1', text: '街道同意,请配备经费' }])
  const uninvited = await h.app.inject({ method: 'POST', url: `/v1/tasks/${id}/events`, headers: h.auth('street', 'east-s2'), payload: { type: 'CONSULTATION_REPLY', reply: '我们也说' } })
  t.equal(uninvited.statusCode, 403)
  t.match(uninvited.json().message.en, /this street was not asked/)

  // A street reports a task that bypassed the gate, like a community does.
  const report = await h.app.inject({
    method: 'POST',
    url: '/v1/burden-reports',
    headers: h.auth('street', 'east-s1'),
    payload: { department: 'west-housing', what: '要求街道填报台账', askedOn: '2026-10-01', evidence: '微信群通知截图' }
  })
  t.equal(report.statusCode, 400)
  t.match(report.json().message.en, /does not contain this street/)
  t.equal(
    (
      await h.app.inject({
        method: 'POST',
        url: '/v1/burden-reports',
        headers: h.auth('street', 'east-s1'),
        payload: { department: 'east-housing', what: '要求街道填报台账', askedOn: '2026-10-01', evidence: '微信群通知截图' }
      })
    ).statusCode,
    201
  )
})

t.test('an admin administers its own part of the tree', async (t) => {
  const h = await build(t)
  const eastAdmin = h.auth('admin', 'east')
  t.equal((await patch(h, 'east-s1-c1', { name: '东湖新村社区' }, eastAdmin)).statusCode, 200)
  const foreign = await patch(h, 'west-s1-c1', { name: '西岭新村社区' }, eastAdmin)
  t.equal(foreign.statusCode, 403)
  t.match(foreign.json().message.en, /"west-s1-c1" is outside what the admin of east administers/)
  t.equal((await patch(h, 'east-s1-c1', { parentId: 'west-s1' }, eastAdmin)).statusCode, 403, 'nor moves a unit out of its district')
  t.equal((await patch(h, 'west-s1-c1', { parentId: 'east-s1' }, eastAdmin)).statusCode, 403, 'nor into it')
  t.equal((await patch(h, 'east', { name: '东湖新区' }, eastAdmin)).statusCode, 200, 'its own district it may rename')
  const create = (payload: Record<string, unknown>, headers: Record<string, string>) => h.app.inject({ method: 'POST', url: '/v1/org-units', headers, payload })
  t.equal((await create({ id: 'east-s1-c3', kind: 'community', name: '东湖三社区', parentId: 'east-s1' }, eastAdmin)).statusCode, 201)
  t.equal((await create({ id: 'west-s1-c3', kind: 'community', name: '西岭三社区', parentId: 'west-s1' }, eastAdmin)).statusCode, 403)
  const root = await create({ id: 'city2', kind: 'city', name: '另一市', parentId: null }, eastAdmin)
  t.equal(root.statusCode, 403)
  t.match(root.json().message.en, /only an admin of a whole city/)
  t.equal((await create({ id: 'city2', kind: 'city', name: '另一市', parentId: null }, h.auth('admin', 'city'))).statusCode, 201)
  // The lists are the city's: a district's admin may try a pack file, not publish it.
  const pack = (await h.app.inject({ method: 'GET', url: '/v1/policy-packs/current' })).json()
  const edited = { ...pack, name: { ...pack.name, en: 'East lake’s own pack' } }
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/policy-packs?dryRun=true', headers: eastAdmin, payload: edited })).statusCode, 200)
  const publish = await h.app.inject({ method: 'POST', url: '/v1/policy-packs', headers: eastAdmin, payload: edited })
  t.equal(publish.statusCode, 403)
  t.match(publish.json().message.en, /the policy pack is the whole city's/)

  // What it reads is its district's too.
  const escalated = await submit(h, 'west-housing', { ...assisted(), targets: ['west-s1-c1'], catalogItem: undefined, title: '协助开展老旧小区改造意愿调查', legalBasis: [{ title: '《城市居民委员会组织法》' }] })
  t.equal(escalated.json().state, 'escalated', escalated.body)
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/tasks/${escalated.json().id}`, headers: eastAdmin })).statusCode, 404, 'another district’s escalated task')
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/tasks/${escalated.json().id}`, headers: h.auth('admin', 'west') })).statusCode, 200)
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/tasks/${escalated.json().id}`, headers: h.auth('admin', 'city') })).statusCode, 200)
  const listed = async (headers: Record<string, string>) => (await h.app.inject({ method: 'GET', url: '/v1/tasks?state=escalated', headers })).json().items.map((i: { id: string }) => i.id)
  t.notOk((await listed(eastAdmin)).includes(escalated.json().id))
  t.ok((await listed(h.auth('admin', 'west'))).includes(escalated.json().id))
  t.ok((await listed(h.auth('admin', 'city'))).includes(escalated.json().id))
  const overdue = await h.app.inject({ method: 'GET', url: '/v1/reviews/overdue', headers: eastAdmin })
  t.equal(overdue.statusCode, 200)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/org-units/west-s1/burden', headers: eastAdmin })).statusCode, 403)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/org-units/east-s1/burden', headers: eastAdmin })).statusCode, 200)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/departments/west-housing/scorecard', headers: eastAdmin })).statusCode, 403)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/departments/east-housing/scorecard', headers: eastAdmin })).statusCode, 200)
})

const CSV_HEADER = 'id,kind,name,parentId,sector,closed'

t.test('the org tree imported from JSON: upsert by id, a dry run, an error per bad row, all or nothing', async (t) => {
  const h = await build(t)
  const admin = h.auth('admin', 'city')
  const load = (units: unknown[], query = '', headers = admin) => h.app.inject({ method: 'POST', url: `/v1/org-units/import${query}`, headers, payload: { units } })
  // Children before their parents, as files come: the import orders them itself.
  const units = [
    { id: 'north-s1-c1', kind: 'community', name: '北湖一社区', parentId: 'north-s1' },
    { id: 'north-s1', kind: 'street', name: '北湖街道', parentId: 'north' },
    { id: 'north', kind: 'district', name: '北湖区', parentId: 'city' },
    { id: 'north-civil', kind: 'department', name: '北湖区民政局', parentId: 'north', sector: 'civil_affairs' },
    { id: 'east-s1-c1', name: '东湖新村社区' },
    { id: 'east-s1-c2', kind: 'community', name: '东湖二社区', parentId: 'east-s1' }
  ]
  const dry = await load(units, '?dryRun=true')
  t.equal(dry.statusCode, 200, dry.body)
  t.same(dry.json(), {
    dryRun: true,
    summary: { created: 4, updated: 1, unchanged: 1 },
    items: [
      { row: 0, id: 'north-s1-c1', outcome: 'created', changes: {} },
      { row: 1, id: 'north-s1', outcome: 'created', changes: {} },
      { row: 2, id: 'north', outcome: 'created', changes: {} },
      { row: 3, id: 'north-civil', outcome: 'created', changes: {} },
      { row: 4, id: 'east-s1-c1', outcome: 'updated', changes: { name: { from: '东湖一社区', to: '东湖新村社区' } } }
    ]
  })
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/org-units/north' })).statusCode, 404, 'a dry run stores nothing')
  const done = await load(units)
  t.equal(done.json().dryRun, false)
  t.equal(done.json().summary.created, 4)
  t.equal((await unit(h, 'north-s1-c1')).parentId, 'north-s1')
  t.equal((await unit(h, 'east-s1-c1')).name, '东湖新村社区')
  t.match((await load(units)).json(), { summary: { created: 0, updated: 0, unchanged: 6 }, items: [] }, 'the same file again changes nothing')
  t.equal((await submit(h, 'north-civil', assisted({ targets: ['north-s1-c1'] }))).json().state, 'admitted', 'the imported tree is the gate’s at once')

  // Every bad row is named, and nothing is stored.
  const bad = await load([
    { id: 'south', kind: 'district', name: '南湖区', parentId: 'city' },
    { id: 'bad id', kind: 'street', name: 'x', parentId: 'south' },
    { id: 'south-s1', kind: 'street', name: '', parentId: 'south' },
    { id: 'south-s2', kind: 'street', name: '南湖二街道', parentId: 'nowhere' },
    { id: 'south-c1', kind: 'community', name: '南湖一社区', parentId: 'south' },
    { id: 'south', kind: 'district', name: '南湖区', parentId: 'city' },
    { id: 'east', kind: 'street', name: '东湖区' },
    { id: 'south-x', kind: 'planet', name: 'x', parentId: 'south' },
    { id: 'south-d', kind: 'department', name: '南湖区民政局', parentId: 'south', sector: 3 },
    { id: 'south-e', kind: 'department', name: '南湖区民政局', parentId: 7, sector: 'civil_affairs' },
    { id: 'south-f', kind: 'street', name: '南湖三街道', parentId: 'south', closed: 'maybe', colour: 'red' },
    null,
    { id: 'east-s1', parentId: 'east-s1-c1' },
    { id: 'south-g', kind: 'street', name: '南湖四街道', parentId: 'south', closed: 5 },
    { id: 'south-h', kind: 'street', name: 5, parentId: 'south' },
    // A new city needs no parentId: nothing wrong with this one.
    { id: 'south-city', kind: 'city', name: '南城' }
  ])
  t.equal(bad.statusCode, 400)
  t.match(bad.json().detail, /^15 problems; nothing was changed$/)
  t.same(
    bad.json().invalidParams.map((p: { field: string }) => p.field),
    [
      'units[1].id',
      'units[2].name',
      'units[5].id',
      'units[6].kind',
      'units[7].kind',
      'units[8].sector',
      'units[9].parentId',
      'units[10].colour',
      'units[10].closed',
      'units[11]',
      'units[13].closed',
      'units[14].name',
      'units[3].parentId',
      'units[4].parentId',
      'units[12].parentId'
    ]
  )
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/org-units/south' })).statusCode, 404, 'all or nothing')

  t.equal((await load(units, '', h.auth('office', 'city'))).statusCode, 403)
  const outside = await load([{ id: 'west-s1-c1', name: '西岭新村' }], '', h.auth('admin', 'east'))
  t.equal(outside.statusCode, 403)
  t.match(outside.json().message.en, /outside what the admin of east administers/)
  t.equal((await load([{ id: 'east-s1-c1', name: '东湖一社区' }], '?dryRun=true', h.auth('admin', 'east'))).json().summary.updated, 1, 'inside it, it may')
  for (const [body, why] of [
    [{}, 'no units'],
    [{ units: 'x' }, 'not an array'],
    [[{ id: 'x' }], 'an array, not { units }']
  ] as const) {
    t.equal((await h.app.inject({ method: 'POST', url: '/v1/org-units/import', headers: admin, payload: body as never })).statusCode, 400, why)
  }
})

t.test('the org tree imported from a spreadsheet saved as CSV', async (t) => {
  const h = await build(t)
  const admin = { ...h.auth('admin', 'city'), 'content-type': 'text/csv' }
  const load = (csv: string, query = '') => h.app.inject({ method: 'POST', url: `/v1/org-units/import${query}`, headers: admin, payload: csv })
  const csv = [
    `\uFEFF${CSV_HEADER}`,
    'north,district,北湖区,city,,',
    '"north-s1",street,"北湖街道(原北湖镇,2026年撤镇设街)",north,,',
    'north-s1-c1,community,北湖一社区,north-s1,,',
    '',
    'north-civil,department,北湖区民政局,north,civil_affairs,false',
    'east-s1-c2,community,东湖二社区,east-s1,,true'
  ].join('\r\n')
  const dry = await load(csv, '?dryRun=true')
  t.equal(dry.statusCode, 200, dry.body)
  t.match(dry.json(), { dryRun: true, summary: { created: 4, updated: 1 }, items: [{ row: 2, id: 'north' }, { row: 3, id: 'north-s1' }, { row: 4 }, { row: 6 }, { row: 7, id: 'east-s1-c2', changes: { closed: { from: false, to: true } } }] })
  t.equal((await load(csv)).statusCode, 200)
  t.equal((await unit(h, 'north-s1')).name, '北湖街道(原北湖镇,2026年撤镇设街)', 'a quoted comma is part of the name')
  t.match((await unit(h, 'east-s1-c2')).closedAt, /^2026/)
  t.equal((await load(csv)).json().summary.unchanged, 5)

  // A file without the columns it does not change keeps what it leaves out.
  t.match((await load('id,name\nnorth-s1-c1,北湖新村社区\n')).json(), { summary: { updated: 1 }, items: [{ row: 2, changes: { name: { to: '北湖新村社区' } } }] })
  t.equal((await unit(h, 'north-s1-c1')).parentId, 'north-s1')

  const bad = await load(`${CSV_HEADER}\nsouth,district,南湖区,city,,\nsouth-s1,street,,south,,\nsouth-c1,community,南湖一社区,south,,\n`)
  t.equal(bad.statusCode, 400)
  t.same(bad.json().invalidParams.map((p: { field: string }) => p.field), ['line 3: name', 'line 4: parentId'])
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/org-units/south' })).statusCode, 404)
  const plain = await h.app.inject({ method: 'POST', url: '/v1/org-units/import', headers: { ...admin, 'content-type': 'text/plain' }, payload: csv })
  t.equal(plain.statusCode, 415, 'text/plain is not taken for CSV')
  t.match(plain.json().message.en, /application\/json or text\/csv/)
  const tooMany = await load(`id\n${Array.from({ length: 20001 }, (_, i) => `u${i}`).join('\n')}\n`)
  t.equal(tooMany.json().field, 'body', 'at most 20,000 units in one import')
  t.match(tooMany.json().message.en, /more than 20000 rows/)
  for (const [body, field] of [
    ['', 'header'],
    ['name,kind\n北湖,district\n', 'header'],
    ['id,kind,colour\nx,city,red\n', 'header'],
    [`${CSV_HEADER}\n"unterminated,district,x,city,,\n`, 'body'],
    [`${CSV_HEADER}\nx,district,x,city\n`, 'body']
  ]) {
    const res = await load(body!)
    t.equal(res.statusCode, 400, body)
    t.equal(res.json().field, field)
  }
})

t.test('a city-sized import', async (t) => {
  const h = await build(t)
  const lines = [CSV_HEADER]
  for (let s = 1; s <= 20; s++) {
    lines.push(`big-s${s},street,大城${s}街道,east,,`)
    for (let c = 1; c <= 40; c++) lines.push(`big-s${s}-c${c},community,大城${s}街道${c}社区,big-s${s},,`)
  }
  const res = await h.app.inject({ method: 'POST', url: '/v1/org-units/import', headers: { ...h.auth('admin', 'east'), 'content-type': 'text/csv' }, payload: lines.join('\n') })
  t.equal(res.statusCode, 200, res.body.slice(0, 500))
  t.equal(res.json().summary.created, 820)
  const page = await h.app.inject({ method: 'GET', url: '/v1/org-units?parentId=big-s20&limit=200' })
  t.equal(page.json().items.length, 40)
})
