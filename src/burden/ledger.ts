import type { Knex } from 'knex'
import type { TaskDeclaration } from '../policy/types.js'
import { fromJson } from '../engine/db.js'
import { dayNumber } from '../../migrations/20261220000000_city_scale.js'

/** Work that weighs on a community now: admitted and not yet completed or revoked. */
const CARRIED = ['admitted', 'active', 'suspended'] as const

export interface Window {
  from: string
  to: string
}

const days = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1

/** Hours of a task that fall inside a window: its hours per target spread evenly over its period. */
function hoursWithin(d: TaskDeclaration, w: Window): number {
  const start = d.period.start > w.from ? d.period.start : w.from
  const end = d.period.end < w.to ? d.period.end : w.to
  if (end < start) return 0
  return (d.workloadHours * days(start, end)) / days(d.period.start, d.period.end)
}

const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1
const isoDay = (year: number, month: number, day: number) => new Date(Date.UTC(year, month, day)).toISOString().slice(0, 10)

/** The calendar months a window touches, each clipped to the window. */
function monthsOf(w: Window): Window[] {
  const months: Window[] = []
  // Months counted as integers: date strings past year 9999 stop sorting as dates, and a
  // walk from string to string once never ended. (Years below 100 never get here: see dates.ts.)
  for (let i = monthIndex(w.from); i <= monthIndex(w.to); i++) {
    const year = Math.floor(i / 12)
    const first = isoDay(year, i % 12, 1)
    const last = isoDay(year, (i % 12) + 1, 0)
    months.push({ from: first < w.from ? w.from : first, to: last > w.to ? w.to : last })
  }
  return months
}

const round = (n: number) => Math.round(n * 100) / 100

export interface CommunityTaskBurden {
  taskId: string
  title: string
  department: string
  state: string
  period: { start: string; end: string }
  hours: number
  fundingPromised: number
  fundingConfirmed: number
  funding: 'received' | 'missing' | 'unconfirmed'
}

export interface CommunityBurden {
  community: string
  window: Window
  tasks: CommunityTaskBurden[]
  byMonth: Array<{ month: string; hours: number }>
  totals: { tasks: number; hours: number; fundingPromised: number; fundingConfirmed: number; fundingMissing: number; fundingUnconfirmed: number }
  openBurdenReports: number
}

/** The latest word of one community on each of the given tasks' funding. */
async function latestWords(db: Knex, community: string, taskSeqs: number[]): Promise<Map<number, { status: 'received' | 'missing'; amount: number | null }>> {
  const words = new Map<number, { status: 'received' | 'missing'; amount: number | null }>()
  for (let i = 0; i < taskSeqs.length; i += 500) {
    const rows = (await db('funding_confirmations')
      .where('community_id', community)
      .whereIn('task_seq', taskSeqs.slice(i, i + 500))
      .orderBy('seq')
      .select('task_seq', 'status', 'amount')) as Array<{ task_seq: number; status: 'received' | 'missing'; amount: string | number | null }>
    // pg returns decimals as strings; SQLite as numbers.
    for (const r of rows) words.set(Number(r.task_seq), { status: r.status, amount: r.amount === null ? null : Number(r.amount) })
  }
  return words
}

/**
 * The figure the reform is about: what admitted work lies on one
 * community in a window, its hours, and the money promised against the money
 * the community says arrived.
 */
