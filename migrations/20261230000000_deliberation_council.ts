import type { Knex } from 'knex'

// The residents' deliberation council (议事会六步工作法, machines/deliberation.ts): its members,
// kept when they leave (removed_at) with every change in a history table, and its items with
// their append-only history, as the burden reports keep theirs. JSON in text columns,
// ISO-8601 timestamps and YYYY-MM-DD dates as strings, a version for compare-and-set.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('council_members', (t) => {
    t.increments('seq').primary()
    t.string('community_id', 64).notNullable().references('id').inTable('org_units')
    // The member's id: a resident is no principal of the gate, so any stable id the community keeps.
    t.string('sub', 200).notNullable()
    t.string('name', 200).notNullable()
    t.string('position', 16).notNullable()
    // Recorded, not enforced: about 40 % party members, the chair in principle one (zhangjiagang-2016 四(一)二).
    t.boolean('party_member').notNullable()
    t.string('term_start', 10).notNullable()
    t.string('term_end', 10).notNullable()
    t.string('removed_at', 32).nullable()
    t.string('created_at', 32).notNullable()
    t.string('updated_at', 32).notNullable()
    t.string('updated_by', 200).notNullable()
    t.unique(['community_id', 'sub'])
  })
  // One chair and one vice chair per council among the members who have not left.
  await knex.raw(
    "create unique index council_members_one_seat on council_members (community_id, position) where removed_at is null and position in ('chair', 'vice_chair')"
  )
  await knex.schema.createTable('council_member_changes', (t) => {
    t.increments('seq').primary()
    t.string('community_id', 64).notNullable().references('id').inTable('org_units')
    t.string('sub', 200).notNullable()
    t.string('change', 16).notNullable()
    t.text('before').nullable()
    t.text('after').nullable()
    t.string('via', 16).notNullable()
    t.string('actor_sub', 200).notNullable()
    t.string('actor_role', 32).notNullable()
    t.string('at', 32).notNullable()
    t.index(['community_id', 'seq'])
  })

  await knex.schema.createTable('deliberations', (t) => {
    t.increments('seq').primary()
    t.string('id', 40).notNullable().unique()
    t.string('community_id', 64).notNullable().references('id').inTable('org_units')
    // The community's street and its city or district as they were when the item was proposed: who reads it.
    t.string('street_id', 64).notNullable()
    t.string('jurisdiction_id', 64).notNullable()
    t.string('city_id', 64).notNullable()
    t.string('origin', 32).notNullable()
    t.string('proposer', 200).nullable()
    t.text('title').notNullable()
    t.text('text').notNullable()
    t.string('track', 16).nullable()
    t.string('state', 32).notNullable()
    t.integer('version').notNullable()
    t.text('snapshot').notNullable()
    t.integer('machine_version').notNullable()
    // The day its resolution (or the council's rejection) was made public: the register lists from it.
    t.string('published_on', 10).nullable()
    t.string('created_at', 32).notNullable()
    t.string('updated_at', 32).notNullable()
    t.index(['community_id', 'seq'])
    t.index(['jurisdiction_id', 'seq'])
    t.index(['state', 'seq'])
  })

  await knex.schema.createTable('deliberation_events', (t) => {
    t.increments('seq').primary()
    t.integer('deliberation_seq').notNullable().references('seq').inTable('deliberations')
    t.integer('deliberation_version').notNullable()
    t.string('type', 40).notNullable()
    t.string('from_state', 64).nullable()
    t.string('to_state', 64).notNullable()
    t.string('actor_sub', 200).notNullable()
    t.string('actor_role', 32).notNullable()
    t.string('actor_org', 64).nullable()
    t.text('payload').notNullable()
    t.string('created_at', 32).notNullable()
    t.unique(['deliberation_seq', 'deliberation_version'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('deliberation_events')
  await knex.schema.dropTable('deliberations')
  await knex.schema.dropTable('council_member_changes')
  await knex.raw('drop index council_members_one_seat')
  await knex.schema.dropTable('council_members')
}
