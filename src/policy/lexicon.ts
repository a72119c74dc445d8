import { pinyin } from 'pinyin-pro'
import { fold, foldTerm } from './fold.js'
import type { ExcludedCategory, LegacyLexiconEntry, LexiconCues, LexiconFamily, NegativeItem } from './types.js'

export interface TextHit {
  category: ExcludedCategory
  strength: 'strong' | 'weak'
  field: string
  match: string
  start: number
  end: number
  /** How the sentence uses the term: what made the hit strong or weak. */
  reading: Reading
}

/**
 * How a sentence uses a term. `assigned`: an assigning verb or an obligation governs it, or a
 * quota follows it; `named`: the excluded thing by its own name, not negated; `mentioned`:
 * inside publicity, a warning or cooperation with the responsible department; `alone`: a
 * term that says nothing by itself of who must do what. Negated uses give no hit at all.
 */
export type Reading = 'assigned' | 'named' | 'mentioned' | 'alone'

type Role = 'name' | 'object' | 'hint'
type CueType = keyof LexiconCues | 'verb'

/** A term, innocent phrase or cue, its first part standing for it in the one pass over the text. */
interface Pattern {
  parts: string[]
  maxGap: number
  /** Index into the compiled families (terms, innocent phrases, family verbs); -1 for the pack's common cues. */
  family: number
  term?: Role
  innocent?: true
  cue?: CueType
  /** Words that, close around a banned certificate, make it an allowed one (亲属关系证明 用于公证). */
  exceptions?: string[]
}

/** Patterns looked for in one pass, each by the first part standing for it. */
interface NeedleIndex {
  needles: string[]
  /** Needle → the patterns starting with it. */
  patternsOf: number[][]
  /** Non-zero where some needle starts with that UTF-16 code unit: most of a text is skipped on one load. */
  firstUnits: Uint8Array
  /** One-unit needles by their unit; longer ones by their first two units (社区 and 社会 are apart): few candidates per offset. */
  single: Map<number, number[]>
  byFirstTwo: Map<number, number[]>
}

interface Compiled {
  families: LexiconFamily[]
  patterns: Pattern[]
  /** Terms and innocent phrases. */
  words: NeedleIndex
  /** Cues and verbs. */
  cues: NeedleIndex
  /** The pack's units, folded. */
  units: string[]
}

/** How far apart the parts of a gapped term ("成立…领导小组") may lie. */
const MAX_GAP = 12
/** How far after a term a quota may follow and still be its quota (完成投资额 → 5000万元). */
const QUOTA_REACH = 14
/** How close after a term a publicity word must follow to make the term its subject (拆违宣传, 税收政策解读). */
const MENTION_AFTER_REACH = 3

const splitTerm = (term: string): string[] => {
  // Split before folding: the gap mark would otherwise be folded away.
  const parts = term.split('…').map(foldTerm)
  // An empty first part occurs at every offset, so such a term says nothing (and would hang the scan).
  if (parts[0] === '' || parts.some((p) => p === '')) throw new Error(`lexicon term "${term}" has an empty part`)
  return parts
}

const CJK_ONLY = /^[\u3400-\u9fff…]+$/u

/** The pinyin of a Chinese term, spaces and tones removed as folding removes them, or null when too short to be told apart from English. */
function pinyinOf(term: string): string | null {
  if (!CJK_ONLY.test(term) || term.replace(/…/g, '').length < 2) return null
  const parts = term.split('…').map((p) => (pinyin(p, { toneType: 'none', type: 'array' }) as string[]).join(''))
  // Two syllables of four letters or more (kaiju, fuze) are rarely an English word's inside.
  return parts.join('').length >= 4 ? parts.join('…') : null
}

