import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import {
  EVALUATION_EVENT_ROLES,
  RATER_ROLES,
  enabledEvaluationEvents,
  evaluationStateOf,
  initialEvaluationSnapshot,
  stepEvaluation,
  type EvaluationEvent,
  type EvaluationEventType,
  type RaterRole
} from '../../machines/evaluation.js'
import { departmentScorecard } from '../burden/scorecard.js'
import { chinaDate } from '../clock.js'
import type { Window } from '../burden/ledger.js'
import { countWorkingDays } from '../calendar/working-days.js'
import { fromJson, uniquely } from '../engine/db.js'
import { sweepDue, type DueHandler } from '../engine/due.js'
import type { GroupCommitter, IdempotencyClaim, Row } from '../engine/group-commit.js'
import type { Actor } from '../engine/store.js'
import { administersAll, reservedFor, type Principal } from '../platform/auth.js'
import { Problem, Problems, problemType } from '../platform/errors.js'
import type { Bilingual } from '../platform/language.js'
import { workingDaysAfter } from '../policy/dates.js'
import type { OrgDirectory } from '../policy/org-directory.js'
import { jurisdictionOf, type OrgUnit } from '../policy/org-units.js'
import { DEFAULT_EVALUATION } from '../policy/default-pack/evaluation.js'
import type { CurrentPack } from '../policy/pack-store.js'
import type { EvaluationParameters } from '../policy/types.js'
import { SYSTEM_ACTOR } from '../tasks/service.js'
import { computeResult, periodWindow, type DepartmentInputs, type EvaluationResult } from './result.js'
import {
  DEADLINE_DUE,
  MACHINE,
  findRound,
  findRoundBySeq,
  planRound,
  planRoundStep,
  ratingsOf,
  roundOf,
  type RatingRow,
  type RoundRecord,
  type RoundScope,
  type RoundTransition,
  type StoredRating
} from './store.js'

/** What the service needs from the app: `app.gate` fits. */
export interface EvaluationContext {
  db: Knex
  orgs: OrgDirectory
  commits: GroupCommitter
  packs: CurrentPack
  now: () => Date
}

const actorOf = (p: Principal): Actor => ({ sub: p.sub, role: p.role, org: p.org })

/** The pack's evaluation parameters; a pack stored before it had them is read with the default pack's. */
export const evaluationParameters = (p: { parameters: { evaluation?: EvaluationParameters } }): EvaluationParameters => p.parameters.evaluation ?? DEFAULT_EVALUATION

/** Whether the principal runs rounds of this area: its office, an admin administering it. */
export const runsArea = (p: Principal, areaId: string): boolean => (p.role === 'office' || p.role === 'admin') && (administersAll(p) || p.org === areaId)

/** Who sees the raters: the office and admins of the area. */
export const seesRaters = runsArea

/** The cities and districts above (and including) an org: the areas whose rounds it rates in. */
async function areasOf(ctx: EvaluationContext, org: string): Promise<string[]> {
  return (await ctx.orgs.lineage(ctx.db, org)).filter((u) => u.kind === 'city' || u.kind === 'district').map((u) => u.id)
}

/**
 * Which rounds a principal reads: the office, admin and leading group those of their area (an
 * admin of the whole city all), a department those that list it, a street or community those
 * of the city and district it lies in.
 */
export async function scopeFor(ctx: EvaluationContext, p: Principal): Promise<PrincipalScope> {
  switch (p.role) {
    case 'admin':
      return administersAll(p) ? { kind: 'all' } : { kind: 'area', areaId: p.org }
    case 'office':
    case 'leading_group':
      return { kind: 'area', areaId: p.org }
    case 'department':
      return { kind: 'department', departmentId: p.org }
    case 'street':
    case 'community':
      return { kind: 'rater', areas: await areasOf(ctx, p.org) }
    case 'council':
      // The council rates nothing (its community's staff do) and reads published results in the register, as residents do.
      return { kind: 'rater', areas: [] }
  }
}

