import t, { type Test } from 'tap'
import { addWorkingDays } from '../src/calendar/working-days.js'
import { addCalendarDays } from '../src/clock.js'
import { DUE_TABLE } from '../src/engine/due.js'
import { DEFAULT_PACK } from '../src/policy/pack.js'
import { sweep } from '../src/tasks/deadlines.js'
import { meetingRefusal, reaches, shareText, type Meeting } from '../machines/deliberation.js'
import { build, type Harness } from './helper.js'

// The residents' deliberation council (议事会六步工作法) over HTTP: east-s1-c1's council of seven,
// a general item and a major one through all six steps, the meetings' quorum, majority and notice,
// withdrawal, the publicity period swept by the engine, and the public register.

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const COMMUNITY = 'east-s1-c1'
const TERM = { termStart: '2026-01-01', termEnd: '2030-12-31' }
const SEVEN = ['m01', 'm02', 'm03', 'm04', 'm05', 'm06', 'm07']
const COUNCIL = SEVEN.map((sub, i) => ({ sub, name: `成员${i + 1}`, position: i === 0 ? 'chair' : i === 1 ? 'vice_chair' : 'member', partyMember: i < 3, ...TERM }))

const ITEM = { origin: 'residents', proposer: '3号楼居民', title: '3号楼加装电动自行车充电棚', text: '建议在楼后空地加装充电棚，解决楼道充电的消防隐患。' }

interface Tour {
  h: Harness
  council: { authorization: string }
  staff: { authorization: string }
  post: (url: string, headers: object, payload: unknown, extra?: object) => Promise<{ statusCode: number; json: () => Json; body: string; headers: Json }>
  get: (url: string, headers?: object) => Promise<{ statusCode: number; json: () => Json; body: string; headers: Json }>
  event: (id: string, who: object, payload: Json) => Promise<{ statusCode: number; json: () => Json; body: string }>
  item: () => Promise<string>
  setNow: (iso: string) => void
}

async function tour(t: Test): Promise<Tour> {
  let now = new Date('2026-10-09T02:00:00Z')
  const h = await build(t, { now: () => now })
  const council = h.auth('council', COMMUNITY, 'east-s1-c1.council')
  const staff = h.auth('community', COMMUNITY, 'east-s1-c1.staff')
  const post = (url: string, headers: object, payload: unknown, extra: object = {}) =>
    h.app.inject({ method: 'POST', url, headers: { ...headers, ...extra }, payload: payload as Json })
  const get = (url: string, headers: object = {}) => h.app.inject({ method: 'GET', url, headers: headers as Record<string, string> })
  const imported = await post(`/v1/councils/${COMMUNITY}/members/import`, staff, COUNCIL)
  if (imported.statusCode !== 200) throw new Error(imported.body)
  const event = (id: string, who: object, payload: Json) => post(`/v1/deliberations/${id}/events`, who, payload)
  const item = async () => (await post('/v1/deliberations', council, ITEM)).json().id as string
  return { h, council, staff, post, get, event, item, setNow: (iso) => (now = new Date(iso)) }
}

const meeting = (attended: string[], votes: { for: string[]; against?: string[]; abstain?: string[] }, extra: Json = {}) => ({
  heldOn: '2026-10-09',
  noticeGivenOn: '2026-09-29',
  attended,
  votes: { against: [], abstain: [], ...votes },
  minutes: '议事会第5次会议纪要',
  documents: [{ title: '会议纪要', uri: 'https://example.org/minutes/5.pdf' }],
  ...extra
})

const assembly = (called: number, attended: number, votes: { for: number; against: number; abstain: number }, extra: Json = {}) => ({
  kind: 'representatives_meeting',
  heldOn: '2026-10-09',
  noticeGivenOn: '2026-09-28',
  called,
  attended,
  votes,
  minutes: '居民代表会议纪要',
  ...extra
})

const GENERAL_MOTION = { type: 'MOTION', track: 'general', trackReason: '费用由物业维修资金列支，不涉及全体居民重大利益', motion: '建议加装充电棚一座，设充电位20个。' }
const MAJOR_MOTION = { type: 'MOTION', track: 'major', trackReason: '涉及全体居民切身利益和公共收益使用', motion: '建议实施小区雨污分流改造，费用从公共收益中列支。' }
const APPROVED = { type: 'COMMITTEE_REVIEW', outcome: 'approved', opinion: '同意提交表决' }

const publicityEnd = (from: string) => addWorkingDays(DEFAULT_PACK.calendar, from, DEFAULT_PACK.parameters.deliberation!.publicityWorkingDays.days)

