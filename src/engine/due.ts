import type { Knex } from 'knex'
import type { RelatedRows } from './group-commit.js'

/**
 * Due dates are rows, not timers: a restart loses nothing, and several server processes
 * may sweep at once (each step is a compare-and-set, so one of them wins). A workflow's
 * step replaces its instance's due dates with those of the position it enters.
 */
export const DUE_TABLE = 'workflow_due_dates'

export interface DueDate {
  /** What falls due: "office_review", "period_start", "funding_grace", … */
  kind: string
  /** The calendar date (YYYY-MM-DD, China time) from which it is due. */
  dueOn: string
}

export interface DueRow {
  seq: number
  machine: string
  instance_seq: number
  kind: string
  due_on: string
}

/** The rows a step writes to replace its instance's due dates. */
export function dueRows(machine: string, due: readonly DueDate[], replace: boolean): RelatedRows {
  return {
    table: DUE_TABLE,
    seqColumn: 'instance_seq',
    match: { machine },
    replace,
    rows: due.map((d) => ({ machine, kind: d.kind, due_on: d.dueOn }))
  }
}

/**
 * What a workflow does with a date that fell due: a step of its own (which replaces the
 * row), or 'done' when nothing is left to do, and the row is dropped. A handler that
 * throws leaves the row for the next sweep.
 */
export type DueHandler = (row: DueRow, today: string) => Promise<'stepped' | 'done' | 'later'>

/** How many rows one read takes; the sweep reads on until nothing due is left. */
const PAGE = 200

/**
 * One sweep over everything due by `today`, for every workflow, page by page in (due_on, seq)
 * order: the 501st due date is reached like the first.
 */
export async function sweepDue(db: Knex, today: string, handlers: ReadonlyMap<string, DueHandler>, onError: (err: unknown, row: DueRow) => void): Promise<number> {
  let handled = 0
  let after: { dueOn: string; seq: number } | null = null
  for (;;) {
    const q = db<DueRow>(DUE_TABLE).where('due_on', '<=', today)
    if (after !== null) {
      const a: { dueOn: string; seq: number } = after
      q.where((w) => w.where('due_on', '>', a.dueOn).orWhere((same) => same.where('due_on', a.dueOn).where('seq', '>', a.seq)))
    }
    const page = (await q.orderBy([{ column: 'due_on' }, { column: 'seq' }]).limit(PAGE)) as DueRow[]
    for (const row of page) {
      const handler = handlers.get(`${row.machine}\u0000${row.kind}`)
      if (handler === undefined) continue
      try {
        const outcome = await handler({ ...row, seq: Number(row.seq), instance_seq: Number(row.instance_seq) }, today)
        // The row stays only while its instance has not moved past it: a step replaced it already.
        if (outcome === 'done') await db(DUE_TABLE).where({ seq: row.seq }).delete()
        if (outcome !== 'later') handled++
      } catch (err) {
        onError(err, row)
      }
    }
    if (page.length < PAGE) return handled
    const last = page[page.length - 1]!
    after = { dueOn: last.due_on, seq: Number(last.seq) }
  }
}

/** Moves a due date later without a step (a grace period that has not ended yet). */
export async function postpone(db: Knex, row: DueRow, dueOn: string): Promise<void> {
  await db(DUE_TABLE).where({ seq: row.seq }).update({ due_on: dueOn })
}
