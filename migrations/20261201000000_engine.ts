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
    t.string('created_by', 200).notNullable()
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
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    t.dropColumn('machine')
  })
  await knex.schema.dropTable('workflow_events')
  await knex.schema.dropTable('workflow_instances')
}
