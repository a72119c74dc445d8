import { createHmac } from 'node:crypto'
import t from 'tap'
import { build, demoCommunities, TEST_SECRET } from './helper.js'

// A principal is (sub, role, org): the same person acting in another role or for another
// org is someone else. Idempotency keys, webhooks and rate limits belong to the whole principal,
// and a task offers each caller only the events that caller may send.

const draft = (over: Record<string, unknown> = {}) => ({
  title: '协助开展社区养老服务需求调查',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  legalBasis: [{ title: '《老年人权益保障法》' }],
  funding: { perTarget: 5000, source: '市福彩公益金', committed: true },
  period: { start: '2027-04-01', end: '2027-06-30' },
  workloadHours: 40,
  ...over
})

const assisted = {
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
  submit: true
}

t.test('an Idempotency-Key is the whole principal’s: the same sub in another org or role does not replay it', async (t) => {
  const h = await build(t)
  const key = { 'idempotency-key': 'draft-2027-elderly-survey' }
  const first = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...h.auth('department', 'east-civil', 'li.min'), ...key }, payload: draft() })
  t.equal(first.statusCode, 201, first.body)
  const again = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...h.auth('department', 'east-civil', 'li.min'), ...key }, payload: draft() })
  t.equal(again.headers['idempotent-replay'], 'true', 'the same principal replays')
  t.equal(again.json().id, first.json().id)

  // The same person, now signing for the city bureau: a request of its own, not the district's draft.
  const otherOrg = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...h.auth('department', 'city-civil', 'li.min'), ...key }, payload: draft() })
  t.equal(otherOrg.statusCode, 201, otherOrg.body)
  t.not(otherOrg.headers['idempotent-replay'], 'true')
  t.not(otherOrg.json().id, first.json().id)
  t.equal(otherOrg.json().department, 'city-civil')
  const cannotRead = await h.app.inject({ method: 'GET', url: `/v1/tasks/${first.json().id}`, headers: h.auth('department', 'city-civil', 'li.min') })
  t.equal(cannotRead.statusCode, 404, 'and it still cannot read the district’s draft')

  // The same sub in another role: the key is new to it too (a community cannot create tasks at all).
  const otherRole = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...h.auth('community', 'east-s1-c1', 'li.min'), ...key }, payload: draft() })
  t.equal(otherRole.statusCode, 403, otherRole.body)
  t.not(otherRole.headers['idempotent-replay'], 'true')
})

t.test('a webhook belongs to the principal that registered it, not to every token with its sub', async (t) => {
  const h = await build(t, { allowPrivateWebhooks: true })
  const owner = h.auth('department', 'east-civil', 'li.min')
  const created = await h.app.inject({ method: 'POST', url: '/v1/webhooks', headers: owner, payload: { url: 'http://127.0.0.1:9/hook', events: ['*'], secret: 'a-long-enough-secret-0123' } })
  t.equal(created.statusCode, 201, created.body)
  const id = created.json().id
  for (const [role, org] of [
    ['department', 'city-civil'],
    ['office', 'east'],
    ['community', 'east-s1-c1']
  ] as const) {
    const other = h.auth(role, org, 'li.min')
    t.same((await h.app.inject({ method: 'GET', url: '/v1/webhooks', headers: other })).json().items, [], `${role} ${org} lists none`)
    t.equal((await h.app.inject({ method: 'GET', url: `/v1/webhooks/${id}/deliveries`, headers: other })).statusCode, 404, `${role} ${org} cannot read its deliveries`)
    t.equal((await h.app.inject({ method: 'DELETE', url: `/v1/webhooks/${id}`, headers: other })).statusCode, 404, `${role} ${org} cannot delete it`)
  }
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/webhooks', headers: owner })).json().items.length, 1)
  t.equal((await h.app.inject({ method: 'DELETE', url: `/v1/webhooks/${id}`, headers: owner })).statusCode, 204)
})

