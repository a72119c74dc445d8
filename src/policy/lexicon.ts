import type { ExcludedCategory, LexiconEntry } from './types.js'

export interface TextHit {
  category: ExcludedCategory
  strength: 'strong' | 'weak'
  field: string
  match: string
  start: number
  end: number
}

// Characters a department could slip between the letters of a term to dodge it.
const INVISIBLE = /[\s\u00ad\u180e\u200b-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]/u

/**
 * The text as matching sees it: NFKC (full-width ＧＤＰ is GDP), lower case,
 * without whitespace and invisible characters (招 商 引 资 is 招商引资). `from`
 * and `to` map each character back to its span in the original, so evidence
 * offsets always point into what the department wrote.
 */
export function normalize(raw: string): { text: string; from: number[]; to: number[] } {
  let text = ''
  const from: number[] = []
  const to: number[] = []
  let at = 0
  for (const ch of raw) {
    const end = at + ch.length
    if (!INVISIBLE.test(ch)) {
      // Most of a Chinese notice is common ideographs and ASCII, which NFKC leaves alone.
      const plain = (ch >= '\u4e00' && ch <= '\u9fff') || (ch < '\u0080' && !(ch >= 'A' && ch <= 'Z'))
      for (const c of plain ? ch : ch.normalize('NFKC').toLowerCase()) {
        text += c
        for (let k = 0; k < c.length; k++) {
          from.push(at)
          to.push(end)
        }
      }
    }
    at = end
  }
  return { text, from, to }
}


// Lexicon terms are few and fixed per pack: normalise each once, not once per task.
const folded = new Map<string, string>()
const fold = (term: string): string => {
  let f = folded.get(term)
  if (f === undefined) folded.set(term, (f = normalize(term).text))
  return f
}

function occurrences(haystack: string, needle: string): number[] {
  const found: number[] = []
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) found.push(at)
  return found
}

/** How far apart the parts of a gapped term ("成立…领导小组") may lie. */
const MAX_GAP = 12

/**
 * Spans [start, end) where a term occurs. A term with "…" matches its parts in
 * order, each starting at most MAX_GAP characters after the previous one ends,
 * so 成立…领导小组 finds 成立社区老龄工作领导小组 as well as 成立领导小组.
 */
export function spans(text: string, term: string, maxGap = MAX_GAP): Array<[number, number]> {
  // Split before normalising: NFKC turns "…" into "...".
  const [first, ...rest] = term.split('…').map(fold) as [string, ...string[]]
  return occurrences(text, first).flatMap((start): Array<[number, number]> => {
    let end = start + first.length
    for (const part of rest) {
      const at = text.indexOf(part, end)
      if (at < 0 || at - end > maxGap) return []
      end = at + part.length
    }
    return [[start, end]]
  })
}

/**
 * Finds lexicon terms in the task's free text. An occurrence inside one of the
 * entry's innocent phrases is not a hit (经济普查 is census work, not an economic
 * target); a weak hit inside a strong hit of the same category adds nothing.
 */
export function scanText(lexicon: readonly LexiconEntry[], texts: Record<string, string>): TextHit[] {
  return Object.entries(texts).flatMap(([field, raw]) => {
    const { text, from, to } = normalize(raw)
    const hits: TextHit[] = []
    for (const entry of lexicon) {
      const innocentSpans = (entry.innocent ?? []).flatMap((phrase) => spans(text, phrase))
      for (const [s, e] of spans(text, entry.term)) {
        if (innocentSpans.some(([is, ie]) => is <= s && e <= ie)) continue
        const start = from[s]!
        const end = to[e - 1]!
        hits.push({ category: entry.category, strength: entry.strength, field, match: raw.slice(start, end), start, end })
      }
    }
    const insideStrong = (h: TextHit) =>
      h.strength === 'weak' && hits.some((o) => o.strength === 'strong' && o.category === h.category && o.start <= h.start && h.end <= o.end)
    // Stable sort: hits at the same offset keep the lexicon's order, so findings are deterministic.
    return hits.filter((h) => !insideStrong(h)).sort((a, b) => a.start - b.start)
  })
}
