import type { Knex } from 'knex'
import type { BurdenReportDirective, BurdenReportState, StoredBurdenReportSnapshot } from '../../machines/burden-report.js'
import type { Role } from '../roles.js'
import { fromJson, toJson } from '../store/db.js'

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

function eventRow(reportSeq: number, version: number, type: string, from: string | null, to: string, actor: ReportActor, payload: ReportEventPayload, now: string) {
  return {
    report_seq: reportSeq,
    report_version: version,
    type,
    from_state: from,
    to_state: to,
    actor_sub: actor.sub,
    actor_role: actor.role,
    actor_org: actor.org,
    payload: toJson(payload),
    created_at: now
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

/** Inserts a report at version 1 with its REPORT event; the caller owns the transaction. */
export async function insertReport(trx: Knex.Transaction, r: NewBurdenReport): Promise<BurdenReportRecord> {
  const [inserted] = await trx('burden_reports')
    .insert({
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
    })
    .returning('seq')
  const seq = Number(inserted.seq)
  await trx('burden_report_events').insert(eventRow(seq, 1, 'REPORT', null, r.state, r.actor, {}, r.now))
  return reread(trx, seq)
}

export async function findReport(db: Knex, id: string): Promise<BurdenReportRecord | null> {
  const row = await db<DbReportRow>('burden_reports').where({ id }).first()
  return row ? fromRow(row) : null
}

/** Reads back a row this transaction has just written. */
async function reread(trx: Knex.Transaction, seq: number): Promise<BurdenReportRecord> {
  return fromRow((await trx<DbReportRow>('burden_reports').where({ seq }).first())!)
}

export interface ReportTransition {
  type: string
  next: StoredBurdenReportSnapshot
  state: BurdenReportState
  payload: ReportEventPayload
  actor: ReportActor
  now: string
}

export type ReportCommitResult = { ok: true; report: BurdenReportRecord } | { ok: false; current: BurdenReportRecord }

/**
 * Writes a transition computed from `from`: a compare-and-set on the version read and
 * the event append, inside the caller's transaction. When another writer got there
 * first no row matches, nothing is written, and the caller answers 409.
 */
export async function commitReportTransition(trx: Knex.Transaction, from: BurdenReportRecord, t: ReportTransition): Promise<ReportCommitResult> {
  const c = t.next.context
  const updated = await trx('burden_reports')
    .where({ id: from.id, version: from.version })
    .update({
      state: t.state,
      version: from.version + 1,
      snapshot: toJson(t.next),
      machine_version: t.next.machineVersion,
      directive: c.directive,
      outcome_reason: c.outcomeReason,
      updated_at: t.now
    })
  if (updated === 0) return { ok: false, current: (await findReport(trx, from.id))! }
  await trx('burden_report_events').insert(eventRow(from.seq, from.version + 1, t.type, from.state, t.state, t.actor, t.payload, t.now))
  return { ok: true, report: await reread(trx, from.seq) }
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

/** A report's history, oldest first. */
export async function listReportEvents(db: Knex, reportSeq: number, limit: number, afterSeq: number | null): Promise<{ items: DbReportEventRow[]; nextSeq: number | null }> {
  const q = db<DbReportEventRow>('burden_report_events').where({ report_seq: reportSeq })
  if (afterSeq !== null) q.where('seq', '>', afterSeq)
  const rows = (await q.orderBy('seq', 'asc').limit(limit + 1)) as DbReportEventRow[]
  const items = rows.slice(0, limit)
  return { items, nextSeq: rows.length > limit ? Number(items[items.length - 1]!.seq) : null }
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
