import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { MACHINES, describeMachine, machineById, toMermaid } from '../../machines/describe.js'
import { Problems } from '../errors.js'
import { PUBLIC, problemResponses } from '../schemas/common.js'

const MachineParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })

export const machineRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/machines',
    {
      schema: {
        tags: ['machines'],
        summary: 'The workflow statecharts this server runs',
        operationId: 'listMachines',
        security: PUBLIC,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ id: Type.String(), version: Type.Integer(), href: Type.String(), diagram: Type.String() }))
          })
        }
      }
    },
    async () => ({
      items: Object.entries(MACHINES).map(([id, m]) => ({
        id,
        version: m.version,
        href: `/v1/machines/${id}`,
        diagram: `/v1/machines/${id}/diagram`
      }))
    })
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
    async (req) => {
      const description = describeMachine(req.params.id)
      if (description === null) throw Problems.notFound('machine', req.params.id)
      return description
    }
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
    async (req, reply) => {
      const entry = machineById(req.params.id)
      if (entry === null) throw Problems.notFound('machine', req.params.id)
      return reply.type('text/vnd.mermaid; charset=utf-8').send(toMermaid(entry.machine))
    }
  )
}
