import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from 'typebox'
import {
  BURDEN_REPORT_DIRECTIVES,
  BURDEN_REPORT_EVENT_ROLES,
  BURDEN_REPORT_EVENT_TYPES,
  BURDEN_REPORT_STATES,
  burdenReportMachine
} from '../../machines/burden-report.js'
import { requirePrincipal, requireRole, type Principal } from '../platform/auth.js'
import { decodeCursor, encodeCursor } from '../platform/pagination.js'
import { ROLES, type Role } from '../roles.js'
import { DEFAULT_PAGE_SIZE, IdParams, Nullable, PageQuery, SeeOtherSchema, TOKEN, problemResponses } from '../platform/schemas.js'
import { eventBodies } from '../engine/event-schemas.js'
import { BURDEN_REPORT, BURDEN_REPORT_EVENT_EXAMPLES } from '../tasks/examples.js'
import { applyReportEvent, fileReport, loadVisibleReport, offeredReportEvents, scopeFor } from './report-service.js'
import { history } from '../engine/store.js'
import { listReports, REPORT_TABLES, reportPayloadOf, type BurdenReportRecord, type DbReportEventRow } from './report-store.js'

const security = TOKEN

// A free-text field must say something: at least one character that is not white space.
const text = (maxLength: number, description: string) => Type.String({ minLength: 1, maxLength, pattern: '\\S', description })

export const CreateBurdenReportBody = Type.Object(
  {
    department: Type.String({ minLength: 1, maxLength: 64, description: 'org unit id of the department that pushed the task; its city or district must contain your community' }),
    what: text(2000, 'what the community was asked to do; shown to the department as written, so do not name the community here'),
    askedOn: Type.String({ format: 'date', description: 'the day the community was asked (not in the future)' }),
    evidence: text(20000, 'the notice, message or call that carried the demand; shown to the department as written'),
    relatedTaskId: Type.Optional(Type.String({ format: 'uuid', description: 'a zhunru task the demand seems to relate to; never shown to the department' }))
  },
  { additionalProperties: false, examples: [BURDEN_REPORT] }
)

/** POST /v1/burden-reports/{id}/events: one branch per event; `reason` and `version` go with any. */
export const BurdenReportEventBodies = eventBodies({
  name: 'BurdenReportEvent',
  machine: burdenReportMachine,
  types: BURDEN_REPORT_EVENT_TYPES,
  roles: BURDEN_REPORT_EVENT_ROLES,
  fields: {
    version: Type.Integer({ minimum: 1, description: 'the report version the client saw; a stale one gets 409' }),
    reason: text(5000, 'with DISMISS (required) why; with INVESTIGATE a note, with CONFIRM the finding'),
    directive: Type.Enum(BURDEN_REPORT_DIRECTIVES, { description: 'what the department must do with the task' })
  },
  common: ['version', 'reason'],
  takes: { INVESTIGATE: {}, CONFIRM: { required: ['directive'] }, DISMISS: { required: ['reason'] } }
})

const BurdenReportEventBody = Type.Unsafe<Static<typeof BurdenReportEventBodies.union>>(Type.Ref('BurdenReportEventBody'))

export const BurdenReportListQuery = Type.Object(
  {
    state: Type.Optional(Type.Enum(BURDEN_REPORT_STATES)),
    department: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only reports about this department' })),
    ...PageQuery
  },
  { additionalProperties: false }
)

