import type { Knex } from 'knex'

// Idempotency-Key: the first response to a key is kept and replayed to retries.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('idempotency_keys', (t) => {
    t.string('scope', 200).notNullable()
    t.string('key', 200).notNullable()
    t.string('request_hash', 80).notNullable()
    // null while the first request is still being handled
    t.integer('status').nullable()
    t.text('body').nullable()
    t.string('created_at', 32).notNullable()
    t.primary(['scope', 'key'])
    t.index(['created_at'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('idempotency_keys')
}
