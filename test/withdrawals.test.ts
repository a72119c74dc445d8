import t, { type Test } from 'tap'
import { sweep } from '../src/tasks/deadlines.js'
import { build, demoCommunities, type Harness } from './helper.js'

// Where the two processes meet: residents widely reject a task admitted for their community
// (Beijing Xicheng practice), their council's resolution asks the office to withdraw it, and the
// office answers on the task, REVOKE or DECLINE_WITHDRAWAL, with reasons. The request and the
// task's history name each other.

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const COMMUNITY = 'east-s1-c1'
const TERM = { termStart: '2026-01-01', termEnd: '2030-12-31' }
const FIVE = ['m01', 'm02', 'm03', 'm04', 'm05']
const COUNCIL = FIVE.map((sub, i) => ({ sub, name: `成员${i + 1}`, position: i === 0 ? 'chair' : i === 1 ? 'vice_chair' : 'member', ...TERM }))

const assisted = (targets: string[]) => ({
  title: '协助开展社会救助困难排查与公示',
  description: '社区协助入户走访、困难排查,并公示审核结果。',
  targetLevel: 'community',
  targets,
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条' }],
  funding: { perTarget: 8000, source: '区财政社会救助专项', committed: true },
  period: { start: '2027-01-01', end: '2027-12-31' },
  workloadHours: 120
})

const meeting = (votes: { for: string[]; against?: string[] }) => ({
  heldOn: '2026-10-09',
  noticeGivenOn: '2026-09-29',
  attended: FIVE,
  votes: { against: [], abstain: [], ...votes },
  minutes: '议事会会议纪要：居民普遍反对该项任务'
})

interface World {
  h: Harness
  council: Record<string, string>
  office: Record<string, string>
  admit: (payload?: Json, department?: string) => Promise<Json>
  /** An item of east-s1-c1's council, general track, waiting for the council's resolution. */
  deciding: () => Promise<string>
  resolve: (id: string, body: Json) => Promise<{ statusCode: number; json: () => Json; body: string }>
  taskEvent: (id: string, who: Record<string, string>, body: Json) => Promise<{ statusCode: number; json: () => Json; body: string }>
  get: (url: string, who?: Record<string, string>) => Promise<{ statusCode: number; json: () => Json; body: string }>
  setNow: (iso: string) => void
}

async function world(t: Test): Promise<World> {
  let now = new Date('2026-10-09T02:00:00Z')
  const h = await build(t, { now: () => now })
  const council = h.auth('council', COMMUNITY, 'east-s1-c1.council')
  const staff = h.auth('community', COMMUNITY, 'east-s1-c1.staff')
  const office = h.auth('office', 'east', 'office.east')
  const post = (url: string, who: Record<string, string>, payload: Json) => h.app.inject({ method: 'POST', url, headers: who, payload })
  if ((await post(`/v1/councils/${COMMUNITY}/members/import`, staff, COUNCIL as unknown as Json)).statusCode !== 200) throw new Error('members')
  return {
    h,
    council,
    office,
    admit: async (payload = assisted(demoCommunities('east-s1')), department = 'east-civil') => {
      const res = await post('/v1/tasks', h.auth('department', department), { ...payload, submit: true })
      if (res.json().state !== 'admitted') throw new Error(res.body)
      return res.json()
    },
    deciding: async () => {
      const id = (await post('/v1/deliberations', council, { origin: 'residents', proposer: '5号楼居民', title: '请求撤回入户排查任务', text: '居民普遍反对重复入户。' })).json().id as string
      await post(`/v1/deliberations/${id}/events`, council, { type: 'MOTION', track: 'general', trackReason: '仅涉及本社区', motion: '提请区里撤回该任务' })
      await post(`/v1/deliberations/${id}/events`, staff, { type: 'COMMITTEE_REVIEW', outcome: 'approved', opinion: '同意提交表决' })
      return id
    },
    resolve: (id, body) => post(`/v1/deliberations/${id}/events`, council, { type: 'COUNCIL_RESOLVE', text: '请求区里撤回该任务', ...body }),
    taskEvent: (id, who, body) => post(`/v1/tasks/${id}/events`, who, body),
    get: (url, who = {}) => h.app.inject({ method: 'GET', url, headers: who }),
    setNow: (iso) => (now = new Date(iso))
  }
}

