import type { Knex } from 'knex'
import { isPublicDeliberation, type DeliberationState, type Origin, type StoredDeliberationSnapshot, type Track } from '../../machines/deliberation.js'
import { addCalendarDays } from '../clock.js'
import { fromJson, toJson } from '../engine/db.js'
import { dueRows, type DueDate } from '../engine/due.js'
import type { IdempotencyClaim, PlannedCreate, PlannedStep, RelatedRows, Row } from '../engine/group-commit.js'
import type { Actor, Audience, InstanceTables } from '../engine/store.js'
import type { Place } from './access.js'

export interface DeliberationRecord {
  seq: number
  id: string
  place: Place
  origin: Origin
  proposer: string | null
  title: string
  text: string
  track: Track | null
  state: DeliberationState
  version: number
  snapshot: StoredDeliberationSnapshot
  publishedOn: string | null
  createdAt: string
  updatedAt: string
}

interface DbRow {
  seq: number
  id: string
  community_id: string
  street_id: string
  jurisdiction_id: string
  city_id: string
  origin: Origin
  proposer: string | null
  title: string
  text: string
  track: Track | null
  state: DeliberationState
  version: number
  snapshot: unknown
  published_on: string | null
  created_at: string
  updated_at: string
}

export interface DbDeliberationEventRow {
  seq: number
  deliberation_seq: number
  deliberation_version: number
  type: string
  from_state: string | null
  to_state: string
  actor_sub: string
  actor_role: string
  actor_org: string | null
  payload: unknown
  created_at: string
}

const fromRow = (r: DbRow): DeliberationRecord => ({
  seq: Number(r.seq),
  id: r.id,
  place: { community: r.community_id, street: r.street_id, jurisdiction: r.jurisdiction_id, city: r.city_id },
  origin: r.origin,
  proposer: r.proposer,
  title: r.title,
  text: r.text,
  track: r.track,
  state: r.state,
  version: r.version,
  snapshot: fromJson<StoredDeliberationSnapshot>(r.snapshot),
  publishedOn: r.published_on,
  createdAt: r.created_at,
  updatedAt: r.updated_at
})

export const DELIBERATION_TABLES: InstanceTables = {
  instances: 'deliberations',
  events: 'deliberation_events',
  eventInstance: 'deliberation_seq',
  eventVersion: 'deliberation_version'
}

export const deliberationOf = (row: Row): DeliberationRecord => fromRow(row as unknown as DbRow)

/**
 * The community (its council and staff), its street and the office of its district or city hear
 * of every change; everybody once the result is public. The street is listed with the community:
 * the outbox matches a street's, a community's and a council's webhooks against that list.
 */
const audienceOf = (place: Place, state: DeliberationState): Audience => ({
  public: isPublicDeliberation(state),
  departments: [],
  offices: [place.jurisdiction],
  groups: [],
  communities: [place.community, place.street]
})

/** The dates an item waits for in a state: the end of a publicity period, swept the day after its last day. */
function dueOf(state: DeliberationState, snapshot: StoredDeliberationSnapshot): DueDate[] {
  const until = snapshot.context.publicityUntil
  return state === 'published' || state === 'result_published' ? [{ kind: 'publicity_end', dueOn: addCalendarDays(until!, 1) }] : []
}

export interface NewDeliberation {
  id: string
  place: Place
  origin: Origin
  proposer: string | null
  title: string
  text: string
  snapshot: StoredDeliberationSnapshot
  state: DeliberationState
  actor: Actor
  now: string
}

export function planDeliberation(d: NewDeliberation, claim: IdempotencyClaim | null): PlannedCreate {
  return {
    kind: 'create',
    tables: DELIBERATION_TABLES,
    id: d.id,
    row: {
      id: d.id,
      community_id: d.place.community,
      street_id: d.place.street,
      jurisdiction_id: d.place.jurisdiction,
      city_id: d.place.city,
      origin: d.origin,
      proposer: d.proposer,
      title: d.title,
      text: d.text,
      track: null,
      state: d.state,
      version: 1,
      snapshot: toJson(d.snapshot),
      machine_version: d.snapshot.machineVersion,
      published_on: null,
      created_at: d.now,
      updated_at: d.now
    },
    events: [{ type: 'PROPOSE', from: null, to: d.state, actor: d.actor, payload: { origin: d.origin }, at: d.now }],
    changes: [{ machine: 'deliberation', instanceId: d.id, version: 1, type: 'PROPOSE', from: null, to: d.state, state: d.state, at: d.now, audience: audienceOf(d.place, d.state) }],
    claim,
    resource: `deliberations/${d.id}`,
    basis: null
  }
}

