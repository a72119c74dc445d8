import t from 'tap'
import { Problem } from '../src/platform/errors.js'
import { importMembers, rowsFromJson } from '../src/leading-groups/import.js'
import { build, demoCommunities, type Harness } from './helper.js'

// Issue 11 item 2: the leading group's people. Members are removed without erasing what they
// did, the chair changes hands, a deputy chair records the decision when the chair recuses,
// and members are imported in bulk from CSV or JSON.

const newItem = (title: string) => ({
  title,
  description: '入户了解高龄独居老人的养老服务需求,为新建社区养老服务站提供依据。',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  legalBasis: [{ title: '《中华人民共和国老年人权益保障法》', article: '第三十七条' }],
  funding: { perTarget: 5000, source: '市级福彩公益金', committed: true },
  period: { start: '2027-04-01', end: '2027-06-30' },
  workloadHours: 40,
  submit: true
})

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

function helpers(h: Harness) {
  const admin = h.auth('admin', 'city', 'admin')
  const lg = (sub: string, org = 'city') => h.auth('leading_group', org, sub)
  return {
    admin,
    lg,
    /** A task of this department on no list, put on the agenda of its group. */
    async onAgenda(department: string, title: string, org = 'city'): Promise<string> {
      const task = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', department), payload: newItem(title) })).json()
      if (task.state !== 'escalated') throw new Error(`expected an escalation: ${JSON.stringify(task)}`)
      const put = await h.app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers: h.auth('office', org), payload: { type: 'PUT_ON_AGENDA', reason: '材料齐全' } })
      if (put.json().stage !== 'leading_group') throw new Error(put.body)
      return task.id
    },
    send: (id: string, headers: Record<string, string>, payload: Json) => h.app.inject({ method: 'POST', url: `/v1/tasks/${id}/events`, headers, payload }),
    task: async (id: string, headers: Record<string, string> = h.auth('office', 'city')) => (await h.app.inject({ method: 'GET', url: `/v1/tasks/${id}`, headers })).json(),
    members: async (org = 'city') => (await h.app.inject({ method: 'GET', url: `/v1/leading-groups/${org}/members`, headers: admin })).json().items as Json[],
    patch: (sub: string, payload: Json, org = 'city', headers = admin) => h.app.inject({ method: 'PATCH', url: `/v1/leading-groups/${org}/members/${sub}`, headers, payload }),
    remove: (sub: string, org = 'city', headers = admin) => h.app.inject({ method: 'DELETE', url: `/v1/leading-groups/${org}/members/${sub}`, headers }),
    add: (payload: Json, org = 'city', headers = admin) => h.app.inject({ method: 'POST', url: `/v1/leading-groups/${org}/members`, headers, payload }),
    changes: async (org = 'city', query = '') => (await h.app.inject({ method: 'GET', url: `/v1/leading-groups/${org}/member-changes${query}`, headers: admin })).json(),
    importJson: (payload: unknown, dryRun = false, headers: Record<string, string> = admin) =>
      h.app.inject({ method: 'POST', url: `/v1/leading-groups/members/import${dryRun ? '?dryRun=true' : ''}`, headers, payload: payload as Json }),
    importCsv: (text: string, dryRun = false, headers: Record<string, string> = admin, type = 'text/csv; charset=utf-8') =>
      h.app.inject({ method: 'POST', url: `/v1/leading-groups/members/import${dryRun ? '?dryRun=true' : ''}`, headers: { ...headers, 'content-type': type }, payload: text })
  }
}

const positions = (members: Json[]) => Object.fromEntries(members.map((m) => [m.sub, m.position]))