t.test('a resolution asks, the office revokes the task, and the two records name each other', async (t) => {
  const w = await world(t)
  const task = await w.admit()
  t.same(task.enabledEvents, [], 'the department is offered nothing on an admitted task')
  t.same((await w.get(`/v1/tasks/${task.id}`, w.office)).json().enabledEvents, ['REVOKE', 'SUSPEND'], 'nothing to decline before anyone asks')

  const item = await w.deciding()
  const reason = '居民会议认为该排查与已有工作重复，居民普遍反对'
  const resolved = await w.resolve(item, { meeting: meeting({ for: ['m01', 'm02', 'm03', 'm04'], against: ['m05'] }), askWithdrawal: { task: task.id, reason } })
  t.equal(resolved.statusCode, 200, resolved.body)
  t.match(resolved.json(), { state: 'resolved', resolution: { adopted: true } })

  const history = (await w.get(`/v1/deliberations/${item}/history`, w.council)).json().items
  const asked = history.find((e: Json) => e.type === 'COUNCIL_RESOLVE').payload.withdrawalRequest
  t.match(asked, { id: /^[0-9a-f-]{36}$/, task: task.id, reason }, 'the resolution’s record names the request and the task')

  const queue = (await w.get('/v1/withdrawal-requests?state=pending', w.office)).json()
  t.equal(queue.items.length, 1, 'the office finds it in its queue')
  t.match(queue.items[0], { id: asked.id, state: 'pending', deliberation: item, task: task.id, community: COMMUNITY, jurisdiction: 'east', reason, requestedBy: 'east-s1-c1.council', answer: null })
  t.same((await w.get(`/v1/tasks/${task.id}`, w.office)).json().enabledEvents, ['DECLINE_WITHDRAWAL', 'REVOKE', 'SUSPEND'], 'now the office may also keep it, with reasons')
  t.same((await w.get(`/v1/tasks/${task.id}`, w.h.auth('office', 'west'))).json().enabledEvents, [], 'another district’s office is offered nothing')

  // Who reads the request: the office, the community and its council, the task's department; not others.
  for (const [who, status, count] of [
    [w.council, 200, 1],
    [w.h.auth('community', COMMUNITY), 200, 1],
    [w.h.auth('department', 'east-civil'), 200, 1],
    [w.h.auth('department', 'west-civil'), 200, 0],
    [w.h.auth('office', 'west'), 200, 0],
    [w.h.auth('community', 'east-s1-c2'), 200, 0],
    [w.h.auth('admin', 'city'), 200, 1],
    [w.h.auth('leading_group', 'east', 'lv.member'), 403, 0],
    [{}, 401, 0]
  ] as const) {
    const res = await w.get('/v1/withdrawal-requests', who)
    t.equal(res.statusCode, status, JSON.stringify(who))
    if (status === 200) t.equal(res.json().items.length, count, `${JSON.stringify(who)} reads ${count}`)
    const one = await w.get(`/v1/withdrawal-requests/${asked.id}`, who)
    t.equal(one.statusCode, status === 200 && count === 0 ? 404 : status, `${JSON.stringify(who)} reading it by id`)
  }
  t.equal((await w.get('/v1/withdrawal-requests/00000000-0000-4000-8000-000000000000', w.office)).statusCode, 404)

  // Answers that cannot be: not by the wrong office, not naming another task's request or none.
  t.equal((await w.taskEvent(task.id, w.h.auth('office', 'west'), { type: 'REVOKE', reason: 'x', withdrawalRequest: asked.id })).statusCode, 403)
  const unknown = await w.taskEvent(task.id, w.office, { type: 'DECLINE_WITHDRAWAL', reason: '保留', withdrawalRequest: '00000000-0000-4000-8000-000000000000' })
  t.match(unknown.json(), { status: 400, field: 'withdrawalRequest' })
  const bare = await w.taskEvent(task.id, w.office, { type: 'DECLINE_WITHDRAWAL', reason: '保留' })
  t.match(bare.json(), { status: 400, field: 'withdrawalRequest' }, 'keeping a task answers a request: it must name one')
  const other = await w.admit()
  const misdirected = await w.taskEvent(other.id, w.office, { type: 'REVOKE', reason: '撤销', withdrawalRequest: asked.id })
  t.match(misdirected.json(), { status: 400, field: 'withdrawalRequest', detail: new RegExp(other.id) })

  const revoked = await w.taskEvent(task.id, w.office, { type: 'REVOKE', reason: '经核实，居民普遍反对，予以撤销', withdrawalRequest: asked.id })
  t.equal(revoked.statusCode, 200, revoked.body)
  t.equal(revoked.json().state, 'revoked')
  const taskHistory = (await w.get(`/v1/tasks/${task.id}/events`, w.office)).json().items
  t.match(taskHistory.at(-1), { type: 'REVOKE', reason: '经核实，居民普遍反对，予以撤销', withdrawalRequest: { id: asked.id, deliberation: item } }, 'the task’s history names the request and the resolution')
  t.equal(taskHistory[0].withdrawalRequest, null, 'other events name none')
  const answered = (await w.get(`/v1/withdrawal-requests/${asked.id}`, w.council)).json()
  t.match(answered, { state: 'revoked', answer: { decision: 'revoke', reason: '经核实，居民普遍反对，予以撤销', decidedBy: 'office.east' } }, 'the council reads the answer')
  t.match((await w.get(`/v1/withdrawal-requests/${asked.id}`, w.h.auth('department', 'east-civil'))).json(), { community: COMMUNITY, requestedBy: 'council', reason }, 'the department learns which community asked and why, not who recorded it')
  t.equal((await w.get('/v1/withdrawal-requests?state=pending', w.office)).json().items.length, 0, 'the queue is empty')
  t.equal((await w.get('/v1/withdrawal-requests?state=revoked', w.office)).json().items.length, 1)
  t.equal((await w.get(`/v1/withdrawal-requests?task=${task.id}&deliberation=${item}`, w.office)).json().items.length, 1)

  const again = await w.taskEvent(task.id, w.office, { type: 'DECLINE_WITHDRAWAL', reason: '保留', withdrawalRequest: asked.id })
  t.equal(again.statusCode, 409, 'a request is answered once')
  t.match(again.json().detail, /answered by office\.east/)
})

