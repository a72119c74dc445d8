import type { Knex } from 'knex'
import type { EvaluationState, RaterRole, StoredEvaluationSnapshot } from '../../machines/evaluation.js'
import { dueRows } from '../engine/due.js'
import { fromJson, toJson } from '../engine/db.js'
import type { IdempotencyClaim, PlannedCreate, PlannedStep, RelatedRows, Row } from '../engine/group-commit.js'
import type { Actor, Audience, InstanceTables } from '../engine/store.js'
import type { PolicyRef } from '../policy/types.js'
import type { EvaluationParameters } from '../policy/types.js'
import type { EvaluationResult } from './result.js'

export const MACHINE = 'evaluation'

/** Where rounds and their history live, for the engine. */
export const EVALUATION_TABLES: InstanceTables = {
  instances: 'evaluation_rounds',
  events: 'evaluation_round_events',
  eventInstance: 'round_seq',
  eventVersion: 'round_version'
}

export const RATINGS_TABLE = 'evaluation_ratings'

/** The due date a started round waits for: the day after its deadline, the sweeper closes it. */
export const DEADLINE_DUE = 'rating_deadline'

export interface RoundRecord {
  seq: number
  id: string
  areaId: string
  period: string
  state: EvaluationState
  version: number
  snapshot: StoredEvaluationSnapshot
  departments: string[]
  deadline: string | null
  parameters: EvaluationParameters
  policy: PolicyRef
  result: EvaluationResult | null
  publishedAt: string | null
  createdBy: string
  createdAt: string
  updatedAt: string
}

interface DbRoundRow {
  seq: number
  id: string
  area_id: string
  period: string
  state: EvaluationState
  version: number
  snapshot: string
  machine_version: number
  departments: string
  deadline: string | null
  parameters: string
  policy: string
  result: string | null
  published_at: string | null
  created_by: string
  created_at: string
  updated_at: string
}

export interface DbRoundEventRow {
  seq: number
  round_seq: number
  round_version: number
  type: string
  from_state: string | null
  to_state: string
  actor_sub: string
  actor_role: string
  actor_org: string | null
  payload: string
  created_at: string
}

function fromRow(row: DbRoundRow): RoundRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    areaId: row.area_id,
    period: row.period,
    state: row.state,
    version: row.version,
    snapshot: fromJson<StoredEvaluationSnapshot>(row.snapshot),
    departments: fromJson<string[]>(row.departments),
    deadline: row.deadline,
    parameters: fromJson<EvaluationParameters>(row.parameters),
    policy: fromJson<PolicyRef>(row.policy),
    result: row.result === null ? null : fromJson<EvaluationResult>(row.result),
    publishedAt: row.published_at,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

export const roundOf = (row: Row): RoundRecord => fromRow(row as unknown as DbRoundRow)

/**
 * The office of the area hears of every change; the departments listed and the public only
 * once the round is published. Raters are never an audience: a webhook must not tell who rated.
 */
export function audienceOf(r: Pick<RoundRecord, 'areaId' | 'departments'>, state: EvaluationState): Audience {
  const published = state === 'published'
  return { public: published, departments: published ? r.departments : [], offices: [r.areaId], groups: [], communities: [] }
}

export interface NewRound {
  id: string
  areaId: string
  period: string
  snapshot: StoredEvaluationSnapshot
  state: EvaluationState
  parameters: EvaluationParameters
  policy: PolicyRef
  actor: Actor
  now: string
}

export function planRound(r: NewRound, claim: IdempotencyClaim | null): PlannedCreate {
  const departments = r.snapshot.context.departments
  return {
    kind: 'create',
    tables: EVALUATION_TABLES,
    id: r.id,
    row: {
      id: r.id,
      area_id: r.areaId,
      period: r.period,
      state: r.state,
      version: 1,
      snapshot: toJson(r.snapshot),
      machine_version: r.snapshot.machineVersion,
      departments: toJson(departments),
      deadline: null,
      parameters: toJson(r.parameters),
      policy: toJson(r.policy),
      result: null,
      published_at: null,
      created_by: r.actor.sub,
      created_at: r.now,
      updated_at: r.now
    },
    events: [{ type: 'OPEN', from: null, to: r.state, actor: r.actor, payload: { departments }, at: r.now }],
    changes: [{ machine: MACHINE, instanceId: r.id, version: 1, type: 'OPEN', from: null, to: r.state, state: r.state, at: r.now, audience: audienceOf({ areaId: r.areaId, departments }, r.state) }],
    claim,
    resource: `evaluations/${r.id}`,
    basis: null
  }
}

/** A rating as the service computed it from the request and the round's scale. */
export interface RatingRow {
  raterOrg: string
  raterRole: RaterRole
  raterSub: string
  departmentId: string
  level: string | null
  points: number | null
  score: number
  satisfied: boolean
  comment: string | null
  respondents: number | null
}

export interface RoundTransition {
  type: string
  next: StoredEvaluationSnapshot
  state: EvaluationState
  payload: object
  actor: Actor
  now: string
  /** A RATE's rating row, written in the same transaction as its event. */
  rating?: RatingRow
  /** The result frozen by PUBLISH. */
  result?: EvaluationResult
}

