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
  if (needle.length === 0) return found
  let from = 0
  for (;;) {
    const at = haystack.indexOf(needle, from)
    if (at < 0) return found
    found.push(at)
    from = at + 1
  }
}

/**
 * Finds lexicon terms in the task's free text. An occurrence inside one of the
 * entry's innocent phrases is not a hit (经济普查 is census work, not an economic
 * target); a weak hit inside a strong hit of the same category adds nothing.
 */
export function scanText(lexicon: readonly LexiconEntry[], texts: Record<string, string>): TextHit[] {
  const hits: TextHit[] = []
  for (const [field, raw] of Object.entries(texts)) {
    const text = fold(raw)
    for (const entry of lexicon) {
      const term = fold(entry.term)
      const innocentSpans = (entry.innocent ?? []).flatMap((phrase) => {
        const p = fold(phrase)
        return occurrences(text, p).map((s) => [s, s + p.length] as const)
      })
      for (const start of occurrences(text, term)) {
        const end = start + term.length
        if (innocentSpans.some(([s, e]) => s <= start && end <= e)) continue
        hits.push({ category: entry.category, strength: entry.strength, field, match: raw.slice(start, end), start, end })
      }
    }
  }
  const kept = hits.filter(
    (h) =>
      !hits.some(
        (o) =>
          o !== h &&
          o.field === h.field &&
          o.category === h.category &&
          o.start <= h.start &&
          h.end <= o.end &&
          (o.end - o.start > h.end - h.start || (o.strength === 'strong' && h.strength === 'weak'))
      )
  )
  // Identical spans from duplicate entries collapse to one hit.
  const seen = new Set<string>()
  return kept
    .filter((h) => {
      const key = `${h.field}:${h.category}:${h.start}:${h.end}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
    .sort((a, b) => (a.field === b.field ? a.start - b.start || a.end - b.end : a.field < b.field ? -1 : 1))
}
