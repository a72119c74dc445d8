import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { burdenReportWorkflow } from '../../machines/burden-report.js'
import { BurdenReportEventBodies, burdenReportRoutes } from './report-routes.js'
import { REPORT_TABLES } from './report-store.js'
import { burdenRoutes } from './routes.js'

/** What lies on the communities: the burden ledgers, the department scorecards, and burden reports of work that bypassed the gate. */
export const burden = fp(
  async (app: FastifyInstance) => {
    app.engine.registry.register(burdenReportWorkflow, REPORT_TABLES)
    for (const schema of [...BurdenReportEventBodies.branches, BurdenReportEventBodies.union]) app.addSchema(schema)
    await app.register(burdenRoutes)
    await app.register(burdenReportRoutes)
  },
  { name: 'zhunru-burden', fastify: '5.x', dependencies: ['zhunru-admission'] }
)
