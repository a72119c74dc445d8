import type { Knex } from 'knex'

/**
 * A roster of people holding seats: a leading group's members, a residents' council's. Its rows
 * are never deleted (a removed member keeps its row, marked `removed_at`, because records name
 * it), and every change is written with its entry in a history table, in one transaction.
 */
export interface Roster<Stored extends Plain & { removedAt: string | null }, Plain extends { sub: string; position: string }> {
  table: string
  historyTable: string
  /** The column naming whose roster a row belongs to (the group's unit, the council's community). */
  scopeColumn: string
  scopeOf: (m: Plain) => string
  /** The columns a member's facts are stored in. */
  columns: (m: Plain) => Record<string, unknown>
  /** What a holder's row becomes when it gives up its seat to another change of the same write. */
  vacated: Record<string, unknown>
  /** A stored member as its history records it: without `removedAt`. */
  plain: (m: Stored) => Plain
}

/** One member's change: `before` null adds it, `after` null removes it, a removed `before` brings it back. */
export interface RosterChange<Stored, Plain> {
  before: Stored | null
  after: Plain | null
}

export type RosterChangeKind = 'added' | 'updated' | 'removed' | 'reinstated'

export interface RosterActor {
  sub: string
  role: string
  via: 'api' | 'import'
}

const changeKind = (c: RosterChange<{ removedAt: string | null }, unknown>): RosterChangeKind =>
  c.before === null ? 'added' : c.after === null ? 'removed' : c.before.removedAt !== null ? 'reinstated' : 'updated'

/**
 * Writes changes in `trx`, each with its history entry. Seats are given up before they are
 * taken: the partial unique index on (roster, seat) of sitting members would refuse a new chair
 * while the old one is still recorded as chair, even though both are written in the same transaction.
 */
export async function writeRosterChanges<Stored extends Plain & { removedAt: string | null }, Plain extends { sub: string; position: string }>(
  trx: Knex.Transaction,
  roster: Roster<Stored, Plain>,
  changes: ReadonlyArray<RosterChange<Stored, Plain>>,
  actor: RosterActor,
  now: string
): Promise<void> {
  const stamp = { updated_at: now, updated_by: actor.sub }
  const row = (m: Plain) => ({ [roster.scopeColumn]: roster.scopeOf(m), sub: m.sub })
  for (const c of changes) {
    const leaving = c.before !== null && c.after !== null && c.before.removedAt === null && c.before.position !== 'member' && c.after.position !== c.before.position
    if (leaving) await trx(roster.table).where(row(c.before!)).update(roster.vacated)
  }
  for (const c of changes) {
    const key = row((c.after ?? c.before)!)
    if (c.before === null) {
      await trx(roster.table).insert({ ...key, ...roster.columns(c.after!), created_at: now, ...stamp })
    } else if (c.after === null) {
      await trx(roster.table).where(key).update({ removed_at: now, ...stamp })
    } else {
      await trx(roster.table).where(key).update({ ...roster.columns(c.after), removed_at: null, ...stamp })
    }
    await trx(roster.historyTable).insert({
      ...key,
      change: changeKind(c),
      before: c.before === null ? null : JSON.stringify(roster.plain(c.before)),
      after: c.after === null ? null : JSON.stringify(c.after),
      via: actor.via,
      actor_sub: actor.sub,
      actor_role: actor.role,
      at: now
    })
  }
}