/** A transition computed from `from`, for the engine to write with a compare-and-set on the version read. */
export function planRoundStep(from: RoundRecord, t: RoundTransition, claim: IdempotencyClaim | null): PlannedStep {
  const c = t.next.context
  const version = from.version + 1
  const related: RelatedRows[] = []
  if (t.rating !== undefined) {
    const r = t.rating
    related.push({
      table: RATINGS_TABLE,
      seqColumn: 'round_seq',
      rows: [
        {
          round_version: version,
          rater_org: r.raterOrg,
          rater_role: r.raterRole,
          rater_sub: r.raterSub,
          department_id: r.departmentId,
          level: r.level,
          points: r.points,
          score: r.score,
          satisfied: r.satisfied,
          comment: r.comment,
          respondents: r.respondents,
          created_at: t.now
        }
      ]
    })
  }
  // Rating starts the deadline's wait; closing, by the office or the clock, ends it.
  if (t.state !== from.state) related.push(dueRows(MACHINE, t.state === 'rating' ? [{ kind: DEADLINE_DUE, dueOn: dayAfter(c.deadline!) }] : [], true))
  const columns: Row = { state: t.state, snapshot: toJson(t.next), machine_version: t.next.machineVersion, departments: toJson(c.departments), deadline: c.deadline, updated_at: t.now }
  if (t.result !== undefined) Object.assign(columns, { result: toJson(t.result), published_at: t.now })
  return {
    kind: 'step',
    tables: EVALUATION_TABLES,
    from: { seq: from.seq, id: from.id, version: from.version },
    columns,
    event: { type: t.type, from: from.state, to: t.state, actor: t.actor, payload: t.payload, at: t.now },
    change: { machine: MACHINE, instanceId: from.id, version, type: t.type, from: from.state, to: t.state, state: t.state, at: t.now, audience: audienceOf({ areaId: from.areaId, departments: c.departments }, t.state) },
    related,
    claim,
    resource: `evaluations/${from.id}`,
    basis: null
  }
}

function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

export async function findRound(db: Knex, id: string): Promise<RoundRecord | null> {
  const row = await db<DbRoundRow>('evaluation_rounds').where({ id }).first()
  return row ? fromRow(row) : null
}

export async function findRoundBySeq(db: Knex, seq: number): Promise<RoundRecord | null> {
  const row = await db<DbRoundRow>('evaluation_rounds').where({ seq }).first()
  return row ? fromRow(row) : null
}

/** Which rounds, beyond none, a principal sees. */
export type RoundScope =
  | { kind: 'all' }
  /** The office, admin or leading group of the area. */
  | { kind: 'area'; areaId: string }
  /** A street or community: the rounds of the city and district above it. */
  | { kind: 'rater'; areas: string[] }
  | { kind: 'department'; departmentId: string }
  | { kind: 'public' }

export interface RoundFilter {
  state?: EvaluationState
  period?: string
  area?: string
  scope: RoundScope
}

/** Newest first, keyset-paginated on seq. */
export async function listRounds(db: Knex, f: RoundFilter, limit: number, beforeSeq: number | null): Promise<{ items: RoundRecord[]; nextSeq: number | null }> {
  const q = db<DbRoundRow>('evaluation_rounds')
  if (f.state) q.where('state', f.state)
  if (f.period) q.where('period', f.period)
  if (f.area) q.where('area_id', f.area)
  const s = f.scope
  if (s.kind === 'area') q.where('area_id', s.areaId)
  if (s.kind === 'rater') q.whereIn('area_id', s.areas)
  // Ids are JSON strings in the list: the quoted id matches that entry and no other.
  if (s.kind === 'department') q.whereRaw("departments like ? escape '!'", [`%${JSON.stringify(s.departmentId).replace(/[!%_]/g, '!$&')}%`])
  if (s.kind === 'public') q.where('state', 'published')
  if (beforeSeq !== null) q.where('seq', '<', beforeSeq)
  const rows = (await q.orderBy('seq', 'desc').limit(limit + 1)) as DbRoundRow[]
  const page = rows.slice(0, limit).map(fromRow)
  // SQLite's LIKE ignores ASCII case: only a round that lists this very id is the department's.
  const items = s.kind === 'department' ? page.filter((r) => r.departments.includes(s.departmentId)) : page
  return { items, nextSeq: rows.length > limit ? page[page.length - 1]!.seq : null }
}

export interface StoredRating extends RatingRow {
  seq: number
  version: number
  at: string
}

interface DbRatingRow {
  seq: number
  round_seq: number
  round_version: number
  rater_org: string
  rater_role: RaterRole
  rater_sub: string
  department_id: string
  level: string | null
  points: number | null
  score: number
  satisfied: boolean | number
  comment: string | null
  respondents: number | null
  created_at: string
}

const ratingOf = (r: DbRatingRow): StoredRating => ({
  seq: Number(r.seq),
  version: r.round_version,
  raterOrg: r.rater_org,
  raterRole: r.rater_role,
  raterSub: r.rater_sub,
  departmentId: r.department_id,
  level: r.level,
  points: r.points === null ? null : Number(r.points),
  score: Number(r.score),
  satisfied: Boolean(r.satisfied),
  comment: r.comment,
  respondents: r.respondents === null ? null : Number(r.respondents),
  at: r.created_at
})

/** Every rating of the round, oldest first; `current` keeps each rater's newest per department. */
export async function ratingsOf(db: Knex, roundSeq: number, raterOrg?: string): Promise<{ all: StoredRating[]; current: StoredRating[] }> {
  const q = db<DbRatingRow>(RATINGS_TABLE).where('round_seq', roundSeq)
  if (raterOrg !== undefined) q.where('rater_org', raterOrg)
  const all = ((await q.orderBy('round_version', 'asc')) as DbRatingRow[]).map(ratingOf)
  const newest = new Map<string, StoredRating>()
  for (const r of all) newest.set(`${r.raterOrg}\u0000${r.departmentId}`, r)
  return { all, current: [...newest.values()] }
}
