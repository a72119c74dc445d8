import type { Knex } from 'knex'
import type { OrgKind } from '../roles.js'

export interface OrgUnit {
  id: string
  kind: OrgKind
  name: string
  parentId: string | null
  sector: string | null
}

interface DbOrgUnitRow {
  id: string
  kind: OrgKind
  name: string
  parent_id: string | null
  sector: string | null
}

const fromRow = (r: DbOrgUnitRow): OrgUnit => ({ id: r.id, kind: r.kind, name: r.name, parentId: r.parent_id, sector: r.sector })

export async function getOrgUnit(db: Knex, id: string): Promise<OrgUnit | null> {
  const row = await db<DbOrgUnitRow>('org_units').where({ id }).first()
  return row ? fromRow(row) : null
}

export interface OrgUnitQuery {
  parentId?: string
  kind?: OrgKind
  /** Part of the name, or the start of the id. */
  q?: string
  offset: number
  limit: number
}

/** LIKE treats % and _ as wildcards: a name searched for is searched for as written. */
const literal = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/** Org units in id order, one page, and the offset of the next page (null when this one is the last). */
export async function listOrgUnits(db: Knex, query: OrgUnitQuery): Promise<{ items: OrgUnit[]; next: number | null }> {
  const q = db<DbOrgUnitRow>('org_units')
  if (query.parentId !== undefined) q.where('parent_id', query.parentId)
  if (query.kind !== undefined) q.where('kind', query.kind)
  if (query.q !== undefined) {
    const text = literal(query.q)
    // lower() on both sides: SQLite's LIKE ignores ASCII case and PostgreSQL's does not; both answer alike.
    q.where((w) => w.whereRaw("lower(name) like lower(?) escape '\\'", [`%${text}%`]).orWhereRaw("lower(id) like lower(?) escape '\\'", [`${text}%`]))
  }
  const rows = await q.orderBy('id').offset(query.offset).limit(query.limit + 1)
  return { items: rows.slice(0, query.limit).map(fromRow), next: rows.length > query.limit ? query.offset + query.limit : null }
}

export async function insertOrgUnit(db: Knex, unit: OrgUnit, now: string): Promise<void> {
  await db('org_units').insert({
    id: unit.id,
    kind: unit.kind,
    name: unit.name,
    parent_id: unit.parentId,
    sector: unit.sector,
    created_at: now
  })
}

/**
 * The city or district whose leading group decides for a department (wuhan-2015 解读3):
 * a city department's is the city, a district or street department's the district.
 */
export function jurisdictionOf(departmentLineage: OrgUnit[]): OrgUnit {
  // PARENT_KINDS puts every department under a city, district or street, so one is always found.
  return departmentLineage.find((u) => u.kind === 'city' || u.kind === 'district')!
}

/** Which parent kinds each kind of unit may hang under. */
export const PARENT_KINDS: Record<OrgKind, readonly (OrgKind | null)[]> = {
  city: [null],
  district: ['city'],
  street: ['district'],
  community: ['street'],
  department: ['city', 'district', 'street']
}
