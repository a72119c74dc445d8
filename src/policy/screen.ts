import { countWorkingDays, type WorkingCalendar } from '../calendar/working-days.js'
import { DEFAULT_CUES } from './default-pack/lexicon.js'
import { fold, foldTerm } from './fold.js'
import { scanText, spans, type TextHit } from './lexicon.js'
import { RULES } from './rules.js'
import {
  RULE_CODES,
  VERDICT_SEVERITY,
  type Bilingual,
  type CatalogItem,
  type CertificateItem,
  type Evidence,
  type ExcludedCategory,
  type Finding,
  type FundingStandard,
  type LevelCatalogs,
  type NegativeItem,
  type PolicyPack,
  type PolicyRef,
  type RuleCode,
  type TargetLevel,
  type Screening,
  type Submitter,
  type TaskDeclaration,
  type TaskKind,
  type Verdict
} from './types.js'
import { citationsOf } from './citations.js'

/** A declared kind that is itself an excluded category. */
const EXCLUDED_KINDS: Partial<Record<TaskKind, ExcludedCategory>> = {
  economic: 'economic_target',
  enforcement: 'not_responsible_subject',
  assessment: 'separate_assessment',
  organization: 'organization_or_plaque'
}

/** What a list item is, unless it says otherwise: service work. A data collection or inspection must be listed as such. */
const DEFAULT_ITEM_KINDS: readonly TaskKind[] = ['service', 'other']

/** An item about a population also covers collecting its data: registering, surveying, updating (流动人口登记 under the floating-population item). */
const POPULATION_ITEM_KINDS: readonly TaskKind[] = ['service', 'data_collection', 'other']

const itemKinds = (item: CatalogItem): readonly TaskKind[] =>
  item.kinds ?? (item.population !== undefined ? POPULATION_ITEM_KINDS : DEFAULT_ITEM_KINDS)
const fitsKind = (item: CatalogItem, kind: TaskKind): boolean => itemKinds(item).includes(kind)

const REJECTING_CATEGORIES = [
  'economic_target',
  'not_responsible_subject',
  'separate_assessment',
  'organization_or_plaque'
] as const satisfies readonly ExcludedCategory[]

const CATEGORY_NAMES: Record<ExcludedCategory, Bilingual> = {
  economic_target: { zh: '经济指标', en: 'economic targets' },
  unverifiable_certificate: { zh: '开具证明', en: 'certificates' },
  not_responsible_subject: { zh: '执法、拆违、整治等责任主体', en: 'enforcement or remediation responsibility' },
  separate_assessment: { zh: '考核评比、创建达标', en: 'assessments, rankings or campaigns' },
  organization_or_plaque: { zh: '设机构、挂牌子', en: 'bodies or plaques' },
  ledger_or_stamp: { zh: '台账、报表、盖章', en: 'ledgers, forms or stamping' }
}

type Claim =
  | { list: 'lawful_duties' | 'assisted_tasks'; item: CatalogItem }
  | { list: 'negative'; item: NegativeItem }
  | null

/** A level's lists indexed for the look-ups every screening makes. */
interface CatalogIndex {
  /** By code, the claim the first item with that code makes: lawful duties, then assisted tasks, then the negative list. */
  claims: Map<string, Exclude<Claim, null>>
  /** By approved title, the assisted items carrying it, in list order. */
  byTitle: Map<string, CatalogItem[]>
}

// Published packs never change (a change is a new version, a new object), so an index built once per catalogs object stays true.
const catalogIndexes = new WeakMap<LevelCatalogs, CatalogIndex>()

function catalogIndex(catalogs: LevelCatalogs): CatalogIndex {
  let index = catalogIndexes.get(catalogs)
  if (index !== undefined) return index
  // Set in reverse of the order findClaim once searched, so the first item with a code is the one left standing.
  const claims = new Map<string, Exclude<Claim, null>>()
  for (const item of catalogs.negative.slice().reverse()) claims.set(item.code, { list: 'negative', item })
  for (const item of catalogs.assisted_tasks.slice().reverse()) claims.set(item.code, { list: 'assisted_tasks', item })
  for (const item of catalogs.lawful_duties.slice().reverse()) claims.set(item.code, { list: 'lawful_duties', item })
  const byTitle = new Map<string, CatalogItem[]>()
  for (const item of catalogs.assisted_tasks) {
    for (const title of item.titles ?? []) byTitle.set(title, [...(byTitle.get(title) ?? []), item])
  }
  catalogIndexes.set(catalogs, (index = { claims, byTitle }))
  return index
}

