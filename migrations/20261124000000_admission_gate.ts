import type { Knex } from 'knex'

// JSON documents are stored as text on both databases: pg would hand a json column back
// parsed and sqlite3 as a string; text keeps one code path. Nothing queries inside them.
// Timestamps are ISO-8601 strings: they sort correctly, and SQLite and
// PostgreSQL hand them back identically, so no dialect code is needed to read them.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('org_units', (t) => {
    t.string('id', 64).primary()
    t.string('kind', 16).notNullable()
    t.string('name', 200).notNullable()
    t.string('parent_id', 64).nullable().references('id').inTable('org_units')
    t.string('sector', 64).nullable()
    t.string('created_at', 32).notNullable()
    t.index(['parent_id'])
  })

  await knex.schema.createTable('policy_packs', (t) => {
    t.increments('seq').primary()
    t.string('pack_id', 64).notNullable()
    t.string('version', 64).notNullable()
    t.string('hash', 80).notNullable()
    t.text('body').notNullable()
    t.string('loaded_at', 32).notNullable()
    t.unique(['pack_id', 'version'])
  })

  await knex.schema.createTable('tasks', (t) => {
    t.increments('seq').primary()
    t.string('id', 40).notNullable().unique()
    t.string('department_id', 64).notNullable().references('id').inTable('org_units')
    t.string('jurisdiction_id', 64).notNullable().references('id').inTable('org_units')
    t.string('state', 32).notNullable()
    t.string('stage', 32).nullable()
    t.integer('version').notNullable()
    t.string('outcome', 16).nullable()
    t.string('title', 200).notNullable()
    t.string('target_level', 16).notNullable()
    t.string('kind', 32).notNullable()
    t.text('declaration').notNullable()
    t.text('screening').nullable()
    t.string('decider_level', 16).notNullable()
    t.string('decider_org', 64).notNullable()
    t.string('decider_body', 64).notNullable()
    t.text('snapshot').notNullable()
    t.integer('machine_version').notNullable()
    t.string('created_by', 200).notNullable()
    t.string('created_at', 32).notNullable()
    t.string('updated_at', 32).notNullable()
    // Keyset pagination walks seq; each list filter gets an index that ends in seq.
    t.index(['state', 'seq'])
    t.index(['department_id', 'seq'])
    t.index(['outcome', 'seq'])
    t.index(['jurisdiction_id', 'seq'])
  })

  await knex.schema.createTable('task_targets', (t) => {
    t.integer('task_seq').notNullable().references('seq').inTable('tasks')
    t.string('org_unit_id', 64).notNullable().references('id').inTable('org_units')
    t.primary(['task_seq', 'org_unit_id'])
    t.index(['org_unit_id', 'task_seq'])
  })

  // Append-only: rows are inserted with the transition that made them and never updated.
  await knex.schema.createTable('task_events', (t) => {
    t.increments('seq').primary()
    t.integer('task_seq').notNullable().references('seq').inTable('tasks')
    // The task version this event produced; unique, so a lost update cannot leave two events for one version.
    t.integer('task_version').notNullable()
    t.string('type', 32).notNullable()
    t.string('from_state', 64).nullable()
    t.string('to_state', 64).notNullable()
    t.string('actor_sub', 200).notNullable()
    t.string('actor_role', 32).notNullable()
    t.string('actor_org', 64).nullable()
    t.text('payload').notNullable()
    t.string('outcome', 16).nullable()
    t.text('findings').nullable()
    t.string('policy_id', 64).nullable()
    t.string('policy_version', 64).nullable()
    t.string('policy_hash', 80).nullable()
    t.string('created_at', 32).notNullable()
    t.unique(['task_seq', 'task_version'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('task_events')
  await knex.schema.dropTable('task_targets')
  await knex.schema.dropTable('tasks')
  await knex.schema.dropTable('policy_packs')
  await knex.schema.dropTable('org_units')
}
