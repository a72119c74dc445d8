import type { Knex } from 'knex'

// The workflow engine (src/engine/). A workflow may keep its instances in tables of its
// own, with its projections as columns (tasks, burden reports); one that brings none
// (an integrator's machine) gets these two, with the same engine columns. Deliveries
// now name the workflow whose transition they announce.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('workflow_instances', (t) => {
    t.increments('seq').primary()
    t.string('id', 64).notNullable().unique()
    t.string('machine_id', 64).notNullable()
    t.string('state', 128).notNullable()
    t.integer('version').notNullable()
    t.text('snapshot').notNullable()
    t.integer('machine_version').notNullable()
    // The creator, whose org (and whoever the workflow names) may read the instance and act on it.
    t.string('created_by', 200).notNullable()
    t.string('created_by_role', 32).notNullable()
    t.string('created_by_org', 64).notNullable()
    t.string('created_at', 32).notNullable()
    t.string('updated_at', 32).notNullable()
    t.index(['machine_id', 'state', 'seq'])
  })
  // Append-only: rows are inserted with the transition that made them and never updated.
  await knex.schema.createTable('workflow_events', (t) => {
    t.increments('seq').primary()
    t.integer('instance_seq').notNullable().references('seq').inTable('workflow_instances')
    // The version this event produced; unique, so a lost update cannot leave two events for one version.
    t.integer('instance_version').notNullable()
    t.string('type', 64).notNullable()
    t.string('from_state', 128).nullable()
    t.string('to_state', 128).notNullable()
    t.string('actor_sub', 200).notNullable()
    t.string('actor_role', 32).notNullable()
    t.string('actor_org', 64).nullable()
    t.text('payload').notNullable()
    t.string('created_at', 32).notNullable()
    t.unique(['instance_seq', 'instance_version'])
  })
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    // Every delivery before this migration announced an admission task.
    t.string('machine', 64).notNullable().defaultTo('admission')
  })
  // Due dates of every workflow, swept by one sweeper in (due_on, seq) order.
  await knex.schema.createTable('workflow_due_dates', (t) => {
    t.increments('seq').primary()
    t.string('machine', 64).notNullable()
    t.integer('instance_seq').notNullable()
    t.string('kind', 32).notNullable()
    t.string('due_on', 10).notNullable()
    t.index(['due_on', 'seq'])
    t.index(['machine', 'instance_seq'])
  })
  await backfillTaskDueDates(knex)
}

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

/**
 * Tasks kept their next date in columns, found by scans (the first 500 each minute); the
 * same dates become rows: a review deadline is missed the day after it, a contract starts
 * on its first day and ends the day after its last (already stored so), and an active
 * contract's funding is checked from its start (the sweep waits out the grace period).
 */
async function backfillTaskDueDates(knex: Knex): Promise<void> {
  const tasks = (await knex('tasks')
    .whereIn('state', ['escalated', 'admitted', 'active'])
    .select('seq', 'state', 'due_on', 'due_kind', 'overdue', 'unfunded', 'declaration')) as Array<{
    seq: number
    state: string
    due_on: string | null
    due_kind: string | null
    overdue: boolean | number
    unfunded: boolean | number
    declaration: string
  }>
  const rows: Array<{ machine: string; instance_seq: number; kind: string; due_on: string }> = []
  for (const t of tasks) {
    const due = (kind: string, on: string) => rows.push({ machine: 'admission', instance_seq: t.seq, kind, due_on: on })
    if (t.due_on !== null && t.due_kind !== null && !t.overdue) due(t.due_kind, t.state === 'escalated' ? nextDay(t.due_on) : t.due_on)
    if (t.state === 'active' && !t.unfunded) due('funding_grace', (JSON.parse(t.declaration) as { period: { start: string } }).period.start)
  }
  for (let i = 0; i < rows.length; i += 200) await knex('workflow_due_dates').insert(rows.slice(i, i + 200))
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('workflow_due_dates')
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    t.dropColumn('machine')
  })
  await knex.schema.dropTable('workflow_events')
  await knex.schema.dropTable('workflow_instances')
}