t.test('a general item goes through its six steps: 建议, 提议, 决议, 备案, 公开, 实施', async (t) => {
  const { h, council, staff, post, get, event, setNow } = await tour(t)

  const created = await post('/v1/deliberations', council, ITEM)
  t.equal(created.statusCode, 201)
  const d = created.json()
  t.match(d, { state: 'proposed', community: COMMUNITY, street: 'east-s1', jurisdiction: 'east', origin: 'residents', track: null, enabledEvents: ['MOTION', 'WITHDRAW'] })
  t.equal(created.headers.location, `/v1/deliberations/${d.id}`)

  t.match((await event(d.id, staff, GENERAL_MOTION)).json(), { status: 403, detail: /council/ }, 'the committees do not write the council’s motion')
  const moved = (await event(d.id, council, GENERAL_MOTION)).json()
  t.match(moved, { state: 'committee_review', track: 'general', trackReason: GENERAL_MOTION.trackReason, motion: GENERAL_MOTION.motion, enabledEvents: ['WITHDRAW'] })
  t.same((await get(`/v1/deliberations/${d.id}`, staff)).json().enabledEvents, ['COMMITTEE_REVIEW', 'WITHDRAW'], 'the committees review it')

  t.match((await event(d.id, staff, APPROVED)).json(), { state: 'council_resolution', reviews: [{ by: 'committees', outcome: 'approved' }] })

  // 3 决议: three of seven present is no quorum; the answer says how many, and how many must be.
  const few = await event(d.id, council, { type: 'COUNCIL_RESOLVE', meeting: meeting(['m01', 'm02', 'm03'], { for: ['m01', 'm02', 'm03'] }), text: '同意加装' })
  t.equal(few.statusCode, 409)
  t.match(few.json(), { type: /meeting-cannot-decide/, detail: 'no quorum: 3 of 7 members present; more than half must be', currentState: 'council_resolution', currentVersion: 3 })
  t.match(few.json().message.zh, '7名成员中3人出席')
  // Notice given two working days before: refused, naming both days.
  const late = await event(d.id, council, { type: 'COUNCIL_RESOLVE', meeting: meeting(SEVEN, { for: SEVEN }, { noticeGivenOn: '2026-09-30' }), text: '同意加装' })
  t.equal(late.statusCode, 409)
  t.match(late.json().detail, /2026-10-09.*2026-09-30.*3 working days.*by 2026-09-29/)

  const resolved = await event(d.id, council, {
    type: 'COUNCIL_RESOLVE',
    meeting: meeting(['m01', 'm02', 'm03', 'm04', 'm05'], { for: ['m01', 'm02', 'm03'], against: ['m04'], abstain: ['m05'] }),
    text: '同意在3号楼后空地加装充电棚一座'
  })
  t.equal(resolved.statusCode, 200, resolved.body)
  const r = resolved.json()
  t.match(r, { state: 'resolved', enabledEvents: [] })
  t.match(r.resolution, { adopted: true, text: '同意在3号楼后空地加装充电棚一座', meeting: { kind: 'council_meeting', called: SEVEN, attended: ['m01', 'm02', 'm03', 'm04', 'm05'], absent: ['m06', 'm07'], tally: { for: 3, against: 1, abstain: 1 } } })
  t.match(r.resolution.meeting.votes, { for: ['m01', 'm02', 'm03'], against: ['m04'], abstain: ['m05'] }, 'each member’s vote is kept')
  t.same((await get(`/v1/deliberations/${d.id}`, staff)).json().enabledEvents, ['FILE'], 'a general item is filed next, not published')
  t.equal((await event(d.id, staff, { type: 'PUBLISH' })).statusCode, 409, 'publishing before filing is refused')

  t.match((await event(d.id, staff, { type: 'FILE', note: '已报社区两委备案' })).json(), { state: 'filed', filedOn: '2026-10-09' })
  t.equal((await get('/v1/register/deliberations')).json().items.length, 0, 'nothing is public before it is published')
  const published = (await event(d.id, staff, { type: 'PUBLISH', note: '公示栏' })).json()
  const until = publicityEnd('2026-10-09')
  t.match(published, { state: 'published', publishedOn: '2026-10-09', publicityUntil: until })

  const reg = await get(`/v1/register/deliberations?community=${COMMUNITY}`)
  t.equal(reg.statusCode, 200)
  t.match(reg.json().items, [{ id: d.id, state: 'published', resolution: { adopted: true, meeting: 'council_meeting', called: 7, attended: 5, for: 3, against: 1, abstain: 1 } }])
  t.notOk(JSON.stringify(reg.json()).includes('3号楼居民'), 'who proposed it is not published')
  t.notOk(JSON.stringify(reg.json()).includes('m04'), 'nor how each member voted')

  // The publicity period runs to its last day; the sweep the day after moves the item on.
  setNow(`${until}T02:00:00Z`)
  await sweep(h.app.gate)
  t.equal((await get(`/v1/deliberations/${d.id}`, staff)).json().state, 'published', 'still in publicity on its last day')
  setNow(`${addCalendarDays(until, 1)}T02:00:00Z`)
  await sweep(h.app.gate)
  const implementing = (await get(`/v1/deliberations/${d.id}`, staff)).json()
  t.match(implementing, { state: 'implementing', enabledEvents: ['COMPLETE', 'PROGRESS'] })

  const today = addCalendarDays(until, 1)
  t.match((await event(d.id, staff, { type: 'PROGRESS', note: '施工单位已进场', on: until })).json(), { state: 'implementing', progress: [{ note: '施工单位已进场', on: until }] })
  t.equal((await event(d.id, staff, { type: 'PROGRESS', note: '明天的进度', on: addCalendarDays(today, 1) })).statusCode, 400, 'a progress note is not dated in the future')
  t.match((await event(d.id, staff, { type: 'PROGRESS', note: '主体完工' })).json().progress, [{ on: until }, { note: '主体完工', on: today }])
  const done = (await event(d.id, staff, { type: 'COMPLETE', result: '充电棚已建成并投入使用' })).json()
  t.match(done, { state: 'implemented', result: { text: '充电棚已建成并投入使用', on: today }, enabledEvents: [] })

  t.match((await get('/v1/register/deliberations?format=csv')).body, `,充电棚已建成并投入使用,${today}\r\n`, 'the result in the CSV')
  const register = (await get('/v1/register/deliberations?area=east')).json()
  t.match(register.items, [{ id: d.id, state: 'implemented', progress: [{ note: '施工单位已进场' }, { note: '主体完工' }], result: { text: '充电棚已建成并投入使用' } }])

  const history = (await get(`/v1/deliberations/${d.id}/history`, council)).json().items
  t.same(
    history.map((e: Json) => `${e.type}:${e.to}`),
    ['PROPOSE:proposed', 'MOTION:committee_review', 'COMMITTEE_REVIEW:council_resolution', 'COUNCIL_RESOLVE:resolved', 'FILE:filed', 'PUBLISH:published', 'PUBLICITY_ENDED:implementing', 'PROGRESS:implementing', 'PROGRESS:implementing', 'COMPLETE:implemented']
  )
  t.match(history[3].payload, { meeting: { tally: { for: 3 } }, rules: { noticeBy: '2026-09-29', quorum: { numerator: 1, denominator: 2, inclusive: false } } }, 'the rules the meeting was held to are kept')
  t.match(history[6].actor, { sub: 'zhunru-system' }, 'the engine ended the publicity period')
  t.equal(Number((await h.db.knex(DUE_TABLE).where({ machine: 'deliberation' }).count({ n: '*' }))[0]!.n), 0, 'nothing is left waiting')
})

