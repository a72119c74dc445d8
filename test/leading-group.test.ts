import t from 'tap'
import { sweep } from '../src/tasks/deadlines.js'
import { build, demoCommunities, type Harness } from './helper.js'

// Issue 3: the office pre-reviews, the group votes, the chair records
// the collective decision (wuhan-2015 解读3), and an approval may amend the catalog.

const newItem = (over: Record<string, unknown> = {}) => ({
  title: '协助开展社区养老服务需求调查',
  description: '入户了解高龄独居老人的养老服务需求,为新建社区养老服务站提供依据。',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  legalBasis: [{ title: '《中华人民共和国老年人权益保障法》', article: '第三十七条' }],
  funding: { perTarget: 5000, source: '市级福彩公益金', committed: true },
  period: { start: '2027-04-01', end: '2027-06-30' },
  workloadHours: 40,
  ...over
})

async function escalate(h: Harness, department: string, over: Record<string, unknown> = {}) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', department), payload: { ...newItem(over), submit: true } })
  const task = res.json()
  if (task.state !== 'escalated') throw new Error(`expected an escalation, got ${res.body}`)
  return task
}

const send = (h: Harness, id: string, headers: Record<string, string>, payload: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: `/v1/tasks/${id}/events`, headers, payload })

t.test('a city task: agenda, votes, quorum, and the chair records an approval with tally and minutes', async (t) => {
  const h = await build(t)
  const task = await escalate(h, 'city-civil')
  const city = (sub: string) => h.auth('leading_group', 'city', sub)
  t.equal((await send(h, task.id, city('qian.member'), { type: 'VOTE', vote: 'approve', reason: '同意' })).statusCode, 409, 'no vote before the office puts it on the agenda')
  t.equal((await send(h, task.id, h.auth('office', 'city'), { type: 'PUT_ON_AGENDA', reason: '材料齐全' })).json().stage, 'leading_group')

  // 5 members; zhou.civil comes from 市民政局 and recuses: 4 eligible, so 3 votes are needed.
  t.equal((await send(h, task.id, city('zhou.civil'), { type: 'VOTE', vote: 'approve', reason: '同意' })).statusCode, 403, 'a member from the submitting department recuses')
  t.equal((await send(h, task.id, h.auth('leading_group', 'east', 'sun.chair'), { type: 'VOTE', vote: 'approve', reason: '同意' })).statusCode, 403, 'the wrong group cannot vote')
  t.equal((await send(h, task.id, city('stranger'), { type: 'VOTE', vote: 'approve', reason: '同意' })).statusCode, 403, 'a token is not a membership')
  t.equal((await send(h, task.id, h.auth('department', 'city-civil'), { type: 'VOTE', vote: 'approve', reason: '同意' })).statusCode, 403)
  t.equal((await send(h, task.id, h.auth('community', 'east-s1-c1'), { type: 'VOTE', vote: 'approve', reason: '同意' })).statusCode, 403)
  t.equal((await send(h, task.id, city('qian.member'), { type: 'VOTE', vote: 'approve' })).json().field, 'reason', 'every vote has a reason')

  await send(h, task.id, city('qian.member'), { type: 'VOTE', vote: 'reject', reason: '经费来源不明' })
  await send(h, task.id, city('qian.member'), { type: 'VOTE', vote: 'approve', reason: '经补充说明,同意' })
  const twoVotes = await send(h, task.id, city('feng.member'), { type: 'VOTE', vote: 'approve', reason: '同意' })
  t.same(twoVotes.json().review.tally, { approve: 2, reject: 0, return: 0, voted: 2, eligible: 4, quorumMet: false, majority: 'approve' }, 'a second vote replaces the first')

  const minutes = '2027年第3次领导小组会议:到会4人,同意3票。'
  const noQuorum = await send(h, task.id, city('chen.chair'), { type: 'DECIDE', decision: 'approve', minutes })
  t.equal(noQuorum.statusCode, 409, 'the chair cannot decide without quorum')
  t.match(noQuorum.json().detail, /no quorum: 2 of 4/)
  t.equal((await send(h, task.id, city('wu.police'), { type: 'DECIDE', decision: 'approve', minutes })).statusCode, 403, 'only the chair records the decision')

  await send(h, task.id, city('chen.chair'), { type: 'VOTE', vote: 'approve', reason: '同意' })
  const wrongWay = await send(h, task.id, city('chen.chair'), { type: 'DECIDE', decision: 'reject', reason: '不同意', minutes })
  t.equal(wrongWay.statusCode, 409, 'the chair records the group’s decision, not a different one')
  t.equal((await send(h, task.id, city('chen.chair'), { type: 'DECIDE', decision: 'approve' })).json().field, 'minutes')
  const decided = await send(h, task.id, city('chen.chair'), { type: 'DECIDE', decision: 'approve', minutes })
  t.equal(decided.statusCode, 200, decided.body)
  const view = decided.json()
  t.equal(view.state, 'admitted')
  t.match(view.review.decision, { decision: 'approve', minutes, chair: 'chen.chair', tally: { approve: 3, voted: 3, eligible: 4, quorumMet: true } })

  const events = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/events`, headers: h.auth('office', 'city') })).json().items
  const votes = events.filter((e: { type: string }) => e.type === 'VOTE')
  t.same(votes.map((e: { actor: { sub: string }; vote: string }) => [e.actor.sub, e.vote]), [
    ['qian.member', 'reject'],
    ['qian.member', 'approve'],
    ['feng.member', 'approve'],
    ['chen.chair', 'approve']
  ], 'both of qian.member’s votes stay in the history')
  t.equal(events.at(-1).minutes, minutes)
  // The department sees the decision and tally, not who voted how.
  const asDepartment = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}`, headers: h.auth('department', 'city-civil') })).json()
  t.equal(asDepartment.review.votes, null)
  t.equal(asDepartment.review.decision.tally.approve, 3)
})