/** Old packs (before families) listed terms one by one: a strong term reads as a name, a weak one as a hint. */
export function familiesOf(lexicon: ReadonlyArray<LexiconFamily | LegacyLexiconEntry>): LexiconFamily[] {
  // A pack holds one kind or the other: the first entry says which.
  if (lexicon.length === 0 || !('term' in lexicon[0]!)) return lexicon as LexiconFamily[]
  const byCategory = new Map<ExcludedCategory, LexiconFamily>()
  for (const e of lexicon as LegacyLexiconEntry[]) {
    let family = byCategory.get(e.category)
    if (family === undefined) {
      family = { category: e.category, assignedBy: 'verb', names: [], hints: [], innocent: [] }
      byCategory.set(e.category, family)
    }
    ;(e.strength === 'strong' ? family.names! : family.hints!).push(e.term)
    family.innocent!.push(...(e.innocent ?? []))
  }
  return [...byCategory.values()]
}

const compiledFor = new WeakMap<object, WeakMap<object, WeakMap<object, Compiled>>>()

/**
 * A pack's families and cues made ready for one pass per text. The banned certificates of the
 * negative list join the certificate family as objects (无犯罪…证明), so the list stays the one
 * place they are named.
 */
function compiled(lexicon: ReadonlyArray<LexiconFamily | LegacyLexiconEntry>, cues: LexiconCues, negative: readonly NegativeItem[]): Compiled {
  let byCues = compiledFor.get(lexicon)
  if (byCues === undefined) compiledFor.set(lexicon, (byCues = new WeakMap()))
  let byNegative = byCues.get(cues)
  if (byNegative === undefined) byCues.set(cues, (byNegative = new WeakMap()))
  let c = byNegative.get(negative)
  if (c === undefined) byNegative.set(negative, (c = compile(familiesOf(lexicon), cues, negative)))
  return c
}

function compile(families: LexiconFamily[], cues: LexiconCues, negative: readonly NegativeItem[]): Compiled {
  const patterns: Pattern[] = []
  const add = (term: string, p: Omit<Pattern, 'parts' | 'maxGap'>, maxGap = MAX_GAP) => {
    const parts = splitTerm(term)
    // A one-character part (挂…牌) finds its partner anywhere: keep it close.
    patterns.push({ parts, maxGap: p.term !== undefined && parts.length > 1 && parts.some((x) => x.length === 1) ? Math.min(maxGap, 6) : maxGap, ...p })
  }
  // What the negative list names is excluded once assigned and worth a look when only named: one list, not two.
  const listed = (category: ExcludedCategory) =>
    category === 'unverifiable_certificate' ? [] : negative.filter((i) => i.rule === category).flatMap((i) => i.keywords)
  const certificateObjects = negative
    .filter((i) => i.rule === 'unverifiable_certificate')
    .flatMap((i) => i.keywords.map((k) => ({ term: k.endsWith('证明') ? k : `${k}…证明`, exceptions: i.exceptions })))
  families.forEach((family, f) => {
    // A banned certificate's keyword must lie close to its 证明: 就业 and 证明 far apart are two things.
    const spelledToo = (term: string, p: Omit<Pattern, 'parts' | 'maxGap'>, maxGap?: number) => {
      add(term, p, maxGap)
      const spelled = pinyinOf(term)
      if (spelled !== null) add(spelled, p, maxGap === undefined ? undefined : maxGap * 6)
    }
    if (family.category === 'unverifiable_certificate') {
      for (const { term, exceptions } of certificateObjects) spelledToo(term, { family: f, term: 'object', ...(exceptions && { exceptions: exceptions.map(foldTerm) }) }, 4)
    }
    const roles: Array<[Role, string[]]> = [
      ['name', family.names ?? []],
      ['object', [...(family.objects ?? []), ...listed(family.category)]],
      ['hint', [...(family.hints ?? []), ...listed(family.category)]]
    ]
    for (const [role, terms] of roles) {
      // An object's pinyin is too often another word's (zhengzhi: 整治 and 政治): objects are matched in characters only.
      for (const term of terms) (role === 'object' ? add : spelledToo)(term, { family: f, term: role })
    }
    const english: Array<[Role, string[] | undefined]> = [
      ['name', family.english?.names],
      ['object', family.english?.objects],
      ['hint', family.english?.hints]
    ]
    for (const [role, terms] of english) for (const term of terms ?? []) add(term, { family: f, term: role })
    for (const phrase of family.innocent ?? []) add(phrase, { family: f, innocent: true })
    for (const verb of family.verbs ?? []) spelledToo(verb, { family: f, cue: 'verb' })
  })
  // Units (个, 人, 家) are among the commonest characters: they are looked for only right after a number, not in the one pass.
  for (const [type, list] of Object.entries(cues) as Array<[keyof LexiconCues, string[]]>) if (type !== 'unit') for (const cue of list) add(cue, { family: -1, cue: type })

  // Two indexes: most texts hold no term, and then their cues are never looked for.
  const isCue = (p: Pattern) => p.cue !== undefined
  return { families, patterns, words: indexOf(patterns, (p) => !isCue(p)), cues: indexOf(patterns, isCue), units: cues.unit.map(foldTerm) }
}

