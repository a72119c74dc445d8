import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { EVENT_ROLES, type AdmissionEvent } from '../../machines/admission.js'
import { enabledEvents, initialAdmissionSnapshot, positionOf, stepAdmission } from '../../machines/runtime.js'
import type { Principal } from '../auth/plugin.js'
import { Problems } from '../errors.js'
import { screenTask } from '../policy/screen.js'
import type { Screening, TaskDeclaration } from '../policy/types.js'
import type { TaskEventBodyT, TaskInputT, TaskViewT } from '../schemas/task.js'
import { getOrgUnit, jurisdictionOf, lineage, type OrgUnit } from '../store/org-units.js'
import type { LoadedPack } from '../store/policy-packs.js'
import {
  commitTransition,
  findTask,
  insertTask,
  type Actor,
  type EventPayload,
  type TaskRecord,
  type Transition,
  type Visibility
} from '../store/tasks.js'
import { applyChanges, checkDeclarationShape, checkTargets, deciderFor, normalizeDeclaration } from './declaration.js'

export interface GateContext {
  db: Knex
  pack: LoadedPack
  now: () => Date
}

const actorOf = (p: Principal): Actor => ({ sub: p.sub, role: p.role, org: p.org })

export function toTaskView(t: TaskRecord): TaskViewT {
  const d = t.declaration
  return {
    id: t.id,
    state: t.position.state,
    stage: t.position.stage,
    version: t.version,
    department: t.departmentId,
    title: d.title,
    description: d.description,
    targetLevel: d.targetLevel,
    targets: d.targets,
    kind: d.kind,
    catalogItem: d.catalogItem,
    certificate: d.certificate,
    legalBasis: d.legalBasis,
    funding: d.funding,
    authority: d.authority,
    period: d.period,
    workloadHours: d.workloadHours,
    screening: t.screening,
    decider: t.decider,
    enabledEvents: enabledEvents(t.snapshot),
    createdAt: t.createdAt,
    updatedAt: t.updatedAt
  } as TaskViewT
}

/** What a principal may read: admitted tasks are public; the rest belongs to its parties. */
export function visibilityFor(p: Principal | null): Visibility {
  if (p === null) return { kind: 'admitted' }
  switch (p.role) {
    case 'admin':
      return { kind: 'all' }
    case 'department':
      return { kind: 'department', departmentId: p.org }
    case 'office':
    case 'leading_group':
      return { kind: 'jurisdiction', orgUnit: p.org }
    case 'community':
      return { kind: 'target', orgUnit: p.org }
  }
}

export function canSee(v: Visibility, t: TaskRecord): boolean {
  if (t.position.state === 'admitted' || v.kind === 'all') return true
  if (v.kind === 'department') return t.departmentId === v.departmentId
  if (v.kind === 'jurisdiction') return t.jurisdictionId === v.orgUnit
  if (v.kind === 'target') return t.declaration.targets.includes(v.orgUnit)
  return false
}

/** Loads a task the principal may see; one it may not see is reported as missing, not forbidden. */
export async function loadVisibleTask(db: Knex, id: string, p: Principal | null): Promise<TaskRecord> {
  const task = await findTask(db, id)
  if (task === null || !canSee(visibilityFor(p), task)) throw Problems.notFound('task', id)
  return task
}

interface DepartmentContext {
  department: OrgUnit
  jurisdiction: OrgUnit
}

async function departmentContext(db: Knex, departmentId: string): Promise<DepartmentContext> {
  const chain = await lineage(db, departmentId)
  if (chain[0]?.kind !== 'department') {
    throw Problems.forbidden(`the token's org "${departmentId}" is not a department`)
  }
  return { department: chain[0], jurisdiction: jurisdictionOf(chain) }
}

export function screen(ctx: GateContext, d: TaskDeclaration, sector: string | null): Screening {
  return screenTask(d, { sector }, ctx.pack.pack, ctx.pack.ref)
}

/** POST /v1/screenings: the sector decides whether a catalog claim matches, so a department may be named. */
export async function dryRun(ctx: GateContext, input: TaskInputT, departmentId: string | null): Promise<Screening> {
  const d = normalizeDeclaration(input)
  checkDeclarationShape(d)
  if (departmentId === null) return screen(ctx, d, null)
  const department = await getOrgUnit(ctx.db, departmentId)
  if (department?.kind !== 'department') {
    throw Problems.validation(`"${departmentId}" is not a department`, [{ field: 'department', message: 'must be the id of a department org unit' }])
  }
  return screen(ctx, d, department.sector)
}

export async function createTask(ctx: GateContext, p: Principal, input: TaskInputT, submit: boolean): Promise<TaskRecord> {
  const d = normalizeDeclaration(input)
  checkDeclarationShape(d)
  const departmentCtx = await departmentContext(ctx.db, p.org)
  await checkTargets(ctx.db, d, departmentCtx.jurisdiction)
  // Creating and submitting in one call is one transaction: no draft is left behind if the submit fails.
  return ctx.db.transaction(async (trx) => {
    const snapshot = initialAdmissionSnapshot()
    const draft = await insertTask(trx, {
      id: randomUUID(),
      departmentId: departmentCtx.department.id,
      jurisdictionId: departmentCtx.jurisdiction.id,
      declaration: d,
      decider: deciderFor(departmentCtx.jurisdiction, d),
      snapshot,
      position: positionOf(snapshot.value),
      actor: actorOf(p),
      now: ctx.now().toISOString()
    })
    if (!submit) return draft
    return commit(trx, draft, await planTransition(ctx, trx, draft, p, { type: 'SUBMIT' }, departmentCtx))
  })
}

