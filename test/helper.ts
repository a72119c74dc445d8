import { randomBytes } from 'node:crypto'
import knexFactory from 'knex'
import type { Test } from 'tap'
import { buildApp, type App } from '../src/app.js'
import { signToken } from '../src/auth/token.js'
import { DEMO_ORG_TREE, seedDemoIfEmpty } from '../src/demo.js'
import { DEFAULT_PACK } from '../src/policy/pack.js'
import type { Role } from '../src/roles.js'
import { openDatabase, type Database } from '../src/store/db.js'
import { ensurePack } from '../src/store/policy-packs.js'

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
export async function build(t: Test, opts: { seed?: boolean; now?: () => Date; rateLimitPerMinute?: number; allowPrivateWebhooks?: boolean } = {}): Promise<Harness> {
  const db = await freshDatabase(t)
  const now = new Date().toISOString()
  await ensurePack(db.knex, DEFAULT_PACK, now)
  if (opts.seed !== false) await seedDemoIfEmpty(db.knex, now)
  const app = await buildApp({
    database: db,
    jwtSecret: TEST_SECRET,
    now: opts.now ?? (() => TEST_NOW),
    rateLimitPerMinute: opts.rateLimitPerMinute,
    allowPrivateWebhooks: opts.allowPrivateWebhooks
  })
  t.teardown(() => app.close())
  await app.ready()
  const token = (role: Role, org: string, sub = `${role}.${org}`) =>
    signToken({ sub, role, org }, TEST_SECRET, { nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 3600 })
  return { app, db, token, auth: (role, org, sub) => ({ authorization: `Bearer ${token(role, org, sub)}` }) }
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
