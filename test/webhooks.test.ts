import SwaggerParser from '@apidevtools/swagger-parser'
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import knexFactory from 'knex'
import t, { type Test } from 'tap'
import * as webhooksMigration from '../migrations/20261124020000_webhooks.js'
import { buildApp, type App } from '../src/app.js'
import { signToken } from '../src/platform/token.js'
import { DEFAULT_PACK } from '../src/policy/pack.js'
import type { Role } from '../src/roles.js'
import type { Database } from '../src/engine/db.js'
import { seedDemoIfEmpty } from '../src/demo.js'
import { ensurePack } from '../src/policy/pack-store.js'
import { refusedDestination } from '../src/webhooks/destination.js'
import { isPublicState } from '../machines/admission.js'
import { enqueueDeliveries } from '../src/engine/outbox.js'
import type { StateChange } from '../src/engine/store.js'
import { dispatchDue, signature, startDispatcher, type DispatchOptions } from '../src/webhooks/outbox.js'
import { build, freshDatabase, TEST_NOW, TEST_SECRET } from './helper.js'

// ---------------------------------------------------------------------------------------------
// Harness

const T0 = new Date('2026-11-24T02:00:00.000Z')
const HOOK_SECRET = 'receiver-shared-secret-0123'

/** A fresh database: the migrations create the webhook tables. */
const webhookDb = (t: Test): Promise<Database> => freshDatabase(t)

interface HookRow {
  id: string
  url: string
  events: string[]
  secret: string
  owner_sub: string
  owner_role: string
  owner_org: string
  active: boolean
}

async function insertHook(db: Database, over: Partial<HookRow> = {}): Promise<string> {
  const row = {
    id: randomUUID(),
    url: 'http://127.0.0.1:9/unused',
    events: ['*'],
    secret: HOOK_SECRET,
    owner_sub: 'root',
    owner_role: 'admin',
    owner_org: 'city',
    active: true,
    ...over
  }
  await db.knex('webhooks').insert({ ...row, events: JSON.stringify(row.events), created_at: T0.toISOString() })
  return row.id
}

/** A task's transition as the gate hands it to the outbox: public once admitted, else for its parties. */
function change(over: Partial<Omit<StateChange, 'audience'>> = {}): StateChange {
  const c = { machine: 'admission', instanceId: randomUUID(), version: 2, type: 'SUBMIT', from: 'draft', to: 'escalated.office_review', at: T0.toISOString(), state: 'escalated', ...over }
  return { ...c, audience: { public: isPublicState(c.state), departments: ['east-civil'], offices: ['east'], groups: ['east'], communities: [] } }
}

const enqueue = (db: Database, c: StateChange) => db.knex.transaction((trx) => enqueueDeliveries(trx, [c]))

interface DeliveryRow {
  seq: number
  id: string
  webhook_id: string
  event_type: string
  task_id: string
  task_version: number
  body: string
  status: string
  attempts: number
  next_attempt_at: string
  last_status: number | null
  last_error: string | null
  created_at: string
  delivered_at: string | null
}

const deliveries = async (db: Database, webhookId?: string): Promise<DeliveryRow[]> => {
  const q = db.knex('webhook_deliveries').orderBy('seq')
  if (webhookId !== undefined) q.where({ webhook_id: webhookId })
  return (await q) as DeliveryRow[]
}

/** A settable clock for dispatchDue. */
function clock(start = new Date(T0.getTime() + 1000)) {
  let ms = start.getTime()
  return { now: () => new Date(ms), advance: (by: number) => (ms += by), at: () => new Date(ms) }
}

interface Received {
  headers: IncomingHttpHeaders
  body: Buffer
}

/**
 * A real HTTP receiver on 127.0.0.1. statusFor(n) answers the n-th request (1-based) with
 * that status, or, when it returns null, never answers at all.
 */
async function receiver(t: Test, statusFor: (n: number) => number | null, opts: { delayMs?: number } = {}) {
  const received: Received[] = []
  const answered: number[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) })
      const status = statusFor(received.length)
      if (status === null) return
      setTimeout(() => {
        answered.push(status)
        res.writeHead(status, status === 302 ? { location: 'http://127.0.0.1:9/elsewhere' } : {}).end('{"ok":true}')
      }, opts.delayMs ?? 0)
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => {
    server.closeAllConnections()
    server.close()
  })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/zhunru`, received, answered }
}

const verifies = (secret: string, body: Buffer, header: string | string[] | undefined) => {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`)
  const got = Buffer.from(String(header))
  return got.length === expected.length && timingSafeEqual(got, expected)
}

const settle = () => new Promise((r) => setTimeout(r, 0))

async function until(t: Test, what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) {
      t.fail(`timed out waiting for ${what}`)
      return
    }
    await new Promise((r) => setTimeout(r, 5))
  }
}

// ---------------------------------------------------------------------------------------------
// The outbox: enqueueing

t.test('signature is sha256=<hex HMAC-SHA256> of the body with the secret', async (t) => {
  t.equal(signature('key', 'The quick brown fox jumps over the lazy dog'), 'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8')
  t.equal(signature(HOOK_SECRET, '{"a":"准入"}'), `sha256=${createHmac('sha256', HOOK_SECRET).update(Buffer.from('{"a":"准入"}', 'utf8')).digest('hex')}`)
})

