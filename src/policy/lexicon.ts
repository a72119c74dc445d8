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
      const plain = isPlain(ch.charCodeAt(0))
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

/**
 * Most of a Chinese notice is common ideographs and ASCII, which NFKC leaves alone.
 * ASCII whitespace is not plain: it is dropped. Upper case is not: it is folded.
 */
const isPlain = (c: number): boolean =>
  c >= 0x4e00 ? c <= 0x9fff : c < 0x80 && !(c >= 0x41 && c <= 0x5a) && !(c === 0x20 || (c >= 0x09 && c <= 0x0d))

/**
 * What `normalize` gives as `text`, without building the offset maps: a task rarely
 * hits the lexicon, so the maps are rarely needed. `aligned` says the maps would be
 * the identity (each code unit of `text` is the raw one at the same offset), which
 * holds unless something was dropped or changed length; then the caller asks
 * `normalize` for the maps, and only when it has a hit to place.
 */
export function foldText(raw: string): { text: string; aligned: boolean } {
  let text = ''
  let copied = 0
  let aligned = true
  const length = raw.length
  for (let at = 0; at < length; ) {
    if (isPlain(raw.charCodeAt(at))) {
      at++
      continue
    }
    // A surrogate pair is one character; a lone surrogate is one on its own, as in `for…of`.
    const width = (raw.codePointAt(at) as number) > 0xffff ? 2 : 1
    const ch = width === 1 ? raw[at]! : raw.slice(at, at + 2)
    if (INVISIBLE.test(ch)) {
      text += raw.slice(copied, at)
      copied = at + width
      aligned = false
    } else {
      const folded = ch.normalize('NFKC').toLowerCase()
      if (folded !== ch) {
        text += raw.slice(copied, at) + folded
        copied = at + width
      }
      // normalize maps every code unit of a character to the whole character.
      if (width !== 1 || folded.length !== 1) aligned = false
    }
    at += width
  }
  return { text: copied === 0 ? raw : text + raw.slice(copied), aligned }
}

// Lexicon terms are few and fixed per pack: normalise each once, not once per task.
const folded = new Map<string, string>()
const fold = (term: string): string => {
  let f = folded.get(term)
  if (f === undefined) folded.set(term, (f = foldText(term).text))
  return f
}

// Split before normalising: NFKC turns "…" into "...".
const partsOf = new Map<string, string[]>()
function termParts(term: string): string[] {
  let parts = partsOf.get(term)
  if (parts === undefined) {
    parts = term.split('…').map(fold)
    // An empty first part occurs at every offset, so such a term says nothing (and used to hang the scan).
    if (parts[0] === '') throw new Error(`lexicon term "${term}" has nothing to match before its first "…"`)
    partsOf.set(term, parts)
  }
  return parts
}

/** How far apart the parts of a gapped term ("成立…领导小组") may lie. */
const MAX_GAP = 12

/** Where the rest of a gapped term ends when its first part starts at `start`, or -1. */
function spanEnd(text: string, start: number, parts: readonly string[], maxGap: number): number {
  let end = start + parts[0]!.length
  for (let p = 1; p < parts.length; p++) {
    const part = parts[p]!
    const at = text.indexOf(part, end)
    if (at < 0 || at - end > maxGap) return -1
    end = at + part.length
  }
  return end
}

/**
 * Spans [start, end) where a term occurs. A term with "…" matches its parts in
 * order, each starting at most MAX_GAP characters after the previous one ends,
 * so 成立…领导小组 finds 成立社区老龄工作领导小组 as well as 成立领导小组.
 */
export function spans(text: string, term: string, maxGap = MAX_GAP): Array<[number, number]> {
  const parts = termParts(term)
  const first = parts[0]!
  const found: Array<[number, number]> = []
  for (let start = text.indexOf(first); start >= 0; start = text.indexOf(first, start + 1)) {
    const end = spanEnd(text, start, parts, maxGap)
    if (end >= 0) found.push([start, end])
  }
  return found
}

/** A term or innocent phrase, its first part standing for it in the one pass over the text. */
interface Pattern {
  needle: number
  parts: string[]
}

interface CompiledEntry {
  entry: LexiconEntry
  term: Pattern
  innocent: Pattern[]
}

/**
 * A lexicon made ready for one pass per text: every distinct first part of a term or
 * innocent phrase is a needle, looked for only where the text has its first code unit.
 */
interface CompiledLexicon {
  entries: CompiledEntry[]
  needles: string[]
  /** Non-zero where some needle starts with that UTF-16 code unit: most of a text is skipped on one load. */
  firstUnits: Uint8Array
  byFirstUnit: Map<number, number[]>
  /** Needle → the entries (in lexicon order) whose term starts with it. */
  termsOf: number[][]
}

const compiledLexicons = new WeakMap<readonly LexiconEntry[], CompiledLexicon>()

