import fc from 'fast-check'
import t from 'tap'
import { foldText, normalize, scanText, spans, type TextHit } from '../src/policy/lexicon.js'
import { DEFAULT_PACK } from '../src/policy/pack.js'
import type { LexiconEntry } from '../src/policy/types.js'
import { TASK_FIXTURES } from './fixtures/tasks.js'

// scanText runs one pass over a text with a lexicon compiled per pack. What it must find is
// defined by the plain reading below: every term searched on its own, innocent phrases
// masking, weak hits inside strong ones dropped. The two must agree on everything.

function plainSpans(text: string, term: string, maxGap = 12): Array<[number, number]> {
  const [first, ...rest] = term.split('…').map((p) => normalize(p).text) as [string, ...string[]]
  const found: Array<[number, number]> = []
  for (let start = text.indexOf(first); start >= 0; start = text.indexOf(first, start + 1)) {
    let end = start + first.length
    let ok = true
    for (const part of rest) {
      const at = text.indexOf(part, end)
      if (at < 0 || at - end > maxGap) {
        ok = false
        break
      }
      end = at + part.length
    }
    if (ok) found.push([start, end])
  }
  return found
}

function plainScan(lexicon: readonly LexiconEntry[], texts: Record<string, string>): TextHit[] {
  return Object.entries(texts).flatMap(([field, raw]) => {
    const { text, from, to } = normalize(raw)
    const hits: TextHit[] = []
    for (const entry of lexicon) {
      const innocent = (entry.innocent ?? []).flatMap((p) => plainSpans(text, p))
      for (const [s, e] of plainSpans(text, entry.term)) {
        if (innocent.some(([is, ie]) => is <= s && e <= ie)) continue
        hits.push({ category: entry.category, strength: entry.strength, field, match: raw.slice(from[s], to[e - 1]), start: from[s]!, end: to[e - 1]! })
      }
    }
    const insideStrong = (h: TextHit) =>
      h.strength === 'weak' && hits.some((o) => o.strength === 'strong' && o.category === h.category && o.start <= h.start && h.end <= o.end)
    return hits.filter((h) => !insideStrong(h)).sort((a, b) => a.start - b.start)
  })
}

const lexicon = DEFAULT_PACK.lexicon
const phrases = lexicon.flatMap((e) => [e.term, ...(e.innocent ?? [])]).flatMap((p) => p.split('…'))
// Characters that change under folding or vanish: full width, ligatures, spaces, invisibles, astral, lone surrogates.
const awkward = [...'ＧＤＰGDP gdp\u200b\u00ad\u3000\n\t①㈱ﬁ，（）：Ａ𠀀😀\ud800\udc00']
const piece = fc.oneof(
  fc.constantFrom(...phrases),
  fc.constantFrom(...awkward),
  fc.string({ maxLength: 3 }),
  fc.string({ unit: 'binary', maxLength: 2 })
)
const text = fc.array(piece, { maxLength: 30 }).map((a) => a.join(''))

t.test('scanText finds exactly what the plain reading finds', async (t) => {
  fc.assert(
    fc.property(text, text, (title, description) => {
      const texts = { title, description }
      t.same(scanText(lexicon, texts), plainScan(lexicon, texts))
    }),
    { numRuns: 3000, seed: 20261009 }
  )
  for (const f of TASK_FIXTURES) {
    const texts = { title: f.task.title, description: f.task.description } as Record<string, string>
    t.same(scanText(lexicon, texts), plainScan(lexicon, texts), f.name)
  }
})

t.test('foldText is normalize without the offset maps', async (t) => {
  fc.assert(
    fc.property(text, (raw) => {
      const { text, from, to } = normalize(raw)
      const folded = foldText(raw)
      t.equal(folded.text, text)
      if (folded.aligned) t.ok(from.every((f, i) => f === i && to[i] === i + 1), 'aligned means the identity map')
    }),
    { numRuns: 3000, seed: 20261010 }
  )
  t.same(foldText('招商引资GDP'), { text: '招商引资gdp', aligned: true })
  t.same(foldText('ＧＤＰ，'), { text: 'gdp,', aligned: true })
  t.same(foldText('招 商'), { text: '招商', aligned: false })
  t.same(foldText('𠀀'), { text: '𠀀', aligned: false })
  t.same(foldText('㈱'), { text: '(株)', aligned: false })
})

t.test('hits in folded text point into what was written', async (t) => {
  const raw = '请各社区完成 招\u200b商 引资 任务与ＧＤＰ考核'
  const hits = scanText(lexicon, { description: raw })
  t.ok(hits.length > 0)
  for (const h of hits) t.equal(raw.slice(h.start, h.end), h.match)
  t.same(
    hits.map((h) => h.match),
    plainScan(lexicon, { description: raw }).map((h) => h.match)
  )
  t.same(
    hits.map((h) => [h.match, h.start, h.end]),
    [
      ['招\u200b商 引资', 7, 13],
      ['引资 任务', 11, 16],
      ['ＧＤＰ', 17, 20],
      ['考核', 20, 22]
    ]
  )
})

t.test('spans keeps its gapped matching', async (t) => {
  t.same(spans('成立社区老龄工作领导小组', '成立…领导小组'), [[0, 12]])
  t.same(spans('成立领导小组', '成立…领导小组'), [[0, 6]])
  t.same(spans('成立一二三四五六七八九十甲乙丙领导小组', '成立…领导小组'), [], 'parts too far apart')
  t.same(spans('成立', '成立…领导小组'), [], 'a later part missing')
  t.same(spans('无犯罪证明，无犯罪记录证明', '无犯罪…证明', 4), [
    [0, 5],
    [6, 13]
  ])
})

t.test('a term with nothing before its first "…" is refused, not searched for ever', async (t) => {
  t.throws(() => spans('社区', '…证明'), /nothing to match/)
  const bad: LexiconEntry[] = [{ category: 'economic_target', term: '招商', strength: 'weak', innocent: [' …银行'] }]
  t.throws(() => scanText(bad, { title: '招商' }), /nothing to match/)
})

t.test('each pack lexicon is compiled on its own', async (t) => {
  const own: LexiconEntry[] = [
    { category: 'economic_target', term: '招商', strength: 'weak' },
    { category: 'ledger_or_stamp', term: '招商', strength: 'strong' }
  ]
  t.same(
    scanText(own, { title: '招商招商' }).map((h) => [h.category, h.start]),
    [
      ['economic_target', 0],
      ['ledger_or_stamp', 0],
      ['economic_target', 2],
      ['ledger_or_stamp', 2]
    ],
    'one needle, two entries, two occurrences, in lexicon order at each offset'
  )
  t.same(scanText(lexicon, { title: '招商招商' }).length, 2, 'the default pack is unaffected')
})
