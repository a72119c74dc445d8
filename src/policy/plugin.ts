import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { catalogRoutes } from './catalog-routes.js'
import { FindingSchema, PolicyRefSchema, ScreeningSchema } from '../tasks/schemas.js'
import { orgUnitRoutes } from './org-unit-routes.js'
import { packRoutes } from './pack-routes.js'
import { screeningRoutes } from './screening-routes.js'
import { OrgDirectory } from './org-directory.js'
import { checkPrincipals } from './principals.js'
import { CurrentPack } from './pack-store.js'
import type { GateContext } from '../tasks/service.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** What every capability of the gate works with: the database, the engine's commits, the policy pack in force, the org tree. */
    gate: GateContext
  }
}

/**
 * The published lists and the rules that read them: the policy pack in force (read from
 * the database, cached, and re-read when a commit sees a newer one), the catalogs, dry-run
 * screening, and the org tree the lists apply to.
 */
export const policy = fp(
  async (app: FastifyInstance) => {
    const packs = new CurrentPack()
    app.engine.onPackHead((seq) => packs.observe(seq))
    for (const schema of [FindingSchema, PolicyRefSchema, ScreeningSchema]) app.addSchema(schema)
    app.decorate('gate', { db: app.engine.db, packs, orgs: new OrgDirectory(), commits: app.engine.commits, now: app.engine.now })
    checkPrincipals(app, app.gate)
    await app.register(catalogRoutes)
    await app.register(screeningRoutes)
    await app.register(orgUnitRoutes)
    await app.register(packRoutes)
  },
  { name: 'zhunru-policy', fastify: '5.x', dependencies: ['zhunru-platform', 'zhunru-engine'] }
)
