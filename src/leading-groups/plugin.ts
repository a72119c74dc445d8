import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { leadingGroupRoutes } from './routes.js'

/** The leading groups that decide collectively (wuhan-2015 解读3): their members, chairs and recusals. Reviews and decisions are events of the admission workflow. */
export const leadingGroups = fp(
  async (app: FastifyInstance) => {
    await app.register(leadingGroupRoutes)
  },
  { name: 'zhunru-leading-groups', fastify: '5.x', dependencies: ['zhunru-admission'] }
)