export async function communityBurden(db: Knex, community: string, w: Window): Promise<CommunityBurden> {
  const rows = (await db('tasks')
    .join('task_targets', 'task_targets.task_seq', 'tasks.seq')
    .where('task_targets.org_unit_id', community)
    .whereIn('tasks.state', CARRIED)
    .where('tasks.period_last_day', '>=', dayNumber(w.from))
    .where('tasks.period_first_day', '<=', dayNumber(w.to))
    .orderBy('tasks.seq')
    .select('tasks.seq', 'tasks.id', 'tasks.department_id', 'tasks.state', 'tasks.declaration')) as Array<{
    seq: number
    id: string
    department_id: string
    state: string
    declaration: string
  }>
  const words = await latestWords(
    db,
    community,
    rows.map((r) => Number(r.seq))
  )
  const tasks: CommunityTaskBurden[] = []
  const inWindow: TaskDeclaration[] = []
  for (const r of rows) {
    const d = fromJson<TaskDeclaration>(r.declaration)
    inWindow.push(d)
    const said = words.get(Number(r.seq))
    tasks.push({
      taskId: r.id,
      title: d.title,
      department: r.department_id,
      state: r.state,
      period: d.period,
      hours: round(hoursWithin(d, w)),
      fundingPromised: d.funding?.committed ? d.funding.perTarget : 0,
      fundingConfirmed: said?.status === 'received' ? (said.amount ?? 0) : 0,
      funding: said === undefined ? 'unconfirmed' : said.status
    })
  }
  const [{ open }] = (await db('burden_reports')
    .where({ reporter_org: community })
    .whereIn('state', OPEN_REPORTS)
    .count({ open: '*' })) as Array<{ open: number | string }>
  return {
    community,
    window: w,
    tasks,
    byMonth: monthsOf(w).map((m) => ({ month: m.from.slice(0, 7), hours: round(inWindow.reduce((sum, d) => sum + hoursWithin(d, m), 0)) })),
    totals: {
      tasks: tasks.length,
      hours: round(tasks.reduce((s, t) => s + t.hours, 0)),
      fundingPromised: round(tasks.reduce((s, t) => s + t.fundingPromised, 0)),
      fundingConfirmed: round(tasks.reduce((s, t) => s + t.fundingConfirmed, 0)),
      fundingMissing: tasks.filter((t) => t.funding === 'missing').length,
      fundingUnconfirmed: tasks.filter((t) => t.funding === 'unconfirmed').length
    },
    openBurdenReports: Number(open)
  }
}

const OPEN_REPORTS = ['reported', 'investigating'] as const

export interface AreaFigures {
  tasks: number
  hours: number
  fundingPromised: number
  fundingConfirmed: number
  openBurdenReports: number
}

export interface AreaBurden {
  orgUnit: string
  window: Window
  /** Distinct tasks: a task on every community of a district counts once here, its hours once per community. */
  totals: AreaFigures & { communities: number }
  items: Array<AreaFigures & { community: string }>
  nextCursor: string | null
}

/** The communities at or below an org unit, as a subquery (the tree is walked down from the unit). */
function communitiesUnder(db: Knex, root: string): Knex.QueryBuilder {
  return db
    .withRecursive('subtree', ['id', 'kind'], (qb) => {
      qb.select('id', 'kind')
        .from('org_units')
        .where('id', root)
        .unionAll((down) => {
          down.select('o.id', 'o.kind').from('org_units as o').join('subtree', 'o.parent_id', 'subtree.id')
        })
    })
    .select('id')
    .from('subtree')
    .where('kind', 'community')
}

/**
 * The hours of one task on one target inside the window, in hundredths, rounded as the
 * community ledger rounds them (Math.round of hoursWithin × 100): the same arithmetic in
 * the same order, on day numbers, so that a sum of these is exactly the sum of the ledgers.
 */
function hundredthsOfHours(db: Knex, w: Window): Knex.Raw {
  const from = dayNumber(w.from)
  const to = dayNumber(w.to)
  return db.raw(
    'floor(tasks.workload_hours * ((case when tasks.period_last_day < ? then tasks.period_last_day else ? end) - ' +
      '(case when tasks.period_first_day > ? then tasks.period_first_day else ? end) + 1) / ' +
      '(tasks.period_last_day - tasks.period_first_day + 1) * 100 + 0.5)',
    [to, to, from, from]
  )
}

/** Target rows (one task on one community) of carried tasks whose period meets the window. */
function carriedTargets(db: Knex, w: Window, communities: Knex.QueryBuilder | string[]): Knex.QueryBuilder {
  return db('task_targets')
    .join('tasks', 'tasks.seq', 'task_targets.task_seq')
    .whereIn('task_targets.org_unit_id', communities)
    .whereIn('tasks.state', CARRIED)
    .where('tasks.period_last_day', '>=', dayNumber(w.from))
    .where('tasks.period_first_day', '<=', dayNumber(w.to))
}

/**
 * The money each community says arrived for the carried tasks on it: its latest word on each,
 * when that is "received". Walked from the confirmations, which are few beside the targets:
 * the cross join keeps SQLite from starting at the tasks (PostgreSQL plans it as an inner join).
 */
