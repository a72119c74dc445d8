import type { Knex } from 'knex'
import type { Finding } from '../policy/types.js'
import { fromJson } from '../engine/db.js'
import { countConfirmedReports } from './report-store.js'
import type { Window } from './ledger.js'

export interface Scorecard {
  department: string
  window: Window
  submitted: number
  admitted: number
  returned: number
  rejected: number
  rejectedByRule: Record<string, number>
  escalated: number
  withdrawn: number
  unfunded: number
  confirmedBurdenReports: number
}

/** Where a submitted task ended up, by its current state. */
const OUTCOME_OF: Record<string, keyof Pick<Scorecard, 'admitted' | 'returned' | 'rejected' | 'escalated' | 'withdrawn'>> = {
  admitted: 'admitted',
  active: 'admitted',
  suspended: 'admitted',
  completed: 'admitted',
  revoked: 'admitted',
  returned: 'returned',
  rejected: 'rejected',
  escalated: 'escalated',
  withdrawn: 'withdrawn'
}

/**
 * A department's record for the two-way evaluation (nanjing-2014 §二.18, nantong-2013 (十八)): the
 * tasks it submitted in the window and where they stand, which rules rejected
 * them, its unfunded contracts, and the burden reports confirmed against it.
 */
export async function departmentScorecard(db: Knex, department: string, w: Window): Promise<Scorecard> {
  const submitted = () =>
    db('tasks')
      .where('tasks.department_id', department)
      .whereExists((q) => {
        q.select(db.raw('1'))
          .from('task_events')
          .whereRaw('task_events.task_seq = tasks.seq')
          .where('task_events.type', 'SUBMIT')
          // Event times are ISO strings: every instant of the last day sorts below "<to>T99".
          .where('task_events.created_at', '>=', `${w.from}T00:00:00`)
          .where('task_events.created_at', '<', `${w.to}T99`)
      })
  // Counted by state in the database; only the rejected tasks' screenings are read, for their rules.
  const [byState, rejected, confirmedBurdenReports] = await Promise.all([
    submitted().groupBy('tasks.state').select('tasks.state').count({ n: '*' }).sum({ unfunded: db.raw('case when tasks.unfunded then 1 else 0 end') }) as Promise<
      Array<{ state: string; n: number | string; unfunded: number | string }>
    >,
    submitted().where('tasks.state', 'rejected').whereNotNull('tasks.screening').orderBy('tasks.seq').select('tasks.screening') as Promise<Array<{ screening: string }>>,
    // Counted by when the office confirmed them, not when they were filed.
    countConfirmedReports(db, { departmentId: department, from: `${w.from}T00:00:00`, to: `${w.to}T99` })
  ])
  const card: Scorecard = {
    department,
    window: w,
    submitted: 0,
    admitted: 0,
    returned: 0,
    rejected: 0,
    rejectedByRule: {},
    escalated: 0,
    withdrawn: 0,
    unfunded: 0,
    confirmedBurdenReports
  }
  for (const r of byState) {
    card.submitted += Number(r.n)
    card.unfunded += Number(r.unfunded)
    const outcome = OUTCOME_OF[r.state]
    if (outcome !== undefined) card[outcome] += Number(r.n)
  }
  for (const r of rejected) {
    for (const f of fromJson<{ findings: Finding[] }>(r.screening).findings.filter((f) => f.verdict === 'reject')) {
      card.rejectedByRule[f.rule] = (card.rejectedByRule[f.rule] ?? 0) + 1
    }
  }
  return card
}
