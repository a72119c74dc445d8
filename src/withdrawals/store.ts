import type { Knex } from 'knex'
import type { RelatedRows } from '../engine/group-commit.js'

/** How the office answered: the task was revoked, or kept with reasons. */
export const WITHDRAWAL_DECISIONS = ['revoke', 'keep'] as const
export type WithdrawalDecision = (typeof WITHDRAWAL_DECISIONS)[number]

/**
 * pending while the office may still answer; revoked or kept as it answered. A request is
 * pending only while its task can still be withdrawn: one whose task's period ended before any
 * answer is lapsed, and one whose task was revoked by a write that did not see it is revoked.
 * Derived from the task's state when read, so that no request waits for ever, whatever raced.
 */
export const WITHDRAWAL_REQUEST_STATES = ['pending', 'revoked', 'kept', 'lapsed'] as const
export type WithdrawalRequestState = (typeof WITHDRAWAL_REQUEST_STATES)[number]

const STATE_OF: Record<WithdrawalDecision, WithdrawalRequestState> = { revoke: 'revoked', keep: 'kept' }

export interface WithdrawalAnswer {
  decision: WithdrawalDecision
  reason: string
  decidedBy: string
  decidedAt: string
}

export interface WithdrawalRequestRecord {
  seq: number
  id: string
  deliberationId: string
  taskId: string
  communityId: string
  jurisdictionId: string
  reason: string
  requestedBy: string
  requestedAt: string
  state: WithdrawalRequestState
  answer: WithdrawalAnswer | null
}

interface DbRequestRow {
  seq: number
  id: string
  deliberation_id: string
  task_id: string
  community_id: string
  jurisdiction_id: string
  reason: string
  requested_by: string
  requested_at: string
  decision: WithdrawalDecision | null
  answer_reason: string | null
  decided_by: string | null
  decided_at: string | null
  task_state: string
}

function fromRow(r: DbRequestRow): WithdrawalRequestRecord {
  const answer = r.decision === null ? null : { decision: r.decision, reason: r.answer_reason!, decidedBy: r.decided_by!, decidedAt: r.decided_at! }
  return {
    seq: Number(r.seq),
    id: r.id,
    deliberationId: r.deliberation_id,
    taskId: r.task_id,
    communityId: r.community_id,
    jurisdictionId: r.jurisdiction_id,
    reason: r.reason,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    state: answer !== null ? STATE_OF[answer.decision] : unansweredState(r.task_state),
    answer
  }
}

const unansweredState = (taskState: string): WithdrawalRequestState =>
  (WITHDRAWABLE_STATES as readonly string[]).includes(taskState) ? 'pending' : taskState === 'revoked' ? 'revoked' : 'lapsed'

const withAnswers = (db: Knex) =>
  db('withdrawal_requests as q')
    .join('tasks as t', 't.id', 'q.task_id')
    .leftJoin('withdrawal_answers as a', 'a.request_id', 'q.id')
    .select('q.*', 'a.decision', 'a.reason as answer_reason', 'a.decided_by', 'a.decided_at', 't.state as task_state')

/** The same states as `unansweredState`, as a condition a query can page on. */
function whereState(q: Knex.QueryBuilder, state: WithdrawalRequestState): void {
  const unanswered = (w: Knex.QueryBuilder) => w.whereNull('a.decision')
  if (state === 'pending') q.where((w) => unanswered(w).whereIn('t.state', WITHDRAWABLE_STATES))
  if (state === 'kept') q.where('a.decision', 'keep')
  if (state === 'revoked') q.where((w) => w.where('a.decision', 'revoke').orWhere((o) => unanswered(o).where('t.state', 'revoked')))
  if (state === 'lapsed') q.where((w) => unanswered(w).whereNotIn('t.state', [...WITHDRAWABLE_STATES, 'revoked']))
}

export async function findWithdrawalRequest(db: Knex, id: string): Promise<WithdrawalRequestRecord | null> {
  const row = (await withAnswers(db).where('q.id', id).first()) as DbRequestRow | undefined
  return row === undefined ? null : fromRow(row)
}

/** Which requests, beyond none, a principal reads. */
export type WithdrawalScope =
  | { kind: 'all' }
  | { kind: 'jurisdiction'; orgUnit: string }
  | { kind: 'community'; orgUnit: string }
  | { kind: 'department'; departmentId: string }

export interface WithdrawalFilter {
  scope: WithdrawalScope
  state?: WithdrawalRequestState
  task?: string
  deliberation?: string
}

/** Oldest first, as a queue is worked through; keyset-paginated on seq. */
export async function listWithdrawalRequests(db: Knex, f: WithdrawalFilter, limit: number, afterSeq: number | null): Promise<{ items: WithdrawalRequestRecord[]; nextSeq: number | null }> {
  const q = withAnswers(db)
  const s = f.scope
  if (s.kind === 'jurisdiction') q.where('q.jurisdiction_id', s.orgUnit)
  if (s.kind === 'community') q.where('q.community_id', s.orgUnit)
  if (s.kind === 'department') q.whereIn('q.task_id', db('tasks').select('id').where('department_id', s.departmentId))
  if (f.state !== undefined) whereState(q, f.state)
  if (f.task !== undefined) q.where('q.task_id', f.task)
  if (f.deliberation !== undefined) q.where('q.deliberation_id', f.deliberation)
  if (afterSeq !== null) q.where('q.seq', '>', afterSeq)
  const rows = (await q.orderBy('q.seq', 'asc').limit(limit + 1)) as DbRequestRow[]
  const items = rows.slice(0, limit).map(fromRow)
  return { items, nextSeq: rows.length > limit ? items[items.length - 1]!.seq : null }
}

/** The requests a task has not answered yet: the office is offered DECLINE_WITHDRAWAL only while there is one. */
export async function pendingRequestsOf(db: Knex, taskId: string): Promise<WithdrawalRequestRecord[]> {
  const rows = (await withAnswers(db).where('q.task_id', taskId).whereNull('a.decision').orderBy('q.seq', 'asc')) as DbRequestRow[]
  // Only asked of a task that can still be withdrawn, so every unanswered request is pending here.
  return rows.map(fromRow)
}

export interface NewWithdrawalRequest {
  id: string
  deliberationId: string
  taskId: string
  communityId: string
  jurisdictionId: string
  reason: string
  requestedBy: string
  requestedAt: string
}

/** The request, written with the resolution's step: the deliberation's seq is its key. */
export function withdrawalRequestRows(r: NewWithdrawalRequest): RelatedRows {
  return {
    table: 'withdrawal_requests',
    seqColumn: 'deliberation_seq',
    rows: [
      {
        id: r.id,
        deliberation_id: r.deliberationId,
        task_id: r.taskId,
        community_id: r.communityId,
        jurisdiction_id: r.jurisdictionId,
        reason: r.reason,
        requested_by: r.requestedBy,
        requested_at: r.requestedAt
      }
    ]
  }
}

/** The answer, written with the task's REVOKE or DECLINE_WITHDRAWAL: the task's seq is its key. */
export function withdrawalAnswerRows(requestId: string, a: WithdrawalAnswer): RelatedRows {
  return {
    table: 'withdrawal_answers',
    seqColumn: 'task_seq',
    rows: [{ request_id: requestId, decision: a.decision, reason: a.reason, decided_by: a.decidedBy, decided_at: a.decidedAt }]
  }
}

/** The states in which an office may still withdraw an admitted task (REVOKE is enabled in them). */
export const WITHDRAWABLE_STATES = ['admitted', 'active', 'suspended'] as const