t.test('the office keeps the task, with reasons; the council reads why', async (t) => {
  const w = await world(t)
  const task = await w.admit()
  const item = await w.deciding()
  const asked = (await w.resolve(item, { meeting: meeting({ for: FIVE }), askWithdrawal: { task: task.id, reason: '居民反对' } })).json()
  t.equal(asked.state, 'resolved')
  const request = (await w.get('/v1/withdrawal-requests', w.office)).json().items[0]
  const kept = await w.taskEvent(task.id, w.office, { type: 'DECLINE_WITHDRAWAL', reason: '该事项属社区协助事项，已调整为线上核查、不再入户', withdrawalRequest: request.id, version: task.version })
  t.equal(kept.statusCode, 200, kept.body)
  t.match(kept.json(), { state: 'admitted', version: task.version + 1, enabledEvents: [] })
  t.same((await w.get(`/v1/tasks/${task.id}`, w.office)).json().enabledEvents, ['REVOKE', 'SUSPEND'], 'answered: nothing left to decline')
  t.match((await w.get(`/v1/withdrawal-requests/${request.id}`, w.council)).json(), { state: 'kept', answer: { decision: 'keep', reason: /线上核查/ } })
  t.equal((await w.get('/v1/withdrawal-requests?state=kept', w.council)).json().items.length, 1)
  t.match((await w.get(`/v1/tasks/${task.id}/events`, w.office)).json().items.at(-1), { type: 'DECLINE_WITHDRAWAL', from: 'admitted', to: 'admitted', withdrawalRequest: { id: request.id, deliberation: item } })
  const listed = (await w.get('/v1/register/tasks')).json().items.find((x: Json) => x.id === task.id)
  t.match(listed, { admittedBy: 'screening', admittedAt: task.updatedAt }, 'the register still names the admission, not the decision to keep the task')
})

