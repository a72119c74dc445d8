import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { fromJson } from './db.js'
import type { CommitHooks } from './group-commit.js'
import type { StateChange } from './store.js'

/**
 * The transactional outbox: in the transaction that writes a transition, one pending
 * delivery per subscribed webhook whose owner may read the instance, so a delivery row
 * exists exactly when the transition does. The webhooks capability sends them later.
 */

/** The JSON document POSTed to a webhook; its bytes are stored and re-sent unchanged on every attempt. */
export interface DeliveryBody {
  id: string
  event: string
  machine: string
  instance: { id: string; version: number; from: string | null; to: string; state: string }
  /** The same as `instance`, for admission tasks: the name receivers written before other workflows read. */
  task?: { id: string; version: number; from: string | null; to: string; state: string }
  at: string
}

export interface SubscriberRow {
  id: string
  events: string
  owner_role: string
  owner_org: string
  owner_administers_all: boolean | number
}

/** Whether a webhook's owner may read the instance after the change: the audience the workflow named. */
export function ownerSees(owner: { role: string; org: string; administersAll?: boolean }, change: StateChange): boolean {
  const a = change.audience
  if (a.public || (owner.role === 'admin' && owner.administersAll === true)) return true
  switch (owner.role) {
    case 'admin':
      // A district's admin hears what its district's office and group hear.
      return a.offices.includes(owner.org) || a.groups.includes(owner.org)
    case 'department':
      return a.departments.includes(owner.org)
    case 'office':
      return a.offices.includes(owner.org)
    case 'leading_group':
      return a.groups.includes(owner.org)
    default:
      return a.communities.includes(owner.org)
  }
}

/** The active webhooks and the policy pack head in one query: each statement costs a group commit a round trip. */
export async function subscribersAndPackHead(trx: Knex.Transaction): Promise<{ head: number; subscribers: SubscriberRow[] }> {
  const rows = (await trx
    .select('p.head', 'w.id', 'w.events', 'w.owner_role', 'w.owner_org', 'w.owner_administers_all')
    .from(trx('policy_packs').max({ head: 'seq' }).as('p'))
    .leftJoin('webhooks as w', (on) => on.on('w.active', '=', trx.raw('?', [true])))) as Array<SubscriberRow & { head: number | string; id: string | null }>
  return { head: Number(rows[0]!.head), subscribers: rows.filter((r) => r.id !== null) }
}

/** Pending deliveries for changes committed together; the subscribers are read once when not given. */
export async function enqueueDeliveries(trx: Knex.Transaction, changes: readonly StateChange[], active?: readonly SubscriberRow[]): Promise<void> {
  const hooks = active ?? ((await trx('webhooks').where({ active: true }).select('id', 'events', 'owner_role', 'owner_org', 'owner_administers_all')) as SubscriberRow[])
  const rows = []
  for (const hook of hooks) {
    const events = fromJson<string[]>(hook.events)
    for (const change of changes) {
      if (!events.includes('*') && !events.includes(change.type)) continue
      // SQLite hands a boolean back as 0 or 1.
      if (!ownerSees({ role: hook.owner_role, org: hook.owner_org, administersAll: Boolean(hook.owner_administers_all) }, change)) continue
      rows.push(deliveryRow(hook.id, change))
    }
  }
  // Chunked: many subscribers must not exceed one statement's parameter limit.
  for (let i = 0; i < rows.length; i += 50) await trx('webhook_deliveries').insert(rows.slice(i, i + 50))
}

/** The outbox as the group commit calls it. */
export const outboxHooks: CommitHooks<SubscriberRow[]> = {
  inspect: subscribersAndPackHead,
  enqueue: enqueueDeliveries
}

function deliveryRow(webhookId: string, change: StateChange) {
  const id = randomUUID()
  const instance = { id: change.instanceId, version: change.version, from: change.from, to: change.to, state: change.state }
  const body: DeliveryBody = { id, event: change.type, machine: change.machine, instance, ...(change.machine === 'admission' ? { task: instance } : {}), at: change.at }
  return {
    id,
    webhook_id: webhookId,
    machine: change.machine,
    event_type: change.type,
    task_id: change.instanceId,
    task_version: change.version,
    body: JSON.stringify(body),
    status: 'pending',
    attempts: 0,
    // Due at once: the dispatcher's clock is past the transition by the time it looks.
    next_attempt_at: change.at,
    last_status: null,
    last_error: null,
    created_at: change.at,
    delivered_at: null
  }
}
