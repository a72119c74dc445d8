import type { Knex } from 'knex'
import * as admissionGate from './20261124000000_admission_gate.js'
import * as leadingGroups from './20261124010000_leading_groups.js'
import * as webhooks from './20261124020000_webhooks.js'
import * as burdenReports from './20261124030000_burden_reports.js'
import * as contracts from './20261124040000_contracts.js'
import * as idempotency from './20261124050000_idempotency.js'
import * as groupCommit from './20261124060000_group_commit.js'
import * as engine from './20261201000000_engine.js'
import * as citations from './20261215000000_citations.js'
import * as orgTreeChanges from './20261216000000_org_tree_changes.js'
import * as cityScale from './20261220000000_city_scale.js'
import * as memberPositions from './20261220000000_group_member_positions.js'
import * as packPublishers from './20261220000000_pack_publishers.js'
import * as deliberationCouncil from './20261230000000_deliberation_council.js'
import * as evaluationRounds from './20261230010000_evaluation_rounds.js'
import * as withdrawalRequests from './20261230020000_withdrawal_requests.js'

/**
 * Migrations are listed here, by name without extension, so that knex records
 * the same name whether it runs from TypeScript sources or compiled JavaScript.
 */
const MIGRATIONS: Record<string, Knex.Migration> = {
  '20261124000000_admission_gate': admissionGate,
  '20261124010000_leading_groups': leadingGroups,
  '20261124020000_webhooks': webhooks,
  '20261124030000_burden_reports': burdenReports,
  '20261124040000_contracts': contracts,
  '20261124050000_idempotency': idempotency,
  '20261124060000_group_commit': groupCommit,
  '20261201000000_engine': engine,
  '20261215000000_citations': citations,
  '20261216000000_org_tree_changes': orgTreeChanges,
  '20261220000000_city_scale': cityScale,
  '20261220000000_group_member_positions': memberPositions,
  '20261220000000_pack_publishers': packPublishers,
  '20261230000000_deliberation_council': deliberationCouncil,
  '20261230010000_evaluation_rounds': evaluationRounds,
  '20261230020000_withdrawal_requests': withdrawalRequests
}

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name] as Knex.Migration
}