t.test('a delivery is enqueued only for active webhooks subscribed to the event whose owner may see the task', async (t) => {
  const db = await webhookDb(t)
  const hook = async (role: string, org: string, events = ['*'], active = true) =>
    insertHook(db, { owner_role: role, owner_org: org, owner_sub: `${role}.${org}`, events, active })
  const ids = {
    admin: await hook('admin', 'city'),
    ownDepartment: await hook('department', 'east-civil', ['SUBMIT', 'DECIDE']),
    otherDepartment: await hook('department', 'city-civil'),
    jurisdictionOffice: await hook('office', 'east'),
    jurisdictionGroup: await hook('leading_group', 'east'),
    otherGroup: await hook('leading_group', 'city'),
    targetedCommunity: await hook('community', 'east-s1-c1'),
    untargetedCommunity: await hook('community', 'east-s1-c2'),
    unknownRole: await hook('auditor', 'east'),
    inactive: await hook('admin', 'city', ['*'], false),
    otherEvent: await hook('admin', 'city', ['DECIDE'])
  }
  const byHook = async () => {
    const rows = await deliveries(db)
    return Object.fromEntries(Object.entries(ids).map(([k, id]) => [k, rows.filter((r) => r.webhook_id === id).length]))
  }

  const submitted = change()
  await enqueue(db, submitted)
  t.same(await byHook(), {
    admin: 1,
    ownDepartment: 1,
    otherDepartment: 0,
    jurisdictionOffice: 1,
    jurisdictionGroup: 1,
    otherGroup: 0,
    targetedCommunity: 0, // a community hears of admitted work only, as it reads only that
    untargetedCommunity: 0,
    unknownRole: 0,
    inactive: 0,
    otherEvent: 0
  })

  const [row] = await deliveries(db, ids.admin)
  t.equal(row!.status, 'pending')
  t.equal(row!.attempts, 0)
  t.equal(row!.event_type, 'SUBMIT')
  t.equal(row!.task_id, submitted.instanceId)
  t.equal(row!.task_version, 2)
  t.equal(row!.next_attempt_at, T0.toISOString(), 'due at once')
  t.equal(row!.created_at, T0.toISOString())
  t.equal(row!.last_status, null)
  t.equal(row!.delivered_at, null)
  t.same(JSON.parse(row!.body), {
    id: row!.id,
    event: 'SUBMIT',
    machine: 'admission',
    instance: { id: submitted.instanceId, version: 2, from: 'draft', to: 'escalated.office_review', state: 'escalated' },
    task: { id: submitted.instanceId, version: 2, from: 'draft', to: 'escalated.office_review', state: 'escalated' },
    at: T0.toISOString()
  })
  t.equal(row!.body, JSON.stringify(JSON.parse(row!.body)), 'the body is stored exactly as it will be sent')

  // Admitted tasks are public: every active subscriber hears of them, whoever it is.
  await db.knex('webhook_deliveries').delete()
  await enqueue(db, change({ type: 'DECIDE', from: 'escalated.group_decision', to: 'admitted', state: 'admitted', version: 5 }))
  t.same(await byHook(), {
    admin: 1,
    ownDepartment: 1,
    otherDepartment: 1,
    jurisdictionOffice: 1,
    jurisdictionGroup: 1,
    otherGroup: 1,
    targetedCommunity: 1,
    untargetedCommunity: 1,
    unknownRole: 1,
    inactive: 0,
    otherEvent: 1
  })
})

t.test('deliveries are part of the transition’s transaction: a rollback leaves none, and many subscribers are inserted in chunks', async (t) => {
  const db = await webhookDb(t)
  for (let i = 0; i < 120; i++) await insertHook(db, { owner_sub: `admin-${i}` })
  await t.rejects(
    db.knex.transaction(async (trx) => {
      await enqueueDeliveries(trx, [change()])
      throw new Error('the task update lost its compare-and-set')
    })
  )
  t.equal((await deliveries(db)).length, 0, 'nothing announced for a transition that did not happen')
  await enqueue(db, change())
  const rows = await deliveries(db)
  t.equal(rows.length, 120)
  t.equal(new Set(rows.map((r) => r.id)).size, 120, 'one delivery id each')
})

// ---------------------------------------------------------------------------------------------
// The outbox: dispatching

