import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { EVALUATION_STATES } from '../../machines/evaluation.js'
import { history } from '../engine/store.js'
import { fromJson } from '../engine/db.js'
import { requirePrincipal, requireRole, type Principal } from '../platform/auth.js'
import { Problem, Problems, problemType } from '../platform/errors.js'
import { decodeCursor, encodeCursor } from '../platform/pagination.js'
import { DEFAULT_PAGE_SIZE, Nullable, PageQuery, SeeOtherSchema, TOKEN, problemResponses } from '../platform/schemas.js'
import type { Role } from '../roles.js'
import type { EvaluationResult } from './result.js'
import {
  CreateEvaluationBody,
  EVALUATION_EXAMPLES,
  EvaluationEventBodies,
  EvaluationEventBody,
  EvaluationEventView,
  EvaluationParams,
  EvaluationView,
  RatingBody,
  RatingParams,
  RatingView,
  ResultView,
  type EvaluationViewT,
  type RatingViewT,
  type ResultViewT
} from './schemas.js'
import { applyRoundEvent, commentsOn, loadVisibleRound, offeredRoundEvents, openRound, rate, resultOf, scopeFor, seesRaters } from './service.js'
import { EVALUATION_TABLES, listRounds, ratingsOf, type DbRoundEventRow, type RoundRecord, type StoredRating } from './store.js'

const security = TOKEN

export function toRoundView(r: RoundRecord, viewer: Principal | null): EvaluationViewT {
  return {
    id: r.id,
    area: r.areaId,
    period: r.period,
    state: r.state,
    version: r.version,
    departments: r.departments,
    deadline: r.deadline,
    parameters: r.parameters,
    policy: r.policy,
    enabledEvents: viewer === null ? [] : offeredRoundEvents(r, viewer),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    publishedAt: r.publishedAt
  }
}

/** Only the rater itself and the office and admins of the area read a rating, so it names its rater. */
function toRatingView(round: RoundRecord, r: StoredRating, current: boolean): RatingViewT {
  return {
    round: round.id,
    department: r.departmentId,
    value: r.level ?? r.points!,
    score: r.score,
    satisfied: r.satisfied,
    comment: r.comment,
    respondents: r.respondents,
    version: r.version,
    current,
    rater: { org: r.raterOrg, role: r.raterRole, sub: r.raterSub },
    at: r.at
  }
}

/** A department sees the RATE events of its round as their role and time only: never who, nor whom they rated. */
function toEventView(row: DbRoundEventRow, named: boolean) {
  const hidden = row.type === 'RATE' && !named
  return {
    seq: Number(row.seq),
    version: row.round_version,
    type: row.type,
    from: row.from_state as (typeof EVALUATION_STATES)[number] | null,
    to: row.to_state as (typeof EVALUATION_STATES)[number],
    actor: hidden ? { role: row.actor_role as Role } : { role: row.actor_role as Role, sub: row.actor_sub, org: row.actor_org },
    payload: hidden ? {} : fromJson<object>(row.payload),
    at: row.created_at
  }
}

const notPublished = (round: RoundRecord) =>
  new Problem(
    409,
    problemType('not-published'),
    { zh: '考评结果尚未公布', en: 'Not published yet' },
    {
      zh: `考评轮次处于“${round.state}”状态：结果公布后方可查阅，公布前只有办公室可查看暂定结果`,
      en: `the round is ${round.state}: its result is read once published; before that only the office sees a provisional result`
    },
    { extensions: { currentVersion: round.version, currentState: round.state } }
  )

/** The result as the viewer may read it: the office all with comments, a department its own row with its comments, others the published aggregates. */
export async function resultView(app: { gate: Parameters<typeof resultOf>[0] }, round: RoundRecord, viewer: Principal | null): Promise<ResultViewT> {
  const office = viewer !== null && seesRaters(viewer, round.areaId)
  if (!office && round.state !== 'published') throw notPublished(round)
  const result: EvaluationResult = await resultOf(app.gate, round)
  const own = viewer?.role === 'department' ? viewer.org : null
  const rows = own === null ? result.departments : result.departments.filter((d) => d.department === own)
  const departments = await Promise.all(
    rows.map(async (d) => (office || own !== null ? { ...d, comments: await commentsOn(app.gate, round, d.department) } : d))
  )
  return {
    round: round.id,
    area: round.areaId,
    period: round.period,
    state: round.state,
    provisional: result.provisional,
    computedAt: result.computedAt,
    method: result.method,
    inputs: own === null ? result.inputs : result.inputs.filter((i) => i.department === own),
    departments,
    areaFigures: result.area
  }
}

const ListQuery = Type.Object(
  {
    state: Type.Optional(Type.Enum(EVALUATION_STATES)),
    period: Type.Optional(Type.String({ minLength: 4, maxLength: 16 })),
    area: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    ...PageQuery
  },
  { additionalProperties: false }
)

const Page = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) })