export const BurdenReportView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    state: Type.Enum(BURDEN_REPORT_STATES),
    version: Type.Integer({ minimum: 1 }),
    department: Type.String({ description: 'the department reported' }),
    jurisdiction: Type.String({ description: 'the city or district whose office investigates' }),
    what: Type.String(),
    askedOn: Type.String({ format: 'date' }),
    evidence: Type.String(),
    relatedTaskId: Type.Optional(Nullable(Type.String())),
    reporterOrg: Type.Optional(Type.String({ description: 'the reporting community' })),
    reporterSub: Type.Optional(Type.String({ description: 'who filed the report' })),
    directive: Nullable(Type.Enum(BURDEN_REPORT_DIRECTIVES)),
    outcomeReason: Nullable(Type.String({ description: 'why it was dismissed, or the finding of a confirmation' })),
    enabledEvents: Type.Array(Type.Enum(BURDEN_REPORT_EVENT_TYPES)),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' })
  },
  {
    description:
      'A burden report (督查). Protecting the reporter: a department never gets reporterOrg, reporterSub or relatedTaskId; they are shown only to the reporting community, the office and admins.'
  }
)

export const BurdenReportEventView = Type.Object({
  seq: Type.Integer(),
  version: Type.Integer({ description: 'report version this event produced' }),
  type: Type.String({ description: 'REPORT (filed by the community), INVESTIGATE, CONFIRM or DISMISS' }),
  from: Nullable(Type.Enum(BURDEN_REPORT_STATES)),
  to: Type.Enum(BURDEN_REPORT_STATES),
  actor: Type.Object(
    { role: Type.Enum(ROLES), sub: Type.Optional(Type.String()), org: Type.Optional(Nullable(Type.String())) },
    { description: 'a department sees only the role of a community actor' }
  ),
  reason: Nullable(Type.String()),
  directive: Nullable(Type.Enum(BURDEN_REPORT_DIRECTIVES)),
  at: Type.String({ format: 'date-time' })
})

const BurdenReportPage = Type.Object({ items: Type.Array(BurdenReportView), nextCursor: Nullable(Type.String()) })
const BurdenReportEventPage = Type.Object({ items: Type.Array(BurdenReportEventView), nextCursor: Nullable(Type.String()) })

export type BurdenReportViewT = Static<typeof BurdenReportView>
export type BurdenReportEventViewT = Static<typeof BurdenReportEventView>

/**
 * The fields a department reads about a report on it. An allow-list: a field added to
 * the full view later stays hidden from the department until someone adds it here.
 */
const DEPARTMENT_FIELDS = [
  'id',
  'state',
  'version',
  'department',
  'jurisdiction',
  'what',
  'askedOn',
  'evidence',
  'directive',
  'outcomeReason',
  'enabledEvents',
  'createdAt',
  'updatedAt'
] as const satisfies readonly (keyof BurdenReportViewT)[]

/** Actors of these roles are named to the department; any other (the community) shows as its role only. */
const NAMED_TO_DEPARTMENT: readonly Role[] = ['office']

export function toReportView(r: BurdenReportRecord, viewer: Principal): BurdenReportViewT {
  const full: Required<BurdenReportViewT> = {
    id: r.id,
    state: r.state,
    version: r.version,
    department: r.departmentId,
    jurisdiction: r.jurisdictionId,
    what: r.what,
    askedOn: r.askedOn,
    evidence: r.evidence,
    relatedTaskId: r.relatedTaskId,
    reporterOrg: r.reporterOrg,
    reporterSub: r.reporterSub,
    directive: r.directive,
    outcomeReason: r.outcomeReason,
    enabledEvents: offeredReportEvents(r, viewer),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt
  }
  if (viewer.role !== 'department') return full
  return Object.fromEntries(DEPARTMENT_FIELDS.map((k) => [k, full[k]])) as Pick<BurdenReportViewT, (typeof DEPARTMENT_FIELDS)[number]>
}

export function toReportEventView(row: DbReportEventRow, viewer: Principal): BurdenReportEventViewT {
  const payload = reportPayloadOf(row)
  const named = viewer.role !== 'department' || NAMED_TO_DEPARTMENT.includes(row.actor_role)
  return {
    seq: Number(row.seq),
    version: row.report_version,
    type: row.type,
    from: row.from_state as BurdenReportEventViewT['from'],
    to: row.to_state as BurdenReportEventViewT['to'],
    actor: named ? { role: row.actor_role, sub: row.actor_sub, org: row.actor_org } : { role: row.actor_role },
    reason: payload.reason ?? null,
    directive: payload.directive ?? null,
    at: row.created_at
  }
}

