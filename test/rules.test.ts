import t from 'tap'
import { RULES } from '../src/policy/rules.js'
import { SOURCES } from '../src/policy/sources.js'
import { RULE_CODES } from '../src/policy/types.js'
import { build, demoCommunities, type Harness } from './helper.js'

// Every rule is made to fire, and shown to stay quiet on a near miss,
// through the dry-run endpoint, which runs exactly the screening a submission runs.

type Finding = {
  rule: string
  verdict: string
  message: { zh: string; en: string }
  evidence: Array<{ field: string; match?: string; start?: number; end?: number; value?: unknown }>
  citations: Array<{ source: string; title: string; issuer: string; section: string }>
  catalogRef?: { list: string; code: string } | null
}
type Screening = { outcome: string; findings: Finding[]; policy: { id: string; version: string; hash: string } }

/** A lawful duty claimed by the civil-affairs department: clean, so the gate admits it. */
const cleanDuty = {
  title: '组织开展社区协商议事',
  description: '指导各社区围绕停车难问题组织居民议事协商,形成协商意见。',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  catalogItem: 'LD-15',
  legalBasis: [{ title: '《中华人民共和国城市居民委员会组织法》', article: '第三条' }],
  period: { start: '2027-03-01', end: '2027-06-30' },
  workloadHours: 16
}

/** A task on no list with funding and legal basis: the leading group decides. */
const newItem = {
  ...cleanDuty,
  title: '协助开展社区电动自行车停放需求摸底',
  description: '了解居民电动自行车停放和充电需求,为规划充电设施提供参考。',
  catalogItem: null,
  funding: { perTarget: 3000, source: '区财政', committed: true }
}

let h: Harness
t.before(async () => {
  h = await build(t)
})

async function screen(task: Record<string, unknown>, department = 'city-civil'): Promise<Screening> {
  const res = await h.app.inject({ method: 'POST', url: '/v1/screenings', payload: { ...task, department } })
  if (res.statusCode !== 200) throw new Error(`screening failed: ${res.statusCode} ${res.body}`)
  return res.json()
}

const finding = (s: Screening, rule: string) => s.findings.find((f) => f.rule === rule)
const rules = (s: Screening) => s.findings.map((f) => f.rule)

t.test('the clean baseline is admitted by catalog_match, with a full explanation', async (t) => {
  const s = await screen(cleanDuty)
  t.equal(s.outcome, 'admit')
  t.same(rules(s), ['catalog_match'])
  const f = finding(s, 'catalog_match')!
  t.equal(f.verdict, 'admit')
  t.match(f.message.zh, /协商/)
  t.match(f.message.en, /lawful_duties/)
  t.same(f.catalogRef, { list: 'lawful_duties', code: 'LD-15', name: f.catalogRef!['name' as 'code'] })
  t.same(f.evidence, [{ field: 'catalogItem', value: 'LD-15' }])
  const nanjing = SOURCES['nanjing-2014']
  t.same(f.citations, [{ source: 'nanjing-2014', title: nanjing.title, issuer: nanjing.issuer, section: '§二.5' }], 'the document by title, issuer and section')
  t.equal(s.policy.id, 'zhunru-default')
})

t.test('every rule rests on documents of the built-in sources table, and every rule is defined once', async (t) => {
  t.same(Object.keys(RULES).sort(), [...RULE_CODES].sort())
  for (const rule of Object.values(RULES)) {
    t.ok(rule.citations.length > 0, `${rule.code} cites a document`)
    for (const c of rule.citations) t.ok(c.source in SOURCES && c.section.length > 0, `${rule.code} cites ${c.source} ${c.section}`)
  }
})

