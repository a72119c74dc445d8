import { DEFAULT_DATABASE_URL } from './engine/db.js'
import type { ConsoleSignIn } from './console/plugin.js'
import { PROVIDER_ALGORITHMS, type IdentityProviderOptions, type ProviderAlgorithm } from './platform/identity-provider.js'

/** Only for a local first run; the server says so loudly when it is in use. */
export const DEVELOPMENT_JWT_SECRET = 'zhunru-development-secret-do-not-deploy'

export interface Config {
  port: number
  host: string
  databaseUrl: string
  /** Absent when an identity provider is configured and JWT_SECRET is not: then no HS256 token is believed. */
  jwtSecret?: string
  jwtSecretIsDevelopmentDefault: boolean
  /** The city's identity provider (AUTH_ISSUER or AUTH_JWKS_URL); absent for HS256 tokens only. */
  identityProvider?: IdentityProviderOptions
  rateLimitPerMinute: number
  /** Webhooks may reach loopback and private addresses: only where receivers live on the gate's own network. */
  webhookAllowPrivateNetworks: boolean
  /** An empty database gets the demo city (the two-command first run); a real city starts with 0 and imports its own. */
  demo: boolean
  /** The console's public client at the identity provider (CONSOLE_CLIENT_ID): people sign in there with PKCE. */
  consoleSignIn?: ConsoleSignIn
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const port = Number(env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`)
  const identityProvider = identityProviderConfig(env)
  // The development secret is public (it is in this file): next to a real provider it would let anyone in.
  const jwtSecret = env.JWT_SECRET ?? (identityProvider === undefined ? DEVELOPMENT_JWT_SECRET : undefined)
  if (jwtSecret !== undefined && jwtSecret.length < 16) throw new Error('JWT_SECRET must be at least 16 characters')
  const rateLimitPerMinute = Number(env.RATE_LIMIT_PER_MINUTE ?? 600)
  if (!Number.isInteger(rateLimitPerMinute) || rateLimitPerMinute < 1) throw new Error('RATE_LIMIT_PER_MINUTE must be a positive integer')
  const allowPrivate = env.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? '0'
  if (allowPrivate !== '0' && allowPrivate !== '1') throw new Error('WEBHOOK_ALLOW_PRIVATE_NETWORKS must be 0 or 1')
  const demo = env.ZHUNRU_DEMO ?? '1'
  if (demo !== '0' && demo !== '1') throw new Error('ZHUNRU_DEMO must be 0 or 1')
  const consoleSignIn = consoleSignInConfig(env, identityProvider)
  return {
    port,
    demo: demo === '1',
    ...(consoleSignIn === undefined ? {} : { consoleSignIn }),
    rateLimitPerMinute,
    webhookAllowPrivateNetworks: allowPrivate === '1',
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    jwtSecret,
    jwtSecretIsDevelopmentDefault: jwtSecret === DEVELOPMENT_JWT_SECRET,
    ...(identityProvider === undefined ? {} : { identityProvider })
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/** A provider's address: https, or http on this machine only (a provider started for development or a test). */
function providerUrl(name: string, value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error(`${name} must be a URL, got "${value}"`)
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new Error(`${name} must be an https URL (http only on localhost), got "${value}"`)
  }
  return value
}

function claimName(name: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback
  if (value.trim() === '' || value !== value.trim()) throw new Error(`${name} must name a claim (or a dotted path to one), got "${value}"`)
  return value
}

const PROVIDER_VARIABLES = ['AUTH_AUDIENCE', 'AUTH_ALGORITHMS', 'AUTH_CLOCK_TOLERANCE_SECONDS', 'AUTH_ROLE_CLAIM', 'AUTH_ORG_CLAIM']

/** AUTH_*: the identity provider, when AUTH_ISSUER or AUTH_JWKS_URL names one. */
function identityProviderConfig(env: NodeJS.ProcessEnv): IdentityProviderOptions | undefined {
  const { AUTH_ISSUER: issuer, AUTH_JWKS_URL: jwksUrl } = env
  if (issuer === undefined && jwksUrl === undefined) {
    const stray = PROVIDER_VARIABLES.find((k) => env[k] !== undefined)
    // A variable meant for a provider that is not configured would otherwise be ignored without a word.
    if (stray !== undefined) throw new Error(`${stray} is set, but neither AUTH_ISSUER nor AUTH_JWKS_URL names an identity provider`)
    return undefined
  }
  const audience = env.AUTH_AUDIENCE
  if (audience === undefined || audience.trim() === '') throw new Error('AUTH_AUDIENCE must name what tokens are for (their aud) when an identity provider is configured')
  const algorithms = (env.AUTH_ALGORITHMS ?? PROVIDER_ALGORITHMS.join(',')).split(',').map((a) => a.trim())
  const unknown = algorithms.find((a) => !(PROVIDER_ALGORITHMS as readonly string[]).includes(a))
  if (unknown !== undefined) throw new Error(`AUTH_ALGORITHMS must list some of ${PROVIDER_ALGORITHMS.join(', ')}, got "${unknown}"`)
  const tolerance = Number(env.AUTH_CLOCK_TOLERANCE_SECONDS ?? 60)
  if (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > 300) {
    throw new Error(`AUTH_CLOCK_TOLERANCE_SECONDS must be a whole number of seconds from 0 to 300, got "${env.AUTH_CLOCK_TOLERANCE_SECONDS}"`)
  }
  return {
    ...(issuer === undefined ? {} : { issuer: providerUrl('AUTH_ISSUER', issuer) }),
    ...(jwksUrl === undefined ? {} : { jwksUrl: providerUrl('AUTH_JWKS_URL', jwksUrl) }),
    audience,
    algorithms: algorithms as ProviderAlgorithm[],
    clockToleranceSeconds: tolerance,
    roleClaim: claimName('AUTH_ROLE_CLAIM', env.AUTH_ROLE_CLAIM, 'role'),
    orgClaim: claimName('AUTH_ORG_CLAIM', env.AUTH_ORG_CLAIM, 'org')
  }
}

/** CONSOLE_CLIENT_ID: the console signs people in at the provider AUTH_ISSUER names, for the audience AUTH_AUDIENCE. */
function consoleSignInConfig(env: NodeJS.ProcessEnv, provider: IdentityProviderOptions | undefined): ConsoleSignIn | undefined {
  const clientId = env.CONSOLE_CLIENT_ID
  if (clientId === undefined) return undefined
  // Signing in needs a provider the browser can discover; a bare key set has no login page.
  if (provider?.issuer === undefined) throw new Error('CONSOLE_CLIENT_ID is set, but AUTH_ISSUER names no identity provider to sign in at')
  if (clientId.trim() === '') throw new Error('CONSOLE_CLIENT_ID must name the console’s client at the identity provider')
  return { issuer: provider.issuer, clientId, audience: provider.audience, scope: env.CONSOLE_SCOPE ?? 'openid' }
}
