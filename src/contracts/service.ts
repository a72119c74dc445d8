import type { Principal } from '../platform/auth.js'
import { isTargetRole } from '../roles.js'
import { Problem, Problems, problemType } from '../platform/errors.js'
import { checkCoveredDates } from '../policy/dates.js'
import { excludedInText } from '../policy/screen.js'
import type { PolicyPack, TargetLevel } from '../policy/types.js'
import { isPublicState } from '../../machines/admission.js'
import { confirmationRows, confirmationsOf, latestConfirmations, type FundingConfirmation, type FundingStatus } from './store.js'
import type { IdempotencyClaim, Row } from '../engine/group-commit.js'
import { findTask, planStep, recordOf, unmoved, type Contract, type TaskRecord, type Transition } from '../tasks/store.js'
import { isParty, loadVisibleTask, visibilityFor, type GateContext } from '../tasks/service.js'

/** An agreement is open while the work may still be done: before the start, running, or paused. */
const OPEN_CONTRACT = ['admitted', 'active', 'suspended'] as const

const isOpen = (t: TaskRecord) => (OPEN_CONTRACT as readonly string[]).includes(t.position.state)

/** A task change that moves no state: the agreement was edited, or a community reported on funding. */
const sameState = (task: TaskRecord, type: string, p: Principal, now: string, change: Partial<Transition>): Transition =>
  unmoved(task, type, { sub: p.sub, role: p.role, org: p.org }, now, change)

async function commitOrConflict(ctx: GateContext, task: TaskRecord, t: Transition): Promise<TaskRecord> {
  const result = await ctx.commits.write(planStep(task, t, null))
  if (result.ok) return recordOf(result.row)
  const current = recordOf((result as { conflict: Row }).conflict)
  throw Problems.changedMeanwhile('task', current.version, current.position.state)
}

export interface ContractView {
  taskId: string
  state: string
  version: number
  scope: { title: string; description: string; kind: string; catalogItem: string | null }
  targets: string[]
  period: { start: string; end: string }
  funding: { perTarget: number; total: number; source: string } | null
  authority: { required: boolean; provided: boolean } | null
  decider: TaskRecord['decider']
  admittedAt: string | null
  unfunded: boolean
  terms: Contract | null
}

/** The agreement as its parties read it; contacts are personal data and stay with the parties. */
export function contractView(t: TaskRecord, party: boolean): ContractView {
  const d = t.declaration
  return {
    taskId: t.id,
    state: t.position.state,
    version: t.version,
    scope: { title: d.title, description: d.description, kind: d.kind, catalogItem: d.catalogItem },
    targets: d.targets,
    period: d.period,
    funding: d.funding === null ? null : { perTarget: d.funding.perTarget, total: d.funding.perTarget * d.targets.length, source: d.funding.source },
    authority: d.authority,
    decider: t.decider,
    admittedAt: t.admittedAt,
    unfunded: t.unfunded,
    terms: t.contract === null ? null : { ...t.contract, contacts: party ? t.contract.contacts : [] }
  }
}

export async function readContract(ctx: GateContext, id: string, p: Principal | null): Promise<ContractView> {
  const task = await loadVisibleTask(ctx.db, id, p)
  if (!isPublicState(task.position.state)) throw Problems.notFound('contract of task', id)
  const targeted = p !== null && isTargetRole(p.role) && task.declaration.targets.includes(p.org)
  return contractView(task, targeted || isParty(visibilityFor(p), task))
}

/** The department that owns the task sets the terms while the agreement is open. */
export async function setContractTerms(ctx: GateContext, id: string, p: Principal, terms: Contract, version: number | undefined): Promise<ContractView> {
  const task = await findTask(ctx.db, id)
  if (task === null || !isPublicState(task.position.state)) throw Problems.notFound('contract of task', id)
  if (p.role !== 'department' || task.departmentId !== p.org) throw Problems.forbidden({ zh: '只有任务所属部门可以设定协议条款', en: 'only the department that owns the task sets its terms' })
  if (!isOpen(task)) throw Problems.eventNotAllowed('SET_CONTRACT', task.position.state, task.version)
  const { pack } = await ctx.packs.get(ctx.db)
  checkCoveredDates(
    pack.calendar,
    terms.deliverables.flatMap((d, i) => (d.due === null ? [] : [{ field: `deliverables[${i}].due`, value: d.due }]))
  )
  refuseExcludedTerms(pack, task.declaration.targetLevel, terms)
  if (version !== undefined && version !== task.version) {
    throw Problems.staleVersion('task', task.version, task.position.state, version)
  }
  const saved = await commitOrConflict(ctx, task, sameState(task, 'SET_CONTRACT', p, ctx.now().toISOString(), { contract: terms }))
  return contractView(saved, true)
}