t.test('acceptance: 500, 500, 200 — three attempts with backoff, one delivery, identical signed bodies', async (t) => {
  const db = await webhookDb(t)
  const rx = await receiver(t, (n) => (n <= 2 ? 500 : 200))
  const hookId = await insertHook(db, { url: rx.url, events: ['SUBMIT'], owner_role: 'department', owner_org: 'east-civil' })
  const c = change()
  await enqueue(db, c)
  const [stored] = await deliveries(db, hookId)

  const time = clock()
  const opts: DispatchOptions = { now: time.now, retryBaseMs: 1000, maxAttempts: 5, timeoutMs: 2000 }

  t.equal(await dispatchDue(db.knex, opts), 1, 'first attempt')
  let [row] = await deliveries(db, hookId)
  t.match(row, { status: 'pending', attempts: 1, last_status: 500, last_error: 'HTTP 500', delivered_at: null })
  t.equal(row!.next_attempt_at, new Date(time.at().getTime() + 1000).toISOString(), 'retried after retryBaseMs')
  t.equal(await dispatchDue(db.knex, opts), 0, 'not due again before the backoff')

  time.advance(999)
  t.equal(await dispatchDue(db.knex, opts), 0, 'still backing off')
  time.advance(1)
  t.equal(await dispatchDue(db.knex, opts), 1, 'second attempt')
  ;[row] = await deliveries(db, hookId)
  t.match(row, { status: 'pending', attempts: 2, last_status: 500 })
  t.equal(row!.next_attempt_at, new Date(time.at().getTime() + 2000).toISOString(), 'the backoff doubles')

  time.advance(1999)
  t.equal(await dispatchDue(db.knex, opts), 0)
  time.advance(1)
  t.equal(await dispatchDue(db.knex, opts), 1, 'third attempt')
  ;[row] = await deliveries(db, hookId)
  t.match(row, { status: 'delivered', attempts: 3, last_status: 200, last_error: null, delivered_at: time.at().toISOString() })

  time.advance(3_600_000)
  t.equal(await dispatchDue(db.knex, opts), 0, 'a delivered row is never sent again')

  t.equal(rx.received.length, 3, 'three attempts in total')
  t.same(rx.answered, [500, 500, 200], 'exactly one successful delivery')
  const [first, ...rest] = rx.received
  for (const r of rest) t.ok(r.body.equals(first!.body), 'the body is byte-identical on every attempt')
  t.ok(first!.body.equals(Buffer.from(stored!.body, 'utf8')), 'and is the stored body')
  for (const r of rx.received) {
    t.ok(verifies(HOOK_SECRET, r.body, r.headers['x-zhunru-signature']), 'the signature verifies with the secret')
    t.notOk(verifies('another-secret-of-16+', r.body, r.headers['x-zhunru-signature']), 'and with no other secret')
    t.equal(r.headers['content-type'], 'application/json')
    t.equal(r.headers['x-zhunru-delivery'], stored!.id)
    t.equal(r.headers['x-zhunru-event'], 'SUBMIT')
  }
  const sent = JSON.parse(first!.body.toString('utf8'))
  const moved = { id: c.instanceId, version: 2, from: 'draft', to: 'escalated.office_review', state: 'escalated' }
  t.same(sent, { id: stored!.id, event: 'SUBMIT', machine: 'admission', instance: moved, task: moved, at: c.at })
})

t.test('a receiver that never answers within timeoutMs fails the delivery after maxAttempts', async (t) => {
  const db = await webhookDb(t)
  const rx = await receiver(t, () => null)
  const hookId = await insertHook(db, { url: rx.url })
  await enqueue(db, change())
  const time = clock()
  const opts: DispatchOptions = { now: time.now, retryBaseMs: 50, maxAttempts: 2, timeoutMs: 150 }

  const started = Date.now()
  t.equal(await dispatchDue(db.knex, opts), 1)
  t.ok(Date.now() - started >= 140, 'the attempt waited for the timeout')
  let [row] = await deliveries(db, hookId)
  t.match(row, { status: 'pending', attempts: 1, last_status: null, last_error: 'no response within 150 ms' })

  time.advance(50)
  t.equal(await dispatchDue(db.knex, opts), 1)
  ;[row] = await deliveries(db, hookId)
  t.match(row, { status: 'failed', attempts: 2, last_status: null, last_error: 'no response within 150 ms', delivered_at: null })

  time.advance(3_600_000)
  t.equal(await dispatchDue(db.knex, opts), 0, 'a failed delivery is not retried')
  t.equal(rx.received.length, 2)
})

t.test('network errors, redirects and odd failures count as failed attempts and never throw', async (t) => {
  const db = await webhookDb(t)
  const time = clock()
  const opts = (over: Partial<DispatchOptions> = {}): DispatchOptions => ({ now: time.now, retryBaseMs: 1000, maxAttempts: 3, timeoutMs: 1000, ...over })

  // Connection refused: a port nothing listens on.
  const closed = createServer()
  closed.listen(0, '127.0.0.1')
  await once(closed, 'listening')
  const deadPort = (closed.address() as AddressInfo).port
  await new Promise((r) => closed.close(r))
  const refused = await insertHook(db, { url: `http://127.0.0.1:${deadPort}/` })
  await enqueue(db, change())
  t.equal(await dispatchDue(db.knex, opts()), 1)
  const [row] = await deliveries(db, refused)
  t.match(row, { status: 'pending', attempts: 1, last_status: null })
  t.match(row!.last_error, /^TypeError: fetch failed: .*ECONNREFUSED/)
  await db.knex('webhooks').where({ id: refused }).update({ active: false })

  // A redirect is not followed: the POST is not replayed elsewhere.
  const rx = await receiver(t, () => 302)
  const redirected = await insertHook(db, { url: rx.url })
  await enqueue(db, change())
  t.equal(await dispatchDue(db.knex, opts()), 1)
  t.match((await deliveries(db, redirected))[0], { status: 'pending', attempts: 1, last_status: 302, last_error: 'HTTP 302' })
  t.equal(rx.received.length, 1)
  await db.knex('webhooks').where({ id: redirected }).update({ active: false })

  // Whatever an injected fetch throws is recorded.
  const odd = await insertHook(db)
  await enqueue(db, change())
  const thrown: [unknown, string][] = [
    [new Error('socket hang up'), 'Error: socket hang up'],
    ['not even an Error', 'not even an Error'],
    [new Error('x'.repeat(5000)), `Error: ${'x'.repeat(993)}`]
  ]
  for (const [err, recorded] of thrown) {
    time.advance(60_000)
    t.equal(await dispatchDue(db.knex, opts({ fetch: async () => Promise.reject(err) })), 1)
    t.match((await deliveries(db, odd))[0], { last_status: null, last_error: recorded })
  }
  t.match((await deliveries(db, odd))[0], { status: 'failed', attempts: 3 }, 'failed after maxAttempts')
})