function inScope(s: PrincipalScope, r: RoundRecord): boolean {
  switch (s.kind) {
    case 'all':
      return true
    case 'area':
      return r.areaId === s.areaId
    case 'rater':
      return s.areas.includes(r.areaId)
    case 'department':
      return r.departments.includes(s.departmentId)
  }
}

/** The scopes of principals; the register's is the public one. */
type PrincipalScope = Exclude<RoundScope, { kind: 'public' }>

/** A round the principal may read; one it may not is reported as missing, not forbidden. */
export async function loadVisibleRound(ctx: EvaluationContext, id: string, p: Principal): Promise<RoundRecord> {
  const round = await findRound(ctx.db, id)
  if (round === null || !inScope(await scopeFor(ctx, p), round)) throw Problems.notFound('evaluation round', id)
  return round
}

/** Whether a department's work reaches the area: it works inside it, or above it (a city department in a district). */
function reaches(department: OrgUnit[], area: OrgUnit[]): boolean {
  return department.some((u) => u.id === area[0]!.id) || area.some((u) => u.id === jurisdictionOf(department).id)
}

/** An explicit list, checked entry by entry: each a department, open, whose work reaches the area, named once. */
async function checkDepartments(ctx: EvaluationContext, areaId: string, ids: readonly string[]): Promise<string[]> {
  const area = await ctx.orgs.lineage(ctx.db, areaId)
  const seen = new Set<string>()
  for (const [i, id] of ids.entries()) {
    const field = `departments[${i}]`
    const chain = await ctx.orgs.lineage(ctx.db, id)
    if (chain[0]?.kind !== 'department') throw Problems.invalid(field, { zh: `“${id}”不是部门`, en: `"${id}" is not a department` })
    if (chain[0].closedAt !== null) throw Problems.invalid(field, { zh: `部门“${id}”已撤销`, en: `department "${id}" is closed` })
    if (!reaches(chain, area)) throw Problems.invalid(field, { zh: `部门“${id}”的工作范围不涉及${areaId}`, en: `department "${id}" does not work in ${areaId}` })
    if (seen.has(id)) throw Problems.invalid(field, { zh: `“${id}”重复`, en: `"${id}" is listed twice` })
    seen.add(id)
  }
  return [...ids]
}

/**
 * The departments that worked in the area in the period: its own (directly under it), and those
 * with tasks admitted in the period for streets or communities inside it.
 */
async function departmentsThatWorked(ctx: EvaluationContext, areaId: string, period: string): Promise<string[]> {
  const w = periodWindow(period)
  const own = (await ctx.db('org_units').where({ parent_id: areaId, kind: 'department' }).whereNull('closed_at').orderBy('id').select('id')) as Array<{ id: string }>
  const admitted = (await ctx.db('tasks')
    .join('task_targets', 'task_targets.task_seq', 'tasks.seq')
    .join('task_events', 'task_events.task_seq', 'tasks.seq')
    .where('task_events.to_state', 'admitted')
    .whereNot('task_events.type', 'DECLINE_WITHDRAWAL')
    .where('task_events.created_at', '>=', `${w.from}T00:00:00`)
    .where('task_events.created_at', '<', `${w.to}T99`)
    .distinct('tasks.department_id', 'task_targets.org_unit_id')) as Array<{ department_id: string; org_unit_id: string }>
  const inside = await ctx.orgs.within(ctx.db, [...new Set(admitted.map((r) => r.org_unit_id))], areaId, ['street', 'community'])
  const found = new Set(own.map((r) => r.id))
  for (const r of admitted) if (inside.has(r.org_unit_id)) found.add(r.department_id)
  return [...found]
}

const PERIOD_PATTERNS: Record<EvaluationParameters['period'], { pattern: RegExp; example: string }> = {
  year: { pattern: /^(\d{4})$/, example: '2026' },
  'half-year': { pattern: /^(\d{4})-H[12]$/, example: '2026-H1' }
}

export interface NewRoundInput {
  area?: string
  period: string
  departments?: string[]
}

