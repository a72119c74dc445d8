import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { PUBLIC } from '../schemas/common.js'

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
      await app.gate.db.raw('select 1')
      return { status: 'ok' as const, database: 'ok' as const }
    }
  )
}