t.test('a major item: the joint meeting reviews it, the representatives’ meeting resolves it, resolution and result are published', async (t) => {
  const { h, council, staff, event, item, get, setNow } = await tour(t)
  const id = await item()
  await event(id, council, MAJOR_MOTION)
  t.match((await event(id, staff, APPROVED)).json(), { state: 'joint_review', enabledEvents: ['JOINT_REVIEW', 'WITHDRAW'] })
  const joint = await event(id, staff, { type: 'JOINT_REVIEW', outcome: 'approved', opinion: '同意提请居民代表会议决议', jointMeeting: { heldOn: '2026-10-08', attended: 9, minutes: '两委联席会议纪要' } })
  t.match(joint.json(), { state: 'residents_resolution', reviews: [{ by: 'committees' }, { by: 'joint_meeting', meeting: { kind: 'joint_meeting', heldOn: '2026-10-08', attended: 9 } }] })
  t.equal((await event(id, council, { type: 'RESIDENTS_RESOLVE', assembly: assembly(30, 20, { for: 15, against: 5, abstain: 0 }), text: '同意' })).statusCode, 403, 'the residents’ committee records the residents’ meeting')

  // Two thirds of the representatives must be present: 19 of 30 is not enough, 20 is.
  const short = await event(id, staff, { type: 'RESIDENTS_RESOLVE', assembly: assembly(30, 19, { for: 19, against: 0, abstain: 0 }), text: '同意' })
  t.equal(short.statusCode, 409)
  t.equal(short.json().detail, 'no quorum: 19 of 30 called present; at least two thirds must be')
  t.match(short.json().message.zh, '30名应到人员中19人出席，须三分之二以上（含）出席')
  const resolved = await event(id, staff, { type: 'RESIDENTS_RESOLVE', assembly: assembly(30, 20, { for: 11, against: 8, abstain: 1 }), text: '同意实施雨污分流改造' })
  t.match(resolved.json(), { state: 'resolved', resolution: { adopted: true, meeting: { kind: 'representatives_meeting', called: 30, attended: 20, absent: 10, tally: { for: 11, against: 8, abstain: 1 } } } })
  t.same((await get(`/v1/deliberations/${id}`, staff)).json().enabledEvents, ['PUBLISH'], 'a major item is not filed: its resolution is published')
  t.equal((await event(id, staff, { type: 'FILE' })).statusCode, 409)

  const until = publicityEnd('2026-10-09')
  t.match((await event(id, staff, { type: 'PUBLISH' })).json(), { state: 'published', publicityUntil: until })
  setNow(`${addCalendarDays(until, 1)}T02:00:00Z`)
  await sweep(h.app.gate)
  t.equal((await get(`/v1/deliberations/${id}`, staff)).json().state, 'implementing')
  const day = addCalendarDays(until, 1)
  const completed = (await event(id, staff, { type: 'COMPLETE', result: '改造完成，经居民代表验收', on: day })).json()
  const resultUntil = publicityEnd(day)
  t.match(completed, { state: 'result_published', publicityUntil: resultUntil, result: { on: day } })
  t.match((await get('/v1/register/deliberations')).json().items, [{ id, state: 'result_published', track: 'major', publicityUntil: resultUntil }])
  const outside = (await get(`/v1/deliberations/${id}`, h.auth('department', 'east-civil'))).json()
  t.match(outside.reviews, [{ by: 'committees', meeting: null }, { by: 'joint_meeting', meeting: { kind: 'joint_meeting', attended: 9, votes: null } }], 'outside the community: the meetings as records of counts')
  t.match(outside.resolution.meeting, { called: 30, attended: 20, absent: 10, votes: { for: 11, against: 8, abstain: 1 } })
  setNow(`${addCalendarDays(resultUntil, 1)}T02:00:00Z`)
  await sweep(h.app.gate)
  t.equal((await get(`/v1/deliberations/${id}`, staff)).json().state, 'implemented', 'the result’s publicity ended')
})

