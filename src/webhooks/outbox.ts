import { isPublicState } from '../../machines/admission.js'
import { createHmac, randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { fromJson } from '../store/db.js'

/**
 * Outgoing webhooks as a transactional outbox. The engine calls enqueueDeliveries inside
 * the transaction that writes a task transition, so a delivery row exists exactly when
 * the transition does; dispatchDue later sends the rows that are due, signed, and
 * retries failures with exponential backoff. Delivery is at least once: a receiver
 * de-duplicates on the x-zhunru-delivery header (the body's "id").
 */

/** One committed task transition, as the engine hands it over. */
export interface StateChange {
  taskId: string
  /** The task version this transition produced. */
  version: number
  /** The event type: CREATE, SUBMIT, DECIDE, … */
  type: string
  /** Position labels ("draft", "escalated.office_review", …); from is null for CREATE. */
  from: string | null
  to: string
  /** ISO-8601 time of the transition. */
  at: string
  departmentId: string
  jurisdictionId: string
  /** The task's top-level state after the transition ("admitted", "escalated", …). */
  state: string
  targets: string[]
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

/** The JSON document POSTed to a webhook; its bytes are stored and re-sent unchanged on every attempt. */
export interface DeliveryBody {
  id: string
  event: string
  task: { id: string; version: number; from: string | null; to: string; state: string }
  at: string
}

export interface WebhookOwner {
  role: string
  org: string
}

/**
 * Whether a webhook's owner may see the task after the change: the rule of canSee in
 * src/tasks/service.ts, applied to the owner recorded when the webhook was registered.
 */
export function ownerSees(owner: WebhookOwner, change: StateChange): boolean {
  if (isPublicState(change.state)) return true
  switch (owner.role) {
    case 'admin':
      return true
    case 'department':
      return change.departmentId === owner.org
    case 'office':
    case 'leading_group':
      return change.jurisdictionId === owner.org
    // A community reads only what was admitted for it (see canSee): drafts and rejections are the department's.
    default:
      return false
  }
}

/**
 * The active webhooks and the policy pack head in one query: a group commit needs both
 * at the end of every transaction, and each statement costs it a round trip.
 */
export async function hooksAndPackHead(trx: Knex.Transaction): Promise<{ hooks: WebhookMatchRow[]; packHead: number }> {
  const rows = (await trx
    .select('p.head', 'w.id', 'w.events', 'w.owner_role', 'w.owner_org')
    .from(trx('policy_packs').max({ head: 'seq' }).as('p'))
    .leftJoin('webhooks as w', (on) => on.on('w.active', '=', trx.raw('?', [true])))) as Array<WebhookMatchRow & { head: number | string; id: string | null }>
  return { packHead: Number(rows[0]!.head), hooks: rows.filter((r) => r.id !== null) }
}

export interface WebhookMatchRow {
  id: string
  events: string
  owner_role: string
  owner_org: string
}

/** Adds one pending delivery per active webhook that subscribes to the change and whose owner may see the task. */
export const enqueueDeliveries = (trx: Knex.Transaction, change: StateChange): Promise<void> => enqueueAll(trx, [change])

/** The same for many changes committed together: the subscribers are read once. */
export async function enqueueAll(trx: Knex.Transaction, changes: readonly StateChange[], active?: readonly WebhookMatchRow[]): Promise<void> {
  const hooks = active ?? ((await trx('webhooks').where({ active: true }).select('id', 'events', 'owner_role', 'owner_org')) as WebhookMatchRow[])
  const rows = []
  for (const hook of hooks) {
    const events = fromJson<string[]>(hook.events)
    for (const change of changes) {
      if (!events.includes('*') && !events.includes(change.type)) continue
      if (!ownerSees({ role: hook.owner_role, org: hook.owner_org }, change)) continue
      rows.push(deliveryRow(hook.id, change))
    }
  }
  // Chunked, like task targets: many subscribers must not exceed one statement's parameter limit.
  for (let i = 0; i < rows.length; i += 50) await trx('webhook_deliveries').insert(rows.slice(i, i + 50))
}

function deliveryRow(webhookId: string, change: StateChange) {
  const id = randomUUID()
  const body: DeliveryBody = {
    id,
    event: change.type,
    task: { id: change.taskId, version: change.version, from: change.from, to: change.to, state: change.state },
    at: change.at
  }
  return {
    id,
    webhook_id: webhookId,
    event_type: change.type,
    task_id: change.taskId,
    task_version: change.version,
    body: JSON.stringify(body),
    status: 'pending' satisfies DeliveryStatus,
    attempts: 0,
    // Due at once: the dispatcher's clock is past the transition by the time it looks.
    next_attempt_at: change.at,
    last_status: null,
    last_error: null,
    created_at: change.at,
    delivered_at: null
  }
}

/** The x-zhunru-signature header: HMAC-SHA256 of the exact body bytes with the webhook's secret. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`
}

export interface DispatchOptions {
  now: () => Date
  fetch?: typeof fetch
  /** The wait after the first failure; it doubles after each further one. */
  retryBaseMs: number
  /** The longest wait between two attempts. */
  maxBackoffMs?: number
  /** After this many failed attempts a delivery is 'failed' and no longer retried. */
  maxAttempts: number
  /** An attempt that has no response headers within this time fails. */
  timeoutMs: number
  /** Deliveries sent at the same time by one round; 4 unless given. */
  concurrency?: number
  /** Why a receiver must not be called (see destination.ts), or null; every receiver is called unless given. */
  destination?: (url: string) => Promise<string | null>
}

/** Rows one round picks up; the rest wait for the next round. */
export const DISPATCH_BATCH = 50

/**
 * A claimed attempt keeps its delivery out of every dispatcher's due set for at least
 * this long after its timeout, so that nobody else sends it while it may be in flight.
 */
const LEASE_MARGIN_MS = 5000

const ERROR_MAX = 1000

interface DueRow {
  id: string
  attempts: number
  body: string
  event_type: string
  url: string
  secret: string
}

type Outcome = { ok: boolean; status: number | null; error: string | null }

const iso = (ms: number) => new Date(ms).toISOString()

/** Sends the due pending deliveries, oldest first, and returns how many it attempted. Never throws for a receiver's failure. */
export async function dispatchDue(db: Knex, opts: DispatchOptions): Promise<number> {
  const due = (await db('webhook_deliveries as d')
    .join('webhooks as w', 'w.id', 'd.webhook_id')
    .where('d.status', 'pending')
    .where('d.next_attempt_at', '<=', opts.now().toISOString())
    .where('w.active', true)
    .orderBy('d.seq', 'asc')
    .limit(DISPATCH_BATCH)
    .select('d.id', 'd.attempts', 'd.body', 'd.event_type', 'w.url', 'w.secret')) as DueRow[]
  let attempted = 0
  const queue = due.slice()
  const worker = async () => {
    while (queue.length > 0) {
      if (await attempt(db, queue.shift()!, opts)) attempted++
    }
  }
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, due.length) }, worker))
  return attempted
}

