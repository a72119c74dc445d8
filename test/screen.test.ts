import t from 'tap'
import { addWorkingDays } from '../src/calendar/working-days.js'
import { DEFAULT_PACK, packRef } from '../src/policy/pack.js'
import { screenTask } from '../src/policy/screen.js'
import type { CatalogItem, LevelCatalogs, PolicyPack, Submitter, TaskDeclaration } from '../src/policy/types.js'

// screenTask called directly: the look-ups it keeps per pack (catalog indexes, the
// earliest start of a day) must answer exactly as searching the lists every time would.

const policy = packRef(DEFAULT_PACK)
const civil: Submitter = { sector: 'civil_affairs', jurisdiction: 'east', submittedOn: '2026-10-09' }

const task = (over: Partial<TaskDeclaration> = {}): TaskDeclaration => ({
  title: '组织开展社区协商议事',
  description: '指导各社区围绕停车难问题组织居民议事协商。',
  targetLevel: 'community',
  targets: ['east-s1-c1'],
  kind: 'service',
  catalogItem: 'LD-15',
  certificate: null,
  legalBasis: [{ title: '《中华人民共和国城市居民委员会组织法》' }],
  funding: null,
  authority: null,
  period: { start: '2027-03-01', end: '2027-06-30' },
  workloadHours: 16,
  ...over
})

const item = (code: string, over: Partial<CatalogItem> = {}): CatalogItem => ({
  code,
  name: `事项${code}`,
  sector: 'civil_affairs',
  responsibleDepartment: '民政局',
  legalBasis: '《社会救助暂行办法》',
  fundingRequired: false,
  source: 'test',
  ...over
})

const withCommunity = (catalogs: Partial<LevelCatalogs>): PolicyPack => ({
  ...DEFAULT_PACK,
  levels: { ...DEFAULT_PACK.levels, community: { ...DEFAULT_PACK.levels.community, ...catalogs } }
})

const rules = (pack: PolicyPack, d: TaskDeclaration, s: Submitter = civil) => screenTask(d, s, pack, policy).findings.map((f) => f.rule)
const ref = (pack: PolicyPack, d: TaskDeclaration) => screenTask(d, civil, pack, policy).findings.find((f) => f.catalogRef)?.catalogRef

t.test('a code on several lists is the first item with it: lawful duties, then assisted tasks, then negative', async (t) => {
  const pack = withCommunity({
    lawful_duties: [item('X-1', { name: '第一个' }), item('X-1', { name: '第二个' })],
    assisted_tasks: [item('X-1', { name: '协助' }), item('X-2', { name: '协助二' })],
    negative: [
      { code: 'X-2', name: '负面二', rule: 'organization_or_plaque', keywords: [], source: 'test' },
      { code: 'X-3', name: '负面三', rule: 'organization_or_plaque', keywords: [], source: 'test' }
    ]
  })
  t.match(ref(pack, task({ catalogItem: 'X-1' })), { list: 'lawful_duties', name: '第一个' })
  t.match(ref(pack, task({ catalogItem: 'X-2' })), { list: 'assisted_tasks', name: '协助二' })
  t.match(ref(pack, task({ catalogItem: 'X-3' })), { list: 'negative', name: '负面三' })
  t.same(rules(pack, task({ catalogItem: 'X-4' })), ['funding_required', 'not_in_catalog'])
})

t.test('an approved title is the first assisted item of the jurisdiction, sector and kind that carries it', async (t) => {
  const title = '协助开展社区电动自行车停放需求摸底'
  const pack = withCommunity({
    assisted_tasks: [
      item('AT-91', { name: '西区的', titles: [title], jurisdiction: 'west' }),
      item('AT-92', { name: '不同类', titles: [title], jurisdiction: 'east', kinds: ['inspection'] }),
      item('AT-93', { name: '东区的', titles: ['另一项', title], jurisdiction: 'east' }),
      item('AT-94', { name: '后来的', titles: [title], jurisdiction: 'east' })
    ]
  })
  t.match(ref(pack, task({ title, catalogItem: null })), { list: 'assisted_tasks', code: 'AT-93' })
  t.match(ref(pack, task({ title: '另一项', catalogItem: null })), { code: 'AT-93' })
  t.equal(ref(pack, task({ title: '没有批准过的标题', catalogItem: null })), undefined)
  t.equal(ref(pack, task({ title, catalogItem: null, kind: 'data_collection' })), undefined)
})

t.test('the application lead time follows the submission day, whatever day came before', async (t) => {
  const lead = DEFAULT_PACK.parameters.applicationLeadWorkingDays
  const starting = (start: string) => task({ period: { start, end: '2027-12-31' } })
  for (const submittedOn of ['2026-10-09', '2026-10-09', '2026-12-01', '2026-10-09']) {
    const submitter = { ...civil, submittedOn }
    const earliest = addWorkingDays(DEFAULT_PACK.calendar, submittedOn, lead)
    const nextDay = addWorkingDays(DEFAULT_PACK.calendar, submittedOn, 1)
    t.notOk(rules(DEFAULT_PACK, starting(earliest), submitter).includes('application_lead_time'), submittedOn)
    t.ok(rules(DEFAULT_PACK, starting(nextDay), submitter).includes('application_lead_time'), submittedOn)
  }
  const sooner = { ...DEFAULT_PACK, parameters: { ...DEFAULT_PACK.parameters, applicationLeadWorkingDays: 1 } }
  const nextDay = addWorkingDays(DEFAULT_PACK.calendar, civil.submittedOn, 1)
  t.notOk(rules(sooner, starting(nextDay)).includes('application_lead_time'), 'a pack with a shorter lead time')
  t.ok(rules(DEFAULT_PACK, starting(nextDay)).includes('application_lead_time'), 'and back')
})

t.test('a banned certificate in a certificate task\'s text is found where it was written', async (t) => {
  const listed = { kind: 'certificate' as const, catalogItem: null, certificate: { name: '居民会议（居民代表会议）决议' } }
  const evidence = (description: string) =>
    screenTask(task({ ...listed, description }), civil, DEFAULT_PACK, policy).findings.find((f) => f.rule === 'unverifiable_certificate')?.evidence
  t.match(evidence('并请社区开具同一人证明。'), [{ field: 'description', match: '开具同一人证明', start: 4, end: 11 }])
  t.match(evidence('并请社区开具同 一\u200b人证明和身份信息证明。'), [
    { field: 'description', match: '开具同 一\u200b人证明', start: 4, end: 13 },
    { field: 'description', match: '身份信息证明', start: 14, end: 20 }
  ])
  t.equal(evidence('请社区组织居民会议形成决议。'), undefined, 'no 证明, nothing to find')
  t.match(evidence('请社区出具亲属关系证明。'), [{ match: '亲属关系证明' }])
  t.equal(evidence('请社区出具亲属关系证明（用于公证）。'), undefined, 'an exception lifts it')
})
