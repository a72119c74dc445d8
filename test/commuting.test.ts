import t from 'tap'
import { DEMO_ORG_TREE } from '../src/demo.js'
import { build } from './helper.js'

// Events that commute are not refused (the engine plans them again on the newer version):
// a funding confirmation by another community, a vote by another member. A real conflict
// still has exactly one winner, and the loser gets 409 with the version that won.

const EVERY_COMMUNITY = DEMO_ORG_TREE.filter((u) => u.kind === 'community').map((u) => u.id)

const assisted = {
  title: '协助开展社会救助困难排查与公示',
  description: '社区协助入户走访、困难排查,并公示审核结果。',
  targetLevel: 'community',
  targets: EVERY_COMMUNITY,
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条' }],
  funding: { perTarget: 8000, source: '市财政社会救助专项', committed: true },
  period: { start: '2027-01-01', end: '2027-12-31' },
  workloadHours: 120,
  submit: true
}

const onNoList = {
  title: '协助开展社区养老服务需求调查',
  targetLevel: 'community',
  targets: ['east-s1-c1'],
  kind: 'service',
  legalBasis: [{ title: '《老年人权益保障法》' }],
  funding: { perTarget: 5000, source: '市福彩公益金', committed: true },
  period: { start: '2027-04-01', end: '2027-06-30' },
  workloadHours: 40,
  submit: true
}

t.test('eight target communities confirming their funding at once are all accepted', async (t) => {
  const h = await build(t)
  const task = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'city-civil'), payload: assisted })).json()
  t.equal(task.state, 'admitted', JSON.stringify(task.screening))
  t.equal(EVERY_COMMUNITY.length, 8)
  for (let round = 0; round < 3; round++) {
    const status = round === 1 ? 'missing' : 'received'
    const answers = await Promise.all(
      EVERY_COMMUNITY.map((c) =>
        h.app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/funding-confirmations`, headers: h.auth('community', c), payload: { status, amount: status === 'received' ? 8000 : undefined } })
      )
    )
    t.same(answers.map((a) => a.statusCode), EVERY_COMMUNITY.map(() => 201), `round ${round + 1}: every confirmation is kept`)
  }
  const funding = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/funding-confirmations`, headers: h.auth('office', 'city') })).json()
  t.equal(funding.items.length, 24)
  const after = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}`, headers: h.auth('office', 'city') })).json()
  t.equal(after.version, task.version + 24, 'one version per confirmation: none was lost or merged')
  const history = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/events?limit=200`, headers: h.auth('office', 'city') })).json().items
  const versions = history.map((e: { version: number }) => e.version)
  t.same(versions, [...versions].sort((a: number, b: number) => a - b), 'the history is in version order')
  t.equal(new Set(versions).size, versions.length, 'each version once')
})

t.test('four members voting at once are all counted; the chair then decides on the tally', async (t) => {
  const h = await build(t)
  for (let run = 0; run < 3; run++) {
    const task = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'city-civil'), payload: onNoList })).json()
    t.equal(task.stage, 'office_review')
    t.equal((await h.app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers: h.auth('office', 'city'), payload: { type: 'PUT_ON_AGENDA' } })).statusCode, 200)
    const members = ['chen.chair', 'wu.police', 'qian.member', 'feng.member']
    const votes = await Promise.all(
      members.map((m) =>
        h.app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers: h.auth('leading_group', 'city', m), payload: { type: 'VOTE', vote: 'approve', reason: `${m} 同意` } })
      )
    )
    t.same(votes.map((v) => v.statusCode), [200, 200, 200, 200], votes.map((v) => v.body).join('\n'))
    const tallied = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}`, headers: h.auth('leading_group', 'city', 'chen.chair') })).json()
    t.match(tallied.review.tally, { approve: 4, voted: 4, eligible: 4, quorumMet: true, majority: 'approve' })
    t.same(tallied.review.votes.map((v: { member: string }) => v.member).sort(), [...members].sort())
    const decided = await h.app.inject({
      method: 'POST',
      url: `/v1/tasks/${task.id}/events`,
      headers: h.auth('leading_group', 'city', 'chen.chair'),
      payload: { type: 'DECIDE', decision: 'approve', minutes: '第5次会议:应到4人,同意4票' }
    })
    t.equal(decided.json().state, 'admitted', decided.body)
  }
})

t.test('a vote pinned to a version it no longer has is refused: the client asked for that version', async (t) => {
  const h = await build(t)
  const task = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'city-civil'), payload: onNoList })).json()
  const agenda = (await h.app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers: h.auth('office', 'city'), payload: { type: 'PUT_ON_AGENDA' } })).json()
  const [a, b] = await Promise.all(
    ['qian.member', 'feng.member'].map((m) =>
      h.app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers: h.auth('leading_group', 'city', m), payload: { type: 'VOTE', vote: 'approve', reason: '同意', version: agenda.version } })
    )
  )
  t.same([a!.statusCode, b!.statusCode].sort(), [200, 409])
  t.equal([a, b].find((r) => r!.statusCode === 409)!.json().currentVersion, agenda.version + 1)
})

t.test('a real conflict still has one winner: putting on the agenda against returning to the department', async (t) => {
  const h = await build(t)
  for (let run = 0; run < 5; run++) {
    const task = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'city-civil'), payload: onNoList })).json()
    const office = h.auth('office', 'city')
    const [agenda, back] = await Promise.all([
      h.app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers: office, payload: { type: 'PUT_ON_AGENDA' } }),
      h.app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers: office, payload: { type: 'OFFICE_RETURN', reason: '请补充经费来源' } })
    ])
    t.same([agenda.statusCode, back.statusCode].sort(), [200, 409], `${agenda.body}\n${back.body}`)
    const loser = agenda.statusCode === 409 ? agenda : back
    t.equal(loser.json().currentVersion, task.version + 1, 'the 409 names the version that won')
    const history = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/events`, headers: office })).json().items
    t.equal(history.filter((e: { type: string }) => e.type === 'PUT_ON_AGENDA' || e.type === 'OFFICE_RETURN').length, 1)
  }
})