t.test('economic_target', async (t) => {
  const declared = await screen({ ...newItem, kind: 'economic', title: '社区经济发展任务分解' })
  t.equal(declared.outcome, 'reject')
  t.same(finding(declared, 'economic_target')!.evidence[0], { field: 'kind', value: 'economic' })

  const title = '关于下达2027年度社区招商引资任务的通知'
  const inText = await screen({ ...newItem, title })
  t.equal(inText.outcome, 'reject', 'a declared "service" whose text assigns investment quotas is rejected')
  const span = finding(inText, 'economic_target')!.evidence.find((e) => e.field === 'title')!
  t.equal(title.slice(span.start, span.end), span.match)
  t.match(span.match, /招商引资/)

  const claimed = await screen({ ...newItem, catalogItem: 'NG-02', title: '协助做好辖区税收工作' })
  t.equal(claimed.outcome, 'reject')
  t.equal(finding(claimed, 'economic_target')!.catalogRef!.code, 'NG-02')

  const lowercase = await screen({ ...newItem, description: '力争辖区gdp增长8%。' })
  t.equal(lowercase.outcome, 'reject', 'Latin terms match in any case')
  t.equal(finding(lowercase, 'economic_target')!.evidence[0]!.match, '力争辖区gdp增长', 'the quota and its verb with it')

  const census = await screen(
    {
      ...cleanDuty,
      title: '协助开展全国经济普查单位清查',
      description: '社区协助普查员对辖区内单位开展清查登记,掌握家庭经济困难户情况不在本次范围。',
      kind: 'data_collection',
      catalogItem: 'AT-31',
      funding: { perTarget: 8000, source: '市财政普查经费', committed: true }
    },
    'city-stats'
  )
  t.equal(finding(census, 'economic_target'), undefined, 'an economic census is not an economic target')
  t.equal(finding(census, 'suspected_misdeclaration'), undefined, 'nor is it suspicious')
  t.equal(census.outcome, 'admit')
})

t.test('unverifiable_certificate', async (t) => {
  const banned = await screen({ ...newItem, kind: 'certificate', certificate: { name: '无犯罪记录证明' }, title: '社区出具居民相关证明' })
  t.equal(banned.outcome, 'reject')
  const f = finding(banned, 'unverifiable_certificate')!
  t.equal(f.catalogRef!.code, 'NC-05')
  t.same(f.evidence, [{ field: 'certificate.name', value: '无犯罪记录证明' }])

  const unlisted = await screen({ ...newItem, kind: 'certificate', certificate: { name: '学生在校表现证明' }, title: '社区出具居民相关证明' })
  t.equal(unlisted.outcome, 'reject', 'a certificate on no list cannot be verified by the community')
  t.match(finding(unlisted, 'unverifiable_certificate')!.message.en, /not on the list/)

  const inText = await screen({ ...newItem, title: '请社区为辖区老人开具健在证明' })
  t.equal(inText.outcome, 'reject')

  const notarial = await screen({ ...newItem, kind: 'certificate', certificate: { name: '亲属关系证明（用于办理公证）' }, title: '社区出具亲属关系证明' })
  t.equal(notarial.outcome, 'admit', 'kinship for notarisation is the known exception')
  t.equal(finding(notarial, 'catalog_match')!.catalogRef!.code, 'CT-01')

  const proverb = await screen({ ...cleanDuty, description: '实践证明,居民议事能有效化解矛盾。' })
  t.equal(proverb.outcome, 'admit', '"实践证明" (practice proves) is not a certificate')
})

t.test('not_responsible_subject', async (t) => {
  const declared = await screen({ ...newItem, kind: 'enforcement', title: '社区违法建设处置' })
  t.equal(declared.outcome, 'reject')
  const inText = await screen({ ...newItem, title: '由各社区负责辖区拆违工作' })
  t.equal(inText.outcome, 'reject')
  t.equal(finding(inText, 'not_responsible_subject')!.evidence[0]!.match, '负责辖区拆违')
  const mediation = await screen({ ...cleanDuty, catalogItem: 'LD-05', title: '调解邻里民间纠纷' }, 'city-justice')
  t.equal(finding(mediation, 'not_responsible_subject'), undefined)
  t.equal(mediation.outcome, 'admit')
})

t.test('separate_assessment', async (t) => {
  const declared = await screen({ ...newItem, kind: 'assessment', title: '社区年度工作测评' })
  t.equal(declared.outcome, 'reject')
  const inText = await screen({ ...newItem, title: '开展“最美社区”评比活动' })
  t.equal(inText.outcome, 'reject')
  const ranking = await screen({ ...cleanDuty, description: '议事协商优秀案例名单(排名不分先后)附后。' })
  t.equal(finding(ranking, 'separate_assessment'), undefined, '排名不分先后 lists names, it ranks nobody')
  t.equal(ranking.outcome, 'admit')
})

