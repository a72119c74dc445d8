import type { WorkingCalendar } from '../calendar/working-days.js'

// The gate's vocabulary. Every enum here is the single source of truth: route
// schemas, the database and the tests read these constants, never a copy.

export const VERDICTS = ['admit', 'escalate', 'return', 'reject'] as const
export type Verdict = (typeof VERDICTS)[number]

/** Severity order: reject > return > escalate > admit. */
export const VERDICT_SEVERITY: Record<Verdict, number> = { admit: 0, escalate: 1, return: 2, reject: 3 }

export const TARGET_LEVELS = ['community', 'street'] as const
export type TargetLevel = (typeof TARGET_LEVELS)[number]

export const TASK_KINDS = [
  'service',
  'data_collection',
  'certificate',
  'inspection',
  'assessment',
  'enforcement',
  'economic',
  'organization',
  'other'
] as const
export type TaskKind = (typeof TASK_KINDS)[number]

export const CATALOG_LISTS = ['lawful_duties', 'assisted_tasks', 'certificates', 'negative'] as const
export type CatalogList = (typeof CATALOG_LISTS)[number]

export const RULE_CODES = [
  'economic_target',
  'unverifiable_certificate',
  'not_responsible_subject',
  'separate_assessment',
  'organization_or_plaque',
  'ledger_or_stamp',
  'funding_required',
  'authority_required',
  'legal_basis_required',
  'catalog_match',
  'not_in_catalog',
  'suspected_misdeclaration',
  'application_lead_time'
] as const
export type RuleCode = (typeof RULE_CODES)[number]

/** The excluded categories whose text the lexicon watches for. */
export const EXCLUDED_CATEGORIES = [
  'economic_target',
  'unverifiable_certificate',
  'not_responsible_subject',
  'separate_assessment',
  'organization_or_plaque',
  'ledger_or_stamp'
] as const satisfies readonly RuleCode[]
export type ExcludedCategory = (typeof EXCLUDED_CATEGORIES)[number]

/** What a department declares. Mirrors the API's task fields. */
export interface TaskDeclaration {
  title: string
  description: string
  targetLevel: TargetLevel
  targets: string[]
  kind: TaskKind
  catalogItem: string | null
  certificate: { name: string } | null
  legalBasis: Array<{ title: string; article?: string }>
  /** `units`: households or units of work per target, where the item's standard counts them. */
  funding: { perTarget: number; source: string; committed: boolean; units?: number } | null
  authority: { required: boolean; provided: boolean } | null
  period: { start: string; end: string }
  workloadHours: number
}

/** Who submits: the gate needs the department's sector to judge a catalog claim. */
export interface Submitter {
  sector: string | null
  /** The submitting department's city or district (wuhan-2015 解读3: each level's group decides for its own). */
  jurisdiction: string | null
  /** The China date of submission: the lead time before the task starts is counted from it. */
  submittedOn: string
}

/**
 * A document a pack cites: a reform document its lists were drawn from, a national rule, a
 * city's practice. Each says only what is known of it; `note` says what is not.
 */
export interface Source {
  /** Stable: decisions store the id with their citations, so it never names another document. */
  id: string
  /** The document's own title, in 《》; where it has none that is known, what it is, without 《》. */
  title: string
  issuer: string
  /** As exactly as known: YYYY-MM-DD, YYYY-MM, YYYY or a span of years. */
  date: string
  /** Where it was published, as far as the document (or the issuing body) says. */
  published: string
  /** Its document number (文号), where it has one. */
  number?: string
  note?: string
}

/** Where a rule rests: a source of the pack's table and the section in it. */
export interface SourceRef {
  source: string
  section: string
}

/** A finding's citation: the source's title and issuer as the pack named them when it screened. */
export interface Citation extends SourceRef {
  title: string
  issuer: string
}

export interface Bilingual {
  zh: string
  en: string
}

/** A piece of evidence: a declared field, or a span of the title/description text. */
export interface Evidence {
  field: string
  value?: unknown
  /** For text evidence: the matched term and its [start, end) offsets in the field's text. */
  match?: string
  start?: number
  end?: number
}

export interface Finding {
  rule: RuleCode
  verdict: Verdict
  message: Bilingual
  evidence: Evidence[]
  citations: Citation[]
  /** Catalog entry the finding refers to, when one does. */
  catalogRef?: { list: CatalogList; code: string; name: string } | null
}

export interface PolicyRef {
  id: string
  version: string
  hash: string
}

export interface Screening {
  outcome: Verdict
  findings: Finding[]
  policy: PolicyRef
}

