import type { ExcludedCategory, LexiconEntry } from './types.js'

export interface TextHit {
  category: ExcludedCategory
  strength: 'strong' | 'weak'
  field: string
  match: string
  start: number
  end: number
}

// Folds only ASCII letters so that offsets into the folded text stay offsets into
// the original (String#toLowerCase may change the length of some code points).
const fold = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase())

function occurrences(haystack: string, needle: string): number[] {
  const found: number[] = []
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) found.push(at)
  return found
}

/** How far apart the parts of a gapped term ("成立…领导小组") may lie. */
export const MAX_GAP = 12

/**
 * Spans [start, end) where a term occurs. A term with "…" matches its parts in
 * order, each starting at most MAX_GAP characters after the previous one ends,
 * so 成立…领导小组 finds 成立社区老龄工作领导小组 as well as 成立领导小组.
 */
function spans(text: string, term: string): Array<[number, number]> {
  const [first, ...rest] = term.split('…') as [string, ...string[]]
  return occurrences(text, first).flatMap((start): Array<[number, number]> => {
    let end = start + first.length
    for (const part of rest) {
      const at = text.indexOf(part, end)
      if (at < 0 || at - end > MAX_GAP) return []
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
    const text = fold(raw)
    const hits: TextHit[] = []
    for (const entry of lexicon) {
      const innocentSpans = (entry.innocent ?? []).flatMap((phrase) => spans(text, fold(phrase)))
      for (const [start, end] of spans(text, fold(entry.term))) {
        if (innocentSpans.some(([s, e]) => s <= start && end <= e)) continue
        hits.push({ category: entry.category, strength: entry.strength, field, match: raw.slice(start, end), start, end })
      }
    }
    const insideStrong = (h: TextHit) =>
      h.strength === 'weak' && hits.some((o) => o.strength === 'strong' && o.category === h.category && o.start <= h.start && h.end <= o.end)
    // Stable sort: hits at the same offset keep the lexicon's order, so findings are deterministic.
    return hits.filter((h) => !insideStrong(h)).sort((a, b) => a.start - b.start)
  })
}