t.test('a residents’ meeting needs more than half; a motion the meeting votes down is rejected, and its result is public', async (t) => {
  const { council, staff, event, item, get } = await tour(t)
  const major = await item()
  await event(major, council, MAJOR_MOTION)
  await event(major, staff, APPROVED)
  await event(major, staff, { type: 'JOINT_REVIEW', outcome: 'approved', opinion: '同意', jointMeeting: { heldOn: '2026-10-08', minutes: '纪要' } })
  const residents = (attended: number, votes: { for: number; against: number; abstain: number }) => ({ type: 'RESIDENTS_RESOLVE', assembly: assembly(400, attended, votes, { kind: 'residents_meeting' }), text: '同意' })
  t.equal((await event(major, staff, residents(200, { for: 200, against: 0, abstain: 0 }))).json().detail, 'no quorum: 200 of 400 called present; more than half must be')
  t.match((await event(major, staff, residents(201, { for: 100, against: 90, abstain: 11 }))).json(), { state: 'rejected', resolution: { adopted: false }, publishedOn: '2026-10-09', enabledEvents: [] })

  const general = await item()
  await event(general, council, GENERAL_MOTION)
  await event(general, staff, APPROVED)
  // Four of seven present; two for is not more than half of those present.
  const down = await event(general, council, { type: 'COUNCIL_RESOLVE', meeting: meeting(['m01', 'm02', 'm03', 'm04'], { for: ['m01', 'm02'], against: ['m03', 'm04'] }), text: '不同意加装' })
  t.match(down.json(), { state: 'rejected', resolution: { adopted: false, text: '不同意加装' } })
  const items = (await get('/v1/register/deliberations?state=rejected')).json().items
  t.same(items.map((i: Json) => i.id).sort(), [major, general].sort(), 'both results are public')
  t.match(items.find((i: Json) => i.id === general).resolution, { adopted: false, meeting: 'council_meeting', for: 2, against: 2 })
})

t.test('returned by the committees or the joint meeting, the item goes back to the council; withdrawn, it stays with its history', async (t) => {
  const { council, staff, event, item, get } = await tour(t)
  const id = await item()
  await event(id, council, GENERAL_MOTION)
  t.match((await event(id, staff, { type: 'COMMITTEE_REVIEW', outcome: 'returned', opinion: '请补充费用测算' })).json(), { state: 'proposed', reviews: [{ outcome: 'returned', opinion: '请补充费用测算' }] })
  await event(id, council, MAJOR_MOTION)
  await event(id, staff, APPROVED)
  t.match((await event(id, staff, { type: 'JOINT_REVIEW', outcome: 'returned', opinion: '重新论证', jointMeeting: { heldOn: '2026-10-09', minutes: '纪要' } })).json(), { state: 'proposed', track: 'major' })

  const withdrawn = await event(id, staff, { type: 'WITHDRAW', reason: '居民已另行协商解决' })
  t.match(withdrawn.json(), { state: 'withdrawn', withdrawal: { reason: '居民已另行协商解决' }, enabledEvents: [] })
  const kept = (await get(`/v1/deliberations/${id}`, council)).json()
  t.match(kept, { state: 'withdrawn', title: ITEM.title, motion: MAJOR_MOTION.motion })
  t.equal((await get(`/v1/deliberations/${id}/history`, council)).json().items.length, 7, 'its history stays')
  t.same((await get('/v1/deliberations?state=withdrawn', staff)).json().items.map((i: Json) => i.id), [id], 'listed as withdrawn')
  t.equal((await event(id, council, { type: 'WITHDRAW', reason: '再撤回' })).statusCode, 409)
  t.equal((await event(id, council, { type: 'WITHDRAW', reason: '   ' })).statusCode, 400, 'a reason says something')

  // Once adopted, a resolution is no longer withdrawn.
  const adopted = await item()
  await event(adopted, council, GENERAL_MOTION)
  await event(adopted, staff, APPROVED)
  await event(adopted, council, { type: 'COUNCIL_RESOLVE', meeting: meeting(SEVEN, { for: SEVEN }), text: '同意' })
  const refused = await event(adopted, council, { type: 'WITHDRAW', reason: '反悔' })
  t.match(refused.json(), { status: 409, currentState: 'resolved' })
})

t.test('a community’s council acts only in its community; others read as far as their place allows', async (t) => {
  const { h, council, staff, event, item, get } = await tour(t)
  const id = await item()
  const foreignCouncil = h.auth('council', 'west-s1-c1')
  const neighbour = h.auth('council', 'east-s1-c2')
  t.equal((await event(id, foreignCouncil, GENERAL_MOTION)).statusCode, 404, 'another community’s council does not learn the item exists')
  t.equal((await get(`/v1/deliberations/${id}`, neighbour)).statusCode, 404)
  t.equal((await get(`/v1/deliberations/${id}`, h.auth('street', 'east-s1'))).statusCode, 200, 'its street reads it')
  t.equal((await get(`/v1/deliberations/${id}`, h.auth('street', 'west-s1'))).statusCode, 404)
  t.equal((await get(`/v1/deliberations/${id}`, h.auth('office', 'east'))).statusCode, 200, 'the office of its district reads it')
  t.equal((await get(`/v1/deliberations/${id}`, h.auth('office', 'west'))).statusCode, 404)
  t.equal((await get(`/v1/deliberations/${id}`, h.auth('admin', 'city'))).statusCode, 200)
  t.equal((await get(`/v1/deliberations/${id}`, h.auth('admin', 'west'))).statusCode, 404)
  t.equal((await get(`/v1/deliberations/${id}`, h.auth('department', 'east-civil'))).statusCode, 404)
  t.equal((await get(`/v1/deliberations/${id}`)).statusCode, 401)
  const street = (await get('/v1/deliberations', h.auth('street', 'east-s1'))).json().items
  t.same(street.map((i: Json) => i.id), [id])
  t.same((await get('/v1/deliberations', h.auth('admin', 'east'))).json().items.map((i: Json) => i.id), [id], 'a district’s admin reads its district’s')
  t.same((await get('/v1/deliberations', neighbour)).json().items, [])
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/deliberations', headers: h.auth('street', 'east-s1'), payload: ITEM })).statusCode, 403, 'a street proposes nothing')
  t.equal((await event(id, h.auth('office', 'east'), GENERAL_MOTION)).statusCode, 403, 'the office reads, it does not act')

  // Once public, another community's council is told why it may not act, instead of "not found".
  await event(id, council, GENERAL_MOTION)
  await event(id, staff, APPROVED)
  await event(id, council, { type: 'COUNCIL_RESOLVE', meeting: meeting(SEVEN, { for: [], against: SEVEN }), text: '不同意' })
  const told = await event(id, h.auth('community', 'west-s1-c1'), { type: 'WITHDRAW', reason: '越权' })
  t.match(told.json(), { status: 403, detail: `this item is of ${COMMUNITY}, not of west-s1-c1` })
  t.same((await get('/v1/deliberations', h.auth('department', 'east-civil'))).json().items.map((i: Json) => i.id), [id], 'the public ones are listed for anyone')
  t.equal((await get(`/v1/deliberations/${id}/history`, h.auth('department', 'east-civil'))).statusCode, 200)
})

