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
