import t from 'tap'
import { build, demoCommunities } from './helper.js'

const eastS1 = demoCommunities('east-s1')

/** A realistic assisted item of the civil-affairs sector, with funding: the gate admits it. */
const fundedAssistance = (over: Record<string, unknown> = {}) => ({
  title: '协助开展城乡低保家庭困难排查与公示',
  description: '社区协助民政部门开展低保家庭入户走访、困难排查,并在社区公示栏公示审核结果。',
  targetLevel: 'community',
  targets: eastS1,
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条' }],
  funding: { perTarget: 20000, source: '区财政社会救助专项', committed: true },
  period: { start: '2027-03-01', end: '2027-12-31' },
  workloadHours: 120,
  ...over
})

t.test('a department creates a draft, submits it, and the decision is stored with its history', async (t) => {
  const { app, auth } = await build(t)
  const dept = auth('department', 'east-civil', 'zhao.lei')
  const created = await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: fundedAssistance() })
  t.equal(created.statusCode, 201, created.body)
  const draft = created.json()
  t.equal(draft.state, 'draft')
  t.equal(draft.version, 1)
  t.equal(draft.screening, null)
  t.same(draft.decider, { level: 'district', orgUnit: 'east', body: 'leading_group' })
  t.equal(created.headers.location, `/v1/tasks/${draft.id}`)
  t.same(draft.enabledEvents, ['REVISE', 'SUBMIT', 'WITHDRAW'])

  const submitted = await app.inject({ method: 'POST', url: `/v1/tasks/${draft.id}/events`, headers: dept, payload: { type: 'SUBMIT', version: 1 } })
  t.equal(submitted.statusCode, 200, submitted.body)
  const task = submitted.json()
  t.equal(task.state, 'admitted')
  t.equal(task.version, 2)
  t.equal(task.screening.outcome, 'admit')
  t.equal(task.screening.findings[0].rule, 'catalog_match')
  t.equal(task.screening.policy.id, 'zhunru-default')
  t.match(task.screening.policy.hash, /^sha256:[0-9a-f]{64}$/)

  const history = await app.inject({ method: 'GET', url: `/v1/tasks/${draft.id}/events`, headers: dept })
  t.equal(history.statusCode, 200)
  const events = history.json().items
  t.same(
    events.map((e: { type: string; from: string | null; to: string; version: number }) => [e.type, e.from, e.to, e.version]),
    [
      ['CREATE', null, 'draft', 1],
      ['SUBMIT', 'draft', 'admitted', 2]
    ]
  )
  t.equal(events[1].actor.sub, 'zhao.lei')
  t.equal(events[1].outcome, 'admit')
  t.equal(events[1].policy.version, task.screening.policy.version)
  t.same(events[1].findings, task.screening.findings)

  // Admitted tasks are public.
  const anonymous = await app.inject({ method: 'GET', url: `/v1/tasks/${draft.id}` })
  t.equal(anonymous.statusCode, 200)
  t.equal(anonymous.json().state, 'admitted')
})

t.test('create and submit in one call; the dry run gives the same answer and stores nothing', async (t) => {
  const { app, auth } = await build(t)
  const dept = auth('department', 'east-civil')
  const dry = await app.inject({ method: 'POST', url: '/v1/screenings', headers: dept, payload: fundedAssistance() })
  t.equal(dry.statusCode, 200, dry.body)
  const one = await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...fundedAssistance(), submit: true } })
  t.equal(one.statusCode, 201, one.body)
  t.equal(one.json().state, 'admitted')
  t.same(one.json().screening, dry.json())
  const list = await app.inject({ method: 'GET', url: '/v1/tasks', headers: dept })
  t.equal(list.json().items.length, 1, 'the dry run stored no task')
})

t.test('a dry run without a department cannot claim a catalog item: the sector decides', async (t) => {
  const { app } = await build(t)
  const anonymous = await app.inject({ method: 'POST', url: '/v1/screenings', payload: fundedAssistance() })
  t.equal(anonymous.json().outcome, 'escalate')
  t.ok(anonymous.json().findings.some((f: { rule: string }) => f.rule === 'not_in_catalog'))
  const named = await app.inject({ method: 'POST', url: '/v1/screenings', payload: { ...fundedAssistance(), department: 'city-civil' } })
  t.equal(named.json().outcome, 'admit')
  const wrongSector = await app.inject({ method: 'POST', url: '/v1/screenings', payload: { ...fundedAssistance(), department: 'city-police' } })
  t.equal(wrongSector.json().outcome, 'escalate', 'a police department cannot claim a civil-affairs item')
  const notADepartment = await app.inject({ method: 'POST', url: '/v1/screenings', payload: { ...fundedAssistance(), department: 'east' } })
  t.equal(notADepartment.statusCode, 400)
  t.equal(notADepartment.json().field, 'department')
})