export interface CatalogItem {
  code: string
  name: string
  /** Sector code of the department that may claim the item (assisted items name one). */
  sector: string
  responsibleDepartment: string
  legalBasis: string
  /** Assisted items must carry funding (费随事转); lawful duties need none. */
  fundingRequired: boolean
  /** The funding standard, where the pack sets one with its source; none is none. */
  fundingStandard?: FundingStandard
  /** Packs before 2026.3: yuan per target, with the item's own source as its source. */
  fundingMinimum?: number
  /** The population the item is about (流动人口, 残疾人): it covers their registration, surveys and data updates too. */
  population?: string
  source: string
  /** The kinds of work the item is; service and other when absent. */
  kinds?: TaskKind[]
  /** Titles of tasks the leading group approved as this item: an identical submission is this item. */
  titles?: string[]
  /** The city or district whose group added the item: only its departments may claim it by title. */
  jurisdiction?: string
}

/** What a unit of work is funded at, and which document says so. */
export interface FundingStandard {
  yuan: number
  /** Per target (a community or street), per household the work reaches, or per unit of the work (a census enumeration area). */
  per: 'target' | 'household' | 'unit'
  /** The unit when `per` is unit (普查小区). */
  unit?: string
  /** The document that sets the amount, by title and section. */
  source: string
}

export interface CertificateItem {
  code: string
  name: string
  /** Terms whose presence in a certificate name identifies this item. */
  keywords: string[]
  legalBasis: string
  source: string
}

export interface NegativeItem {
  code: string
  name: string
  /** The rule a match on this item fires. */
  rule: ExcludedCategory
  /** Terms whose presence in a certificate name or claim identifies this item. */
  keywords: string[]
  /** Phrases that contain a keyword but mean something allowed (e.g. kinship for notarisation). */
  exceptions?: string[]
  source: string
}

export interface LevelCatalogs {
  lawful_duties: CatalogItem[]
  assisted_tasks: CatalogItem[]
  certificates: CertificateItem[]
  negative: NegativeItem[]
}

/**
 * A lexicon entry of packs before 2026.3, kept so that their decisions can still be
 * re-explained: a strong term reads as a name of its category, a weak one as a hint.
 */
export interface LegacyLexiconEntry {
  category: ExcludedCategory
  term: string
  strength: 'strong' | 'weak'
  innocent?: string[]
}

/**
 * One excluded category's words, and how a sentence uses them decides: a name or an
 * assigned object rejects (or escalates, for ledger_or_stamp), a mentioned one or a hint asks
 * a person to look, a negated one says nothing. A term may have gaps: 揭…牌 finds 揭牌 and
 * 揭开…服务站牌. Pinyin forms of names and objects are derived, not listed.
 */
export interface LexiconFamily {
  category: ExcludedCategory
  /** The excluded thing by its own name (招商引资, 末位淘汰): in a task for a community, an un-negated name assigns it. */
  names?: string[]
  /** Work that is excluded when the task assigns it (投资额, 罚款, 排名): strong when `assignedBy` says so, weak when mentioned, nothing alone. */
  objects?: string[]
  /**
   * What assigns an object: one of the family's verbs before it in its clause (负责 + 罚款, 挂 + 牌子),
   * a quota after it (投资额 + 5000万元), or either.
   */
  assignedBy: 'verb' | 'quota' | 'verb-or-quota'
  /** Words that only suggest the category (招商, 创收): never more than weak. */
  hints?: string[]
  /** Verbs that assign this family's objects (负责 and 拆除 for enforcement, 挂 and 揭 for plaques). */
  verbs?: string[]
  /** Phrases that contain a term but mean allowed work (经济普查, 人民调解委员会): they mask it. */
  innocent?: string[]
  /** English forms, by the role they play. */
  english?: Partial<Record<'names' | 'objects' | 'hints', string[]>>
}

/**
 * The words that say how a sentence uses a term. Before the term in its clause, the nearest
 * negation, publicity or obligation decides (an obligation only lifts an earlier negation);
 * after it, an abolition or a warning negates it, publicity makes it the subject of a notice,
 * and a quota or a number with a unit is a quota.
 */
export interface LexiconCues {
  /** 严禁, 不得, 取消, 不再, 杜绝, 警惕, 防范… */
  negation: string[]
  /** 一律取消, 已经取消, 诈骗… after the term */
  negationAfter: string[]
  /** 宣传, 提醒, 配合, 协助… before the term: the community speaks about it or helps the one responsible */
  mention: string[]
  /** 宣传, 政策, 知识, 提示… right after the term */
  mentionAfter: string[]
  /** 须, 必须, 务必, 请, 要求… */
  obligation: string[]
  /** 任务, 指标, 目标, 额度, 不少于… after an object */
  quota: string[]
  /** 万元, 家, 个, 户… after a number that follows an object */
  unit: string[]
  /** 名义, 形式, 为由… ending a negated clause that only sets the manner, so that the negation governs the next clause */
  dangling: string[]
  /**
   * 由…局负责, 区城管局负责, 医院开具… : the work is someone else's. After the term it is no
   * assignment to the community; before it, the term is at most worth a look.
   */
  elsewhere?: string[]
}

export interface Sector {
  code: string
  name: string
}

