import { positionLabel } from '../../machines/runtime.js'
import { countWorkingDays } from '../calendar/working-days.js'
import { calendarNotCovered } from '../policy/dates.js'
import { addCalendarDays, chinaDate } from '../clock.js'
import { postpone, sweepDue, type DueHandler, type DueRow } from '../engine/due.js'
import { latestConfirmations } from '../contracts/store.js'
import { deliberationDueHandlers } from '../deliberations/service.js'
import { findTaskBySeq, planStep, unmoved, type TaskRecord, type Transition } from './store.js'
import { SYSTEM_ACTOR, systemTransition, type GateContext } from './service.js'

/** The same task, one flag different: a flag change is logged as an event of its own. */
const flagged = (task: TaskRecord, type: string, reason: string, now: string, change: Partial<Transition>): Transition =>
  unmoved(task, type, SYSTEM_ACTOR, now, { payload: { reason }, ...change })

export interface SweepCounts {
  /** Escalated tasks flagged overdue (DEADLINE_MISSED). */
  deadlines: number
  /** Contracts activated or completed by their dates. */
  contracts: number
  /** Active contracts flagged unfunded (FUNDING_MISSING). */
  funding: number
}

type Outcome = Awaited<ReturnType<DueHandler>>

const stepped = (ok: boolean): Outcome => (ok ? 'stepped' : 'later')

/**
 * What each of the task's due dates means, for the engine's sweeper. A date the task has
 * moved past (it was decided, suspended, revoked) is dropped; a lost race is tried again.
 */
function handlers(ctx: GateContext, counts: SweepCounts): Map<string, DueHandler> {
  const load = async (row: DueRow) => findTaskBySeq(ctx.db, row.instance_seq)
  const now = () => ctx.now().toISOString()

  // The office or the group ran late: the history shows it (DEADLINE_MISSED), the queue flags it.
  const missed: DueHandler = async (row, today) => {
    const task = await load(row)
    const d = task?.deadline
    if (task?.position.state !== 'escalated' || d!.dueKind !== row.kind || d!.overdue || !(d!.dueOn! < today)) return 'done'
    const reason = `${d!.dueKind} was due on ${d!.dueOn} (${positionLabel(task.position)})`
    const result = await ctx.commits.write(planStep(task, flagged(task, 'DEADLINE_MISSED', reason, now(), { deadline: { ...d!, overdue: true } }), null))
    if (result.ok) counts.deadlines++
    return stepped(result.ok)
  }

  // An agreement moves by its period: active on the first day, completed the day after the last.
  const period = (state: 'admitted' | 'active', type: 'ACTIVATE' | 'COMPLETE'): DueHandler => async (row, today) => {
    const task = await load(row)
    if (task?.position.state !== state || task.deadline.dueKind !== row.kind || task.deadline.dueOn! > today) return 'done'
    const ok = await systemTransition(ctx, task, { type })
    if (ok) counts.contracts++
    return stepped(ok)
  }

  // 费随事转 (nanjing-2014 §二.4): once the grace period after the start has passed, a target that has
  // not confirmed its funding flags the contract unfunded; until then, and while all is
  // confirmed, the date is looked at again later (a community may still say the money stopped).
  const funding: DueHandler = async (row, today) => {
    const task = await load(row)
    if (task?.position.state !== 'active' || task.unfunded) return 'done'
    const { pack } = await ctx.packs.get(ctx.db)
    const grace = countWorkingDays(pack.calendar, task.declaration.period.start, pack.parameters.fundingGraceWorkingDays)
    // Where the calendar ends before the grace period could be counted to its end, the period has
    // surely not ended before that day; from then on the sweep fails loudly until a pack covers it.
    if (!grace.covered) {
      if (grace.date > today) return postpone(ctx.db, row, grace.date).then(() => 'later')
      throw calendarNotCovered(pack.calendar, { zh: `任务${task.id}的经费确认宽限期`, en: `the funding grace period of task ${task.id}` }, grace.date)
    }
    const graceEnds = grace.date
    if (today <= graceEnds) return postpone(ctx.db, row, addCalendarDays(graceEnds, 1)).then(() => 'later')
    const latest = await latestConfirmations(ctx.db, task.seq)
    const missing = task.declaration.targets.filter((c) => latest.get(c)?.status !== 'received')
    if (missing.length === 0) return postpone(ctx.db, row, addCalendarDays(today, 1)).then(() => 'later')
    const reason = `no confirmed funding by ${graceEnds} from ${missing.join(', ')}`
    const result = await ctx.commits.write(planStep(task, flagged(task, 'FUNDING_MISSING', reason, now(), { unfunded: true }), null))
    if (result.ok) counts.funding++
    return stepped(result.ok)
  }

  return new Map([
    ['admission\u0000office_review', missed],
    ['admission\u0000decision', missed],
    ['admission\u0000period_start', period('admitted', 'ACTIVATE')],
    ['admission\u0000period_end', period('active', 'COMPLETE')],
    ['admission\u0000funding_grace', funding],
    // The deliberation council's publicity periods, swept with the gate's dates.
    ...deliberationDueHandlers(ctx)
  ])
}

/**
 * One pass over every date that fell due by today (China time); `npm start` runs it every
 * minute. Due dates are rows, not timers: a restart loses nothing, and several server
 * processes may sweep at once (the compare-and-set lets one of them win).
 */
export async function sweep(ctx: GateContext, onError?: (err: unknown) => void): Promise<SweepCounts> {
  const counts: SweepCounts = { deadlines: 0, contracts: 0, funding: 0 }
  // Without a handler the failures are not swallowed: the sweep finishes, then says what failed.
  const failed: unknown[] = []
  await sweepDue(ctx.db, chinaDate(ctx.now()), handlers(ctx, counts), (err) => (onError ? onError(err) : failed.push(err)))
  if (failed.length > 0) throw new AggregateError(failed, `${failed.length} due date(s) could not be handled; each is tried again next sweep`)
  return counts
}
