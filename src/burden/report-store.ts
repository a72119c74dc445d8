import type { Knex } from 'knex'
import type { BurdenReportDirective, BurdenReportState, StoredBurdenReportSnapshot } from '../../machines/burden-report.js'
import type { IdempotencyClaim, PlannedCreate, PlannedStep, Row } from '../engine/group-commit.js'
import type { Audience, InstanceTables } from '../engine/store.js'
import type { Role } from '../roles.js'
import { fromJson, toJson } from '../engine/db.js'

export interface ReportActor {
  sub: string
  role: Role
  org: string | null
}

export interface BurdenReportRecord {
  seq: number
  id: string
  /** The reporting community and the person who filed: never shown to the department reported. */
  reporterOrg: string
  reporterSub: string
  departmentId: string
  jurisdictionId: string
  what: string
  askedOn: string
  evidence: string
  relatedTaskId: string | null
  state: BurdenReportState
  version: number
  snapshot: StoredBurdenReportSnapshot
  directive: BurdenReportDirective | null
  outcomeReason: string | null
  createdAt: string
  updatedAt: string
}

interface DbReportRow {
  seq: number
  id: string
  reporter_org: string
  reporter_sub: string
  department_id: string
  jurisdiction_id: string
  what: string
  asked_on: string
  evidence: string
  related_task_id: string | null
  state: BurdenReportState
  version: number
  snapshot: unknown
  machine_version: number
  directive: BurdenReportDirective | null
  outcome_reason: string | null
  created_at: string
  updated_at: string
}

export interface DbReportEventRow {
  seq: number
  report_seq: number
  report_version: number
  type: string
  from_state: string | null
  to_state: string
  actor_sub: string
  actor_role: Role
  actor_org: string | null
  payload: unknown
  created_at: string
}

export interface ReportEventPayload {
  reason?: string
  note?: string
  directive?: BurdenReportDirective
}

function fromRow(row: DbReportRow): BurdenReportRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    reporterOrg: row.reporter_org,
    reporterSub: row.reporter_sub,
    departmentId: row.department_id,
    jurisdictionId: row.jurisdiction_id,
    what: row.what,
    askedOn: row.asked_on,
    evidence: row.evidence,
    relatedTaskId: row.related_task_id,
    state: row.state,
    version: row.version,
    snapshot: fromJson<StoredBurdenReportSnapshot>(row.snapshot),
    directive: row.directive,
    outcomeReason: row.outcome_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

export interface NewBurdenReport {
  id: string
  reporterOrg: string
  reporterSub: string
  departmentId: string
  jurisdictionId: string
  what: string
  askedOn: string
  evidence: string
  relatedTaskId: string | null
  snapshot: StoredBurdenReportSnapshot
  state: BurdenReportState
  actor: ReportActor
  now: string
}

/** Where reports and their history live, for the engine. */
export const REPORT_TABLES: InstanceTables = {
  instances: 'burden_reports',
  events: 'burden_report_events',
  eventInstance: 'report_seq',
  eventVersion: 'report_version'
}

/** A report row as the engine hands it back. */
export const reportOf = (row: Row): BurdenReportRecord => fromRow(row as unknown as DbReportRow)

/** Never public: the reporter, the office that investigates and the department concerned (which is never told who reported). */
const audienceOf = (r: Pick<BurdenReportRecord, 'departmentId' | 'jurisdictionId' | 'reporterOrg'>): Audience => ({
  public: false,
  departments: [r.departmentId],
  offices: [r.jurisdictionId],
  // Members also sit for departments: the group reads no burden reports (see scopeFor).
  groups: [],
  communities: [r.reporterOrg]
})

/** A new report at version 1 with its REPORT event, for the engine to write. */
export function planReport(r: NewBurdenReport, claim: IdempotencyClaim | null = null): PlannedCreate {
  return {
    kind: 'create',
    tables: REPORT_TABLES,
    id: r.id,
    row: {
      id: r.id,
      reporter_org: r.reporterOrg,
      reporter_sub: r.reporterSub,
      department_id: r.departmentId,
      jurisdiction_id: r.jurisdictionId,
      what: r.what,
      asked_on: r.askedOn,
      evidence: r.evidence,
      related_task_id: r.relatedTaskId,
      state: r.state,
      version: 1,
      snapshot: toJson(r.snapshot),
      machine_version: r.snapshot.machineVersion,
      directive: null,
      outcome_reason: null,
      created_at: r.now,
      updated_at: r.now
    },
    events: [{ type: 'REPORT', from: null, to: r.state, actor: r.actor, payload: {}, at: r.now }],
    changes: [{ machine: 'burden-report', instanceId: r.id, version: 1, type: 'REPORT', from: null, to: r.state, state: r.state, at: r.now, audience: audienceOf(r) }],
    claim,
    resource: `burden-reports/${r.id}`,
    basis: null
  }
}

