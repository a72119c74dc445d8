import { positionLabel } from '../../machines/runtime.js'
import { addWorkingDays } from '../calendar/working-days.js'
import { chinaDate } from '../clock.js'
import { latestConfirmations } from '../store/funding.js'
import { findActiveFunded, planStep, findContractsDue, findNewlyOverdue, type TaskRecord, type Transition } from '../store/tasks.js'
import { SYSTEM_ACTOR, systemTransition, type GateContext } from './service.js'

/** The same task, one flag different: a flag change is logged as an event of its own. */
function flagged(task: TaskRecord, type: string, reason: string, now: string, change: Partial<Transition>): Transition {
  return {
    type,
    next: task.snapshot,
    position: task.position,
    declaration: task.declaration,
    decider: task.decider,
    deadline: task.deadline,
    payload: { reason },
    actor: SYSTEM_ACTOR,
    now,
    ...change
  }
}

/**
 * Flags escalated tasks whose working-day deadline has passed and logs a
 * DEADLINE_MISSED event for each, so the history shows when the gate ran late.
 * Due dates are rows, not timers: a restart loses nothing, and several server
 * processes may sweep at once (the compare-and-set lets one of them win).
 */
export async function sweepDeadlines(ctx: GateContext): Promise<number> {
  const today = chinaDate(ctx.now())
  let done = 0
  for (const task of await findNewlyOverdue(ctx.db, today, 500)) {
    const reason = `${task.deadline.dueKind} was due on ${task.deadline.dueOn} (${positionLabel(task.position)})`
    const result = await ctx.commits.write(planStep(task, flagged(task, 'DEADLINE_MISSED', reason, ctx.now().toISOString(), { deadline: { ...task.deadline, overdue: true } }), null))
    if (result.ok) done += 1
  }
  return done
}

/** Admitted contracts become active on the first day of their period and complete the day after its last. */
export async function sweepContracts(ctx: GateContext): Promise<number> {
  let done = 0
  for (const task of await findContractsDue(ctx.db, chinaDate(ctx.now()), 500)) {
    if (await systemTransition(ctx, task, { type: task.position.state === 'admitted' ? 'ACTIVATE' : 'COMPLETE' })) done += 1
  }
  return done
}

/**
 * 费随事转 (000 §二.4): once the pack's grace period after the start has passed, an
 * active contract with a target that has not confirmed its funding is flagged
 * unfunded; the flag counts against the department on its scorecard.
 */
export async function sweepFunding(ctx: GateContext): Promise<number> {
  const { pack } = await ctx.packs.get(ctx.db)
  const today = chinaDate(ctx.now())
  let done = 0
  for (const task of await findActiveFunded(ctx.db, 500)) {
    const graceEnds = addWorkingDays(pack.calendar, task.declaration.period.start, pack.parameters.fundingGraceWorkingDays)
    if (today <= graceEnds) continue
    const latest = await latestConfirmations(ctx.db, task.seq)
    const missing = task.declaration.targets.filter((c) => latest.get(c)?.status !== 'received')
    if (missing.length === 0) continue
    const reason = `no confirmed funding by ${graceEnds} from ${missing.join(', ')}`
    const result = await ctx.commits.write(planStep(task, flagged(task, 'FUNDING_MISSING', reason, ctx.now().toISOString(), { unfunded: true }), null))
    if (result.ok) done += 1
  }
  return done
}

/** One pass of every date-driven duty; `npm start` runs it every minute. */
export async function sweep(ctx: GateContext): Promise<{ deadlines: number; contracts: number; funding: number }> {
  return { deadlines: await sweepDeadlines(ctx), contracts: await sweepContracts(ctx), funding: await sweepFunding(ctx) }
}