t.test('a meeting’s record is checked: members by id, votes by those present, dates not in the future', async (t) => {
  const { council, staff, event, item, post } = await tour(t)
  const id = await item()
  await event(id, council, GENERAL_MOTION)
  await event(id, staff, APPROVED)
  const resolve = (m: Json) => event(id, council, { type: 'COUNCIL_RESOLVE', meeting: m, text: '同意' })
  const cases: Array<[string, Json, string]> = [
    ['a stranger attends', meeting(['m01', 'x99'], { for: ['m01'] }), 'meeting.attended[1]'],
    ['a member named twice', meeting(['m01', 'm01'], { for: ['m01'] }), 'meeting.attended[1]'],
    ['a vote by one absent', meeting(['m01', 'm02', 'm03', 'm04'], { for: ['m01', 'm05'] }), 'meeting.votes.for[1]'],
    ['a member votes twice', meeting(['m01', 'm02', 'm03', 'm04'], { for: ['m01'], against: ['m01'] }), 'meeting.votes.against[0]'],
    ['held tomorrow', meeting(SEVEN, { for: SEVEN }, { heldOn: '2026-10-10' }), 'meeting.heldOn'],
    ['noticed after it was held', meeting(SEVEN, { for: SEVEN }, { heldOn: '2026-10-08', noticeGivenOn: '2026-10-09' }), 'meeting.noticeGivenOn'],
    ['no text in the minutes', meeting(SEVEN, { for: SEVEN }, { minutes: ' \n\t ' }), 'meeting.minutes'],
    ['a date that is none', meeting(SEVEN, { for: SEVEN }, { heldOn: '2026-02-30' }), 'meeting.heldOn'],
    ['a year the calendar does not cover', meeting(SEVEN, { for: SEVEN }, { noticeGivenOn: '1999-01-04' }), 'meeting.noticeGivenOn']
  ]
  for (const [what, m, field] of cases) {
    const res = await resolve(m)
    t.equal(res.statusCode, 400, what)
    t.match(res.json().field, field, what)
  }
  // Before the council's members were elected, nobody sat on it.
  t.match((await resolve(meeting(['m01'], { for: ['m01'] }, { heldOn: '2025-12-31', noticeGivenOn: '2025-12-20' }))).json(), { status: 409, detail: 'the council had no sitting members on 2025-12-31' })
  const major = await item()
  await event(major, council, MAJOR_MOTION)
  await event(major, staff, APPROVED)
  await event(major, staff, { type: 'JOINT_REVIEW', outcome: 'approved', opinion: '同意', jointMeeting: { heldOn: '2026-10-08', minutes: '纪要' } })
  const residents = (a: Json) => event(major, staff, { type: 'RESIDENTS_RESOLVE', assembly: a, text: '同意' })
  t.equal((await residents(assembly(30, 31, { for: 1, against: 0, abstain: 0 }))).json().field, 'assembly.attended')
  t.equal((await residents(assembly(30, 20, { for: 15, against: 5, abstain: 1 }))).json().field, 'assembly.votes')
  t.equal((await residents(assembly(0, 0, { for: 0, against: 0, abstain: 0 }))).json().field, 'assembly.called')

  const bad = (payload: Json) => post('/v1/deliberations', council, payload)
  t.equal((await bad({ ...ITEM, title: '   ' })).json().field, 'title', 'a title says something')
  t.equal((await bad({ ...ITEM, title: '议'.repeat(501) })).json().field, 'title')
  t.equal((await bad({ ...ITEM, origin: 'mayor' })).json().field, 'origin')
  t.equal((await bad({ ...ITEM, community: 'west-s1-c1' })).statusCode, 400, 'the community is the token’s, never the body’s')
  const emoji = await bad({ ...ITEM, title: '加装充电棚🔌（含“引号”、逗号,和\n换行）', proposer: undefined })
  t.equal(emoji.statusCode, 201)
  t.equal(emoji.json().proposer, null)
  t.equal((await event(id, council, { type: 'NOPE' })).json().field, 'type')
  t.equal((await event(id, council, { type: 'PUBLICITY_ENDED' })).statusCode, 400, 'the sweeper’s event is no request')
  t.equal((await event(id, council, { type: 'MOTION', track: 'general' })).statusCode, 400, 'a motion has its reason and its text')
})