t.test('the rate limit counts per principal: the same sub in another role has its own allowance', async (t) => {
  const h = await build(t, { rateLimitPerMinute: 3 })
  const asDepartment = h.auth('department', 'east-civil', 'li.min')
  for (let i = 0; i < 3; i++) t.equal((await h.app.inject({ method: 'GET', url: '/v1/tasks', headers: asDepartment })).statusCode, 200)
  const limited = await h.app.inject({ method: 'GET', url: '/v1/tasks', headers: asDepartment })
  t.equal(limited.statusCode, 429)
  t.match(String(limited.headers['content-type']), /^application\/problem\+json/)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/tasks', headers: h.auth('community', 'east-s1-c1', 'li.min') })).statusCode, 200)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/tasks', headers: h.auth('department', 'city-civil', 'li.min') })).statusCode, 200)
})

t.test('a token without an expiry is refused', async (t) => {
  const h = await build(t)
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const sign = (claims: object) => {
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`
    return `${unsigned}.${createHmac('sha256', TEST_SECRET).update(unsigned).digest('base64url')}`
  }
  const now = Math.floor(Date.now() / 1000)
  const forever = await h.app.inject({ method: 'GET', url: '/v1/tasks', headers: { authorization: `Bearer ${sign({ sub: 'li.min', role: 'department', org: 'east-civil', iat: now })}` } })
  t.equal(forever.statusCode, 401)
  t.match(String(forever.headers['content-type']), /^application\/problem\+json/)
  const expired = await h.app.inject({ method: 'GET', url: '/v1/tasks', headers: { authorization: `Bearer ${sign({ sub: 'li.min', role: 'department', org: 'east-civil', iat: now - 7200, exp: now - 3600 })}` } })
  t.equal(expired.statusCode, 401)
  const good = await h.app.inject({ method: 'GET', url: '/v1/tasks', headers: { authorization: `Bearer ${sign({ sub: 'li.min', role: 'department', org: 'east-civil', iat: now, exp: now + 600 })}` } })
  t.equal(good.statusCode, 200)
})

t.test('enabledEvents offers each caller only the events it may send', async (t) => {
  const h = await build(t)
  const offered = async (id: string, headers: Record<string, string> = {}) => (await h.app.inject({ method: 'GET', url: `/v1/tasks/${id}`, headers })).json().enabledEvents

  // A draft: only its own department may move it.
  const mine = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'city-civil'), payload: draft() })).json()
  t.same(mine.enabledEvents, ['REVISE', 'SUBMIT', 'WITHDRAW'])
  t.same(await offered(mine.id, h.auth('admin', 'city')), [], 'an admin reads it but sends none of these')

  // Admitted: the office of the deciding jurisdiction manages the agreement; nobody else.
  const admitted = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'east-civil'), payload: assisted })).json()
  t.equal(admitted.state, 'admitted')
  t.same(admitted.enabledEvents, [], 'the owning department is offered no ACTIVATE, SUSPEND or REVOKE')
  t.same(await offered(admitted.id, h.auth('office', 'east')), ['REVOKE', 'SUSPEND'])
  t.same(await offered(admitted.id, h.auth('office', 'west')), [], 'another district’s office')
  t.same(await offered(admitted.id, h.auth('department', 'west-housing')), [], 'another department')
  t.same(await offered(admitted.id, h.auth('community', 'east-s1-c1')), [], 'a target community')
  t.same(await offered(admitted.id), [], 'the public')
  const listed = (await h.app.inject({ method: 'GET', url: '/v1/tasks?state=admitted', headers: h.auth('office', 'east') })).json().items
  t.same(listed.find((x: { id: string }) => x.id === admitted.id).enabledEvents, ['REVOKE', 'SUSPEND'], 'lists offer the same as the task itself')

  // On the city group's agenda: members vote, the chair also decides, the recused member neither.
  const escalated = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'city-civil'), payload: { ...draft(), submit: true } })).json()
  t.equal(escalated.state, 'escalated')
  t.same(await offered(escalated.id, h.auth('office', 'city')), ['OFFICE_RETURN', 'OPEN_CONSULTATION', 'PUT_ON_AGENDA'])
  t.same(await offered(escalated.id, h.auth('department', 'city-civil')), ['WITHDRAW'])
  const agenda = await h.app.inject({ method: 'POST', url: `/v1/tasks/${escalated.id}/events`, headers: h.auth('office', 'city'), payload: { type: 'PUT_ON_AGENDA' } })
  t.equal(agenda.json().stage, 'leading_group', agenda.body)
  t.same(await offered(escalated.id, h.auth('leading_group', 'city', 'qian.member')), ['VOTE'])
  t.same(await offered(escalated.id, h.auth('leading_group', 'city', 'chen.chair')), ['DECIDE', 'VOTE'])
  t.same(await offered(escalated.id, h.auth('leading_group', 'city', 'zhou.civil')), [], 'a member from the submitting bureau recuses')
  t.same(await offered(escalated.id, h.auth('leading_group', 'city', 'not.a.member')), [], 'a token of the group’s org that is no member')
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/tasks/${escalated.id}`, headers: h.auth('leading_group', 'east', 'sun.chair') })).statusCode, 404, 'another group does not even see it')
  const queue = (await h.app.inject({ method: 'GET', url: '/v1/reviews', headers: h.auth('leading_group', 'city', 'chen.chair') })).json().items
  t.same(queue.find((x: { id: string }) => x.id === escalated.id).enabledEvents, ['DECIDE', 'VOTE'])

  // A public notice: communities of the deciding jurisdiction may reply, others are offered nothing.
  const noticed = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'east-civil'), payload: { ...draft(), submit: true } })).json()
  const open = await h.app.inject({
    method: 'POST',
    url: `/v1/tasks/${noticed.id}/events`,
    headers: h.auth('office', 'east'),
    payload: { type: 'OPEN_CONSULTATION', consultation: { mode: 'public_notice', invited: [] } }
  })
  t.equal(open.json().stage, 'consultation', open.body)
  t.same(await offered(noticed.id, h.auth('community', 'east-s1-c1')), ['CONSULTATION_REPLY'])
  t.same(await offered(noticed.id, h.auth('community', 'west-s1-c1')), [], 'a community of another district')
})

