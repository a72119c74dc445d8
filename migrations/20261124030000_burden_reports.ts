import type { Knex } from 'knex'

// Burden reports (督查): a community reports a task that reached it without
// passing the gate; the office of the department's city or district investigates and
// confirms or dismisses it (machines/burden-report.ts). Same conventions as the task
// tables: JSON in text columns, ISO-8601 timestamps as strings, a version for
// compare-and-set and an append-only event log with one row per version.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('burden_reports', (t) => {
    t.increments('seq').primary()
    t.string('id', 40).notNullable().unique()
    // The reporter: never shown to the department reported (src/burden/report-service.ts).
    t.string('reporter_org', 64).notNullable().references('id').inTable('org_units')
    t.string('reporter_sub', 200).notNullable()
    // The department that pushed the unadmitted task, and its city or district, whose office investigates.
    t.string('department_id', 64).notNullable().references('id').inTable('org_units')
    t.string('jurisdiction_id', 64).notNullable().references('id').inTable('org_units')
    t.text('what').notNullable()
    // The calendar day the community was asked (YYYY-MM-DD).
    t.string('asked_on', 10).notNullable()
    t.text('evidence').notNullable()
    // A zhunru task the community thinks the demand relates to, if any.
    t.string('related_task_id', 40).nullable()
    t.string('state', 32).notNullable()
    t.integer('version').notNullable()
    t.text('snapshot').notNullable()
    t.integer('machine_version').notNullable()
    t.string('directive', 32).nullable()
    t.text('outcome_reason').nullable()
    t.string('created_at', 32).notNullable()
    t.string('updated_at', 32).notNullable()
    t.index(['jurisdiction_id', 'state'])
    t.index(['department_id', 'state'])
    // A community's own reports, newest first.
    t.index(['reporter_org', 'seq'])
  })

  // Append-only: rows are inserted with the transition that made them and never updated.
  await knex.schema.createTable('burden_report_events', (t) => {
    t.increments('seq').primary()
    t.integer('report_seq').notNullable().references('seq').inTable('burden_reports')
    // The report version this event produced; unique, so a lost update cannot leave two events for one version.
    t.integer('report_version').notNullable()
    t.string('type', 32).notNullable()
    t.string('from_state', 64).nullable()
    t.string('to_state', 64).notNullable()
    t.string('actor_sub', 200).notNullable()
    t.string('actor_role', 32).notNullable()
    t.string('actor_org', 64).nullable()
    t.text('payload').notNullable()
    t.string('created_at', 32).notNullable()
    t.unique(['report_seq', 'report_version'])
    // Confirmations per period, for the department scorecard.
    t.index(['type', 'created_at'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('burden_report_events')
  await knex.schema.dropTable('burden_reports')
}
