import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import fp from 'fastify-plugin'
import { Type } from 'typebox'
import { Problems } from '../platform/errors.js'
import { PUBLIC, TOKEN, problemResponses } from '../platform/schemas.js'
import { requirePrincipal } from '../platform/auth.js'
import { signToken, type PrincipalClaims } from '../platform/token.js'
import { ROLES } from '../roles.js'

export interface DemoAccount extends PrincipalClaims {
  /** Who the account stands for, in words, for the picker. */
  who: string
}

export interface ConsoleSignIn {
  /** The provider's issuer: the browser reads its discovery document and signs in there. */
  issuer: string
  /** The console's public client at the provider (authorization code with PKCE, no secret). */
  clientId: string
  /** What the console asks the provider's tokens to be for (the gate's audience, as a resource indicator). */
  audience: string
  /** Scopes to ask for; `openid` unless set. */
  scope?: string
}

export interface ConsoleOptions {
  /** The built console (index.html and assets/); the package's dist/console unless set. */
  root?: string
  /**
   * Demo accounts to sign in as without a provider, with tokens signed by `demoSecret`. Only the
   * server knows whether its secret is the public development one: it passes both only then.
   */
  demo?: { accounts: readonly DemoAccount[]; secret: string }
  /** The city's identity provider for signing in from the browser. */
  signIn?: ConsoleSignIn
}

/** The package's own build (npm run build), found from the package itself: the same from src, dist or node_modules. */
export const DEFAULT_CONSOLE_ROOT = resolve(dirname(fileURLToPath(import.meta.resolve('zhunru/package.json'))), 'dist/console')

/** Hours a demo token lasts: a working day, as npm run token's do. */
const DEMO_TOKEN_SECONDS = 8 * 3600

/**
 * The console's pages may run only the scripts and styles they were built with. Mermaid writes a
 * style element into each diagram it draws: styles may be inline, scripts never. The provider is
 * the only other origin the browser talks to (discovery, token exchange) and is sent to.
 */
export function consoleSecurityPolicy(signIn: ConsoleSignIn | undefined): string {
  const provider = signIn === undefined ? '' : ` ${new URL(signIn.issuer).origin}`
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${provider}`,
    `form-action 'self'${provider}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'"
  ].join('; ')
}

const tags = ['console']

const ConsoleConfig = Type.Object(
  {
    demoSignIn: Type.Boolean({ description: 'true only while the server signs tokens with its public development secret: then GET /v1/console/demo-accounts lists accounts to sign in as' }),
    signIn: Type.Union([
      Type.Object({
        issuer: Type.String({ format: 'uri' }),
        clientId: Type.String(),
        audience: Type.String(),
        scope: Type.String()
      }),
      Type.Null()
    ], { description: 'the city’s identity provider, for the authorization code flow with PKCE; null when none is configured for the console' })
  },
  { description: 'How the console signs people in' }
)

const DemoAccountView = Type.Object({
  sub: Type.String(),
  role: Type.Enum(ROLES),
  org: Type.String(),
  who: Type.String({ description: 'who the account stands for' })
})

const notInDemo = () =>
  Problems.notFound({ zh: '演示账户', en: 'demo sign-in' }, 'only while the server uses its development secret')

/**
 * The console: its pages at `/` (a client of the public API and nothing more), how it signs people
 * in, and, only while the development secret is in use, demo accounts to sign in as.
 */
