import type { Knex } from 'knex'
import { isPublicState, PUBLIC_STATES } from '../../machines/admission.js'
import { positionLabel, type AdmissionPosition, type StoredAdmissionSnapshot } from '../../machines/runtime.js'
import type { Finding, PolicyRef, Screening, TaskDeclaration, Verdict } from '../policy/types.js'
import type { Role } from '../roles.js'
import { enqueueDeliveries, type StateChange } from '../webhooks/outbox.js'
import { fromJson, toJson } from './db.js'

export interface Decider {
  level: 'city' | 'district'
  orgUnit: string
  body: 'leading_group' | 'party_committee_and_government'
}

export interface Actor {
  sub: string
  role: Role
  org: string | null
}

/** Where a task stands against its working-day deadline; all null outside an escalation. */
export const DUE_KINDS = ['office_review', 'decision', 'period_start', 'period_end'] as const

/**
 * The next date the gate must act on: a review deadline while escalated, the start
 * of the period while admitted, the day after it ends while active.
 */
export interface Deadline {
  escalatedOn: string | null
  dueOn: string | null
  dueKind: (typeof DUE_KINDS)[number] | null
  overdue: boolean
}

/** The agreement an admitted task becomes (000 §二.5 契约化管理). */
export interface Contract {
  paymentMethod: string
  paymentSchedule: string | null
  deliverables: Array<{ name: string; due: string | null }>
  contacts: Array<{ side: string; name: string; phone: string }>
}

export interface TaskRecord {
  seq: number
  id: string
  departmentId: string
  jurisdictionId: string
  position: AdmissionPosition
  version: number
  declaration: TaskDeclaration
  screening: Screening | null
  decider: Decider
  snapshot: StoredAdmissionSnapshot
  deadline: Deadline
  contract: Contract | null
  unfunded: boolean
  admittedAt: string | null
  createdAt: string
  updatedAt: string
}

interface DbTaskRow {
  seq: number
  id: string
  department_id: string
  jurisdiction_id: string
  state: string
  stage: string | null
  version: number
  outcome: Verdict | null
  title: string
  target_level: string
  kind: string
  declaration: unknown
  screening: unknown
  decider_level: Decider['level']
  decider_org: string
  decider_body: Decider['body']
  snapshot: unknown
  machine_version: number
  created_by: string
  created_at: string
  updated_at: string
  escalated_on: string | null
  due_on: string | null
  due_kind: Deadline['dueKind']
  overdue: boolean | number
  contract: string | null
  unfunded: boolean | number
  admitted_at: string | null
}

export interface DbTaskEventRow {
  seq: number
  task_seq: number
  task_version: number
  type: string
  from_state: string | null
  to_state: string
  actor_sub: string
  actor_role: Role
  actor_org: string | null
  payload: unknown
  outcome: Verdict | null
  findings: unknown
  policy_id: string | null
  policy_version: string | null
  policy_hash: string | null
  created_at: string
}

export interface EventPayload {
  reason?: string
  decision?: string
  vote?: string
  changes?: string[]
  /** SUBMIT: the declaration and sector as screened, so the decision can be re-explained later. */
  declaration?: TaskDeclaration
  sector?: string | null
  jurisdiction?: string
  minutes?: string
  consultation?: { mode: string; invited: string[] }
  reply?: string
  amendment?: { code: string; policy: PolicyRef }
}

function fromRow(row: DbTaskRow): TaskRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    departmentId: row.department_id,
    jurisdictionId: row.jurisdiction_id,
    position: { state: row.state, stage: row.stage } as AdmissionPosition,
    version: row.version,
    declaration: fromJson<TaskDeclaration>(row.declaration),
    screening: row.screening === null ? null : fromJson<Screening>(row.screening),
    decider: { level: row.decider_level, orgUnit: row.decider_org, body: row.decider_body },
    snapshot: fromJson<StoredAdmissionSnapshot>(row.snapshot),
    // SQLite has no boolean type and hands back 0 or 1.
    deadline: { escalatedOn: row.escalated_on, dueOn: row.due_on, dueKind: row.due_kind, overdue: Boolean(row.overdue) },
    contract: row.contract === null ? null : fromJson<Contract>(row.contract),
    unfunded: Boolean(row.unfunded),
    admittedAt: row.admitted_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

function declarationColumns(d: TaskDeclaration) {
  return { title: d.title, target_level: d.targetLevel, kind: d.kind, declaration: toJson(d) }
}

