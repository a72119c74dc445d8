import type { Knex } from 'knex'
import { writeRosterChanges, type Roster, type RosterActor, type RosterChange, type RosterChangeKind } from '../platform/roster.js'
import { chinaDate } from '../clock.js'

/**
 * The members of a community's residents' deliberation council (议事会): elected by the residents'
 * representatives' meeting, usually 7 to 15, with a chair (主任) and a vice chair (副主任)
 * (zhangjiagang-2016 四(二)四). Party membership is recorded, never enforced: the document wants
 * about 40 % party members and the chair in principle one (四(一)二). Members are data, not
 * principals: a council meeting's record names them by their id here.
 */
export const COUNCIL_POSITIONS = ['chair', 'vice_chair', 'member'] as const
export type CouncilPosition = (typeof COUNCIL_POSITIONS)[number]

export interface CouncilMember {
  community: string
  sub: string
  name: string
  position: CouncilPosition
  partyMember: boolean
  termStart: string
  termEnd: string
}

export interface StoredCouncilMember extends CouncilMember {
  removedAt: string | null
}

export type CouncilChangeActor = RosterActor

interface DbRow {
  community_id: string
  sub: string
  name: string
  position: CouncilPosition
  party_member: boolean | number
  term_start: string
  term_end: string
  removed_at: string | null
}

const fromRow = (r: DbRow): StoredCouncilMember => ({
  community: r.community_id,
  sub: r.sub,
  name: r.name,
  position: r.position,
  // SQLite hands booleans back as 0 and 1.
  partyMember: Boolean(r.party_member),
  termStart: r.term_start,
  termEnd: r.term_end,
  removedAt: r.removed_at
})

export const plainMember = ({ removedAt: _removed, ...m }: StoredCouncilMember): CouncilMember => m

/** Every row of the council, members who left included, in the order they were added. */
export async function storedCouncil(db: Knex, community: string): Promise<StoredCouncilMember[]> {
  return ((await db('council_members').where({ community_id: community }).orderBy('seq')) as DbRow[]).map(fromRow)
}

/** The council as it stands: members who left are not in it. */
export async function currentCouncil(db: Knex, community: string): Promise<CouncilMember[]> {
  return (await storedCouncil(db, community)).filter((m) => m.removedAt === null).map(plainMember)
}

/**
 * The members who sat on the council on `day`: within their term, and not yet removed by then
 * (a meeting may be recorded days after it was held, by which time a member may have left).
 */
export async function sittingOn(db: Knex, community: string, day: string): Promise<CouncilMember[]> {
  return (await storedCouncil(db, community))
    .filter((m) => m.termStart <= day && day <= m.termEnd && (m.removedAt === null || chinaDate(new Date(m.removedAt)) > day))
    .map(plainMember)
}

export type CouncilMemberChange = RosterChange<StoredCouncilMember, CouncilMember>

const COUNCIL_ROSTER: Roster<StoredCouncilMember, CouncilMember> = {
  table: 'council_members',
  historyTable: 'council_member_changes',
  scopeColumn: 'community_id',
  scopeOf: (m) => m.community,
  columns: (m) => ({ name: m.name, position: m.position, party_member: m.partyMember, term_start: m.termStart, term_end: m.termEnd }),
  vacated: { position: 'member' },
  plain: plainMember
}

/** Writes changes in `trx`, each with its history entry (see `writeRosterChanges`). */
export const writeCouncilChanges = (trx: Knex.Transaction, changes: readonly CouncilMemberChange[], actor: CouncilChangeActor, now: string): Promise<void> =>
  writeRosterChanges(trx, COUNCIL_ROSTER, changes, actor, now)

/** The changes that give `m` its seat: whoever holds it now becomes a member in the same write. */
export function councilSeatChanges(members: readonly CouncilMember[], m: CouncilMember): CouncilMemberChange[] {
  if (m.position === 'member') return []
  return members
    .filter((o) => o.position === m.position && o.sub !== m.sub)
    .map((o) => ({ before: { ...o, removedAt: null }, after: { ...o, position: 'member' as const } }))
}

export interface CouncilHistoryEntry {
  seq: number
  sub: string
  change: RosterChangeKind
  before: CouncilMember | null
  after: CouncilMember | null
  via: CouncilChangeActor['via']
  actor: { sub: string; role: string }
  at: string
}

interface DbChangeRow {
  seq: number
  sub: string
  change: CouncilHistoryEntry['change']
  before: string | null
  after: string | null
  via: CouncilChangeActor['via']
  actor_sub: string
  actor_role: string
  at: string
}

const parsed = (v: string | null): CouncilMember | null => (v === null ? null : (JSON.parse(v) as CouncilMember))

/** The council's membership changes, oldest first, a page after `afterSeq`. */
export async function councilHistory(db: Knex, community: string, afterSeq: number, limit: number): Promise<{ items: CouncilHistoryEntry[]; nextSeq: number | null }> {
  const rows = (await db('council_member_changes').where({ community_id: community }).where('seq', '>', afterSeq).orderBy('seq').limit(limit + 1)) as DbChangeRow[]
  const page = rows.slice(0, limit)
  const items = page.map((r) => ({
    seq: Number(r.seq),
    sub: r.sub,
    change: r.change,
    before: parsed(r.before),
    after: parsed(r.after),
    via: r.via,
    actor: { sub: r.actor_sub, role: r.actor_role },
    at: r.at
  }))
  return { items, nextSeq: rows.length > limit ? items.at(-1)!.seq : null }
}
