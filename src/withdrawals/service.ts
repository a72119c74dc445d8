import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import type { RelatedRows } from '../engine/group-commit.js'
import { Problems } from '../platform/errors.js'
import type { OrgDirectory } from '../policy/org-directory.js'
import { findTask } from '../tasks/store.js'
import { WITHDRAWABLE_STATES, withdrawalRequestRows } from './store.js'

export interface WithdrawalAsk {
  task: string
  reason: string
}

/**
 * The rows a resolution writes to ask the office to withdraw a task, after checking what the
 * resolution may ask: a task admitted for this community (named among its targets, or its
 * street's when the task lands on streets) that can still be withdrawn. `field` names the
 * request's place in the body, so a refusal points at it.
 */
export async function planWithdrawalRequest(
  db: Knex,
  orgs: OrgDirectory,
  ask: WithdrawalAsk,
  by: { deliberationId: string; communityId: string; sub: string; at: string },
  field: string
): Promise<{ id: string; rows: RelatedRows }> {
  const task = await findTask(db, ask.task)
  if (task === null) throw Problems.invalid(`${field}.task`, { zh: `任务“${ask.task}”不存在`, en: `task "${ask.task}" does not exist` })
  const lineage = (await orgs.lineage(db, by.communityId)).map((u) => u.id)
  if (!task.declaration.targets.some((t) => lineage.includes(t))) {
    throw Problems.invalid(`${field}.task`, { zh: `任务“${task.id}”并非交由本社区承担`, en: `task "${task.id}" was not admitted for this community` })
  }
  if (!(WITHDRAWABLE_STATES as readonly string[]).includes(task.position.state)) {
    throw Problems.invalid(`${field}.task`, {
      zh: `任务“${task.id}”处于“${task.position.state}”状态，只有已准入、执行中或暂停的任务可请求撤回`,
      en: `task "${task.id}" is ${task.position.state}; only an admitted, active or suspended task can be asked to be withdrawn`
    })
  }
  const id = randomUUID()
  const rows = withdrawalRequestRows({
    id,
    deliberationId: by.deliberationId,
    taskId: task.id,
    communityId: by.communityId,
    jurisdictionId: task.decider.orgUnit,
    reason: ask.reason,
    requestedBy: by.sub,
    requestedAt: by.at
  })
  return { id, rows }
}