export async function replaceTargets(trx: Knex.Transaction, taskSeq: number, targets: string[]): Promise<void> {
  await trx('task_targets').where({ task_seq: taskSeq }).delete()
  // Chunked: a district-wide task can name hundreds of communities, more than one statement's parameter limit.
  for (let i = 0; i < targets.length; i += 200) {
    await trx('task_targets').insert(targets.slice(i, i + 200).map((org) => ({ task_seq: taskSeq, org_unit_id: org })))
  }
}

export interface NewTask {
  id: string
  departmentId: string
  jurisdictionId: string
  declaration: TaskDeclaration
  decider: Decider
  snapshot: StoredAdmissionSnapshot
  position: AdmissionPosition
  actor: Actor
  now: string
}

/** The row of a new draft, version 1, as the group commit writes it. */
export function draftRow(t: NewTask): TaskRow {
  return {
    id: t.id,
    department_id: t.departmentId,
    jurisdiction_id: t.jurisdictionId,
    state: t.position.state,
    stage: t.position.stage,
    version: 1,
    outcome: null,
    ...declarationColumns(t.declaration),
    screening: null,
    decider_level: t.decider.level,
    decider_org: t.decider.orgUnit,
    decider_body: t.decider.body,
    snapshot: toJson(t.snapshot),
    machine_version: t.snapshot.machineVersion,
    created_by: t.actor.sub,
    created_at: t.now,
    updated_at: t.now,
    escalated_on: null,
    due_on: null,
    due_kind: null,
    overdue: false,
    contract: null,
    unfunded: false,
    admitted_at: null
  }
}

/** A task row before the database numbers it. */
export type TaskRow = Omit<DbTaskRow, 'seq'>

/** A new draft as a record, seq not yet known: what a submission in the same call is planned from. */
export function draftRecord(t: NewTask, seq = 0): TaskRecord {
  return {
    seq,
    id: t.id,
    departmentId: t.departmentId,
    jurisdictionId: t.jurisdictionId,
    position: t.position,
    version: 1,
    declaration: t.declaration,
    screening: null,
    decider: t.decider,
    snapshot: t.snapshot,
    deadline: { escalatedOn: null, dueOn: null, dueKind: null, overdue: false },
    contract: null,
    unfunded: false,
    admittedAt: null,
    createdAt: t.now,
    updatedAt: t.now
  }
}

/** A row as the database hands it back, so records built in memory equal re-read ones. */
export const recordOf = (row: TaskRow, seq: number): TaskRecord => fromRow({ ...row, seq })

export const createEventRow = (seq: number, t: NewTask) => eventRow(seq, 1, 'CREATE', null, positionLabel(t.position), t.actor, {}, null, t.now)

export function stateChange(task: TaskRecord, type: string, from: string | null, at: string): StateChange {
  return {
    taskId: task.id,
    version: task.version,
    type,
    from,
    to: positionLabel(task.position),
    at,
    departmentId: task.departmentId,
    jurisdictionId: task.jurisdictionId,
    state: task.position.state,
    targets: task.declaration.targets
  }
}

function eventRow(
  taskSeq: number,
  version: number,
  type: string,
  from: string | null,
  to: string,
  actor: Actor,
  payload: EventPayload,
  screening: Screening | null,
  now: string
) {
  return {
    task_seq: taskSeq,
    task_version: version,
    type,
    from_state: from,
    to_state: to,
    actor_sub: actor.sub,
    actor_role: actor.role,
    actor_org: actor.org,
    payload: toJson(payload),
    outcome: screening?.outcome ?? null,
    findings: screening ? toJson(screening.findings) : null,
    policy_id: screening?.policy.id ?? null,
    policy_version: screening?.policy.version ?? null,
    policy_hash: screening?.policy.hash ?? null,
    created_at: now
  }
}

export async function findTask(db: Knex, id: string): Promise<TaskRecord | null> {
  const row = await db<DbTaskRow>('tasks').where({ id }).first()
  return row ? fromRow(row) : null
}

/** Reads back a row this transaction has just written. */
async function reread(trx: Knex.Transaction, seq: number): Promise<TaskRecord> {
  return fromRow((await trx<DbTaskRow>('tasks').where({ seq }).first())!)
}

/** Reads back rows this transaction has just written, by seq. */
export async function rereadAll(trx: Knex.Transaction, seqs: readonly number[]): Promise<Map<number, TaskRecord>> {
  const found = new Map<number, TaskRecord>()
  for (let i = 0; i < seqs.length; i += 500) {
    for (const row of (await trx<DbTaskRow>('tasks').whereIn('seq', seqs.slice(i, i + 500))) as DbTaskRow[]) found.set(Number(row.seq), fromRow(row))
  }
  return found
}