/** The office of a city or district (or an admin administering it) opens a round for a period of its area. */
export async function openRound(ctx: EvaluationContext, p: Principal, input: NewRoundInput, claim: IdempotencyClaim | null): Promise<RoundRecord> {
  const areaId = input.area ?? p.org
  if (!runsArea(p, areaId)) {
    throw Problems.forbidden({ zh: `${areaId}的考评由其办公室或管理员发起，而非${p.org}`, en: `rounds of ${areaId} are opened by its office or an admin administering it, not by ${p.org}` })
  }
  const area = (await ctx.orgs.lineage(ctx.db, areaId))[0]
  if (area === undefined || (area.kind !== 'city' && area.kind !== 'district')) {
    throw Problems.invalid('area', { zh: `“${areaId}”不是市或区`, en: `"${areaId}" is not a city or district` })
  }
  const { pack, ref } = await ctx.packs.get(ctx.db)
  const params = evaluationParameters(pack)
  const shape = PERIOD_PATTERNS[params.period]
  const year = shape.pattern.exec(input.period)?.[1]
  if (year === undefined) {
    throw Problems.invalid('period', {
      zh: `须为政策包规定的考评周期（${params.period === 'year' ? '年度' : '半年'}），如“${shape.example}”`,
      en: `must be a period of the pack's kind (${params.period}), e.g. "${shape.example}"`
    })
  }
  const now = ctx.now()
  const window = periodWindow(input.period)
  if (window.from > chinaDate(now) || Number(year) < 2000) {
    throw Problems.invalid('period', { zh: `“${input.period}”尚未开始或早于2000年`, en: `"${input.period}" has not begun, or is before 2000` })
  }
  const departments = input.departments === undefined ? await departmentsThatWorked(ctx, areaId, input.period) : await checkDepartments(ctx, areaId, input.departments)
  if (departments.length === 0) {
    throw Problems.invalid('departments', { zh: `期内没有部门在${areaId}开展工作，须列出参评部门`, en: `no department worked in ${areaId} in the period: list the departments` })
  }
  const exists = await ctx.db('evaluation_rounds').where({ area_id: areaId, period: input.period }).first('id')
  if (exists !== undefined) throw Problems.alreadyExists('evaluation round', `${areaId} ${input.period}`)
  const snapshot = initialEvaluationSnapshot(departments)
  const plan = planRound(
    { id: randomUUID(), areaId, period: input.period, snapshot, state: evaluationStateOf(snapshot.value), parameters: params, policy: ref, actor: actorOf(p), now: now.toISOString() },
    claim
  )
  // Two offices opening the same round at once: the unique index lets one in.
  const created = await uniquely(() => ctx.commits.write(plan), () => Problems.alreadyExists('evaluation round', `${areaId} ${input.period}`))
  return roundOf((created as { row: Row }).row)
}

/** Why this principal may not send the event, or null. */
function refusal(p: Principal, type: EvaluationEventType): Bilingual | null {
  const allowed = EVALUATION_EVENT_ROLES[type]
  // Whoever reached the round as an office or admin runs it: they see only their area's rounds (scopeFor).
  return allowed.includes(p.role) ? null : reservedFor({ zh: `${type}事件`, en: type }, allowed, p.role)
}

/** The events the round accepts now that this viewer may send: the buttons a client shows (RATE: PUT …/ratings/{department}). */
export const offeredRoundEvents = (round: RoundRecord, viewer: Principal): EvaluationEventType[] =>
  enabledEvaluationEvents(round.snapshot).filter((type) => refusal(viewer, type) === null)

export interface RoundEventInput {
  type: 'SET_DEPARTMENTS' | 'START' | 'CLOSE' | 'PUBLISH'
  departments?: string[]
  reason?: string
  version?: number
}

/**
 * How often a department's money came late (费随事转, nanjing-2014 §二.4): of its tasks submitted in
 * the window, the targets whose first confirmation that the funding arrived came after the grace
 * period the pack gives (counted from the contract's first day, as the sweeper counts it).
 */