t.test('a 2xx without a body is delivered; other 2xx too', async (t) => {
  const db = await webhookDb(t)
  const time = clock()
  const hook = await insertHook(db)
  await enqueue(db, change())
  await enqueue(db, change())
  const statuses = [204, 202]
  const calls: string[] = []
  const fetch204: typeof fetch = async (_url, init) => {
    calls.push(String((init!.headers as Record<string, string>)['x-zhunru-delivery']))
    const status = statuses.shift()!
    return new Response(status === 204 ? null : 'accepted', { status })
  }
  t.equal(await dispatchDue(db.knex, { now: time.now, fetch: fetch204, retryBaseMs: 10, maxAttempts: 3, timeoutMs: 1000, concurrency: 1 }), 2)
  const rows = await deliveries(db, hook)
  t.same(
    rows.map((r) => [r.status, r.last_status]),
    [
      ['delivered', 204],
      ['delivered', 202]
    ]
  )
  t.same(calls, rows.map((r) => r.id), 'oldest first')
})

t.test('one round takes at most 50 due deliveries, oldest first; deliveries of inactive webhooks are not sent', async (t) => {
  const db = await webhookDb(t)
  const time = clock()
  const live = await insertHook(db, { owner_sub: 'live', events: ['SUBMIT'] })
  const gone = await insertHook(db, { owner_sub: 'gone', events: ['DECIDE'] })
  await enqueue(db, change({ type: 'DECIDE' }))
  for (let i = 0; i < 55; i++) await enqueue(db, change({ version: i + 1 }))
  await db.knex('webhooks').where({ id: gone }).update({ active: false })

  const sent: number[] = []
  const ok: typeof fetch = async (_url, init) => {
    sent.push(JSON.parse(String(init!.body)).task.version)
    return new Response(null, { status: 200 })
  }
  const opts: DispatchOptions = { now: time.now, fetch: ok, retryBaseMs: 10, maxAttempts: 3, timeoutMs: 1000, concurrency: 10 }
  t.equal(await dispatchDue(db.knex, opts), 50)
  t.same([...sent].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1), 'the 50 oldest')
  t.equal(await dispatchDue(db.knex, opts), 5)
  t.equal(await dispatchDue(db.knex, opts), 0)
  t.equal((await deliveries(db, live)).filter((r) => r.status === 'delivered').length, 55)
  t.match((await deliveries(db, gone))[0], { status: 'pending', attempts: 0 }, 'an inactive webhook’s delivery is never sent')
})

t.test('concurrent dispatchers never send the same delivery twice', async (t) => {
  const db = await webhookDb(t)
  const rx = await receiver(t, () => 200, { delayMs: 20 })
  const hook = await insertHook(db, { url: rx.url })
  for (let i = 0; i < 8; i++) await enqueue(db, change())
  const time = clock()
  const opts: DispatchOptions = { now: time.now, retryBaseMs: 10, maxAttempts: 3, timeoutMs: 2000 }
  const counts = await Promise.all([dispatchDue(db.knex, opts), dispatchDue(db.knex, opts), dispatchDue(db.knex, opts)])
  t.equal(counts.reduce((a, b) => a + b, 0), 8, 'each delivery attempted by exactly one dispatcher')
  const ids = rx.received.map((r) => String(r.headers['x-zhunru-delivery']))
  t.equal(ids.length, 8)
  t.equal(new Set(ids).size, 8, 'no delivery received twice')
  t.ok((await deliveries(db, hook)).every((r) => r.status === 'delivered' && r.attempts === 1))
})

t.test('an attempt in flight holds its delivery: no other dispatcher sends it, and a late result does not overwrite a newer one', async (t) => {
  const db = await webhookDb(t)
  const hook = await insertHook(db)
  await enqueue(db, change())
  const time = clock()
  let release!: (r: Response) => void
  let inFlight!: () => void
  const started = new Promise<void>((r) => (inFlight = r))
  const slow: typeof fetch = () => {
    inFlight()
    return new Promise<Response>((r) => (release = r))
  }
  const opts = (f: typeof fetch): DispatchOptions => ({ now: time.now, fetch: f, retryBaseMs: 100, maxAttempts: 5, timeoutMs: 1000 })
  let secondSends = 0
  const counting: typeof fetch = async () => {
    secondSends++
    return new Response(null, { status: 200 })
  }

  const first = dispatchDue(db.knex, opts(slow))
  await started
  time.advance(200)
  t.equal(await dispatchDue(db.knex, opts(counting)), 0, 'past the backoff, but the attempt may still be in flight')
  time.advance(5_000)
  t.equal(await dispatchDue(db.knex, opts(counting)), 0, 'held until the timeout and a margin have passed')

  // Far beyond the lease (say the first process hung): another dispatcher may take it over ...
  time.advance(60_000)
  t.equal(await dispatchDue(db.knex, opts(counting)), 1)
  t.equal(secondSends, 1)
  // ... and the first one's late answer changes nothing.
  release(new Response(null, { status: 500 }))
  t.equal(await first, 1)
  t.match((await deliveries(db, hook))[0], { status: 'delivered', attempts: 2, last_status: 200, last_error: null })
})

