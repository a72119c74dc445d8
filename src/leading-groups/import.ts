import { parse } from 'csv-parse/sync'
import type { Knex } from 'knex'
import { Problems, type InvalidParam } from '../platform/errors.js'
import type { Bilingual } from '../platform/language.js'
import { mustBeOneOf } from '../platform/validation.js'
import { POSITIONS, SEATS, storedMembers, writeMemberChanges, type ChangeActor, type GroupMember, type MemberChange, type Position, type StoredMember } from './store.js'

/**
 * Bulk import of leading-group members (issue 11 item 2), from CSV or JSON: an upsert by
 * (group, sub), all or nothing. Plain functions, so that the HTTP route and a command line
 * share them: `rowsFromCsv` / `rowsFromJson` read a file, `importMembers` checks and writes.
 * Members the file does not name are left as they are (an import never removes anybody),
 * except that a chair or deputy chair the file gives to someone else is demoted to member.
 */

/** A city has a few hundred members; thousands of rows are a mistake, not a city. */
export const MAX_IMPORT_ROWS = 5000

export const IMPORT_FIELDS = ['group', 'sub', 'name', 'homeDepartment', 'position'] as const
type ImportField = (typeof IMPORT_FIELDS)[number]
const REQUIRED: readonly ImportField[] = ['group', 'sub', 'name']

/** A row as read, before any check. `row` is what the errors cite: the CSV line, the JSON position (from 1). */
export interface ImportRowInput {
  row: number
  values: Record<string, unknown>
}

export interface ImportOptions {
  dryRun: boolean
  now: string
  actor: Omit<ChangeActor, 'via'>
}

type Change = { from: string | null; to: string | null }

export interface ImportItem {
  /** Null for a member the file does not name, demoted because the file gives its seat to another. */
  row: number | null
  group: string
  sub: string
  outcome: 'created' | 'updated' | 'unchanged'
  /** For an update, each field that changes; `removedAt` when a member who had left comes back. */
  changes: Partial<Record<'name' | 'homeDepartment' | 'position' | 'removedAt', Change>>
  member: { name: string; homeDepartment: string | null; position: Position }
}

export interface ImportReport {
  dryRun: boolean
  summary: { created: number; updated: number; unchanged: number }
  items: ImportItem[]
}

const bodyProblem = (reason: Bilingual) => Problems.invalid('body', reason, 'body')

const tooMany = (n: number) => bodyProblem({ zh: `包含${n}行，超过上限${MAX_IMPORT_ROWS}行`, en: `has ${n} rows, more than the ${MAX_IMPORT_ROWS} allowed` })

/** JSON: an array of rows, or `{ members: [...] }`. The HTTP schema has checked that shape already; a file read by a command line has not. */
export function rowsFromJson(body: unknown): ImportRowInput[] {
  const list = Array.isArray(body) ? body : (body as { members?: unknown } | null)?.members
  if (!Array.isArray(list)) throw bodyProblem({ zh: '须为成员数组，或含“members”数组的对象', en: 'must be an array of members or an object with a "members" array' })
  return list.map((values, i) => ({ row: i + 1, values: (values ?? {}) as Record<string, unknown> }))
}

/**
 * CSV with a header line naming the columns (group, sub and name at least), as a spreadsheet
 * saves it: a byte-order mark at the start (Excel's "CSV UTF-8"), quoted fields with commas or
 * line breaks, CRLF line ends, blank lines. A row is cited by the line it starts on, which is its
 * row number in the spreadsheet; the header is line 1.
 */
export function rowsFromCsv(text: string, fields: readonly string[] = IMPORT_FIELDS, required: readonly string[] = REQUIRED): ImportRowInput[] {
  let records: Array<{ record: string[]; info: { lines: number; empty_lines: number } }>
  try {
    // csv-parse counts a CRLF inside a quoted field as two lines: read as LF, rows keep their line numbers.
    records = parse(text.replaceAll('\r\n', '\n'), { bom: true, info: true, skip_empty_lines: true, trim: true, relax_column_count: false }) as unknown as typeof records
  } catch (err) {
    const e = err as Error & { lines?: number }
    throw bodyProblem({ zh: `不是有效的CSV（第${e.lines}行）：${e.message}`, en: `is not valid CSV (line ${e.lines}): ${e.message}` })
  }
  const [header, ...rows] = records
  if (header === undefined) throw bodyProblem({ zh: '为空，须以列名行开头', en: 'is empty: it must start with a header line' })
  const columns = header.record
  const headerErrors: InvalidParam[] = []
  columns.forEach((c, i) => {
    if (!fields.includes(c)) headerErrors.push({ row: 1, field: c, message: { zh: `不是可导入的列，可用的列为${fields.join('、')}`, en: `is not a column of the import: ${fields.join(', ')}` } })
    else if (columns.indexOf(c) !== i) headerErrors.push({ row: 1, field: c, message: { zh: '列名重复', en: 'is a column named twice' } })
  })
  for (const c of required.filter((r) => !columns.includes(r))) headerErrors.push({ row: 1, field: c, message: { zh: '是必需的列', en: 'is a column the import needs' } })
  if (headerErrors.length > 0) throw rowProblem(headerErrors)
  let previous = header.info
  return rows.map(({ record, info }) => {
    // info.lines is the line a record ends on: a quoted field may span lines.
    const row = previous.lines + 1 + info.empty_lines - previous.empty_lines
    previous = info
    return { row, values: Object.fromEntries(columns.map((c, i) => [c, record[i]])) }
  })
}