t.test('the register publishes JSON and CSV without a token; CSV quotes what needs quoting', async (t) => {
  const { council, staff, event, post, get } = await tour(t)
  const title = '加装充电棚（含“引号”、逗号,和\n换行）'
  const id = (await post('/v1/deliberations', council, { ...ITEM, title })).json().id
  await event(id, council, GENERAL_MOTION)
  await event(id, staff, APPROVED)
  await event(id, council, { type: 'COUNCIL_RESOLVE', meeting: meeting(SEVEN, { for: SEVEN }), text: '同意, "全体"赞成' })
  await event(id, staff, { type: 'FILE' })
  await event(id, staff, { type: 'PUBLISH' })
  const csv = await get(`/v1/register/deliberations?format=csv&community=${COMMUNITY}`)
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], 'text/csv; charset=utf-8')
  t.ok(csv.body.startsWith('\uFEFFid,community,title,track,state,adopted,'), 'a BOM and a header row')
  t.ok(csv.body.includes(`,"加装充电棚（含“引号”、逗号,和\n换行）",general,published,true,council_meeting,2026-10-09,7,7,7,0,0,"同意, ""全体""赞成",2026-10-09,2026-10-09,`), csv.body)
  const accept = await get('/v1/register/deliberations', { accept: 'text/csv' })
  t.equal(accept.body, csv.body, 'Accept: text/csv asks for the same file')
  const json = await get('/v1/register/deliberations?limit=1')
  t.match(json.headers['content-type'], 'application/json')
  t.equal(json.json().items[0].title, title)
  const again = await get('/v1/register/deliberations?limit=1', { 'if-none-match': json.headers.etag })
  t.equal(again.statusCode, 304, 'a copy still current is not sent again')
  const two = (await post('/v1/deliberations', council, ITEM)).json().id
  await event(two, council, GENERAL_MOTION)
  await event(two, staff, APPROVED)
  await event(two, council, { type: 'COUNCIL_RESOLVE', meeting: meeting(SEVEN, { for: [] }), text: '否决' })
  const first = (await get('/v1/register/deliberations?limit=1')).json()
  t.equal(first.items[0].id, two)
  t.equal((await get(`/v1/register/deliberations?limit=1&cursor=${first.nextCursor}`)).json().items[0].id, id, 'paged, newest first')
  t.equal((await get('/v1/register/deliberations?area=west')).json().items.length, 0)
  t.equal((await get('/v1/register/deliberations?format=xml')).statusCode, 400)
})

t.test('an Idempotency-Key replays; two writers at once: one wins, the other is told', async (t) => {
  const { council, staff, event, item, post, get } = await tour(t)
  const key = { 'idempotency-key': 'deliberation-create-1' }
  const first = await post('/v1/deliberations', council, ITEM, key)
  const replay = await post('/v1/deliberations', council, ITEM, key)
  t.equal(replay.statusCode, 201)
  t.equal(replay.json().id, first.json().id, 'the same item, not a second one')
  t.equal((await get('/v1/deliberations', council)).json().items.length, 1)

  const id = await item()
  const motion = (await event(id, council, GENERAL_MOTION)).json()
  const both = await Promise.all([
    event(id, staff, { ...APPROVED, version: motion.version }),
    event(id, staff, { type: 'COMMITTEE_REVIEW', outcome: 'returned', opinion: '退回', version: motion.version })
  ])
  t.same(both.map((r) => r.statusCode).sort(), [200, 409])
  t.match(both.find((r) => r.statusCode === 409)!.json(), { currentVersion: motion.version + 1 })
  const eventKey = { 'idempotency-key': 'withdraw-1' }
  const w1 = await post(`/v1/deliberations/${id}/events`, staff, { type: 'WITHDRAW', reason: '撤回' }, eventKey)
  const w2 = await post(`/v1/deliberations/${id}/events`, staff, { type: 'WITHDRAW', reason: '撤回' }, eventKey)
  t.equal(w1.statusCode, 200)
  t.same(w2.json(), w1.json(), 'replayed, not refused as a second withdrawal')
  t.equal((await event(id, staff, { type: 'WITHDRAW', reason: '撤回', version: 1 })).statusCode, 409, 'a stale version')
})

t.test('the machine’s arithmetic: shares as the pack states them', async (t) => {
  t.ok(reaches(2, 3, { numerator: 2, denominator: 3, inclusive: true }))
  t.notOk(reaches(2, 4, { numerator: 1, denominator: 2, inclusive: false }))
  t.same(shareText({ numerator: 3, denominator: 5, inclusive: false }), { zh: '超过5分之3', en: 'more than 3/5' }, 'a city’s own share is named as a fraction')
  const m: Meeting = { kind: 'residents_meeting', heldOn: '2026-10-09', noticeGivenOn: '2026-09-01', called: 10, attended: 6, absent: 4, votes: null, tally: null, minutes: '', documents: [] }
  t.equal(meetingRefusal({ ...m }, { quorum: { numerator: 3, denominator: 5, inclusive: false }, majority: { numerator: 1, denominator: 2, inclusive: false }, noticeBy: '2026-10-01', noticeWorkingDays: 3 })!.en, 'no quorum: 6 of 10 called present; more than 3/5 must be')
})

