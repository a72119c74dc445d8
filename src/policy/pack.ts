import { createHash } from 'node:crypto'
import { CHINA_WORKING_CALENDAR } from './default-pack/calendar.js'
import { COMMUNITY_CATALOGS } from './default-pack/community.js'
import { DEFAULT_CUES, DEFAULT_LEXICON } from './default-pack/lexicon.js'
import { DEFAULT_SECTORS } from './default-pack/sectors.js'
import { STREET_CATALOGS } from './default-pack/street.js'
import { BUILT_IN_SOURCES } from './sources.js'
import { TARGET_LEVELS, type CatalogItem, type PolicyPack, type PolicyRef, type TargetLevel } from './types.js'

/** The pack built from the reform documents and the national rules (its sources table). */
export const DEFAULT_PACK: PolicyPack = {
  id: 'zhunru-default',
  // 2026.3: lexicon families read in context (negation, assignment), folded text, funding standards
  //   only where cited, population items; a sources table, citations by title, not by file.
  // 2026.2: working-day calendar, gapped lexicon terms, item kinds, funding grace period.
  version: '2026.3',
  name: { zh: '社区工作准入默认政策包', en: 'Default community work admission pack' },
  parameters: {
    quorum: 0.5,
    applicationLeadWorkingDays: 30,
    officeReviewWorkingDays: 5,
    decisionWorkingDays: 15,
    fundingGraceWorkingDays: 20
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

/**
 * A new pack version with one item added to a level's assisted_tasks (the leading group's
 * approval may add the item, with its funding standard). Published versions
 * never change; the amendment is a version of its own: 2026.1 → 2026.1-a1 → 2026.1-a2.
 */
export function amendPack(pack: PolicyPack, level: TargetLevel, item: Omit<CatalogItem, 'code'>): { pack: PolicyPack; code: string } {
  const [base, amendment = 'a0'] = pack.version.split('-')
  const version = `${base}-a${Number(amendment.slice(1)) + 1}`
  const prefix = level === 'community' ? 'AT' : 'SAT'
  const numbers = pack.levels[level].assisted_tasks.map((i) => Number(i.code.split('-')[1]))
  const code = `${prefix}-${String(Math.max(0, ...numbers) + 1).padStart(2, '0')}`
  const catalogs = pack.levels[level]
  return {
    code,
    pack: {
      ...pack,
      version,
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
 * A new base version that keeps the amendments made on the old one, as `<base>-a1`; null
 * when there is nothing to keep. An item the new base already lists (same name and
 * sector) is not added twice; an item whose code the new base uses for something else
 * gets the next free code, and its source still names the decision that added it.
 */
export function rebaseAmendments(base: PolicyPack, amendments: Array<{ level: TargetLevel; item: CatalogItem }>): PolicyPack | null {
  let pack = base
  for (const { level, item } of amendments) {
    const listed = pack.levels[level].assisted_tasks
    if (listed.some((i) => i.name === item.name && i.sector === item.sector)) continue
    if (listed.some((i) => i.code === item.code)) {
      const { code: _taken, ...renumbered } = item
      pack = { ...amendPack(pack, level, renumbered).pack, version: pack.version }
    } else {
      pack = { ...pack, levels: { ...pack.levels, [level]: { ...pack.levels[level], assisted_tasks: [...listed, item] } } }
    }
  }
  return pack === base ? null : { ...pack, version: `${base.version}-a1` }
}