async function attempt(db: Knex, row: DueRow, opts: DispatchOptions): Promise<boolean> {
  const attempts = row.attempts + 1
  // Doubling, up to a ceiling: a receiver down for a day is retried hourly, not once a week.
  const backoffMs = Math.min(opts.retryBaseMs * 2 ** (attempts - 1), opts.maxBackoffMs ?? Number.POSITIVE_INFINITY)
  const claimedAt = opts.now().getTime()
  // Compare-and-set on the attempt count this dispatcher saw: of two dispatchers that read
  // the same row, one moves it on and the other updates nothing and skips it.
  const claimed = await db('webhook_deliveries')
    .where({ id: row.id, status: 'pending', attempts: row.attempts })
    .update({ attempts, next_attempt_at: iso(claimedAt + Math.max(backoffMs, opts.timeoutMs + LEASE_MARGIN_MS)) })
  if (claimed === 0) return false

  const outcome = await send(row, opts)
  const doneAt = opts.now().getTime()
  // Written only if nobody has claimed the row since (which a lease long outlived could allow).
  const mine = db('webhook_deliveries').where({ id: row.id, status: 'pending', attempts })
  if (outcome.ok) {
    await mine.update({ status: 'delivered', delivered_at: iso(doneAt), last_status: outcome.status, last_error: null })
  } else {
    await mine.update({
      status: attempts >= opts.maxAttempts ? 'failed' : 'pending',
      next_attempt_at: iso(doneAt + backoffMs),
      last_status: outcome.status,
      last_error: outcome.error
    })
  }
  return true
}

async function send(row: DueRow, opts: DispatchOptions): Promise<Outcome> {
  const post = opts.fetch ?? fetch
  // The reason is not stored: what an internal name resolves to is not the webhook owner's to learn.
  const refused = opts.destination === undefined ? null : await opts.destination(row.url)
  if (refused !== null) return { ok: false, status: null, error: 'not sent: the receiver does not resolve to a public address' }
  try {
    const res = await post(row.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-zhunru-signature': signature(row.secret, row.body),
        'x-zhunru-delivery': row.id,
        'x-zhunru-event': row.event_type
      },
      body: row.body,
      // A redirect is not a delivery: the POST is never replayed to another address.
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs)
    })
    // Only the status counts; the response body is discarded so the connection is freed.
    await res.body?.cancel()
    const ok = res.status >= 200 && res.status < 300
    return { ok, status: res.status, error: ok ? null : `HTTP ${res.status}` }
  } catch (err) {
    return { ok: false, status: null, error: describeError(err, opts.timeoutMs) }
  }
}

function describeError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && err.name === 'TimeoutError') return `no response within ${timeoutMs} ms`
  // fetch reports network errors as "TypeError: fetch failed" with the reason as its cause.
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : ''
  return `${String(err)}${cause}`.slice(0, ERROR_MAX)
}

export interface DispatcherOptions extends DispatchOptions {
  /** Pause between the end of one round and the start of the next. */
  intervalMs: number
  /** Called when a round fails (the database, not a receiver); a process warning unless given. */
  onError?: (err: unknown) => void
}

export interface Dispatcher {
  /** Stops the timer and resolves once a round in flight has finished. */
  stop(): Promise<void>
}

/** Runs dispatchDue in a loop: one round at once, then one every intervalMs after the previous ended. */
export function startDispatcher(db: Knex, opts: DispatcherOptions): Dispatcher {
  const onError = opts.onError ?? ((err: unknown) => process.emitWarning(`webhook dispatch failed: ${String(err)}`))
  let stopped = false
  let timer: NodeJS.Timeout | null = null
  let round: Promise<void> = Promise.resolve()
  const schedule = (ms: number) => {
    timer = setTimeout(tick, ms)
    // The dispatcher never keeps a process alive on its own.
    timer.unref()
  }
  const tick = () => {
    timer = null
    round = dispatchDue(db, opts).then(
      () => undefined,
      (err: unknown) => {
        try {
          onError(err)
        } catch {
          // A reporter that throws must not end the loop.
        }
      }
    )
    void round.then(() => {
      if (!stopped) schedule(opts.intervalMs)
    })
  }
  schedule(0)
  return {
    async stop() {
      stopped = true
      if (timer !== null) clearTimeout(timer)
      await round
    }
  }
}