t.test('a district task is decided by its district group: rejection and return need reasons', async (t) => {
  const h = await build(t)
  const east = (sub: string) => h.auth('leading_group', 'east', sub)
  const rejected = await escalate(h, 'east-housing')
  t.same(rejected.decider, { level: 'district', orgUnit: 'east', body: 'leading_group' })
  t.equal((await send(h, rejected.id, h.auth('office', 'city'), { type: 'PUT_ON_AGENDA' })).statusCode, 403, 'the city office does not handle district tasks')
  await send(h, rejected.id, h.auth('office', 'east'), { type: 'PUT_ON_AGENDA' })
  t.equal((await send(h, rejected.id, h.auth('leading_group', 'city', 'chen.chair'), { type: 'VOTE', vote: 'reject', reason: 'x' })).statusCode, 403)
  for (const sub of ['sun.chair', 'he.civil', 'lv.member']) {
    await send(h, rejected.id, east(sub), { type: 'VOTE', vote: 'reject', reason: '属于部门自身职责' })
  }
  t.equal((await send(h, rejected.id, east('sun.chair'), { type: 'DECIDE', decision: 'reject', minutes: '会议纪要' })).json().field, 'reason')
  const done = await send(h, rejected.id, east('sun.chair'), { type: 'DECIDE', decision: 'reject', reason: '属于部门自身职责,不得下派社区', minutes: '会议纪要' })
  t.equal(done.json().state, 'rejected')

  const returned = await escalate(h, 'east-civil', { title: '协助开展社区助餐服务需求摸底' })
  await send(h, returned.id, h.auth('office', 'east'), { type: 'PUT_ON_AGENDA' })
  t.equal((await send(h, returned.id, east('he.civil'), { type: 'VOTE', vote: 'return', reason: 'x' })).statusCode, 403, 'he.civil recuses on 东湖区民政局’s task')
  await send(h, returned.id, east('sun.chair'), { type: 'VOTE', vote: 'return', reason: '请补充经费测算' })
  await send(h, returned.id, east('lv.member'), { type: 'VOTE', vote: 'return', reason: '请补充经费测算' })
  const back = await send(h, returned.id, east('sun.chair'), { type: 'DECIDE', decision: 'return', reason: '请补充经费测算后重新申报', minutes: '纪要' })
  t.equal(back.json().state, 'returned')
  // Back on the agenda after a resubmission, the group votes afresh.
  const again = await send(h, returned.id, h.auth('department', 'east-civil'), { type: 'SUBMIT' })
  t.equal(again.json().stage, 'office_review')
  const agenda = await send(h, returned.id, h.auth('office', 'east'), { type: 'PUT_ON_AGENDA' })
  t.equal(agenda.json().review.tally.voted, 0)
})

