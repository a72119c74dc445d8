import type { Knex } from 'knex'
import { eventRow, type EventRecord, type InstanceTables, type StateChange } from './store.js'

/** A database row as knex hands it back. */
export type Row = Record<string, unknown>

/** Rows of another table that belong to the instance (a task's targets, a funding confirmation); `seqColumn` gets its seq. */
export interface RelatedRows {
  table: string
  seqColumn: string
  rows: Row[]
  /** Replace the instance's rows in that table instead of adding to them. */
  replace?: boolean
  /** Further columns that pick the instance's rows, in a table several workflows share. */
  match?: Row
}

/** The Idempotency-Key a request came with, and the resource path it is bound to once the write commits. */
export interface IdempotencyClaim {
  scope: string
  key: string
}

interface WriteCommon {
  tables: InstanceTables
  related?: readonly RelatedRows[]
  claim?: IdempotencyClaim | null
  /**
   * The policy pack head the plan was made with, or null when the plan used none. A write
   * planned with a pack no longer in force is not stored; its caller plans it again.
   */
  basis: number | null
}

/** A new instance, written directly in the position its first events leave it in. */
export interface PlannedCreate extends WriteCommon {
  kind: 'create'
  id: string
  /** The row as it stands after `events`: engine columns (version is events.length) and projections. */
  row: Row
  events: readonly EventRecord[]
  changes: readonly StateChange[]
  /** Where an idempotent retry is sent: "tasks/<id>". */
  resource: string
}

/** A step of an existing instance: a compare-and-set on the version it was planned from. */
export interface PlannedStep extends WriteCommon {
  kind: 'step'
  from: { seq: number; id: string; version: number }
  /** The columns the step changes; the engine adds the version. `updated_at` and `snapshot` must be among them. */
  columns: Row
  event: EventRecord
  change: StateChange
  resource: string
}

export type PlannedWrite = PlannedCreate | PlannedStep

export type WriteResult =
  /** Applied: the row as it now stands. */
  | { ok: true; row: Row }
  /** Another writer moved the instance first: nothing of this write was stored. */
  | { ok: false; conflict: Row }
  /** The pack changed since the plan: nothing of this write was stored. */
  | { ok: false; stalePack: number }

/** What the outbox needs at the end of each transaction, read with the pack head in one query. */
export interface CommitHooks<Subscribers> {
  /** The policy pack head and the outbox's subscribers, read after the writes. */
  inspect(trx: Knex.Transaction): Promise<{ head: number; subscribers: Subscribers }>
  /** The outbox rows of changes committed together: they commit with the transitions or not at all. */
  enqueue(trx: Knex.Transaction, changes: readonly StateChange[], subscribers: Subscribers): Promise<void>
}

/** Writes planned with a pack that is no longer in force; thrown to roll the batch back. */
class StalePlans extends Error {
  constructor(
    readonly indexes: number[],
    readonly head: number
  ) {
    super('planned with a superseded policy pack')
  }
}

/** The transaction's COMMIT failed or its answer was lost: the writes may or may not be in. */
class CommitOutcomeUnknown extends Error {
  constructor(readonly cause: unknown) {
    super(`the commit's outcome is unknown: ${String(cause)}`)
  }
}

interface Pending {
  write: PlannedWrite
  resolve: (r: WriteResult) => void
  reject: (err: unknown) => void
}

export interface GroupCommitOptions<S> {
  /** Most writes in one transaction. */
  maxBatch: number
  /** Transactions in flight at once: 1 for SQLite's single connection, more for PostgreSQL's pool. */
  concurrency: number
  hooks: CommitHooks<S>
  /** Told the pack head each transaction saw. */
  onPackHead?: (seq: number) => void
  /** Most writes waiting for a transaction; a write beyond it is refused with onFull's error. */
  maxQueued?: number
  onFull?: () => Error
}

/**
 * Group commit, for every workflow: writes that arrive while a transaction is in flight
 * wait for it, then go together in the next one, each still a compare-and-set on its own
 * instance. A lone write is never delayed; under load a transaction carries many, so the
 * fixed costs of a transaction and of each statement are shared. A batch that fails as a
 * whole is retried one write per transaction, so a bad write fails alone.
 */
export class GroupCommitter<S = unknown> {
  private readonly queue: Pending[] = []
  private inFlight = 0

  constructor(
    private readonly db: Knex,
    private readonly opts: GroupCommitOptions<S>
  ) {}