export interface PolicyParameters {
  /** Fraction of leading-group members that must vote; the decision needs strictly more. */
  quorum: number
  applicationLeadWorkingDays: number
  officeReviewWorkingDays: number
  decisionWorkingDays: number
  /** Working days after a contract starts by which every target must have confirmed its funding. */
  fundingGraceWorkingDays: number
  /**
   * The cost of an hour of community work, where the pack sets one with its source (a city may
   * derive it from its wage floor: community workers earn no less than the local average wage):
   * every funded task then needs perTarget ≥ workloadHours × yuan.
   */
  communityHourlyCost?: { yuan: number; source: string }
  /** The two-way evaluation of departments (双向考评 / 倒评); packs stored before have none and are read with the default pack's. */
  evaluation?: EvaluationParameters
  /** The residents' deliberation council's rules (议事会六步工作法); packs stored before it are read with the default pack's. */
  deliberation?: DeliberationParameters
}

/**
 * A share a count must reach: `count × denominator > total × numerator`, or ≥ when
 * `inclusive` (more than half: 1/2 not inclusive; two thirds or more: 2/3 inclusive).
 */
export interface Threshold {
  numerator: number
  denominator: number
  inclusive: boolean
  source: SourceRef
  /** What the source does not say, where the value is as practised rather than written. */
  note?: string
}

/** A count of working days, with where it comes from. */
export interface WorkingDaysRule {
  days: number
  source: SourceRef
  note?: string
}

export interface DeliberationParameters {
  /** Of the council's sitting members, how many must attend a council meeting. */
  councilQuorum: Threshold
  /** Of the members present, how many must vote for a motion (少数服从多数). */
  councilMajority: Threshold
  /** Of the residents' representatives, how many must attend their meeting. */
  representativesQuorum: Threshold
  representativesMajority: Threshold
  /** Of the residents (or households, or group delegates) called, how many must attend a residents' meeting. */
  residentsQuorum: Threshold
  residentsMajority: Threshold
  /** How many working days before a meeting its notice must be given. */
  noticeWorkingDays: WorkingDaysRule
  /** How many working days a published resolution or result stays in publicity (公示期). */
  publicityWorkingDays: WorkingDaysRule
}

/** Where a parameter comes from: the sections cited, and what is this pack's own choice rather than theirs. */
export interface ParameterBasis {
  refs: SourceRef[]
  note: string
}

/** A level of a level scale: 满意 / 基本满意 / 不太满意 / 不满意. */
export interface EvaluationLevel {
  code: string
  name: Bilingual
  /** 0–100: what the level counts for in the satisfaction score. */
  score: number
  /** Whether a rating at this level counts as satisfied for the satisfaction rate. */
  satisfied: boolean
}

export type EvaluationScale =
  | { kind: 'levels'; levels: EvaluationLevel[] }
  /** Whole points 0–100; a rating of `satisfiedFrom` or more counts as satisfied. */
  | { kind: 'points'; satisfiedFrom: number }

export const EVALUATION_COMPONENTS = ['satisfaction', 'admission', 'burden', 'funding'] as const
export type EvaluationComponent = (typeof EVALUATION_COMPONENTS)[number]

export interface EvaluationParameters {
  /** How often a city or district runs a round. */
  period: 'year' | 'half-year'
  /** Working days from the start of rating to the last day ratings are taken. */
  ratingWorkingDays: number
  scale: EvaluationScale
  /** The share of ratings that must be satisfied (0–1). */
  satisfactionTarget: number
  /** Each component's weight in the total (the total divides by their sum). */
  weights: Record<EvaluationComponent, number>
  /** Points a component loses per confirmed burden report, and per unfunded task. */
  penalties: { confirmedBurdenReport: number; unfundedTask: number }
  basis: Record<'period' | 'ratingWorkingDays' | 'scale' | 'satisfactionTarget' | 'weights' | 'penalties', ParameterBasis>
}

export interface PolicyPack {
  id: string
  version: string
  name: Bilingual
  parameters: PolicyParameters
  sectors: Sector[]
  levels: Record<TargetLevel, LevelCatalogs>
  /** Families of excluded words (LegacyLexiconEntry in packs stored before 2026.3). */
  lexicon: ReadonlyArray<LexiconFamily | LegacyLexiconEntry>
  /** How sentences use the words; packs stored before 2026.3 have none and are read with the default pack's. */
  cues?: LexiconCues
  /** Statutory holidays and make-up working days: deadlines count working days. */
  calendar: WorkingCalendar
  /**
   * The documents the pack cites. A city pack lists its own; an id it does not list is looked
   * up in the built-in table (src/policy/sources.ts), which also answers for packs stored
   * before packs had sources.
   */
  sources?: Source[]
  /** A rule's citations as this pack has them, replacing the built-in ones of that rule. */
  ruleCitations?: Partial<Record<RuleCode, SourceRef[]>>
}
