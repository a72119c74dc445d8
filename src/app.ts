import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { platformServerOptions } from './platform/plugin.js'
import type { Database } from './engine/db.js'
import type { IdentityProviderOptions } from './platform/identity-provider.js'
import { zhunru } from './zhunru.js'
import { zhunruConsole, type ConsoleOptions } from './console/plugin.js'

export interface AppOptions {
  database: Database
  jwtSecret?: string
  identityProvider?: IdentityProviderOptions
  logger?: FastifyServerOptions['logger']
  now?: () => Date
  /** Requests per principal (or per address, without a token) per minute; off when absent. */
  rateLimitPerMinute?: number
  /** Webhooks may name loopback and private addresses (receivers on the same network); off unless set. */
  allowPrivateWebhooks?: boolean
  /** The console at `/`: where its build is, how it signs people in. */
  console?: ConsoleOptions
}

export type App = FastifyInstance

/** The server's app: a Fastify instance with the zhunru plugin on an open database. */
export async function buildApp(opts: AppOptions): Promise<App> {
  const app = Fastify({ logger: opts.logger ?? false, ...platformServerOptions }).withTypeProvider<TypeBoxTypeProvider>()
  await app.register(zhunru, {
    database: opts.database,
    jwtSecret: opts.jwtSecret,
    identityProvider: opts.identityProvider,
    now: opts.now,
    rateLimitPerMinute: opts.rateLimitPerMinute,
    allowPrivateWebhooks: opts.allowPrivateWebhooks
  })
  await app.register(zhunruConsole, opts.console ?? {})
  return app
}
