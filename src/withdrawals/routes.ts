import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import fp from 'fastify-plugin'
import { Type, type Static } from 'typebox'
import { administersAll, requirePrincipal, type Principal } from '../platform/auth.js'
import { Problems } from '../platform/errors.js'
import { decodeCursor, encodeCursor } from '../platform/pagination.js'
import { DEFAULT_PAGE_SIZE, IdParams, Nullable, PageQuery, TOKEN, problemResponses } from '../platform/schemas.js'
import { WITHDRAWAL_DECISIONS, WITHDRAWAL_REQUEST_STATES, findWithdrawalRequest, listWithdrawalRequests, type WithdrawalRequestRecord, type WithdrawalScope } from './store.js'

const security = TOKEN

export const WithdrawalRequestView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    state: Type.Enum(WITHDRAWAL_REQUEST_STATES, {
      description:
        'pending while the office may answer on the task: revoked (REVOKE) or kept (DECLINE_WITHDRAWAL); lapsed when the task’s period ended with no answer (answer stays null); revoked too, answer null, when the task was revoked by a write that did not see the request'
    }),
    deliberation: Type.String({ description: 'the deliberation item whose resolution asks (GET /v1/deliberations/{id})' }),
    task: Type.String({ format: 'uuid', description: 'the admitted task the residents ask to withdraw (GET /v1/tasks/{id})' }),
    community: Type.String({ description: 'the community whose council resolved it' }),
    jurisdiction: Type.String({ description: 'the city or district whose office admitted the task and answers' }),
    reason: Type.String({ description: 'why the residents ask, as the resolution gives it' }),
    requestedBy: Type.String({ description: 'who recorded the resolution; to the task’s department only "council"' }),
    requestedAt: Type.String({ format: 'date-time' }),
    answer: Nullable(
      Type.Object({
        decision: Type.Enum(WITHDRAWAL_DECISIONS),
        reason: Type.String(),
        decidedBy: Type.String(),
        decidedAt: Type.String({ format: 'date-time' })
      })
    )
  },
  {
    $id: 'WithdrawalRequest',
    description:
      'A residents’ council resolution asking the office to withdraw a task admitted for its community (Beijing Xicheng practice: an admitted item residents widely reject is withdrawn). The office answers on the task, with REVOKE or DECLINE_WITHDRAWAL naming the request; the task’s history and the request link to each other.'
  }
)
export type WithdrawalRequestViewT = Static<typeof WithdrawalRequestView>

const WithdrawalRequestListQuery = Type.Object(
  {
    state: Type.Optional(Type.Enum(WITHDRAWAL_REQUEST_STATES)),
    task: Type.Optional(Type.String({ format: 'uuid', description: 'only requests about this task' })),
    deliberation: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'only requests of this deliberation item' })),
    ...PageQuery
  },
  { additionalProperties: false }
)

/** The department whose task residents reject learns which community asked and why, not who recorded it. */
export const toWithdrawalRequestView = (r: WithdrawalRequestRecord, viewer: Principal): WithdrawalRequestViewT => ({
  id: r.id,
  state: r.state,
  deliberation: r.deliberationId,
  task: r.taskId,
  community: r.communityId,
  jurisdiction: r.jurisdictionId,
  reason: r.reason,
  requestedBy: viewer.role === 'department' ? 'council' : r.requestedBy,
  requestedAt: r.requestedAt,
  answer: r.answer
})

/**
 * The office answering reads those of its city or district, the community (its council and its
 * staff) its own, the department those about its tasks, an admin those it administers. Leading
 * groups and streets have no part in it.
 */
function scopeFor(p: Principal): WithdrawalScope {
  switch (p.role) {
    case 'admin':
      return administersAll(p) ? { kind: 'all' } : { kind: 'jurisdiction', orgUnit: p.org }
    case 'office':
      return { kind: 'jurisdiction', orgUnit: p.org }
    case 'department':
      return { kind: 'department', departmentId: p.org }
    case 'community':
    case 'council':
      return { kind: 'community', orgUnit: p.org }
    default:
      throw Problems.forbidden({
        zh: '撤回请求仅供提出请求的社区、答复的办公室、任务所属部门和管理员查阅',
        en: 'withdrawal requests are read by the community that asked, the office that answers, the task’s department and admins'
      })
  }
}

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/withdrawal-requests',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Residents’ councils’ requests to withdraw admitted tasks, oldest first (the office’s queue with state=pending)',
        operationId: 'listWithdrawalRequests',
        description:
          'An office sees the requests it answers, a community or its council its own, a department those about its tasks, an admin those it administers. The office answers on the task: POST /v1/tasks/{id}/events with REVOKE or DECLINE_WITHDRAWAL, naming the request in "withdrawalRequest".',
        security,
        querystring: WithdrawalRequestListQuery,
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('WithdrawalRequest')), nextCursor: Nullable(Type.String()) }), ...problemResponses(400, 401, 403) }
      }
    },
    async (req) => {
      const principal = requirePrincipal(req)
      const { limit = DEFAULT_PAGE_SIZE, cursor, ...filters } = req.query
      const page = await listWithdrawalRequests(app.engine.db, { ...filters, scope: scopeFor(principal) }, limit, decodeCursor(cursor))
      return { items: page.items.map((r) => toWithdrawalRequestView(r, principal)), nextCursor: encodeCursor(page.nextSeq) }
    }
  )

  app.get(
    '/v1/withdrawal-requests/:id',
    {
      schema: {
        tags: ['tasks'],
        summary: 'A residents’ council’s request to withdraw an admitted task, with the office’s answer',
        operationId: 'getWithdrawalRequest',
        security,
        params: IdParams,
        response: { 200: Type.Ref('WithdrawalRequest'), ...problemResponses(401, 403, 404) }
      }
    },
    async (req) => {
      const principal = requirePrincipal(req)
      const scope = scopeFor(principal)
      const found = await findWithdrawalRequest(app.engine.db, req.params.id)
      const visible =
        found !== null &&
        (scope.kind === 'all' ||
          (scope.kind === 'jurisdiction' && found.jurisdictionId === scope.orgUnit) ||
          (scope.kind === 'community' && found.communityId === scope.orgUnit) ||
          (scope.kind === 'department' && (await app.engine.db('tasks').where({ id: found.taskId, department_id: scope.departmentId }).first('id')) !== undefined))
      if (!visible) throw Problems.notFound({ zh: '撤回请求', en: 'withdrawal request' }, req.params.id)
      return toWithdrawalRequestView(found, principal)
    }
  )
}

/** Where the residents' process meets the gate: the office's queue of councils' requests to withdraw admitted tasks. */
export const withdrawals = fp(
  async (app) => {
    app.addSchema(WithdrawalRequestView)
    await app.register(routes)
  },
  { name: 'zhunru-withdrawals', fastify: '5.x', dependencies: ['zhunru-admission'] }
)