// ---------------------------------------------------------------------------------------------
// The dispatcher loop

t.test('startDispatcher sends due deliveries in the background and stop waits for a round in flight', async (t) => {
  const db = await webhookDb(t)
  const rx = await receiver(t, () => 200)
  const hook = await insertHook(db, { url: rx.url })
  await enqueue(db, change({ at: new Date().toISOString() }))
  const errors: unknown[] = []
  const dispatcher = startDispatcher(db.knex, { now: () => new Date(), retryBaseMs: 10, maxAttempts: 3, timeoutMs: 1000, intervalMs: 5, onError: (e) => errors.push(e) })
  await until(t, 'the delivery', async () => (await deliveries(db, hook))[0]!.status === 'delivered')
  await enqueue(db, change({ at: new Date().toISOString() }))
  await until(t, 'a later delivery on a later round', async () => (await deliveries(db, hook)).every((r) => r.status === 'delivered'))
  await dispatcher.stop()
  t.equal(rx.received.length, 2)
  t.same(errors, [])

  // Stop during a round: it resolves only once the attempt is recorded, and no round follows.
  await enqueue(db, change({ at: new Date().toISOString() }))
  let release!: () => void
  let calls = 0
  const held: typeof fetch = () => {
    calls++
    return new Promise<Response>((r) => (release = () => r(new Response(null, { status: 200 }))))
  }
  const second = startDispatcher(db.knex, { now: () => new Date(), fetch: held, retryBaseMs: 10, maxAttempts: 3, timeoutMs: 5000, intervalMs: 5 })
  await until(t, 'the held attempt', async () => calls === 1)
  let stopped = false
  const stopping = second.stop().then(() => (stopped = true))
  await settle()
  t.notOk(stopped, 'stop waits for the round in flight')
  release()
  await stopping
  t.equal((await deliveries(db, hook)).filter((r) => r.status === 'delivered').length, 3, 'the round in flight was recorded')
  await new Promise((r) => setTimeout(r, 30))
  t.equal(calls, 1, 'no round after stop')
})

t.test('a failing round is reported, to onError or as a process warning, and the loop goes on', async (t) => {
  // A database without the webhook tables: every round fails.
  const broken = knexFactory({ client: 'sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true })
  t.teardown(() => broken.destroy())
  const opts = { now: () => new Date(), retryBaseMs: 10, maxAttempts: 3, timeoutMs: 100, intervalMs: 5 }

  const errors: unknown[] = []
  const reported = startDispatcher(broken, { ...opts, onError: (e) => errors.push(e) })
  await until(t, 'two failed rounds', async () => errors.length >= 2)
  await reported.stop()
  t.match(String(errors[0]), /no such table/)

  const warnings: Error[] = []
  const onWarning = (w: Error) => warnings.push(w)
  process.on('warning', onWarning)
  t.teardown(() => process.off('warning', onWarning))
  const warned = startDispatcher(broken, opts)
  await until(t, 'a warning', async () => warnings.some((w) => /webhook dispatch failed/.test(w.message)))
  await warned.stop()

  // Even a reporter that throws does not end the loop.
  let reports = 0
  const clumsy = startDispatcher(broken, {
    ...opts,
    onError: () => {
      reports++
      throw new Error('the logger is gone')
    }
  })
  await until(t, 'rounds after a throwing reporter', async () => reports >= 2)
  await clumsy.stop()
  t.ok(reports >= 2, 'the loop went on')
})

// ---------------------------------------------------------------------------------------------
// Routes

interface RouteHarness {
  app: App
  db: Database
  auth: (role: Role, org: string, sub?: string) => { authorization: string }
}

/** The real app (as test/helper.ts builds it) with the webhook routes registered before it is ready. */
async function webhookApp(t: Test, opts: { allowPrivateWebhooks?: boolean } = {}): Promise<RouteHarness> {
  const db = await webhookDb(t)
  await ensurePack(db.knex, DEFAULT_PACK, T0.toISOString())
  // Tokens are believed only for orgs of the tree: the demo city's.
  await seedDemoIfEmpty(db.knex, T0.toISOString())
  const app = await buildApp({ database: db, jwtSecret: TEST_SECRET, now: () => T0, ...opts })
  t.teardown(() => app.close())
  await app.ready()
  const token = (role: Role, org: string, sub = `${role}.${org}`) =>
    signToken({ sub, role, org }, TEST_SECRET, { nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 3600 })
  return { app, db, auth: (role, org, sub) => ({ authorization: `Bearer ${token(role, org, sub)}` }) }
}

const validHook = { url: 'https://receiver.example/zhunru', events: ['SUBMIT', 'DECIDE'], secret: HOOK_SECRET }

t.test('POST /v1/webhooks registers a webhook for any principal and never returns the secret', async (t) => {
  const { app, db, auth } = await webhookApp(t)
  const anonymous = await app.inject({ method: 'POST', url: '/v1/webhooks', payload: validHook })
  t.equal(anonymous.statusCode, 401)
  t.match(anonymous.headers['content-type'], /application\/problem\+json/)

  const res = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth('community', 'east-s1-c1', 'wang.fang'), payload: validHook })
  t.equal(res.statusCode, 201, res.body)
  const hook = res.json()
  t.match(hook.id, /^[0-9a-f-]{36}$/)
  t.same(hook, {
    id: hook.id,
    url: validHook.url,
    events: ['SUBMIT', 'DECIDE'],
    active: true,
    owner: { sub: 'wang.fang', role: 'community', org: 'east-s1-c1' },
    createdAt: T0.toISOString()
  })
  t.notOk(res.body.includes(HOOK_SECRET), 'the secret is not echoed')
  const row = await db.knex('webhooks').where({ id: hook.id }).first()
  t.equal(row.secret, HOOK_SECRET)
  t.equal(row.events, '["SUBMIT","DECIDE"]')

  const star = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth('admin', 'city'), payload: { ...validHook, url: 'http://203.0.113.5:8080/in', events: ['*'] } })
  t.equal(star.statusCode, 201, star.body)
})