t.test('organization_or_plaque', async (t) => {
  const declared = await screen({ ...newItem, kind: 'organization', title: '社区老龄工作机制建设' })
  t.equal(declared.outcome, 'reject')
  const inText = await screen({ ...newItem, title: '各社区设立禁毒工作站并挂牌' })
  t.equal(inText.outcome, 'reject')
  const committees = await screen({ ...cleanDuty, catalogItem: 'LD-06', title: '设立人民调解委员会和公共卫生委员会' })
  t.equal(finding(committees, 'organization_or_plaque'), undefined, 'the statutory committees are a lawful duty')
  t.equal(committees.outcome, 'admit')
  const gapped = await screen({ ...newItem, description: '各社区成立社区老龄工作领导小组,下设办公室。' })
  t.equal(gapped.outcome, 'reject', 'a body set up in other words is still a body')
  t.equal(finding(gapped, 'organization_or_plaque')!.evidence[0]!.match, '成立社区老龄工作领导小组')
  const tooFar = await screen({ ...cleanDuty, description: '成立之初,社区居民委员会便把服务放在首位,市社区建设领导小组多次肯定。' })
  t.equal(finding(tooFar, 'organization_or_plaque'), undefined, 'words far apart are not one phrase')
  const noSign = await screen({ ...cleanDuty, description: '本项工作不悬挂专门牌子。' })
  t.equal(finding(noSign, 'organization_or_plaque'), undefined, 'a promise not to hang a plaque is no plaque')
  t.equal(noSign.outcome, 'admit')
  const supervision = await screen({ ...cleanDuty, description: '对群众反映强烈的问题实行挂牌督办。' })
  t.equal(finding(supervision, 'organization_or_plaque'), undefined, '挂牌督办 is supervision, not a plaque')
})

t.test('ledger_or_stamp', async (t) => {
  const inText = await screen({ ...cleanDuty, description: '各社区建立议事协商工作台账,每月报送。' })
  t.equal(inText.outcome, 'escalate', 'a ledger on a listed duty still goes to a reviewer')
  t.equal(finding(inText, 'ledger_or_stamp')!.verdict, 'escalate')
  const claimed = await screen({ ...newItem, catalogItem: 'NG-23', title: '社区工作记录' })
  t.same(finding(claimed, 'ledger_or_stamp')!.evidence, [{ field: 'catalogItem', value: 'NG-23' }])
  const collection = await screen({ ...newItem, kind: 'data_collection', title: '社区居民信息采集' })
  t.equal(collection.outcome, 'escalate')
  t.same(finding(collection, 'ledger_or_stamp')!.evidence[0], { field: 'kind', value: 'data_collection' })
  const census = await screen(
    { ...cleanDuty, kind: 'data_collection', catalogItem: 'AT-30', title: '协助开展全国人口普查', funding: { perTarget: 15000, source: '普查经费', committed: true } },
    'city-stats'
  )
  t.equal(finding(census, 'ledger_or_stamp'), undefined, 'a listed, funded census is work, not ledger burden')
})

t.test('funding_required', async (t) => {
  const assisted = { ...cleanDuty, catalogItem: 'AT-18', title: '协助开展社会救助困难排查' }
  const unfunded = await screen(assisted)
  t.equal(unfunded.outcome, 'return')
  t.equal(finding(unfunded, 'funding_required')!.catalogRef!.code, 'AT-18')
  const zero = await screen({ ...assisted, funding: { perTarget: 0, source: '区财政', committed: true } })
  t.equal(zero.outcome, 'return', 'committed funding must be above zero')
  const little = await screen({ ...assisted, funding: { perTarget: 100, source: '区财政', committed: true } })
  t.equal(little.outcome, 'admit', 'the default pack cites no standard for the item, so it sets none (test/gate-texts.test.ts tries a city pack that does)')
  const uncommitted = await screen({ ...assisted, funding: { perTarget: 9000, source: '待争取', committed: false } })
  t.equal(uncommitted.outcome, 'return')
  const funded = await screen({ ...assisted, funding: { perTarget: 9000, source: '区财政', committed: true } })
  t.equal(funded.outcome, 'admit')
  const duty = await screen(cleanDuty)
  t.equal(finding(duty, 'funding_required'), undefined, 'the community’s own duties need no funding')
  const newUnfunded = await screen({ ...newItem, funding: null })
  t.equal(newUnfunded.outcome, 'return', 'a new item must also bring its money')
})

t.test('authority_required', async (t) => {
  const missing = await screen({ ...newItem, authority: { required: true, provided: false } })
  t.equal(missing.outcome, 'return')
  const inspection = await screen({ ...newItem, kind: 'inspection', title: '社区燃气安全入户巡查' })
  t.equal(finding(inspection, 'authority_required')!.verdict, 'return', 'an inspection must say which powers it needs')
  const provided = await screen({ ...newItem, authority: { required: true, provided: true } })
  t.equal(finding(provided, 'authority_required'), undefined)
  const street = await screen({ ...newItem, targetLevel: 'street', targets: ['east-s1'] })
  t.equal(street.outcome, 'return', 'a new street item comes with staff, money and materials (赋权减负)')
  const streetStaffed = await screen({ ...newItem, targetLevel: 'street', targets: ['east-s1'], authority: { required: true, provided: true } })
  t.equal(streetStaffed.outcome, 'escalate')
})

