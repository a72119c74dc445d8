import { parse } from 'csv-parse/sync'
import type { Knex } from 'knex'
import { administersAll, type Principal } from '../platform/auth.js'
import type { CurrentPack } from './pack-store.js'
import { Problems, type InvalidParam } from '../platform/errors.js'
import { alternatives, type Bilingual } from '../platform/language.js'
import { ORG_KIND_NAMES, ORG_KINDS, type OrgKind } from '../roles.js'
import { PARENT_KINDS, bumpTreeRevision, orgUnitOf, writeOrgUnit, type DbOrgUnitRow, type OrgUnit } from './org-units.js'

// Adding, renaming, moving, closing and importing units are one operation with one set of
// rules: a proposed set of units, each as it is to be, checked against the whole tree as it
// would be after the change, then written in one transaction or not at all. A unit is never
// deleted (tasks, events and members refer to it by id) and never changes kind (its history
// was made as that kind).

export const ORG_UNIT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]*$'
const ID = new RegExp(ORG_UNIT_ID_PATTERN)

export type UnitField = 'id' | 'kind' | 'name' | 'parentId' | 'sector' | 'closed'
/** Where a proposed unit's field sits in the request: `parentId`, `units[3].parentId`, `line 4: parentId`. */
export type Locate = (index: number, field: UnitField) => string

export type UnitAction = 'create' | 'update' | 'unchanged'

export interface PlannedUnit {
  index: number
  action: UnitAction
  unit: OrgUnit
  /** Each field whose value changes: what it was and what it becomes. */
  changes: Partial<Record<'name' | 'parentId' | 'sector' | 'closed', { from: unknown; to: unknown }>>
}

/** What a change does, unit by unit; a dry run answers with it and stores nothing. */
export interface TreePlan {
  created: number
  updated: number
  unchanged: number
  units: PlannedUnit[]
}

/** Who changes the tree: an admin through the API, or an operator with the CLI (who administers all). */
export interface TreeChanger {
  sub: string
  org: string | null
  administersAll: boolean
}

export const changerOf = (p: Principal): TreeChanger => ({ sub: p.sub, org: p.org, administersAll: administersAll(p) })

/** What checking a change needs: the tree's database, the pack in force (its sectors), the clock. */
export interface TreeContext {
  db: Knex
  packs: CurrentPack
  now: () => Date
}

/** A proposed unit as a client sent it: from JSON with types, from CSV all text. */
export type ProposedUnit = Record<string, unknown>

const MAX_ERRORS = 100

/** A field that may be cleared: undefined when not given, null when cleared ('' in CSV), false when it is no text at all. */
const clearable = (v: unknown): string | null | undefined | false => (v === undefined ? undefined : v === null || v === '' ? null : typeof v === 'string' ? v : false)

/** The closed flag as CSV writes it (true/false, 1/0, yes/no, 是/否) or as JSON does. */
function flag(v: unknown): boolean | null | undefined {
  if (v === undefined || v === '' || v === null) return undefined
  if (typeof v === 'boolean') return v
  if (typeof v !== 'string') return null
  const s = v.trim().toLowerCase()
  if (['true', '1', 'yes', '是'].includes(s)) return true
  if (['false', '0', 'no', '否'].includes(s)) return false
  return null
}

/**
 * Checks every proposed unit against the tree as it would be, and says what each would
 * change. All problems are reported together, each naming its row and field.
 */
