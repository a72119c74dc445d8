// In-process screening: the gate's own screenTask against json-rules-engine evaluating the
// same rules, and against bpmn-engine running the equivalent flow, on the same tasks.
//
// json-rules-engine gets the best case we could give it: one engine built once, flat facts
// (no JSONPath), the lexicon scan done once per task as a fact (its conditions cannot match
// gapped terms with innocent phrases, so the scan is the same code the gate runs), and named
// conditions shared between rules. The facts are derived per task inside the timed loop,
// because screenTask derives them inside its own; the engine-only figure (facts prepared
// beforehand) is reported as well.
//
// bpmn-engine runs start → service task "screen" (calls screenTask) → exclusive gateway on
// the outcome → one of four end events, one engine per task, from a definition parsed and
// serialized once.

import * as Elements from 'bpmn-elements'
import { Engine as BpmnEngine } from 'bpmn-engine'
import BpmnModdle from 'bpmn-moddle'
import { Engine as RulesEngine, type NestedCondition, type TopLevelCondition } from 'json-rules-engine'
import serializer, { TypeResolver, type SerializableContext } from 'moddle-context-serializer'
import { addWorkingDays } from '../src/calendar/working-days.js'
import { fold } from '../src/policy/fold.js'
import { spans } from '../src/policy/lexicon.js'
import { DEFAULT_PACK, packRef } from '../src/policy/pack.js'
import { mostSevere, screenTask, textHits } from '../src/policy/screen.js'
import {
  EXCLUDED_CATEGORIES,
  type CatalogItem,
  type ExcludedCategory,
  type LevelCatalogs,
  type NegativeItem,
  type PolicyPack,
  type Submitter,
  type TaskDeclaration,
  type TaskKind,
  type Verdict
} from '../src/policy/types.js'
import { round } from './lib/proc.js'
import type { ScreeningCase } from './tasks.js'

const KIND_CATEGORY: Array<[ExcludedCategory, TaskKind]> = [
  ['economic_target', 'economic'],
  ['not_responsible_subject', 'enforcement'],
  ['separate_assessment', 'assessment'],
  ['organization_or_plaque', 'organization']
]

// ───────────── facts for json-rules-engine (the same look-ups screenTask makes) ─────────────

type Claim = { list: 'lawful_duties' | 'assisted_tasks'; item: CatalogItem } | { list: 'negative'; item: NegativeItem } | null

const itemKinds = (item: CatalogItem): readonly TaskKind[] => item.kinds ?? (item.population !== undefined ? ['service', 'data_collection', 'other'] : ['service', 'other'])

function findClaim(catalogs: LevelCatalogs, task: TaskDeclaration, submitter: Submitter): Claim {
  const code = task.catalogItem
  if (code === null) {
    const approved = catalogs.assisted_tasks.find(
      (i) => i.titles?.includes(task.title) && i.jurisdiction === submitter.jurisdiction && i.sector === submitter.sector && itemKinds(i).includes(task.kind)
    )
    return approved ? { list: 'assisted_tasks', item: approved } : null
  }
  const lawful = catalogs.lawful_duties.find((i) => i.code === code)
  if (lawful) return { list: 'lawful_duties', item: lawful }
  const assisted = catalogs.assisted_tasks.find((i) => i.code === code)
  if (assisted) return { list: 'assisted_tasks', item: assisted }
  const negative = catalogs.negative.find((i) => i.code === code)
  return negative ? { list: 'negative', item: negative } : null
}

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

const committed = (task: TaskDeclaration) => task.funding !== null && task.funding.committed && task.funding.perTarget > 0

/** Funding that meets the item's standard (where the pack sets one) and the pack's hourly cost (where it sets one). */
function meetsStandards(task: TaskDeclaration, item: CatalogItem | null, pack: PolicyPack): boolean {
  if (!committed(task)) return false
  const standard = item?.fundingStandard ?? (item?.fundingMinimum !== undefined ? { yuan: item.fundingMinimum, per: 'target' as const } : null)
  const units = standard === null || standard.per === 'target' ? 1 : task.funding!.units
  if (standard !== null && (units === undefined || task.funding!.perTarget < standard.yuan * units)) return false
  const hourly = pack.parameters.communityHourlyCost
  return hourly === undefined || task.funding!.perTarget >= task.workloadHours * hourly.yuan
}