function compile(lexicon: readonly LexiconEntry[]): CompiledLexicon {
  const needles: string[] = []
  const needleIds = new Map<string, number>()
  const termsOf: number[][] = []
  const firstUnits = new Uint8Array(0x10000)
  const byFirstUnit = new Map<number, number[]>()
  const pattern = (text: string): Pattern => {
    const parts = termParts(text)
    const first = parts[0]!
    let needle = needleIds.get(first)
    if (needle === undefined) {
      needle = needles.push(first) - 1
      needleIds.set(first, needle)
      termsOf.push([])
      const unit = first.charCodeAt(0)
      firstUnits[unit] = 1
      const bucket = byFirstUnit.get(unit)
      if (bucket === undefined) byFirstUnit.set(unit, [needle])
      else bucket.push(needle)
    }
    return { needle, parts }
  }
  const entries = lexicon.map((entry, k): CompiledEntry => {
    const term = pattern(entry.term)
    termsOf[term.needle]!.push(k)
    return { entry, term, innocent: (entry.innocent ?? []).map(pattern) }
  })
  return { entries, needles, firstUnits, byFirstUnit, termsOf }
}

function compiled(lexicon: readonly LexiconEntry[]): CompiledLexicon {
  let c = compiledLexicons.get(lexicon)
  if (c === undefined) compiledLexicons.set(lexicon, (c = compile(lexicon)))
  return c
}

/** Every start of every needle in the text, by needle; null when none occurs (the usual case). */
function needleStarts(lexicon: CompiledLexicon, text: string): Map<number, number[]> | null {
  const { needles, firstUnits, byFirstUnit } = lexicon
  let starts: Map<number, number[]> | null = null
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (firstUnits[unit] === 0) continue
    for (const needle of byFirstUnit.get(unit)!) {
      if (!text.startsWith(needles[needle]!, i)) continue
      starts ??= new Map()
      const list = starts.get(needle)
      if (list === undefined) starts.set(needle, [i])
      else list.push(i)
    }
  }
  return starts
}

/** `spans` for a compiled pattern, from the needle starts already found. */
function patternSpans(text: string, pattern: Pattern, starts: Map<number, number[]>): number[] {
  const found: number[] = []
  for (const start of starts.get(pattern.needle) ?? []) {
    const end = spanEnd(text, start, pattern.parts, MAX_GAP)
    if (end >= 0) found.push(start, end)
  }
  return found
}

/**
 * Finds lexicon terms in the task's free text. An occurrence inside one of the
 * entry's innocent phrases is not a hit (经济普查 is census work, not an economic
 * target); a weak hit inside a strong hit of the same category adds nothing.
 */
export function scanText(lexicon: readonly LexiconEntry[], texts: Record<string, string>): TextHit[] {
  const compiledLexicon = compiled(lexicon)
  const all: TextHit[] = []
  for (const field of Object.keys(texts)) {
    const raw = texts[field]!
    const { text, aligned } = foldText(raw)
    const starts = needleStarts(compiledLexicon, text)
    if (starts === null) continue
    // The entries whose term's first part occurs, in lexicon order, as the hits must be.
    const candidates: number[] = []
    for (const needle of starts.keys()) candidates.push(...compiledLexicon.termsOf[needle]!)
    candidates.sort((a, b) => a - b)
    let map: { from: number[]; to: number[] } | null = null
    const hits: TextHit[] = []
    for (const k of candidates) {
      const { entry, term, innocent } = compiledLexicon.entries[k]!
      const termSpans = patternSpans(text, term, starts)
      if (termSpans.length === 0) continue
      const innocentSpans: number[] = []
      for (const phrase of innocent) innocentSpans.push(...patternSpans(text, phrase, starts))
      for (let t = 0; t < termSpans.length; t += 2) {
        const s = termSpans[t]!
        const e = termSpans[t + 1]!
        if (inside(innocentSpans, s, e)) continue
        let start = s
        let end = e
        if (!aligned) {
          map ??= normalize(raw)
          start = map.from[s]!
          end = map.to[e - 1]!
        }
        hits.push({ category: entry.category, strength: entry.strength, field, match: raw.slice(start, end), start, end })
      }
    }
    const insideStrong = (h: TextHit) =>
      h.strength === 'weak' && hits.some((o) => o.strength === 'strong' && o.category === h.category && o.start <= h.start && h.end <= o.end)
    // Stable sort: hits at the same offset keep the lexicon's order, so findings are deterministic.
    all.push(...hits.filter((h) => !insideStrong(h)).sort((a, b) => a.start - b.start))
  }
  return all
}

/** Whether [s, e) lies within one of the flat [start, end, start, end, …] spans. */
function inside(flat: readonly number[], s: number, e: number): boolean {
  for (let i = 0; i < flat.length; i += 2) if (flat[i]! <= s && e <= flat[i + 1]!) return true
  return false
}
