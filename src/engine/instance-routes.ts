import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { administersAll, requirePrincipal, reservedFor, type Principal } from '../platform/auth.js'
import { Problems } from '../platform/errors.js'
import { decodeCursor, encodeCursor } from '../platform/pagination.js'
import { DEFAULT_PAGE_SIZE, PageQuery, problemResponses, SeeOtherSchema, TOKEN } from '../platform/schemas.js'
import { mustBeOneOf } from '../platform/validation.js'
import { fromJson, toJson } from './db.js'
import type { Row, WriteResult } from './group-commit.js'
import { GENERIC_TABLES, history, type Actor, type StateChange } from './store.js'
import type { StoredSnapshot, WorkflowRuntime } from './workflow.js'

/**
 * Instances of workflows that bring no tables or routes of their own: an integrator
 * registers a machine and drives it here. The engine builds each machine event from the
 * validated request (type, the sender, the server's clock, a reason); the body never
 * reaches the machine as such.
 */

const security = TOKEN
const Params = Type.Object({ machine: Type.String({ minLength: 1, maxLength: 64 }) })
const InstanceParams = Type.Object({ machine: Type.String({ minLength: 1, maxLength: 64 }), id: Type.String({ minLength: 1, maxLength: 64 }) })

const InstanceView = Type.Object(
  {
    id: Type.String(),
    machine: Type.String(),
    state: Type.String({ description: 'position label, e.g. "review.first"' }),
    version: Type.Integer(),
    context: Type.Unknown(),
    enabledEvents: Type.Array(Type.String(), { description: 'the events the caller may send now' }),
    createdAt: Type.String(),
    updatedAt: Type.String()
  },
  { $id: 'WorkflowInstance' }
)

const InstanceEvent = Type.Object({
  seq: Type.Integer(),
  version: Type.Integer(),
  type: Type.String(),
  from: Type.Union([Type.String(), Type.Null()]),
  to: Type.String(),
  actor: Type.Object({ sub: Type.String(), role: Type.String(), org: Type.Union([Type.String(), Type.Null()]) }),
  reason: Type.Union([Type.String(), Type.Null()]),
  at: Type.String()
})

interface DbInstanceRow {
  seq: number
  id: string
  machine_id: string
  created_by: string
  created_by_role: string
  created_by_org: string
  state: string
  version: number
  snapshot: string
  created_at: string
  updated_at: string
}

interface DbInstanceEventRow {
  seq: number
  instance_version: number
  type: string
  from_state: string | null
  to_state: string
  actor_sub: string
  actor_role: string
  actor_org: string | null
  payload: string
  created_at: string
}

const actorOf = (p: Principal): Actor => ({ sub: p.sub, role: p.role, org: p.org })

/** Only the engine knows these instances' parties: owners of webhooks hear of them as admins do. */
const NOBODY = { public: false, departments: [], offices: [], groups: [], communities: [] }