function findClaim(catalogs: LevelCatalogs, task: TaskDeclaration, submitter: Submitter): Claim {
  const code = task.catalogItem
  const index = catalogIndex(catalogs)
  if (code === null) {
    // A task identical to one a leading group approved into a list is that list item, for
    // the departments of that group's jurisdiction and sector, and work of the same kind.
    const approved = index.byTitle
      .get(task.title)
      ?.find((i) => i.jurisdiction === submitter.jurisdiction && i.sector === submitter.sector && fitsKind(i, task.kind))
    return approved ? { list: 'assisted_tasks', item: approved } : null
  }
  return index.claims.get(code) ?? null
}

// Every screening of a day asks for the same date, and the calendar walk is most of what is left to a screening once the text scan is cheap.
// The count stops where the calendar does: a start inside it that comes before the first day
// the calendar does not cover is too early whatever the days after it are (its years are consecutive).
type EarliestStart = ReturnType<typeof countWorkingDays>
const earliestStarts = new WeakMap<WorkingCalendar, { from: string; n: number; earliest: EarliestStart }>()

function earliestStartOf(calendar: WorkingCalendar, from: string, n: number): EarliestStart {
  const last = earliestStarts.get(calendar)
  if (last !== undefined && last.from === from && last.n === n) return last.earliest
  const earliest = countWorkingDays(calendar, from, n)
  earliestStarts.set(calendar, { from, n, earliest })
  return earliest
}

const textEvidence = (hits: TextHit[]): Evidence[] =>
  hits.map((h) => ({ field: h.field, match: h.match, start: h.start, end: h.end }))

const quote = (hits: TextHit[]): string => [...new Set(hits.map((h) => h.match))].join('、')

/** Every free text a department writes is read: a quota can hide in a certificate name or a funding source. */
function declaredTexts(task: TaskDeclaration): Record<string, string> {
  const texts: Record<string, string> = { title: task.title, description: task.description }
  if (task.certificate !== null) texts['certificate.name'] = task.certificate.name
  task.legalBasis.forEach((b, i) => {
    texts[`legalBasis[${i}].title`] = b.title
    if (b.article !== undefined) texts[`legalBasis[${i}].article`] = b.article
  })
  if (task.funding !== null) texts['funding.source'] = task.funding.source
  return texts
}

/**
 * A banned certificate named in the text (无犯罪…证明, 收入证明): its keyword closely
 * followed by 证明. The keywords alone are everyday words (就业, 出生), so the 证明 must be there.
 */
function bannedCertificatesInText(catalogs: LevelCatalogs, texts: Record<string, string>, declared: string): Evidence[] {
  // The declared certificate was judged on its own name; the text may well talk about it.
  const banned = catalogs.negative.filter((i) => i.rule === 'unverifiable_certificate' && !i.keywords.some((k) => declared.includes(k)))
  const all: Evidence[] = []
  for (const field of Object.keys(texts)) {
    const raw = texts[field]!
    // Every pattern below ends in 证明: a text without it (most) has nothing to find.
    if (!raw.includes('证明') && !raw.includes('證明')) continue
    const { text, from, to } = fold(raw)
    const found: Array<Evidence & { start: number }> = []
    for (const item of banned) {
      for (const k of item.keywords) {
        for (const [s, e] of spans(text, `${k}…证明`, 4)) {
          if ((item.exceptions ?? []).some((x) => text.slice(s, e + 8).includes(x))) continue
          const start = from[s]!
          const end = to[e - 1]!
          found.push({ field, match: raw.slice(start, end), start, end })
        }
      }
    }
    all.push(...found.sort((a, b) => a.start - b.start))
  }
  return all
}

/**
 * A certificate task is judged on the certificate it declares; its text may well talk about
 * that certificate (社区…出具亲属关系证明 in a notice about the notarisation exception).
 */
function withoutDeclaredCertificate(hits: TextHit[], task: TaskDeclaration, catalogs: LevelCatalogs): TextHit[] {
  if (task.certificate === null) return hits
  const name = task.certificate.name
  const declared = catalogs.negative.flatMap((i) => (i.rule === 'unverifiable_certificate' ? i.keywords.filter((k) => name.includes(k)) : []))
  if (declared.length === 0) return hits
  return hits.filter((h) => h.category !== 'unverifiable_certificate' || !declared.some((k) => fold(h.match).text.includes(foldTerm(k))))
}