function bannedCertificateInText(catalogs: LevelCatalogs, texts: Record<string, string>, declared: string): boolean {
  return Object.values(texts).some((raw) => {
    const { text } = fold(raw)
    return catalogs.negative
      .filter((i) => i.rule === 'unverifiable_certificate' && !i.keywords.some((k) => declared.includes(k)))
      .some((item) =>
        item.keywords.some((k) => spans(text, `${k}…证明`, 4).some(([s, e]) => !(item.exceptions ?? []).some((x) => text.slice(s, e + 8).includes(x))))
      )
  })
}

export function deriveFacts(task: TaskDeclaration, submitter: Submitter, pack: PolicyPack): Record<string, unknown> {
  const catalogs = pack.levels[task.targetLevel]
  const texts = declaredTexts(task)
  const hits = textHits(pack, task, texts)
  const claim = findClaim(catalogs, task, submitter)
  const listed = claim !== null && claim.list !== 'negative' ? claim.item : null
  const certName = task.certificate?.name ?? null
  const facts: Record<string, unknown> = {
    kind: task.kind,
    targetLevel: task.targetLevel,
    claimList: claim?.list ?? 'none',
    claimRule: claim?.list === 'negative' ? claim.item.rule : 'none',
    claimSectorMatches: listed !== null && submitter.sector !== null && listed.sector === submitter.sector,
    claimKindMatches: listed !== null && itemKinds(listed).includes(task.kind),
    claimFundingRequired: listed?.fundingRequired ?? false,
    fundingCommittedForClaim: meetsStandards(task, listed, pack),
    fundingCommitted: meetsStandards(task, null, pack),
    legalBasisCount: task.legalBasis.length,
    certificateDeclared: certName !== null,
    certificateProhibited:
      certName !== null &&
      catalogs.negative.some(
        (i) => i.rule === 'unverifiable_certificate' && i.keywords.some((k) => certName.includes(k)) && !(i.exceptions ?? []).some((e) => certName.includes(e))
      ),
    certificateListed: certName !== null && catalogs.certificates.some((c) => c.keywords.every((k) => certName.includes(k))),
    certificateBannedInText: certName !== null && bannedCertificateInText(catalogs, texts, certName),
    authorityDeclared: task.authority !== null,
    authorityRequired: task.authority?.required ?? false,
    authorityProvided: task.authority?.provided ?? false,
    periodStart: task.period.start,
    earliestStart: addWorkingDays(pack.calendar, submitter.submittedOn, pack.parameters.applicationLeadWorkingDays)
  }
  for (const c of EXCLUDED_CATEGORIES) {
    facts[`strong_${c}`] = hits.some((h) => h.category === c && h.strength === 'strong')
    facts[`weak_${c}`] = hits.some((h) => h.category === c && h.strength === 'weak')
  }
  return facts
}

// ───────────── the rules, as json-rules-engine conditions ─────────────

const is = (fact: string, value: unknown): NestedCondition => ({ fact, operator: 'equal', value })
const ref = (name: string): NestedCondition => ({ condition: name })
const not = (c: NestedCondition): NestedCondition => ({ not: c })

