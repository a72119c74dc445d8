import type { Knex } from 'knex'

/**
 * How far below the highest seq a row may still appear. PostgreSQL hands out seqs when rows
 * are inserted, not when they commit: a transaction that took seq 100 may commit after one
 * that took 101, so the highest seq alone would not move when it does. The rows of a
 * transaction lie within the few group-commit batches in flight (100 writes of at most two
 * events each, src/engine/plugin.ts), well inside this window; a wider one costs a longer scan.
 */
const LATE_WINDOW = 1024

/**
 * A cheap fingerprint of an append-only table (an event log): it changes whenever a row is
 * added, a late-committing one included. Two index reads, whatever the table's size.
 */
export async function appendMark(db: Knex, table: string): Promise<string> {
  const max = db(table).max('seq')
  const row = (await db(table)
    .where('seq', '>', db.raw('(?) - ?', [max, LATE_WINDOW]))
    .select({ top: db(table).max('seq') })
    .count({ tail: '*' })
    .first()) as { top: number | string | null; tail: number | string }
  return `${row.top ?? 0}.${row.tail}`
}

/** Values kept against the data mark they were computed at: a different mark is a miss. Oldest entries go first. */
export class MarkedMemo<V> {
  private readonly entries = new Map<string, { mark: string; value: V }>()

  constructor(private readonly capacity: number) {}

  async get(key: string, mark: string, compute: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key)
    if (hit !== undefined && hit.mark === mark) return hit.value
    const value = await compute()
    this.entries.delete(key)
    this.entries.set(key, { mark, value })
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!)
    return value
  }
}