/** What the lexicon reads in a task's texts, as screenTask judges them (its own certificate not held against it). */
export function textHits(pack: PolicyPack, task: TaskDeclaration, texts: Record<string, string>): TextHit[] {
  const catalogs = pack.levels[task.targetLevel]
  return withoutDeclaredCertificate(scanText(pack.lexicon, pack.cues ?? DEFAULT_CUES, catalogs.negative, texts), task, catalogs)
}

/** Committed funding above zero: what 费随事转 asks of every assisted or new item, standard or none. */
const fundingIsCommitted = (task: TaskDeclaration): boolean => task.funding !== null && task.funding.committed && task.funding.perTarget > 0

const PER: Record<FundingStandard['per'], Bilingual> = {
  target: { zh: '每个对象', en: 'per target' },
  household: { zh: '每户', en: 'per household' },
  unit: { zh: '每个工作单元', en: 'per unit of work' }
}

/**
 * Why the declared funding falls short, or null: none committed, or less than a standard the
 * pack sets (the item's own, or the pack's hourly cost of community work), each named with its source.
 */
function fundingShortfall(task: TaskDeclaration, item: CatalogItem | null, pack: PolicyPack): Bilingual | null {
  // A pack stored before 2026.3 gave its items a bare minimum: its decisions re-explain in the words they were made in.
  const legacyMinimum = item !== null && item.fundingStandard === undefined ? item.fundingMinimum : undefined
  if (legacyMinimum !== undefined && !(fundingIsCommitted(task) && task.funding!.perTarget >= legacyMinimum)) {
    return {
      zh: `协助政府工作事项“${item!.name}”须落实经费(每个对象不少于${legacyMinimum}元)`,
      en: `assisted item "${item!.name}" needs committed funding (at least ${legacyMinimum} yuan per target)`
    }
  }
  if (!fundingIsCommitted(task)) {
    return item === null
      ? { zh: '新增事项未落实经费', en: 'a new item comes without committed funding' }
      : { zh: `协助政府工作事项“${item.name}”须落实经费(已承诺且每个对象大于零)`, en: `assisted item "${item.name}" needs committed funding above zero` }
  }
  const what: Bilingual = item === null ? { zh: '新增事项', en: 'a new item' } : { zh: `协助政府工作事项“${item.name}”`, en: `assisted item "${item.name}"` }
  const perTarget = task.funding!.perTarget
  const standard = item?.fundingStandard
  if (standard !== undefined) {
    const per = PER[standard.per]
    const unit = standard.per === 'unit' && standard.unit !== undefined ? { zh: `每${standard.unit}`, en: `per ${standard.unit}` } : per
    const units = standard.per === 'target' ? 1 : task.funding!.units
    if (units === undefined) {
      return {
        zh: `${what.zh}的经费标准为${unit.zh}${standard.yuan}元(${standard.source}),须申报每个对象的户数或工作量(funding.units)`,
        en: `${what.en} is funded at ${standard.yuan} yuan ${unit.en} (${standard.source}): declare the households or units per target (funding.units)`
      }
    }
    const needed = standard.yuan * units
    if (perTarget < needed) {
      return {
        zh: `${what.zh}的经费标准为${unit.zh}${standard.yuan}元(${standard.source}),每个对象应不少于${needed}元,申报${perTarget}元`,
        en: `${what.en} is funded at ${standard.yuan} yuan ${unit.en} (${standard.source}): at least ${needed} yuan per target, ${perTarget} declared`
      }
    }
  }
  const hourly = pack.parameters.communityHourlyCost
  if (hourly !== undefined && perTarget < task.workloadHours * hourly.yuan) {
    const needed = task.workloadHours * hourly.yuan
    return {
      zh: `社区工作每小时成本${hourly.yuan}元(${hourly.source}),${task.workloadHours}小时的工作量每个对象应不少于${needed}元,申报${perTarget}元`,
      en: `community work costs ${hourly.yuan} yuan an hour (${hourly.source}): ${task.workloadHours} hours need at least ${needed} yuan per target, ${perTarget} declared`
    }
  }
  return null
}

function findingOf(pack: PolicyPack, rule: RuleCode, detail: Bilingual, evidence: Evidence[], catalogRef: Finding['catalogRef'] = null): Finding {
  const def = RULES[rule]
  return {
    rule,
    verdict: def.verdict,
    message: { zh: `${def.title.zh}:${detail.zh}`, en: `${def.title.en}: ${detail.en}` },
    evidence,
    citations: citationsOf(pack, rule),
    catalogRef
  }
}