t.test('a returned task is revised and resubmitted; the history keeps both screenings', async (t) => {
  const { app, auth } = await build(t)
  const dept = auth('department', 'east-civil')
  const unfunded = fundedAssistance({ funding: null })
  const first = await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...unfunded, submit: true } })
  const task = first.json()
  t.equal(task.state, 'returned')
  t.equal(task.screening.findings[0].rule, 'funding_required')
  t.same(task.screening.findings[0].evidence[0].field, 'funding')

  const revised = await app.inject({
    method: 'POST',
    url: `/v1/tasks/${task.id}/events`,
    headers: dept,
    payload: { type: 'SUBMIT', changes: { funding: { perTarget: 20000, source: '区财政', committed: true } } }
  })
  t.equal(revised.statusCode, 200, revised.body)
  t.equal(revised.json().state, 'admitted')
  const events = (await app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/events`, headers: dept })).json().items
  t.same(events.map((e: { to: string }) => e.to), ['draft', 'returned', 'admitted'])
  t.same(events[2].changes, ['funding'])
  const firstPage = (await app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/events?limit=2`, headers: dept })).json()
  const rest = (await app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/events?limit=2&cursor=${firstPage.nextCursor}`, headers: dept })).json()
  t.same([...firstPage.items, ...rest.items], events, 'the history pages without gaps or repeats')
  t.equal(rest.nextCursor, null)
  t.equal(events[1].outcome, 'return')

  const foreign = await app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers: auth('department', 'west-civil'), payload: { type: 'WITHDRAW' } })
  t.equal(foreign.statusCode, 403, 'another department sees the admitted task but cannot act on it')
  const again = await app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers: dept, payload: { type: 'WITHDRAW' } })
  t.equal(again.statusCode, 409, 'an admitted task cannot be withdrawn by the department')
  t.equal(again.json().currentState, 'admitted')
})

t.test('REVISE moves a returned task back to draft; WITHDRAW ends it', async (t) => {
  const { app, auth } = await build(t)
  const dept = auth('department', 'east-civil')
  const task = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...fundedAssistance({ funding: null }), submit: true } })).json()
  const revised = await app.inject({
    method: 'POST',
    url: `/v1/tasks/${task.id}/events`,
    headers: dept,
    payload: { type: 'REVISE', changes: { workloadHours: 80, targets: ['east-s2-c1'] } }
  })
  t.equal(revised.json().state, 'draft')
  t.equal(revised.json().workloadHours, 80)
  // The task now reaches the new target and no longer the dropped one.
  const admin = auth('admin', 'city')
  t.same((await app.inject({ method: 'GET', url: '/v1/tasks?target=east-s2-c1', headers: admin })).json().items.map((x: { id: string }) => x.id), [task.id])
  t.same((await app.inject({ method: 'GET', url: '/v1/tasks?target=east-s1-c1', headers: admin })).json().items, [])
  const withdrawn = await app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers: dept, payload: { type: 'WITHDRAW', reason: '任务取消' } })
  t.equal(withdrawn.json().state, 'withdrawn')
  t.same(withdrawn.json().enabledEvents, [])
})

t.test('an escalated city task goes to the city office, then the city leading group decides', async (t) => {
  const { app, auth } = await build(t)
  const dept = auth('department', 'city-civil')
  const newItem = {
    title: '协助开展社区养老服务需求调查',
    description: '入户了解高龄独居老人的养老服务需求,为新建社区养老服务站提供依据。',
    targetLevel: 'community',
    targets: [...eastS1, ...demoCommunities('west-s1')],
    kind: 'service',
    legalBasis: [{ title: '《中华人民共和国老年人权益保障法》', article: '第三十七条' }],
    funding: { perTarget: 5000, source: '市级福彩公益金', committed: true },
    period: { start: '2027-04-01', end: '2027-06-30' },
    workloadHours: 40
  }
  const task = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...newItem, submit: true } })).json()
  t.equal(task.state, 'escalated')
  t.equal(task.stage, 'office_review')
  t.same(task.decider, { level: 'city', orgUnit: 'city', body: 'leading_group' })
  t.same(task.screening.findings.map((f: { rule: string }) => f.rule), ['not_in_catalog'])

  const event = (headers: Record<string, string>, payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers, payload })

  const chair = auth('leading_group', 'city', 'chen.chair')
  t.equal((await event(auth('office', 'east'), { type: 'PUT_ON_AGENDA' })).statusCode, 403, 'a district office cannot act on a city task')
  t.equal((await event(chair, { type: 'DECIDE', decision: 'approve', minutes: '纪要' })).statusCode, 409, 'the group cannot decide before the office puts it on the agenda')
  t.equal((await event(auth('community', 'east-s1-c1'), { type: 'PUT_ON_AGENDA' })).statusCode, 403)
  t.equal((await event(dept, { type: 'DECIDE', decision: 'approve', minutes: '纪要' })).statusCode, 403, 'a department cannot decide')

  const forwarded = await event(auth('office', 'city'), { type: 'PUT_ON_AGENDA', reason: '材料齐全,提交领导小组' })
  t.equal(forwarded.json().stage, 'leading_group')
  const noReason = await event(chair, { type: 'DECIDE', decision: 'reject', minutes: '纪要' })
  t.equal(noReason.statusCode, 400)
  t.equal(noReason.json().field, 'reason')
  for (const sub of ['chen.chair', 'qian.member', 'feng.member']) {
    await event(auth('leading_group', 'city', sub), { type: 'VOTE', vote: 'approve', reason: '同意' })
  }
  const approved = await event(chair, { type: 'DECIDE', decision: 'approve', reason: '经集体研究同意', minutes: '纪要' })
  t.equal(approved.statusCode, 200, approved.body)
  t.equal(approved.json().state, 'admitted')
  const events = (await app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/events`, headers: auth('office', 'city') })).json().items
  t.same(events.map((e: { to: string }) => e.to), [
    'draft',
    'escalated.office_review',
    'escalated.leading_group',
    'escalated.leading_group',
    'escalated.leading_group',
    'escalated.leading_group',
    'admitted'
  ])
  t.equal(events[6].decision, 'approve')
  t.equal(events[6].actor.sub, 'chen.chair')
})