function indexOf(patterns: Pattern[], wanted: (p: Pattern) => boolean): NeedleIndex {
  const needles: string[] = []
  const needleIds = new Map<string, number>()
  const patternsOf: number[][] = []
  const firstUnits = new Uint8Array(0x10000)
  const single = new Map<number, number[]>()
  const byFirstTwo = new Map<number, number[]>()
  patterns.forEach((p, k) => {
    if (!wanted(p)) return
    const first = p.parts[0]!
    let needle = needleIds.get(first)
    if (needle === undefined) {
      needle = needles.push(first) - 1
      needleIds.set(first, needle)
      patternsOf.push([])
      const unit = first.charCodeAt(0)
      firstUnits[unit] = 1
      const key = first.length === 1 ? unit : unit * 0x10000 + first.charCodeAt(1)
      const buckets = first.length === 1 ? single : byFirstTwo
      const bucket = buckets.get(key)
      if (bucket === undefined) buckets.set(key, [needle])
      else bucket.push(needle)
    }
    patternsOf[needle]!.push(k)
  })
  return { needles, patternsOf, firstUnits, single, byFirstTwo }
}

/** Where the rest of a gapped pattern ends when its first part starts at `start`, or -1. Gaps never cross a sentence. */
function spanEnd(text: string, start: number, parts: readonly string[], maxGap: number): number {
  let end = start + parts[0]!.length
  for (let p = 1; p < parts.length; p++) {
    const at = partWithin(text, parts[p]!, end, maxGap)
    if (at < 0 || SENTENCE_END.test(text.slice(end, at))) return -1
    end = at + parts[p]!.length
  }
  return end
}

/** Where `part` starts at most `maxGap` characters after `end`, or -1: looking further would make a long text quadratic. */
function partWithin(text: string, part: string, end: number, maxGap: number): number {
  const at = text.substring(end, end + maxGap + part.length).indexOf(part)
  return at < 0 ? -1 : end + at
}

interface Occurrence {
  pattern: number
  start: number
  end: number
}

/** Every occurrence starting in [from, to) of the index's patterns, in order of start. */
function occurrences(c: Compiled, index: NeedleIndex, text: string, from: number, to: number, found: Occurrence[] = []): Occurrence[] {
  for (let i = from; i < to; i++) {
    const unit = text.charCodeAt(i)
    if (index.firstUnits[unit] === 0) continue
    const one = index.single.get(unit)
    const two = index.byFirstTwo.get(unit * 0x10000 + text.charCodeAt(i + 1))
    if (one !== undefined) for (const needle of one) matchAt(c, index, needle, text, i, found)
    if (two !== undefined) for (const needle of two) matchAt(c, index, needle, text, i, found)
  }
  return found
}

/** The patterns of one needle that occur at offset i, appended to `found`. */
function matchAt(c: Compiled, index: NeedleIndex, needle: number, text: string, i: number, found: Occurrence[]): void {
  if (!text.startsWith(index.needles[needle]!, i)) return
  for (const k of index.patternsOf[needle]!) {
    const p = c.patterns[k]!
    const end = spanEnd(text, i, p.parts, p.maxGap)
    if (end >= 0) found.push({ pattern: k, start: i, end })
  }
}