t.test('a webhook may not point into the gate’s own network (SSRF), unless private networks are allowed', async (t) => {
  const { app, auth } = await webhookApp(t)
  const headers = auth('department', 'east-civil')
  for (const url of [
    'http://127.0.0.1:5432/',
    'http://localhost:3000/v1/tasks',
    'http://admin.localhost/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.1.2.3/',
    'http://192.168.1.1/',
    'http://[::1]:8080/',
    'http://[::ffff:127.0.0.1]/',
    'http://[fd00::5]/'
  ]) {
    const res = await app.inject({ method: 'POST', url: '/v1/webhooks', headers, payload: { ...validHook, url } })
    t.equal(res.statusCode, 400, url)
    t.equal(res.json().invalidParams[0].field, 'url')
    t.match(res.json().detail, /public addresses only/)
  }
  const { app: onSite, auth: onSiteAuth } = await webhookApp(t, { allowPrivateWebhooks: true })
  const local = await onSite.inject({ method: 'POST', url: '/v1/webhooks', headers: onSiteAuth('department', 'east-civil'), payload: { ...validHook, url: 'http://10.1.2.3/in' } })
  t.equal(local.statusCode, 201, 'allowed where receivers live on the same network')
})

t.test('before each delivery the receiver is resolved: a name that points at a private address is not called', async (t) => {
  const db = await webhookDb(t)
  const rx = await receiver(t, () => 204)
  const hookId = await insertHook(db, { url: rx.url })
  await db.knex.transaction((trx) => enqueueDeliveries(trx, [change()]))
  const opts: DispatchOptions = { now: () => T0, retryBaseMs: 1000, maxAttempts: 3, timeoutMs: 1000, destination: (url) => refusedDestination(url) }
  t.equal(await dispatchDue(db.knex, opts), 1)
  t.equal(rx.received.length, 0, 'the receiver on 127.0.0.1 was not called')
  const row = await db.knex('webhook_deliveries').where({ webhook_id: hookId }).first()
  t.equal(row.status, 'pending')
  t.equal(row.last_error, 'not sent: the receiver does not resolve to a public address', 'the owner is not told what the name resolves to')
})

t.test('POST /v1/webhooks refuses bad bodies, naming the field', async (t) => {
  const { app, auth } = await webhookApp(t)
  const headers = auth('department', 'east-civil')
  const cases: [string, Record<string, unknown>, string][] = [
    ['an ftp URL', { ...validHook, url: 'ftp://receiver.example/x' }, 'url'],
    ['not a URL', { ...validHook, url: 'receiver.example/x' }, 'url'],
    ['a URL over 2000 characters', { ...validHook, url: `https://receiver.example/${'a'.repeat(2000)}` }, 'url'],
    ['no events', { ...validHook, events: [] }, 'events'],
    ['a lower-case event', { ...validHook, events: ['submit'] }, 'events[0]'],
    ['an event with other characters', { ...validHook, events: ['SUBMIT', 'DE-CIDE'] }, 'events[1]'],
    ['a one-letter event', { ...validHook, events: ['S'] }, 'events[0]'],
    ['a repeated event', { ...validHook, events: ['SUBMIT', 'SUBMIT'] }, 'events'],
    ['events as a string', { ...validHook, events: 'SUBMIT' }, 'events'],
    ['a short secret', { ...validHook, secret: 'too-short' }, 'secret'],
    ['a long secret', { ...validHook, secret: 's'.repeat(201) }, 'secret'],
    ['no secret', { url: validHook.url, events: validHook.events }, 'secret'],
    ['an unknown field', { ...validHook, active: false }, 'active']
  ]
  for (const [what, payload, field] of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/webhooks', headers, payload })
    t.equal(res.statusCode, 400, what)
    t.equal(res.json().field, field, `${what}: names ${field}`)
  }
})

t.test('GET /v1/webhooks lists the caller’s own webhooks; an admin sees all', async (t) => {
  const { app, auth } = await webhookApp(t)
  const dept = auth('department', 'east-civil', 'zhao.lei')
  const community = auth('community', 'east-s1-c1', 'wang.fang')
  const a = (await app.inject({ method: 'POST', url: '/v1/webhooks', headers: dept, payload: validHook })).json()
  const b = (await app.inject({ method: 'POST', url: '/v1/webhooks', headers: community, payload: { ...validHook, events: ['*'] } })).json()

  const list = async (headers?: Record<string, string>) => app.inject({ method: 'GET', url: '/v1/webhooks', headers })
  t.equal((await list()).statusCode, 401)
  t.same((await list(dept)).json().items.map((h: { id: string }) => h.id), [a.id])
  t.same((await list(community)).json().items.map((h: { id: string }) => h.id), [b.id])
  t.same((await list(auth('department', 'east-civil', 'someone.else'))).json().items, [], 'owned by the principal, not its org')
  const all = (await list(auth('admin', 'city'))).json().items
  t.same(all.map((h: { id: string }) => h.id).sort(), [a.id, b.id].sort())
  t.notOk(JSON.stringify(all).includes(HOOK_SECRET))
})

