import type { Knex } from 'knex'
import { Problems, type InvalidParam } from '../platform/errors.js'
import type { Bilingual } from '../platform/language.js'
import { mustBeOneOf } from '../platform/validation.js'
import { rowProblem, rowsFromCsv } from '../leading-groups/import.js'
import { COUNCIL_POSITIONS, plainMember, storedCouncil, writeCouncilChanges, type CouncilChangeActor, type CouncilMember, type CouncilMemberChange, type CouncilPosition } from './members.js'

/**
 * Bulk import of one community's council members, from CSV or JSON: an upsert by member id,
 * all or nothing, every bad row named (as the leading groups' import). Members the file does
 * not name stay; a seat the file gives to another demotes its holder to member.
 */
export const MAX_COUNCIL_ROWS = 500

export const COUNCIL_IMPORT_FIELDS = ['sub', 'name', 'position', 'partyMember', 'termStart', 'termEnd'] as const
type Field = (typeof COUNCIL_IMPORT_FIELDS)[number]
const REQUIRED: readonly Field[] = ['sub', 'name', 'termStart', 'termEnd']

export interface CouncilImportRow {
  row: number
  values: Record<string, unknown>
}

export interface CouncilImportItem {
  row: number | null
  sub: string
  outcome: 'created' | 'updated' | 'unchanged'
  member: Omit<CouncilMember, 'community'>
}

export interface CouncilImportReport {
  dryRun: boolean
  summary: { created: number; updated: number; unchanged: number }
  items: CouncilImportItem[]
}

const bodyProblem = (reason: Bilingual) => Problems.invalid('body', reason, 'body')

/** JSON: an array of rows (the route's schema has checked the shape). */
export const councilRowsFromJson = (body: unknown[]): CouncilImportRow[] => body.map((values, i) => ({ row: i + 1, values: values as Record<string, unknown> }))

/** CSV with a header line, as a spreadsheet saves it, read as the leading groups' import reads it; a row is cited by its line. */
export const councilRowsFromCsv = (text: string): CouncilImportRow[] => rowsFromCsv(text, COUNCIL_IMPORT_FIELDS, REQUIRED)

const DATE = /^\d{4}-\d{2}-\d{2}$/
const isDate = (v: string) => DATE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v
// A spreadsheet says yes and no in either language; JSON says true and false.
const YES = new Set(['true', '1', 'yes', '是', 'y'])
const NO = new Set(['false', '0', 'no', '否', 'n', ''])

function checkRow(community: string, input: CouncilImportRow, errors: InvalidParam[]): (CouncilMember & { row: number }) | null {
  const { row, values } = input
  const before = errors.length
  const fail = (field: string, message: Bilingual) => errors.push({ row, field, message })
  for (const k of Object.keys(values)) if (!(COUNCIL_IMPORT_FIELDS as readonly string[]).includes(k)) fail(k, { zh: '不是可导入的字段', en: 'is not a field of the import' })
  const text = (field: Field, max: number): string | null => {
    const v = values[field]
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return null
    if (typeof v !== 'string') return (fail(field, { zh: '须为字符串', en: 'must be a string' }), null)
    if ([...v].length > max) return (fail(field, { zh: `长度不得超过${max}个字符`, en: `must be at most ${max} characters` }), null)
    return v
  }
  const required = (field: Field, max: number) => {
    const present = values[field] !== undefined && values[field] !== null && !(typeof values[field] === 'string' && (values[field] as string).trim() === '')
    if (!present) fail(field, { zh: '为必填项', en: 'is required' })
    return text(field, max)
  }
  const sub = required('sub', 200)
  const name = required('name', 200)
  const position = text('position', 32) ?? 'member'
  if (!(COUNCIL_POSITIONS as readonly string[]).includes(position)) fail('position', mustBeOneOf(COUNCIL_POSITIONS))
  const party = values.partyMember
  let partyMember = false
  if (typeof party === 'boolean') partyMember = party
  else if (party === undefined || party === null) partyMember = false
  else if (typeof party === 'string' && YES.has(party.trim().toLowerCase())) partyMember = true
  else if (!(typeof party === 'string' && NO.has(party.trim().toLowerCase()))) fail('partyMember', { zh: '须为是或否（true/false）', en: 'must be true or false (是/否)' })
  const dates: Record<'termStart' | 'termEnd', string | null> = { termStart: null, termEnd: null }
  for (const f of ['termStart', 'termEnd'] as const) {
    const v = required(f, 10)
    if (v !== null && !isDate(v)) fail(f, { zh: '须为YYYY-MM-DD格式的日期', en: 'must be a date, YYYY-MM-DD' })
    else dates[f] = v
  }
  if (dates.termStart !== null && dates.termEnd !== null && dates.termEnd < dates.termStart) fail('termEnd', { zh: `不得早于任期开始（${dates.termStart}）`, en: `must not be before the term starts (${dates.termStart})` })
  if (errors.length > before) return null
  return { row, community, sub: sub!, name: name!, position: position as CouncilPosition, partyMember, termStart: dates.termStart!, termEnd: dates.termEnd! }
}

