import type { Knex } from 'knex'
import { positionLabel } from '../../machines/runtime.js'
import { enqueueAll, hooksAndPackHead, type StateChange } from '../webhooks/outbox.js'
import {
  createEventRow,
  draftRecord,
  draftRow,
  findTask,
  recordOf,
  rereadAll,
  replaceTargets,
  stateChange,
  transitionColumns,
  transitionEventRow,
  type CommitResult,
  type NewTask,
  type TaskRecord,
  type Transition
} from './tasks.js'

/**
 * A write the gate planned in full before any transaction: the committer only
 * stores it. `packSeq` is the policy pack the plan was made with (null when the
 * plan did not use one); a write planned with a pack that is no longer in force
 * is refused, and the caller plans again.
 */
export type PlannedWrite = (
  | { kind: 'create'; draft: NewTask; submit: Transition | null; packSeq: number | null }
  | { kind: 'transition'; from: TaskRecord; transition: Transition; packSeq: number | null }
) & {
  /** The Idempotency-Key the request came with: it learns the task in the same transaction. */
  claim?: IdempotencyClaim | null
}

export interface IdempotencyClaim {
  scope: string
  key: string
}

/**
 * Records which task an idempotent request created or moved, in the transaction that
 * did it: a retry after a crash before the response was stored is pointed at the
 * task instead of creating another (see idempotency.ts).
 */
export async function recordClaim(trx: Knex.Transaction, claim: IdempotencyClaim | null | undefined, taskId: string): Promise<void> {
  if (claim) await trx('idempotency_keys').where({ scope: claim.scope, key: claim.key }).update({ resource: `tasks/${taskId}` })
}

export type WriteResult =
  /** Applied; or another writer moved the task first and nothing of this write was stored. */
  | CommitResult
  /** The pack changed since the plan: nothing of this write was stored. */
  | { ok: false; stalePack: number }

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

export interface GroupCommitOptions {
  /** Most writes in one transaction. */
  maxBatch: number
  /** Transactions in flight at once: 1 for SQLite's single connection, more for PostgreSQL's pool. */
  concurrency: number
  /** Told the pack head each transaction saw. */
  onPackHead?: (seq: number) => void
  /** Most writes waiting for a transaction; a write beyond it is refused with onFull's error. */
  maxQueued?: number
  onFull?: () => Error
}

/**
 * Group commit: writes that arrive while a transaction is in flight wait for it,
 * then go together in the next one, each still a compare-and-set on its own task.
 * A lone write is never delayed; under load a transaction carries many, so the
 * fixed costs of a transaction and of each statement are shared. A batch that fails
 * as a whole is retried one write per transaction, so a bad write fails alone.
 */
export class GroupCommitter {
  private readonly queue: Pending[] = []
  private inFlight = 0

  constructor(
    private readonly db: Knex,
    private readonly opts: GroupCommitOptions
  ) {}