/** No cue a pack could sensibly write is longer; a longer one still works, it is only not seen as covering a shorter one. */
const LONGEST_CUE = 24
/** Spans kept per category, strength and field. */
const HITS_KEPT = 8
/** Nor an innocent phrase (with its gaps) longer. */
const LONGEST_PHRASE = 48
// 非 is left out: 非…不可 is an order, and 非法 a word.
const NEGATING_PREFIX = '不勿未零'
const DECIDERS = new Set<CueType>(['negation', 'negationAfter', 'mention', 'obligation', 'elsewhere'])
const SENTENCE_END = /[。;!?\n]/
const CLAUSE_MARK = /[,:。;!?\n]/
const LATIN = /[a-z]/

/** Whether the k-th character ends a clause. A comma between two English words lists things ("no office, station or plaque"), as 、 does in Chinese. */
const endsClause = (text: string, k: number): boolean => {
  const unit = text.charCodeAt(k)
  if (unit >= 0x80 ? unit !== 0x3002 : CLAUSE_UNITS[unit] === 0) return false
  return !(unit === 0x2c && LATIN.test(text[k - 1] ?? '') && LATIN.test(text[k + 1] ?? ''))
}
// ASCII marks of CLAUSE_MARK (folding made ，；：！？ ASCII); 。 is the one mark folding leaves as it is.
const CLAUSE_UNITS = new Uint8Array(0x80).map((_, u) => (CLAUSE_MARK.test(String.fromCharCode(u)) ? 1 : 0))
const NUMBER = /^[0-9零一二三四五六七八九十百千万亿两.]+/

/**
 * Finds what the families name in each free text and reads how each sentence uses it. A
 * term inside a negation, prohibition, abolition or warning gives no hit (严禁向社区下达招商
 * 引资任务); a term inside publicity or cooperation, or one that says nothing alone, is weak
 * (a person looks); a name, or an object an assigning verb or a quota governs, is strong.
 */
export function scanText(
  lexicon: ReadonlyArray<LexiconFamily | LegacyLexiconEntry>,
  cues: LexiconCues,
  negative: readonly NegativeItem[],
  texts: Record<string, string>
): TextHit[] {
  const c = compiled(lexicon, cues, negative)
  const all: TextHit[] = []
  for (const field of Object.keys(texts)) {
    const raw = texts[field]!
    const folded = fold(raw)
    const { text } = folded
    const words = occurrences(c, c.words, text, 0, text.length)
    if (!words.some((o) => c.patterns[o.pattern]!.term !== undefined)) continue
    // Cues only matter in a text that holds a term (most hold none).
    const cues = occurrences(c, c.cues, text, 0, text.length)
    all.push(...readField(c, field, raw, folded, words, cues))
  }
  return all
}