export const burdenReportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/burden-reports',
    {
      schema: {
        tags: ['burden-reports'],
        summary: 'Report a task that reached your community without passing the admission gate (community)',
        operationId: 'fileBurdenReport',
        description:
          'The department must be one whose city or district contains your community; the office of that city or district investigates. The department reported never learns which community or person filed the report.',
        security,
        body: CreateBurdenReportBody,
        response: { 201: BurdenReportView, 303: SeeOtherSchema, ...problemResponses(400, 401, 403) }
      }
    },
    async (req, reply) => {
      const principal = requireRole(req, 'street', 'community')
      const report = await fileReport(app.gate, principal, req.body, req.idempotency)
      return reply.status(201).header('location', `/v1/burden-reports/${report.id}`).send(toReportView(report, principal))
    }
  )

  app.get(
    '/v1/burden-reports',
    {
      schema: {
        tags: ['burden-reports'],
        summary: 'List burden reports, newest first',
        operationId: 'listBurdenReports',
        description:
          'A community sees the reports it filed, an office those its city or district investigates, a department those about it (without the reporter), an admin all.',
        security,
        querystring: BurdenReportListQuery,
        response: { 200: BurdenReportPage, ...problemResponses(400, 401, 403) }
      }
    },
    async (req) => {
      const principal = requirePrincipal(req)
      const { limit = DEFAULT_PAGE_SIZE, cursor, ...filters } = req.query
      const scope = scopeFor(principal)
      const page = await listReports(app.gate.db, { ...filters, scope }, limit, decodeCursor(cursor))
      return { items: page.items.map((r) => toReportView(r, principal)), nextCursor: encodeCursor(page.nextSeq) }
    }
  )

  app.get(
    '/v1/burden-reports/:id',
    {
      schema: {
        tags: ['burden-reports'],
        summary: 'A burden report',
        operationId: 'getBurdenReport',
        security,
        params: IdParams,
        response: { 200: BurdenReportView, ...problemResponses(401, 403, 404) }
      }
    },
    async (req) => {
      const principal = requirePrincipal(req)
      return toReportView(await loadVisibleReport(app.gate.db, req.params.id, principal), principal)
    }
  )

  app.post(
    '/v1/burden-reports/:id/events',
    {
      schema: {
        tags: ['burden-reports'],
        summary: `Move a burden report: ${BurdenReportEventBodies.bySender}, the office of the report’s jurisdiction only`,
        operationId: 'sendBurdenReportEvent',
        description:
          'Send "version" to make the event conditional on the version you saw. A stale version, or an event the report does not accept in its state, gets 409 with the current version and state.',
        security,
        params: IdParams,
        body: BurdenReportEventBody,
        'x-request-examples': BURDEN_REPORT_EVENT_EXAMPLES,
        response: { 200: BurdenReportView, 303: SeeOtherSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (req) => {
      const principal = requirePrincipal(req)
      return toReportView(await applyReportEvent(app.gate, req.params.id, principal, req.body, req.idempotency), principal)
    }
  )

  app.get(
    '/v1/burden-reports/:id/events',
    {
      schema: {
        tags: ['burden-reports'],
        summary: 'A burden report’s history, oldest first (a department does not see who filed it)',
        operationId: 'listBurdenReportEvents',
        security,
        params: IdParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: BurdenReportEventPage, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (req) => {
      const principal = requirePrincipal(req)
      const report = await loadVisibleReport(app.gate.db, req.params.id, principal)
      const page = await history<DbReportEventRow>(app.gate.db, REPORT_TABLES, report.seq, req.query.limit ?? DEFAULT_PAGE_SIZE, decodeCursor(req.query.cursor))
      return { items: page.items.map((row) => toReportEventView(row, principal)), nextCursor: encodeCursor(page.nextSeq) }
    }
  )
}
