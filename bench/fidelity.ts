// The gate's fidelity on labelled phrasings: `npm run fidelity` writes bench/fidelity.md and
// bench/fidelity.json. Two corpora: the one the default lexicon was written against
// (test/fixtures/fidelity/corpus.json), and one written apart by someone who saw neither the
// lexicon nor that corpus (holdout.json): the second says how the gate does on wordings it was
// not tuned to. Each phrasing sits in an honest, funded assisted task the gate admits on its
// own (test/fixtures/fidelity/cases.ts), so whatever it decides beyond admit, the phrasing caused.

import { writeFileSync } from 'node:fs'
import { DEFAULT_PACK, packRef } from '../src/policy/pack.js'
import { screenTask } from '../src/policy/screen.js'
import { RULES } from '../src/policy/rules.js'
import type { ExcludedCategory, Screening, Verdict } from '../src/policy/types.js'
import { ATTACK, CORPUS, CORPUS_SUBMITTER, HOLDOUT, taskWith, type CorpusClass, type CorpusEntry } from '../test/fixtures/fidelity/cases.js'

const CATEGORIES: ExcludedCategory[] = ['economic_target', 'unverifiable_certificate', 'not_responsible_subject', 'separate_assessment', 'organization_or_plaque', 'ledger_or_stamp']
const CLASSES: CorpusClass[] = ['must_reject', 'must_not_admit', 'must_not_reject']
const OUTCOMES: Verdict[] = ['admit', 'escalate', 'return', 'reject']

interface CategoryFigures {
  positives: number
  flagged: number
  truePositives: number
  precision: number | null
  recall: number | null
  /** Positives the gate did not admit (rejected, returned or sent to a person). */
  notAdmitted: number
}

interface CorpusReport {
  entries: number
  confusion: Record<CorpusClass, Record<Verdict, number>>
  categories: Record<ExcludedCategory, CategoryFigures>
  falseRejections: Array<{ id: string; text: string; why: string }>
  admittedThoughSuspect: Array<{ id: string; class: CorpusClass; text: string }>
  rejectsMissed: Array<{ id: string; outcome: Verdict; text: string }>
}

/** A positive of a category: a phrasing that assigns it (ledger_or_stamp never rejects: its positives are the burdens a person must see). */
const isPositive = (e: CorpusEntry, c: ExcludedCategory) => e.category === c && e.class === (c === 'ledger_or_stamp' ? 'must_not_admit' : 'must_reject')
/** The gate names the category with its own rule, at that rule's verdict. */
const flags = (s: Screening, c: ExcludedCategory) => s.findings.some((f) => f.rule === c && f.verdict === RULES[c].verdict)
const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 1000) / 1000)
const evidenceOf = (s: Screening) =>
  s.findings
    .filter((f) => f.verdict === 'reject')
    .map((f) => `${f.rule}: ${f.evidence.map((e) => e.match ?? e.field).join('、')}`)
    .join('; ')

function measure(corpus: CorpusEntry[]): CorpusReport {
  const policy = packRef(DEFAULT_PACK)
  const screened = corpus.map((entry) => ({ entry, s: screenTask(taskWith(entry), CORPUS_SUBMITTER, DEFAULT_PACK, policy) }))
  const confusion = Object.fromEntries(CLASSES.map((c) => [c, Object.fromEntries(OUTCOMES.map((o) => [o, 0]))])) as CorpusReport['confusion']
  for (const { entry, s } of screened) confusion[entry.class][s.outcome]++
  const categories = Object.fromEntries(
    CATEGORIES.map((c) => {
      const positives = screened.filter(({ entry }) => isPositive(entry, c))
      const flagged = screened.filter(({ s }) => flags(s, c))
      const truePositives = flagged.filter(({ entry }) => isPositive(entry, c)).length
      return [
        c,
        {
          positives: positives.length,
          flagged: flagged.length,
          truePositives,
          precision: ratio(truePositives, flagged.length),
          recall: ratio(truePositives, positives.length),
          notAdmitted: positives.filter(({ s }) => s.outcome !== 'admit').length
        }
      ]
    })
  ) as CorpusReport['categories']
  return {
    entries: corpus.length,
    confusion,
    categories,
    falseRejections: screened.filter(({ entry, s }) => entry.class === 'must_not_reject' && s.outcome === 'reject').map(({ entry, s }) => ({ id: entry.id, text: entry.text, why: evidenceOf(s) })),
    admittedThoughSuspect: screened.filter(({ entry, s }) => entry.class !== 'must_not_reject' && s.outcome === 'admit').map(({ entry }) => ({ id: entry.id, class: entry.class, text: entry.text })),
    rejectsMissed: screened.filter(({ entry, s }) => entry.class === 'must_reject' && s.outcome !== 'reject' && s.outcome !== 'admit').map(({ entry, s }) => ({ id: entry.id, outcome: s.outcome, text: entry.text }))
  }
}