const saidInText = (hits: TextHit[]): Bilingual => ({ zh: `文字中出现“${quote(hits)}”`, en: `the text says "${quote(hits)}"` })

/**
 * The rejecting findings free texts carry on their own, outside a task's declaration (a
 * contract's payment schedule, its deliverables): each excluded category a text assigns.
 */
export function excludedInText(pack: PolicyPack, level: TargetLevel, texts: Record<string, string>): Finding[] {
  const hits = scanText(pack.lexicon, pack.cues ?? DEFAULT_CUES, pack.levels[level].negative, texts).filter((h) => h.strength === 'strong')
  return RULE_CODES.flatMap((rule) => {
    const found = hits.filter((h) => h.category === rule)
    return found.length > 0 && RULES[rule].verdict === 'reject' ? [findingOf(pack, rule, saidInText(found), textEvidence(found))] : []
  })
}

/**
 * Screens a task against a policy pack. Pure and deterministic: the same task,
 * submitter and pack always give the same findings in the same order, so a
 * decision can be re-explained from the stored pack alone.
 */
export function screenTask(task: TaskDeclaration, submitter: Submitter, pack: PolicyPack, policy: PolicyRef): Screening {
  const catalogs = pack.levels[task.targetLevel]
  const texts = declaredTexts(task)
  const hits = textHits(pack, task, texts)
  const strongHits = (c: ExcludedCategory) => hits.filter((h) => h.category === c && h.strength === 'strong')
  const weakHits = (c: ExcludedCategory) => hits.filter((h) => h.category === c && h.strength === 'weak')
  const claim = findClaim(catalogs, task, submitter)
  const findings = new Map<RuleCode, Finding>()
  const fire = (rule: RuleCode, detail: Bilingual, evidence: Evidence[], catalogRef: Finding['catalogRef'] = null): void => {
    findings.set(rule, findingOf(pack, rule, detail, evidence, catalogRef))
  }

  // The four rejecting categories: declared kind, a claimed negative-list item, or an unambiguous phrase.
  for (const category of REJECTING_CATEGORIES) {
    const evidence: Evidence[] = []
    const parts: Bilingual[] = []
    if (EXCLUDED_KINDS[task.kind] === category) {
      evidence.push({ field: 'kind', value: task.kind })
      parts.push({ zh: `任务类型申报为“${task.kind}”`, en: `the task is declared as kind "${task.kind}"` })
    }
    let ref: Finding['catalogRef'] = null
    if (claim?.list === 'negative' && claim.item.rule === category) {
      evidence.push({ field: 'catalogItem', value: claim.item.code })
      parts.push({ zh: `所报事项“${claim.item.name}”在负面清单上`, en: `the claimed item "${claim.item.name}" is on the negative list` })
      ref = { list: 'negative', code: claim.item.code, name: claim.item.name }
    }
    const strong = strongHits(category)
    if (strong.length > 0) {
      evidence.push(...textEvidence(strong))
      parts.push(saidInText(strong))
    }
    if (evidence.length > 0) {
      fire(category, joinParts(parts), evidence, ref)
    }
  }

  let certificateMatch: CertificateItem | null = null
  // A certificate kind always names its certificate: checkDeclarationShape refuses one that does not.
  if (task.certificate !== null) {
    const name = task.certificate.name
    const prohibited = catalogs.negative.find(
      (i) =>
        i.rule === 'unverifiable_certificate' &&
        i.keywords.some((k) => name.includes(k)) &&
        !(i.exceptions ?? []).some((e) => name.includes(e))
    )
    certificateMatch = catalogs.certificates.find((c) => c.keywords.every((k) => name.includes(k))) ?? null
    if (prohibited) {
      certificateMatch = null
      fire(
        'unverifiable_certificate',
        { zh: `“${name}”属于社区不得出具的证明(${prohibited.name})`, en: `"${name}" is a certificate communities must not issue (${prohibited.name})` },
        [{ field: 'certificate.name', value: name }],
        { list: 'negative', code: prohibited.code, name: prohibited.name }
      )
    } else if (certificateMatch === null) {
      fire(
        'unverifiable_certificate',
        { zh: `“${name}”不在社区可出具证明清单上`, en: `"${name}" is not on the list of certificates a community may issue` },
        [{ field: 'certificate.name', value: name }]
      )
    }
  }
  // In a certificate task, any banned certificate its text mentions is one it would issue.
  const bannedInText = task.certificate !== null ? bannedCertificatesInText(catalogs, texts, task.certificate.name) : []
  const certificateHits = strongHits('unverifiable_certificate')
  // The lexicon's reading of a banned certificate (with its verb) and the certificate rule's own find the same words once.
  const alsoRead = (e: Evidence) => certificateHits.some((h) => h.field === e.field && h.start < e.end! && e.start! < h.end)
  const certificateText = [...textEvidence(certificateHits), ...bannedInText.filter((e) => !alsoRead(e))]
  if (certificateText.length > 0 && !findings.has('unverifiable_certificate')) {
    const said = [...new Set(certificateText.map((e) => e.match))].join('、')
    fire('unverifiable_certificate', { zh: `文字中出现“${said}”`, en: `the text says "${said}"` }, certificateText)
  }

  const rejected = [...findings.values()].some((f) => f.verdict === 'reject')

  // What is left only matters for a task that could still be admitted.
  if (!rejected) {
    const sectorMatches = (item: CatalogItem) => submitter.sector !== null && item.sector === submitter.sector
    const kindMatches = (item: CatalogItem) => fitsKind(item, task.kind)
    let onList = false
    // A listed certificate admits a certificate task, nothing else: it is no licence for other work.
    if (certificateMatch !== null && task.kind === 'certificate' && claim === null) {
      onList = true
      fire(
        'catalog_match',
        { zh: `“${certificateMatch.name}”在社区可出具证明清单上(依据:${certificateMatch.legalBasis})`, en: `"${certificateMatch.name}" is on the certificates list (basis: ${certificateMatch.legalBasis})` },
        [{ field: 'certificate.name', value: task.certificate?.name }],
        { list: 'certificates', code: certificateMatch.code, name: certificateMatch.name }
      )
    } else if (claim !== null && claim.list !== 'negative' && sectorMatches(claim.item) && kindMatches(claim.item)) {
      onList = true
      const ref = { list: claim.list, code: claim.item.code, name: claim.item.name }
      const shortfall = claim.item.fundingRequired ? fundingShortfall(task, claim.item, pack) : null
      if (shortfall !== null) {
        fire('funding_required', shortfall, [{ field: 'funding', value: task.funding }], ref)
      } else {
        fire(
          'catalog_match',
          {
            zh: `属于${claim.list === 'lawful_duties' ? '依法履行职责事项' : '协助政府工作事项'}“${claim.item.name}”`,
            en: `an item of ${claim.list}: "${claim.item.name}"`
          },
          task.catalogItem === null ? [{ field: 'title', value: task.title }] : [{ field: 'catalogItem', value: claim.item.code }],
          ref
        )
      }
    }

    if (!onList) {
      const why: Bilingual =
        claim !== null && claim.list !== 'negative' && sectorMatches(claim.item)
          ? {
              zh: `所报事项“${claim.item.name}”不是“${task.kind}”类工作`,
              en: `the claimed item "${claim.item.name}" is ${itemKinds(claim.item).join(' or ')} work, not "${task.kind}"`
            }
          : claim !== null && claim.list !== 'negative'
          ? {
              zh: `所报事项“${claim.item.name}”属于${claim.item.responsibleDepartment}(${claim.item.sector}),不能由本部门认领`,
              en: `the claimed item "${claim.item.name}" belongs to sector "${claim.item.sector}", not to the submitting department`
            }
          : task.catalogItem !== null && claim === null
            ? { zh: `清单中没有编号“${task.catalogItem}”`, en: `no list has an item "${task.catalogItem}"` }
            : { zh: '未对应任何清单事项', en: 'the task claims no list item' }
      fire('not_in_catalog', why, [{ field: 'catalogItem', value: task.catalogItem }])
      if (task.legalBasis.length === 0) {
        fire('legal_basis_required', { zh: '未提供法律或政策依据', en: 'no legal or policy basis was given' }, [
          { field: 'legalBasis', value: task.legalBasis }
        ])
      }
      const shortfall = fundingShortfall(task, null, pack)
      if (shortfall !== null) fire('funding_required', shortfall, [{ field: 'funding', value: task.funding }])
    }

    // Beijing Xicheng practice: apply at least N working days before the task starts.
    const earliestStart = earliestStartOf(pack.calendar, submitter.submittedOn, pack.parameters.applicationLeadWorkingDays)
    if (task.period.start < earliestStart.date) {
      const n = pack.parameters.applicationLeadWorkingDays
      fire(
        'application_lead_time',
        earliestStart.covered
          ? {
              zh: `提交于${submitter.submittedOn},任务最早应于${earliestStart.date}开始(提前${n}个工作日申请)`,
              en: `submitted on ${submitter.submittedOn}, the task may start on ${earliestStart.date} at the earliest (${n} working days' notice)`
            }
          : {
              zh: `提交于${submitter.submittedOn},提前${n}个工作日申请,任务最早也只能在${earliestStart.date}或之后开始(政策包的工作日历至此为止)`,
              en: `submitted on ${submitter.submittedOn}, with ${n} working days' notice the task may start on ${earliestStart.date} (where the pack's working-day calendar ends) or later`
            },
        [{ field: 'period.start', value: task.period.start }]
      )
    }

    const authorityEvidence = authorityShortfall(task, onList)
    if (authorityEvidence !== null) fire('authority_required', authorityEvidence.detail, authorityEvidence.evidence)

    const ledger: Evidence[] = []
    if (task.kind === 'data_collection' && !onList) ledger.push({ field: 'kind', value: task.kind })
    if (claim?.list === 'negative' && claim.item.rule === 'ledger_or_stamp') ledger.push({ field: 'catalogItem', value: claim.item.code })
    const ledgerText = strongHits('ledger_or_stamp')
    ledger.push(...textEvidence(ledgerText))
    if (ledger.length > 0) {
      fire(
        'ledger_or_stamp',
        ledgerText.length > 0
          ? { zh: `文字中出现“${quote(ledgerText)}”,须人工审查`, en: `the text says "${quote(ledgerText)}"; a reviewer must look` }
          : { zh: '清单外的数据采集任务,须人工审查', en: 'a data collection on no list; a reviewer must look' },
        ledger
      )
    }
  }

  // Weak words never decide; where the category's own rule stayed quiet they ask a human to look.
  // Words that only confirm what was declared (a certificate task that says 出具) are not suspicious.
  const declared = new Set<ExcludedCategory>()
  if (task.kind === 'certificate' || task.certificate !== null) declared.add('unverifiable_certificate')
  if (task.kind === 'data_collection') declared.add('ledger_or_stamp')
  const suspicious = (Object.keys(CATEGORY_NAMES) as ExcludedCategory[]).filter(
    (c) => !findings.has(c) && !declared.has(c) && weakHits(c).length > 0
  )
  if (suspicious.length > 0) {
    const suspectHits = suspicious.flatMap(weakHits)
    fire(
      'suspected_misdeclaration',
      {
        zh: `文字中出现“${quote(suspectHits)}”,疑似涉及${suspicious.map((c) => CATEGORY_NAMES[c].zh).join('、')}`,
        en: `the text says "${quote(suspectHits)}", which suggests ${suspicious.map((c) => CATEGORY_NAMES[c].en).join(', ')}`
      },
      textEvidence(suspectHits)
    )
  }

  const ordered = RULE_CODES.filter((c) => findings.has(c)).map((c) => findings.get(c)!)
  return { outcome: mostSevere(ordered.map((f) => f.verdict)), findings: ordered, policy }
}

