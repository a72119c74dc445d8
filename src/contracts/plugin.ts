import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { contractRoutes } from './routes.js'

/** Admitted tasks as agreements (nanjing-2014 §二.5 契约化管理) and the funding that must follow them (费随事转). */
export const contracts = fp(
  async (app: FastifyInstance) => {
    await app.register(contractRoutes)
  },
  { name: 'zhunru-contracts', fastify: '5.x', dependencies: ['zhunru-admission'] }
)
