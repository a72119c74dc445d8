import t from 'tap'
import { DEFAULT_PACK } from '../src/policy/pack.js'
import { ensurePack } from '../src/policy/pack-store.js'
import type { FundingStandard, PolicyPack } from '../src/policy/types.js'
import { build, demoCommunities, type Harness } from './helper.js'

// Every free text a department writes is screened, funding follows the task without invented
// numbers, and an item about a population covers collecting its data.

type Finding = { rule: string; verdict: string; message: { zh: string; en: string }; evidence: Array<{ field: string; match?: string; start?: number; end?: number }> }
type Screening = { outcome: string; findings: Finding[] }

/** A funded assisted item of the civil-affairs sector: the gate admits it. */
const assisted = (over: Record<string, unknown> = {}) => ({
  title: '协助开展低保家庭入户核查',
  description: '社区协助街道逐户走访低保家庭,核实家庭情况并及时反馈。',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条' }],
  funding: { perTarget: 8000, source: '区财政社会救助专项', committed: true },
  period: { start: '2027-03-01', end: '2027-06-30' },
  workloadHours: 60,
  ...over
})

let h: Harness
t.before(async () => {
  h = await build(t)
})

async function screen(task: Record<string, unknown>, department = 'east-civil'): Promise<Screening> {
  const res = await h.app.inject({ method: 'POST', url: '/v1/screenings', payload: { ...task, department } })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json()
}
const finding = (s: Screening, rule: string) => s.findings.find((f) => f.rule === rule)

t.test('the honest task is admitted on its own', async (t) => {
  t.equal((await screen(assisted())).outcome, 'admit')
})

t.test('every free text of the declaration is read, the legal basis article included', async (t) => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['legalBasis[0].article', { legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条;另须完成招商引资任务500万元' }] }, 'economic_target'],
    ['legalBasis[0].title', { legalBasis: [{ title: '关于下达社区创建达标任务的通知' }] }, 'separate_assessment'],
    ['funding.source', { funding: { perTarget: 8000, source: '完成协税护税任务后按比例返还', committed: true } }, 'economic_target'],
    ['title', { title: '关于各社区设立禁毒工作站并挂牌的通知' }, 'organization_or_plaque'],
    ['description', { description: '請社區負責轄區拆違工作' }, 'not_responsible_subject']
  ]
  for (const [field, over, rule] of cases) {
    const task = assisted(over)
    const s = await screen(task)
    t.equal(s.outcome, 'reject', field)
    const e = finding(s, rule)?.evidence.find((x) => x.field === field)
    t.ok(e, `${rule} names ${field}`)
    const text = field.startsWith('legalBasis')
      ? (task.legalBasis as Array<Record<string, string>>)[0]![field.endsWith('article') ? 'article' : 'title']
      : field === 'funding.source'
        ? (task.funding as { source: string }).source
        : (task as unknown as Record<string, string>)[field]
    t.equal(text!.slice(e!.start, e!.end), e!.match, 'the span quotes what was written')
  }
})

t.test('a revision is screened again: a quota brought in by REVISE is rejected on resubmission', async (t) => {
  const dept = h.auth('department', 'east-civil')
  const created = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: assisted() })).json()
  t.equal(created.state, 'draft')
  const revised = await h.app.inject({
    method: 'POST',
    url: `/v1/tasks/${created.id}/events`,
    headers: dept,
    payload: { type: 'SUBMIT', version: created.version, changes: { description: '社区协助入户走访,并于年底前完成引进企业不少于3家。' } }
  })
  t.equal(revised.statusCode, 200, revised.body)
  const task = revised.json()
  t.equal(task.state, 'rejected')
  t.equal(task.screening.outcome, 'reject')
  t.ok(task.screening.findings.some((f: Finding) => f.rule === 'economic_target' && f.evidence.some((e) => e.field === 'description')))
})

