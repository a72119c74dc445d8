import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { burden } from './burden/plugin.js'
import { contracts } from './contracts/plugin.js'
import { deliberations } from './deliberations/plugin.js'
import { engine } from './engine/plugin.js'
import { evaluations } from './evaluations/plugin.js'
import { leadingGroups } from './leading-groups/plugin.js'
import { platform } from './platform/plugin.js'
import type { IdentityProviderOptions } from './platform/identity-provider.js'
import { DEFAULT_PACK } from './policy/pack.js'
import { policy } from './policy/plugin.js'
import { register } from './register/plugin.js'
import { openDatabase, type Database } from './engine/db.js'
import { ensurePack } from './policy/pack-store.js'
import { admission } from './tasks/plugin.js'
import { webhooks } from './webhooks/plugin.js'
import { withdrawals } from './withdrawals/routes.js'

export interface ZhunruOptions {
  /** `sqlite:<path>` or `postgres://…`: opened, migrated, and closed with the app. */
  databaseUrl?: string
  /** An open database instead (migrated already): the caller closes it. */
  database?: Database
  /** HS256 tokens signed with it are believed (npm run token mints them); needed unless there is an identityProvider. */
  jwtSecret?: string
  /** The city's identity provider (OpenID Connect issuer or key set URL): its public-key tokens are believed. */
  identityProvider?: IdentityProviderOptions
  /** Requests per principal per minute; off when absent. */
  rateLimitPerMinute?: number
  /** Webhooks may name loopback and private addresses; off unless set. */
  allowPrivateWebhooks?: boolean
  now?: () => Date
}

/**
 * The whole API as one plugin: the platform, the engine and every capability of the gate.
 * With a databaseUrl it opens and migrates the database; a database without a policy pack
 * gets the default one. It never loads demo data (npm start does, into an empty database).
 */
export const zhunru = fp(
  async (app: FastifyInstance, opts: ZhunruOptions) => {
    if (opts.database === undefined && opts.databaseUrl === undefined) throw new Error('zhunru needs a databaseUrl or a database')
    const database = opts.database ?? (await openDatabase(opts.databaseUrl!))
    if (opts.database === undefined) app.addHook('onClose', () => database.knex.destroy())
    // An empty database gets the default pack; one in use keeps the pack in force (npm start upgrades it with loadBasePack).
    if ((await database.knex('policy_packs').first('seq')) === undefined) await ensurePack(database.knex, DEFAULT_PACK, new Date().toISOString())
    await app.register(platform, { jwtSecret: opts.jwtSecret, identityProvider: opts.identityProvider, db: database.knex, now: opts.now, rateLimitPerMinute: opts.rateLimitPerMinute })
    await app.register(engine, { database, now: opts.now })
    await app.register(policy)
    await app.register(admission)
    await app.register(leadingGroups)
    await app.register(contracts)
    await app.register(burden)
    await app.register(deliberations)
    await app.register(evaluations)
    await app.register(withdrawals)
    await app.register(register)
    await app.register(webhooks, { allowPrivateNetworks: opts.allowPrivateWebhooks })
  },
  { name: 'zhunru', fastify: '5.x' }
)