t.test('GET /v1/webhooks/{id}/deliveries pages the owner’s delivery log, newest first', async (t) => {
  const { app, db, auth } = await webhookApp(t)
  const dept = auth('department', 'east-civil', 'zhao.lei')
  const hook = (await app.inject({ method: 'POST', url: '/v1/webhooks', headers: dept, payload: validHook })).json()
  for (let v = 1; v <= 3; v++) await enqueue(db, change({ version: v, type: 'SUBMIT' }))
  // Deliver the oldest one.
  const time = clock()
  let once = true
  const firstOnly: typeof fetch = async () => {
    const status = once ? 200 : 503
    once = false
    return new Response(null, { status })
  }
  await dispatchDue(db.knex, { now: time.now, fetch: firstOnly, retryBaseMs: 1000, maxAttempts: 3, timeoutMs: 1000, concurrency: 1 })

  const url = `/v1/webhooks/${hook.id}/deliveries`
  const page1 = await app.inject({ method: 'GET', url: `${url}?limit=2`, headers: dept })
  t.equal(page1.statusCode, 200, page1.body)
  const p1 = page1.json()
  t.same(p1.items.map((d: { taskVersion: number }) => d.taskVersion), [3, 2])
  t.type(p1.nextCursor, 'string')
  const [newest] = p1.items
  t.same(Object.keys(newest).sort(), ['attempts', 'createdAt', 'deliveredAt', 'event', 'id', 'lastError', 'lastStatus', 'nextAttemptAt', 'status', 'taskId', 'taskVersion'])
  t.match(newest, { event: 'SUBMIT', status: 'pending', attempts: 1, lastStatus: 503, lastError: 'HTTP 503', createdAt: T0.toISOString(), deliveredAt: null })
  t.equal(newest.nextAttemptAt, new Date(time.at().getTime() + 1000).toISOString())

  const page2 = (await app.inject({ method: 'GET', url: `${url}?limit=2&cursor=${p1.nextCursor}`, headers: dept })).json()
  t.equal(page2.items.length, 1)
  t.match(page2.items[0], { taskVersion: 1, status: 'delivered', attempts: 1, lastStatus: 200, lastError: null, nextAttemptAt: null, deliveredAt: time.at().toISOString() })
  t.equal(page2.nextCursor, null)

  const all = (await app.inject({ method: 'GET', url, headers: dept })).json()
  t.equal(all.items.length, 3, 'the default page holds them all')
  const delivered = (await app.inject({ method: 'GET', url: `${url}?status=delivered`, headers: dept })).json()
  t.same(delivered.items.map((d: { taskVersion: number }) => d.taskVersion), [1])

  t.equal((await app.inject({ method: 'GET', url: `${url}?cursor=bm9wZQ`, headers: dept })).statusCode, 400, 'a cursor not issued here')
  t.equal((await app.inject({ method: 'GET', url: `${url}?status=lost`, headers: dept })).statusCode, 400)
  t.equal((await app.inject({ method: 'GET', url })).statusCode, 401)
  const stranger = await app.inject({ method: 'GET', url, headers: auth('department', 'east-civil', 'someone.else') })
  t.equal(stranger.statusCode, 404, 'another principal’s webhook does not exist for you')
  t.equal(stranger.json().type, 'https://zhunru.example/problems/not-found')
  t.equal((await app.inject({ method: 'GET', url: `/v1/webhooks/${randomUUID()}/deliveries`, headers: dept })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url, headers: auth('admin', 'city') })).statusCode, 200, 'an admin may look')
})

