import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { describeWorkflow, toMermaid } from '../../machines/describe.js'
import { Problems } from '../platform/errors.js'
import { PUBLIC, problemResponses } from '../platform/schemas.js'
import type { WorkflowRuntime } from './workflow.js'

const MachineParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })

const EventSummary = Type.Object({
  type: Type.String(),
  roles: Type.Array(Type.String(), { description: 'roles that may send it; empty when only the engine’s clock does' })
})

const listEntry = (r: WorkflowRuntime) => ({
  id: r.workflow.id,
  version: r.workflow.version,
  href: `/v1/machines/${r.workflow.id}`,
  diagram: `/v1/machines/${r.workflow.id}/diagram`,
  events: Object.entries(r.workflow.eventRoles).map(([type, roles]) => ({ type, roles: [...(roles as readonly string[])] })),
  commuting: [...(r.workflow.commuting ?? [])],
  mermaid: toMermaid(r.workflow.machine)
})

/** The workflow definitions of every registered machine: what integrators and the console draw and offer. */
export const machineRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const byId = (id: string) => {
    const runtime = app.engine.registry.get(id)
    if (runtime === undefined) throw Problems.notFound('machine', id)
    return runtime
  }

  app.get(
    '/v1/machines',
    {
      schema: {
        tags: ['machines'],
        summary: 'Every workflow this server runs, with its events, the roles that may send them, and its diagram',
        operationId: 'listMachines',
        security: PUBLIC,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                version: Type.Integer(),
                href: Type.String(),
                diagram: Type.String({ description: 'URL of the Mermaid source' }),
                events: Type.Array(EventSummary),
                commuting: Type.Array(Type.String(), { description: 'events re-planned, not refused, when another change to the same instance came first' }),
                mermaid: Type.String({ description: 'the statechart as a Mermaid stateDiagram-v2' })
              })
            )
          })
        }
      }
    },
    async () => ({ items: app.engine.registry.list().map(listEntry) })
  )

  app.get(
    '/v1/machines/:id',
    {
      schema: {
        tags: ['machines'],
        summary: 'A statechart as JSON, with the roles allowed to send each event',
        operationId: 'getMachine',
        security: PUBLIC,
        params: MachineParams,
        response: {
          200: Type.Object({
            id: Type.String(),
            version: Type.Integer(),
            definition: Type.Unknown(),
            eventRoles: Type.Record(Type.String(), Type.Array(Type.String()))
          }),
          ...problemResponses(404)
        }
      }
    },
    async (req) => describeWorkflow(byId(req.params.id).workflow)
  )

  app.get(
    '/v1/machines/:id/diagram',
    {
      schema: {
        tags: ['machines'],
        summary: 'A statechart as a Mermaid stateDiagram-v2',
        operationId: 'getMachineDiagram',
        security: PUBLIC,
        params: MachineParams,
        produces: ['text/vnd.mermaid'],
        response: { 200: Type.String({ description: 'Mermaid source' }), ...problemResponses(404) }
      }
    },
    async (req, reply) => reply.type('text/vnd.mermaid; charset=utf-8').send(toMermaid(byId(req.params.id).workflow.machine))
  )
}

/** Liveness and the database's reachability. */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness and database reachability',
        operationId: 'getHealth',
        security: PUBLIC,
        response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.Literal('ok') }) }
      }
    },
    async () => {
      await app.engine.db.raw('select 1')
      return { status: 'ok' as const, database: 'ok' as const }
    }
  )
}
