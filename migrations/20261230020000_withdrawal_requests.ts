import type { Knex } from 'knex'

// Where the residents' process meets the gate (Beijing Xicheng practice: an admitted item that
// residents widely reject is withdrawn). A council resolution asks the office to withdraw a task
// admitted for its community; the office answers with REVOKE or DECLINE_WITHDRAWAL on the task.
// The request is written with the resolution's step, the answer with the task's step, each in its
// instance's transaction: neither write has to reach into the other instance.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('withdrawal_requests', (t) => {
    t.increments('seq').primary()
    t.string('id', 40).notNullable().unique()
    // The deliberation item whose resolution asks; its seq is the related-rows key of that step.
    t.integer('deliberation_seq').notNullable()
    t.string('deliberation_id', 40).notNullable()
    t.string('task_id', 40).notNullable()
    t.string('community_id', 64).notNullable().references('id').inTable('org_units')
    // The city or district whose office admitted the task and answers the request.
    t.string('jurisdiction_id', 64).notNullable().references('id').inTable('org_units')
    t.text('reason').notNullable()
    t.string('requested_by', 200).notNullable()
    t.string('requested_at', 32).notNullable()
    // One request per resolution and task: a resolution asks once.
    t.unique(['deliberation_id', 'task_id'])
    t.index(['jurisdiction_id', 'seq'])
    t.index(['task_id'])
  })

  // Append-only: the office's answer, written with the task's REVOKE or DECLINE_WITHDRAWAL.
  await knex.schema.createTable('withdrawal_answers', (t) => {
    t.increments('seq').primary()
    t.integer('task_seq').notNullable()
    // Unique: a request is answered once, whatever two offices try at the same moment.
    t.string('request_id', 40).notNullable().unique()
    t.string('decision', 16).notNullable()
    t.text('reason').notNullable()
    t.string('decided_by', 200).notNullable()
    t.string('decided_at', 32).notNullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('withdrawal_answers')
  await knex.schema.dropTable('withdrawal_requests')
}
