import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { deliberationWorkflow } from '../../machines/deliberation.js'
import { councilRoutes } from './council-routes.js'
import { deliberationRegisterRoutes } from './register-routes.js'
import { DeliberationEventBodies, deliberationRoutes } from './routes.js'
import { DELIBERATION_TABLES } from './store.js'

/** The residents' deliberation council (议事会六步工作法): its members, its items through six steps, and their public results. */
export const deliberations = fp(
  async (app: FastifyInstance) => {
    app.engine.registry.register(deliberationWorkflow, DELIBERATION_TABLES)
    for (const schema of [...DeliberationEventBodies.branches, DeliberationEventBodies.union]) app.addSchema(schema)
    await app.register(councilRoutes)
    await app.register(deliberationRoutes)
    await app.register(deliberationRegisterRoutes)
  },
  { name: 'zhunru-deliberations', fastify: '5.x', dependencies: ['zhunru-admission'] }
)