function authorizeEvent(task: TaskRecord, p: Principal, type: TaskEventBodyT['type']): void {
  const allowed = EVENT_ROLES[type]
  if (!allowed.includes(p.role)) {
    throw Problems.forbidden(`${type} is for ${allowed.join(' or ')}; the token has ${p.role}`)
  }
  if (p.role === 'department' && task.departmentId !== p.org) {
    throw Problems.forbidden('a department acts only on its own tasks')
  }
  if (p.role !== 'department' && task.decider.orgUnit !== p.org) {
    throw Problems.forbidden(`this task is decided in ${task.decider.orgUnit}, not in ${p.org}`)
  }
}

function checkEventFields(body: TaskEventBodyT): void {
  const missing = (field: string, message: string) => Problems.validation(message, [{ field, message }])
  if (body.changes !== undefined && body.type !== 'SUBMIT' && body.type !== 'REVISE') {
    throw missing('changes', 'changes may only accompany SUBMIT or REVISE')
  }
  if (body.type === 'DECIDE' && body.decision === undefined) throw missing('decision', 'DECIDE needs a decision')
  if (body.decision !== undefined && body.type !== 'DECIDE') throw missing('decision', 'decision only accompanies DECIDE')
  if (body.type === 'OFFICE_RETURN' && body.reason === undefined) throw missing('reason', 'OFFICE_RETURN needs a reason')
  if (body.type === 'DECIDE' && body.decision !== 'approve' && body.reason === undefined) {
    throw missing('reason', `a decision to ${body.decision} needs a reason`)
  }
}

/**
 * Optimistic: the task is read and the transition computed outside the
 * transaction; the transaction only writes, with a compare-and-set on the
 * version read. A concurrent writer makes the CAS miss and the caller gets 409.
 */
export async function applyEvent(ctx: GateContext, id: string, p: Principal, body: TaskEventBodyT): Promise<TaskRecord> {
  const current = await findTask(ctx.db, id)
  if (current === null) throw Problems.notFound('task', id)
  // A department never learns of another department's drafts; reviewers of the
  // wrong jurisdiction are told plainly that the task is not theirs to act on.
  if (p.role === 'department' && !canSee(visibilityFor(p), current)) throw Problems.notFound('task', id)
  authorizeEvent(current, p, body.type)
  checkEventFields(body)
  if (body.version !== undefined && body.version !== current.version) {
    throw Problems.versionConflict(current.version, current.position.state, `the task is at version ${current.version}, not ${body.version}`)
  }
  const departmentCtx = p.role === 'department' ? await departmentContext(ctx.db, current.departmentId) : null
  const transition = await planTransition(ctx, ctx.db, current, p, body, departmentCtx)
  return ctx.db.transaction((trx) => commit(trx, current, transition))
}

async function planTransition(
  ctx: GateContext,
  db: Knex,
  current: TaskRecord,
  p: Principal,
  body: Pick<TaskEventBodyT, 'type' | 'reason' | 'decision' | 'changes'>,
  departmentCtx: DepartmentContext | null
): Promise<Transition> {
  const { declaration, changed } = applyChanges(current.declaration, body.changes)
  let decider = current.decider
  if (changed.length > 0) {
    // Only a department sends changes (checkEventFields), so its context is there.
    const { jurisdiction } = departmentCtx!
    checkDeclarationShape(declaration)
    await checkTargets(db, declaration, jurisdiction)
    decider = deciderFor(jurisdiction, declaration)
  }
  const screening = body.type === 'SUBMIT' ? screen(ctx, declaration, departmentCtx!.department.sector) : null
  const event = machineEvent(body, screening)
  const step = stepAdmission(current.snapshot, event)
  if (!step.accepted) throw Problems.eventNotAllowed(body.type, current.position.state, current.version)
  const payload: EventPayload = {}
  if (body.reason !== undefined) payload.reason = body.reason
  if (body.decision !== undefined) payload.decision = body.decision
  if (changed.length > 0) payload.changes = changed
  return {
    type: body.type,
    next: step.next,
    position: step.position,
    declaration,
    decider,
    screening,
    payload,
    actor: actorOf(p),
    now: ctx.now().toISOString()
  }
}

/** The server builds the machine's event; the request body never reaches the machine as such. */
function machineEvent(body: Pick<TaskEventBodyT, 'type' | 'reason' | 'decision'>, screening: Screening | null): AdmissionEvent {
  switch (body.type) {
    case 'SUBMIT':
      return { type: 'SUBMIT', outcome: screening!.outcome }
    case 'DECIDE':
      return { type: 'DECIDE', decision: body.decision!, reason: body.reason }
    case 'OFFICE_RETURN':
      return { type: 'OFFICE_RETURN', reason: body.reason! }
    case 'REVISE':
      return { type: 'REVISE' }
    default:
      return { type: body.type, reason: body.reason }
  }
}

async function commit(trx: Knex.Transaction, current: TaskRecord, transition: Transition): Promise<TaskRecord> {
  const result = await commitTransition(trx, current, transition)
  if (!result.ok) {
    throw Problems.versionConflict(result.current.version, result.current.position.state, 'another change to this task was saved first; reload and retry')
  }
  return result.task
}