t.test('a removed member no longer votes nor counts towards the quorum; the vote cast stays recorded, uncounted', async (t) => {
  const h = await build(t)
  const x = helpers(h)
  const id = await x.onAgenda('city-civil', '协助开展社区养老服务需求调查')
  // zhou.civil recuses on 市民政局's task: chen.chair, wu.police, qian.member and feng.member vote.
  await x.send(id, x.lg('qian.member'), { type: 'VOTE', vote: 'approve', reason: '同意' })
  await x.send(id, x.lg('feng.member'), { type: 'VOTE', vote: 'approve', reason: '同意' })
  t.match((await x.task(id)).review.tally, { voted: 2, eligible: 4, quorumMet: false })

  t.equal((await x.remove('qian.member', 'city', h.auth('office', 'city'))).statusCode, 403, 'an admin removes members')
  const removed = await x.remove('qian.member')
  t.equal(removed.statusCode, 204)
  t.equal((await x.remove('qian.member')).statusCode, 404, 'a member is removed once')
  t.notOk((await x.members()).some((m) => m.sub === 'qian.member'), 'no longer in the group')

  const view = await x.task(id)
  t.match(view.review.tally, { approve: 1, voted: 1, eligible: 3, quorumMet: false }, 'the quorum is of the members who are left')
  t.same(view.review.votes.map((v: Json) => [v.member, v.counted]), [['qian.member', false], ['feng.member', true]], 'the vote is still shown, not counted')
  const again = await x.send(id, x.lg('qian.member'), { type: 'VOTE', vote: 'reject', reason: '不同意' })
  t.equal(again.statusCode, 403, 'a removed member votes no more')
  t.match(again.json().detail, /not a member of the city leading group/)
  t.notOk((await x.task(id, x.lg('qian.member'))).enabledEvents.includes('VOTE'), 'nor is offered a vote')

  await x.send(id, x.lg('chen.chair'), { type: 'VOTE', vote: 'approve', reason: '同意' })
  const decided = await x.send(id, x.lg('chen.chair'), { type: 'DECIDE', decision: 'approve', minutes: '到会3人,同意2票' })
  t.equal(decided.statusCode, 200, decided.body)
  t.match(decided.json().review.decision.tally, { approve: 2, voted: 2, eligible: 3, quorumMet: true })
  const history = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${id}/events`, headers: h.auth('office', 'city') })).json().items
  t.ok(history.some((e: Json) => e.type === 'VOTE' && e.actor.sub === 'qian.member'), 'the history keeps the vote')

  // Added back before a decision, the member's vote counts again.
  const next = await x.onAgenda('city-civil', '协助开展社区助餐服务需求摸底')
  await x.send(next, x.lg('feng.member'), { type: 'VOTE', vote: 'return', reason: '请补充' })
  await x.remove('feng.member')
  t.match((await x.task(next)).review.tally, { voted: 0, eligible: 2 })
  const back = await x.add({ sub: 'feng.member', name: '冯委员(复任)', homeDepartment: null })
  t.equal(back.statusCode, 201)
  t.same(back.json(), { sub: 'feng.member', name: '冯委员(复任)', homeDepartment: null, position: 'member', chair: false })
  t.match((await x.task(next)).review.tally, { voted: 1, return: 1, eligible: 3 })
  t.equal((await x.add({ sub: 'feng.member', name: '冯委员', homeDepartment: null })).statusCode, 409, 'a member in the group is not added twice')

  const log = await x.changes()
  t.match(log.items, [
    { sub: 'qian.member', change: 'removed', before: { position: 'member' }, after: null, via: 'api', actor: { sub: 'admin', role: 'admin' } },
    { sub: 'feng.member', change: 'removed' },
    { sub: 'feng.member', change: 'reinstated', before: { name: '冯委员' }, after: { name: '冯委员(复任)' } }
  ])
  t.equal(log.nextCursor, null)
  const first = await x.changes('city', '?limit=2')
  t.equal(first.items.length, 2)
  const rest = await x.changes('city', `?limit=2&cursor=${first.nextCursor}`)
  t.same(rest.items.map((e: Json) => e.change), ['reinstated'], 'paged by cursor')
  t.same((await x.changes('east')).items, [], 'each group has its own history')
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/leading-groups/city/member-changes', headers: h.auth('office', 'city') })).statusCode, 403)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/leading-groups/east-s1/member-changes', headers: x.admin })).statusCode, 404)
})

t.test('changing the chair or the deputy chair demotes the one before, in the same write', async (t) => {
  const h = await build(t)
  const x = helpers(h)
  const promoted = await x.patch('qian.member', { position: 'chair' })
  t.equal(promoted.statusCode, 200, promoted.body)
  t.same(promoted.json(), { sub: 'qian.member', name: '钱委员', homeDepartment: null, position: 'chair', chair: true })
  t.match(positions(await x.members()), { 'chen.chair': 'member', 'qian.member': 'chair' }, 'one chair')
  await x.patch('feng.member', { position: 'deputy_chair' })
  await x.patch('wu.police', { position: 'deputy_chair' })
  t.match(positions(await x.members()), { 'feng.member': 'member', 'wu.police': 'deputy_chair', 'qian.member': 'chair' }, 'one deputy chair')
  t.match((await x.members()).find((m) => m.sub === 'chen.chair'), { chair: false })

  // Adding a chair is naming one; `chair: true`, the older way, still does.
  t.equal((await x.add({ sub: 'he.new', name: '何组长', homeDepartment: null, position: 'chair' })).statusCode, 201)
  t.match(positions(await x.members()), { 'qian.member': 'member', 'he.new': 'chair' })
  t.equal((await x.add({ sub: 'lu.new', name: '卢组长', homeDepartment: null, chair: true })).json().position, 'chair')
  t.match(positions(await x.members()), { 'he.new': 'member', 'lu.new': 'chair' })
  t.equal((await x.add({ sub: 'ma.new', name: '马委员', homeDepartment: null, chair: false, position: 'deputy_chair' })).json().position, 'deputy_chair', 'chair: false goes with a deputy chair')
  const contradiction = await x.add({ sub: 'x.new', name: 'x', homeDepartment: null, chair: true, position: 'member' })
  t.equal(contradiction.json().field, 'chair')
  t.match(contradiction.json().message, { zh: /矛盾/, en: /contradicts position/ })

  const seq = (await x.changes()).items.length
  const same = await x.patch('feng.member', { name: '冯委员' })
  t.equal(same.statusCode, 200)
  t.equal((await x.changes()).items.length, seq, 'a change that changes nothing is not recorded')
  const moved = await x.patch('feng.member', { name: '冯委员(市卫健委)', homeDepartment: 'city-health' })
  t.match(moved.json(), { name: '冯委员(市卫健委)', homeDepartment: 'city-health', position: 'member' })
  t.match((await x.changes()).items.at(-1), { sub: 'feng.member', change: 'updated', before: { homeDepartment: null }, after: { homeDepartment: 'city-health' }, actor: { sub: 'admin' } })
  t.match((await x.changes()).items.find((e: Json) => e.sub === 'chen.chair'), { change: 'updated', before: { position: 'chair' }, after: { position: 'member' } }, 'the demotion is recorded')

  t.equal((await x.patch('feng.member', {})).json().field, 'body', 'a change names something to change')
  t.equal((await x.patch('feng.member', { position: 'boss' })).json().field, 'position')
  t.equal((await x.patch('feng.member', { homeDepartment: 'east' })).json().field, 'homeDepartment')
  t.equal((await x.patch('feng.member', { chair: true })).json().field, 'chair')
  t.equal((await x.patch('nobody', { position: 'chair' })).statusCode, 404)
  t.equal((await x.patch('feng.member', { position: 'chair' }, 'east')).statusCode, 404, 'a member of another group')
  t.equal((await x.patch('feng.member', { position: 'chair' }, 'east-s1')).statusCode, 404, 'streets have no group')
  t.equal((await x.patch('feng.member', { position: 'chair' }, 'city', h.auth('leading_group', 'city', 'feng.member'))).statusCode, 403, 'nobody names themself chair')
})

t.test('the deputy chair records the decision when the chair comes from the submitting department', async (t) => {
  const h = await build(t)
  const x = helpers(h)
  await x.patch('chen.chair', { name: '陈主任(兼市民政局局长)', homeDepartment: 'city-civil' })
  await x.patch('qian.member', { position: 'deputy_chair' })
  const id = await x.onAgenda('city-civil', '协助开展社区养老服务需求调查')
  // chen.chair and zhou.civil come from 市民政局 and recuse: wu.police, qian.member and feng.member vote.
  t.equal((await x.send(id, x.lg('chen.chair'), { type: 'VOTE', vote: 'approve', reason: '同意' })).statusCode, 403, 'the chair recuses on its department’s task')
  await x.send(id, x.lg('qian.member'), { type: 'VOTE', vote: 'approve', reason: '同意' })
  await x.send(id, x.lg('feng.member'), { type: 'VOTE', vote: 'approve', reason: '同意' })
  t.match((await x.task(id)).review.tally, { voted: 2, eligible: 3, quorumMet: true })

  const offered = async (sub: string) => (await x.task(id, x.lg(sub))).enabledEvents
  t.same(await offered('chen.chair'), [], 'the recused chair is offered neither a vote nor the decision')
  t.same(await offered('qian.member'), ['DECIDE', 'VOTE'], 'the deputy chair is offered the decision')
  t.same(await offered('feng.member'), ['VOTE'])

  const minutes = '2027年第4次领导小组会议:陈主任回避,由副组长主持,到会3人'
  const byChair = await x.send(id, x.lg('chen.chair'), { type: 'DECIDE', decision: 'approve', minutes })
  t.equal(byChair.statusCode, 403)
  t.match(byChair.json().message, {
    en: "chen.chair may not record this task's decision: the chair, chen.chair, comes from city-civil and recuses: the deputy chair, qian.member, records the collective decision",
    zh: /组长chen.chair来自city-civil，须回避，集体决定由副组长qian.member记录/
  })
  t.equal((await x.send(id, x.lg('feng.member'), { type: 'DECIDE', decision: 'approve', minutes })).statusCode, 403, 'nor does any other member')
  const decided = await x.send(id, x.lg('qian.member'), { type: 'DECIDE', decision: 'approve', minutes })
  t.equal(decided.statusCode, 200, decided.body)
  t.match(decided.json(), { state: 'admitted', review: { decision: { chair: 'qian.member', minutes, tally: { approve: 2, eligible: 3 } } } })

  // Without a deputy chair nobody may decide, and the refusal says what to do.
  await x.patch('qian.member', { position: 'member' })
  const stuck = await x.onAgenda('city-civil', '协助开展社区助餐服务需求摸底')
  for (const sub of ['qian.member', 'feng.member', 'wu.police']) await x.send(stuck, x.lg(sub), { type: 'VOTE', vote: 'approve', reason: '同意' })
  for (const sub of ['chen.chair', 'qian.member', 'wu.police']) t.notOk((await x.task(stuck, x.lg(sub))).enabledEvents.includes('DECIDE'), `${sub} is not offered the decision`)
  const nobody = await x.send(stuck, x.lg('qian.member'), { type: 'DECIDE', decision: 'approve', minutes })
  t.equal(nobody.statusCode, 403)
  t.match(nobody.json().message.en, /comes from city-civil and recuses and there is no deputy chair: an admin must name a chair or deputy chair who may record it/)
  t.match(nobody.json().message.zh, /也无副组长：须由管理员任命/)

  // A group without a chair: its deputy chair decides, unless the deputy recuses too.
  await x.remove('chen.chair')
  await x.patch('zhou.civil', { position: 'deputy_chair' })
  const recusedDeputy = await x.send(stuck, x.lg('zhou.civil'), { type: 'DECIDE', decision: 'approve', minutes })
  t.match(recusedDeputy.json().message.en, /the group has no chair and the deputy chair, zhou.civil, comes from city-civil too/)
  await x.patch('feng.member', { position: 'deputy_chair' })
  t.same((await x.task(stuck, x.lg('feng.member'))).enabledEvents, ['DECIDE', 'VOTE'])
  const byDeputy = await x.send(stuck, x.lg('feng.member'), { type: 'DECIDE', decision: 'approve', minutes })
  t.equal(byDeputy.statusCode, 200, byDeputy.body)
  t.equal(byDeputy.json().review.decision.chair, 'feng.member')
  t.equal(positions(await x.members())['zhou.civil'], 'member', 'the deputy chair named last took the seat')
})

const HEADER = 'group,sub,name,homeDepartment,position'

t.test('an import from JSON: a dry run lists the changes and stores nothing; the import stores them; again, all is unchanged', async (t) => {
  const h = await build(t)
  const x = helpers(h)
  const rows = [
    { group: 'city', sub: 'chen.chair', name: '陈主任(市领导小组组长)', homeDepartment: null, position: 'chair' },
    { group: 'city', sub: 'qian.member', name: '钱委员(副组长)', position: 'deputy_chair' },
    { group: 'east', sub: 'zheng.member', name: '郑委员(区住建局)', homeDepartment: 'east-housing', position: '' },
    // A new chair for the west group: shi.chair, whom the file does not name, becomes a member.
    { group: 'west', sub: 'kong.member', name: '孔委员', homeDepartment: null, position: 'chair' }
  ]
  const before = await x.members('west')
  const dry = await x.importJson(rows, true)
  t.equal(dry.statusCode, 200, dry.body)
  t.same(dry.json().summary, { created: 1, updated: 3, unchanged: 1 })
  t.same(dry.json().items, [
    { row: 1, group: 'city', sub: 'chen.chair', outcome: 'unchanged', changes: {}, member: { name: '陈主任(市领导小组组长)', homeDepartment: null, position: 'chair' } },
    {
      row: 2,
      group: 'city',
      sub: 'qian.member',
      outcome: 'updated',
      changes: { name: { from: '钱委员', to: '钱委员(副组长)' }, position: { from: 'member', to: 'deputy_chair' } },
      member: { name: '钱委员(副组长)', homeDepartment: null, position: 'deputy_chair' }
    },
    { row: 3, group: 'east', sub: 'zheng.member', outcome: 'created', changes: {}, member: { name: '郑委员(区住建局)', homeDepartment: 'east-housing', position: 'member' } },
    { row: 4, group: 'west', sub: 'kong.member', outcome: 'updated', changes: { position: { from: 'member', to: 'chair' } }, member: { name: '孔委员', homeDepartment: null, position: 'chair' } },
    { row: null, group: 'west', sub: 'shi.chair', outcome: 'updated', changes: { position: { from: 'chair', to: 'member' } }, member: { name: '施主任(西岭区领导小组组长)', homeDepartment: null, position: 'member' } }
  ])
  t.equal(dry.json().dryRun, true)
  t.same(await x.members('west'), before, 'a dry run stores nothing')
  t.same((await x.changes('west')).items, [])

  const done = await x.importJson({ members: rows })
  t.equal(done.statusCode, 200, done.body)
  t.equal(done.json().dryRun, false)
  t.same(done.json().summary, { created: 1, updated: 3, unchanged: 1 }, '{ members: [...] } is the same import')
  t.match(positions(await x.members('west')), { 'shi.chair': 'member', 'kong.member': 'chair' })
  t.match((await x.members('east')).at(-1), { sub: 'zheng.member', homeDepartment: 'east-housing', position: 'member' })
  t.match((await x.changes('west')).items, [
    { sub: 'shi.chair', change: 'updated', via: 'import', actor: { sub: 'admin', role: 'admin' } },
    { sub: 'kong.member', change: 'updated', via: 'import' }
  ])
  const again = await x.importJson(rows)
  t.same(again.json().summary, { created: 0, updated: 0, unchanged: 4 }, 're-importing the same file changes nothing')

  // A member removed earlier comes back through an import.
  await x.remove('zheng.member', 'east')
  const back = await x.importJson(rows.slice(2, 3))
  t.match(back.json().items, [{ sub: 'zheng.member', outcome: 'updated', changes: { removedAt: { from: /^2026-/, to: null } } }])
  t.match((await x.changes('east')).items.at(-1), { sub: 'zheng.member', change: 'reinstated', via: 'import' })
})

t.test('an import from CSV as Excel saves it: BOM, CRLF, quoted commas, Chinese names, empty cells', async (t) => {
  const h = await build(t)
  const x = helpers(h)
  const csv =
    '\ufeff' +
    [HEADER, 'city,zheng.member,"郑委员(市卫生健康委员会, 列席)",city-health,', '', 'east,lv.member,"吕委员 ""特邀""",,deputy_chair', 'west,"kong.member",孔委员,,member'].join('\r\n') +
    '\r\n'
  const dry = await x.importCsv(csv, true)
  t.equal(dry.statusCode, 200, dry.body)
  t.same(dry.json().items.map((i: Json) => [i.row, i.sub, i.outcome]), [
    [2, 'zheng.member', 'created'],
    [4, 'lv.member', 'updated'],
    [5, 'kong.member', 'unchanged']
  ], 'rows are the lines of the file, blank lines counted')
  t.equal(dry.json().items[0].member.name, '郑委员(市卫生健康委员会, 列席)')
  t.equal(dry.json().items[1].member.name, '吕委员 "特邀"')
  t.notOk((await x.members()).some((m) => m.sub === 'zheng.member'), 'the dry run stored nothing')

  t.equal((await x.importCsv(csv)).statusCode, 200)
  t.match((await x.members()).at(-1), { sub: 'zheng.member', name: '郑委员(市卫生健康委员会, 列席)', homeDepartment: 'city-health', position: 'member' })
  t.equal(positions(await x.members('east'))['lv.member'], 'deputy_chair')
  t.same((await x.importCsv(csv)).json().summary, { created: 0, updated: 0, unchanged: 3 }, 'the same file again: all unchanged')

  // Only the columns it needs; a field spanning lines is one row, cited by the line it starts on.
  const short = await x.importCsv('sub,name,group\r\nnew.one,"新委员\r\n(第二行)",east\r\nbad.one,坏委员,east-s1\r\n', true)
  t.equal(short.statusCode, 400)
  t.match(short.json().invalidParams, [{ row: 4, field: 'group', messages: { en: /"east-s1" is not a city or district/ } }])
})

t.test('a bad row is an error naming its row and field, in both languages, and nothing is stored', async (t) => {
  const h = await build(t)
  const x = helpers(h)
  const csv = [
    HEADER,
    'city,good.member,好委员,,member',
    'east-s1,street.member,街道委员,,member',
    'city,dept.member,部门委员,east,member',
    'city,noname.member,,,member',
    'city,boss.member,老板,,boss',
    'east,first.chair,甲组长,,chair',
    'east,second.chair,乙组长,,chair',
    'city,good.member,好委员(重复),,member',
    'nowhere,x,无名,no-such-department,'
  ].join('\n')
  const res = await x.importCsv(csv)
  t.equal(res.statusCode, 400)
  t.match(res.headers['content-type'], /application\/problem\+json/)
  const body = res.json()
  t.equal(body.field, 'group', 'the first wrong field')
  t.match(body.message, { zh: '导入文件有7行存在错误，未导入任何成员', en: '7 rows of the import are wrong; no member was imported' })
  t.same(body.invalidParams.map((p: Json) => [p.row, p.field]), [
    [3, 'group'],
    [4, 'homeDepartment'],
    [5, 'name'],
    [6, 'position'],
    [8, 'position'],
    [9, 'sub'],
    [10, 'group'],
    [10, 'homeDepartment']
  ])
  t.match(body.invalidParams[4].messages, { zh: /第7行已任命该小组的组长/, en: /row 7 names this group's chair already/ })
  t.match(body.invalidParams[5].messages, { zh: /与第2行重复/, en: /named in row 2 already/ })
  t.match(body.invalidParams[3].messages.en, /must be one of chair, deputy_chair, member/)
  t.notOk((await x.members()).some((m) => m.sub === 'good.member'), 'the good rows are not stored either')
  t.same((await x.changes()).items, [])

  const one = await x.importCsv([HEADER, 'city,good.member,好委员,,member', 'city,,无编号,,'].join('\n'), true)
  t.match(one.json(), { field: 'sub', message: { en: '1 row of the import is wrong; no member was imported' } })

  const header = await x.importCsv('group,sub,name,name,email\ncity,a,b,c,d\n')
  t.same(header.json().invalidParams.map((p: Json) => [p.row, p.field]), [[1, 'name'], [1, 'email']], 'the header: a column twice, an unknown column')
  t.match(header.json().invalidParams[1].messages.en, /is not a column of the import/)
  const missing = await x.importCsv('group,name\ncity,b\n')
  t.same(missing.json().invalidParams.map((p: Json) => [p.row, p.field]), [[1, 'sub']], 'a column it needs')

  const unclosed = await x.importCsv(`${HEADER}\ncity,a,"未闭合,,\n`)
  t.equal(unclosed.json().field, 'body')
  t.match(unclosed.json().message.en, /is not valid CSV \(line 2\): Quote Not Closed/)
  t.match((await x.importCsv(`${HEADER}\ncity,a,b,,member,extra\n`)).json().message.en, /not valid CSV \(line 2\)/, 'a row with a column too many')
  t.match((await x.importCsv('')).json(), { status: 400 })
  t.match((await x.importCsv('\ufeff\r\n')).json().message.en, /is empty: it must start with a header line/)
  t.equal((await x.importCsv(`${HEADER}\ncity,a\u0000b,名,,\n`)).json().field, 'body', 'a NUL character is refused before anything reads the file')
  t.same((await x.members()).length, 5, 'nothing was stored')
})

