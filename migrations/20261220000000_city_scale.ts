import type { Knex } from 'knex'

// Issue 11, "at a city's size": the burden ledgers, the register's statistics and the
// scorecard are answered by grouped queries instead of one query per community and task.
// What they group on lived only inside the declaration's JSON text and the event log, so it
// becomes columns of the task row, written with every transition (src/tasks/store.ts):
//   period_first_day, period_last_day  the period as day numbers (days since 1970-01-01), so a
//                                      window's overlap is integer arithmetic on both databases
//   workload_hours                     hours per target
//   funding_promised                   yuan per target when committed, else 0 (the ledger's "promised")
//   first_submitted_at                 the first SUBMIT's time: the register counts tasks by it
// Rows written before are filled from their declarations and events here.

export const dayNumber = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000)

interface Declared {
  period: { start: string; end: string }
  workloadHours: number
  funding: { perTarget: number; committed: boolean } | null
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.integer('period_first_day').nullable()
    t.integer('period_last_day').nullable()
    t.double('workload_hours').nullable()
    t.double('funding_promised').nullable()
    t.string('first_submitted_at', 32).nullable()
  })
  for (let after = 0; ; ) {
    const rows = (await knex('tasks').where('seq', '>', after).orderBy('seq').limit(500).select('seq', 'declaration')) as Array<{ seq: number; declaration: string }>
    if (rows.length === 0) break
    for (const r of rows) {
      const d = JSON.parse(r.declaration) as Declared
      await knex('tasks')
        .where({ seq: r.seq })
        .update({
          period_first_day: dayNumber(d.period.start),
          period_last_day: dayNumber(d.period.end),
          workload_hours: d.workloadHours,
          funding_promised: d.funding?.committed ? d.funding.perTarget : 0
        })
    }
    after = Number(rows[rows.length - 1]!.seq)
  }
  await knex('tasks').update({
    first_submitted_at: knex('task_events').min('created_at').whereRaw('task_events.task_seq = tasks.seq').where('task_events.type', 'SUBMIT')
  })
  // Covering indexes: a task row carries its declaration, screening and snapshot as text, and
  // SQLite keeps columns added later behind them, in overflow pages; a grouped query that
  // reads a few columns of thousands of rows reads them here instead.
  await knex.schema.alterTable('tasks', (t) => {
    // The ledgers: a target's task by seq, with what its hours and money are worked out from.
    t.index(['seq', 'state', 'period_last_day', 'period_first_day', 'workload_hours', 'funding_promised'], 'tasks_ledger_index')
    // The register's statistics by the day of the first submission.
    t.index(['first_submitted_at', 'department_id', 'state', 'outcome'], 'tasks_first_submitted_index')
    // The scorecard: a department's tasks by state.
    t.index(['department_id', 'state', 'unfunded', 'seq'], 'tasks_department_state_unfunded_index')
  })
  await knex.schema.alterTable('task_events', (t) => {
    // The scorecard asks of each task of a department whether it was submitted in a window.
    t.index(['task_seq', 'type', 'created_at'])
  })
  await knex.schema.alterTable('burden_reports', (t) => {
    // Open reports of the communities of an area, counted per community.
    t.index(['reporter_org', 'state'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('burden_reports', (t) => {
    t.dropIndex(['reporter_org', 'state'])
  })
  await knex.schema.alterTable('task_events', (t) => {
    t.dropIndex(['task_seq', 'type', 'created_at'])
  })
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex([], 'tasks_department_state_unfunded_index')
    t.dropIndex([], 'tasks_first_submitted_index')
    t.dropIndex([], 'tasks_ledger_index')
    t.dropColumn('first_submitted_at')
    t.dropColumn('funding_promised')
    t.dropColumn('workload_hours')
    t.dropColumn('period_last_day')
    t.dropColumn('period_first_day')
  })
}