function markdown(name: string, r: CorpusReport): string {
  const lines = [
    `## ${name} (${r.entries} phrasings)`,
    '',
    'Outcome by label (rows: what the phrasing calls for; columns: what the gate decided):',
    '',
    `| label | ${OUTCOMES.join(' | ')} |`,
    `|---|${OUTCOMES.map(() => '---:').join('|')}|`,
    ...CLASSES.map((c) => `| ${c} | ${OUTCOMES.map((o) => r.confusion[c][o]).join(' | ')} |`),
    '',
    ...(Object.values(r.categories).every((f) => f.positives === 0) ? ['(No categories in this corpus: its probes carry labels only.)', ''] : perCategory(r))
  ]
  return finish(lines, r)
}

function perCategory(r: CorpusReport): string[] {
  const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`)
  return [
    'Per category: a positive is a phrasing that assigns the category (for ledger_or_stamp, a burden a person must see); the gate flags it when the category’s own rule fires at its verdict.',
    '',
    '| category | positives | flagged | true positives | precision | recall | positives not admitted |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...CATEGORIES.map((c) => {
      const f = r.categories[c]
      return `| ${c} | ${f.positives} | ${f.flagged} | ${f.truePositives} | ${pct(f.precision)} | ${pct(f.recall)} | ${f.notAdmitted} of ${f.positives} |`
    }),
    ''
  ]
}

/** A long probe (a 2,000-character notice) is quoted by its start and length. */
const short = (text: string) => (text.length <= 160 ? text : `${text.slice(0, 120)}… (${text.length} characters)`)

function finish(lines: string[], r: CorpusReport): string {
  const list = (title: string, rows: string[]) => (rows.length === 0 ? [`${title}: none.`, ''] : [`${title}:`, '', ...rows, ''])
  lines.push(...list('Honest phrasings rejected', r.falseRejections.map((x) => `- ${x.id}: ${short(x.text)} — ${x.why}`)))
  lines.push(...list('Phrasings that must not be admitted but were', r.admittedThoughSuspect.map((x) => `- ${x.id} (${x.class}): ${short(x.text)}`)))
  lines.push(...list('Assignments sent to a person instead of rejected', r.rejectsMissed.map((x) => `- ${x.id} (${x.outcome}): ${short(x.text)}`)))
  return lines.join('\n')
}

const results = { pack: packRef(DEFAULT_PACK), corpus: measure(CORPUS), holdout: measure(HOLDOUT), attack: measure(ATTACK) }
writeFileSync(new URL('./fidelity.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`)
writeFileSync(
  new URL('./fidelity.md', import.meta.url),
  [
    '# Gate fidelity',
    '',
    `Written by \`npm run fidelity\` (bench/fidelity.ts) with the default pack ${results.pack.version} (${results.pack.hash}). `,
    '`npm test` holds the first corpus to: nothing that must not be admitted is admitted, nothing that must not be rejected is rejected; and the held-out one to: nothing honest is rejected.',
    '',
    markdown('Corpus the lexicon was written against', results.corpus),
    '',
    markdown('Held-out corpus, written apart', results.holdout),
    '',
    markdown('Outside attack: probes written to break the reader (seen: its report led to fixes)', results.attack),
    ''
  ].join('\n')
)
console.log(`corpus: ${JSON.stringify(results.corpus.confusion)}\nholdout: ${JSON.stringify(results.holdout.confusion)}\nattack: ${JSON.stringify(results.attack.confusion)}`)
