import type { Knex } from 'knex'

// A city renames, moves and closes its units; history refers to them by id, so nothing is
// deleted. `closed_at` marks a unit that takes no new work and whose tokens are refused.
// Every change to the tree bumps `org_tree.revision` in the transaction that makes it: each
// server process keeps the tree it has read and reads one row to learn whether that is stale.
// `org_unit_changes` keeps who changed what, with the values before and after.
// A webhook of an admin records whether that admin administered the whole tree (a city's
// admin) or only a district, whose changes are all it hears of; those made before admins were
// scoped were all made by admins of everything.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('org_units', (t) => {
    t.string('closed_at', 32).nullable()
  })
  await knex.schema.createTable('org_tree', (t) => {
    t.integer('id').primary()
    t.integer('revision').notNullable()
  })
  await knex('org_tree').insert({ id: 1, revision: 1 })
  await knex.schema.createTable('org_unit_changes', (t) => {
    t.increments('seq').primary()
    t.string('org_unit_id', 64).notNullable().references('id').inTable('org_units')
    t.string('change', 16).notNullable()
    t.text('before').nullable()
    t.text('after').notNullable()
    t.string('actor_sub', 200).notNullable()
    t.string('actor_org', 64).nullable()
    t.string('at', 32).notNullable()
    t.index(['org_unit_id', 'seq'])
  })
  await knex.schema.alterTable('webhooks', (t) => {
    t.boolean('owner_administers_all').notNullable().defaultTo(true)
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhooks', (t) => {
    t.dropColumn('owner_administers_all')
  })
  await knex.schema.dropTable('org_unit_changes')
  await knex.schema.dropTable('org_tree')
  await knex.schema.alterTable('org_units', (t) => {
    t.dropColumn('closed_at')
  })
}
