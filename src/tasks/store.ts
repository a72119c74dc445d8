import type { Knex } from 'knex'
import { isPublicState, PUBLIC_STATES } from '../../machines/admission.js'
import { positionLabel, type AdmissionPosition, type StoredAdmissionSnapshot } from '../../machines/runtime.js'
import type { IdempotencyClaim, PlannedCreate, PlannedStep, RelatedRows, Row } from '../engine/group-commit.js'
import { isDeepStrictEqual } from 'node:util'
import { addCalendarDays } from '../clock.js'
import { dueRows, type DueDate } from '../engine/due.js'
import type { Audience, EventRecord, InstanceTables, StateChange } from '../engine/store.js'
import type { Finding, PolicyRef, Screening, TaskDeclaration, Verdict } from '../policy/types.js'
import type { Role } from '../roles.js'
import { fromJson, toJson } from '../engine/db.js'
import { dayNumber } from '../../migrations/20261220000000_city_scale.js'

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

/** The agreement an admitted task becomes (nanjing-2014 §二.5 契约化管理). */
export interface Contract {
  paymentMethod: string
  paymentSchedule: string | null
  deliverables: Array<{ name: string; due: string | null }>
  contacts: Array<{ side: string; name: string; phone: string }>
  /** Anything else the parties agree; absent in terms set before 0.2. */
  notes?: string | null
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
  firstSubmittedAt: string | null
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
  period_first_day: number
  period_last_day: number
  workload_hours: number
  funding_promised: number
  first_submitted_at: string | null
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
  /** REVOKE or DECLINE_WITHDRAWAL: the residents' council request answered, and the deliberation item whose resolution asked. */
  withdrawalRequest?: string
  deliberation?: string
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
    firstSubmittedAt: row.first_submitted_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

/** The declaration and the figures of it the ledgers add up in SQL (see the city_scale migration). */
function declarationColumns(d: TaskDeclaration) {
  return {
    title: d.title,
    target_level: d.targetLevel,
    kind: d.kind,
    declaration: toJson(d),
    period_first_day: dayNumber(d.period.start),
    period_last_day: dayNumber(d.period.end),
    workload_hours: d.workloadHours,
    funding_promised: d.funding?.committed ? d.funding.perTarget : 0
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
    admitted_at: null,
    first_submitted_at: null
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
    firstSubmittedAt: null,
    createdAt: t.now,
    updatedAt: t.now
  }
}

/** Where tasks and their history live, for the engine. */
export const TASK_TABLES: InstanceTables = { instances: 'tasks', events: 'task_events', eventInstance: 'task_seq', eventVersion: 'task_version' }

/** A task row as the engine hands it back. */
export const recordOf = (row: Row): TaskRecord => fromRow(row as unknown as DbTaskRow)

/** Admitted work is public; the rest is for the department, and the office and group that review it. */
const audienceOf = (t: Pick<TaskRecord, 'departmentId' | 'jurisdictionId'>, state: string): Audience => ({
  public: isPublicState(state),
  departments: [t.departmentId],
  offices: [t.jurisdictionId],
  groups: [t.jurisdictionId],
  communities: []
})

function changeOf(t: Pick<TaskRecord, 'id' | 'departmentId' | 'jurisdictionId'>, version: number, type: string, from: string | null, to: AdmissionPosition, at: string): StateChange {
  return { machine: 'admission', instanceId: t.id, version, type, from, to: positionLabel(to), state: to.state, at, audience: audienceOf(t, to.state) }
}

/** The event as the history keeps it: a screening's outcome, findings and policy version beside the engine's columns. */
function eventOf(type: string, from: string | null, to: AdmissionPosition, actor: Actor, payload: EventPayload, screening: Screening | null | undefined, now: string): EventRecord {
  return {
    type,
    from,
    to: positionLabel(to),
    actor,
    payload,
    at: now,
    columns: {
      outcome: screening?.outcome ?? null,
      findings: screening ? toJson(screening.findings) : null,
      policy_id: screening?.policy.id ?? null,
      policy_version: screening?.policy.version ?? null,
      policy_hash: screening?.policy.hash ?? null
    }
  }
}

/**
 * The dates the task waits for in this position, as rows the engine's sweeper reads: a
 * review deadline is missed the day after it, a contract's dates fall on the day, and an
 * active contract's funding is checked from its start (the sweep waits out the grace period).
 */
function dueDatesOf(state: string, deadline: Deadline, d: TaskDeclaration, unfunded: boolean): DueDate[] {
  const due: DueDate[] = []
  if (deadline.dueKind !== null && !deadline.overdue) {
    const review = deadline.dueKind === 'office_review' || deadline.dueKind === 'decision'
    due.push({ kind: deadline.dueKind, dueOn: review ? addCalendarDays(deadline.dueOn!, 1) : deadline.dueOn! })
  }
  if (state === 'active' && !unfunded) due.push({ kind: 'funding_grace', dueOn: d.period.start })
  return due
}

const targetRows = (targets: readonly string[], replace: boolean): RelatedRows => ({
  table: 'task_targets',
  seqColumn: 'task_seq',
  rows: targets.map((org) => ({ org_unit_id: org })),
  replace
})

/** A new task for the engine to write: a draft, or created and submitted in one write. */
export function planCreate(draft: NewTask, submit: Transition | null, basis: number | null, claim: IdempotencyClaim | null): PlannedCreate {
  const created = draftRecord(draft)
  const events = [eventOf('CREATE', null, draft.position, draft.actor, {}, null, draft.now)]
  const changes = [changeOf(created, 1, 'CREATE', null, draft.position, draft.now)]
  if (submit !== null) {
    events.push(eventOf(submit.type, positionLabel(draft.position), submit.position, submit.actor, submit.payload, submit.screening, submit.now))
    changes.push(changeOf(created, 2, submit.type, positionLabel(draft.position), submit.position, submit.now))
  }
  return {
    kind: 'create',
    tables: TASK_TABLES,
    id: draft.id,
    row: submit === null ? draftRow(draft) : { ...draftRow(draft), ...transitionColumns(created, submit) },
    events,
    changes,
    related: [targetRows(draft.declaration.targets, false), dueRows('admission', submit === null ? [] : dueDatesOf(submit.position.state, submit.deadline, submit.declaration, false), false)],
    claim,
    resource: `tasks/${draft.id}`,
    basis
  }
}

/** A transition of an existing task for the engine to write; `related` rows commit with it (a funding confirmation). */
export function planStep(from: TaskRecord, t: Transition, basis: number | null, claim: IdempotencyClaim | null = null, related: readonly RelatedRows[] = []): PlannedStep {
  const fromLabel = positionLabel(from.position)
  const fromDue = dueDatesOf(from.position.state, from.deadline, from.declaration, from.unfunded)
  const toDue = dueDatesOf(t.position.state, t.deadline, t.declaration, t.unfunded ?? from.unfunded)
  const dates = isDeepStrictEqual(fromDue, toDue) ? [] : [dueRows('admission', toDue, true)]
  return {
    kind: 'step',
    tables: TASK_TABLES,
    from: { seq: from.seq, id: from.id, version: from.version },
    columns: transitionColumns(from, t),
    event: eventOf(t.type, fromLabel, t.position, t.actor, t.payload, t.screening, t.now),
    change: changeOf(from, from.version + 1, t.type, fromLabel, t.position, t.now),
    // Only a changed declaration (SUBMIT or REVISE with changes) replaces the targets.
    related: [...(t.declaration.targets === from.declaration.targets ? [] : [targetRows(t.declaration.targets, true)]), ...dates, ...related],
    claim,
    resource: `tasks/${from.id}`,
    basis
  }
}

export async function findTaskBySeq(db: Knex, seq: number): Promise<TaskRecord | null> {
  const row = await db<DbTaskRow>('tasks').where({ seq }).first()
  return row ? fromRow(row) : null
}

export async function findTask(db: Knex, id: string): Promise<TaskRecord | null> {
  const row = await db<DbTaskRow>('tasks').where({ id }).first()
  return row ? fromRow(row) : null
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

/** A step that moves no state (the agreement edited, a funding report, a flag set): logged as an event of its own. */
export function unmoved(task: TaskRecord, type: string, actor: Actor, now: string, change: Partial<Transition>): Transition {
  return {
    type,
    next: task.snapshot,
    position: task.position,
    declaration: task.declaration,
    decider: task.decider,
    deadline: task.deadline,
    payload: {},
    actor,
    now,
    ...change
  }
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
    // The register counts a task in the period of its first submission; a resubmission keeps it there.
    first_submitted_at: from.firstSubmittedAt ?? (t.type === 'SUBMIT' ? t.now : null),
    screening: screening ? toJson(screening) : null,
    snapshot: toJson(t.next),
    machine_version: t.next.machineVersion,
    updated_at: t.now
  }
}

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

/** The last SUBMIT of a task: what was screened, with which pack, on which day. */
export async function lastSubmission(db: Knex, taskSeq: number): Promise<DbTaskEventRow | null> {
  const row = await db<DbTaskEventRow>('task_events').where({ task_seq: taskSeq, type: 'SUBMIT' }).orderBy('seq', 'desc').first()
  return row ?? null
}
