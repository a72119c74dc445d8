import type { Knex } from 'knex'

// Issue 11 item 2: a leading group has a chair and a deputy chair, who records the decision
// when the chair recuses; members leave the group without leaving the record. Votes stored on
// tasks name a member's sub, so a removed member's row stays, marked `removed_at`.
// `chair` stays as a column, kept equal to position = 'chair', so that a row read by older
// code still says who the chair is.

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('group_members', (t) => {
    t.string('position', 16).notNullable().defaultTo('member')
    t.string('removed_at', 32).nullable()
    t.string('updated_at', 32).nullable()
    t.string('updated_by', 200).nullable()
  })
  await knex('group_members').where({ chair: true }).update({ position: 'chair' })
  // The database, not only the code, keeps one chair and one deputy per group among the
  // members who have not left: a partial index, which SQLite and PostgreSQL both know.
  await knex.raw(
    "create unique index group_members_one_seat on group_members (org_unit_id, position) where removed_at is null and position in ('chair', 'deputy_chair')"
  )
  // Who changed a group's membership, when, and what it was before and after: the group's
  // composition on the day of a decision can be read back from it.
  await knex.schema.createTable('group_member_changes', (t) => {
    t.increments('seq').primary()
    t.string('org_unit_id', 64).notNullable().references('id').inTable('org_units')
    t.string('sub', 200).notNullable()
    t.string('change', 16).notNullable()
    t.text('before').nullable()
    t.text('after').nullable()
    t.string('via', 16).notNullable()
    t.string('actor_sub', 200).notNullable()
    t.string('actor_role', 32).notNullable()
    t.string('at', 32).notNullable()
    t.index(['org_unit_id', 'seq'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('group_member_changes')
  await knex.raw('drop index group_members_one_seat')
  await knex.schema.alterTable('group_members', (t) => {
    t.dropColumn('updated_by')
    t.dropColumn('updated_at')
    t.dropColumn('removed_at')
    t.dropColumn('position')
  })
}