export const zhunruConsole = fp<ConsoleOptions>(
  async (app, opts) => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>()
    const demo = opts.demo

    typed.get(
      '/v1/console/config',
      {
        schema: {
          tags,
          summary: 'How the console signs people in: the identity provider, and whether demo accounts are offered',
          operationId: 'getConsoleConfig',
          security: PUBLIC,
          response: { 200: ConsoleConfig }
        }
      },
      async () => ({
        demoSignIn: demo !== undefined,
        signIn: opts.signIn === undefined ? null : { ...opts.signIn, scope: opts.signIn.scope ?? 'openid' }
      })
    )

    typed.get(
      '/v1/console/session',
      {
        schema: {
          tags,
          summary: 'Who the bearer token names: its principal as the gate reads it (the role and org claims mapped)',
          description: 'The console asks after signing in with the city’s provider, whose claims may have other names; the token is checked as on every call.',
          operationId: 'getSession',
          security: TOKEN,
          response: { 200: Type.Object({ sub: Type.String(), role: Type.Enum(ROLES), org: Type.String() }), ...problemResponses(401) }
        }
      },
      async (req) => {
        const { sub, role, org } = requirePrincipal(req)
        return { sub, role, org }
      }
    )

    typed.get(
      '/v1/console/demo-accounts',
      {
        schema: {
          tags,
          summary: 'Demo accounts to sign in as (only while the development secret is in use)',
          description: 'A 404 whenever the server signs tokens with a secret of its own or only believes an identity provider.',
          operationId: 'listDemoAccounts',
          security: PUBLIC,
          response: { 200: Type.Object({ items: Type.Array(DemoAccountView) }), ...problemResponses(404) }
        }
      },
      async () => {
        if (demo === undefined) throw notInDemo()
        return { items: demo.accounts.map(({ sub, role, org, who }) => ({ sub, role, org, who })) }
      }
    )

    typed.post(
      '/v1/console/demo-sessions',
      {
        schema: {
          tags,
          summary: 'Sign in as a demo account: a token for it, as npm run token mints (only while the development secret is in use)',
          operationId: 'createDemoSession',
          security: PUBLIC,
          body: Type.Object({ sub: Type.String({ minLength: 1, maxLength: 200, description: 'a demo account’s sub' }) }, { additionalProperties: false, examples: [{ sub: 'li.min' }] }),
          response: {
            201: Type.Object({ token: Type.String(), principal: DemoAccountView, expiresAt: Type.String({ format: 'date-time' }) }),
            ...problemResponses(400, 404)
          }
        }
      },
      async (req, reply) => {
        if (demo === undefined) throw notInDemo()
        const { sub } = req.body
        const account = demo.accounts.find((a) => a.sub === sub)
        if (account === undefined) throw Problems.invalid('sub', { zh: `不是演示账户：${sub}`, en: `not a demo account: ${sub}` })
        // Tokens are checked against the real clock, whatever clock the gate's dates are read from.
        const nowSeconds = Math.floor(Date.now() / 1000)
        const { who, ...claims } = account
        const token = signToken(claims, demo.secret, { nowSeconds, ttlSeconds: DEMO_TOKEN_SECONDS })
        return reply.status(201).send({ token, principal: { ...claims, who }, expiresAt: new Date((nowSeconds + DEMO_TOKEN_SECONDS) * 1000).toISOString() })
      }
    )

    const root = opts.root ?? DEFAULT_CONSOLE_ROOT
    const policy = consoleSecurityPolicy(opts.signIn)
    if (!existsSync(resolve(root, 'index.html'))) {
      // The API works without the pages; say how to get them rather than answer a bare 404.
      app.get('/', { schema: { hide: true } }, async (_req, reply) =>
        reply.status(503).type('text/plain; charset=utf-8').send('The console is not built: run npm run build (npm start does it), then reload.\n控制台尚未构建：请运行 npm run build。\n')
      )
      return
    }
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      // One route per built file, read at start: unknown paths stay the API's problem+json 404.
      wildcard: false,
      index: ['index.html'],
      // The build wrote a .br and a .gz beside each script and style sheet.
      preCompressed: true,
      setHeaders: (res, path) => {
        res.header('content-security-policy', policy)
        // Hashed assets never change; the page itself is read fresh so that a new build is seen.
        res.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache')
      }
    })
  },
  { name: 'zhunru-console', fastify: '5.x' }
)