export async function planTreeChanges(gate: TreeContext, actor: TreeChanger, proposed: readonly ProposedUnit[], locate: Locate): Promise<TreePlan> {
  const rows = (await gate.db('org_units').select('id', 'kind', 'name', 'parent_id', 'sector', 'closed_at')) as DbOrgUnitRow[]
  const current = new Map(rows.map((r) => [r.id, orgUnitOf(r)]))
  const { pack } = await gate.packs.get(gate.db)
  const sectors = new Set(pack.sectors.map((s) => s.code))
  const now = gate.now().toISOString()
  const errors: InvalidParam[] = []
  const fail = (index: number, field: UnitField, message: Bilingual) => {
    errors.push({ field: locate(index, field), message })
  }

  // 1. Each unit on its own: its shape, and what the stored unit lets change.
  const wanted = new Map<string, { index: number; unit: OrgUnit }>()
  proposed.forEach((raw, index) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      errors.push({ field: locate(index, 'id').replace(/\.id$|: id$/, ''), message: { zh: '须为对象', en: 'must be an object' } })
      return
    }
    const known = new Set<string>(['id', 'kind', 'name', 'parentId', 'sector', 'closed'])
    for (const key of Object.keys(raw)) {
      if (!known.has(key)) errors.push({ field: locate(index, key as UnitField), message: { zh: '不是机构的字段', en: 'is not a field of an org unit' } })
    }
    const id = raw.id
    if (typeof id !== 'string' || id.length === 0 || id.length > 64 || !ID.test(id)) {
      return fail(index, 'id', { zh: '须为1至64位字母、数字、点、横线或下划线，以字母或数字开头', en: 'must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit' })
    }
    if (wanted.has(id)) return fail(index, 'id', { zh: `“${id}”在本次导入中重复出现`, en: `"${id}" appears more than once` })
    const before = current.get(id) ?? null
    const kind = raw.kind === undefined || raw.kind === '' ? before?.kind : raw.kind
    if (typeof kind !== 'string' || !(ORG_KINDS as readonly string[]).includes(kind)) {
      return fail(index, 'kind', { zh: `须为${alternatives([...ORG_KINDS]).zh}之一`, en: `must be one of ${ORG_KINDS.join(', ')}` })
    }
    if (before !== null && kind !== before.kind) {
      return fail(index, 'kind', { zh: `“${id}”是${ORG_KIND_NAMES[before.kind].zh}，类别不可更改`, en: `"${id}" is a ${before.kind}; a unit's kind never changes` })
    }
    const name = raw.name === undefined ? before?.name : typeof raw.name === 'string' ? raw.name.trim() : null
    if (typeof name !== 'string' || name.length === 0 || name.length > 200) {
      return fail(index, 'name', { zh: '须为1至200个字符', en: 'must be 1 to 200 characters' })
    }
    const parentId = clearable(raw.parentId)
    const sector = clearable(raw.sector)
    if (parentId === false) return fail(index, 'parentId', { zh: '须为机构编号或null', en: 'must be an org unit id or null' })
    if (sector === false) return fail(index, 'sector', { zh: '须为行业领域代码或null', en: 'must be a sector code or null' })
    const closed = flag(raw.closed)
    if (closed === null) return fail(index, 'closed', { zh: '须为true或false', en: 'must be true or false' })
    const wasClosed = before?.closedAt !== null && before?.closedAt !== undefined
    const unit: OrgUnit = {
      id,
      kind: kind as OrgKind,
      name,
      parentId: parentId === undefined ? (before?.parentId ?? null) : parentId,
      sector: sector === undefined ? (before?.sector ?? null) : sector,
      closedAt: (closed ?? wasClosed) ? (wasClosed ? before!.closedAt : now) : null
    }
    wanted.set(id, { index, unit })
  })

  // 2. Each unit in the tree as it would be: parents of the right kind, open, no cycles, sectors of the pack.
  const after = new Map(current)
  for (const { unit } of wanted.values()) after.set(unit.id, unit)
  for (const { index, unit } of wanted.values()) {
    const parent = unit.parentId === null ? null : after.get(unit.parentId)
    const allowed = PARENT_KINDS[unit.kind]
    const kindName = ORG_KIND_NAMES[unit.kind]
    if (parent === undefined) {
      fail(index, 'parentId', { zh: `“${unit.parentId}”不存在`, en: `"${unit.parentId}" does not exist` })
    } else if (!allowed.includes(parent?.kind ?? null)) {
      const under = alternatives(allowed.filter((k) => k !== null).map((k) => ORG_KIND_NAMES[k].zh))
      fail(index, 'parentId', {
        zh: allowed.includes(null) ? `${kindName.zh}不得有上级机构` : `${kindName.zh}的上级须为${under.zh}`,
        en: `a ${unit.kind} must sit under ${allowed.map((k) => k ?? 'nothing').join(' or ')}`
      })
    } else if (parent !== null && parent.closedAt !== null && unit.closedAt === null) {
      fail(index, 'parentId', { zh: `“${parent.id}”已撤销，其下不能有未撤销的机构`, en: `"${parent.id}" is closed: no open unit sits under it` })
    }
    // No move can put a unit under itself: each kind sits only under kinds above it (PARENT_KINDS).
    if (unit.kind === 'department') {
      if (unit.sector === null) fail(index, 'sector', { zh: '在kind为department时为必填项', en: 'is required for a department' })
      else if (!sectors.has(unit.sector)) fail(index, 'sector', { zh: `“${unit.sector}”不是政策包中的行业领域`, en: `"${unit.sector}" is not a sector of the policy pack` })
    } else if (unit.sector !== null) {
      fail(index, 'sector', { zh: '仅适用于部门', en: 'is only for departments' })
    }
    if (unit.closedAt !== null) {
      const open = [...after.values()].filter((u) => u.parentId === unit.id && u.closedAt === null).sort((a, b) => a.id.localeCompare(b.id))
      if (open.length > 0) {
        fail(index, 'closed', {
          zh: `“${unit.id}”下仍有${open.length}个未撤销的机构（${open.slice(0, 3).map((u) => u.id).join('、')}），须先撤销或移走`,
          en: `${open.length} open units still sit under "${unit.id}" (${open.slice(0, 3).map((u) => u.id).join(', ')}): close or move them first`
        })
      }
    }
  }
  if (errors.length > 0) throw invalidUnits(errors)

  // 3. What each unit does, and whether this admin may do it: where the unit is now, and where it goes.
  const units: PlannedUnit[] = []
  for (const { index, unit } of wanted.values()) {
    const before = current.get(unit.id) ?? null
    const changes: PlannedUnit['changes'] = {}
    if (before !== null) {
      if (before.name !== unit.name) changes.name = { from: before.name, to: unit.name }
      if (before.parentId !== unit.parentId) changes.parentId = { from: before.parentId, to: unit.parentId }
      if (before.sector !== unit.sector) changes.sector = { from: before.sector, to: unit.sector }
      if ((before.closedAt === null) !== (unit.closedAt === null)) changes.closed = { from: before.closedAt !== null, to: unit.closedAt !== null }
    }
    const action: UnitAction = before === null ? 'create' : Object.keys(changes).length > 0 ? 'update' : 'unchanged'
    if (action !== 'unchanged') {
      const reaches = (tree: Map<string, OrgUnit>, id: string | null) => actor.administersAll || (id !== null && actor.org !== null && ancestry(tree, id).includes(actor.org))
      // An update needs the unit where it is now; a creation or a move needs where it goes too.
      const moves = before === null || before.parentId !== unit.parentId
      if ((before !== null && !reaches(current, before.id)) || (moves && !reaches(after, unit.parentId))) {
        fail(index, 'id', {
          zh: unit.parentId === null ? `只有市级管理员可以新建或调整无上级的机构` : `“${unit.id}”不在${actor.org}管理员的管辖范围内`,
          en: unit.parentId === null ? 'only an admin of a whole city changes a unit without a parent' : `"${unit.id}" is outside what the admin of ${actor.org} administers`
        })
      }
    }
    units.push({ index, action, unit, changes })
  }
  if (errors.length > 0) throw Problems.forbidden(errors[0]!.message)
  return {
    created: units.filter((u) => u.action === 'create').length,
    updated: units.filter((u) => u.action === 'update').length,
    unchanged: units.filter((u) => u.action === 'unchanged').length,
    units
  }
}

