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
export async function recordClaim(trx: Knex.Transaction, claim: IdempotencyClaim | null | undefined, task: TaskRecord): Promise<void> {
  if (claim) await trx('idempotency_keys').where({ scope: claim.scope, key: claim.key }).update({ resource: `tasks/${task.id}` })
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
      if (batch.length === 1) return batch[0]!.reject(err)
      for (const p of batch) {
        try {
          const [result] = await this.commit([p.write])
          p.resolve(result!)
        } catch (alone) {
          p.reject(alone)
        }
      }
    }
  }

  /** One transaction for the writes; those planned with a superseded pack are left out and told so. */
  private async commit(writes: readonly PlannedWrite[]): Promise<WriteResult[]> {
    const stale = new Map<number, WriteResult>()
    for (;;) {
      try {
        return await this.db.transaction((trx) => this.writeAll(trx, writes, stale))
      } catch (err) {
        if (!(err instanceof StalePlans)) throw err
        for (const i of err.indexes) stale.set(i, { ok: false, stalePack: err.head })
      }
    }
  }

  private async writeAll(trx: Knex.Transaction, writes: readonly PlannedWrite[], stale: ReadonlyMap<number, WriteResult>): Promise<WriteResult[]> {
    const results: Array<WriteResult | undefined> = writes.map((_, i) => stale.get(i))
    const events: object[] = []
    const targets: Array<{ task_seq: number; org_unit_id: string }> = []
    const changes: StateChange[] = []

    // New tasks: one multi-row insert, written directly in their final state.
    const creates = writes.flatMap((w, i) => (w.kind === 'create' && results[i] === undefined ? [{ w, i }] : []))
    const rows = creates.map(({ w }) => (w.submit === null ? draftRow(w.draft) : { ...draftRow(w.draft), ...transitionColumns(draftRecord(w.draft), w.submit) }))
    const seqOf = new Map<string, number>()
    for (let i = 0; i < rows.length; i += 100) {
      const inserted = (await trx('tasks').insert(rows.slice(i, i + 100)).returning(['seq', 'id'])) as Array<{ seq: number | string; id: string }>
      for (const r of inserted) seqOf.set(r.id, Number(r.seq))
    }
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
    })

    // Existing tasks: a compare-and-set each, in arrival order, so of two writes to one task the second misses.
    const moved: Array<{ w: Extract<PlannedWrite, { kind: 'transition' }>; i: number }> = []
    const missed: Array<{ id: string; i: number }> = []
    for (const [i, w] of writes.entries()) {
      if (w.kind !== 'transition' || results[i] !== undefined) continue
      const updated = await trx('tasks').where({ id: w.from.id, version: w.from.version }).update(transitionColumns(w.from, w.transition))
      if (updated === 0) {
        missed.push({ id: w.from.id, i })
        continue
      }
      moved.push({ w, i })
      if (w.transition.declaration.targets !== w.from.declaration.targets) await replaceTargets(trx, w.from.seq, w.transition.declaration.targets)
      events.push(transitionEventRow(w.from, w.transition))
    }

    for (let i = 0; i < targets.length; i += 200) await trx('task_targets').insert(targets.slice(i, i + 200))
    for (let i = 0; i < events.length; i += 100) await trx('task_events').insert(events.slice(i, i + 100))
    const reread = await rereadAll(
      trx,
      moved.map(({ w }) => w.from.seq)
    )
    for (const { w, i } of moved) {
      const task = reread.get(w.from.seq)!
      changes.push(stateChange(task, w.transition.type, positionLabel(w.from.position), w.transition.now))
      results[i] = { ok: true, task }
    }
    for (const { id, i } of missed) results[i] = { ok: false, conflict: (await findTask(trx, id))! }
    for (const [i, w] of writes.entries()) {
      const r = results[i]!
      if (r.ok) await recordClaim(trx, w.claim, r.task)
    }
    // The pack head is read after the writes: on SQLite a transaction that reads first
    // cannot always upgrade to a writer when another process wrote meanwhile, and the
    // later the check, the fresher. A write planned with another pack undoes the batch.
    const planned = writes.flatMap((w, i) => (w.packSeq !== null && stale.get(i) === undefined ? [{ packSeq: w.packSeq, i }] : []))
    if (planned.length === 0 && changes.length === 0) return results as WriteResult[]
    const { hooks, packHead: head } = await hooksAndPackHead(trx)
    this.opts.onPackHead?.(head)
    const superseded = planned.filter((p) => p.packSeq !== head).map((p) => p.i)
    if (superseded.length > 0) throw new StalePlans(superseded, head)
    // The outbox rows commit with the transitions or not at all: a receiver that is down loses nothing.
    await enqueueAll(trx, changes, hooks)
    return results as WriteResult[]
  }
}
