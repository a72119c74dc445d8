import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  // Members of the leading group of a city or district. A member who
  // comes from a department recuses on that department's tasks.
  await knex.schema.createTable('group_members', (t) => {
    t.increments('seq').primary()
    t.string('org_unit_id', 64).notNullable().references('id').inTable('org_units')
    t.string('sub', 200).notNullable()
    t.string('name', 200).notNullable()
    t.string('home_department_id', 64).nullable().references('id').inTable('org_units')
    t.boolean('chair').notNullable().defaultTo(false)
    t.string('created_at', 32).notNullable()
    t.unique(['org_unit_id', 'sub'])
  })
  // Working-day deadlines live in the database so that they survive a restart;
  // the sweeper finds them by (overdue, due_on).
  await knex.schema.alterTable('tasks', (t) => {
    t.string('escalated_on', 10).nullable()
    t.string('due_on', 10).nullable()
    t.string('due_kind', 32).nullable()
    t.boolean('overdue').notNullable().defaultTo(false)
    t.index(['overdue', 'due_on'])
    t.index(['decider_org', 'stage', 'due_on'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex(['decider_org', 'stage', 'due_on'])
    t.dropIndex(['overdue', 'due_on'])
    t.dropColumn('overdue')
    t.dropColumn('due_kind')
    t.dropColumn('due_on')
    t.dropColumn('escalated_on')
  })
  await knex.schema.dropTable('group_members')
}