async function lateFunding(ctx: EvaluationContext, department: string, w: Window): Promise<number> {
  const { pack } = await ctx.packs.get(ctx.db)
  const rows = (await ctx
    .db('funding_confirmations as f')
    .join('tasks', 'tasks.seq', 'f.task_seq')
    .where('tasks.department_id', department)
    .where('f.status', 'received')
    .whereExists((q) => {
      q.select(ctx.db.raw('1'))
        .from('task_events')
        .whereRaw('task_events.task_seq = tasks.seq')
        .where('task_events.type', 'SUBMIT')
        .where('task_events.created_at', '>=', `${w.from}T00:00:00`)
        .where('task_events.created_at', '<', `${w.to}T99`)
    })
    .orderBy('f.seq')
    .select('f.task_seq', 'f.community_id', 'f.created_at', 'tasks.declaration')) as Array<{ task_seq: number; community_id: string; created_at: string; declaration: string }>
  const first = new Map<string, { at: string; start: string }>()
  for (const r of rows) {
    const key = `${r.task_seq}\u0000${r.community_id}`
    if (!first.has(key)) first.set(key, { at: chinaDate(new Date(r.created_at)), start: fromJson<{ period: { start: string } }>(r.declaration).period.start })
  }
  return [...first.values()].filter((c) => c.at > countWorkingDays(pack.calendar, c.start, pack.parameters.fundingGraceWorkingDays).date).length
}

/** The round's inputs now: each department's current ratings without raters, and its gate record for the period. */
async function inputsOf(ctx: EvaluationContext, round: RoundRecord): Promise<DepartmentInputs[]> {
  const { current } = await ratingsOf(ctx.db, round.seq)
  const window = periodWindow(round.period)
  const scale = round.parameters.scale
  return Promise.all(
    round.departments.map(async (department) => {
      const mine = current.filter((r) => r.departmentId === department)
      const [card, late] = await Promise.all([departmentScorecard(ctx.db, department, window), lateFunding(ctx, department, window)])
      const byRole = Object.fromEntries(RATER_ROLES.map((role) => [role, mine.filter((r) => r.raterRole === role).length])) as Record<RaterRole, number>
      const distribution = scale.kind === 'levels' ? Object.fromEntries(scale.levels.map((l) => [l.code, mine.filter((r) => r.level === l.code).length])) : null
      return {
        department,
        scores: mine.map((r) => r.score).sort((a, b) => a - b),
        satisfied: mine.filter((r) => r.satisfied).length,
        byRole,
        distribution,
        record: {
          submitted: card.submitted,
          admitted: card.admitted,
          returned: card.returned,
          rejected: card.rejected,
          confirmedBurdenReports: card.confirmedBurdenReports,
          unfunded: card.unfunded,
          lateFunding: late
        }
      }
    })
  )
}

/** The frozen result of a published round, or what the result would be now. */
export async function resultOf(ctx: EvaluationContext, round: RoundRecord): Promise<EvaluationResult> {
  if (round.result !== null) return round.result
  return computeResult(await inputsOf(ctx, round), round.parameters, round.policy, periodWindow(round.period), ctx.now().toISOString(), true)
}

/** The comments on a department, without who wrote them, in an order that tells nothing of it. */
export async function commentsOn(ctx: EvaluationContext, round: RoundRecord, department: string): Promise<string[]> {
  const { current } = await ratingsOf(ctx.db, round.seq)
  return current.flatMap((r) => (r.departmentId === department && r.comment !== null ? [r.comment] : [])).sort()
}

function machineEvent(body: RoundEventInput, departments: string[] | null, deadline: string | null, at: string): EvaluationEvent {
  switch (body.type) {
    case 'SET_DEPARTMENTS':
      return { type: 'SET_DEPARTMENTS', at, departments: departments! }
    case 'START':
      return { type: 'START', at, deadline: deadline! }
    case 'CLOSE':
      return { type: 'CLOSE', at }
    case 'PUBLISH':
      return { type: 'PUBLISH', at }
  }
}