t.test('legal_basis_required', async (t) => {
  const none = await screen({ ...newItem, legalBasis: [] })
  t.equal(none.outcome, 'return')
  t.same(finding(none, 'legal_basis_required')!.evidence, [{ field: 'legalBasis', value: [] }])
  const listed = await screen({ ...cleanDuty, legalBasis: [] })
  t.equal(finding(listed, 'legal_basis_required'), undefined, 'a list item carries its own basis')
})

t.test('catalog_match and not_in_catalog', async (t) => {
  const onNoList = await screen(newItem)
  t.equal(onNoList.outcome, 'escalate')
  t.same(rules(onNoList), ['not_in_catalog'])
  const otherSector = await screen({ ...cleanDuty, catalogItem: 'AT-01', funding: { perTarget: 99999, source: '区财政', committed: true } }, 'city-civil')
  t.equal(otherSector.outcome, 'escalate', 'a civil-affairs department cannot claim a public-security item')
  t.match(finding(otherSector, 'not_in_catalog')!.message.en, /public_security/)
  const unknown = await screen({ ...cleanDuty, catalogItem: 'LD-999' })
  t.match(finding(unknown, 'not_in_catalog')!.message.en, /no list has an item "LD-999"/)
  const streetDuty = await screen({ ...cleanDuty, targetLevel: 'street', targets: ['east-s1'], catalogItem: 'SLD-07' })
  t.equal(streetDuty.outcome, 'admit', 'street lists are used for street tasks')
  const communityCodeForStreet = await screen({ ...cleanDuty, targetLevel: 'street', targets: ['east-s1'] })
  t.equal(finding(communityCodeForStreet, 'catalog_match'), undefined, 'a community item is not on the street lists')
})

t.test('suspected_misdeclaration', async (t) => {
  const description = '请各社区做好本项工作,结果纳入年度考核。'
  const s = await screen({ ...cleanDuty, description })
  t.equal(s.outcome, 'escalate', 'declared clean, but the text says 考核: a human must look')
  const f = finding(s, 'suspected_misdeclaration')!
  t.equal(f.evidence[0]!.match, '考核')
  t.equal(description.slice(f.evidence[0]!.start, f.evidence[0]!.end), '考核')
  const rests = (c: { source: string; section: string }) => f.citations.some((x) => x.source === c.source && x.section === c.section)
  t.ok(RULES.separate_assessment.citations.every(rests), 'it rests on the documents whose exclusions it keeps from being declared around')
  t.equal(new Set(f.citations.map((c) => `${c.source} ${c.section}`)).size, f.citations.length, 'each of them once')
  t.match(f.message.en, /assessments/)
  const quiet = await screen(cleanDuty)
  t.equal(finding(quiet, 'suspected_misdeclaration'), undefined)
  const bank = await screen({ ...cleanDuty, description: '联系招商银行在社区开展反诈宣传。' })
  t.equal(finding(bank, 'suspected_misdeclaration'), undefined, '招商银行 is a bank, not investment attraction')
})

t.test('text evidence alone never admits', async (t) => {
  const s = await screen({ ...newItem, title: '属于依法履行职责事项:召集居民会议', description: '本事项在社区依法履行职责事项清单内。' })
  t.not(s.outcome, 'admit')
})

t.test('screening is deterministic and names the policy it used', async (t) => {
  const a = await screen({ ...newItem, description: '建立台账,纳入考核,挂牌。' })
  const b = await screen({ ...newItem, description: '建立台账,纳入考核,挂牌。' })
  t.same(a, b)
  t.same(rules(a), ['organization_or_plaque', 'suspected_misdeclaration'])
  t.equal(a.outcome, 'reject')
})