t.test('JSON rows are checked by their schema; sizes are bounded; only admins import', async (t) => {
  const h = await build(t)
  const x = helpers(h)
  const row = { group: 'city', sub: 'a.member', name: '甲委员', homeDepartment: null, position: 'member' }
  const wrongType = await x.importJson([row, { ...row, sub: 'b.member', position: 5 }])
  t.equal(wrongType.statusCode, 400)
  t.equal(wrongType.json().field, '[1].position')
  t.equal((await x.importJson({ members: [row, { ...row, extra: 1 }] })).json().field, '[1].extra', '{ members } is named as its array')
  t.equal((await x.importJson({ people: [row] })).json().field, 'body')
  t.equal((await x.importJson([row], false, h.auth('office', 'city'))).statusCode, 403)
  t.equal((await x.importCsv(`${HEADER}\n`, false, h.auth('leading_group', 'city', 'chen.chair'))).statusCode, 403)
  t.equal((await x.importJson([row], false, {})).statusCode, 401)
  t.equal((await x.importCsv('group,sub\n', false, x.admin, 'text/plain')).statusCode, 415, 'text/plain is not read as CSV')
  t.equal((await x.importCsv('group,sub\n', false, x.admin, 'application/xml')).statusCode, 415)
  t.equal((await x.importCsv(`${HEADER}\n`, true, x.admin, 'TEXT/CSV')).statusCode, 200, 'a media type is case-insensitive')
  const bad = await h.app.inject({ method: 'POST', url: '/v1/leading-groups/members/import?dryRun=maybe', headers: x.admin, payload: [row] })
  t.equal(bad.json().field, 'dryRun')

  const many = Array.from({ length: 5001 }, (_, i) => ({ ...row, sub: `m${i}` }))
  t.equal((await x.importJson(many, true)).json().field, 'body', 'more than 5000 rows')
  const manyCsv = [HEADER, ...many.map((r) => `city,${r.sub},委员,,`)].join('\n')
  const tooMany = await x.importCsv(manyCsv, true)
  t.equal(tooMany.statusCode, 400)
  t.match(tooMany.json().message.en, /has 5001 rows, more than the 5000 allowed/)
  const huge = await x.importCsv(`${HEADER}\n` + `city,x,${'名'.repeat(400_000)},,\n`, true)
  t.equal(huge.statusCode, 413, 'over the body limit')
  // A city of 800 members, at once.
  const city = [HEADER, ...Array.from({ length: 800 }, (_, i) => `city,m${i},"委员${i}, 特邀",${i % 2 ? 'city-civil' : ''},`)].join('\n')
  const big = await x.importCsv(city)
  t.equal(big.statusCode, 200, big.body.slice(0, 300))
  t.equal(big.json().summary.created, 800)
  t.equal((await x.members()).length, 805)
})