t.test('contract terms that assign an excluded item are refused with 422 naming the field', async (t) => {
  const dept = h.auth('department', 'east-civil')
  const admitted = (await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...assisted(), submit: true } })).json()
  t.equal(admitted.state, 'admitted')
  const honest = {
    paymentMethod: '按季度拨付',
    paymentSchedule: '开始后10个工作日内拨付首期,严禁附加招商引资等任务',
    deliverables: [{ name: '低保家庭核查情况汇总', due: '2027-06-30' }],
    contacts: [{ side: '区民政局', name: '赵磊', phone: '025-0000-0000' }],
    notes: '社区不作为拆违的责任主体'
  }
  const ok = await h.app.inject({ method: 'PUT', url: `/v1/tasks/${admitted.id}/contract`, headers: dept, payload: honest })
  t.equal(ok.statusCode, 200, 'negations and honest terms pass')
  t.equal(ok.json().terms.notes, honest.notes)

  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['paymentSchedule', { paymentSchedule: '社区完成固定资产投资3000万元后拨付尾款' }, 'economic_target'],
    ['paymentMethod', { paymentMethod: '完成稅收任務後撥付' }, 'economic_target'],
    ['deliverables[1].name', { deliverables: [honest.deliverables[0], { name: '社区悬挂“低保服务站”牌子', due: null }] }, 'organization_or_plaque'],
    ['deliverables[0].name', { deliverables: [{ name: '为居民开具无犯罪记录证明', due: null }] }, 'unverifiable_certificate'],
    ['notes', { notes: '社区负责对占道摊贩罚款' }, 'not_responsible_subject']
  ]
  for (const [field, over, rule] of bad) {
    const res = await h.app.inject({ method: 'PUT', url: `/v1/tasks/${admitted.id}/contract`, headers: dept, payload: { ...honest, ...over } })
    t.equal(res.statusCode, 422, field)
    t.match(res.headers['content-type'], /application\/problem\+json/)
    const problem = res.json()
    t.equal(problem.field, field)
    t.match(problem.detail, new RegExp(field.replace(/[[\]]/g, '\\$&')))
    t.ok(problem.findings.some((f: Finding) => f.rule === rule && f.verdict === 'reject' && f.evidence.every((e) => typeof e.match === 'string')), `${field}: ${rule} explained`)
  }
  const after = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${admitted.id}/contract`, headers: dept })).json()
  t.same(after.terms.paymentSchedule, honest.paymentSchedule, 'a refused change changes nothing')
})

t.test('funding follows the task: committed and above zero; the default pack invents no standard', async (t) => {
  const small = await screen(assisted({ funding: { perTarget: 1, source: '区财政', committed: true } }))
  t.equal(small.outcome, 'admit', 'no document sets a per-item minimum, so none is applied')
  for (const funding of [null, { perTarget: 0, source: '区财政', committed: true }, { perTarget: 5000, source: '区财政', committed: false }]) {
    const s = await screen(assisted({ funding }))
    t.equal(s.outcome, 'return', JSON.stringify(funding))
    t.match(finding(s, 'funding_required')!.message.zh, /须落实经费.*大于零/)
  }
  const list = async (level: string) => (await h.app.inject({ method: 'GET', url: `/v1/catalogs/assisted_tasks?level=${level}` })).json().items
  const items = [...(await list('community')), ...(await list('street'))]
  t.ok(items.length > 30)
  t.ok(items.every((i: Record<string, unknown>) => i.fundingMinimum === undefined && i.fundingStandard === undefined), 'no invented numbers in the published lists')
})

t.test('a standard the pack sets, with its source: per target, per household, per census unit, per hour of work', async (t) => {
  const h2 = await build(t)
  const community = DEFAULT_PACK.levels.community
  const withStandard = (code: string, fundingStandard: FundingStandard) =>
    community.assisted_tasks.map((i) => (i.code === code ? { ...i, fundingStandard } : i))
  const city: PolicyPack = {
    ...DEFAULT_PACK,
    version: '2026.3-city1',
    parameters: { ...DEFAULT_PACK.parameters, communityHourlyCost: { yuan: 50, source: '《示范市社区工作者薪酬管理办法》第六条' } },
    levels: {
      ...DEFAULT_PACK.levels,
      community: {
        ...community,
        assisted_tasks: withStandard('AT-18', { yuan: 6000, per: 'target', source: '《示范市社区工作经费管理办法》第八条' })
          .map((i) => (i.code === 'AT-04' ? { ...i, fundingStandard: { yuan: 2, per: 'household' as const, source: '《示范市流动人口服务管理经费标准》' } } : i))
          .map((i) => (i.code === 'AT-30' ? { ...i, fundingStandard: { yuan: 800, per: 'unit' as const, unit: '普查小区', source: '《示范市第八次人口普查经费方案》' } } : i))
      }
    }
  }
  await ensurePack(h2.db.knex, city, new Date().toISOString())
  const screen2 = async (task: Record<string, unknown>, department = 'east-civil'): Promise<Screening> =>
    (await h2.app.inject({ method: 'POST', url: '/v1/screenings', payload: { ...task, department } })).json()

  const below = await screen2(assisted({ funding: { perTarget: 5000, source: '区财政', committed: true } }))
  t.equal(below.outcome, 'return')
  t.match(finding(below, 'funding_required')!.message.zh, /每个对象6000元.*《示范市社区工作经费管理办法》第八条/)
  t.match(finding(below, 'funding_required')!.message.en, /6000 yuan per target/)
  t.equal((await screen2(assisted({ funding: { perTarget: 6000, source: '区财政', committed: true } }))).outcome, 'admit', 'the standard met')

  const hourly = await screen2(assisted({ workloadHours: 200, funding: { perTarget: 6000, source: '区财政', committed: true } }))
  t.equal(hourly.outcome, 'return', '200 hours at 50 yuan need 10000 yuan')
  t.match(finding(hourly, 'funding_required')!.message.zh, /每小时成本50元.*薪酬管理办法.*10000元/)

  const floating = {
    ...assisted(),
    title: '协助开展流动人口居住登记信息采集',
    description: '社区协助登记辖区流动人口居住信息并及时更新。',
    kind: 'data_collection',
    catalogItem: 'AT-04',
    workloadHours: 20
  }
  const noUnits = await screen2({ ...floating, funding: { perTarget: 9000, source: '区公安局', committed: true } }, 'city-police')
  t.equal(noUnits.outcome, 'return')
  t.match(finding(noUnits, 'funding_required')!.message.en, /per household.*funding\.units/)
  const short = await screen2({ ...floating, funding: { perTarget: 1000, source: '区公安局', committed: true, units: 800 } }, 'city-police')
  t.match(finding(short, 'funding_required')!.message.zh, /每户2元.*不少于1600元/)
  t.equal((await screen2({ ...floating, funding: { perTarget: 1600, source: '区公安局', committed: true, units: 800 } }, 'city-police')).outcome, 'admit')

  const census = await screen2(
    { ...assisted(), title: '协助开展人口普查', kind: 'data_collection', catalogItem: 'AT-30', funding: { perTarget: 1000, source: '普查经费', committed: true, units: 3 } },
    'city-stats'
  )
  t.match(finding(census, 'funding_required')!.message.zh, /每普查小区800元.*第八次人口普查经费方案.*2400元/)
})

t.test('an item about a population covers registering, surveying and updating it', async (t) => {
  const collections: Array<[string, string, string]> = [
    ['AT-04', 'city-police', '协助开展辖区流动人口居住登记和信息更新'],
    ['AT-19', 'east-civil', '协助开展特困人员和低保对象生活状况调查'],
    ['AT-20', 'east-civil', '协助开展老年人居家养老服务需求摸底调查']
  ]
  for (const [code, department, title] of collections) {
    const s = await screen(assisted({ title, description: `${title},按时录入系统。`, kind: 'data_collection', catalogItem: code }), department)
    t.equal(s.outcome, 'admit', `${code}: ${title}`)
    t.equal(finding(s, 'catalog_match')?.evidence[0]?.field, 'catalogItem')
  }
  const stamped = await screen(
    assisted({ title: '协助开展流动人口居住登记', description: '社区另行填写纸质登记表,每月报送并加盖公章。', kind: 'data_collection', catalogItem: 'AT-04' }),
    'city-police'
  )
  t.equal(stamped.outcome, 'escalate', 'a form that exists for stamping still goes to a reviewer')
  t.ok(finding(stamped, 'ledger_or_stamp'))
  const notAPopulation = await screen(assisted({ title: '社区协商议事情况采集', kind: 'data_collection', catalogItem: 'LD-15', funding: null }), 'east-civil')
  t.not(notAPopulation.outcome, 'admit', 'a duty about no population is not a licence to collect data')
})
