import { randomBytes } from 'node:crypto'
import knexFactory from 'knex'
import type { Test } from 'tap'
import { buildApp, type App } from '../src/app.js'
import type { ConsoleOptions } from '../src/console/plugin.js'
import { signToken } from '../src/platform/token.js'
import { DEMO_ORG_TREE, seedDemoIfEmpty } from '../src/demo.js'
import { DEFAULT_PACK } from '../src/policy/pack.js'
import type { IdentityProviderOptions } from '../src/platform/identity-provider.js'
import type { Role } from '../src/roles.js'
import { openDatabase, type Database } from '../src/engine/db.js'
import { ensurePack } from '../src/policy/pack-store.js'

export const TEST_SECRET = 'zhunru-test-secret-0123456789'

/** Tests run on a fixed day (Friday 9 October 2026), so lead times and deadlines do not drift with the calendar. */
export const TEST_NOW = new Date('2026-10-09T02:00:00Z')

/**
 * A fresh database per test: a SQLite file in tap's fixture dir, or, when
 * DATABASE_URL names PostgreSQL, a throwaway database on that server.
 */
export async function freshDatabase(t: Test): Promise<Database> {
  const url = process.env.DATABASE_URL
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const name = `zhunru_test_${randomBytes(6).toString('hex')}`
    const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } })
    await admin.raw(`create database ${name}`)
    const target = new URL(url)
    target.pathname = `/${name}`
    const db = await openDatabase(target.toString())
    t.teardown(async () => {
      await db.knex.destroy()
      await admin.raw(`drop database if exists ${name}`)
      await admin.destroy()
    })
    return db
  }
  const dir = t.testdir({})
  const db = await openDatabase(`sqlite:${dir}/zhunru.sqlite`)
  t.teardown(() => db.knex.destroy())
  return db
}

export interface Harness {
  app: App
  db: Database
  token: (role: Role, org: string, sub?: string) => string
  auth: (role: Role, org: string, sub?: string) => { authorization: string }
}

/** The app on a fresh database with the default pack and the demo org tree, closed when the test ends. */
export async function build(
  t: Test,
  opts: { seed?: boolean; now?: () => Date; rateLimitPerMinute?: number; allowPrivateWebhooks?: boolean; identityProvider?: IdentityProviderOptions; hs256?: boolean; console?: ConsoleOptions } = {}
): Promise<Harness> {
  const db = await freshDatabase(t)
  const now = new Date().toISOString()
  await ensurePack(db.knex, DEFAULT_PACK, now)
  if (opts.seed !== false) await seedDemoIfEmpty(db.knex, now)
  const app = await buildApp({
    database: db,
    jwtSecret: opts.hs256 === false ? undefined : TEST_SECRET,
    identityProvider: opts.identityProvider,
    now: opts.now ?? (() => TEST_NOW),
    rateLimitPerMinute: opts.rateLimitPerMinute,
    allowPrivateWebhooks: opts.allowPrivateWebhooks,
    console: opts.console
  })
  t.teardown(() => app.close())
  answersAsDocumented(t, app)
  await app.ready()
  const token = (role: Role, org: string, sub = `${role}.${org}`) =>
    signToken({ sub, role, org }, TEST_SECRET, { nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 3600 })
  return { app, db, token, auth: (role, org, sub) => ({ authorization: `Bearer ${token(role, org, sub)}` }) }
}

/**
 * The contract as the suite sees it: every answer any test gets must be one the document
 * declares for its operation, with that status and media type (problem+json for an error).
 */
function answersAsDocumented(t: Test, app: App): void {
  let declared: Map<string, Record<string, DocResponse>> | null = null
  const responsesOf = (method: string, url: string) => {
    if (declared === null) {
      const doc = app.swagger() as unknown as Doc
      const resolve = (r: DocResponse) => (r.$ref === undefined ? r : doc.components.responses[r.$ref.split('/').at(-1)!]!)
      declared = new Map(
        Object.entries(doc.paths).flatMap(([path, ops]) =>
          Object.entries(ops).map(([m, op]) => [`${m.toUpperCase()} ${path}`, Object.fromEntries(Object.entries(op.responses).map(([s, r]) => [s, resolve(r)]))] as const)
        )
      )
    }
    return declared.get(`${method === 'HEAD' ? 'GET' : method} ${url.replace(/:(\w+)/g, '{$1}')}`)
  }
  app.addHook('onSend', async (req, reply, payload) => {
    const responses = req.routeOptions.url === undefined ? undefined : responsesOf(req.method, req.routeOptions.url)
    // The docs UI and answers of no route (404 from the not-found handler) are not operations.
    if (responses === undefined) return payload
    const status = String(reply.statusCode)
    const media = String(reply.getHeader('content-type') ?? '').split(';')[0]!
    const response = responses[status]
    if (response === undefined) t.fail(`${req.method} ${req.routeOptions.url} answered ${status}, which its operation does not declare`)
    else if (response.content !== undefined && !(media in response.content)) {
      t.fail(`${req.method} ${req.routeOptions.url} answered ${status} as ${media}, declared as ${Object.keys(response.content).join(', ')}`)
    }
    return payload
  })
}

interface DocResponse {
  $ref?: string
  content?: Record<string, unknown>
}
interface Doc {
  paths: Record<string, Record<string, { responses: Record<string, DocResponse> }>>
  components: { responses: Record<string, DocResponse> }
}

export const demoCommunities = (street: string) => DEMO_ORG_TREE.filter((u) => u.kind === 'community' && u.parentId === street).map((u) => u.id)

/**
 * A database URL for server processes the test starts itself: a SQLite file, or a
 * throwaway PostgreSQL database when DATABASE_URL names a server. Dropped at the end.
 */
export async function freshDatabaseUrl(t: Test): Promise<string> {
  const url = process.env.DATABASE_URL
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const name = `zhunru_proc_${randomBytes(6).toString('hex')}`
    const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } })
    await admin.raw(`create database ${name}`)
    t.teardown(async () => {
      await admin.raw(`drop database if exists ${name} with (force)`)
      await admin.destroy()
    })
    const target = new URL(url)
    target.pathname = `/${name}`
    return target.toString()
  }
  return `sqlite:${t.testdir({})}/zhunru.sqlite`
}