t.test('the office returns with reasons, or consults invited communities whose replies are kept', async (t) => {
  const h = await build(t)
  const task = await escalate(h, 'east-civil')
  const office = h.auth('office', 'east')
  t.equal((await send(h, task.id, office, { type: 'OPEN_CONSULTATION', consultation: { mode: 'sample', invited: [] } })).json().field, 'consultation.invited')
  t.equal((await send(h, task.id, office, { type: 'OPEN_CONSULTATION', consultation: { mode: 'sample', invited: ['west-s1-c1'] } })).json().field, 'consultation.invited[0]', 'only units of the jurisdiction are asked')
  const opened = await send(h, task.id, office, { type: 'OPEN_CONSULTATION', consultation: { mode: 'sample', invited: ['east-s1', 'east-s1-c1'] }, reason: '征求街道和社区意见' })
  t.equal(opened.json().stage, 'consultation')

  const reply = (org: string, text: string) => send(h, task.id, h.auth('community', org), { type: 'CONSULTATION_REPLY', reply: text })
  t.equal((await reply('east-s2-c1', '我们也有意见')).statusCode, 403, 'a community not asked cannot reply')
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}`, headers: h.auth('community', 'east-s1-c1') })).statusCode, 200, 'an invited community sees the task')
  t.equal((await reply('east-s1-c1', '工作量可承受,但需配备一名专职人员')).statusCode, 200)
  const recorded = await send(h, task.id, office, { type: 'CONSULTATION_REPLY', reply: '东湖街道:同意' })
  t.match(recorded.json().review.consultation.replies, [
    { from: 'community.east-s1-c1', role: 'community', org: 'east-s1-c1', text: '工作量可承受,但需配备一名专职人员' },
    { role: 'office', org: 'east', text: '东湖街道:同意' }
  ])
  t.equal((await send(h, task.id, office, { type: 'CLOSE_CONSULTATION' })).json().stage, 'office_review')
  t.equal((await send(h, task.id, office, { type: 'CONSULTATION_REPLY', reply: '迟到的意见' })).statusCode, 409, 'replies close with the consultation')
  t.equal((await send(h, task.id, h.auth('community', 'east-s1-c1'), { type: 'CONSULTATION_REPLY', reply: '迟到的意见' })).statusCode, 403)
  // A public notice: any community of the district may answer, and the office records residents' replies.
  await send(h, task.id, office, { type: 'OPEN_CONSULTATION', consultation: { mode: 'public_notice', invited: [] } })
  const foreign = await reply('west-s1-c1', '我们不在东湖区')
  t.equal(foreign.statusCode, 403, 'a community of another district does not answer this district’s notice')
  t.match(foreign.json().detail, /only streets and communities of east/)
  t.equal((await reply('east-s2-c1', '同意')).statusCode, 200)
  await send(h, task.id, office, { type: 'CLOSE_CONSULTATION', reason: '公示期满' })
  const returned = await send(h, task.id, office, { type: 'OFFICE_RETURN', reason: '请按社区意见补充人员配备' })
  t.equal(returned.json().state, 'returned')
  t.equal(returned.json().review.consultation.replies.length, 1, 'the last consultation’s replies stay on the task')
  const history = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/events`, headers: office })).json().items
  t.same(history.filter((e: { type: string }) => e.type === 'CONSULTATION_REPLY').map((e: { reply: string }) => e.reply), ['工作量可承受,但需配备一名专职人员', '东湖街道:同意', '同意'], 'every reply is in the history')
})