function readField(c: Compiled, field: string, raw: string, folded: ReturnType<typeof fold>, found: Occurrence[], cues: Occurrence[]): TextHit[] {
  const { text } = folded
  // Where each offset's clause starts and ends, in two passes: every term asks, and a long clause holds many terms.
  const starts = new Int32Array(text.length + 1)
  const ends = new Int32Array(text.length + 1)
  for (let k = 0, start = 0; k <= text.length; k++) {
    starts[k] = start
    if (k < text.length && endsClause(text, k)) start = k + 1
  }
  for (let k = text.length, end = text.length; k >= 0; k--) {
    if (k < text.length && endsClause(text, k)) end = k
    ends[k] = end
  }
  const clauseStart = (at: number): number => starts[at]!
  const clauseEnd = (at: number): number => ends[at]!
  // A word inside quotation marks or a title (“科普e站”, 《…宣传…》) names something; it does not say how the sentence uses a term.
  const quoted = quotedInside(text, OPENING, CLOSING)
  const titled = quotedInside(text, '《〈', '》〉')
  // A cue inside a longer cue is the longer one's (须 in 无须, 取消 in 已取消). Cues are in order of start, so the longer one is close before.
  const longest = cues.filter((o, k) => {
    for (let j = k - 1; j >= 0 && cues[j]!.start > o.start - LONGEST_CUE; j--) {
      const x = cues[j]!
      if (x.start <= o.start && o.end <= x.end && x.end - x.start > o.end - o.start) return false
    }
    for (let j = k + 1; j < cues.length && cues[j]!.start === o.start; j++) if (cues[j]!.end > o.end) return false
    return true
  })
  // Outside quotation marks, a cue inside them names something (“拒绝强拆”宣传画); inside them, the quoted words read one another.
  const standing = longest.filter((o) => quoted[o.start] !== 1)
  const negatedLists = listsUnderNegation(c, text, longest)
  const innocent = found.filter((o) => c.patterns[o.pattern]!.innocent)

  const hits: TextHit[] = []
  // A category's evidence needs a few spans, not every one of a text written to be slow: past
  // HITS_KEPT strong hits a category is decided, and past HITS_KEPT weak ones only a strong one adds anything.
  const strongSeen = new Map<number, number>()
  const weakSeen = new Map<number, number>()
  for (const o of found) {
    const p = c.patterns[o.pattern]!
    if (p.term === undefined || (strongSeen.get(p.family) ?? 0) >= HITS_KEPT) continue
    // A hint is never strong: once its category has its weak spans, more hints add nothing.
    if (p.term === 'hint' && (weakSeen.get(p.family) ?? 0) >= HITS_KEPT) continue
    if (startingIn(innocent, o.start - LONGEST_PHRASE, o.start + 1).some((x) => c.patterns[x.pattern]!.family === p.family && o.end <= x.end)) continue
    if (p.exceptions?.some((x) => text.slice(Math.max(0, o.start - 8), o.end + 8).includes(x))) continue
    let reading = listed(negatedLists, o.start)
      ? null
      : readUse(c, text, quoted[o.start] === 1 ? longest : standing, o, p.family, p.term, clauseStart, clauseEnd, starts)
    // Inside a title (《关于严禁向社区摊派招商引资任务的通知》) a term is the title's subject, not this task's.
    if (reading !== null && titled[o.start] === 1) reading = p.term === 'object' ? null : { reading: 'mentioned', start: o.start, end: o.end }
    if (reading === null) continue
    const strength = reading.reading === 'assigned' || reading.reading === 'named' ? 'strong' : 'weak'
    const seen = strength === 'strong' ? strongSeen : weakSeen
    const count = seen.get(p.family) ?? 0
    if (count >= HITS_KEPT) continue
    seen.set(p.family, count + 1)
    const start = folded.from[reading.start]!
    const end = folded.to[reading.end - 1]!
    hits.push({ category: c.families[p.family]!.category, strength, field, match: raw.slice(start, end), start, end, reading: reading.reading })
  }
  // A hit inside another of the same category that is as strong adds nothing (引资 in 招商引资).
  const rank = (h: TextHit) => (h.strength === 'strong' ? 1 : 0)
  const kept = hits.filter(
    (h, k) =>
      !hits.some(
        (o, j) => j !== k && o.category === h.category && o.start <= h.start && h.end <= o.end && rank(o) >= rank(h) && (o.end - o.start > h.end - h.start || j < k)
      )
  )
  // Stable: hits at the same offset keep the lexicon's order, so findings are deterministic.
  return kept.sort((a, b) => a.start - b.start)
}

const OPENING = '“‘「『《〈"\''
const CLOSING = '”’」』》〉"\''

/** 1 at each offset inside a quotation or a title (the marks excluded). */
function quotedInside(text: string, opening: string, closing: string): Uint8Array {
  const inside = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    // Most characters open nothing: a range check skips them before the look-up.
    if (unit !== 0x22 && unit !== 0x27 && (unit < 0x2018 || unit > 0x300e)) continue
    const kind = opening.indexOf(text[i]!)
    if (kind < 0) continue
    // An unclosed mark quotes nothing; a long run is more likely a stray mark than a quotation.
    const close = partWithin(text, closing[kind]!, i + 1, 60)
    if (close < 0) continue
    inside.fill(1, i + 1, close)
    i = close
  }
  return inside
}