  write(write: PlannedWrite): Promise<WriteResult> {
    if (this.queue.length >= (this.opts.maxQueued ?? Number.POSITIVE_INFINITY)) return Promise.reject(this.opts.onFull!())
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject })
      this.pump()
    })
  }

  /**
   * One write inside the caller's transaction, through the same code as a batch: for a step
   * that must commit with other work of its own (a decision that publishes a pack).
   */
  async writeIn(trx: Knex.Transaction, write: PlannedWrite): Promise<WriteResult> {
    const [result] = await this.writeAll(trx, [write], new Map())
    return result!
  }

  private pump(): void {
    while (this.inFlight < this.opts.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.maxBatch)
      this.inFlight++
      void this.flush(batch).finally(() => {
        this.inFlight--
        this.pump()
      })
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    try {
      const results = await this.commit(batch.map((p) => p.write))
      batch.forEach((p, i) => p.resolve(results[i]!))
    } catch (err) {
      const unknown = err instanceof CommitOutcomeUnknown
      if (batch.length === 1 && !unknown) return batch[0]!.reject(err)
      for (const p of batch) {
        try {
          // A COMMIT whose answer was lost may have been applied: a write found in place is
          // answered as done, never retried into a 409 or a duplicate key against itself.
          const done = unknown ? await this.applied(p.write) : null
          p.resolve(done !== null ? { ok: true, row: done } : (await this.commit([p.write]))[0]!)
        } catch (alone) {
          p.reject(alone)
        }
      }
    }
  }

  /**
   * The row as it stands if this write is in the database, null if it is not. A step is known
   * by its event: the one event of version from+1 is this write's only if it has this write's
   * type, sender and time (the instance itself may have moved on since).
   */
  private async applied(w: PlannedWrite): Promise<Row | null> {
    const row = (await this.db(w.tables.instances).where({ id: w.kind === 'create' ? w.id : w.from.id }).first()) as Row | undefined
    if (w.kind === 'create') return row ?? null
    const event = (await this.db(w.tables.events)
      .where({ [w.tables.eventInstance]: w.from.seq, [w.tables.eventVersion]: w.from.version + 1 })
      .first('type', 'actor_sub', 'created_at')) as { type: string; actor_sub: string; created_at: string } | undefined
    const mine = event !== undefined && event.type === w.event.type && event.actor_sub === w.event.actor.sub && event.created_at === w.event.at
    return mine ? row! : null
  }

  /** One transaction for the writes; those planned with a superseded pack are left out and told so. */
  private async commit(writes: readonly PlannedWrite[]): Promise<WriteResult[]> {
    const stale = new Map<number, WriteResult>()
    for (;;) {
      let written = false
      try {
        return await this.db.transaction(async (trx) => {
          const results = await this.writeAll(trx, writes, stale)
          written = true
          return results
        })
      } catch (err) {
        if (err instanceof StalePlans) {
          for (const i of err.indexes) stale.set(i, { ok: false, stalePack: err.head })
          continue
        }
        // Failing after every statement succeeded, the COMMIT itself failed or lost its answer.
        throw written ? new CommitOutcomeUnknown(err) : err
      }
    }
  }

  private async writeAll(trx: Knex.Transaction, writes: readonly PlannedWrite[], stale: ReadonlyMap<number, WriteResult>): Promise<WriteResult[]> {
    const results: Array<WriteResult | undefined> = writes.map((_, i) => stale.get(i))
    const creates = writes.flatMap((w, i) => (w.kind === 'create' && results[i] === undefined ? [{ w, i }] : []))
    // In instance order, so that concurrent batches on PostgreSQL lock rows in the same order
    // and never deadlock; steps of one instance keep their arrival order.
    const steps = writes
      .flatMap((w, i) => (w.kind === 'step' && results[i] === undefined ? [{ w, i }] : []))
      .sort((a, b) => a.w.tables.instances.localeCompare(b.w.tables.instances) || a.w.from.seq - b.w.from.seq || a.i - b.i)

    // First the writes: new instances in one multi-row insert per table, directly in their
    // final position, and a compare-and-set per step, so of two steps of one instance the
    // second misses. (On SQLite a transaction must write before it reads: see below.)
    const inserts = chunkedByTable(creates.map(({ w }) => ({ table: w.tables.instances, row: w.row })), 100)
    const written = await together<unknown>([
      ...inserts.map(({ table, rows }) => trx(table).insert(rows).returning(['seq', 'id'])),
      ...steps.map(({ w }) => trx(w.tables.instances).where({ id: w.from.id, version: w.from.version }).update({ ...w.columns, version: w.from.version + 1 }))
    ])
    const seqOf = new Map<string, number>()
    inserts.forEach(({ table }, k) => {
      for (const r of written[k] as Array<{ seq: number | string; id: string }>) seqOf.set(`${table}\u0000${r.id}`, Number(r.seq))
    })
    const updated = written.slice(inserts.length) as number[]

    const events: Array<{ table: string; row: Row }> = []
    const related: Array<{ table: string; row: Row }> = []
    const replaced: Array<{ table: string; seqColumn: string; seq: number; match: Row }> = []
    const changes: StateChange[] = []
    const claims: Array<{ claim: IdempotencyClaim; resource: string }> = []
    const rereads: Array<{ table: string; seq: number; i: number }> = []
    const belongs = (w: PlannedWrite, seq: number) => {
      for (const r of w.related ?? []) {
        if (r.replace) replaced.push({ table: r.table, seqColumn: r.seqColumn, seq, match: r.match ?? {} })
        for (const row of r.rows) related.push({ table: r.table, row: { ...row, [r.seqColumn]: seq } })
      }
      if (w.claim) claims.push({ claim: w.claim, resource: w.resource })
    }
    for (const { w, i } of creates) {
      const seq = seqOf.get(`${w.tables.instances}\u0000${w.id}`)!
      w.events.forEach((e, k) => events.push({ table: w.tables.events, row: eventRow(w.tables, seq, k + 1, e) }))
      changes.push(...w.changes)
      belongs(w, seq)
      rereads.push({ table: w.tables.instances, seq, i })
    }
    const missed: Array<{ w: PlannedStep; i: number }> = []
    steps.forEach(({ w, i }, k) => {
      if (updated[k] !== 1) return void missed.push({ w, i })
      events.push({ table: w.tables.events, row: eventRow(w.tables, w.from.seq, w.from.version + 1, w.event) })
      changes.push(w.change)
      belongs(w, w.from.seq)
      rereads.push({ table: w.tables.instances, seq: w.from.seq, i })
    })

    // Then everything that follows from them, issued together: on the transaction's one
    // connection the statements run back to back, without a trip through the event loop
    // between them. The pack head is read after the writes: on SQLite a transaction that
    // reads first cannot always become a writer when another process wrote meanwhile, and
    // the later the check, the fresher. Replaced rows go before the rows replacing them.
    const byTable = groupBy(rereads, (r) => r.table)
    const [found, current, inspected] = (await together<unknown>([
      Promise.all([...byTable].map(([table, rs]) => rowsBySeq(trx, table, rs.map((r) => r.seq)).then((rows) => ({ table, rows })))),
      Promise.all(missed.map(({ w }) => trx(w.tables.instances).where({ id: w.from.id }).first())),
      this.opts.hooks.inspect(trx),
      ...replaced.map((r) => trx(r.table).where(r.match).where(r.seqColumn, r.seq).delete()),
      ...chunkedByTable(related, 200).map(({ table, rows }) => trx(table).insert(rows)),
      ...chunkedByTable(events, 100).map(({ table, rows }) => trx(table).insert(rows)),
      ...claims.map(({ claim, resource }) => trx('idempotency_keys').where({ scope: claim.scope, key: claim.key }).update({ resource }))
    ])) as [Array<{ table: string; rows: Map<number, Row> }>, Row[], { head: number; subscribers: S }]
    const rowsOf = new Map(found.map((f) => [f.table, f.rows]))
    for (const r of rereads) results[r.i] = { ok: true, row: rowsOf.get(r.table)!.get(r.seq)! }
    missed.forEach(({ i }, k) => (results[i] = { ok: false, conflict: current[k]! }))

    // A write planned with a pack no longer in force undoes the batch; it is planned again.
    this.opts.onPackHead?.(inspected.head)
    const superseded = writes.flatMap((w, i) => (w.basis !== null && stale.get(i) === undefined && w.basis !== inspected.head ? [i] : []))
    if (superseded.length > 0) throw new StalePlans(superseded, inspected.head)
    await this.opts.hooks.enqueue(trx, changes, inspected.subscribers)
    return results as WriteResult[]
  }
}

