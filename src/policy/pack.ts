import { createHash } from 'node:crypto'
import { CHINA_WORKING_CALENDAR } from './default-pack/calendar.js'
import { COMMUNITY_CATALOGS } from './default-pack/community.js'
import { DEFAULT_DELIBERATION } from './default-pack/deliberation.js'
import { DEFAULT_CUES, DEFAULT_LEXICON } from './default-pack/lexicon.js'
import { DEFAULT_SECTORS } from './default-pack/sectors.js'
import { STREET_CATALOGS } from './default-pack/street.js'
import { BUILT_IN_SOURCES } from './sources.js'
import { DEFAULT_EVALUATION } from './default-pack/evaluation.js'
import { CATALOG_LISTS, TARGET_LEVELS, type CatalogItem, type PolicyPack, type PolicyRef, type TargetLevel } from './types.js'

/** The pack built from the reform documents and the national rules (its sources table). */
export const DEFAULT_PACK: PolicyPack = {
  id: 'zhunru-default',
  // 2026.4: the two-way evaluation of departments (parameters.evaluation); a stored version is never
  //   edited (its hash is checked at start-up), so the new parameters come with a new version.
  // 2026.3: lexicon families read in context (negation, assignment), folded text, funding standards
  //   only where cited, population items; a sources table, citations by title, not by file.
  // 2026.2: working-day calendar, gapped lexicon terms, item kinds, funding grace period.
  version: '2026.4',
  name: { zh: '社区工作准入默认政策包', en: 'Default community work admission pack' },
  parameters: {
    quorum: 0.5,
    applicationLeadWorkingDays: 30,
    officeReviewWorkingDays: 5,
    decisionWorkingDays: 15,
    fundingGraceWorkingDays: 20,
    evaluation: DEFAULT_EVALUATION,
    deliberation: DEFAULT_DELIBERATION
  },
  sectors: DEFAULT_SECTORS,
  levels: { community: COMMUNITY_CATALOGS, street: STREET_CATALOGS },
  lexicon: DEFAULT_LEXICON,
  cues: DEFAULT_CUES,
  calendar: CHINA_WORKING_CALENDAR,
  sources: BUILT_IN_SOURCES
}

/** JSON with object keys sorted at every depth, so equal packs hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export function packHash(pack: PolicyPack): string {
  return `sha256:${createHash('sha256').update(canonicalJson(pack)).digest('hex')}`
}

export function packRef(pack: PolicyPack): PolicyRef {
  return { id: pack.id, version: pack.version, hash: packHash(pack) }
}

/** The version a leading group's amendment publishes: 2026.1 → 2026.1-a1 → 2026.1-a2, whatever the city's own numbering before it. */
export function amendedVersion(version: string): string {
  const amended = /^(.*)-a(\d+)$/.exec(version)
  return amended === null ? `${version}-a1` : `${amended[1]}-a${Number(amended[2]) + 1}`
}

/**
 * The next code of a level's assisted tasks in the city's own numbering: the series of the
 * last listed item that ends in a number, continued after the highest number of that series,
 * as wide as its widest (AT-40 → AT-41, 协-7 → 协-8, 2027-社区-009 → 2027-社区-010). A list
 * without numbered codes starts AT-01 (SAT-01 for streets). Never a code the level uses already.
 */
export function nextItemCode(pack: PolicyPack, level: TargetLevel): string {
  const catalogs = pack.levels[level]
  const numbered = catalogs.assisted_tasks.map((i) => /^(.*?)(\d+)$/.exec(i.code)).filter((m) => m !== null)
  const prefix = numbered.at(-1)?.[1] ?? (level === 'community' ? 'AT-' : 'SAT-')
  const series = numbered.filter((m) => m[1] === prefix).map((m) => m[2]!)
  const width = Math.max(2, ...series.map((d) => d.length))
  const used = new Set(CATALOG_LISTS.flatMap((list) => catalogs[list].map((i) => i.code)))
  let n = Math.max(0, ...series.map(Number))
  let code: string
  do code = `${prefix}${String(++n).padStart(width, '0')}`
  while (used.has(code))
  return code
}

/**
 * A new pack version with one item added to a level's assisted_tasks (the leading group's
 * approval may add the item, with its funding standard). Published versions
 * never change; the amendment is a version of its own: 2026.1 → 2026.1-a1 → 2026.1-a2.
 */
export function amendPack(pack: PolicyPack, level: TargetLevel, item: Omit<CatalogItem, 'code'>): { pack: PolicyPack; code: string } {
  const code = nextItemCode(pack, level)
  const catalogs = pack.levels[level]
  return {
    code,
    pack: {
      ...pack,
      version: amendedVersion(pack.version),
      levels: { ...pack.levels, [level]: { ...catalogs, assisted_tasks: [...catalogs.assisted_tasks, { code, ...item }] } }
    }
  }
}

/** The items the leading groups added to `amended` since `base`: what an upgrade of the base must keep. */
export function amendmentsOf(amended: PolicyPack, base: PolicyPack): Array<{ level: TargetLevel; item: CatalogItem }> {
  return TARGET_LEVELS.flatMap((level) => {
    const before = new Set(base.levels[level].assisted_tasks.map((i) => i.code))
    return amended.levels[level].assisted_tasks.filter((i) => !before.has(i.code)).map((item) => ({ level, item }))
  })
}

/**
 * `pack` with the amendments added, its version unchanged. An item the pack already lists
 * (same name and sector) is not added twice; an item whose code the pack uses for something
 * else gets the next free code, and its source still names the decision that added it.
 */
export function carryAmendments(pack: PolicyPack, amendments: Array<{ level: TargetLevel; item: CatalogItem }>): { pack: PolicyPack; carried: Array<{ level: TargetLevel; item: CatalogItem }> } {
  let result = pack
  const carried: Array<{ level: TargetLevel; item: CatalogItem }> = []
  for (const { level, item } of amendments) {
    const listed = result.levels[level].assisted_tasks
    if (listed.some((i) => i.name === item.name && i.sector === item.sector)) continue
    const taken = CATALOG_LISTS.some((list) => result.levels[level][list].some((i) => i.code === item.code))
    const placed = taken ? { ...item, code: nextItemCode(result, level) } : item
    result = { ...result, levels: { ...result.levels, [level]: { ...result.levels[level], assisted_tasks: [...listed, placed] } } }
    carried.push({ level, item: placed })
  }
  return { pack: result, carried }
}

/** A new base version that keeps the amendments made on the old one, as `<base>-a1`; null when there is nothing to keep. */
export function rebaseAmendments(base: PolicyPack, amendments: Array<{ level: TargetLevel; item: CatalogItem }>): PolicyPack | null {
  const { pack, carried } = carryAmendments(base, amendments)
  return carried.length === 0 ? null : { ...pack, version: `${base.version}-a1` }
}
