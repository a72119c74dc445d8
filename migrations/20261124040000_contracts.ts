import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    // The agreement an admitted task becomes (000 §二.5 契约化管理): payment, deliverables, contacts.
    t.text('contract').nullable()
    // 费随事转: set by the sweeper when a target has not confirmed its funding within the grace period.
    t.boolean('unfunded').notNullable().defaultTo(false)
    t.string('admitted_at', 32).nullable()
    t.index(['state', 'unfunded'])
  })
  // Each target community says whether the money (and staff or powers) arrived; the latest word counts.
  await knex.schema.createTable('funding_confirmations', (t) => {
    t.increments('seq').primary()
    t.integer('task_seq').notNullable().references('seq').inTable('tasks')
    t.string('community_id', 64).notNullable().references('id').inTable('org_units')
    t.string('status', 16).notNullable()
    t.decimal('amount', 14, 2).nullable()
    t.boolean('staff_arrived').nullable()
    t.text('note').nullable()
    t.string('confirmed_by', 200).notNullable()
    t.string('created_at', 32).notNullable()
    t.index(['task_seq', 'community_id', 'seq'])
    t.index(['community_id', 'seq'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('funding_confirmations')
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex(['state', 'unfunded'])
    t.dropColumn('admitted_at')
    t.dropColumn('unfunded')
    t.dropColumn('contract')
  })
}
