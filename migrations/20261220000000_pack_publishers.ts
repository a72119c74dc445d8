import type { Knex } from 'knex'

// Who published each policy-pack version: the code at start-up, a leading group's decision, or an
// administrator through the CLI or the API (zhunru pack publish, POST /v1/policy-packs), as JSON.
// Versions stored before this are left empty and read by their version: -aN was a decision.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('policy_packs', (t) => {
    t.text('published_by').nullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('policy_packs', (t) => {
    t.dropColumn('published_by')
  })
}
