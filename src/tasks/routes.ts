import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { requirePrincipal, requireRole, type Principal } from '../platform/auth.js'
import { CALENDAR_NOT_COVERED, CALENDAR_NOT_COVERED_ONLY, DEFAULT_PAGE_SIZE, IdParams, PageQuery, problemResponses, SeeOtherSchema, TOKEN, TOKEN_OPTIONAL } from '../platform/schemas.js'
import { TASK_EVENT_EXAMPLES } from './examples.js'
import { CreateTaskBody, TaskEventBodies, TaskEventBody, TaskEventPage, TaskListQuery, TaskPage, type TaskEventViewT } from './schemas.js'
import { history } from '../engine/store.js'
import { findingsOf, listTasks, policyOf, TASK_TABLES, type DbTaskEventRow, type EventPayload } from './store.js'
import { fromJson } from '../engine/db.js'
import { SEES_VOTES, applyEvent, createTask, loadVisibleTask, reexplain, taskView, taskViews, visibilityFor } from './service.js'
import { decodeCursor, encodeCursor } from '../platform/pagination.js'

const security = TOKEN

/**
 * One history entry. Who voted how is for the office and the group (as in the task
 * view): others see that a vote was cast, not by whom, nor which way.
 */
function toEventView(row: DbTaskEventRow, viewer: Principal): TaskEventViewT {
  const payload = fromJson<EventPayload>(row.payload)
  if (row.type === 'VOTE' && !SEES_VOTES.includes(viewer.role)) {
    return { ...toEventView(row, { ...viewer, role: 'admin' }), actor: { sub: 'member', role: row.actor_role, org: row.actor_org }, vote: null, reason: null }
  }
  return {
    seq: Number(row.seq),
    version: row.task_version,
    type: row.type,
    from: row.from_state,
    to: row.to_state,
    actor: { sub: row.actor_sub, role: row.actor_role, org: row.actor_org },
    reason: payload.reason ?? null,
    decision: payload.decision ?? null,
    vote: payload.vote ?? null,
    minutes: payload.minutes ?? null,
    consultation: payload.consultation ?? null,
    reply: payload.reply ?? null,
    amendment: payload.amendment ?? null,
    changes: payload.changes ?? null,
    withdrawalRequest: payload.withdrawalRequest === undefined ? null : { id: payload.withdrawalRequest, deliberation: payload.deliberation! },
    outcome: row.outcome,
    findings: findingsOf(row),
    policy: policyOf(row),
    at: row.created_at
  } as TaskEventViewT
}

