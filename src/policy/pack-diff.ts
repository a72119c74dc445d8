import { Type, type Static } from 'typebox'
import { canonicalJson } from './pack.js'
import { CATALOG_LISTS, TARGET_LEVELS, type CatalogList, type PolicyPack, type TargetLevel } from './types.js'

export interface Changes {
  added: string[]
  removed: string[]
  changed: string[]
}

/** Entries matched by their key (an item's code, a sector's code, a source's id): which came, went or changed. */
export function diffBy<T>(before: readonly T[], after: readonly T[], key: (entry: T) => string): Changes {
  const old = new Map(before.map((i) => [key(i), canonicalJson(i)]))
  const now = new Set(after.map(key))
  return {
    added: after.filter((i) => !old.has(key(i))).map(key),
    removed: before.filter((i) => !now.has(key(i))).map(key),
    changed: after.filter((i) => old.has(key(i)) && old.get(key(i)) !== canonicalJson(i)).map(key)
  }
}

const codes = Type.Array(Type.String())
const ChangesSchema = (description: string) => Type.Object({ added: codes, removed: codes, changed: codes }, { description })

export const PackChangesSchema = Type.Object(
  {
    lists: Type.Array(
      Type.Object({ level: Type.Enum(TARGET_LEVELS), list: Type.Enum(CATALOG_LISTS), added: codes, removed: codes, changed: codes }),
      { description: 'the lists whose items changed, by item code; lists without changes are left out' }
    ),
    parameters: Type.Array(Type.Object({ name: Type.String(), before: Type.Unknown(), after: Type.Unknown() }), { description: 'parameters whose value changed (absent is null)' }),
    sectors: ChangesSchema('sector codes'),
    sources: ChangesSchema('source ids of the pack’s own table'),
    calendar: Type.Object(
      {
        yearsAdded: Type.Array(Type.Integer()),
        yearsRemoved: Type.Array(Type.Integer()),
        yearsChanged: Type.Array(Type.Integer({ description: 'years kept whose days or source changed' }))
      },
      { description: 'the working-day calendar, by year' }
    ),
    other: Type.Array(Type.Enum(['id', 'name', 'lexicon', 'cues', 'ruleCitations']), { description: 'other parts that changed' }),
    none: Type.Boolean({ description: 'nothing changed but perhaps the version' })
  },
  { $id: 'PolicyPackChanges', description: 'what a version changed against the one before it' }
)

export type PackChanges = Static<typeof PackChangesSchema>

const PARAMETERS = ['quorum', 'applicationLeadWorkingDays', 'officeReviewWorkingDays', 'decisionWorkingDays', 'fundingGraceWorkingDays', 'communityHourlyCost', 'evaluation', 'deliberation'] as const

function calendarYear(pack: PolicyPack, year: number): string {
  const inYear = (d: { date: string }) => d.date.startsWith(`${year}-`)
  const c = pack.calendar
  return canonicalJson([c.sources.filter((s) => s.year === year), c.holidays.filter(inYear), c.makeUpWorkdays.filter(inYear)])
}

/** What `after` changes against `before`, part by part. */
export function diffPacks(before: PolicyPack, after: PolicyPack): PackChanges {
  const lists: PackChanges['lists'] = []
  for (const level of TARGET_LEVELS as readonly TargetLevel[]) {
    for (const list of CATALOG_LISTS as readonly CatalogList[]) {
      const c = diffBy<{ code: string }>(before.levels[level][list], after.levels[level][list], (i) => i.code)
      if (c.added.length + c.removed.length + c.changed.length > 0) lists.push({ level, list, ...c })
    }
  }
  const parameters = PARAMETERS.filter((p) => canonicalJson(before.parameters[p] ?? null) !== canonicalJson(after.parameters[p] ?? null)).map((name) => ({
    name,
    before: before.parameters[name] ?? null,
    after: after.parameters[name] ?? null
  }))
  const yearsBefore = new Set(before.calendar.sources.map((s) => s.year))
  const yearsAfter = new Set(after.calendar.sources.map((s) => s.year))
  const calendar = {
    yearsAdded: [...yearsAfter].filter((y) => !yearsBefore.has(y)).sort(),
    yearsRemoved: [...yearsBefore].filter((y) => !yearsAfter.has(y)).sort(),
    yearsChanged: [...yearsAfter].filter((y) => yearsBefore.has(y) && calendarYear(before, y) !== calendarYear(after, y)).sort()
  }
  const sectors = diffBy(before.sectors, after.sectors, (s) => s.code)
  const sources = diffBy(before.sources ?? [], after.sources ?? [], (s) => s.id)
  const other = (['id', 'name', 'lexicon', 'cues', 'ruleCitations'] as const).filter((k) => canonicalJson(before[k] ?? null) !== canonicalJson(after[k] ?? null))
  const none =
    lists.length + parameters.length + other.length + calendar.yearsAdded.length + calendar.yearsRemoved.length + calendar.yearsChanged.length === 0 &&
    [sectors, sources].every((c) => c.added.length + c.removed.length + c.changed.length === 0)
  return { lists, parameters, sectors, sources, calendar, other, none }
}
