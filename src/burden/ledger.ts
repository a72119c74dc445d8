import type { Knex } from 'knex'
import type { TaskDeclaration } from '../policy/types.js'
import { fromJson } from '../engine/db.js'
import { latestConfirmations } from '../contracts/store.js'

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
    .orderBy('tasks.seq')
    .select('tasks.seq', 'tasks.id', 'tasks.department_id', 'tasks.state', 'tasks.declaration')) as Array<{
    seq: number
    id: string
    department_id: string
    state: string
    declaration: string
  }>
  const tasks: CommunityTaskBurden[] = []
  const inWindow: TaskDeclaration[] = []
  for (const r of rows) {
    const d = fromJson<TaskDeclaration>(r.declaration)
    if (d.period.end < w.from || d.period.start > w.to) continue
    inWindow.push(d)
    const said = (await latestConfirmations(db, r.seq)).get(community)
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
    .whereIn('state', ['reported', 'investigating'])
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

export interface AreaBurden {
  orgUnit: string
  window: Window
  communities: Array<{ community: string; tasks: number; hours: number; fundingPromised: number; fundingConfirmed: number; openBurdenReports: number }>
  /** Distinct tasks: a task on every community of a district counts once here, its hours once per community. */
  totals: { communities: number; tasks: number; hours: number; fundingPromised: number; fundingConfirmed: number; openBurdenReports: number }
}

/** A street's, district's or city's burden: the sum of its communities' ledgers. */
export async function areaBurden(db: Knex, orgUnit: string, communities: string[], w: Window): Promise<AreaBurden> {
  const ledgers: CommunityBurden[] = []
  for (const c of communities) ledgers.push(await communityBurden(db, c, w))
  const sum = (f: (l: CommunityBurden) => number) => round(ledgers.reduce((s, l) => s + f(l), 0))
  return {
    orgUnit,
    window: w,
    communities: ledgers.map((l) => ({
      community: l.community,
      tasks: l.totals.tasks,
      hours: l.totals.hours,
      fundingPromised: l.totals.fundingPromised,
      fundingConfirmed: l.totals.fundingConfirmed,
      openBurdenReports: l.openBurdenReports
    })),
    totals: {
      communities: ledgers.length,
      tasks: new Set(ledgers.flatMap((l) => l.tasks.map((t) => t.taskId))).size,
      hours: sum((l) => l.totals.hours),
      fundingPromised: sum((l) => l.totals.fundingPromised),
      fundingConfirmed: sum((l) => l.totals.fundingConfirmed),
      openBurdenReports: sum((l) => l.openBurdenReports)
    }
  }
}