export interface DeliberationTransition {
  type: string
  next: StoredDeliberationSnapshot
  state: DeliberationState
  payload: object
  actor: Actor
  now: string
}

/** A transition for the engine to write with a compare-and-set on the version read; due dates change with the state. */
/** `extra`: rows of other tables that commit with the step (a resolution's request to withdraw a task). */
export function planDeliberationStep(from: DeliberationRecord, t: DeliberationTransition, claim: IdempotencyClaim | null, extra: readonly RelatedRows[] = []): PlannedStep {
  const moved = t.state !== from.state
  return {
    kind: 'step',
    tables: DELIBERATION_TABLES,
    from: { seq: from.seq, id: from.id, version: from.version },
    columns: {
      state: t.state,
      track: t.next.context.track,
      snapshot: toJson(t.next),
      machine_version: t.next.machineVersion,
      published_on: t.next.context.publishedOn,
      updated_at: t.now
    },
    related: [...(moved ? [dueRows('deliberation', dueOf(t.state, t.next), true)] : []), ...extra],
    event: { type: t.type, from: from.state, to: t.state, actor: t.actor, payload: t.payload, at: t.now },
    change: { machine: 'deliberation', instanceId: from.id, version: from.version + 1, type: t.type, from: from.state, to: t.state, state: t.state, at: t.now, audience: audienceOf(from.place, t.state) },
    claim,
    resource: `deliberations/${from.id}`,
    basis: null
  }
}

export async function findDeliberation(db: Knex, id: string): Promise<DeliberationRecord | null> {
  const row = (await db('deliberations').where({ id }).first()) as DbRow | undefined
  return row === undefined ? null : fromRow(row)
}

export async function findDeliberationBySeq(db: Knex, seq: number): Promise<DeliberationRecord | null> {
  const row = (await db('deliberations').where({ seq }).first()) as DbRow | undefined
  return row === undefined ? null : fromRow(row)
}

export interface DeliberationFilter {
  state?: DeliberationState
  track?: Track
  community?: string
  /** A street, district or city: items of the communities in it. */
  area?: string
  /** Only these states (the register's). */
  states?: readonly DeliberationState[]
  scope: { kind: 'all' } | { kind: 'community' | 'street' | 'jurisdiction'; orgUnit: string } | { kind: 'public' }
}

/** Newest first, keyset-paginated on seq. */
export async function listDeliberations(db: Knex, f: DeliberationFilter, limit: number, beforeSeq: number | null): Promise<{ items: DeliberationRecord[]; nextSeq: number | null }> {
  const q = db('deliberations')
  if (f.state) q.where('state', f.state)
  if (f.track) q.where('track', f.track)
  if (f.community) q.where('community_id', f.community)
  if (f.area) {
    const a = f.area
    q.where((w) => w.where('street_id', a).orWhere('jurisdiction_id', a).orWhere('city_id', a).orWhere('community_id', a))
  }
  if (f.states) q.whereIn('state', [...f.states])
  const s = f.scope
  if (s.kind === 'community') q.where('community_id', s.orgUnit)
  if (s.kind === 'street') q.where('street_id', s.orgUnit)
  if (s.kind === 'jurisdiction') q.where((w) => w.where('jurisdiction_id', s.orgUnit).orWhere('city_id', s.orgUnit))
  if (beforeSeq !== null) q.where('seq', '<', beforeSeq)
  const rows = (await q.orderBy('seq', 'desc').limit(limit + 1)) as DbRow[]
  const items = rows.slice(0, limit).map(fromRow)
  return { items, nextSeq: rows.length > limit ? items.at(-1)!.seq : null }
}

/** For the register's ETag: how many items it could list and the last change among them. */
export async function registerFingerprint(db: Knex, states: readonly string[]): Promise<{ n: number; last: string | null }> {
  const [row] = (await db('deliberations').whereIn('state', [...states]).select(db.raw('count(*) as n'), db.raw('max(updated_at) as last'))) as Array<{ n: number | string; last: string | null }>
  return { n: Number(row!.n), last: row!.last }
}