t.test('an approval amends the catalog: the identical submission is then admitted, citing the new version', async (t) => {
  const h = await build(t)
  const task = await escalate(h, 'city-civil')
  const original = task.screening.policy
  await send(h, task.id, h.auth('office', 'city'), { type: 'PUT_ON_AGENDA' })
  for (const sub of ['chen.chair', 'qian.member', 'feng.member']) {
    await send(h, task.id, h.auth('leading_group', 'city', sub), { type: 'VOTE', vote: 'approve', reason: '纳入协助事项清单' })
  }
  t.equal((await send(h, task.id, h.auth('leading_group', 'city', 'chen.chair'), { type: 'DECIDE', decision: 'reject', reason: 'x', minutes: 'm', amendCatalog: { fundingMinimum: 4000 } })).json().field, 'amendCatalog')
  const approved = await send(h, task.id, h.auth('leading_group', 'city', 'chen.chair'), {
    type: 'DECIDE',
    decision: 'approve',
    minutes: '同意纳入社区协助政府工作事项清单',
    amendCatalog: { fundingMinimum: 4000 }
  })
  t.equal(approved.statusCode, 200, approved.body)
  const events = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/events`, headers: h.auth('admin', 'city') })).json().items
  const amendment = events.at(-1).amendment
  t.equal(amendment.code, 'AT-41')
  t.equal(amendment.policy.version, `${original.version}-a1`)
  t.not(amendment.policy.hash, original.hash)

  const catalog = (await h.app.inject({ method: 'GET', url: '/v1/catalogs/assisted_tasks' })).json()
  t.equal(catalog.policy.version, amendment.policy.version)
  t.match(catalog.items.at(-1), { code: 'AT-41', name: newItem().title, sector: 'civil_affairs', fundingStandard: { yuan: 4000, per: 'target', source: /领导小组集体研究决定/ } })

  const identical = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'city-civil'), payload: { ...newItem(), submit: true } })
  t.equal(identical.json().state, 'admitted', 'the next identical submission passes the gate directly')
  t.same(identical.json().screening.policy, amendment.policy)
  t.equal(identical.json().screening.findings[0].catalogRef.code, 'AT-41')
  const otherSector = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'city-police'), payload: { ...newItem(), submit: true } })
  t.equal(otherSector.json().state, 'escalated', 'the amended item is still the civil-affairs sector’s')

  const asOriginal = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/screening?asOf=original` })).json()
  t.equal(asOriginal.sameAsRecorded, true, 'the past decision re-explains exactly against the version it used')
  t.same(asOriginal.screening.policy, original)
  t.equal(asOriginal.screening.outcome, 'escalate')
  const asCurrent = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/screening?asOf=current` })).json()
  t.equal(asCurrent.screening.outcome, 'admit')
  t.equal(asCurrent.sameAsRecorded, false)
  // A second approval amends the amended catalog.
  const second = await escalate(h, 'city-civil', { title: '协助开展社区助浴服务需求摸底', legalBasis: [{ title: '示范市居家养老服务条例' }] })
  await send(h, second.id, h.auth('office', 'city'), { type: 'PUT_ON_AGENDA' })
  for (const sub of ['chen.chair', 'qian.member', 'feng.member']) {
    await send(h, second.id, h.auth('leading_group', 'city', sub), { type: 'VOTE', vote: 'approve', reason: '同意' })
  }
  await send(h, second.id, h.auth('leading_group', 'city', 'chen.chair'), { type: 'DECIDE', decision: 'approve', minutes: '纪要', amendCatalog: { fundingMinimum: 2000, name: '协助开展助浴服务需求调查' } })
  const latest = (await h.app.inject({ method: 'GET', url: '/v1/catalogs/assisted_tasks' })).json()
  t.equal(latest.policy.version, `${original.version}-a2`)
  t.match(latest.items.at(-1), { code: 'AT-42', name: '协助开展助浴服务需求调查', legalBasis: '示范市居家养老服务条例' })

  const draft = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'city-civil'), payload: newItem() })).json()
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/tasks/${draft.id}/screening`, headers: h.auth('department', 'city-civil') })).statusCode, 409, 'a draft has no screening to explain')
})