export function buildRulesEngine(): RulesEngine {
  const engine = new RulesEngine([], { allowUndefinedFacts: false })
  engine.addOperator<string, string>('before', (a, b) => a < b)
  engine.setCondition('onListCatalog', {
    all: [{ fact: 'claimList', operator: 'in', value: ['lawful_duties', 'assisted_tasks'] }, is('claimSectorMatches', true), is('claimKindMatches', true)]
  })
  engine.setCondition('onListCertificate', {
    all: [is('certificateListed', true), is('certificateProhibited', false), is('kind', 'certificate'), is('claimList', 'none')]
  })
  engine.setCondition('onList', { any: [ref('onListCertificate'), ref('onListCatalog')] })
  // The four rejecting categories: declared kind, a claimed negative-list item, or a strong phrase.
  for (const [category, kind] of KIND_CATEGORY) {
    engine.setCondition(`hit_${category}`, {
      any: [is('kind', kind), { all: [is('claimList', 'negative'), is('claimRule', category)] }, is(`strong_${category}`, true)]
    })
  }
  engine.setCondition('hit_unverifiable_certificate', {
    any: [
      { all: [is('certificateDeclared', true), { any: [is('certificateProhibited', true), is('certificateListed', false)] }] },
      is('strong_unverifiable_certificate', true),
      is('certificateBannedInText', true)
    ]
  })
  engine.setCondition('rejected', {
    any: [...KIND_CATEGORY.map(([c]) => ref(`hit_${c}`)), ref('hit_unverifiable_certificate')]
  })
  engine.setCondition('ledger', {
    any: [
      { all: [is('kind', 'data_collection'), not(ref('onList'))] },
      { all: [is('claimList', 'negative'), is('claimRule', 'ledger_or_stamp')] },
      is('strong_ledger_or_stamp', true)
    ]
  })
  engine.setCondition('hit_ledger_or_stamp', { all: [not(ref('rejected')), ref('ledger')] })

  const rule = (name: string, verdict: Verdict, conditions: TopLevelCondition) =>
    engine.addRule({ name, conditions, event: { type: name.replace(/:.*/, ''), params: { verdict } } })
  for (const [category] of KIND_CATEGORY) rule(category, 'reject', { all: [ref(`hit_${category}`)] })
  rule('unverifiable_certificate', 'reject', { all: [ref('hit_unverifiable_certificate')] })
  rule('catalog_match', 'admit', {
    all: [
      not(ref('rejected')),
      {
        any: [
          ref('onListCertificate'),
          {
            all: [
              not(ref('onListCertificate')),
              ref('onListCatalog'),
              { any: [is('claimFundingRequired', false), is('fundingCommittedForClaim', true)] }
            ]
          }
        ]
      }
    ]
  })
  rule('funding_required:listed', 'return', {
    all: [not(ref('rejected')), not(ref('onListCertificate')), ref('onListCatalog'), is('claimFundingRequired', true), is('fundingCommittedForClaim', false)]
  })
  rule('not_in_catalog', 'escalate', { all: [not(ref('rejected')), not(ref('onList'))] })
  rule('legal_basis_required', 'return', { all: [not(ref('rejected')), not(ref('onList')), is('legalBasisCount', 0)] })
  rule('funding_required:new', 'return', { all: [not(ref('rejected')), not(ref('onList')), is('fundingCommitted', false)] })
  rule('application_lead_time', 'return', {
    all: [not(ref('rejected')), { fact: 'periodStart', operator: 'before', value: { fact: 'earliestStart' } }]
  })
  rule('authority_required', 'return', {
    all: [
      not(ref('rejected')),
      {
        any: [
          { all: [is('authorityRequired', true), is('authorityProvided', false)] },
          { all: [is('targetLevel', 'street'), not(ref('onList')), is('authorityProvided', false)] },
          { all: [is('kind', 'inspection'), is('authorityDeclared', false)] }
        ]
      }
    ]
  })
  rule('ledger_or_stamp', 'escalate', { all: [ref('hit_ledger_or_stamp')] })
  // Weak words where the category's own rule stayed quiet and the task did not declare that kind of work.
  const declared: Partial<Record<ExcludedCategory, NestedCondition>> = {
    unverifiable_certificate: { any: [is('kind', 'certificate'), is('certificateDeclared', true)] },
    ledger_or_stamp: is('kind', 'data_collection')
  }
  rule('suspected_misdeclaration', 'escalate', {
    any: EXCLUDED_CATEGORIES.map((c) => ({
      all: [is(`weak_${c}`, true), not(ref(`hit_${c}`)), ...(declared[c] ? [not(declared[c]!)] : [])]
    }))
  })
  return engine
}

