import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import {
  BURDEN_REPORT_EVENT_ROLES,
  burdenReportStateOf,
  enabledBurdenReportEvents,
  initialBurdenReportSnapshot,
  stepBurdenReport,
  type BurdenReportDirective,
  type BurdenReportEvent,
  type BurdenReportEventType
} from '../../machines/burden-report.js'
import { administersAll, reservedFor, type Principal } from '../platform/auth.js'
import { chinaDate } from '../clock.js'
import { Problems } from '../platform/errors.js'
import type { Bilingual } from '../platform/language.js'
import type { GroupCommitter, IdempotencyClaim, Row } from '../engine/group-commit.js'
import { checkCoveredDates } from '../policy/dates.js'
import type { OrgDirectory } from '../policy/org-directory.js'
import type { CurrentPack } from '../policy/pack-store.js'
import { jurisdictionOf } from '../policy/org-units.js'
import { ORG_KIND_NAMES } from '../roles.js'
import {
  findReport,
  planReport,
  planReportStep,
  reportOf,
  type BurdenReportRecord,
  type ReportActor,
  type ReportEventPayload,
  type ReportScope
} from './report-store.js'

export { countConfirmedReports, type ConfirmedReportQuery } from './report-store.js'

/** What the service needs from the app: `app.gate` fits. */
export interface ReportContext {
  db: Knex
  orgs: OrgDirectory
  commits: GroupCommitter
  packs: CurrentPack
  now: () => Date
}

export interface NewReportInput {
  department: string
  what: string
  askedOn: string
  evidence: string
  relatedTaskId?: string
}

export interface ReportEventInput {
  type: BurdenReportEventType
  reason?: string
  directive?: BurdenReportDirective
  version?: number
}

const actorOf = (p: Principal): ReportActor => ({ sub: p.sub, role: p.role, org: p.org })

/**
 * Which reports a principal reads: a community its own, an office those of its city or
 * district, a department those about it (without the reporter, see routes.ts), an admin
 * all. Leading-group members sit for departments too, so they read none here.
 */
export function scopeFor(p: Principal): ReportScope {
  switch (p.role) {
    case 'admin':
      return administersAll(p) ? { kind: 'all' } : { kind: 'jurisdiction', orgUnit: p.org }
    case 'street':
    case 'community':
      return { kind: 'reporter', orgUnit: p.org }
    case 'office':
      return { kind: 'jurisdiction', orgUnit: p.org }
    case 'department':
      return { kind: 'department', departmentId: p.org }
    case 'leading_group':
    // The council deliberates residents' affairs; burden reports are the residents' committee's.
    case 'council':
      throw Problems.forbidden({
        zh: '督查线索仅供反映问题的社区、负责核查的办公室、被反映的部门和管理员查阅',
        en: 'burden reports are read by the reporting community, the investigating office, the department reported and admins'
      })
  }
}

export function inScope(s: ReportScope, r: BurdenReportRecord): boolean {
  switch (s.kind) {
    case 'all':
      return true
    case 'reporter':
      return r.reporterOrg === s.orgUnit
    case 'jurisdiction':
      return r.jurisdictionId === s.orgUnit
    case 'department':
      return r.departmentId === s.departmentId
  }
}

/** A report the principal may read; one it may not is reported as missing, not forbidden. */
export async function loadVisibleReport(db: Knex, id: string, p: Principal): Promise<BurdenReportRecord> {
  const scope = scopeFor(p)
  const report = await findReport(db, id)
  if (report === null || !inScope(scope, report)) throw Problems.notFound('burden report', id)
  return report
}

/**
 * A community or street files a report about a department (the token's org is of the
 * role's kind: the principal check saw to that). The department must be one whose city
 * or district contains the reporter; that city or district's office investigates.
 */