/** The office moves its round: changes the list, starts the rating, closes it early, publishes it. */
export async function applyRoundEvent(ctx: EvaluationContext, id: string, p: Principal, body: RoundEventInput, claim: IdempotencyClaim | null): Promise<RoundRecord> {
  let round = await loadVisibleRound(ctx, id, p)
  const why = refusal(p, body.type)
  if (why !== null) throw Problems.forbidden(why)
  if (body.version !== undefined && body.version !== round.version) throw Problems.staleVersion('evaluation round', round.version, round.state, body.version)
  for (;;) {
    const now = ctx.now()
    const at = now.toISOString()
    if (!enabledEvaluationEvents(round.snapshot).includes(body.type)) throw Problems.eventNotAllowed(body.type, round.state, round.version, 'evaluation round')
    const departments = body.type === 'SET_DEPARTMENTS' ? await checkDepartments(ctx, round.areaId, body.departments!) : null
    let deadline: string | null = null
    if (body.type === 'START') {
      const { pack } = await ctx.packs.get(ctx.db)
      deadline = workingDaysAfter(pack.calendar, chinaDate(now), round.parameters.ratingWorkingDays, { zh: '考评截止日', en: 'the rating deadline' })
    }
    const step = stepEvaluation(round.snapshot, machineEvent(body, departments, deadline, at))
    const payload: Record<string, unknown> = {}
    if (departments !== null) payload.departments = departments
    if (deadline !== null) payload.deadline = deadline
    if (body.reason !== undefined) payload.reason = body.reason
    const t: RoundTransition = { type: body.type, next: step.next, state: step.state, payload, actor: actorOf(p), now: at }
    if (body.type === 'PUBLISH') t.result = { ...(await resultOf(ctx, round)), provisional: false, computedAt: at }
    const result = await ctx.commits.write(planRoundStep(round, t, claim))
    if (result.ok) return roundOf(result.row)
    const found = roundOf((result as { conflict: Row }).conflict)
    // While a round is rating only ratings leave it rating, and a rating commutes with
    // everything: an office that named no version closes over the ratings that came first
    // instead of being told its round changed. Anything else that came first is news to it.
    if (body.version !== undefined || round.state !== 'rating' || found.state !== 'rating') throw Problems.changedMeanwhile('evaluation round', found.version, found.state)
    round = found
  }
}

export interface RatingInput {
  value: string | number
  comment?: string
  respondents?: number
}

/** The rating as the round's scale reads it, or a 400 naming `value`. */
function scored(round: RoundRecord, value: string | number): Pick<RatingRow, 'level' | 'points' | 'score' | 'satisfied'> {
  const scale = round.parameters.scale
  if (scale.kind === 'levels') {
    const level = scale.levels.find((l) => l.code === value)
    if (level === undefined) {
      const codes = scale.levels.map((l) => `${l.code}（${l.name.zh}）`)
      throw Problems.invalid('value', { zh: `须为以下等级之一：${codes.join('、')}`, en: `must be one of the levels ${scale.levels.map((l) => l.code).join(', ')}` })
    }
    return { level: level.code, points: null, score: level.score, satisfied: level.satisfied }
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100) {
    throw Problems.invalid('value', { zh: '须为0至100的整数分', en: 'must be whole points from 0 to 100' })
  }
  return { level: null, points: value, score: value, satisfied: value >= scale.satisfiedFrom }
}

const closedForRating = (round: RoundRecord, detail: Bilingual) =>
  new Problem(409, problemType('event-not-allowed'), { zh: '当前状态不接受该事件', en: 'Event not allowed in this state' }, detail, {
    extensions: { currentVersion: round.version, currentState: round.state }
  })

const sameRating = (a: StoredRating | undefined, b: RatingRow) =>
  a !== undefined && a.score === b.score && a.level === b.level && a.points === b.points && a.comment === b.comment && a.respondents === b.respondents && a.raterSub === b.raterSub

/**
 * A street or community rates a department of the round: the first rating, or one replacing
 * its own earlier one while the round is rating. Written as a RATE event (it commutes: a
 * rating by another rater meanwhile plans it again on the newer round) with the rating row in
 * the same transaction. The same rating again writes nothing.
 */