t.test('a city changes the rules with its own pack; a pack stored before them is read with the default pack’s', async (t) => {
  const { h, council, staff, event, item, get } = await tour(t)
  const admin = h.auth('admin', 'city', 'pack.admin')
  const current = (await get('/v1/policy-packs/current')).json()
  const rules = current.parameters.deliberation
  t.match(rules.councilQuorum, { numerator: 1, denominator: 2, inclusive: false, source: { source: 'zhangjiagang-2016' } })
  t.match(rules.representativesQuorum.source, { source: 'villagers-committee-law', section: '第二十六条' })
  const own = {
    ...current,
    version: '2027.1',
    parameters: { ...current.parameters, deliberation: { ...rules, councilQuorum: { ...rules.councilQuorum, numerator: 2, denominator: 3, inclusive: true, note: '本市规定' }, noticeWorkingDays: { ...rules.noticeWorkingDays, days: 1 } } }
  }
  const published = await h.app.inject({ method: 'POST', url: '/v1/policy-packs', headers: admin, payload: own })
  t.equal(published.statusCode, 201, published.body)
  t.match(published.json().changes.parameters, [{ name: 'deliberation' }], 'the diff names the council’s rules')
  const id = await item()
  await event(id, council, GENERAL_MOTION)
  await event(id, staff, APPROVED)
  const four = await event(id, council, { type: 'COUNCIL_RESOLVE', meeting: meeting(['m01', 'm02', 'm03', 'm04'], { for: SEVEN.slice(0, 4) }, { noticeGivenOn: '2026-10-08' }), text: '同意' })
  t.equal(four.json().detail, 'no quorum: 4 of 7 members present; at least two thirds must be', 'the city’s quorum; its one day of notice was enough')

  // A city's pack from before the council had rules: the default pack's apply.
  const again = (await get('/v1/policy-packs/current')).json()
  const { deliberation: _d, ...before } = again.parameters
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/policy-packs', headers: admin, payload: { ...again, version: '2027.2', parameters: before } })).statusCode, 201)
  const late = await event(id, council, { type: 'COUNCIL_RESOLVE', meeting: meeting(SEVEN, { for: SEVEN }, { noticeGivenOn: '2026-10-08' }), text: '同意' })
  t.match(late.json().detail, /3 working days/)
  t.equal((await event(id, council, { type: 'COUNCIL_RESOLVE', meeting: meeting(SEVEN.slice(0, 4), { for: SEVEN.slice(0, 4) }), text: '同意' })).json().state, 'resolved', 'four of seven is more than half')
})

t.test('the sweeper drops what no longer waits, and of two sweeps at once one moves the item', async (t) => {
  const { h, council, staff, event, item, get, setNow } = await tour(t)
  const id = await item()
  const { seq } = await h.db.knex('deliberations').where({ id }).first()
  await h.db.knex(DUE_TABLE).insert([
    { machine: 'deliberation', instance_seq: seq, kind: 'publicity_end', due_on: '2026-10-01' },
    { machine: 'deliberation', instance_seq: 999_999, kind: 'publicity_end', due_on: '2026-10-01' }
  ])
  await sweep(h.app.gate)
  t.equal(Number((await h.db.knex(DUE_TABLE).where({ machine: 'deliberation' }).count({ n: '*' }))[0]!.n), 0, 'an item not in publicity, and one that does not exist')
  t.equal((await get(`/v1/deliberations/${id}`, council)).json().state, 'proposed')
  t.equal((await get('/v1/deliberations/00000000-0000-4000-8000-000000000000', council)).statusCode, 404)

  await event(id, council, GENERAL_MOTION)
  await event(id, staff, APPROVED)
  await event(id, council, { type: 'COUNCIL_RESOLVE', meeting: meeting(SEVEN, { for: SEVEN }), text: '同意' })
  await event(id, staff, { type: 'FILE' })
  const until = (await event(id, staff, { type: 'PUBLISH' })).json().publicityUntil
  setNow(`${addCalendarDays(until, 1)}T02:00:00Z`)
  await Promise.all([sweep(h.app.gate), sweep(h.app.gate)])
  const history = (await get(`/v1/deliberations/${id}/history`, council)).json().items
  t.equal(history.filter((e: Json) => e.type === 'PUBLICITY_ENDED').length, 1, 'moved once')
  t.same((await get(`/v1/deliberations?community=${COMMUNITY}&track=general&state=implementing`, staff)).json().items.map((i: Json) => i.id), [id])
  t.same((await get('/v1/deliberations?track=major', staff)).json().items, [])
})

t.test('a member removed after a meeting was sitting on its day; one whose term had not begun was not', async (t) => {
  const { h, council, staff, event, item, setNow } = await tour(t)
  await h.app.inject({ method: 'POST', url: `/v1/councils/${COMMUNITY}/members`, headers: staff, payload: { sub: 'm08', name: '新成员', termStart: '2026-10-10', termEnd: '2030-12-31' } })
  const id = await item()
  await event(id, council, GENERAL_MOTION)
  await event(id, staff, APPROVED)
  setNow('2026-10-12T02:00:00Z')
  t.equal((await h.app.inject({ method: 'DELETE', url: `/v1/councils/${COMMUNITY}/members/m07`, headers: staff })).statusCode, 204)
  const r = (await event(id, council, { type: 'COUNCIL_RESOLVE', meeting: meeting(['m01', 'm02', 'm03', 'm07'], { for: ['m01', 'm02', 'm03', 'm07'] }, { documents: undefined }), text: '同意' })).json()
  t.same(r.resolution.meeting.documents, [], 'a meeting without documents')
  t.same(r.resolution.meeting.called, SEVEN, 'm07 sat on 9 October; m08 had not begun')
  t.equal(r.state, 'resolved')
})

t.test('a pack whose council rules cite nobody, or ask for more than everyone, is refused', async (t) => {
  const { h, get } = await tour(t)
  const current = (await get('/v1/policy-packs/current')).json()
  const rules = current.parameters.deliberation
  const broken = {
    ...current,
    version: '2027.1',
    parameters: { ...current.parameters, deliberation: { ...rules, councilQuorum: { ...rules.councilQuorum, numerator: 3, denominator: 2 }, noticeWorkingDays: { ...rules.noticeWorkingDays, source: { source: 'nowhere', section: '一' } } } }
  }
  const res = await h.app.inject({ method: 'POST', url: '/v1/policy-packs?dryRun=true', headers: h.auth('admin', 'city'), payload: broken })
  t.equal(res.statusCode, 400)
  t.same(res.json().invalidParams.map((p: Json) => p.field).sort(), ['parameters.deliberation.councilQuorum.numerator', 'parameters.deliberation.noticeWorkingDays.source.source'])
})