/** How the sentence around one term occurrence uses it, and the span that shows it; null when it is negated. */
function readUse(
  c: Compiled,
  text: string,
  cues: Occurrence[],
  o: Occurrence,
  family: number,
  role: Role,
  clauseStart: (at: number) => number,
  clauseEnd: (at: number) => number,
  clauseStarts: Int32Array
): { reading: Reading; start: number; end: number } | null {
  const type = (x: Occurrence) => c.patterns[x.pattern]!.cue!
  const applies = (x: Occurrence) => {
    const f = c.patterns[x.pattern]!.family
    return f === -1 || f === family
  }
  const from = clauseStart(o.start)
  const to = clauseEnd(o.end)
  // A cue that starts before the term and runs into it (不作为 before 作为…责任主体) is still before it.
  // So is an obligation wrapped around it (非挂…牌子不可).
  const before = startingIn(cues, from, o.start).filter((x) => (x.end <= o.end || c.patterns[x.pattern]!.cue === 'obligation') && applies(x))
  const after = startingIn(cues, o.end, to).filter((x) => x.end <= to && applies(x))

  // After the term: an abolition, a warning, or someone else doing it (招商引资任务一律取消, 保险推销诈骗, 拆违由执法队负责).
  if (after.some((x) => type(x) === 'negationAfter' || (type(x) === 'elsewhere' && c.patterns[x.pattern]!.parts[0]!.startsWith('由')))) return null
  if (abolishedInNextClause(c, text, cues, to)) return null
  // The nearest negation, publicity or obligation before the term decides; verbs between are governed by it.
  // An abolition written before the term (已经取消的…) negates as one written after it does.
  const decider = before.filter((x) => DECIDERS.has(type(x))).at(-1)
  // A negation after the term in its clause (招商引资任务社区无需承担) negates it, unless an obligation before it assigned it first.
  // Only a negation of taking the work on counts (…社区无需承担, …与社区无关); 不得弄虚作假, 不得低于 are about how it is done.
  if ((decider === undefined || type(decider) !== 'obligation') && after.some((x) => type(x) === 'negation' && refusesTheWork(c, text, x))) return null
  if (decider === undefined && negatedFromEarlierClause(c, text, cues, from, clauseStarts)) return null
  if (decider !== undefined && (type(decider) === 'negation' || type(decider) === 'negationAfter')) return null
  const by = c.families[family]!.assignedBy
  const verb = before.filter((x) => type(x) === 'verb' && (decider === undefined || x.start >= decider.start)).at(-1)
  const quotaEnd = by === 'verb' ? -1 : quotaAfter(text, after, c.units, o.end, to, type)
  // Publicity about a name, or someone else's work, is worth a look; an object under it (税收政策宣传) is just a topic,
  // unless a quota or the family's verb follows it into the sentence (协助完成投资额5000万元).
  // So is a term someone else handles, one reported or recalled (据反映, 曾), and one in a question.
  const elsewhere = (decider !== undefined && type(decider) === 'elsewhere') || asked(text, o.end)
  const mentioned =
    elsewhere ||
    (decider !== undefined && type(decider) === 'mention') ||
    after.some((x) => type(x) === 'mentionAfter' && x.start - o.end <= MENTION_AFTER_REACH)
  if (mentioned) {
    if (role === 'object' && quotaEnd >= 0 && !elsewhere) return { reading: 'assigned', start: o.start, end: quotaEnd }
    if (role === 'object' && verb === undefined) return null
    return { reading: 'mentioned', start: o.start, end: o.end }
  }
  // 不 right before the verb or the term (不悬挂, 不开具, 不挂牌) negates it whatever the verb is; but 未完成, 完不成
  // threaten a sanction for not doing the work, which assigns it.
  const governed = verb ?? o
  const prefix = text[governed.start - 1]
  const sanction = verb !== undefined && SANCTIONED.test(text.slice(verb.start, verb.end))
  // The 不 of 不能不, 不得不 belongs to the obligation that ends there.
  const ownedByObligation = decider !== undefined && type(decider) === 'obligation' && decider.end === governed.start
  if (prefix !== undefined && NEGATING_PREFIX.includes(prefix) && !sanction && !ownedByObligation) return null
  if (role === 'hint') return { reading: 'alone', start: o.start, end: o.end }

  // The verb joins the evidence when it governs the term closely (开具同一人证明); from afar it would quote half the sentence.
  const start = verb !== undefined && o.start - verb.end <= 4 ? verb.start : o.start
  if (role === 'name') return { reading: 'named', start, end: o.end }
  if (quotaEnd >= 0) return { reading: 'assigned', start, end: quotaEnd }
  if (by !== 'quota' && verb !== undefined) return { reading: 'assigned', start, end: o.end }
  // The certificate first, its issuing after (证明由社区审核后出具).
  const verbAfter = c.families[family]!.category === 'unverifiable_certificate' ? after.find((x) => type(x) === 'verb') : undefined
  if (verbAfter !== undefined && after.some((x) => type(x) === 'elsewhere' && x.start < verbAfter.start)) return null
  if (verbAfter !== undefined) return { reading: 'assigned', start: o.start, end: verbAfter.end }
  // An object nothing assigns is just a word (投资 in 政府投资建设的驿站).
  return null
}