t.test('working-day deadlines cross the 2025 National Day holiday and its make-up days, and survive in the database', async (t) => {
  let now = new Date('2025-09-26T02:00:00Z') // Friday 26 September 2025, Beijing time
  const h = await build(t, { now: () => now })
  const task = await escalate(h, 'east-civil', { period: { start: '2026-03-02', end: '2026-06-30' } })
  // 5 working days: Sun 28 Sep (make-up), 29, 30 Sep, then 1–8 Oct are holidays, 9 and 10 Oct.
  t.match(task.review, { escalatedOn: '2025-09-26', dueOn: '2025-10-10', dueKind: 'office_review', overdue: false })
  const other = await escalate(h, 'east-civil', { title: '协助开展社区助餐服务需求摸底', period: { start: '2026-03-02', end: '2026-06-30' } })
  now = new Date('2025-09-29T02:00:00Z')
  const onAgenda = await send(h, other.id, h.auth('office', 'east'), { type: 'PUT_ON_AGENDA' })
  // 15 working days from 26 Sep: the five above, Sat 11 Oct (make-up), 13–17, 20–23 Oct.
  t.match(onAgenda.json().review, { dueOn: '2025-10-23', dueKind: 'decision' })

  const queue = (await h.app.inject({ method: 'GET', url: '/v1/reviews', headers: h.auth('office', 'east') })).json().items
  t.same(queue.map((x: { id: string }) => x.id), [task.id], 'the office queue holds what awaits the office')
  t.ok(queue[0].screening.findings.length > 0, 'findings come inline')

  now = new Date('2025-10-13T02:00:00Z')
  t.equal((await sweep(h.app.gate)).deadlines, 1)
  t.equal((await sweep(h.app.gate)).deadlines, 0, 'a task is flagged once')
  const overdue = (await h.app.inject({ method: 'GET', url: '/v1/reviews/overdue', headers: h.auth('office', 'east') })).json().items
  t.same(overdue.map((x: { id: string }) => x.id), [task.id])
  t.equal(overdue[0].review.overdue, true)
  t.same((await h.app.inject({ method: 'GET', url: '/v1/reviews/overdue', headers: h.auth('office', 'west') })).json().items, [])
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/reviews/overdue', headers: h.auth('admin', 'city') })).json().items.length, 1)
  const history = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/events`, headers: h.auth('office', 'east') })).json().items
  t.match(history.at(-1), { type: 'DEADLINE_MISSED', actor: { sub: 'zhunru-system' }, reason: /office_review was due on 2025-10-10/ })
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/reviews', headers: h.auth('department', 'east-civil') })).statusCode, 403)
})

t.test('a task applied for too late is returned: 30 working days’ notice', async (t) => {
  const h = await build(t, { now: () => new Date('2025-09-26T02:00:00Z') })
  const late = await h.app.inject({
    method: 'POST',
    url: '/v1/tasks',
    headers: h.auth('department', 'east-civil'),
    payload: { ...newItem({ period: { start: '2025-10-20', end: '2025-12-31' } }), submit: true }
  })
  t.equal(late.json().state, 'returned')
  const f = late.json().screening.findings.find((x: { rule: string }) => x.rule === 'application_lead_time')
  t.same(f.evidence, [{ field: 'period.start', value: '2025-10-20' }])
  t.match(f.message.en, /2025-11-1\d at the earliest/)
})

t.test('leading-group membership is managed by an admin', async (t) => {
  const h = await build(t)
  const members = (await h.app.inject({ method: 'GET', url: '/v1/leading-groups/east/members', headers: h.auth('office', 'east') })).json().items
  t.same(members.map((m: { sub: string }) => m.sub), ['sun.chair', 'he.civil', 'lv.member'])
  const add = (payload: Record<string, unknown>, headers = h.auth('admin', 'city'), org = 'east') =>
    h.app.inject({ method: 'POST', url: `/v1/leading-groups/${org}/members`, headers, payload })
  const member = { sub: 'ma.member', name: '马委员(区住建局)', homeDepartment: 'east-housing', chair: false }
  t.equal((await add(member)).statusCode, 201)
  t.equal((await add(member)).statusCode, 409)
  t.equal((await add({ sub: 'yang.member', name: '杨委员(人大代表)', homeDepartment: null, chair: false })).statusCode, 201, 'a member need not come from a department')
  t.equal((await add(member, h.auth('office', 'east'))).statusCode, 403)
  t.equal((await add({ ...member, sub: 'x', homeDepartment: 'east' })).json().field, 'homeDepartment')
  t.equal((await add({ ...member, sub: 'y', homeDepartment: 'no-such-department' })).json().field, 'homeDepartment')
  t.equal((await add(member, h.auth('admin', 'city'), 'east-s1')).statusCode, 404, 'streets have no leading group')
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/leading-groups/nowhere/members', headers: h.auth('office', 'east') })).statusCode, 404)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/leading-groups/east/members' })).statusCode, 401)
})

t.test('each of approve, reject and return, for a city task and a district task', async (t) => {
  const h = await build(t)
  const groups = {
    'city-civil': { org: 'city', chair: 'chen.chair', voters: ['chen.chair', 'qian.member', 'feng.member'] },
    'east-housing': { org: 'east', chair: 'sun.chair', voters: ['sun.chair', 'he.civil', 'lv.member'] }
  } as const
  const endState = { approve: 'admitted', reject: 'rejected', return: 'returned' } as const
  for (const [department, g] of Object.entries(groups)) {
    for (const decision of ['approve', 'reject', 'return'] as const) {
      const task = await escalate(h, department, { title: `协助开展社区需求调查(${department} ${decision})` })
      await send(h, task.id, h.auth('office', g.org), { type: 'PUT_ON_AGENDA' })
      for (const sub of g.voters) await send(h, task.id, h.auth('leading_group', g.org, sub), { type: 'VOTE', vote: decision, reason: '集体研究' })
      const res = await send(h, task.id, h.auth('leading_group', g.org, g.chair), { type: 'DECIDE', decision, reason: '集体研究决定', minutes: '纪要' })
      t.equal(res.json().state, endState[decision], `${department} ${decision}`)
      t.equal(res.json().decider.orgUnit, g.org)
    }
  }
})

t.test('an amended item belongs to the group that added it: its jurisdiction, sector and kind', async (t) => {
  const h = await build(t)
  const task = await escalate(h, 'east-civil')
  await send(h, task.id, h.auth('office', 'east'), { type: 'PUT_ON_AGENDA' })
  for (const sub of ['sun.chair', 'lv.member']) await send(h, task.id, h.auth('leading_group', 'east', sub), { type: 'VOTE', vote: 'approve', reason: '同意' })
  const approved = await send(h, task.id, h.auth('leading_group', 'east', 'sun.chair'), { type: 'DECIDE', decision: 'approve', minutes: '纪要', amendCatalog: { fundingMinimum: 3000 } })
  t.equal(approved.json().state, 'admitted')
  const submit = async (department: string, over: Record<string, unknown> = {}) =>
    (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', department), payload: { ...newItem(over), submit: true } })).json()
  t.equal((await submit('east-civil')).state, 'admitted', 'the east district’s civil-affairs bureau may now send it')
  t.equal((await submit('west-civil', { targets: demoCommunities('west-s1') })).state, 'escalated', 'the west district’s group never decided it')
  t.equal((await submit('city-civil')).state, 'escalated', 'nor did the city’s')
  t.equal((await submit('east-housing')).state, 'escalated', 'another sector of the same district does not claim it')
  t.equal((await submit('east-civil', { kind: 'data_collection' })).state, 'escalated', 'the same title as a data collection is other work')
})

t.test('the history hides who voted how from departments, as the task view does', async (t) => {
  const h = await build(t)
  const task = await escalate(h, 'east-civil')
  await send(h, task.id, h.auth('office', 'east'), { type: 'PUT_ON_AGENDA' })
  await send(h, task.id, h.auth('leading_group', 'east', 'lv.member'), { type: 'VOTE', vote: 'reject', reason: '不宜下派' })
  const history = async (headers: Record<string, string>) =>
    (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/events`, headers })).json().items.find((e: { type: string }) => e.type === 'VOTE')
  t.match(await history(h.auth('department', 'east-civil')), { actor: { sub: 'member', role: 'leading_group' }, vote: null, reason: null })
  t.match(await history(h.auth('office', 'east')), { actor: { sub: 'lv.member' }, vote: 'reject', reason: '不宜下派' })
})

