import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { publicRegisterRoutes } from './routes.js'

/** The public register: catalogs and their history, admitted tasks and contracts, department statistics, no token needed. */
export const register = fp(
  async (app: FastifyInstance) => {
    await app.register(publicRegisterRoutes)
  },
  { name: 'zhunru-register', fastify: '5.x', dependencies: ['zhunru-admission'] }
)