t.test('two answers at once: one lands, the other is told; one answer is kept', async (t) => {
  const w = await world(t)
  const task = await w.admit()
  const item = await w.deciding()
  await w.resolve(item, { meeting: meeting({ for: FIVE }), askWithdrawal: { task: task.id, reason: '居民反对' } })
  const request = (await w.get('/v1/withdrawal-requests', w.office)).json().items[0]
  const answers = await Promise.all([
    w.taskEvent(task.id, w.office, { type: 'REVOKE', reason: '撤销', withdrawalRequest: request.id }),
    w.taskEvent(task.id, w.office, { type: 'DECLINE_WITHDRAWAL', reason: '保留', withdrawalRequest: request.id })
  ])
  t.same(answers.map((r) => r.statusCode).sort(), [200, 409])
  const rows = await w.h.app.engine.db('withdrawal_answers').where({ request_id: request.id })
  t.equal(rows.length, 1, 'one answer, matching the task')
  const won = answers.find((r) => r.statusCode === 200)!.json()
  t.equal(rows[0].decision, won.state === 'revoked' ? 'revoke' : 'keep')

  // The queue pages, oldest first.
  const second = await w.admit()
  await w.resolve(await w.deciding(), { meeting: meeting({ for: FIVE }), askWithdrawal: { task: second.id, reason: '居民反对' } })
  const first = (await w.get('/v1/withdrawal-requests?limit=1', w.office)).json()
  t.same(first.items.map((r: Json) => r.task), [task.id])
  const next = (await w.get(`/v1/withdrawal-requests?limit=1&cursor=${first.nextCursor}`, w.office)).json()
  t.same(next.items.map((r: Json) => r.task), [second.id])
  t.equal(next.nextCursor, null)
})

t.test('what a resolution may ask: a task admitted for this community, still in force; a motion voted down asks nothing', async (t) => {
  const w = await world(t)
  const elsewhere = await w.admit(assisted(demoCommunities('east-s2')))
  const onStreet = await w.admit(
    {
      title: '配合做好辖区生产经营单位安全生产工作',
      description: '街道配合区应急管理局做好辖区生产经营单位安全生产相关工作。',
      targetLevel: 'street',
      targets: ['east-s1'],
      kind: 'service',
      catalogItem: 'SAT-01',
      legalBasis: [{ title: '《中华人民共和国安全生产法》', article: '第九条' }],
      funding: { perTarget: 20000, source: '区财政安全生产专项', committed: true },
      period: { start: '2027-01-01', end: '2027-12-31' },
      workloadHours: 200
    },
    'east-emergency'
  )
  const refused = async (task: string, pattern: RegExp) => {
    const item = await w.deciding()
    const res = await w.resolve(item, { meeting: meeting({ for: FIVE }), askWithdrawal: { task, reason: '居民反对' } })
    t.match(res.json(), { status: 400, field: 'askWithdrawal.task', detail: pattern }, String(pattern))
    t.equal((await w.get(`/v1/deliberations/${item}`, w.council)).json().state, 'council_resolution', 'nothing is stored')
  }
  await refused('00000000-0000-4000-8000-000000000000', /does not exist/)
  await refused(elsewhere.id, /not admitted for this community/)
  const draft = (await w.h.app.inject({ method: 'POST', url: '/v1/tasks', headers: w.h.auth('department', 'east-civil'), payload: assisted(demoCommunities('east-s1')) })).json()
  await refused(draft.id, /is draft/)

  // A street-level task lands on the community's street: the community may ask too.
  const item = await w.deciding()
  t.equal((await w.resolve(item, { meeting: meeting({ for: FIVE }), askWithdrawal: { task: onStreet.id, reason: '居民反对' } })).statusCode, 200)

  // Voted down: the item is rejected, and nothing is asked of the office.
  const down = await w.deciding()
  const rejected = await w.resolve(down, { meeting: meeting({ for: ['m01'], against: ['m02', 'm03', 'm04', 'm05'] }), askWithdrawal: { task: onStreet.id, reason: '居民反对' } })
  t.equal(rejected.json().state, 'rejected')
  // Public now: a department reads it as the register shows it, without the proposer or any member's vote or name.
  const asDepartment = await w.get(`/v1/deliberations/${down}`, w.h.auth('department', 'east-civil'))
  t.equal(asDepartment.statusCode, 200)
  t.match(asDepartment.json(), { proposer: null, resolution: { adopted: false, meeting: { called: 5, attended: 5, absent: 0, votes: { for: 1, against: 4, abstain: 0 } } } })
  t.notMatch(asDepartment.body, /m0[1-5]|east-s1-c1\.council/, 'no member id, no recorder')
  const outsiderHistory = (await w.get(`/v1/deliberations/${down}/history`, w.h.auth('community', 'west-s1-c1'))).json().items
  t.same(outsiderHistory.map((e: Json) => [e.actor.sub, e.payload]).at(-1), ['council', {}], 'another community reads what happened, not who recorded it or what the records name')
  t.match((await w.get(`/v1/deliberations/${down}`, w.council)).json(), { resolution: { meeting: { attended: FIVE } } }, 'the council itself reads its record in full')
  t.equal((await w.get(`/v1/withdrawal-requests?deliberation=${down}`, w.office)).json().items.length, 0)
  t.equal((await w.get(`/v1/withdrawal-requests?deliberation=${item}`, w.office)).json().items.length, 1)

  const bad = await w.resolve(await w.deciding(), { meeting: meeting({ for: FIVE }), askWithdrawal: { task: 'not-a-uuid', reason: ' ' } })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().field, /^askWithdrawal\./)
  const withdrawn = await w.taskEvent(onStreet.id, w.office, { type: 'REVOKE', reason: '经研究予以撤销' })
  t.equal(withdrawn.json().state, 'revoked')
  t.match((await w.get(`/v1/withdrawal-requests?deliberation=${item}`, w.office)).json().items[0], { state: 'revoked', answer: { reason: '经研究予以撤销' } }, 'a REVOKE naming no request still answers the one waiting')
  await refused(onStreet.id, /is revoked/)
})

