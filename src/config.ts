import { DEFAULT_DATABASE_URL } from './engine/db.js'

/** Only for a local first run; the server says so loudly when it is in use. */
export const DEVELOPMENT_JWT_SECRET = 'zhunru-development-secret-do-not-deploy'

export interface Config {
  port: number
  host: string
  databaseUrl: string
  jwtSecret: string
  jwtSecretIsDevelopmentDefault: boolean
  rateLimitPerMinute: number
  /** Webhooks may reach loopback and private addresses: only where receivers live on the gate's own network. */
  webhookAllowPrivateNetworks: boolean
  /** An empty database gets the demo city (the two-command first run); a real city starts with 0 and imports its own. */
  demo: boolean
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const port = Number(env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`)
  const jwtSecret = env.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET
  if (jwtSecret.length < 16) throw new Error('JWT_SECRET must be at least 16 characters')
  const rateLimitPerMinute = Number(env.RATE_LIMIT_PER_MINUTE ?? 600)
  if (!Number.isInteger(rateLimitPerMinute) || rateLimitPerMinute < 1) throw new Error('RATE_LIMIT_PER_MINUTE must be a positive integer')
  const allowPrivate = env.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? '0'
  if (allowPrivate !== '0' && allowPrivate !== '1') throw new Error('WEBHOOK_ALLOW_PRIVATE_NETWORKS must be 0 or 1')
  const demo = env.ZHUNRU_DEMO ?? '1'
  if (demo !== '0' && demo !== '1') throw new Error('ZHUNRU_DEMO must be 0 or 1')
  return {
    port,
    demo: demo === '1',
    rateLimitPerMinute,
    webhookAllowPrivateNetworks: allowPrivate === '1',
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    jwtSecret,
    jwtSecretIsDevelopmentDefault: env.JWT_SECRET === undefined
  }
}