/** Whether the sentence a term ends in is a question (社区是否需要承担…？): it asks, it assigns nothing. */
function asked(text: string, from: number): boolean {
  for (let k = from; k < text.length && k < from + 80; k++) {
    if (text[k] === '?') return true
    if (SENTENCE_END.test(text[k]!)) return false
  }
  return false
}

/**
 * Spans of lists a prohibition introduces with a colon (以下事项不得下派社区：一、招商引资；二、协税护税…):
 * every item, on its line or after its semicolon, is governed by it, up to the full stop.
 */
function listsUnderNegation(c: Compiled, text: string, cues: Occurrence[]): Array<[number, number]> {
  const spans: Array<[number, number]> = []
  for (let k = text.indexOf(':'); k >= 0; k = text.indexOf(':', k + 1)) {
    let start = k
    while (start > 0 && !SENTENCE_END.test(text[start - 1]!) && !endsClause(text, start - 1)) start--
    const intro = startingIn(cues, start, k).filter((x) => x.end <= k)
    const decider = intro.filter((x) => DECIDERS.has(c.patterns[x.pattern]!.cue!)).at(-1)
    if (decider === undefined || !NEGATING.has(c.patterns[decider.pattern]!.cue!)) continue
    let end = k + 1
    while (end < text.length && end - k < 400 && !/[。!?]/.test(text[end]!)) end++
    spans.push([k + 1, end])
  }
  return spans
}

const listed = (spans: Array<[number, number]>, at: number): boolean => spans.some(([s, e]) => s <= at && at < e)

const NEGATING = new Set<CueType>(['negation', 'negationAfter'])

/** Whether a negation after a term refuses the work itself: it names taking it on, or is followed by a verb of doing so. */
function refusesTheWork(c: Compiled, text: string, x: Occurrence): boolean {
  return TAKING_ON.test(text.slice(x.start, x.end)) || TAKING_ON.test(text.slice(x.end, x.end + 2))
}

const TAKING_ON = /(承担|负责|参与|开展|下达|下派|要求|接受|出具|开具|设立|挂|涉及|包括|属于|纳入|需|须|必)/

/** Verbs of getting work done: 未完成 and 不能完成 speak of a sanction, not of a prohibition. */
const SANCTIONED = /^(完成|达到|实现|达成)$/

/** Words that open a clause reporting what became of the previous one (…，现已全部取消; …，自明年起不再下达). */
const REPORTING = /^(现|已|均|目前|今后|此后|自|一律|全部|此项|该项|上述)/