export async function fileReport(ctx: ReportContext, p: Principal, input: NewReportInput, claim: IdempotencyClaim | null = null): Promise<BurdenReportRecord> {
  const community = await ctx.orgs.lineage(ctx.db, p.org)
  const reporter = ORG_KIND_NAMES[community[0]!.kind]
  const chain = await ctx.orgs.lineage(ctx.db, input.department)
  if (chain[0]?.kind !== 'department') throw Problems.invalid('department', { zh: `“${input.department}”不是部门`, en: `"${input.department}" is not a department` })
  const jurisdiction = jurisdictionOf(chain)
  if (!community.some((u) => u.id === jurisdiction.id)) {
    throw Problems.invalid('department', {
      zh: `“${input.department}”的辖区为${jurisdiction.id}，不包含本${reporter.zh}`,
      en: `"${input.department}" works in ${jurisdiction.id}, which does not contain this ${reporter.en}`
    })
  }
  const now = ctx.now()
  if (input.askedOn > chinaDate(now)) throw Problems.invalid('askedOn', { zh: '不得晚于今天', en: 'must not be in the future' })
  checkCoveredDates((await ctx.packs.get(ctx.db)).pack.calendar, [{ field: 'askedOn', value: input.askedOn }])
  if (input.relatedTaskId !== undefined && (await ctx.db('tasks').where({ id: input.relatedTaskId }).first('id')) === undefined) {
    throw Problems.invalid('relatedTaskId', { zh: `任务“${input.relatedTaskId}”不存在`, en: `task "${input.relatedTaskId}" does not exist` })
  }
  const snapshot = initialBurdenReportSnapshot()
  const filed = await ctx.commits.write(
    planReport({
      id: randomUUID(),
      reporterOrg: p.org,
      reporterSub: p.sub,
      departmentId: chain[0]!.id,
      jurisdictionId: jurisdiction.id,
      what: input.what,
      askedOn: input.askedOn,
      evidence: input.evidence,
      relatedTaskId: input.relatedTaskId ?? null,
      snapshot,
      state: burdenReportStateOf(snapshot.value),
      actor: actorOf(p),
      now: now.toISOString()
    }, claim)
  )
  return reportOf((filed as { row: Row }).row)
}

/** Why this principal may not move the report with this event, or null: only the office of the report's jurisdiction may. */
function refusal(report: BurdenReportRecord, p: Principal, type: BurdenReportEventType): Bilingual | null {
  const allowed = BURDEN_REPORT_EVENT_ROLES[type]
  if (!allowed.includes(p.role)) return reservedFor({ zh: `${type}事件`, en: type }, allowed, p.role)
  if (report.jurisdictionId !== p.org) {
    return { zh: `此督查线索由${report.jurisdictionId}的办公室核查，而非${p.org}`, en: `this report is investigated by the office of ${report.jurisdictionId}, not of ${p.org}` }
  }
  return null
}

/** The events the report accepts now that this viewer may send: the buttons a client shows. */
export const offeredReportEvents = (report: BurdenReportRecord, viewer: Principal): BurdenReportEventType[] =>
  (enabledBurdenReportEvents(report.snapshot) as BurdenReportEventType[]).filter((type) => refusal(report, viewer, type) === null)

function authorizeEvent(report: BurdenReportRecord, p: Principal, type: BurdenReportEventType): void {
  const why = refusal(report, p, type)
  if (why !== null) throw Problems.forbidden(why)
}

/**
 * The server builds the machine's event; the request body never reaches the machine as such.
 * The body's schema (one branch per event) has made sure each event came with its fields.
 */
function machineEvent(body: ReportEventInput, at: string): BurdenReportEvent {
  switch (body.type) {
    case 'INVESTIGATE':
      return { type: 'INVESTIGATE', at, note: body.reason }
    case 'CONFIRM':
      return { type: 'CONFIRM', at, directive: body.directive!, reason: body.reason }
    case 'DISMISS':
      return { type: 'DISMISS', at, reason: body.reason! }
  }
}

/**
 * Optimistic, like the task gate: read and compute outside the transaction, then write
 * with a compare-and-set on the version read; a concurrent writer makes it miss (409).
 */
export async function applyReportEvent(ctx: ReportContext, id: string, p: Principal, body: ReportEventInput, claim: IdempotencyClaim | null = null): Promise<BurdenReportRecord> {
  const current = await findReport(ctx.db, id)
  if (current === null) throw Problems.notFound('burden report', id)
  authorizeEvent(current, p, body.type)
  if (body.version !== undefined && body.version !== current.version) {
    throw Problems.staleVersion('burden report', current.version, current.state, body.version)
  }
  const now = ctx.now().toISOString()
  const step = stepBurdenReport(current.snapshot, machineEvent(body, now))
  if (!step.accepted) throw Problems.eventNotAllowed(body.type, current.state, current.version, 'burden report')
  const payload: ReportEventPayload = {}
  if (body.reason !== undefined) payload.reason = body.reason
  if (body.directive !== undefined) payload.directive = body.directive
  const result = await ctx.commits.write(planReportStep(current, { type: body.type, next: step.next, state: step.state, payload, actor: actorOf(p), now }, claim))
  if (result.ok) return reportOf(result.row)
  const found = reportOf((result as { conflict: Row }).conflict)
  throw Problems.changedMeanwhile('burden report', found.version, found.state)
}