t.test('a burden report offers its events to the investigating office only', async (t) => {
  const h = await build(t)
  const filed = await h.app.inject({
    method: 'POST',
    url: '/v1/burden-reports',
    headers: h.auth('community', 'east-s1-c1'),
    payload: { department: 'east-civil', what: '要求社区填报统计表', askedOn: '2026-10-05', evidence: '工作群通知截图' }
  })
  t.equal(filed.statusCode, 201, filed.body)
  t.same(filed.json().enabledEvents, [], 'the reporting community investigates nothing')
  const read = async (role: 'office' | 'department' | 'admin', org: string) =>
    (await h.app.inject({ method: 'GET', url: `/v1/burden-reports/${filed.json().id}`, headers: h.auth(role, org) })).json().enabledEvents
  t.same(await read('office', 'east'), ['INVESTIGATE'])
  t.same(await read('department', 'east-civil'), [])
  t.same(await read('admin', 'city'), [])
})

t.test('a principal as long as a token may carry keeps its Idempotency-Keys like any other', async (t) => {
  const h = await build(t)
  const sub = '长'.repeat(200)
  const headers = { ...h.auth('department', 'east-civil', sub), 'idempotency-key': 'long-principal-1' }
  const first = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers, payload: draft() })
  t.equal(first.statusCode, 201, first.body)
  const again = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers, payload: draft() })
  t.equal(again.headers['idempotent-replay'], 'true')
  t.equal(again.json().id, first.json().id)
  const other = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: { ...h.auth('department', 'city-civil', sub), 'idempotency-key': 'long-principal-1' }, payload: draft() })
  t.not(other.json().id, first.json().id, 'and another org’s principal with that sub has its own')
})
