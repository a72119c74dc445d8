import type { Knex } from 'knex'
import type { OrgKind } from '../roles.js'

export interface OrgUnit {
  id: string
  kind: OrgKind
  name: string
  parentId: string | null
  sector: string | null
  /** When the unit was closed: it keeps its history and takes no new work. */
  closedAt: string | null
}

export interface DbOrgUnitRow {
  id: string
  kind: OrgKind
  name: string
  parent_id: string | null
  sector: string | null
  closed_at: string | null
}

export const orgUnitOf = (r: DbOrgUnitRow): OrgUnit => ({ id: r.id, kind: r.kind, name: r.name, parentId: r.parent_id, sector: r.sector, closedAt: r.closed_at })
const fromRow = orgUnitOf
export const ORG_UNIT_COLUMNS = ['id', 'kind', 'name', 'parent_id', 'sector', 'closed_at'] as const

export async function getOrgUnit(db: Knex, id: string): Promise<OrgUnit | null> {
  const row = await db<DbOrgUnitRow>('org_units').where({ id }).first()
  return row ? fromRow(row) : null
}

export interface OrgUnitQuery {
  parentId?: string
  kind?: OrgKind
  /** Closed units are left out unless asked for. */
  includeClosed?: boolean
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
  if (query.includeClosed !== true) q.whereNull('closed_at')
  if (query.q !== undefined) {
    const text = literal(query.q)
    // lower() on both sides: SQLite's LIKE ignores ASCII case and PostgreSQL's does not; both answer alike.
    q.where((w) => w.whereRaw("lower(name) like lower(?) escape '\\'", [`%${text}%`]).orWhereRaw("lower(id) like lower(?) escape '\\'", [`${text}%`]))
  }
  const rows = await q.orderBy('id').offset(query.offset).limit(query.limit + 1)
  return { items: rows.slice(0, query.limit).map(fromRow), next: rows.length > query.limit ? query.offset + query.limit : null }
}

/** Who changed the tree, as its history records them. */
export interface OrgActor {
  sub: string
  org: string | null
}

type Recorded = Omit<OrgUnit, 'id'>
const recorded = ({ id: _id, ...rest }: OrgUnit): Recorded => rest

/** Writes one unit as it is to be, and keeps the change with the values before and after. */
export async function writeOrgUnit(trx: Knex, before: OrgUnit | null, after: OrgUnit, actor: OrgActor, now: string): Promise<void> {
  const columns = { name: after.name, parent_id: after.parentId, sector: after.sector, closed_at: after.closedAt }
  if (before === null) await trx('org_units').insert({ id: after.id, kind: after.kind, ...columns, created_at: now })
  else await trx('org_units').where({ id: before.id }).update(columns)
  const change = before === null ? 'create' : before.closedAt === null && after.closedAt !== null ? 'close' : before.closedAt !== null && after.closedAt === null ? 'reopen' : 'update'
  await trx('org_unit_changes').insert({
    org_unit_id: after.id,
    change,
    before: before === null ? null : JSON.stringify(recorded(before)),
    after: JSON.stringify(recorded(after)),
    actor_sub: actor.sub,
    actor_org: actor.org,
    at: now
  })
}

/** Once per transaction that changes the tree: every process drops the tree it keeps (OrgDirectory). */
export async function bumpTreeRevision(trx: Knex): Promise<void> {
  await trx('org_tree').where({ id: 1 }).increment('revision', 1)
}

/** Adds one unit (the demo seed and tests; the API goes through the import's checks). */
export async function insertOrgUnit(db: Knex, unit: OrgUnit, now: string, actor: OrgActor): Promise<void> {
  await db.transaction(async (trx) => {
    await writeOrgUnit(trx, null, unit, actor, now)
    await bumpTreeRevision(trx)
  })
}

export interface OrgUnitChange {
  change: string
  before: Recorded | null
  after: Recorded
  actor: OrgActor
  at: string
}

/** A unit's history, oldest first. */
export async function orgUnitChanges(db: Knex, id: string): Promise<OrgUnitChange[]> {
  const rows = await db('org_unit_changes').where({ org_unit_id: id }).orderBy('seq')
  return rows.map((r) => ({
    change: r.change,
    before: r.before === null ? null : JSON.parse(r.before),
    after: JSON.parse(r.after),
    actor: { sub: r.actor_sub, org: r.actor_org },
    at: r.at
  }))
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