function confirmedMoney(db: Knex, w: Window, communities: Knex.QueryBuilder | string[]): Knex.QueryBuilder {
  return db('funding_confirmations as fc')
    .crossJoin(db.raw('tasks'))
    .whereRaw('tasks.seq = fc.task_seq')
    .whereIn('fc.community_id', communities)
    .where('fc.status', 'received')
    .whereNotExists((later) => {
      later
        .select(db.raw('1'))
        .from('funding_confirmations as newer')
        .whereRaw('newer.task_seq = fc.task_seq')
        .whereRaw('newer.community_id = fc.community_id')
        .whereRaw('newer.seq > fc.seq')
    })
    .whereExists((target) => {
      target.select(db.raw('1')).from('task_targets').whereRaw('task_targets.task_seq = fc.task_seq').whereRaw('task_targets.org_unit_id = fc.community_id')
    })
    .whereIn('tasks.state', CARRIED)
    .where('tasks.period_last_day', '>=', dayNumber(w.from))
    .where('tasks.period_first_day', '<=', dayNumber(w.to))
}

const num = (v: unknown) => Number(v ?? 0)

/** The figures of the whole area: grouped queries over its target rows, never one ledger per community. */
export async function areaTotals(db: Knex, orgUnit: string, w: Window): Promise<AreaBurden['totals']> {
  const [work, money, reports, communities] = (await Promise.all([
    carriedTargets(db, w, communitiesUnder(db, orgUnit))
      .countDistinct({ tasks: 'tasks.seq' })
      .sum({ hours: hundredthsOfHours(db, w) })
      .sum({ promised: 'tasks.funding_promised' })
      .first(),
    confirmedMoney(db, w, communitiesUnder(db, orgUnit)).sum({ confirmed: 'fc.amount' }).first(),
    db('burden_reports').whereIn('reporter_org', communitiesUnder(db, orgUnit)).whereIn('state', OPEN_REPORTS).count({ open: '*' }).first(),
    communitiesUnder(db, orgUnit).clearSelect().count({ n: '*' }).first()
  ])) as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]
  return {
    communities: num(communities.n),
    tasks: num(work.tasks),
    hours: num(work.hours) / 100,
    fundingPromised: round(num(work.promised)),
    fundingConfirmed: round(num(money.confirmed)),
    openBurdenReports: num(reports.open)
  }
}

/** One page of the area's communities, in id order, each with its ledger's totals. */
export async function areaPage(db: Knex, orgUnit: string, w: Window, offset: number, limit: number): Promise<{ items: AreaBurden['items']; next: number | null }> {
  const ids = ((await communitiesUnder(db, orgUnit).orderBy('id').offset(offset).limit(limit + 1)) as Array<{ id: string }>).map((r) => r.id)
  const page = ids.slice(0, limit)
  const [work, money, reports] = (await Promise.all([
    carriedTargets(db, w, page)
      .groupBy('task_targets.org_unit_id')
      .select('task_targets.org_unit_id as community')
      .count({ tasks: '*' })
      .sum({ hours: hundredthsOfHours(db, w) })
      .sum({ promised: 'tasks.funding_promised' }),
    confirmedMoney(db, w, page).groupBy('fc.community_id').select('fc.community_id as community').sum({ confirmed: 'fc.amount' }),
    db('burden_reports').whereIn('reporter_org', page).whereIn('state', OPEN_REPORTS).groupBy('reporter_org').select('reporter_org as community').count({ open: '*' })
  ])) as Array<Array<Record<string, unknown>>>
  const by = (rows: Array<Record<string, unknown>>) => new Map(rows.map((r) => [r.community as string, r]))
  const [w1, m1, r1] = [by(work!), by(money!), by(reports!)]
  return {
    items: page.map((community) => ({
      community,
      tasks: num(w1.get(community)?.tasks),
      hours: num(w1.get(community)?.hours) / 100,
      fundingPromised: round(num(w1.get(community)?.promised)),
      fundingConfirmed: round(num(m1.get(community)?.confirmed)),
      openBurdenReports: num(r1.get(community)?.open)
    })),
    next: ids.length > limit ? offset + limit : null
  }
}