async function rulesEngineScreen(engine: RulesEngine, facts: Record<string, unknown>): Promise<{ outcome: Verdict; rules: string[] }> {
  const { events } = await engine.run(facts)
  const verdicts = events.map((e) => e.params!.verdict as Verdict)
  return { outcome: mostSevere(verdicts), rules: [...new Set(events.map((e) => e.type))].sort() }
}

// ───────────── the equivalent BPMN flow ─────────────

const BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="admission" targetNamespace="http://zhunru.example/bench">
  <process id="screening" isExecutable="true">
    <startEvent id="received" />
    <sequenceFlow id="toScreen" sourceRef="received" targetRef="screen" />
    <serviceTask id="screen" name="Screen against the policy pack" implementation="\${environment.services.screen}" />
    <sequenceFlow id="toGateway" sourceRef="screen" targetRef="outcome" />
    <exclusiveGateway id="outcome" name="Outcome?" />
    <sequenceFlow id="toAdmitted" sourceRef="outcome" targetRef="admitted">
      <conditionExpression xsi:type="tFormalExpression">\${environment.services.outcomeIs(environment.output.outcome,'admit')}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="toReturned" sourceRef="outcome" targetRef="returned">
      <conditionExpression xsi:type="tFormalExpression">\${environment.services.outcomeIs(environment.output.outcome,'return')}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="toEscalated" sourceRef="outcome" targetRef="escalated">
      <conditionExpression xsi:type="tFormalExpression">\${environment.services.outcomeIs(environment.output.outcome,'escalate')}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="toRejected" sourceRef="outcome" targetRef="rejected">
      <conditionExpression xsi:type="tFormalExpression">\${environment.services.outcomeIs(environment.output.outcome,'reject')}</conditionExpression>
    </sequenceFlow>
    <endEvent id="admitted" />
    <endEvent id="returned" />
    <endEvent id="escalated" />
    <endEvent id="rejected" />
  </process>
