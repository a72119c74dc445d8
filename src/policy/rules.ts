import type { SourceId } from './sources.js'
import { EXCLUDED_CATEGORIES, type Bilingual, type RuleCode, type SourceRef, type Verdict } from './types.js'

const cite = (source: SourceId, section: string): SourceRef => ({ source, section })

export interface RuleDefinition {
  code: RuleCode
  verdict: Verdict
  title: Bilingual
  /** The built-in citations; a pack may replace them (PolicyPack.ruleCitations). */
  citations: SourceRef[]
}

/** The same source and section once, in the order first cited. */
const distinct = (refs: SourceRef[]): SourceRef[] =>
  refs.filter((r, i) => refs.findIndex((o) => o.source === r.source && o.section === r.section) === i)

const GATE_RULES = {
  economic_target: {
    code: 'economic_target',
    verdict: 'reject',
    title: { zh: '不得向社区分解经济指标', en: 'Economic targets may not be assigned to communities' },
    citations: [cite('nanjing-2014', '§二.11'), cite('nanjing-2014', '§二.17'), cite('qingdao-shinan-2018', '赋权减负'), cite('wuhan-2015', '解读2')]
  },
  unverifiable_certificate: {
    code: 'unverifiable_certificate',
    verdict: 'reject',
    title: { zh: '社区无法核实或无法律依据的证明事项', en: 'Certificate the community cannot verify or has no legal basis to issue' },
    citations: [cite('nanjing-2014', '§二.11')]
  },
  not_responsible_subject: {
    code: 'not_responsible_subject',
    verdict: 'reject',
    title: { zh: '社区不作为执法、拆违、环境整治、城市管理的责任主体', en: 'The community is not the responsible subject of enforcement, demolition, remediation or city management' },
    citations: [cite('wuhan-2015', '解读3')]
  },
  separate_assessment: {
    code: 'separate_assessment',
    verdict: 'reject',
    title: { zh: '职能部门不得单独组织考核、评比、创建达标', en: 'Departments may not run their own assessments, rankings or standard-reaching campaigns' },
    citations: [cite('nanjing-2014', '§二.11'), cite('nanjing-2014', '§二.17'), cite('wuhan-2015', '解读3'), cite('zhangjiagang-2016', '四(三)一')]
  },
  organization_or_plaque: {
    code: 'organization_or_plaque',
    verdict: 'reject',
    title: { zh: '不设相应机构、不挂专门牌子', en: 'No dedicated bodies and no dedicated plaques' },
    citations: [cite('nanjing-2014', '§二.5')]
  },
  ledger_or_stamp: {
    code: 'ledger_or_stamp',
    verdict: 'escalate',
    title: { zh: '台账、报表、盖章类负担', en: 'Ledger, form or stamping burden' },
    citations: [cite('zhangjiagang-2016', '四(三)一')]
  },
  funding_required: {
    code: 'funding_required',
    verdict: 'return',
    title: { zh: '费随事转、事费配套', en: 'Funding must follow the task' },
    citations: [cite('nanjing-2014', '§二.1'), cite('nanjing-2014', '§二.4'), cite('nanjing-2014', '§二.5'), cite('qingdao-shinan-2018', '赋权减负')]
  },
  authority_required: {
    code: 'authority_required',
    verdict: 'return',
    title: { zh: '权随责走、人财物同步下放', en: 'Powers and staff must be handed down with the work' },
    citations: [cite('nanjing-2014', '§二.1'), cite('qingdao-shinan-2018', '赋权减负')]
  },
  legal_basis_required: {
    code: 'legal_basis_required',
    verdict: 'return',
    title: { zh: '清单外事项须有法律或政策依据', en: 'An item on no list needs a legal or policy basis' },
    citations: [cite('nanjing-2014', '§二.11')]
  },
  catalog_match: {
    code: 'catalog_match',
    verdict: 'admit',
    title: { zh: '属于准入清单事项', en: 'Item of a published list' },
    citations: [cite('nanjing-2014', '§二.5')]
  },
  not_in_catalog: {
    code: 'not_in_catalog',
    verdict: 'escalate',
    title: { zh: '清单外事项,须经领导小组集体研究决定', en: 'On no list: only the leading group may admit it, collectively' },
    citations: [cite('nanjing-2014', '§二.5'), cite('wuhan-2015', '解读3'), cite('qingdao-shinan-2018', '赋权减负')]
  },
  application_lead_time: {
    code: 'application_lead_time',
    verdict: 'return',
    title: { zh: '应提前申请准入', en: 'Apply for admission ahead of the start date' },
    // A city's practice, not a reform document: the pack's applicationLeadWorkingDays is its 30 days.
    citations: [cite('xicheng-2018', '准入程序')]
  }
} satisfies Record<Exclude<RuleCode, 'suspected_misdeclaration'>, RuleDefinition>

/** One entry per rule; the verdict of a rule never varies with the task. */
export const RULES: Record<RuleCode, RuleDefinition> = {
  ...GATE_RULES,
  suspected_misdeclaration: {
    code: 'suspected_misdeclaration',
    verdict: 'escalate',
    title: { zh: '申报内容疑似与文字描述不符', en: 'Declared fields look clean but the text suggests an excluded category' },
    // No document states it: it keeps the exclusions from being declared around, so it rests on theirs.
    citations: distinct(EXCLUDED_CATEGORIES.flatMap((c) => GATE_RULES[c].citations))
  }
}