export interface Transition {
  type: string
  next: StoredAdmissionSnapshot
  position: AdmissionPosition
  declaration: TaskDeclaration
  decider: Decider
  deadline: Deadline
  /** Changes to the agreement or its funding flag; undefined keeps what is stored. */
  contract?: Contract
  unfunded?: boolean
  /** A new screening when the transition screened the task, null when it made the old one moot (REVISE), undefined to keep it. */
  screening?: Screening | null
  payload: EventPayload
  actor: Actor
  now: string
}

/** Applied, or refused because another writer moved the task first (`conflict` is how it stands now). */
export type CommitResult = { ok: true; task: TaskRecord } | { ok: false; conflict: TaskRecord }

/**
 * Writes one transition computed from `from`, outside the group commit: a compare-and-set
 * on the version and the event append, inside the caller's transaction. When another writer got
 * there first no row matches, nothing is written, and the caller answers 409.
 */
export async function commitTransition(trx: Knex.Transaction, from: TaskRecord, t: Transition): Promise<CommitResult> {
  const updated = await trx('tasks').where({ id: from.id, version: from.version }).update(transitionColumns(from, t))
  if (updated === 0) {
    return { ok: false, conflict: (await findTask(trx, from.id))! }
  }
  // Targets are not replaced here: what changes a declaration (SUBMIT or REVISE with
  // changes) goes through the group commit; the transitions written here (dates, funding,
  // contracts, an amending decision) keep the declaration they were read with.
  await trx('task_events').insert(transitionEventRow(from, t))
  const task = await reread(trx, from.seq)
  // The outbox row commits with the transition or not at all: a receiver that is down loses nothing.
  await enqueueDeliveries(trx, stateChange(task, t.type, positionLabel(from.position), t.now))
  return { ok: true, task }
}

/** The columns a transition computed from `from` changes; the version is one more. */
export function transitionColumns(from: TaskRecord, t: Transition) {
  const screening = t.screening === undefined ? from.screening : t.screening
  return {
    state: t.position.state,
    stage: t.position.stage,
    version: from.version + 1,
    outcome: screening?.outcome ?? null,
    ...declarationColumns(t.declaration),
    decider_level: t.decider.level,
    decider_org: t.decider.orgUnit,
    decider_body: t.decider.body,
    escalated_on: t.deadline.escalatedOn,
    due_on: t.deadline.dueOn,
    due_kind: t.deadline.dueKind,
    overdue: t.deadline.overdue,
    contract: t.contract === undefined ? (from.contract === null ? null : toJson(from.contract)) : toJson(t.contract),
    unfunded: t.unfunded ?? from.unfunded,
    // The moment of admission stays the first one: an agreement's clock starts there.
    admitted_at: from.admittedAt ?? (t.position.state === 'admitted' ? t.now : null),
    screening: screening ? toJson(screening) : null,
    snapshot: toJson(t.next),
    machine_version: t.next.machineVersion,
    updated_at: t.now
  }
}

export const transitionEventRow = (from: TaskRecord, t: Transition) =>
  eventRow(from.seq, from.version + 1, t.type, positionLabel(from.position), positionLabel(t.position), t.actor, t.payload, t.screening ?? null, t.now)

export interface TaskFilter {
  state?: string
  department?: string
  outcome?: string
  target?: string
  visibility: Visibility
}

/** Whose tasks, beyond the admitted ones everybody may read, a principal sees. */
export type Visibility =
  | { kind: 'all' }
  | { kind: 'admitted' }
  | { kind: 'department'; departmentId: string }
  | { kind: 'jurisdiction'; orgUnit: string }
  | { kind: 'target'; orgUnit: string }

const targeting = (db: Knex, orgUnit: string) => (sub: Knex.QueryBuilder) => {
  sub.select(db.raw('1')).from('task_targets').whereRaw('task_targets.task_seq = tasks.seq').where('task_targets.org_unit_id', orgUnit)
}