/** Every bad row at once, each cited by its row (`row`) and field: the file can be fixed in one pass. */
export function rowProblem(errors: InvalidParam[]) {
  const rows = new Set(errors.map((e) => e.row)).size
  return Problems.validation(
    { zh: `导入文件有${rows}行存在错误，未导入任何成员`, en: rows === 1 ? '1 row of the import is wrong; no member was imported' : `${rows} rows of the import are wrong; no member was imported` },
    errors.sort((a, b) => a.row! - b.row!) as [InvalidParam, ...InvalidParam[]]
  )
}

const NOT_STRING: Bilingual = { zh: '须为字符串', en: 'must be a string' }
const REQUIRED_MESSAGE: Bilingual = { zh: '为必填项', en: 'is required' }
const NUL: Bilingual = { zh: '不得包含NUL字符', en: 'must not contain NUL characters' }
const tooLong = (n: number): Bilingual => ({ zh: `长度不得超过${n}个字符`, en: `must be at most ${n} characters` })

interface CheckedRow extends GroupMember {
  row: number
}

/** The row's own fields; what needs the database or the other rows comes after. */
function checkFields(input: ImportRowInput, errors: InvalidParam[]): CheckedRow | null {
  const { row, values } = input
  const before = errors.length
  const fail = (field: string, message: Bilingual) => errors.push({ row, field, message })
  if (typeof values !== 'object' || Array.isArray(values)) {
    fail('row', { zh: '须为对象', en: 'must be an object' })
    return null
  }
  for (const k of Object.keys(values)) if (!(IMPORT_FIELDS as readonly string[]).includes(k)) fail(k, { zh: '不是可导入的字段', en: 'is not a field of the import' })
  // Empty cells of a spreadsheet and absent or null JSON fields mean the same: not given (null).
  // A value found wrong is undefined, so that it is not also reported as missing.
  const text = (field: ImportField, max: number): string | null | undefined => {
    const v = values[field]
    if (v === undefined || v === null || v === '') return null
    const wrong = typeof v !== 'string' ? NOT_STRING : v.includes('\u0000') ? NUL : [...v].length > max ? tooLong(max) : null
    if (wrong === null) return v as string
    fail(field, wrong)
    return undefined
  }
  const required = (field: ImportField, max: number) => {
    const v = text(field, max)
    if (v === null) fail(field, REQUIRED_MESSAGE)
    return v
  }
  const group = required('group', 64)
  const sub = required('sub', 200)
  const name = required('name', 200)
  const homeDepartment = text('homeDepartment', 64)
  const position = text('position', 32) ?? 'member'
  if (!(POSITIONS as readonly string[]).includes(position)) fail('position', mustBeOneOf(POSITIONS))
  if (errors.length > before) return null
  return { row, orgUnit: group!, sub: sub!, name: name!, homeDepartment: homeDepartment!, position: position as Position }
}

async function kindsOf(db: Knex, ids: readonly string[]): Promise<Map<string, string>> {
  const kinds = new Map<string, string>()
  // In slices: a bound parameter per id, and SQLite allows a limited number per statement.
  for (let i = 0; i < ids.length; i += 500) {
    const found = (await db('org_units').whereIn('id', ids.slice(i, i + 500)).select('id', 'kind')) as Array<{ id: string; kind: string }>
    for (const u of found) kinds.set(u.id, u.kind)
  }
  return kinds
}

const SEAT_NAMES: Record<(typeof SEATS)[number], Bilingual> = { chair: { zh: '组长', en: 'chair' }, deputy_chair: { zh: '副组长', en: 'deputy chair' } }