</definitions>`

const END_OUTCOME: Record<string, Verdict> = { admitted: 'admit', returned: 'return', escalated: 'escalate', rejected: 'reject' }

async function bpmnSourceContext(): Promise<SerializableContext> {
  const moddle = await new BpmnModdle().fromXML(BPMN)
  return serializer(moddle as Parameters<typeof serializer>[0], TypeResolver(Elements))
}

const silentLogger = () => ({ debug() {}, error() {}, warn() {} })

async function bpmnScreen(sourceContext: SerializableContext, c: ScreeningCase, pack: PolicyPack, policy: ReturnType<typeof packRef>): Promise<Verdict> {
  let ended: string | null = null
  const engine = new BpmnEngine({
    name: 'screening',
    sourceContext,
    Logger: silentLogger,
    services: {
      screen(scope: { environment: { output: Record<string, unknown> } }, callback: (err: Error | null, outcome?: Verdict) => void) {
        const outcome = screenTask(c.task, c.submitter, pack, policy).outcome
        scope.environment.output.outcome = outcome
        callback(null, outcome)
      },
      outcomeIs: (outcome: string, wanted: string) => outcome === wanted
    },
    listener: {
      emit(name: string, api: { type: string; id: string }) {
        if (name === 'activity.end' && api.type === 'bpmn:EndEvent') ended = api.id
      }
    }
  })
  const done = engine.waitFor('end')
  await engine.execute()
  await done
  if (ended === null) throw new Error(`the BPMN flow reached no end event for "${c.name}"`)
  return END_OUTCOME[ended]!
}

// ───────────── timing ─────────────

export interface Throughput {
  opsPerSecond: number
  ops: number
  seconds: number
}

async function timeIt(seconds: number, warmupSeconds: number, step: () => unknown | Promise<unknown>, passLength: number): Promise<Throughput> {
  const runFor = async (s: number) => {
    let ops = 0
    const start = process.hrtime.bigint()
    const end = start + BigInt(Math.round(s * 1e9))
    let now = start
    while (now < end) {
      for (let i = 0; i < passLength; i++) {
        const r = step()
        if (r instanceof Promise) await r
      }
      ops += passLength
      now = process.hrtime.bigint()
    }
    const elapsed = Number(now - start) / 1e9
    return { ops, seconds: round(elapsed, 3), opsPerSecond: round(ops / elapsed, 0) }
  }
  if (warmupSeconds > 0) await runFor(warmupSeconds)
  return runFor(seconds)
}

export interface ScreeningResults {
  tasks: number
  submittedOn: string
  /** Where screenTask's time goes: two of its steps timed alone on the same tasks, in µs per task. */
  profileMicroseconds: { scanTextAllFields: number; addWorkingDays: number; screenTask: number }
  outcomes: Record<Verdict, number>
  expectedByFixtures: { agree: number; disagree: string[] }
  screenTask: Throughput
  jsonRulesEngine: Throughput & { agreeOutcome: number; agreeRules: number; disagreements: string[] }
  jsonRulesEngineOnly: Throughput
  bpmnEngine: Throughput & { agreeOutcome: number; disagreements: string[] }
  ratios: { screenTaskOverJsonRulesEngine: number; screenTaskOverJsonRulesEngineOnly: number; screenTaskOverBpmnEngine: number }
  /** screenTask on a 10,000-character description (fixture descriptions end to end, one hidden quota in the middle): each call timed alone. */
  longDescription: { characters: number; calls: number; p50Ms: number; p99Ms: number; maxMs: number; outcome: Verdict }
}

/** A long notice as departments write them: the fixtures' own descriptions one after another, with a quota hidden halfway. */
function longDescriptionCase(cases: ScreeningCase[], characters: number): ScreeningCase {
  const base = cases[0]!
  let text = ''
  for (let i = 0; text.length < characters; i++) {
    text += cases[i % cases.length]!.task.description
    if (text.length > characters / 2 && !text.includes('招商引资任务')) text += '另请各社区完成本年度招商引资任务500万元。'
  }
  return { ...base, task: { ...base.task, description: text.slice(0, characters) } }
}

function longDescriptionTimes(c: ScreeningCase, calls: number, pack: PolicyPack, policy: ReturnType<typeof packRef>): ScreeningResults['longDescription'] {
  const times: number[] = []
  let outcome: Verdict = 'admit'
  for (let i = 0; i < calls + 50; i++) {
    const start = process.hrtime.bigint()
    outcome = screenTask(c.task, c.submitter, pack, policy).outcome
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    if (i >= 50) times.push(ms)
  }
  times.sort((a, b) => a - b)
  const at = (q: number) => round(times[Math.min(times.length - 1, Math.floor(q * times.length))]!, 3)
  return { characters: c.task.description.length, calls, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: round(times.at(-1)!, 3), outcome }
}

export async function runScreeningBench(cases: ScreeningCase[], seconds: number, warmupSeconds: number, log: (s: string) => void): Promise<ScreeningResults> {
  const pack = DEFAULT_PACK
  const policy = packRef(pack)
  const engine = buildRulesEngine()
  const sourceContext = await bpmnSourceContext()

  // Equivalence first: the three must say the same thing, or the comparison means nothing.
  const outcomes: Record<Verdict, number> = { admit: 0, escalate: 0, return: 0, reject: 0 }
  const fixtureDisagree: string[] = []
  const jreDisagree: string[] = []
  const bpmnDisagree: string[] = []
  let jreOutcome = 0
  let jreRules = 0
  let bpmnOutcome = 0
  for (const c of cases) {
    const s = screenTask(c.task, c.submitter, pack, policy)
    outcomes[s.outcome]++
    if (s.outcome !== c.expected) fixtureDisagree.push(`${c.name}: fixture ${c.expected}, screenTask ${s.outcome}`)
    const j = await rulesEngineScreen(engine, deriveFacts(c.task, c.submitter, pack))
    const gateRules = [...new Set(s.findings.map((f) => f.rule))].sort()
    if (j.outcome === s.outcome) jreOutcome++
    if (j.rules.join() === gateRules.join()) jreRules++
    else jreDisagree.push(`${c.name}: screenTask ${s.outcome} [${gateRules.join(', ')}], json-rules-engine ${j.outcome} [${j.rules.join(', ')}]`)
    const b = await bpmnScreen(sourceContext, c, pack, policy)
    if (b === s.outcome) bpmnOutcome++
    else bpmnDisagree.push(`${c.name}: screenTask ${s.outcome}, bpmn ${b}`)
  }
  log(`screening set: ${cases.length} tasks ${JSON.stringify(outcomes)}; json-rules-engine agrees on ${jreOutcome} outcomes, ${jreRules} rule sets; bpmn on ${bpmnOutcome}`)

  let i = 0
  const next = () => cases[i++ % cases.length]!
  const gate = await timeIt(seconds, warmupSeconds, () => {
    const c = next()
    return screenTask(c.task, c.submitter, pack, policy)
  }, cases.length)
  log(`screenTask: ${gate.opsPerSecond} ops/s`)
  const jre = await timeIt(seconds, warmupSeconds, () => {
    const c = next()
    return engine.run(deriveFacts(c.task, c.submitter, pack))
  }, cases.length)
  log(`json-rules-engine (facts derived per task): ${jre.opsPerSecond} ops/s`)
  const prepared = cases.map((c) => deriveFacts(c.task, c.submitter, pack))
  let k = 0
  const jreOnly = await timeIt(seconds, warmupSeconds, () => engine.run(prepared[k++ % prepared.length]!), cases.length)
  log(`json-rules-engine (facts prepared beforehand): ${jreOnly.opsPerSecond} ops/s`)
  const bpmn = await timeIt(seconds, warmupSeconds, () => bpmnScreen(sourceContext, next(), pack, policy), cases.length)
  log(`bpmn-engine: ${bpmn.opsPerSecond} ops/s`)

  const perTask = async (f: () => unknown) => round(1e6 / (await timeIt(Math.min(seconds, 2), 0.2, f, cases.length)).opsPerSecond, 1)
  const profile = {
    scanTextAllFields: await perTask(() => {
      const c = next()
      return textHits(pack, c.task, declaredTexts(c.task))
    }),
    addWorkingDays: await perTask(() => addWorkingDays(pack.calendar, next().submitter.submittedOn, pack.parameters.applicationLeadWorkingDays)),
    screenTask: round(1e6 / gate.opsPerSecond, 1)
  }
  log(`screenTask profile (µs per task): ${JSON.stringify(profile)}`)
  const longDescription = longDescriptionTimes(longDescriptionCase(cases, 10_000), 2000, pack, policy)
  log(`screenTask on a ${longDescription.characters}-character description: p50 ${longDescription.p50Ms} ms, p99 ${longDescription.p99Ms} ms (${longDescription.outcome})`)

  return {
    tasks: cases.length,
    submittedOn: cases[0]!.submitter.submittedOn,
    profileMicroseconds: profile,
    outcomes,
    expectedByFixtures: { agree: cases.length - fixtureDisagree.length, disagree: fixtureDisagree },
    screenTask: gate,
    jsonRulesEngine: { ...jre, agreeOutcome: jreOutcome, agreeRules: jreRules, disagreements: jreDisagree },
    jsonRulesEngineOnly: jreOnly,
    bpmnEngine: { ...bpmn, agreeOutcome: bpmnOutcome, disagreements: bpmnDisagree },
    ratios: {
      screenTaskOverJsonRulesEngine: round(gate.opsPerSecond / jre.opsPerSecond, 2),
      screenTaskOverJsonRulesEngineOnly: round(gate.opsPerSecond / jreOnly.opsPerSecond, 2),
      screenTaskOverBpmnEngine: round(gate.opsPerSecond / bpmn.opsPerSecond, 2)
    },
    longDescription
  }
}