function authorityShortfall(task: TaskDeclaration, onList: boolean): { detail: Bilingual; evidence: Evidence[] } | null {
  const evidence: Evidence[] = [{ field: 'authority', value: task.authority }]
  if (task.authority !== null && task.authority.required && !task.authority.provided) {
    return { detail: { zh: '所需权限或人员未随任务下放', en: 'the powers or staff the work needs are not handed down' }, evidence }
  }
  // 青岛市南区 赋权减负: a new street item comes with people, money and materials together.
  if (task.targetLevel === 'street' && !onList && !(task.authority?.provided ?? false)) {
    return { detail: { zh: '街道新增事项须人财物同步下放', en: 'a new street item must come with staff, money and materials' }, evidence }
  }
  if (task.kind === 'inspection' && task.authority === null) {
    return { detail: { zh: '检查类任务须说明所需权限及是否下放', en: 'an inspection must declare the powers it needs and whether they are handed down' }, evidence }
  }
  return null
}

function joinParts(parts: Bilingual[]): Bilingual {
  return { zh: parts.map((p) => p.zh).join(';'), en: parts.map((p) => p.en).join('; ') }
}

export function mostSevere(verdicts: Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((worst, v) => (VERDICT_SEVERITY[v] > VERDICT_SEVERITY[worst] ? v : worst), 'admit')
}
