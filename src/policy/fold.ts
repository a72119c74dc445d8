import * as OpenCC from 'opencc-js'

/**
 * The text as matching sees it, and the way back to what the department wrote.
 *
 * A term is found however it is dressed: full-width or spaced letters and digits (ＧＤＰ,
 * G D P), upper case, traditional characters (稅收、臺賬), characters pulled apart by
 * spaces, dots, dashes or underscores (招 · 商 - 引 _ 资), Latin letters with tone marks
 * (zhāo shāng). `from[i]` and `to[i]` are the [start, end) offsets in the original of the
 * character that gave the i-th code unit of `text`, so evidence always quotes the original.
 */
export interface Folded {
  text: string
  from: number[]
  to: number[]
}

// Characters a department could slip between the letters of a term to dodge it.
const isInvisible = (c: number): boolean =>
  c === 0x20 ||
  (c >= 0x09 && c <= 0x0d) ||
  (c >= 0x80 &&
    (c === 0xa0 || c === 0xad || c === 0x180e || (c >= 0x2000 && c <= 0x200f) || (c >= 0x2028 && c <= 0x202f) || (c >= 0x205f && c <= 0x2064) || c === 0x3000 || c === 0xfeff || c === 0x34f || (c >= 0xfe00 && c <= 0xfe0f) || c === 0x1680 || c === 0x85))

// Between two Chinese characters these only pull a word apart; elsewhere (2026-12-01, 3.5, a/b) they mean something.
const SEPARATORS = new Set('·・•‧∙⋅.-‐‑‒–—―_~～*＊/|｜+＋#＃=＝^'.split('').map((c) => c.normalize('NFKC').codePointAt(0)!))

const isCjk = (cp: number): boolean =>
  (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3134f)

let simplified: Uint16Array | null = null

/**
 * Traditional → simplified, one character at a time, from OpenCC's dictionaries: each
 * character is converted on its own line, so OpenCC's phrase rules cannot change a length
 * and the offsets stay one to one. Built on first use (about a tenth of a second); 0 means
 * the character stays as it is.
 */
function simplifiedTable(): Uint16Array {
  if (simplified !== null) return simplified
  const chars: string[] = []
  for (let cp = 0x3400; cp <= 0x9fff; cp++) if (isCjk(cp)) chars.push(String.fromCharCode(cp))
  const joined = chars.join('\n')
  const table = new Uint16Array(0x10000)
  for (const from of ['t', 'hk', 'tw'] as const) {
    const converted: string[] = OpenCC.Converter({ from, to: 'cn' })(joined).split('\n')
    converted.forEach((c: string, i: number) => {
      const unit = chars[i]!.charCodeAt(0)
      // A few rare characters simplify to one outside the basic plane; the character itself is kept for those.
      if (c !== chars[i] && c.length === 1 && table[unit] === 0) table[unit] = c.charCodeAt(0)
    })
  }
  return (simplified = table)
}

const rareFolds = new Map<number, string>()

/** One character that is not plain ASCII or a common ideograph, as matching sees it. */
function foldRare(ch: string, cp: number): string {
  let known = rareFolds.get(cp)
  // Full-width punctuation (，。：) is in every Chinese text: normalise each once.
  if (known === undefined) rareFolds.set(cp, (known = foldUncached(ch, cp)))
  return known
}

function foldUncached(ch: string, cp: number): string {
  let folded = ch.normalize('NFKC').toLowerCase()
  // Tone marks and accents on Latin letters (zhāo, résumé) say nothing a term needs.
  if (cp >= 0xc0 && cp <= 0x24f) folded = folded.normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
  if (folded.length === 1) {
    const s = simplifiedTable()[folded.charCodeAt(0)]!
    if (s !== 0) return String.fromCharCode(s)
  }
  return folded
}

export function fold(raw: string): Folded {
  const table = simplifiedTable()
  const units: number[] = []
  const from: number[] = []
  const to: number[] = []
  let extra = ''
  // Separators and spaces seen since the last kept character: dropped between two Chinese
  // characters, spaces dropped everywhere (zhao shang → zhaoshang), other separators kept.
  let pendingFrom = -1
  let lastWasCjk = false
  const flushPending = (upTo: number, drop: boolean) => {
    if (!drop) {
      for (let k = pendingFrom; k < upTo; k++) {
        const c = raw.charCodeAt(k)
        if (isInvisible(c)) continue
        const f = c < 0x80 ? c : foldRare(raw[k]!, c).charCodeAt(0)
        units.push(f)
        from.push(k)
        to.push(k + 1)
      }
    }
    pendingFrom = -1
  }
  const length = raw.length
  for (let at = 0; at < length; ) {
    const c = raw.charCodeAt(at)
    let folded: number
    let width = 1
    if (c < 0x80) {
      // A line break is kept: it ends a sentence (a notice's numbered lines are sentences); other spaces only pull letters apart.
      if (c === 0x20 || (c >= 0x09 && c <= 0x0d && c !== 0x0a)) {
        if (pendingFrom < 0) pendingFrom = at
        at++
        continue
      }
      folded = c >= 0x41 && c <= 0x5a ? c + 32 : c
      if (SEPARATORS.has(folded)) {
        if (pendingFrom < 0) pendingFrom = at
        at++
        continue
      }
    } else if (c >= 0x4e00 && c <= 0x9fff) {
      folded = table[c] || c
    } else {
      const cp = raw.codePointAt(at)!
      width = cp > 0xffff ? 2 : 1
      if (isInvisible(cp) || (width === 1 && SEPARATORS.has(foldRare(raw[at]!, cp).charCodeAt(0)))) {
        if (pendingFrom < 0) pendingFrom = at
        at += width
        continue
      }
      const f = foldRare(raw.slice(at, at + width), cp)
      if (f.length !== 1) {
        if (pendingFrom >= 0) flushPending(at, lastWasCjk && f.length > 0 && isCjk(f.codePointAt(0)!))
        for (let k = 0; k < f.length; k++) {
          units.push(f.charCodeAt(k))
          from.push(at)
          to.push(at + width)
        }
        if (f.length > 0) lastWasCjk = isCjk(f.codePointAt(0)!)
        at += width
        continue
      }
      folded = f.charCodeAt(0)
    }
    const cjk = isCjk(folded)
    if (pendingFrom >= 0) flushPending(at, lastWasCjk && cjk)
    units.push(folded)
    from.push(at)
    to.push(at + width)
    lastWasCjk = cjk
    at += width
  }
  if (pendingFrom >= 0) flushPending(length, false)
  // fromCharCode over chunks: one call per code unit would be the slowest part of a long text.
  for (let k = 0; k < units.length; k += 4096) extra += String.fromCharCode(...units.slice(k, k + 4096))
  return { text: extra, from, to }
}

/** The folded form of a lexicon term or cue: terms are folded as texts are, so both sides agree. */
const foldedTerms = new Map<string, string>()
export function foldTerm(term: string): string {
  let f = foldedTerms.get(term)
  if (f === undefined) foldedTerms.set(term, (f = fold(term).text))
  return f
}
