import type { Knex } from 'knex'

// Outgoing webhooks (src/webhooks). A delivery row is written in the same transaction as
// the task transition it reports (a transactional outbox), so no committed transition
// goes unreported and no rolled-back one is ever announced. The dispatcher sends due rows
// and records every attempt on the row itself.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhooks', (t) => {
    t.string('id', 40).primary()
    t.text('url').notNullable()
    // JSON array of event types, or ["*"] for all of them.
    t.text('events').notNullable()
    // Kept in clear: it is the HMAC key each delivery is signed with.
    t.text('secret').notNullable()
    // The principal who registered it: deliveries only report tasks it may see.
    t.string('owner_sub', 200).notNullable()
    t.string('owner_role', 32).notNullable()
    t.string('owner_org', 64).notNullable()
    t.string('created_at', 32).notNullable()
    t.boolean('active').notNullable().defaultTo(true)
    t.index(['active'])
    t.index(['owner_sub'])
  })

  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.increments('seq').primary()
    t.string('id', 40).notNullable().unique()
    t.string('webhook_id', 40).notNullable().references('id').inTable('webhooks')
    t.string('event_type', 40).notNullable()
    t.string('task_id', 40).notNullable()
    t.integer('task_version').notNullable()
    // The exact bytes sent, and signed, on every attempt.
    t.text('body').notNullable()
    t.string('status', 16).notNullable()
    t.integer('attempts').notNullable().defaultTo(0)
    t.string('next_attempt_at', 32).notNullable()
    t.integer('last_status').nullable()
    t.text('last_error').nullable()
    t.string('created_at', 32).notNullable()
    t.string('delivered_at', 32).nullable()
    // The dispatcher's query: pending rows that are due.
    t.index(['status', 'next_attempt_at'])
    // A webhook's delivery log, newest first.
    t.index(['webhook_id', 'seq'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_deliveries')
  await knex.schema.dropTable('webhooks')
}