  write(write: PlannedWrite): Promise<WriteResult> {
    if (this.queue.length >= (this.opts.maxQueued ?? Number.POSITIVE_INFINITY)) return Promise.reject(this.opts.onFull!())
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject })
      this.pump()
    })
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
          p.resolve(done !== null ? { ok: true, task: done } : (await this.commit([p.write]))[0]!)
        } catch (alone) {
          p.reject(alone)
        }
      }
    }
  }

  /** The task as this write left it, if the write is in the database; null if it is not. */
  private async applied(w: PlannedWrite): Promise<TaskRecord | null> {
    if (w.kind === 'create') return findTask(this.db, w.draft.id)
    const task = (await findTask(this.db, w.from.id))!
    const mine = task.version === w.from.version + 1 && task.updatedAt === w.transition.now && positionLabel(task.position) === positionLabel(w.transition.position)
    return mine ? task : null
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
    // In task order, so that concurrent batches on PostgreSQL lock rows in the same order and
    // never deadlock; writes to one task keep their arrival order.
    const transitions = writes
      .flatMap((w, i) => (w.kind === 'transition' && results[i] === undefined ? [{ w, i }] : []))
      .sort((a, b) => a.w.from.seq - b.w.from.seq || a.i - b.i)

    // First the writes: new tasks in one multi-row insert, directly in their final state, and
    // a compare-and-set per existing task, in arrival order, so of two writes to one task the
    // second misses. (On SQLite a transaction must write before it reads: see below.)
    const rows = creates.map(({ w }) => (w.submit === null ? draftRow(w.draft) : { ...draftRow(w.draft), ...transitionColumns(draftRecord(w.draft), w.submit) }))
    const chunks = chunked(rows, 100)
    const written = await together<unknown>([
      ...chunks.map((chunk) => trx('tasks').insert(chunk).returning(['seq', 'id'])),
      ...transitions.map(({ w }) => trx('tasks').where({ id: w.from.id, version: w.from.version }).update(transitionColumns(w.from, w.transition)))
    ])
    const seqOf = new Map<string, number>()
    for (const inserted of written.slice(0, chunks.length) as Array<Array<{ seq: number | string; id: string }>>) {
      for (const r of inserted) seqOf.set(r.id, Number(r.seq))
    }
    const updated = written.slice(chunks.length) as number[]

    const events: object[] = []
    const targets: Array<{ task_seq: number; org_unit_id: string }> = []
    const changes: StateChange[] = []
    const done: Array<{ w: PlannedWrite; taskId: string }> = []
    creates.forEach(({ w, i }, k) => {
      const seq = seqOf.get(w.draft.id)!
      const draft = draftRecord(w.draft, seq)
      const task = recordOf(rows[k]!, seq)
      for (const org of w.draft.declaration.targets) targets.push({ task_seq: seq, org_unit_id: org })
      events.push(createEventRow(seq, w.draft))
      changes.push(stateChange(draft, 'CREATE', null, w.draft.now))
      if (w.submit !== null) {
        events.push(transitionEventRow(draft, w.submit))
        changes.push(stateChange(task, w.submit.type, positionLabel(draft.position), w.submit.now))
      }
      results[i] = { ok: true, task }
      done.push({ w, taskId: task.id })
    })
    const moved = transitions.filter((_, k) => updated[k] === 1)
    const missed = transitions.filter((_, k) => updated[k] !== 1)
    for (const { w } of moved) {
      events.push(transitionEventRow(w.from, w.transition))
      done.push({ w, taskId: w.from.id })
    }

    // Then everything that follows from them, issued together: on the transaction's one
    // connection the statements run back to back, without a trip through the event loop
    // between them. The pack head is read after the writes: on SQLite a transaction that
    // reads first cannot always become a writer when another process wrote meanwhile, and
    // the later the check, the fresher.
    const [reread, current, outbox] = await together<unknown>([
      rereadAll(
        trx,
        moved.map(({ w }) => w.from.seq)
      ),
      Promise.all(missed.map(({ w }) => findTask(trx, w.from.id))),
      hooksAndPackHead(trx),
      ...chunked(targets, 200).map((chunk) => trx('task_targets').insert(chunk)),
      ...chunked(events, 100).map((chunk) => trx('task_events').insert(chunk)),
      ...moved.filter(({ w }) => w.transition.declaration.targets !== w.from.declaration.targets).map(({ w }) => replaceTargets(trx, w.from.seq, w.transition.declaration.targets)),
      ...done.map(({ w, taskId }) => recordClaim(trx, w.claim, taskId))
    ]) as [Map<number, TaskRecord>, Array<TaskRecord | null>, Awaited<ReturnType<typeof hooksAndPackHead>>]
    for (const { w, i } of moved) {
      const task = reread.get(w.from.seq)!
      changes.push(stateChange(task, w.transition.type, positionLabel(w.from.position), w.transition.now))
      results[i] = { ok: true, task }
    }
    missed.forEach(({ i }, k) => (results[i] = { ok: false, conflict: current[k]! }))

    // A write planned with a pack no longer in force undoes the batch; it is planned again.
    this.opts.onPackHead?.(outbox.packHead)
    const superseded = writes.flatMap((w, i) => (w.packSeq !== null && stale.get(i) === undefined && w.packSeq !== outbox.packHead ? [i] : []))
    if (superseded.length > 0) throw new StalePlans(superseded, outbox.packHead)
    // The outbox rows commit with the transitions or not at all: a receiver that is down loses nothing.
    await enqueueAll(trx, changes, outbox.hooks)
    return results as WriteResult[]
  }
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

function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size))
  return chunks
}