/** Whether the clause right after the term's, in the same sentence, reports the work abolished. */
function abolishedInNextClause(c: Compiled, text: string, cues: Occurrence[], clauseEnd: number): boolean {
  if (clauseEnd >= text.length || SENTENCE_END.test(text[clauseEnd]!)) return false
  const next = clauseEnd + 1
  if (!REPORTING.test(text.slice(next, next + 2))) return false
  let end = next
  while (end < text.length && !endsClause(text, end)) end++
  return startingIn(cues, next, end).some((x) => c.patterns[x.pattern]!.cue === 'negationAfter' && x.end <= end)
}

/** The occurrences (in order of start) that start in [from, to): two binary searches, not a pass over every cue of a long text. */
function startingIn(sorted: Occurrence[], from: number, to: number): Occurrence[] {
  const first = (at: number) => {
    let lo = 0
    let hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (sorted[mid]!.start < at) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  return sorted.slice(first(from), first(to))
}

/** The end of a quota that follows the term closely: a quota word (任务, 指标), or a number with its unit (500万元, 3家). -1 when none. */
function quotaAfter(text: string, cues: Occurrence[], units: readonly string[], end: number, clauseEnd: number, type: (x: Occurrence) => CueType): number {
  const word = cues.find((x) => type(x) === 'quota' && x.start - end <= QUOTA_REACH)
  if (word !== undefined) return word.end
  for (let k = end; k < Math.min(clauseEnd, end + QUOTA_REACH); k++) {
    const digits = NUMBER.exec(text.slice(k, clauseEnd))
    if (digits === null || !/[0-9一二三四五六七八九十两]/.test(digits[0])) continue
    // 万 and 亿 are both digits and the start of a unit (5000万元): the unit may begin inside the run.
    for (let u = k + 1; u <= k + digits[0].length; u++) {
      const unit = units.filter((x) => text.startsWith(x, u)).sort((a, b) => b.length - a.length)[0]
      if (unit !== undefined && u + unit.length <= clauseEnd) return u + unit.length
    }
    k += digits[0].length
  }
  return -1
}

/**
 * A prohibition whose clause only sets the manner (严禁以任何名义, 不得以…为由) governs the
 * clauses after it in the sentence, until a clause brings its own negation or obligation.
 */
function negatedFromEarlierClause(c: Compiled, text: string, cues: Occurrence[], clauseFrom: number, clauseStarts: Int32Array): boolean {
  const type = (x: Occurrence) => c.patterns[x.pattern]!.cue!
  let end = clauseFrom - 1
  let dangled = false
  // A manner clause governs the clause or two after it, not a whole run-on paragraph.
  for (let back = 0; back < 3 && end > 0 && !SENTENCE_END.test(text[end]!); back++) {
    const start = clauseStarts[end]!
    const inClause = startingIn(cues, start, end).filter((x) => x.end <= end)
    // 严禁要求社区，以任何名义，开具…: the manner may sit in a clause of its own between the prohibition and the term.
    dangled ||= text[end] === ':' || inClause.some((x) => type(x) === 'dangling' && x.end === end)
    const decider = inClause.filter((x) => DECIDERS.has(type(x))).at(-1)
    if (decider !== undefined) return (type(decider) === 'negation' || type(decider) === 'negationAfter') && dangled
    end = start - 1
  }
  return false
}

/** `spans` of one gapped term in a folded text, for rules that look for a fixed shape (a banned certificate's keyword near 证明). */
export function spans(text: string, term: string, maxGap = MAX_GAP): Array<[number, number]> {
  const parts = splitTerm(term)
  const found: Array<[number, number]> = []
  for (let start = text.indexOf(parts[0]!); start >= 0; start = text.indexOf(parts[0]!, start + 1)) {
    let end = start + parts[0]!.length
    let ok = true
    for (let p = 1; p < parts.length && ok; p++) {
      const at = partWithin(text, parts[p]!, end, maxGap)
      ok = at >= 0
      end = at + parts[p]!.length
    }
    if (ok) found.push([start, end])
  }
  return found
}