t.test('webhooks: the community, its street and its district’s office hear every step; everybody once the result is public', async (t) => {
  const { h, council, staff, event, item } = await tour(t)
  const hook = async (who: { authorization: string }) =>
    (await h.app.inject({ method: 'POST', url: '/v1/webhooks', headers: who, payload: { url: 'https://example.org/zhunru-hook', events: ['*'], secret: 'a-shared-secret-of-16+' } })).json().id as string
  const hooks = {
    council: await hook(council),
    street: await hook(h.auth('street', 'east-s1')),
    office: await hook(h.auth('office', 'east')),
    otherOffice: await hook(h.auth('office', 'west')),
    otherCouncil: await hook(h.auth('council', 'west-s1-c1'))
  }
  const id = await item()
  await event(id, council, GENERAL_MOTION)
  await event(id, staff, APPROVED)
  await event(id, council, { type: 'COUNCIL_RESOLVE', meeting: meeting(SEVEN, { for: SEVEN }), text: '同意' })
  await event(id, staff, { type: 'FILE' })
  await event(id, staff, { type: 'PUBLISH' })
  const heard = async (webhook: string) => ((await h.db.knex('webhook_deliveries').where({ webhook_id: webhook, task_id: id }).orderBy('seq').select('event_type')) as Json[]).map((r) => r.event_type)
  const all = ['PROPOSE', 'MOTION', 'COMMITTEE_REVIEW', 'COUNCIL_RESOLVE', 'FILE', 'PUBLISH']
  t.same(await heard(hooks.council), all)
  t.same(await heard(hooks.street), all)
  t.same(await heard(hooks.office), all)
  t.same(await heard(hooks.otherOffice), ['PUBLISH'], 'another district hears once it is public')
  t.same(await heard(hooks.otherCouncil), ['PUBLISH'])
})

t.test('the statechart names the six steps of each track, with who sends each event', async (t) => {
  const { get } = await tour(t)
  const machine = (await get('/v1/machines/deliberation')).json()
  t.same(machine.eventRoles.PUBLICITY_ENDED, [], 'only the engine ends a publicity period')
  t.same(machine.eventRoles.COUNCIL_RESOLVE, ['council'])
  const diagram = (await get('/v1/machines/deliberation/diagram')).body
  for (const edge of ['proposed --> committee_review', 'council_resolution --> resolved: COUNCIL_RESOLVE [carried(true)]', 'council_resolution --> rejected', 'joint_review --> residents_resolution', 'resolved --> filed: FILE [isTrack(general)]', 'published --> implementing: PUBLICITY_ENDED', 'implementing --> result_published']) {
    t.ok(diagram.includes(edge), edge)
  }
})

t.test('the document’s examples work, as "Try it out" sends them', async (t) => {
  const h = await build(t)
  const council = h.auth('council', COMMUNITY, 'east-s1-c1.council')
  const staff = h.auth('community', COMMUNITY, 'east-s1-c1.staff')
  const { COUNCIL_IMPORT_CSV, COUNCIL_MEMBER, COUNCIL_MEMBER_CHANGES, DELIBERATION, DELIBERATION_EVENT_EXAMPLES: E } = await import('../src/deliberations/examples.js')
  const send = (url: string, headers: object, payload: unknown, type?: string) =>
    h.app.inject({ method: 'POST', url, headers: { ...headers, ...(type ? { 'content-type': type } : {}) }, payload: payload as Json })
  t.equal((await send(`/v1/councils/${COMMUNITY}/members/import`, staff, COUNCIL_IMPORT_CSV, 'text/csv')).statusCode, 200)
  t.equal((await send(`/v1/councils/${COMMUNITY}/members`, staff, { ...COUNCIL_MEMBER, sub: 'm09' })).statusCode, 201)
  for (const change of Object.values(COUNCIL_MEMBER_CHANGES)) {
    t.equal((await h.app.inject({ method: 'PATCH', url: `/v1/councils/${COMMUNITY}/members/m09`, headers: staff, payload: change.value as Json })).statusCode, 200)
  }
  const step = async (id: string, who: object, name: keyof typeof E, extra: Json = {}) => {
    const res = await send(`/v1/deliberations/${id}/events`, who, { ...(E[name]!.value as Json), ...extra })
    t.equal(res.statusCode, 200, `${name}: ${res.body.slice(0, 200)}`)
    return res.json()
  }
  const general = (await send('/v1/deliberations', council, DELIBERATION)).json().id
  await step(general, council, 'MOTION')
  await step(general, staff, 'COMMITTEE_REVIEW')
  t.equal((await step(general, council, 'COUNCIL_RESOLVE')).state, 'resolved', 'three of four present, two for')
  await step(general, staff, 'FILE')
  await step(general, staff, 'PUBLISH')
  const major = (await send('/v1/deliberations', council, DELIBERATION)).json().id
  await step(major, council, 'MOTION', { track: 'major' })
  await step(major, staff, 'COMMITTEE_REVIEW')
  await step(major, staff, 'JOINT_REVIEW')
  t.equal((await step(major, staff, 'RESIDENTS_RESOLVE')).state, 'resolved')
  const withdrawn = (await send('/v1/deliberations', council, DELIBERATION)).json().id
  t.equal((await step(withdrawn, council, 'WITHDRAW')).state, 'withdrawn')
  await sweep(h.app.gate) // nothing is due yet
  const implementing = await h.db.knex('deliberations').where({ id: general }).first()
  t.equal(implementing.state, 'published')
})