export const evaluationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/evaluations',
    {
      schema: {
        tags: ['evaluations'],
        summary: 'Open a round of the two-way evaluation of departments for your city or district (office, admin)',
        operationId: 'openEvaluation',
        description:
          'One round per area and period (409 otherwise). The period is of the kind the policy pack sets (a year or a half-year). Without `departments`, the departments that worked in the area are listed: its own, and those with tasks admitted in the period for streets or communities inside it.',
        security,
        body: CreateEvaluationBody,
        response: { 201: EvaluationView, 303: SeeOtherSchema, ...problemResponses(400, 401, 403, 409) }
      }
    },
    async (req, reply) => {
      const p = requireRole(req, 'office', 'admin')
      const round = await openRound(app.gate, p, req.body, req.idempotency)
      return reply.status(201).header('location', `/v1/evaluations/${round.id}`).send(toRoundView(round, p))
    }
  )

  app.get(
    '/v1/evaluations',
    {
      schema: {
        tags: ['evaluations'],
        summary: 'List evaluation rounds, newest first',
        operationId: 'listEvaluations',
        description:
          'The office, admins and leading group of a city or district see its rounds (an admin of the whole city all), a department the rounds that list it, a street or community those of the city and district it lies in.',
        security,
        querystring: ListQuery,
        response: { 200: Page(EvaluationView), ...problemResponses(400, 401) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      const { limit = DEFAULT_PAGE_SIZE, cursor, ...filters } = req.query
      const page = await listRounds(app.gate.db, { ...filters, scope: await scopeFor(app.gate, p) }, limit, decodeCursor(cursor))
      return { items: page.items.map((r) => toRoundView(r, p)), nextCursor: encodeCursor(page.nextSeq) }
    }
  )

  app.get(
    '/v1/evaluations/:id',
    {
      schema: {
        tags: ['evaluations'],
        summary: 'An evaluation round, with the events you may send',
        operationId: 'getEvaluation',
        security,
        params: EvaluationParams,
        response: { 200: EvaluationView, ...problemResponses(401, 404) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      return toRoundView(await loadVisibleRound(app.gate, req.params.id, p), p)
    }
  )

  app.post(
    '/v1/evaluations/:id/events',
    {
      schema: {
        tags: ['evaluations'],
        summary: `Move a round: ${EvaluationEventBodies.bySender}, of the round’s area only`,
        operationId: 'sendEvaluationEvent',
        description:
          'SET_DEPARTMENTS changes the list while the round is open; START starts the rating, its deadline counted in working days of the pack’s calendar; CLOSE ends it early; PUBLISH freezes and publishes the result. At the deadline the engine closes the round itself (DEADLINE). Send "version" to make the event conditional on the version you saw.',
        security,
        params: EvaluationParams,
        body: EvaluationEventBody,
        'x-request-examples': EVALUATION_EXAMPLES.events,
        response: { 200: EvaluationView, 303: SeeOtherSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      return toRoundView(await applyRoundEvent(app.gate, req.params.id, p, req.body, req.idempotency), p)
    }
  )

  app.get(
    '/v1/evaluations/:id/history',
    {
      schema: {
        tags: ['evaluations'],
        summary: 'A round’s history, oldest first (who rated is shown to the office and admins of the area only)',
        operationId: 'listEvaluationEvents',
        security,
        params: EvaluationParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Page(EvaluationEventView), ...problemResponses(400, 401, 404) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      const round = await loadVisibleRound(app.gate, req.params.id, p)
      const page = await history<DbRoundEventRow>(app.gate.db, EVALUATION_TABLES, round.seq, req.query.limit ?? DEFAULT_PAGE_SIZE, decodeCursor(req.query.cursor))
      const named = seesRaters(p, round.areaId)
      return { items: page.items.map((row) => toEventView(row, named)), nextCursor: encodeCursor(page.nextSeq) }
    }
  )

  app.put(
    '/v1/evaluations/:id/ratings/:department',
    {
      schema: {
        tags: ['evaluations'],
        summary: 'Rate a department of the round (street, community of the area)',
        operationId: 'rateDepartment',
        description:
          'One rating per rater and department: a second one replaces the first while the round is rating (201 for the first, 200 after; the same rating again changes nothing). The replaced one is kept. The department never learns who rated it.',
        security,
        params: RatingParams,
        body: RatingBody,
        response: { 200: RatingView, 201: RatingView, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (req, reply) => {
      const p = requirePrincipal(req)
      const { rating, created } = await rate(app.gate, req.params.id, req.params.department, p, req.body)
      const round = await loadVisibleRound(app.gate, req.params.id, p)
      return reply.status(created ? 201 : 200).send(toRatingView(round, rating, true))
    }
  )

  app.get(
    '/v1/evaluations/:id/ratings',
    {
      schema: {
        tags: ['evaluations'],
        summary: 'A round’s ratings: a rater its own, the office and admins of the area all, with raters',
        operationId: 'listEvaluationRatings',
        description: 'Current ratings; with all=true also those replaced since. Departments and the leading group read the result, not the ratings.',
        security,
        params: EvaluationParams,
        querystring: Type.Object({ all: Type.Optional(Type.Boolean({ description: 'also the ratings replaced since' })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(RatingView) }), ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      const round = await loadVisibleRound(app.gate, req.params.id, p)
      const office = seesRaters(p, round.areaId)
      if (!office && p.role !== 'street' && p.role !== 'community') {
        throw Problems.forbidden({ zh: '评价明细仅供评价单位本身和本级办公室、管理员查阅', en: 'ratings are read by their raters and by the office and admins of the area' })
      }
      const { all, current } = await ratingsOf(app.gate.db, round.seq, office ? undefined : p.org)
      const latest = new Set(current.map((r) => r.seq))
      const items = (req.query.all === true ? all : current).map((r) => toRatingView(round, r, latest.has(r.seq)))
      return { items }
    }
  )

  app.get(
    '/v1/evaluations/:id/result',
    {
      schema: {
        tags: ['evaluations'],
        summary: 'A round’s result: the office all (provisional before publication), a department its own row, others once published',
        operationId: 'getEvaluationResult',
        description:
          'With the method (formula, weights and their sources, scale, pack) and the inputs (per department the scores of the current ratings without raters, and the gate record), so that every total and rank can be computed again. A department gets its own row and the comments on it without who wrote them.',
        security,
        params: EvaluationParams,
        response: { 200: ResultView, ...problemResponses(401, 404, { 409: 'The round is not published yet (only the office sees a provisional result)' }) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      return resultView(app, await loadVisibleRound(app.gate, req.params.id, p), p)
    }
  )
}