/** What the rows change, against the members stored: created, updated (field by field), unchanged. */
function plan(rows: readonly CheckedRow[], stored: readonly StoredMember[]): { items: ImportItem[]; changes: MemberChange[] } {
  const key = (group: string, sub: string) => `${group}\u0000${sub}`
  const byKey = new Map(stored.map((m) => [key(m.orgUnit, m.sub), m]))
  const named = new Set(rows.map((r) => key(r.orgUnit, r.sub)))
  const items: ImportItem[] = []
  const changes: MemberChange[] = []
  const demotions: MemberChange[] = []
  const record = (row: number | null, before: StoredMember | null, after: GroupMember) => {
    const member = { name: after.name, homeDepartment: after.homeDepartment, position: after.position }
    if (before === null) {
      items.push({ row, group: after.orgUnit, sub: after.sub, outcome: 'created', changes: {}, member })
      changes.push({ before, after })
      return
    }
    const diff: ImportItem['changes'] = {}
    for (const f of ['name', 'homeDepartment', 'position'] as const) if (before[f] !== after[f]) diff[f] = { from: before[f], to: after[f] }
    if (before.removedAt !== null) diff.removedAt = { from: before.removedAt, to: null }
    const changed = Object.keys(diff).length > 0
    items.push({ row, group: after.orgUnit, sub: after.sub, outcome: changed ? 'updated' : 'unchanged', changes: diff, member })
    if (changed) (row === null ? demotions : changes).push({ before, after })
  }
  for (const r of rows) {
    const { row: _row, ...after } = r
    record(r.row, byKey.get(key(r.orgUnit, r.sub)) ?? null, after)
  }
  // A seat the file gives away: its holder, when the file does not name it, becomes a member.
  for (const r of rows.filter((x) => x.position !== 'member')) {
    for (const holder of stored.filter((m) => m.orgUnit === r.orgUnit && m.removedAt === null && m.position === r.position && !named.has(key(m.orgUnit, m.sub)))) {
      record(null, holder, { ...holder, position: 'member' })
    }
  }
  // The history says the seat was given up before it was taken, as it is written.
  return { items, changes: [...demotions, ...changes] }
}

/**
 * Checks every row (its fields; a group that is a city or district; a home department that
 * is a department; a member named once per group; one chair and one deputy chair per group)
 * and, unless `dryRun`, writes them in one transaction with their history. Any bad row is a
 * 400 listing every bad row, and nothing is written.
 */
export async function importMembers(db: Knex, input: readonly ImportRowInput[], opts: ImportOptions): Promise<ImportReport> {
  if (input.length > MAX_IMPORT_ROWS) throw tooMany(input.length)
  const errors: InvalidParam[] = []
  const checked = input.map((r) => checkFields(r, errors))
  const rows = checked.filter((r): r is CheckedRow => r !== null)
  const kinds = await kindsOf(db, [...new Set(rows.flatMap((r) => [r.orgUnit, ...(r.homeDepartment === null ? [] : [r.homeDepartment])]))])
  const seen = new Map<string, number>()
  const seats = new Map<string, number>()
  for (const r of rows) {
    const fail = (field: string, message: Bilingual) => errors.push({ row: r.row, field, message })
    const kind = kinds.get(r.orgUnit)
    if (kind !== 'city' && kind !== 'district') fail('group', { zh: `“${r.orgUnit}”不是市或区：领导小组设在市、区两级`, en: `"${r.orgUnit}" is not a city or district, where leading groups sit` })
    if (r.homeDepartment !== null && kinds.get(r.homeDepartment) !== 'department') fail('homeDepartment', { zh: `“${r.homeDepartment}”不是部门`, en: `"${r.homeDepartment}" is not a department` })
    const member = `${r.orgUnit}\u0000${r.sub}`
    const first = seen.get(member)
    if (first !== undefined) fail('sub', { zh: `与第${first}行重复：同一成员在同一小组中只能出现一次`, en: `is named in row ${first} already for this group` })
    else seen.set(member, r.row)
    if (r.position !== 'member') {
      const seat = `${r.orgUnit}\u0000${r.position}`
      const holder = seats.get(seat)
      const name = SEAT_NAMES[r.position]
      if (holder !== undefined) fail('position', { zh: `第${holder}行已任命该小组的${name.zh}：每个小组只有一名${name.zh}`, en: `row ${holder} names this group's ${name.en} already: a group has one` })
      else seats.set(seat, r.row)
    }
  }
  if (errors.length > 0) throw rowProblem(errors)
  return db.transaction(async (trx) => {
    const { items, changes } = plan(rows, await storedMembers(trx, [...new Set(rows.map((r) => r.orgUnit))]))
    if (!opts.dryRun) await writeMemberChanges(trx, changes, { ...opts.actor, via: 'import' }, opts.now)
    const count = (o: ImportItem['outcome']) => items.filter((i) => i.outcome === o).length
    return { dryRun: opts.dryRun, summary: { created: count('created'), updated: count('updated'), unchanged: count('unchanged') }, items }
  })
}