/** Rows this transaction has just written, by seq. */
async function rowsBySeq(trx: Knex.Transaction, table: string, seqs: readonly number[]): Promise<Map<number, Row>> {
  const found = new Map<number, Row>()
  for (let i = 0; i < seqs.length; i += 500) {
    for (const row of (await trx(table).whereIn('seq', seqs.slice(i, i + 500))) as Row[]) found.set(Number(row.seq), row)
  }
  return found
}

/**
 * Statements issued at once on a transaction run in the order given. All are awaited
 * before a failure is thrown, so the rollback never overtakes one still running.
 */
async function together<T>(statements: ReadonlyArray<PromiseLike<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(statements)
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) throw failed.reason
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value)
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const group = groups.get(k)
    if (group === undefined) groups.set(k, [item])
    else group.push(item)
  }
  return groups
}

/** Rows per table, in statements of at most `size` rows: one statement's parameters are limited. */
function chunkedByTable(items: ReadonlyArray<{ table: string; row: Row }>, size: number): Array<{ table: string; rows: Row[] }> {
  const chunks: Array<{ table: string; rows: Row[] }> = []
  for (const [table, group] of groupBy(items, (x) => x.table)) {
    for (let i = 0; i < group.length; i += size) chunks.push({ table, rows: group.slice(i, i + size).map((x) => x.row) })
  }
  return chunks
}