/** Newest first, keyset-paginated on seq so a page costs the same at any depth. */
export async function listTasks(db: Knex, filter: TaskFilter, limit: number, beforeSeq: number | null): Promise<{ items: TaskRecord[]; nextSeq: number | null }> {
  const q = db<DbTaskRow>('tasks').select('tasks.*')
  if (filter.state) q.where('tasks.state', filter.state)
  if (filter.department) q.where('tasks.department_id', filter.department)
  if (filter.outcome) q.where('tasks.outcome', filter.outcome)
  if (filter.target) q.whereExists(targeting(db, filter.target))
  const v = filter.visibility
  // A filter that already keeps to what the viewer may read needs no visibility clause;
  // without its OR, the (department_id, state, seq) index answers the query directly.
  const confined = (filter.state !== undefined && isPublicState(filter.state)) || (v.kind === 'department' && filter.department === v.departmentId)
  if (v.kind !== 'all' && !confined) {
    q.where((scope) => {
      scope.whereIn('tasks.state', PUBLIC_STATES)
      if (v.kind === 'department') scope.orWhere('tasks.department_id', v.departmentId)
      if (v.kind === 'jurisdiction') scope.orWhere('tasks.jurisdiction_id', v.orgUnit)
    })
  }
  if (beforeSeq !== null) q.where('tasks.seq', '<', beforeSeq)
  const rows = (await q.orderBy('tasks.seq', 'desc').limit(limit + 1)) as DbTaskRow[]
  const items = rows.slice(0, limit).map(fromRow)
  return { items, nextSeq: rows.length > limit ? items[items.length - 1]!.seq : null }
}

export async function listTaskEvents(db: Knex, taskSeq: number, limit: number, afterSeq: number | null): Promise<{ items: DbTaskEventRow[]; nextSeq: number | null }> {
  const q = db<DbTaskEventRow>('task_events').where({ task_seq: taskSeq })
  if (afterSeq !== null) q.where('seq', '>', afterSeq)
  const rows = (await q.orderBy('seq', 'asc').limit(limit + 1)) as DbTaskEventRow[]
  const items = rows.slice(0, limit)
  return { items, nextSeq: rows.length > limit ? Number(items[items.length - 1]!.seq) : null }
}

export function findingsOf(row: DbTaskEventRow): Finding[] | null {
  return row.findings === null ? null : fromJson<Finding[]>(row.findings)
}

export function policyOf(row: DbTaskEventRow): PolicyRef | null {
  return row.policy_id === null ? null : { id: row.policy_id, version: row.policy_version!, hash: row.policy_hash! }
}

export interface ReviewFilter {
  /** The deciding city or district; null for all (admin). */
  orgUnit: string | null
  stages: readonly string[]
  overdueOnly: boolean
}

/** Escalated tasks awaiting a reviewer, the nearest deadline first. */
export async function listReviewQueue(db: Knex, f: ReviewFilter, limit: number): Promise<TaskRecord[]> {
  const q = db<DbTaskRow>('tasks').where('state', 'escalated').whereIn('stage', f.stages)
  if (f.orgUnit !== null) q.where('decider_org', f.orgUnit)
  if (f.overdueOnly) q.where('overdue', true)
  const rows = (await q.orderBy([{ column: 'due_on' }, { column: 'seq' }]).limit(limit)) as DbTaskRow[]
  return rows.map(fromRow)
}

/** Escalated tasks whose deadline passed before `today` and that are not yet flagged. */
export async function findNewlyOverdue(db: Knex, today: string, limit: number): Promise<TaskRecord[]> {
  const rows = (await db<DbTaskRow>('tasks')
    .where('state', 'escalated')
    .where('overdue', false)
    .where('due_on', '<', today)
    .orderBy('due_on')
    .limit(limit)) as DbTaskRow[]
  return rows.map(fromRow)
}

/** Contracts whose period has started (admitted) or ended (active) by `today`. */
export async function findContractsDue(db: Knex, today: string, limit: number): Promise<TaskRecord[]> {
  const rows = (await db<DbTaskRow>('tasks')
    .whereIn('state', ['admitted', 'active'])
    .where('due_on', '<=', today)
    .orderBy('due_on')
    .limit(limit)) as DbTaskRow[]
  return rows.map(fromRow)
}

/** Active contracts not yet flagged unfunded whose grace period may have run out. */
export async function findActiveFunded(db: Knex, limit: number): Promise<TaskRecord[]> {
  const rows = (await db<DbTaskRow>('tasks').where('state', 'active').where('unfunded', false).orderBy('seq').limit(limit)) as DbTaskRow[]
  return rows.map(fromRow)
}

/** The last SUBMIT of a task: what was screened, with which pack, on which day. */
export async function lastSubmission(db: Knex, taskSeq: number): Promise<DbTaskEventRow | null> {
  const row = await db<DbTaskEventRow>('task_events').where({ task_seq: taskSeq, type: 'SUBMIT' }).orderBy('seq', 'desc').first()
  return row ?? null
}