export const taskRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Create a draft task (or create and submit it with "submit": true)',
        operationId: 'createTask',
        security,
        body: CreateTaskBody,
        response: { 201: Type.Ref('Task'), 303: SeeOtherSchema, ...problemResponses(400, 401, 403, CALENDAR_NOT_COVERED) }
      }
    },
    async (req, reply) => {
      const principal = requireRole(req, 'department')
      const { submit, ...input } = req.body
      const task = await createTask(app.gate, principal, input, submit ?? false, req.idempotency)
      return reply.status(201).header('location', `/v1/tasks/${task.id}`).send(await taskView(app.gate, task, principal))
    }
  )

  app.get(
    '/v1/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: 'List tasks, newest first',
        operationId: 'listTasks',
        security: TOKEN_OPTIONAL,
        description:
          'Without a token: admitted tasks only. A department sees its own tasks, an office or leading-group member those of its jurisdiction, a community those targeting it; admitted tasks are visible to all.',
        querystring: Type.Object(
          { ...TaskListQuery.properties, target: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'org unit id the task targets' })) },
          { additionalProperties: false }
        ),
        response: { 200: TaskPage, ...problemResponses(400) }
      }
    },
    async (req) => {
      const { limit = DEFAULT_PAGE_SIZE, cursor, ...filters } = req.query
      const page = await listTasks(app.gate.db, { ...filters, visibility: visibilityFor(req.principal) }, limit, decodeCursor(cursor))
      return { items: await taskViews(app.gate, page.items, req.principal), nextCursor: encodeCursor(page.nextSeq) }
    }
  )

  app.get(
    '/v1/tasks/:id',
    {
      schema: {
        tags: ['tasks'],
        summary: 'A task with its screening and decider',
        description: 'Without a token: admitted tasks (and their life as contracts) only. With one: also the tasks its principal is a party to.',
        operationId: 'getTask',
        security: TOKEN_OPTIONAL,
        params: IdParams,
        response: { 200: Type.Ref('Task'), ...problemResponses(404) }
      }
    },
    async (req) => taskView(app.gate, await loadVisibleTask(app.gate.db, req.params.id, req.principal), req.principal)
  )

  app.post(
    '/v1/tasks/:id/events',
    {
      schema: {
        tags: ['tasks'],
        summary: `Move a task: ${TaskEventBodies.bySender}`,
        description:
          'The body is one event, discriminated by `type`; the fields each event takes are in its schema, and GET /v1/machines/admission has the statechart. ' +
          'The task’s `enabledEvents` lists what it accepts now from the caller. Send "version" to make the event conditional on the version you saw.',
        operationId: 'sendTaskEvent',
        security,
        params: IdParams,
        body: TaskEventBody,
        'x-request-examples': TASK_EVENT_EXAMPLES,
        response: {
          200: Type.Ref('Task'),
          303: SeeOtherSchema,
          ...problemResponses(400, 401, 403, 404, CALENDAR_NOT_COVERED, {
            409: 'A stale version, an event the task does not accept in its state, or a decision the votes do not carry: `currentVersion` and `currentState` say where the task is'
          })
        }
      }
    },
    async (req) => {
      const principal = requirePrincipal(req)
      return taskView(app.gate, await applyEvent(app.gate, req.params.id, principal, req.body, req.idempotency), principal)
    }
  )

  app.get(
    '/v1/tasks/:id/screening',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Re-explain the last screening, against the catalog version it used or the one in force now',
        operationId: 'reexplainScreening',
        security: TOKEN_OPTIONAL,
        description:
          'asOf=original re-runs the gate on the declaration, sector, date and policy version recorded with the last SUBMIT: the answer must equal what was recorded (sameAsRecorded). asOf=current runs it against today’s catalog, e.g. after an amendment.',
        params: IdParams,
        querystring: Type.Object({ asOf: Type.Optional(Type.Enum(['original', 'current'] as const, { default: 'original' })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            asOf: Type.Enum(['original', 'current'] as const),
            screenedOn: Type.String({ format: 'date' }),
            screening: Type.Ref('Screening'),
            sameAsRecorded: Type.Boolean()
          }),
          ...problemResponses(400, 404, CALENDAR_NOT_COVERED_ONLY, { 409: 'The task was never submitted, so there is no screening to re-run' })
        }
      }
    },
    async (req) => reexplain(app.gate, await loadVisibleTask(app.gate.db, req.params.id, req.principal), req.query.asOf ?? 'original')
  )

  app.get(
    '/v1/tasks/:id/events',
    {
      schema: {
        tags: ['tasks'],
        summary: 'The task’s history, oldest first: who did what, when, from which state to which, with the findings and policy version',
        operationId: 'listTaskEvents',
        security,
        params: IdParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: TaskEventPage, ...problemResponses(400, 401, 404) }
      }
    },
    async (req) => {
      const principal = requirePrincipal(req)
      const task = await loadVisibleTask(app.gate.db, req.params.id, principal, true)
      const page = await history<DbTaskEventRow>(app.gate.db, TASK_TABLES, task.seq, req.query.limit ?? DEFAULT_PAGE_SIZE, decodeCursor(req.query.cursor))
      return { items: page.items.map((row) => toEventView(row, principal)), nextCursor: encodeCursor(page.nextSeq) }
    }
  )
}
