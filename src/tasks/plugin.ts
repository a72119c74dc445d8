import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { admissionWorkflow } from '../../machines/admission.js'
import { reviewRoutes } from './review-routes.js'
import { taskRoutes } from './routes.js'
import { ReviewSchema, TaskEventBodies, TaskEventView, TaskView } from './schemas.js'
import { TASK_TABLES } from './store.js'

/** The admission gate: tasks and their workflow, from draft through the decision to the end of the agreement; the reviewers' queues. */
export const admission = fp(
  async (app: FastifyInstance) => {
    app.engine.registry.register(admissionWorkflow, TASK_TABLES)
    for (const schema of [ReviewSchema, TaskView, TaskEventView, ...TaskEventBodies.branches, TaskEventBodies.union]) app.addSchema(schema)
    await app.register(taskRoutes)
    await app.register(reviewRoutes)
  },
  { name: 'zhunru-admission', fastify: '5.x', dependencies: ['zhunru-engine', 'zhunru-policy'] }
)
