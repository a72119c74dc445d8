import { createHmac } from 'node:crypto'
import type { Knex } from 'knex'

/**
 * Outgoing webhooks: the engine writes a pending delivery in the transaction of each
 * transition (src/engine/outbox.ts); dispatchDue later sends the rows that are due, signed,
 * and retries failures with exponential backoff. Delivery is at least once: a receiver
 * de-duplicates on the x-zhunru-delivery header (the body's "id").
 */

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

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