/** Terms are text a department writes after the gate: what the gate refuses in a task, it refuses in them. */
function refuseExcludedTerms(pack: PolicyPack, level: TargetLevel, terms: Contract): void {
  const texts: Record<string, string> = { paymentMethod: terms.paymentMethod }
  if (terms.paymentSchedule !== null) texts['paymentSchedule'] = terms.paymentSchedule
  terms.deliverables.forEach((d, i) => (texts[`deliverables[${i}].name`] = d.name))
  if (terms.notes != null) texts['notes'] = terms.notes
  const findings = excludedInText(pack, level, texts)
  if (findings.length === 0) return
  const field = findings[0]!.evidence[0]!.field
  throw new Problem(
    422,
    problemType('excluded-item'),
    { zh: '协议条款含有不得下派社区的事项', en: 'The terms assign an excluded item' },
    { zh: `${field}:${findings.map((f) => f.message.zh).join(';')}`, en: `${field}: ${findings.map((f) => f.message.en).join('; ')}` },
    { extensions: { field, findings } }
  )
}

export interface FundingReport {
  status: FundingStatus
  amount?: number
  staffArrived?: boolean
  note?: string
}

/**
 * A target community says whether the money (and staff) arrived. When every
 * target has confirmed receipt, a task flagged unfunded is cleared in the same step.
 */
export async function reportFunding(ctx: GateContext, id: string, p: Principal, report: FundingReport, claim: IdempotencyClaim | null = null): Promise<FundingConfirmation[]> {
  const task = await findTask(ctx.db, id)
  if (task === null || !isPublicState(task.position.state)) throw Problems.notFound('contract of task', id)
  if (!isTargetRole(p.role) || !task.declaration.targets.includes(p.org)) {
    throw Problems.forbidden({ zh: '只有任务所面向的街道或社区可以反馈经费到位情况', en: 'only a street or community the task targets reports on its funding' })
  }
  const now = ctx.now().toISOString()
  const confirmation: FundingConfirmation = {
    community: p.org,
    status: report.status,
    amount: report.amount ?? null,
    staffArrived: report.staffArrived ?? null,
    note: report.note ?? null,
    confirmedBy: p.sub,
    at: now
  }
  const type = report.status === 'received' ? 'FUNDING_RECEIVED' : 'FUNDING_NOT_RECEIVED'
  for (let from = task; ; ) {
    if (!isOpen(from)) throw Problems.eventNotAllowed('REPORT_FUNDING', from.position.state, from.version)
    const latest = await latestConfirmations(ctx.db, from.seq)
    latest.set(p.org, confirmation)
    const allReceived = from.declaration.targets.every((c) => latest.get(c)?.status === 'received')
    const step = sameState(from, type, p, now, { unfunded: from.unfunded && !allReceived, payload: { reason: report.note ?? report.status } })
    const result = await ctx.commits.write(planStep(from, step, null, claim, [confirmationRows(confirmation)]))
    if (result.ok) break
    // Another community's confirmation (or the office's step) came first: this one does not
    // depend on it, so it is planned again on the newer task, its unfunded flag recomputed.
    from = recordOf((result as { conflict: Row }).conflict)
  }
  return confirmationsOf(ctx.db, task.seq)
}

export async function fundingOf(ctx: GateContext, id: string, p: Principal): Promise<{ unfunded: boolean; confirmations: FundingConfirmation[] }> {
  const task = await loadVisibleTask(ctx.db, id, p)
  const targeted = isTargetRole(p.role) && task.declaration.targets.includes(p.org)
  if (!targeted && !isParty(visibilityFor(p), task)) throw Problems.notFound('funding of task', id)
  return { unfunded: task.unfunded, confirmations: await confirmationsOf(ctx.db, task.seq) }
}