t.test('a listed certificate admits a certificate task and nothing else', async (t) => {
  const resolution = { name: '居民会议（居民代表会议）决议' }
  const inspection = await screen({ ...newItem, kind: 'inspection', certificate: resolution, legalBasis: [], funding: null }, 'city-urban')
  t.not(inspection.outcome, 'admit', 'naming a certificate is no licence for an inspection')
  const unfunded = await screen({ ...cleanDuty, catalogItem: 'AT-18', certificate: resolution })
  t.equal(unfunded.outcome, 'return', 'the claimed assisted item still needs its funding')
  const smuggled = await screen({
    ...newItem,
    kind: 'certificate',
    certificate: resolution,
    title: '社区出具居民会议决议',
    description: '社区同时为居民出具收入证明和单身证明、无犯罪证明。'
  })
  t.equal(smuggled.outcome, 'reject', 'banned certificates named in the text of a certificate task')
  t.same(
    finding(smuggled, 'unverifiable_certificate')!.evidence.map((e) => e.match),
    ['出具收入证明', '单身证明', '无犯罪证明']
  )
  const notNotarial = await screen({ ...newItem, kind: 'certificate', certificate: { name: '亲属关系证明（非公证用途）' }, title: '社区出具亲属关系证明' })
  t.equal(notNotarial.outcome, 'reject', 'only a certificate for a notary is the exception')
})

t.test('spacing, invisible and full-width characters do not hide a term, and evidence points into the original', async (t) => {
  for (const title of ['力争辖区ＧＤＰ增长8%', '下达社区招\u200b商引资任务', '下达社区招 商 引 资任务']) {
    const s = await screen({ ...newItem, title })
    t.equal(s.outcome, 'reject', title)
    const e = finding(s, 'economic_target')!.evidence.find((x) => x.field === 'title')!
    t.equal(title.slice(e.start, e.end), e.match, `${title}: the span is the department's own text`)
  }
})

t.test('every free-text field is read: certificate name, legal basis, funding source', async (t) => {
  const inName = await screen({ ...newItem, kind: 'certificate', certificate: { name: '居民会议决议(招商引资任务分解)' } })
  t.equal(inName.outcome, 'reject')
  t.equal(finding(inName, 'economic_target')!.evidence[0]!.field, 'certificate.name')
  const inFunding = await screen({ ...newItem, funding: { perTarget: 3000, source: '从社区招商引资任务奖励中列支', committed: true } })
  t.equal(finding(inFunding, 'economic_target')!.evidence[0]!.field, 'funding.source')
  const inBasis = await screen({ ...newItem, legalBasis: [{ title: '关于下达社区创建达标任务的通知' }] })
  t.equal(finding(inBasis, 'separate_assessment')!.evidence[0]!.field, 'legalBasis[0].title')
})

t.test('a list item is the kind of work it says: a data collection cannot pass as a service duty', async (t) => {
  const s = await screen({ ...cleanDuty, kind: 'data_collection', catalogItem: 'LD-04', title: '社区公共事务情况采集' })
  t.not(s.outcome, 'admit')
  t.match(finding(s, 'not_in_catalog')!.message.en, /service or other work, not "data_collection"/)
})

t.test('statistics, residents’ own contests and policy explanations are not targets, rankings or enforcement', async (t) => {
  const stats = { ...cleanDuty, kind: 'data_collection', catalogItem: 'AT-32', funding: { perTarget: 3000, source: '统计调查经费', committed: true } }
  for (const title of ['协助做好固定资产投资项目入库统计', '协助开展社会消费品零售总额抽样调查']) {
    const s = await screen({ ...stats, title }, 'city-stats')
    t.equal(finding(s, 'economic_target'), undefined, title)
    t.equal(s.outcome, 'admit', title)
  }
  for (const description of ['社区组织优秀志愿者评比,激励居民参与。', '社区开展垃圾分类家庭积分评比活动。', '向居民做好拆违政策解读。']) {
    const s = await screen({ ...cleanDuty, description })
    t.not(s.outcome, 'reject', description)
  }
  const ranking = await screen({ ...newItem, description: '区里将对各社区开展评比,结果通报。' })
  t.equal(ranking.outcome, 'reject', 'a ranking of communities is still rejected')
})

t.test('every keyword of the negative list is at least sent to a human, never admitted', async (t) => {
  const negative = (await h.app.inject({ method: 'GET', url: '/v1/catalogs/negative' })).json().items as Array<{ code: string; rule: string; keywords: string[] }>
  for (const item of negative.filter((i) => i.rule !== 'unverifiable_certificate')) {
    for (const keyword of item.keywords) {
      const s = await screen({ ...cleanDuty, description: `请各社区落实${keyword}相关工作。` })
      t.not(s.outcome, 'admit', `${item.code} ${keyword}`)
    }
  }
})
