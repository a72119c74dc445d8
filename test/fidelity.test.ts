import t from 'tap'
import { CORPUS, HOLDOUT, taskWith, type CorpusEntry } from './fixtures/fidelity/cases.js'
import { build, type Harness } from './helper.js'

// The labelled corpus goes through the dry-run endpoint, which runs exactly the screening a
// submission runs. Each phrasing sits in an honest, funded assisted task the gate admits on its
// own, so whatever the gate decides beyond admit, the phrasing caused it.

type Screening = { outcome: string; findings: Array<{ rule: string; evidence: Array<{ field: string; match?: string; start?: number; end?: number }> }> }

let h: Harness
t.before(async () => {
  h = await build(t)
})

async function screen(entry: CorpusEntry): Promise<{ task: ReturnType<typeof taskWith>; screening: Screening }> {
  const task = taskWith(entry)
  const { certificate: _c, authority: _a, ...input } = task
  const res = await h.app.inject({ method: 'POST', url: '/v1/screenings', payload: { ...input, department: 'east-civil' } })
  if (res.statusCode !== 200) throw new Error(`${entry.id}: ${res.statusCode} ${res.body}`)
  return { task, screening: res.json() }
}

const fieldText = (task: ReturnType<typeof taskWith>, field: string): string | undefined =>
  ({ title: task.title, description: task.description, 'legalBasis[0].title': task.legalBasis[0]!.title, 'legalBasis[0].article': task.legalBasis[0]!.article, 'funding.source': task.funding!.source })[field]

t.test('the honest task the corpus builds on is admitted on its own', async (t) => {
  const { screening } = await screen({ id: 'base', category: 'none', class: 'must_not_reject', text: '', note: '' })
  t.equal(screening.outcome, 'admit')
})

t.test('corpus: nothing that must not be admitted is admitted, nothing that must not be rejected is rejected', async (t) => {
  t.ok(CORPUS.length >= 300, `${CORPUS.length} phrasings`)
  for (const entry of CORPUS) {
    const { task, screening } = await screen(entry)
    const label = `${entry.id} (${entry.class}): ${entry.text}`
    if (entry.class === 'must_not_reject') t.not(screening.outcome, 'reject', label)
    else t.not(screening.outcome, 'admit', label)
    // Whatever fired, its text evidence quotes the field it names, at the offsets it gives.
    for (const f of screening.findings) {
      for (const e of f.evidence) {
        if (e.match === undefined) continue
        t.equal(fieldText(task, e.field)?.slice(e.start, e.end), e.match, `${entry.id} ${f.rule} evidence`)
      }
    }
  }
})

t.test('held-out phrasings: no honest one is rejected', async (t) => {
  // Written apart from the lexicon; only its false rejections are held to, the worst error a gate can make.
  for (const entry of HOLDOUT.filter((e) => e.class === 'must_not_reject')) {
    const { screening } = await screen(entry)
    t.not(screening.outcome, 'reject', `${entry.id}: ${entry.text}`)
  }
})
