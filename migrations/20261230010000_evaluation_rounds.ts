import type { Knex } from 'knex'

// The two-way evaluation (双向考评 / 倒评): rounds of an area's departments rated by its streets
// and communities (machines/evaluation.ts). Same conventions as the task tables: JSON in
// text columns, ISO-8601 timestamps as strings, a version for compare-and-set and an
// append-only event log with one row per version.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('evaluation_rounds', (t) => {
    t.increments('seq').primary()
    t.string('id', 40).notNullable().unique()
    // The city or district whose office runs the round, and the period rated ("2026", "2026-H1").
    t.string('area_id', 64).notNullable().references('id').inTable('org_units')
    t.string('period', 16).notNullable()
    t.string('state', 32).notNullable()
    t.integer('version').notNullable()
    t.text('snapshot').notNullable()
    t.integer('machine_version').notNullable()
    // The departments listed, as JSON: also in the snapshot, here for the department's scope.
    t.text('departments').notNullable()
    t.string('deadline', 10).nullable()
    // The pack's evaluation parameters and the pack they came from, fixed when the round opened.
    t.text('parameters').notNullable()
    t.text('policy').notNullable()
    // The result, frozen when the round was published.
    t.text('result').nullable()
    t.string('published_at', 32).nullable()
    t.string('created_by', 200).notNullable()
    t.string('created_at', 32).notNullable()
    t.string('updated_at', 32).notNullable()
    // One round per area and period.
    t.unique(['area_id', 'period'])
    t.index(['state', 'seq'])
  })

  // Append-only: rows are inserted with the transition that made them and never updated.
  await knex.schema.createTable('evaluation_round_events', (t) => {
    t.increments('seq').primary()
    t.integer('round_seq').notNullable().references('seq').inTable('evaluation_rounds')
    t.integer('round_version').notNullable()
    t.string('type', 32).notNullable()
    t.string('from_state', 64).nullable()
    t.string('to_state', 64).notNullable()
    t.string('actor_sub', 200).notNullable()
    t.string('actor_role', 32).notNullable()
    t.string('actor_org', 64).nullable()
    t.text('payload').notNullable()
    t.string('created_at', 32).notNullable()
    t.unique(['round_seq', 'round_version'])
  })

  // Every rating ever given, append-only: a rater's current rating of a department is its
  // newest row; the ones it replaced stay, never deleted. One row per RATE event (its version).
  await knex.schema.createTable('evaluation_ratings', (t) => {
    t.increments('seq').primary()
    t.integer('round_seq').notNullable().references('seq').inTable('evaluation_rounds')
    t.integer('round_version').notNullable()
    // The rater: never shown to the department rated.
    t.string('rater_org', 64).notNullable().references('id').inTable('org_units')
    t.string('rater_role', 16).notNullable()
    t.string('rater_sub', 200).notNullable()
    t.string('department_id', 64).notNullable().references('id').inTable('org_units')
    // A level's code, or whole points, as the round's scale has it; the score it counts for (0–100).
    t.string('level', 40).nullable()
    t.integer('points').nullable()
    t.double('score').notNullable()
    t.boolean('satisfied').notNullable()
    t.text('comment').nullable()
    t.integer('respondents').nullable()
    t.string('created_at', 32).notNullable()
    t.unique(['round_seq', 'round_version'])
    t.index(['round_seq', 'rater_org', 'department_id'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('evaluation_ratings')
  await knex.schema.dropTable('evaluation_round_events')
  await knex.schema.dropTable('evaluation_rounds')
}
