import type { Knex } from 'knex'
import { toJson } from './db.js'

/** Who sent an event: a principal, or the engine itself when a date moved the instance. */
export interface Actor {
  sub: string
  role: string
  org: string | null
}

/**
 * Where one workflow's instances and their history live. Every instances table has the
 * engine's columns (seq, id, version, snapshot, machine_version, created_at, updated_at)
 * and the workflow's projections beside them; every events table has the engine's
 * event columns (type, from_state, to_state, actor_*, payload, created_at) and, named
 * here, the columns pointing at the instance and the version the event produced.
 */
export interface InstanceTables {
  instances: string
  events: string
  eventInstance: string
  eventVersion: string
}

/** The tables a workflow gets when it brings none of its own: an integrator's machine needs no migration. */
export const GENERIC_TABLES: InstanceTables = {
  instances: 'workflow_instances',
  events: 'workflow_events',
  eventInstance: 'instance_seq',
  eventVersion: 'instance_version'
}

/** One event of an instance's history, as the engine appends it. */
export interface EventRecord {
  type: string
  /** Position labels; from is null for the event that created the instance. */
  from: string | null
  to: string
  actor: Actor
  payload: object
  at: string
  /** The workflow's own event columns (a screening's findings and policy version). */
  columns?: Record<string, unknown>
}

export function eventRow(tables: InstanceTables, instanceSeq: number, version: number, e: EventRecord): Record<string, unknown> {
  return {
    [tables.eventInstance]: instanceSeq,
    [tables.eventVersion]: version,
    type: e.type,
    from_state: e.from,
    to_state: e.to,
    actor_sub: e.actor.sub,
    actor_role: e.actor.role,
    actor_org: e.actor.org,
    payload: toJson(e.payload),
    created_at: e.at,
    ...e.columns
  }
}

/** Who may learn that an instance changed: webhook owners are told only of what they may read. */
export interface Audience {
  /** Everybody may read it (an admitted task). */
  public: boolean
  departments: readonly string[]
  /** Cities or districts whose office may read it. */
  offices: readonly string[]
  /** Cities or districts whose leading-group members may read it (they also sit for departments). */
  groups: readonly string[]
  communities: readonly string[]
}

/** One committed transition, as the outbox hands it on. */
export interface StateChange {
  machine: string
  instanceId: string
  /** The version this transition produced. */
  version: number
  /** The event type: CREATE, SUBMIT, INVESTIGATE, … */
  type: string
  from: string | null
  to: string
  /** The instance's top-level state after the transition ("admitted", "escalated", …). */
  state: string
  at: string
  audience: Audience
}

export interface HistoryPage<Row> {
  items: Row[]
  nextSeq: number | null
}

/** An instance's history, oldest first, keyset-paginated on the event seq. */
export async function history<Row>(db: Knex, tables: InstanceTables, instanceSeq: number, limit: number, afterSeq: number | null): Promise<HistoryPage<Row>> {
  const q = db(tables.events).where(tables.eventInstance, instanceSeq)
  if (afterSeq !== null) q.where('seq', '>', afterSeq)
  const rows = (await q.orderBy('seq', 'asc').limit(limit + 1)) as Array<Row & { seq: number | string }>
  const items = rows.slice(0, limit)
  return { items, nextSeq: rows.length > limit ? Number(items[items.length - 1]!.seq) : null }
}