function ancestry(tree: Map<string, OrgUnit>, id: string): string[] {
  const seen: string[] = []
  for (let unit = tree.get(id); unit !== undefined && !seen.includes(unit.id); unit = unit.parentId === null ? undefined : tree.get(unit.parentId)) seen.push(unit.id)
  return seen
}

function invalidUnits(errors: InvalidParam[]) {
  const first = errors[0]!
  if (errors.length === 1) return Problems.invalid(first.field, first.message)
  return Problems.validation(
    { zh: `有${errors.length}处不符合要求，未作任何更改`, en: `${errors.length} problems; nothing was changed` },
    errors.slice(0, MAX_ERRORS) as [InvalidParam, ...InvalidParam[]]
  )
}

/** As the members import answers: a summary, and each unit created or updated (unchanged ones are only counted). */
export const planView = (plan: TreePlan, dryRun: boolean, rowOf: (index: number) => number) => ({
  dryRun,
  summary: { created: plan.created, updated: plan.updated, unchanged: plan.unchanged },
  items: plan.units
    .filter((u) => u.action !== 'unchanged')
    .map((u) => ({ row: rowOf(u.index), id: u.unit.id, outcome: u.action === 'create' ? ('created' as const) : ('updated' as const), changes: u.changes }))
})

/** Writes a checked plan in one transaction, parents before the units under them. */
export async function applyTreePlan(db: Knex, plan: TreePlan, actor: TreeChanger, now: string): Promise<void> {
  const changed = plan.units.filter((u) => u.action !== 'unchanged')
  if (changed.length === 0) return
  const tree = new Map(changed.map((u) => [u.unit.id, u.unit]))
  const depth = (u: OrgUnit): number => (u.parentId !== null && tree.has(u.parentId) ? 1 + depth(tree.get(u.parentId)!) : 0)
  const ordered = [...changed].sort((a, b) => depth(a.unit) - depth(b.unit))
  await db.transaction(async (trx) => {
    const stored = new Map(
      ((await trx('org_units').whereIn('id', ordered.filter((u) => u.action === 'update').map((u) => u.unit.id)).select('id', 'kind', 'name', 'parent_id', 'sector', 'closed_at')) as DbOrgUnitRow[]).map((r) => [
        r.id,
        orgUnitOf(r)
      ])
    )
    for (const u of ordered) await writeOrgUnit(trx, stored.get(u.unit.id) ?? null, u.unit, { sub: actor.sub, org: actor.org }, now)
    await bumpTreeRevision(trx)
  })
}