t.test('a decision needs more than half of the votes cast, not merely the most', async (t) => {
  const h = await build(t)
  const task = await escalate(h, 'city-police', { title: '协助开展社区治安需求调查' })
  await send(h, task.id, h.auth('office', 'city'), { type: 'PUT_ON_AGENDA' })
  const votes = { 'chen.chair': 'approve', 'zhou.civil': 'approve', 'qian.member': 'reject', 'feng.member': 'return' }
  for (const [sub, vote] of Object.entries(votes)) await send(h, task.id, h.auth('leading_group', 'city', sub), { type: 'VOTE', vote, reason: '意见' })
  const plurality = await send(h, task.id, h.auth('leading_group', 'city', 'chen.chair'), { type: 'DECIDE', decision: 'approve', minutes: '纪要' })
  t.equal(plurality.statusCode, 409, 'approve 2 of 4 is not a majority')
  t.match(plurality.json().detail, /do not carry "approve"/)
})

t.test('closing a consultation never moves the deadline earlier', async (t) => {
  let now = new Date('2026-10-09T02:00:00Z')
  const h = await build(t, { now: () => now })
  const task = await escalate(h, 'east-civil')
  const office = h.auth('office', 'east')
  const opened = await send(h, task.id, office, { type: 'OPEN_CONSULTATION', consultation: { mode: 'public_notice', invited: [] } })
  const consultationDue = opened.json().review.dueOn
  t.ok(consultationDue > task.review.dueOn, 'a consultation runs against the decision deadline')
  now = new Date('2026-10-20T02:00:00Z')
  const closed = await send(h, task.id, office, { type: 'CLOSE_CONSULTATION' })
  t.equal(closed.json().review.dueOn, consultationDue)
  t.equal(closed.json().review.overdue, false)
})