t.test('a district task escalates to its own district, and the office can return it', async (t) => {
  const { app, auth } = await build(t)
  const dept = auth('department', 'west-housing')
  const task = (
    await app.inject({
      method: 'POST',
      url: '/v1/tasks',
      headers: dept,
      payload: {
        title: '协助开展老旧小区加装电梯意愿征询',
        description: '组织居民议事,征询加装电梯意愿并反馈住建部门。',
        targetLevel: 'community',
        targets: demoCommunities('west-s2'),
        kind: 'service',
        legalBasis: [{ title: '示范市老旧小区改造实施方案' }],
        funding: { perTarget: 3000, source: '区财政', committed: true },
        period: { start: '2027-05-01', end: '2027-08-31' },
        workloadHours: 30,
        submit: true
      }
    })
  ).json()
  t.equal(task.state, 'escalated')
  t.same(task.decider, { level: 'district', orgUnit: 'west', body: 'leading_group' })
  const event = (headers: Record<string, string>, payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers, payload })
  t.equal((await event(auth('office', 'city'), { type: 'OFFICE_RETURN', reason: 'x' })).statusCode, 403, 'the city office does not review district tasks')
  t.equal((await event(auth('office', 'west'), { type: 'OFFICE_RETURN' })).json().field, 'reason')
  const returned = await event(auth('office', 'west'), { type: 'OFFICE_RETURN', reason: '请补充经费拨付方式' })
  t.equal(returned.json().state, 'returned')
  // The west office can read its district's tasks; the east office cannot even see it.
  t.equal((await app.inject({ method: 'GET', url: `/v1/tasks/${task.id}`, headers: auth('office', 'west') })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: `/v1/tasks/${task.id}`, headers: auth('office', 'east') })).statusCode, 404)
})