const SEAT_NAMES = { chair: { zh: '主任', en: 'chair' }, vice_chair: { zh: '副主任', en: 'vice chair' } } as const

export async function importCouncil(db: Knex, community: string, input: readonly CouncilImportRow[], opts: { dryRun: boolean; now: string; actor: Omit<CouncilChangeActor, 'via'> }): Promise<CouncilImportReport> {
  if (input.length > MAX_COUNCIL_ROWS) throw bodyProblem({ zh: `包含${input.length}行，超过上限${MAX_COUNCIL_ROWS}行`, en: `has ${input.length} rows, more than the ${MAX_COUNCIL_ROWS} allowed` })
  const errors: InvalidParam[] = []
  const rows = input.map((r) => checkRow(community, r, errors)).filter((r) => r !== null)
  const seen = new Map<string, number>()
  const seats = new Map<string, number>()
  for (const r of rows) {
    const first = seen.get(r.sub)
    if (first !== undefined) errors.push({ row: r.row, field: 'sub', message: { zh: `与第${first}行重复`, en: `is named in row ${first} already` } })
    else seen.set(r.sub, r.row)
    if (r.position === 'member') continue
    const holder = seats.get(r.position)
    const seat = SEAT_NAMES[r.position]
    if (holder !== undefined) errors.push({ row: r.row, field: 'position', message: { zh: `第${holder}行已任命${seat.zh}：议事会只有一名${seat.zh}`, en: `row ${holder} names the ${seat.en} already: a council has one` } })
    else seats.set(r.position, r.row)
  }
  if (errors.length > 0) throw rowProblem(errors)
  return db.transaction(async (trx) => {
    const stored = await storedCouncil(trx, community)
    const bySub = new Map(stored.map((m) => [m.sub, m]))
    const items: CouncilImportItem[] = []
    const changes: CouncilMemberChange[] = []
    const demotions: CouncilMemberChange[] = []
    const same = (a: CouncilMember, b: CouncilMember) =>
      a.name === b.name && a.position === b.position && a.partyMember === b.partyMember && a.termStart === b.termStart && a.termEnd === b.termEnd
    for (const { row, ...after } of rows) {
      const before = bySub.get(after.sub) ?? null
      const outcome = before === null ? 'created' : before.removedAt === null && same(before, after) ? 'unchanged' : 'updated'
      const { community: _c, ...member } = after
      items.push({ row, sub: after.sub, outcome, member })
      if (outcome !== 'unchanged') changes.push({ before, after })
    }
    // A seat the file gives away: its holder, when the file does not name it, becomes a member.
    for (const r of rows.filter((x) => x.position !== 'member')) {
      for (const holder of stored.filter((m) => m.removedAt === null && m.position === r.position && !seen.has(m.sub))) {
        const { removedAt: _r, community: _c, ...member } = holder
        items.push({ row: null, sub: holder.sub, outcome: 'updated', member: { ...member, position: 'member' } })
        demotions.push({ before: holder, after: { ...plainMember(holder), position: 'member' } })
      }
    }
    if (!opts.dryRun) await writeCouncilChanges(trx, [...demotions, ...changes], { ...opts.actor, via: 'import' }, opts.now)
    const count = (o: CouncilImportItem['outcome']) => items.filter((i) => i.outcome === o).length
    return { dryRun: opts.dryRun, summary: { created: count('created'), updated: count('updated'), unchanged: count('unchanged') }, items }
  })
}