function view(runtime: WorkflowRuntime, row: DbInstanceRow, viewer: Principal) {
  const snapshot = fromJson<StoredSnapshot>(row.snapshot)
  const roles = runtime.workflow.eventRoles as Record<string, readonly string[]>
  return {
    id: row.id,
    machine: row.machine_id,
    state: row.state,
    version: row.version,
    context: snapshot.context,
    enabledEvents: runtime.enabledEvents(snapshot).filter((type) => roles[type]!.includes(viewer.role)),
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

export const instanceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(InstanceView)
  const { engine } = app

  const workflowOf = (machine: string) => {
    const runtime = engine.registry.generic(machine)
    if (runtime === undefined) throw Problems.notFound('workflow', machine)
    return runtime
  }

  /** An instance the principal may reach: an admin, the creator's org, or whom the workflow names; to anyone else it does not exist. */
  async function load(runtime: WorkflowRuntime, id: string, p: Principal): Promise<DbInstanceRow> {
    const machine = runtime.workflow.id
    const row = (await engine.db<DbInstanceRow>(GENERIC_TABLES.instances).where({ id, machine_id: machine }).first()) as DbInstanceRow | undefined
    const creator = row && { sub: row.created_by, role: row.created_by_role, org: row.created_by_org }
    const reaches = creator !== undefined && (administersAll(p) || p.org === creator.org || runtime.workflow.mayAccess?.(p, creator) === true)
    if (!reaches) throw Problems.notFound({ zh: `${machine}流程实例`, en: `${machine} instance` }, id)
    return row!
  }

  const instanceOf = (result: WriteResult & { ok: true }) => result.row as unknown as DbInstanceRow

  app.post(
    '/v1/workflows/:machine/instances',
    {
      schema: {
        tags: ['machines'],
        operationId: 'createWorkflowInstance',
        summary: 'Start an instance of a registered workflow that keeps no tables of its own (no body)',
        security,
        params: Params,
        response: { 201: Type.Ref('WorkflowInstance'), 303: SeeOtherSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (req, reply) => {
      const p = requirePrincipal(req)
      const runtime = workflowOf(req.params.machine)
      const allowed = runtime.workflow.createRoles
      if (allowed !== undefined && !allowed.includes(p.role)) {
        throw Problems.forbidden(reservedFor({ zh: `启动${runtime.workflow.id}流程`, en: `starting a ${runtime.workflow.id}` }, allowed, p.role))
      }
      const snapshot = runtime.initial()
      const id = randomUUID()
      const now = engine.now().toISOString()
      const state = runtime.position(snapshot.value)
      const result = await engine.commits.write({
        kind: 'create',
        tables: GENERIC_TABLES,
        id,
        row: {
          id,
          machine_id: runtime.workflow.id,
          state,
          version: 1,
          snapshot: toJson(snapshot),
          machine_version: snapshot.machineVersion,
          created_by: p.sub,
          created_by_role: p.role,
          created_by_org: p.org,
          created_at: now,
          updated_at: now
        },
        events: [{ type: 'CREATE', from: null, to: state, actor: actorOf(p), payload: {}, at: now }],
        changes: [change(runtime.workflow.id, id, 1, 'CREATE', null, state, now)],
        claim: req.idempotency,
        resource: `workflows/${runtime.workflow.id}/instances/${id}`,
        basis: null
      })
      const row = instanceOf(result as WriteResult & { ok: true })
      return reply.status(201).header('location', `/v1/workflows/${row.machine_id}/instances/${row.id}`).send(view(runtime, row, p))
    }
  )

  app.get(
    '/v1/workflows/:machine/instances/:id',
    {
      schema: {
        tags: ['machines'],
        operationId: 'getWorkflowInstance',
        summary: 'An instance with its state, version and the events the caller may send',
        security,
        params: InstanceParams,
        response: { 200: Type.Ref('WorkflowInstance'), ...problemResponses(401, 404) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      const runtime = workflowOf(req.params.machine)
      return view(runtime, await load(runtime, req.params.id, p), p)
    }
  )

  app.post(
    '/v1/workflows/:machine/instances/:id/events',
    {
      schema: {
        tags: ['machines'],
        operationId: 'sendWorkflowEvent',
        summary: 'Send an event; with `version`, only if the instance is still at that version (else 409)',
        security,
        params: InstanceParams,
        body: Type.Object(
          {
            type: Type.String({ minLength: 1, maxLength: 64, description: 'one of the machine’s events (GET /v1/machines)' }),
            version: Type.Optional(Type.Integer({ minimum: 1 })),
            reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 }))
          },
          { additionalProperties: false, examples: [{ type: 'SUBMIT', version: 1, reason: '材料齐全,提交审核' }] }
        ),
        response: { 200: Type.Ref('WorkflowInstance'), 303: SeeOtherSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      const runtime = workflowOf(req.params.machine)
      const roles = runtime.workflow.eventRoles as Record<string, readonly string[]>
      const { type, version, reason } = req.body
      if (!Object.hasOwn(roles, type)) {
        throw Problems.validation({ zh: `字段“type”有误：${runtime.workflow.id}流程没有${type}事件`, en: `type: ${runtime.workflow.id} has no event ${type}` }, [
          { field: 'type', message: mustBeOneOf(Object.keys(roles)) }
        ])
      }
      if (!roles[type]!.includes(p.role)) throw Problems.forbidden(reservedFor({ zh: `${type}事件`, en: type }, roles[type]!, p.role))
      let current = await load(runtime, req.params.id, p)
      if (version !== undefined && version !== current.version) {
        throw Problems.staleVersion('instance', current.version, current.state, version)
      }
      for (;;) {
        const snapshot = fromJson<StoredSnapshot>(current.snapshot)
        const now = engine.now().toISOString()
        const step = runtime.step(snapshot, { type, actor: actorOf(p), at: now, reason: reason ?? null })
        if (!step.accepted) {
          throw Problems.eventNotAllowed(type, current.state, current.version, 'instance')
        }
        const result = await engine.commits.write({
          kind: 'step',
          tables: GENERIC_TABLES,
          from: { seq: Number(current.seq), id: current.id, version: current.version },
          columns: { state: step.position, snapshot: toJson(step.next), machine_version: step.next.machineVersion, updated_at: now },
          event: { type, from: current.state, to: step.position, actor: actorOf(p), payload: reason === undefined ? {} : { reason }, at: now },
          change: change(runtime.workflow.id, current.id, current.version + 1, type, current.state, step.position, now),
          claim: req.idempotency,
          resource: `workflows/${runtime.workflow.id}/instances/${current.id}`,
          basis: null
        })
        if (result.ok) return view(runtime, instanceOf(result), p)
        const found = (result as { conflict: Row }).conflict as unknown as DbInstanceRow
        // An event that commutes is planned again on the newer snapshot, unless the client pinned a version.
        if (version === undefined && runtime.commutes(type, snapshot, fromJson<StoredSnapshot>(found.snapshot))) {
          current = found
          continue
        }
        throw Problems.changedMeanwhile('instance', found.version, found.state)
      }
    }
  )

  app.get(
    '/v1/workflows/:machine/instances/:id/events',
    {
      schema: {
        tags: ['machines'],
        operationId: 'listWorkflowEvents',
        summary: 'An instance’s history, oldest first, paged',
        security,
        params: InstanceParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(InstanceEvent), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses(400, 401, 404) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      const instance = await load(workflowOf(req.params.machine), req.params.id, p)
      const page = await history<DbInstanceEventRow>(engine.db, GENERIC_TABLES, Number(instance.seq), req.query.limit ?? DEFAULT_PAGE_SIZE, decodeCursor(req.query.cursor))
      return {
        items: page.items.map((e) => ({
          seq: Number(e.seq),
          version: e.instance_version,
          type: e.type,
          from: e.from_state,
          to: e.to_state,
          actor: { sub: e.actor_sub, role: e.actor_role, org: e.actor_org },
          reason: fromJson<{ reason?: string }>(e.payload).reason ?? null,
          at: e.created_at
        })),
        nextCursor: encodeCursor(page.nextSeq)
      }
    }
  )
}

function change(machine: string, id: string, version: number, type: string, from: string | null, to: string, at: string): StateChange {
  return { machine, instanceId: id, version, type, from, to, state: to.split('.')[0]!, at, audience: NOBODY }
}