t.test('a request the office never answered lapses when the task’s period ends: it leaves the queue, and the council reads why', async (t) => {
  const w = await world(t)
  const task = await w.admit()
  const item = await w.deciding()
  await w.resolve(item, { meeting: meeting({ for: FIVE }), askWithdrawal: { task: task.id, reason: '居民反对' } })
  const [request] = (await w.get('/v1/withdrawal-requests?state=pending', w.office)).json().items
  t.equal(request.state, 'pending')

  // The period (all of 2027) starts and ends with the request unanswered.
  w.setNow('2027-01-04T02:00:00Z')
  await sweep(w.h.app.gate)
  t.equal((await w.get(`/v1/tasks/${task.id}`, w.office)).json().state, 'active')
  t.equal((await w.get(`/v1/withdrawal-requests/${request.id}`, w.council)).json().state, 'pending', 'still waiting while the task is in force')
  w.setNow('2028-01-03T02:00:00Z')
  await sweep(w.h.app.gate)
  t.equal((await w.get(`/v1/tasks/${task.id}`, w.office)).json().state, 'completed')

  t.match((await w.get(`/v1/withdrawal-requests/${request.id}`, w.council)).json(), { state: 'lapsed', answer: null }, 'the council reads that it was never answered')
  t.same((await w.get('/v1/withdrawal-requests?state=pending', w.office)).json().items, [], 'the office’s queue no longer lists it')
  t.same((await w.get('/v1/withdrawal-requests?state=lapsed', w.office)).json().items.map((r: Json) => r.id), [request.id])
  t.same((await w.get('/v1/withdrawal-requests?state=revoked', w.office)).json().items, [])
  t.same((await w.get('/v1/withdrawal-requests?state=kept', w.office)).json().items, [])
  const late = await w.taskEvent(task.id, w.office, { type: 'DECLINE_WITHDRAWAL', reason: '保留', withdrawalRequest: request.id })
  t.equal(late.statusCode, 409, 'a completed task takes no answer')
})

t.test('a request written beside a revocation that did not see it reads as revoked, not waiting', async (t) => {
  const w = await world(t)
  const task = await w.admit()
  const item = await w.deciding()
  t.equal((await w.taskEvent(task.id, w.office, { type: 'REVOKE', reason: '经核实予以撤销' })).json().state, 'revoked')
  // The race as it lands in the database: the resolution checked the task before the revocation
  // committed, and its request row was written after the revocation had answered every request it saw.
  await w.h.app.engine.db('withdrawal_requests').insert({
    id: '6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
    deliberation_seq: 1,
    deliberation_id: item,
    task_id: task.id,
    community_id: COMMUNITY,
    jurisdiction_id: 'east',
    reason: '居民反对',
    requested_by: 'east-s1-c1.council',
    requested_at: '2026-10-09T02:00:00.000Z'
  })
  t.match((await w.get('/v1/withdrawal-requests/6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b', w.council)).json(), { state: 'revoked', answer: null })
  t.same((await w.get('/v1/withdrawal-requests?state=pending', w.office)).json().items, [])
  t.same((await w.get('/v1/withdrawal-requests?state=revoked', w.office)).json().items.map((r: Json) => r.id), ['6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b'])
  t.same((await w.get('/v1/withdrawal-requests?state=lapsed', w.office)).json().items, [])
})