t.test('importMembers and rowsFromJson check what a command line hands them, without the HTTP schema', async (t) => {
  const h = await build(t)
  const db = h.db.knex
  const opts = { dryRun: true, now: '2026-10-09T02:00:00.000Z', actor: { sub: 'cli', role: 'admin' } }
  const problem = async (rows: unknown[]) => {
    try {
      await importMembers(db, rowsFromJson(rows), opts)
    } catch (err) {
      return (err as Problem).document('en')
    }
    throw new Error('expected a problem')
  }
  const thrown = (f: () => unknown) => {
    try {
      f()
    } catch (err) {
      return err as Problem
    }
    throw new Error('expected a problem')
  }
  t.match(thrown(() => rowsFromJson({ rows: [] })), { status: 400, invalidParams: [{ field: 'body' }] })
  t.match(thrown(() => rowsFromJson(null)), { status: 400 })
  const found = await problem([
    null,
    'a row',
    [],
    { group: 1, sub: 'a', name: 'x'.repeat(201) },
    { group: 'city', sub: 'b\u0000', name: '乙', colour: 'red' }
  ])
  t.same((found.invalidParams as Json[]).map((p) => [p.row, p.field, p.message]), [
    [1, 'group', 'is required'],
    [1, 'sub', 'is required'],
    [1, 'name', 'is required'],
    [2, 'row', 'must be an object'],
    [3, 'row', 'must be an object'],
    [4, 'group', 'must be a string'],
    [4, 'name', 'must be at most 200 characters'],
    [5, 'colour', 'is not a field of the import'],
    [5, 'sub', 'must not contain NUL characters']
  ])
  const many = Array.from({ length: 5001 }, (_, i) => ({ row: i + 1, values: { group: 'city', sub: `m${i}`, name: 'x' } }))
  t.match(await importMembers(db, many, opts).catch((err: Problem) => err), { status: 400, invalidParams: [{ field: 'body' }] })
  const report = await importMembers(db, rowsFromJson([{ group: 'city', sub: 'cli.member', name: '命令行委员' }]), { ...opts, dryRun: false })
  t.same(report.summary, { created: 1, updated: 0, unchanged: 0 })
  t.match((await helpers(h).changes()).items, [{ sub: 'cli.member', change: 'added', via: 'import', actor: { sub: 'cli', role: 'admin' } }])
})
