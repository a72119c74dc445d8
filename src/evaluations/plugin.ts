import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { evaluationWorkflow } from '../../machines/evaluation.js'
import { evaluationRegisterRoutes } from './register-routes.js'
import { evaluationRoutes } from './routes.js'
import { EvaluationEventBodies, EvaluationParametersSchema } from './schemas.js'
import { EVALUATION_TABLES } from './store.js'

/** Residents rate the departments (双向考评 / 倒评): rounds, ratings, results, and their public register. */
export const evaluations = fp(
  async (app: FastifyInstance) => {
    app.engine.registry.register(evaluationWorkflow, EVALUATION_TABLES)
    for (const schema of [EvaluationParametersSchema, ...EvaluationEventBodies.branches, EvaluationEventBodies.union]) app.addSchema(schema)
    await app.register(evaluationRoutes)
    await app.register(evaluationRegisterRoutes)
  },
  { name: 'zhunru-evaluations', fastify: '5.x', dependencies: ['zhunru-admission', 'zhunru-burden'] }
)