t.test('a department acts only for itself, and only on its own jurisdiction', async (t) => {
  const { app, auth } = await build(t)
  const east = auth('department', 'east-civil')
  const task = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: east, payload: fundedAssistance() })).json()
  const other = await app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers: auth('department', 'west-civil'), payload: { type: 'SUBMIT' } })
  t.equal(other.statusCode, 404, 'another department does not see the draft')
  const outside = await app.inject({ method: 'POST', url: '/v1/tasks', headers: east, payload: fundedAssistance({ targets: demoCommunities('west-s1') }) })
  t.equal(outside.statusCode, 400)
  t.equal(outside.json().field, 'targets[0]')
  const wrongLevel = await app.inject({ method: 'POST', url: '/v1/tasks', headers: east, payload: fundedAssistance({ targets: ['east-s1'] }) })
  t.equal(wrongLevel.json().field, 'targets[0]')
  const asOffice = await app.inject({ method: 'POST', url: '/v1/tasks', headers: auth('office', 'east'), payload: fundedAssistance() })
  t.equal(asOffice.statusCode, 403)
  const notDepartment = await app.inject({ method: 'POST', url: '/v1/tasks', headers: auth('department', 'east'), payload: fundedAssistance() })
  t.equal(notDepartment.statusCode, 403, 'a token whose org is not a department cannot create tasks')
  const anonymous = await app.inject({ method: 'POST', url: '/v1/tasks', payload: fundedAssistance() })
  t.equal(anonymous.statusCode, 401)
  t.equal(anonymous.headers['content-type'], 'application/problem+json; charset=utf-8')
})

t.test('a stale version gets 409 with the current version, and nothing changes', async (t) => {
  const { app, auth } = await build(t)
  const dept = auth('department', 'east-civil')
  const task = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: fundedAssistance() })).json()
  await app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers: dept, payload: { type: 'REVISE', changes: { workloadHours: 10 } } })
  const stale = await app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers: dept, payload: { type: 'SUBMIT', version: 1 } })
  t.equal(stale.statusCode, 409)
  t.equal(stale.json().currentVersion, 2)
  t.equal(stale.json().currentState, 'draft')
  const now = (await app.inject({ method: 'GET', url: `/v1/tasks/${task.id}`, headers: dept })).json()
  t.equal(now.version, 2)
  t.equal(now.state, 'draft')
})

t.test('lists filter by state, department and outcome, page with a cursor, and respect visibility', async (t) => {
  const { app, auth } = await build(t)
  const dept = auth('department', 'east-civil')
  for (let i = 0; i < 5; i++) {
    await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...fundedAssistance({ title: `协助低保排查 第${i}批` }), submit: i < 3 } })
  }
  await app.inject({ method: 'POST', url: '/v1/tasks', headers: auth('department', 'west-civil'), payload: fundedAssistance({ targets: demoCommunities('west-s1') }) })

  const page1 = (await app.inject({ method: 'GET', url: '/v1/tasks?limit=2', headers: dept })).json()
  t.equal(page1.items.length, 2)
  t.equal(page1.items[0].title, '协助低保排查 第4批', 'newest first')
  const page2 = (await app.inject({ method: 'GET', url: `/v1/tasks?limit=2&cursor=${page1.nextCursor}`, headers: dept })).json()
  const page3 = (await app.inject({ method: 'GET', url: `/v1/tasks?limit=2&cursor=${page2.nextCursor}`, headers: dept })).json()
  t.same([...page1.items, ...page2.items, ...page3.items].map((x: { title: string }) => x.title.slice(-3)), ['第4批', '第3批', '第2批', '第1批', '第0批'])
  t.equal(page3.nextCursor, null)

  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks?state=draft', headers: dept })).json().items.length, 2)
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks?outcome=admit', headers: dept })).json().items.length, 3)
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks?department=west-civil', headers: dept })).json().items.length, 0, 'another department’s drafts stay hidden')
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks?department=west-civil', headers: auth('admin', 'city') })).json().items.length, 1)
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks' })).json().items.length, 3, 'the public sees admitted tasks only')
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks?target=east-s1-c2', headers: auth('community', 'east-s1-c2') })).json().items.length, 3, 'a community sees what was admitted for it')
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks', headers: auth('office', 'west') })).json().items.length, 4)
  const bad = await app.inject({ method: 'GET', url: '/v1/tasks?cursor=bm9wZQ' })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().field, 'cursor')
})