t.test('DELETE /v1/webhooks/{id} deactivates the owner’s webhook and fails its pending deliveries', async (t) => {
  const { app, db, auth } = await webhookApp(t)
  const dept = auth('department', 'east-civil', 'zhao.lei')
  const hook = (await app.inject({ method: 'POST', url: '/v1/webhooks', headers: dept, payload: validHook })).json()
  await enqueue(db, change())
  const url = `/v1/webhooks/${hook.id}`

  t.equal((await app.inject({ method: 'DELETE', url })).statusCode, 401)
  t.equal((await app.inject({ method: 'DELETE', url, headers: auth('community', 'east-s1-c1') })).statusCode, 404, 'not yours')
  const res = await app.inject({ method: 'DELETE', url, headers: dept })
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')

  t.same((await app.inject({ method: 'GET', url: '/v1/webhooks', headers: dept })).json().items, [])
  t.equal((await app.inject({ method: 'GET', url: `${url}/deliveries`, headers: dept })).statusCode, 404)
  t.equal((await app.inject({ method: 'DELETE', url, headers: dept })).statusCode, 404, 'gone')
  const row = await db.knex('webhooks').where({ id: hook.id }).first()
  t.notOk(Boolean(row.active), 'kept, inactive')
  t.match((await deliveries(db, hook.id))[0], { status: 'failed', last_error: 'webhook deleted' })

  await enqueue(db, change())
  t.equal((await deliveries(db, hook.id)).length, 1, 'no new deliveries')
  t.equal(await dispatchDue(db.knex, { now: clock().now, fetch: async () => new Response(null, { status: 200 }), retryBaseMs: 1, maxAttempts: 1, timeoutMs: 100 }), 0)

  const adminHook = (await app.inject({ method: 'POST', url: '/v1/webhooks', headers: dept, payload: validHook })).json()
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/webhooks/${adminHook.id}`, headers: auth('admin', 'city') })).statusCode, 204, 'an admin may delete any')
})

t.test('the webhook routes are documented in a valid OpenAPI 3.1 document', async (t) => {
  const { app } = await webhookApp(t)
  const doc = JSON.parse(JSON.stringify(app.swagger()))
  await SwaggerParser.validate(structuredClone(doc))
  t.ok(doc.paths['/v1/webhooks'].post)
  t.ok(doc.paths['/v1/webhooks'].get)
  t.ok(doc.paths['/v1/webhooks/{id}'].delete)
  t.ok(doc.paths['/v1/webhooks/{id}/deliveries'].get)
  for (const op of [doc.paths['/v1/webhooks'].post, doc.paths['/v1/webhooks'].get, doc.paths['/v1/webhooks/{id}'].delete, doc.paths['/v1/webhooks/{id}/deliveries'].get]) {
    t.same(op.tags, ['webhooks'])
    t.same(op.security, [{ bearer: [] }])
    t.type(op.summary, 'string')
  }
  const created = doc.paths['/v1/webhooks'].post.responses['201'].content['application/json'].schema
  t.notOk('secret' in created.properties, 'the response schema has no secret')
  t.ok(doc.paths['/v1/webhooks'].post.responses['400'])
})

// ---------------------------------------------------------------------------------------------
// The migration

t.test('the migration goes down and up again', async (t) => {
  const db = await webhookDb(t)
  await webhooksMigration.down(db.knex)
  t.notOk(await db.knex.schema.hasTable('webhook_deliveries'))
  t.notOk(await db.knex.schema.hasTable('webhooks'))
  await webhooksMigration.up(db.knex)
  t.ok(await db.knex.schema.hasTable('webhook_deliveries'))
})

t.test('end to end: a subscriber hears of a transition made through the API, signed, after a receiver outage', async (t) => {
  // The receiver runs on 127.0.0.1, as one on the gate's own network would.
  const h = await build(t, { allowPrivateWebhooks: true })
  const rx = await receiver(t, (n) => (n <= 2 ? 503 : 204))
  const office = h.auth('office', 'east')
  const hook = await h.app.inject({ method: 'POST', url: '/v1/webhooks', headers: office, payload: { url: rx.url, events: ['SUBMIT', 'PUT_ON_AGENDA'], secret: HOOK_SECRET } })
  t.equal(hook.statusCode, 201, hook.body)
  const task = (
    await h.app.inject({
      method: 'POST',
      url: '/v1/tasks',
      headers: h.auth('department', 'east-civil'),
      payload: {
        title: '协助开展社区养老服务需求调查',
        targetLevel: 'community',
        targets: ['east-s1-c1'],
        kind: 'service',
        legalBasis: [{ title: '《老年人权益保障法》' }],
        funding: { perTarget: 5000, source: '区财政', committed: true },
        period: { start: '2027-04-01', end: '2027-06-30' },
        workloadHours: 40,
        submit: true
      }
    })
  ).json()
  await h.app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/events`, headers: office, payload: { type: 'PUT_ON_AGENDA' } })
  // A task of another district is none of this office's business: no delivery.
  await h.app.inject({
    method: 'POST',
    url: '/v1/tasks',
    headers: h.auth('department', 'west-civil'),
    payload: { title: '协助开展社区助餐需求调查', targetLevel: 'community', targets: ['west-s1-c1'], kind: 'service', legalBasis: [{ title: 'x' }], funding: { perTarget: 5000, source: '区财政', committed: true }, period: { start: '2027-04-01', end: '2027-06-30' }, workloadHours: 4, submit: true }
  })

  let now = TEST_NOW.getTime()
  const opts: DispatchOptions = { now: () => new Date(now), retryBaseMs: 1000, maxAttempts: 5, timeoutMs: 2000 }
  for (let round = 0; round < 6; round++) {
    await dispatchDue(h.db.knex, opts)
    now += 5000
  }
  const delivered = rx.received.filter((_, i) => rx.answered[i] === 204).map((r) => JSON.parse(r.body.toString('utf8')))
  t.same(delivered.map((d) => [d.event, d.task.id, d.task.to]).sort(), [
    ['PUT_ON_AGENDA', task.id, 'escalated.leading_group'],
    ['SUBMIT', task.id, 'escalated.office_review']
  ], 'each subscribed transition arrives once, nothing lost')
  for (const r of rx.received) t.ok(verifies(HOOK_SECRET, r.body, r.headers['x-zhunru-signature']))
  const log = (await h.app.inject({ method: 'GET', url: `/v1/webhooks/${hook.json().id}/deliveries`, headers: office })).json().items
  t.same(log.map((d: { status: string }) => d.status), ['delivered', 'delivered'])
})
