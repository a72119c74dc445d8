import type { Knex } from 'knex'
import { writeRosterChanges, type Roster, type RosterActor, type RosterChange, type RosterChangeKind } from '../platform/roster.js'

export const POSITIONS = ['chair', 'deputy_chair', 'member'] as const
export type Position = (typeof POSITIONS)[number]

/** The seats a group has one of at most. */
export const SEATS = ['chair', 'deputy_chair'] as const satisfies readonly Position[]

export interface GroupMember {
  orgUnit: string
  sub: string
  name: string
  homeDepartment: string | null
  position: Position
}

/** A member as stored: one who left the group keeps its row, with the time it left. */
export interface StoredMember extends GroupMember {
  removedAt: string | null
}

/** Who changed a group's membership, and through what: the API or a bulk import. */
export type ChangeActor = RosterActor

interface DbGroupMemberRow {
  org_unit_id: string
  sub: string
  name: string
  home_department_id: string | null
  position: Position
  removed_at: string | null
}

const fromRow = (r: DbGroupMemberRow): StoredMember => ({
  orgUnit: r.org_unit_id,
  sub: r.sub,
  name: r.name,
  homeDepartment: r.home_department_id,
  position: r.position,
  removedAt: r.removed_at
})

const plain = ({ removedAt: _removed, ...m }: StoredMember): GroupMember => m

/** The group as it stands: members who left are not in it. */
export async function listMembers(db: Knex, orgUnit: string): Promise<GroupMember[]> {
  const rows = (await db('group_members').where({ org_unit_id: orgUnit }).whereNull('removed_at').orderBy('seq')) as DbGroupMemberRow[]
  return rows.map((r) => plain(fromRow(r)))
}

/** Every row of these groups, members who left included: what an import is compared with. */
export async function storedMembers(db: Knex, orgUnits: readonly string[]): Promise<StoredMember[]> {
  const rows = (await db('group_members').whereIn('org_unit_id', orgUnits).orderBy('seq')) as DbGroupMemberRow[]
  return rows.map(fromRow)
}

export async function findMember(db: Knex, orgUnit: string, sub: string): Promise<StoredMember | null> {
  const row = (await db('group_members').where({ org_unit_id: orgUnit, sub }).first()) as DbGroupMemberRow | undefined
  return row === undefined ? null : fromRow(row)
}

/** Seeds a member without a history entry: the demo city, before anybody acts. */
export async function insertMember(db: Knex, m: GroupMember, now: string): Promise<void> {
  await db('group_members').insert({
    org_unit_id: m.orgUnit,
    sub: m.sub,
    name: m.name,
    home_department_id: m.homeDepartment,
    position: m.position,
    chair: m.position === 'chair',
    created_at: now
  })
}

export type MemberChange = RosterChange<StoredMember, GroupMember>

const GROUP_ROSTER: Roster<StoredMember, GroupMember> = {
  table: 'group_members',
  historyTable: 'group_member_changes',
  scopeColumn: 'org_unit_id',
  scopeOf: (m) => m.orgUnit,
  // `chair` is kept beside `position` for readers of the release before positions.
  columns: (m) => ({ name: m.name, home_department_id: m.homeDepartment, position: m.position, chair: m.position === 'chair' }),
  vacated: { position: 'member', chair: false },
  plain
}

/** Writes changes in `trx`, each with its history entry (see `writeRosterChanges`). */
export const writeMemberChanges = (trx: Knex.Transaction, changes: readonly MemberChange[], actor: ChangeActor, now: string): Promise<void> => writeRosterChanges(trx, GROUP_ROSTER, changes, actor, now)

export interface MemberHistoryEntry {
  seq: number
  sub: string
  change: RosterChangeKind
  before: GroupMember | null
  after: GroupMember | null
  via: ChangeActor['via']
  actor: { sub: string; role: string }
  at: string
}

interface DbChangeRow {
  seq: number
  sub: string
  change: MemberHistoryEntry['change']
  before: string | null
  after: string | null
  via: ChangeActor['via']
  actor_sub: string
  actor_role: string
  at: string
}

const parsed = (v: string | null): GroupMember | null => (v === null ? null : (JSON.parse(v) as GroupMember))

/** A group's membership changes, oldest first, a page after `afterSeq`; `nextSeq` is null on the last page. */
export async function memberHistory(db: Knex, orgUnit: string, afterSeq: number, limit: number): Promise<{ items: MemberHistoryEntry[]; nextSeq: number | null }> {
  const rows = (await db('group_member_changes').where({ org_unit_id: orgUnit }).where('seq', '>', afterSeq).orderBy('seq').limit(limit + 1)) as DbChangeRow[]
  const page = rows.slice(0, limit)
  const items = page.map((r) => ({
    seq: r.seq,
    sub: r.sub,
    change: r.change,
    before: parsed(r.before),
    after: parsed(r.after),
    via: r.via,
    actor: { sub: r.actor_sub, role: r.actor_role },
    at: r.at
  }))
  return { items, nextSeq: rows.length > limit ? page.at(-1)!.seq : null }
}

/**
 * The changes that give `m` its seat: whoever holds the seat now is demoted to member in the
 * same write (the group has one chair, one deputy chair).
 */
export function seatChanges(members: readonly GroupMember[], m: GroupMember): MemberChange[] {
  if (m.position === 'member') return []
  return members
    .filter((o) => o.position === m.position && o.sub !== m.sub)
    .map((o) => ({ before: { ...o, removedAt: null }, after: { ...o, position: 'member' as const } }))
}