/** The CSV columns of an org tree import; the JSON form has the same fields. */
export const ORG_CSV_COLUMNS = ['id', 'kind', 'name', 'parentId', 'sector', 'closed'] as const
export const MAX_IMPORT_ROWS = 20000

/** An import's units, and how to name each one's place in the file. */
export interface ImportedUnits {
  rows: ProposedUnit[]
  rowOf: (index: number) => number
  locate: Locate
}

/** Units of a JSON import, each named by its place in `units`. */
export function unitsFromJson(units: ProposedUnit[]): ImportedUnits {
  return { rows: units, rowOf: (i: number) => i, locate: (i: number, field: string) => `units[${i}].${field}` }
}

/** CSV as a spreadsheet saves it: a header line, quoted fields, a BOM perhaps; each unit named by its line. */
export function unitsFromCsv(body: string): ImportedUnits {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>
  try {
    // csv-parse counts a CRLF inside a quoted field as two lines: read as LF, units keep their line numbers.
    records = parse(body.replace(/\r\n/g, '\n'), { bom: true, columns: true, skip_empty_lines: true, trim: true, info: true, relax_column_count: false })
  } catch (err) {
    throw Problems.invalid('body', { zh: `不是有效的CSV：${(err as Error).message}`, en: `is not valid CSV: ${(err as Error).message}` }, 'body')
  }
  const header = records[0] === undefined ? [] : Object.keys(records[0].record)
  const unknown = header.filter((c) => !(ORG_CSV_COLUMNS as readonly string[]).includes(c))
  if (records.length === 0 || unknown.length > 0 || !header.includes('id')) {
    throw Problems.invalid('header', {
      zh: `CSV首行须为列名，可用的列为${ORG_CSV_COLUMNS.join('、')}，且须有id${unknown.length > 0 ? `；不认识的列：${unknown.join('、')}` : ''}`,
      en: `the first CSV line names the columns, of ${ORG_CSV_COLUMNS.join(', ')}, id among them${unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''}`
    })
  }
  if (records.length > MAX_IMPORT_ROWS) throw Problems.invalid('body', { zh: `最多${MAX_IMPORT_ROWS}行`, en: `has more than ${MAX_IMPORT_ROWS} rows` }, 'body')
  // A cell left empty in a column the row has means "no value"; a column the file lacks means "keep".
  const rows = records.map(({ record }) => Object.fromEntries(Object.entries(record).filter(([k, v]) => v !== '' || k === 'parentId' || k === 'sector')))
  const lines = records.map(({ info }) => info.lines)
  return { rows, rowOf: (i: number) => lines[i]!, locate: (i: number, field: string) => `line ${lines[i]}: ${field}` }
}
