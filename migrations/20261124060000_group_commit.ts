import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  // A list by state and department (or jurisdiction) is one index range read in seq
  // order at any table size; the separate (state, seq) and (department_id, seq)
  // indexes made PostgreSQL intersect and sort, slower the more tasks there were.
  await knex.schema.alterTable('tasks', (t) => {
    t.index(['department_id', 'state', 'seq'])
    t.index(['jurisdiction_id', 'state', 'seq'])
  })
  // The task an idempotent request created or moved, written in the same transaction:
  // a retry after a crash between the commit and the stored response finds it there.
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.string('resource', 200).nullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.dropColumn('resource')
  })
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex(['jurisdiction_id', 'state', 'seq'])
    t.dropIndex(['department_id', 'state', 'seq'])
  })
}
