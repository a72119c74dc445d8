import { positionLabel } from '../../machines/runtime.js'
import { chinaDate } from '../clock.js'
import { commitTransition, findNewlyOverdue } from '../store/tasks.js'
import type { GateContext } from './service.js'

/** The sweeper acts as the system, not as anyone's principal. */
export const SWEEPER = { sub: 'zhunru-deadline-sweeper', role: 'admin', org: null } as const

/**
 * Flags escalated tasks whose working-day deadline has passed and logs a
 * DEADLINE_MISSED event for each, so the history shows when the gate ran late.
 * Due dates are rows, not timers: a restart loses nothing, and several server
 * processes may sweep at once (the compare-and-set lets one of them win).
 */
export async function sweepDeadlines(ctx: GateContext): Promise<number> {
  const today = chinaDate(ctx.now())
  let flagged = 0
  for (const task of await findNewlyOverdue(ctx.db, today, 500)) {
    const result = await ctx.db.transaction((trx) =>
      commitTransition(trx, task, {
        type: 'DEADLINE_MISSED',
        next: task.snapshot,
        position: task.position,
        declaration: task.declaration,
        decider: task.decider,
        deadline: { ...task.deadline, overdue: true },
        payload: { reason: `${task.deadline.dueKind} was due on ${task.deadline.dueOn} (${positionLabel(task.position)})` },
        actor: SWEEPER,
        now: ctx.now().toISOString()
      })
    )
    if (result.ok) flagged += 1
  }
  return flagged
}