export async function rate(ctx: EvaluationContext, id: string, department: string, p: Principal, input: RatingInput): Promise<{ rating: StoredRating; created: boolean }> {
  let round = await loadVisibleRound(ctx, id, p)
  const why = refusal(p, 'RATE')
  if (why !== null) throw Problems.forbidden(why)
  if (!round.departments.includes(department)) {
    throw Problems.invalid('department', { zh: `“${department}”不在此轮参评部门之列`, en: `"${department}" is not among the departments of this round` }, 'params')
  }
  if (input.respondents !== undefined && p.role !== 'street') {
    throw Problems.invalid('respondents', { zh: '只有组织居民代表和社区单位评议的街道填报', en: 'is for a street, which organises residents’ representatives and units' })
  }
  const row: RatingRow = {
    raterOrg: p.org,
    raterRole: p.role as RaterRole,
    raterSub: p.sub,
    departmentId: department,
    ...scored(round, input.value),
    comment: input.comment ?? null,
    respondents: input.respondents ?? null
  }
  for (;;) {
    if (round.state !== 'rating') {
      throw closedForRating(round, { zh: `考评轮次处于“${round.state}”状态，只在rating状态接受评价`, en: `the round is ${round.state}: ratings are taken only while it is rating` })
    }
    const now = ctx.now()
    if (chinaDate(now) > round.deadline!) {
      throw closedForRating(round, { zh: `评价已于${round.deadline}截止`, en: `ratings closed on ${round.deadline}` })
    }
    const mine = (await ratingsOf(ctx.db, round.seq, p.org)).current.find((r) => r.departmentId === department)
    if (sameRating(mine, row)) return { rating: mine!, created: false }
    const at = now.toISOString()
    const step = stepEvaluation(round.snapshot, { type: 'RATE', at })
    const result = await ctx.commits.write(planRoundStep(round, { type: 'RATE', ...step, payload: { department }, actor: actorOf(p), now: at, rating: row }, null))
    if (result.ok) {
      const written = roundOf(result.row)
      const rating = (await ratingsOf(ctx.db, written.seq, p.org)).all.find((r) => r.version === written.version)!
      return { rating, created: mine === undefined }
    }
    // Another writer came first: a rating commutes with everything a round in rating takes, so it is planned again on the newer round, whose state the loop checks.
    round = roundOf((result as { conflict: Row }).conflict)
  }
}

/** The sweeper's side: a round still rating the day after its deadline is closed by the clock. */
function handlers(ctx: EvaluationContext, closed: { n: number }): Map<string, DueHandler> {
  const deadline: DueHandler = async (row) => {
    const round = await findRoundBySeq(ctx.db, row.instance_seq)
    if (round?.state !== 'rating') return 'done'
    const at = ctx.now().toISOString()
    const step = stepEvaluation(round.snapshot, { type: 'DEADLINE', at })
    const result = await ctx.commits.write(planRoundStep(round, { type: 'DEADLINE', ...step, payload: { deadline: round.deadline }, actor: SYSTEM_ACTOR, now: at }, null))
    if (result.ok) closed.n++
    return result.ok ? 'stepped' : 'later'
  }
  return new Map([[`${MACHINE}\u0000${DEADLINE_DUE}`, deadline]])
}

/**
 * One pass over the rounds whose deadline has passed (China time); `npm start` runs it every
 * minute beside the gate's sweep. Returns how many rounds it closed.
 */
export async function sweepEvaluations(ctx: EvaluationContext, onError?: (err: unknown) => void): Promise<number> {
  const closed = { n: 0 }
  const failed: unknown[] = []
  await sweepDue(ctx.db, chinaDate(ctx.now()), handlers(ctx, closed), (err) => (onError ? onError(err) : failed.push(err)))
  if (failed.length > 0) throw new AggregateError(failed, `${failed.length} round deadline(s) could not be handled; each is tried again next sweep`)
  return closed.n
}