export async function findReport(db: Knex, id: string): Promise<BurdenReportRecord | null> {
  const row = await db<DbReportRow>('burden_reports').where({ id }).first()
  return row ? fromRow(row) : null
}

export interface ReportTransition {
  type: string
  next: StoredBurdenReportSnapshot
  state: BurdenReportState
  payload: ReportEventPayload
  actor: ReportActor
  now: string
}

/** A transition computed from `from`, for the engine to write with a compare-and-set on the version read. */
export function planReportStep(from: BurdenReportRecord, t: ReportTransition, claim: IdempotencyClaim | null = null): PlannedStep {
  const c = t.next.context
  return {
    kind: 'step',
    tables: REPORT_TABLES,
    from: { seq: from.seq, id: from.id, version: from.version },
    columns: {
      state: t.state,
      snapshot: toJson(t.next),
      machine_version: t.next.machineVersion,
      directive: c.directive,
      outcome_reason: c.outcomeReason,
      updated_at: t.now
    },
    event: { type: t.type, from: from.state, to: t.state, actor: t.actor, payload: t.payload, at: t.now },
    change: { machine: 'burden-report', instanceId: from.id, version: from.version + 1, type: t.type, from: from.state, to: t.state, state: t.state, at: t.now, audience: audienceOf(from) },
    claim,
    resource: `burden-reports/${from.id}`,
    basis: null
  }
}

/** Which reports, beyond none, a principal sees. */
export type ReportScope =
  | { kind: 'all' }
  | { kind: 'reporter'; orgUnit: string }
  | { kind: 'jurisdiction'; orgUnit: string }
  | { kind: 'department'; departmentId: string }

export interface ReportFilter {
  state?: BurdenReportState
  department?: string
  scope: ReportScope
}

/** Newest first, keyset-paginated on seq. */
export async function listReports(db: Knex, f: ReportFilter, limit: number, beforeSeq: number | null): Promise<{ items: BurdenReportRecord[]; nextSeq: number | null }> {
  const q = db<DbReportRow>('burden_reports')
  if (f.state) q.where('state', f.state)
  if (f.department) q.where('department_id', f.department)
  const s = f.scope
  if (s.kind === 'reporter') q.where('reporter_org', s.orgUnit)
  if (s.kind === 'jurisdiction') q.where('jurisdiction_id', s.orgUnit)
  if (s.kind === 'department') q.where('department_id', s.departmentId)
  if (beforeSeq !== null) q.where('seq', '<', beforeSeq)
  const rows = (await q.orderBy('seq', 'desc').limit(limit + 1)) as DbReportRow[]
  const items = rows.slice(0, limit).map(fromRow)
  return { items, nextSeq: rows.length > limit ? items[items.length - 1]!.seq : null }
}

export const reportPayloadOf = (row: DbReportEventRow): ReportEventPayload => fromJson<ReportEventPayload>(row.payload)

export interface ConfirmedReportQuery {
  /** Only reports about this department. */
  departmentId?: string
  /** Confirmed at or after this instant (ISO-8601, compared as stored: UTC, e.g. "2026-10-01T00:00:00.000Z"). */
  from?: string
  /** Confirmed before this instant (exclusive), same form. */
  to?: string
}

/**
 * Confirmed burden reports, counted by the moment the office confirmed them (the
 * CONFIRM event), for the department scorecard (issue 4 item 4). Only reports still
 * confirmed count. Timestamps are stored as UTC ISO strings, which sort as instants;
 * a caller counting by China calendar days passes the UTC instants of its midnights.
 */
export async function countConfirmedReports(db: Knex, q: ConfirmedReportQuery = {}): Promise<number> {
  const query = db('burden_report_events as e')
    .join('burden_reports as r', 'r.seq', 'e.report_seq')
    .where('e.type', 'CONFIRM')
    .where('r.state', 'confirmed')
  if (q.departmentId !== undefined) query.where('r.department_id', q.departmentId)
  if (q.from !== undefined) query.where('e.created_at', '>=', q.from)
  if (q.to !== undefined) query.where('e.created_at', '<', q.to)
  const [{ count }] = (await query.countDistinct({ count: 'r.seq' })) as Array<{ count: number | string }>
  return Number(count)
}
