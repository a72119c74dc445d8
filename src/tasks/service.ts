import { randomUUID } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import type { Knex } from 'knex'
import { EVENT_ROLES, isPublicState, tally, type AdmissionEvent, type AdmissionEventType } from '../../machines/admission.js'
import { admissionRuntime, enabledEvents, initialAdmissionSnapshot, mustStep, positionOf, stepAdmission, type AdmissionPosition } from '../../machines/runtime.js'
import { addCalendarDays, chinaDate } from '../clock.js'
import { administersAll, reservedFor, type Principal } from '../platform/auth.js'
import { Problems } from '../platform/errors.js'
import type { Bilingual } from '../platform/language.js'
import { screenTask } from '../policy/screen.js'
import { checkToday, workingDaysAfter } from '../policy/dates.js'
import { amendPack } from '../policy/pack.js'
import type { PolicyPack, PolicyRef, Screening, TaskDeclaration } from '../policy/types.js'
import type { TaskEventBodyT, TaskInputT, TaskViewT } from './schemas.js'
import { getOrgUnit, jurisdictionOf, type OrgUnit } from '../policy/org-units.js'
import { ORG_KIND_NAMES, isTargetRole } from '../roles.js'
import type { OrgDirectory } from '../policy/org-directory.js'
import type { GroupCommitter, IdempotencyClaim, RelatedRows, WriteResult } from '../engine/group-commit.js'
import { fromJson, uniquely } from '../engine/db.js'
import { listMembers, type GroupMember } from '../leading-groups/store.js'
import { findWithdrawalRequest, pendingRequestsOf, withdrawalAnswerRows, type WithdrawalRequestRecord } from '../withdrawals/store.js'
import { ensurePack, lockPackHead, storedPack, type CurrentPack } from '../policy/pack-store.js'
import {
  draftRecord,
  findTask,
  planCreate,
  planStep,
  recordOf,
  findingsOf,
  lastSubmission,
  policyOf,
  type Actor,
  type Deadline,
  type EventPayload,
  type NewTask,
  type TaskRecord,
  type Transition,
  type Visibility
} from './store.js'
import { applyChanges, checkDeclarationShape, checkInvited, checkTargets, deciderFor, normalizeDeclaration } from './declaration.js'

export interface GateContext {
  db: Knex
  packs: CurrentPack
  orgs: OrgDirectory
  commits: GroupCommitter
  now: () => Date
}

const actorOf = (p: Principal): Actor => ({ sub: p.sub, role: p.role, org: p.org })

/** The gate itself, when a date rather than a person moves a task. */
export const SYSTEM_ACTOR: Actor = { sub: 'zhunru-system', role: 'admin', org: null }

/** Reviewers see who voted how; departments, communities and the public see the tally and the decision. */
export const SEES_VOTES: readonly Principal['role'][] = ['office', 'leading_group', 'admin']

/**
 * A task as clients see it. The `electorate` (members of the deciding group minus the
 * recused) is known only where the caller looked the group up; without it the
 * running tally is left out.
 */
export function toTaskView(t: TaskRecord, viewer: Principal | null, offered: readonly string[], electorate: readonly string[] | null = null, quorum = 0.5): TaskViewT {
  const d = t.declaration
  const c = t.snapshot.context
  const showVotes = viewer !== null && SEES_VOTES.includes(viewer.role)
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
    enabledEvents: [...offered],
    review: {
      ...t.deadline,
      consultation: c.consultation,
      tally: electorate === null || t.position.stage !== 'leading_group' ? null : tally(c.votes, electorate, quorum),
      votes: showVotes ? Object.entries(c.votes).map(([member, v]) => ({ member, ...v, counted: electorate === null ? null : electorate.includes(member) })) : null,
      decision: c.decision
    },
    createdAt: t.createdAt,
    updatedAt: t.updatedAt
  } as TaskViewT
}

type MembersOf = (orgUnit: string) => Promise<GroupMember[]>

/** One task's view, with the running tally when the group is voting on it. */
export async function taskView(ctx: GateContext, t: TaskRecord, viewer: Principal | null, membersOf: MembersOf = (org) => listMembers(ctx.db, org)): Promise<TaskViewT> {
  const members = t.position.stage === 'leading_group' ? await membersOf(t.decider.orgUnit) : null
  const offered = await offeredEvents(ctx, t, viewer, members)
  if (members === null) return toTaskView(t, viewer, offered)
  const { pack } = await ctx.packs.get(ctx.db)
  return toTaskView(t, viewer, offered, electorateOf(members, t), pack.parameters.quorum)
}

/** Views of a page of tasks: each deciding group's members are read once. */
export async function taskViews(ctx: GateContext, tasks: readonly TaskRecord[], viewer: Principal | null): Promise<TaskViewT[]> {
  const groups = new Map<string, Promise<GroupMember[]>>()
  const membersOf: MembersOf = (org) => {
    let found = groups.get(org)
    if (found === undefined) groups.set(org, (found = listMembers(ctx.db, org)))
    return found
  }
  return Promise.all(tasks.map((t) => taskView(ctx, t, viewer, membersOf)))
}

/**
 * The events this viewer may send the task now: those the machine accepts, less those
 * the viewer may not send (another department's task, another jurisdiction's review,
 * a recused member's vote). The public is offered none.
 */
async function offeredEvents(ctx: GateContext, t: TaskRecord, viewer: Principal | null, members: GroupMember[] | null): Promise<AdmissionEventType[]> {
  if (viewer === null) return []
  const candidates = (enabledEvents(t.snapshot) as AdmissionEventType[]).filter((type) => EVENT_ROLES[type].includes(viewer.role))
  if (candidates.length === 0) return []
  const facts: EventFacts = { departmentCtx: null, group: null }
  if (members !== null) facts.group = { members, me: members.find((m) => m.sub === viewer.sub) ?? null, electorate: [] }
  if (isTargetRole(viewer.role) && candidates.includes('CONSULTATION_REPLY')) {
    facts.replierWithin = (await ctx.orgs.lineage(ctx.db, viewer.org)).some((u) => u.id === t.jurisdictionId)
  }
  // Keeping a task is an answer: offered only while a council's request awaits one (the event names it).
  const awaiting = candidates.includes('DECLINE_WITHDRAWAL') && (await pendingRequestsOf(ctx.db, t.id)).length > 0
  return candidates.filter((type) => refusal(t, viewer, type, facts) === null && (type !== 'DECLINE_WITHDRAWAL' || awaiting))
}

/** What a principal may read: admitted tasks are public; the rest belongs to its parties. */
export function visibilityFor(p: Principal | null): Visibility {
  if (p === null) return { kind: 'admitted' }
  switch (p.role) {
    case 'admin':
      // A district's admin reads what its district decides, as its office does.
      return administersAll(p) ? { kind: 'all' } : { kind: 'jurisdiction', orgUnit: p.org }
    case 'department':
      return { kind: 'department', departmentId: p.org }
    case 'office':
    case 'leading_group':
      return { kind: 'jurisdiction', orgUnit: p.org }
    case 'street':
    case 'community':
      return { kind: 'target', orgUnit: p.org }
    // The council is no party to a task: it reads what is public, as residents do.
    case 'council':
      return { kind: 'admitted' }
  }
}

/**
 * Whether a principal is a party to the task: its department, the reviewers of its
 * jurisdiction, an admin, or a community asked to reply in its open consultation.
 */
export function isParty(v: Visibility, t: TaskRecord): boolean {
  if (v.kind === 'all') return true
  if (v.kind === 'department') return t.departmentId === v.departmentId
  if (v.kind === 'jurisdiction') return t.jurisdictionId === v.orgUnit
  if (v.kind === 'target') {
    const c = t.snapshot.context.consultation
    return t.position.stage === 'consultation' && (c!.mode === 'public_notice' || c!.invited.includes(v.orgUnit))
  }
  return false
}

/** Admitted tasks and their contracts are public (wuhan-2015 解读2); the rest only its parties see. */
export const canSee = (v: Visibility, t: TaskRecord): boolean => isPublicState(t.position.state) || isParty(v, t)

/**
 * Loads a task the principal may see; one it may not see is reported as missing,
 * not forbidden. The history, with the officials who acted, is for parties only.
 */
export async function loadVisibleTask(db: Knex, id: string, p: Principal | null, partiesOnly = false): Promise<TaskRecord> {
  const task = await findTask(db, id)
  const v = visibilityFor(p)
  if (task === null || !(partiesOnly ? isParty(v, task) : canSee(v, task))) throw Problems.notFound('task', id)
  return task
}

interface DepartmentContext {
  department: OrgUnit
  /** The city or district whose group decides (wuhan-2015 解读3). */
  jurisdiction: OrgUnit
  /** Where the department may send work: a street's own department only to its street. */
  reach: OrgUnit
}

async function departmentContext(ctx: GateContext, departmentId: string): Promise<DepartmentContext> {
  // A department's token names a department (the principal check), and so does a task.
  const chain = await ctx.orgs.lineage(ctx.db, departmentId)
  const parent = chain[1]!
  const jurisdiction = jurisdictionOf(chain)
  return { department: chain[0], jurisdiction, reach: parent.kind === 'street' ? parent : jurisdiction }
}

/** `db` is the transaction when there is one: with SQLite's single connection, reaching past it would wait forever. */
export async function screen(ctx: GateContext, db: Knex, d: TaskDeclaration, sector: string | null, jurisdiction: string | null): Promise<Screening> {
  const { pack, ref } = await ctx.packs.get(db)
  const today = chinaDate(ctx.now())
  checkToday(pack.calendar, today)
  return screenTask(d, { sector, jurisdiction, submittedOn: today }, pack, ref)
}

/** POST /v1/screenings: the sector decides whether a catalog claim matches, so a department may be named. */
export async function dryRun(ctx: GateContext, input: TaskInputT, departmentId: string | null): Promise<Screening> {
  const d = normalizeDeclaration(input)
  checkDeclarationShape(d, (await ctx.packs.forPlanning(ctx.db)).loaded.pack.calendar)
  if (departmentId === null) return screen(ctx, ctx.db, d, null, null)
  const department = await getOrgUnit(ctx.db, departmentId)
  if (department?.kind !== 'department') {
    throw Problems.validation({ zh: `“${departmentId}”不是部门`, en: `"${departmentId}" is not a department` }, [
      { field: 'department', message: { zh: '须为部门的编号', en: 'must be the id of a department org unit' } }
    ])
  }
  return screen(ctx, ctx.db, d, department.sector, jurisdictionOf(await ctx.orgs.lineage(ctx.db, department.id)).id)
}

export async function createTask(ctx: GateContext, p: Principal, input: TaskInputT, submit: boolean, claim: IdempotencyClaim | null = null): Promise<TaskRecord> {
  const d = normalizeDeclaration(input)
  checkDeclarationShape(d, (await ctx.packs.forPlanning(ctx.db)).loaded.pack.calendar)
  const departmentCtx = await departmentContext(ctx, p.org)
  await checkTargets(ctx.orgs, ctx.db, d, departmentCtx.reach)
  const snapshot = initialAdmissionSnapshot()
  const draft: NewTask = {
    id: randomUUID(),
    departmentId: departmentCtx.department.id,
    jurisdictionId: departmentCtx.jurisdiction.id,
    declaration: d,
    decider: deciderFor(departmentCtx.jurisdiction, d),
    snapshot,
    position: positionOf(snapshot.value),
    actor: actorOf(p),
    now: ctx.now().toISOString()
  }
  // Creating and submitting in one call is one write: no draft is left behind if the submit fails.
  for (;;) {
    const planned = submit ? await planTransition(ctx, ctx.db, draftRecord(draft), p, { type: 'SUBMIT' }, { departmentCtx, group: null }) : null
    const task = settled(await ctx.commits.write(planCreate(draft, planned, planned?.packSeq ?? null, claim)))
    if (task !== null) return task
  }
}

/** The task a write produced; null when it was planned with a pack no longer in force and must be planned again. */
function settled(result: WriteResult): TaskRecord | null {
  if (result.ok) return recordOf(result.row)
  if ('stalePack' in result) return null
  const current = recordOf(result.conflict)
  throw Problems.changedMeanwhile('task', current.version, current.position.state)
}

/** What the server looked up for an event: who the department is, and the deciding group. */
interface EventFacts {
  departmentCtx: DepartmentContext | null
  group: { members: GroupMember[]; me: GroupMember | null; electorate: string[] } | null
  /** A community replying: whether it lies in the task's jurisdiction (a public notice asks those, not every city's). */
  replierWithin?: boolean
  /** The residents' council request a REVOKE or DECLINE_WITHDRAWAL names; null when it names none (or one that does not exist). */
  withdrawal?: WithdrawalRequestRecord | null
  /** REVOKE: the requests still waiting for an answer, which a revocation answers all at once. */
  pendingWithdrawals?: WithdrawalRequestRecord[]
}

async function eventFacts(ctx: GateContext, task: TaskRecord, p: Principal, body: TaskEventBodyT): Promise<EventFacts> {
  const departmentCtx = p.role === 'department' ? await departmentContext(ctx, task.departmentId) : null
  if (body.type === 'REVOKE' || body.type === 'DECLINE_WITHDRAWAL') {
    return {
      departmentCtx,
      group: null,
      withdrawal: body.withdrawalRequest === undefined ? null : await findWithdrawalRequest(ctx.db, body.withdrawalRequest),
      pendingWithdrawals: body.type === 'REVOKE' ? await pendingRequestsOf(ctx.db, task.id) : []
    }
  }
  if (isTargetRole(p.role) && body.type === 'CONSULTATION_REPLY') {
    const chain = await ctx.orgs.lineage(ctx.db, p.org)
    return { departmentCtx, group: null, replierWithin: chain.some((u) => u.id === task.jurisdictionId) }
  }
  if (body.type !== 'VOTE' && body.type !== 'DECIDE') return { departmentCtx, group: null }
  const members = await listMembers(ctx.db, task.decider.orgUnit)
  return {
    departmentCtx,
    group: {
      members,
      me: members.find((m) => m.sub === p.sub) ?? null,
      electorate: electorateOf(members, task)
    }
  }
}

/** Who may vote on the task: the group's members, less those from the submitting department. */
const electorateOf = (members: readonly GroupMember[], task: TaskRecord): string[] => members.filter((m) => m.homeDepartment !== task.departmentId).map((m) => m.sub)

/**
 * Who records the group's decision on a department's task, and why (wuhan-2015 解读3): the
 * chair; the deputy chair when the chair comes from that department and recuses, or when the
 * group has no chair; nobody when neither may, until an admin names one who may.
 */
export function decisionRecorder(members: readonly GroupMember[], departmentId: string): { recorder: GroupMember | null; because: Bilingual } {
  const recuses = (m: GroupMember) => m.homeDepartment === departmentId
  const chair = members.find((m) => m.position === 'chair')
  const deputy = members.find((m) => m.position === 'deputy_chair')
  if (chair !== undefined && !recuses(chair)) {
    return { recorder: chair, because: { zh: `集体决定由组长${chair.sub}记录`, en: `the chair, ${chair.sub}, records the collective decision` } }
  }
  const noChair =
    chair === undefined
      ? { zh: '本小组暂无组长', en: 'the group has no chair' }
      : { zh: `组长${chair.sub}来自${departmentId}，须回避`, en: `the chair, ${chair.sub}, comes from ${departmentId} and recuses` }
  if (deputy !== undefined && !recuses(deputy)) {
    return { recorder: deputy, because: { zh: `${noChair.zh}，集体决定由副组长${deputy.sub}记录`, en: `${noChair.en}: the deputy chair, ${deputy.sub}, records the collective decision` } }
  }
  const noDeputy =
    deputy === undefined
      ? { zh: '也无副组长', en: 'there is no deputy chair' }
      : { zh: `副组长${deputy.sub}也来自${departmentId}，须回避`, en: `the deputy chair, ${deputy.sub}, comes from ${departmentId} too` }
  return {
    recorder: null,
    because: { zh: `${noChair.zh}，${noDeputy.zh}：须由管理员任命可记录该决定的组长或副组长`, en: `${noChair.en} and ${noDeputy.en}: an admin must name a chair or deputy chair who may record it` }
  }
}

/**
 * Why this principal may not send this event to this task, or null when it may (the
 * machine still decides whether the task accepts it now). The one rule both for
 * refusing an event and for listing the events a caller is offered.
 */
function refusal(task: TaskRecord, p: Principal, type: AdmissionEventType, facts: EventFacts): Bilingual | null {
  const allowed = EVENT_ROLES[type]
  if (!allowed.includes(p.role)) return reservedFor({ zh: `${type}事件`, en: type }, allowed, p.role)
  if (p.role === 'department' && task.departmentId !== p.org) return { zh: '部门只能处理本部门的任务', en: 'a department acts only on its own tasks' }
  if ((p.role === 'office' || p.role === 'leading_group') && task.decider.orgUnit !== p.org) {
    return { zh: `该任务由${task.decider.orgUnit}研究决定，而非${p.org}`, en: `this task is decided in ${task.decider.orgUnit}, not in ${p.org}` }
  }
  if (isTargetRole(p.role) && !isParty(visibilityFor(p), task)) {
    const unit = ORG_KIND_NAMES[p.role]
    return { zh: `本${unit.zh}未被邀请就该任务反馈意见`, en: `this ${unit.en} was not asked to reply on this task` }
  }
  if (facts.replierWithin === false) {
    return { zh: `只有${task.jurisdictionId}辖区内的街道和社区可就该任务的征求意见作出反馈`, en: `only streets and communities of ${task.jurisdictionId} reply to its consultations` }
  }
  if (type === 'VOTE' || type === 'DECIDE') {
    const me = facts.group?.me ?? null
    if (me === null) return { zh: `${p.sub}不是${task.decider.orgUnit}领导小组的成员`, en: `${p.sub} is not a member of the ${task.decider.orgUnit} leading group` }
    if (type === 'DECIDE') {
      const { recorder, because } = decisionRecorder(facts.group!.members, task.departmentId)
      if (recorder?.sub !== me.sub) return { zh: `${p.sub}不能记录该任务的集体决定：${because.zh}`, en: `${p.sub} may not record this task's decision: ${because.en}` }
      return null
    }
    // A member from the submitting department does not judge its own department's task.
    if (me.homeDepartment === task.departmentId) return { zh: `${p.sub}来自${task.departmentId}，须回避`, en: `${p.sub} comes from ${task.departmentId} and must recuse` }
  }
  return null
}

function authorizeEvent(task: TaskRecord, p: Principal, body: TaskEventBodyT, facts: EventFacts): void {
  const why = refusal(task, p, body.type, facts)
  if (why !== null) throw Problems.forbidden(why)
}

/**
 * What the events body's schema cannot say (which fields go with which event it does,
 * TASK_EVENT_TAKES in schemas/task.ts): the rules between a field's value and another's.
 */
function checkEventFields(body: TaskEventBodyT): void {
  if (body.type === 'DECIDE' && body.decision !== 'approve' && body.reason === undefined) {
    throw Problems.invalid('reason', { zh: `在决定为“${body.decision}”时为必填项`, en: `is required to ${body.decision}` })
  }
  if (body.amendCatalog !== undefined && body.decision !== 'approve') {
    throw Problems.invalid('amendCatalog', { zh: '仅可随“approve”决定提交', en: 'only goes with an approval' })
  }
  if (body.consultation?.mode === 'sample' && body.consultation.invited.length === 0) {
    throw Problems.invalid('consultation.invited', { zh: '须列明征求意见的街道和社区', en: 'must name the streets and communities asked' })
  }
}

/** The request a REVOKE or DECLINE_WITHDRAWAL names is this task's, and not answered yet. */
function checkWithdrawalAnswered(task: TaskRecord, body: TaskEventBodyT, facts: EventFacts): void {
  if (body.withdrawalRequest === undefined) return
  const request = facts.withdrawal ?? null
  if (request === null || request.taskId !== task.id) {
    throw Problems.invalid('withdrawalRequest', { zh: `不是针对任务“${task.id}”的撤回请求`, en: `is not a request to withdraw task "${task.id}"` })
  }
  if (request.answer !== null) {
    throw Problems.versionConflict(task.version, task.position.state, {
      zh: `该撤回请求已于${request.answer.decidedAt}由${request.answer.decidedBy}答复`,
      en: `this request was answered by ${request.answer.decidedBy} at ${request.answer.decidedAt}`
    })
  }
}

/**
 * Optimistic: the task is read and the transition computed outside the
 * transaction; the transaction only writes, with a compare-and-set on the
 * version read. A concurrent writer makes the CAS miss and the caller gets 409.
 */
export async function applyEvent(ctx: GateContext, id: string, p: Principal, body: TaskEventBodyT, claim: IdempotencyClaim | null = null): Promise<TaskRecord> {
  const current = await findTask(ctx.db, id)
  if (current === null) throw Problems.notFound('task', id)
  // A department never learns of another department's drafts; reviewers of the
  // wrong jurisdiction are told plainly that the task is not theirs to act on.
  if (p.role === 'department' && !canSee(visibilityFor(p), current)) throw Problems.notFound('task', id)
  checkEventFields(body)
  let facts = await eventFacts(ctx, current, p, body)
  authorizeEvent(current, p, body, facts)
  checkWithdrawalAnswered(current, body, facts)
  if (body.version !== undefined && body.version !== current.version) {
    throw Problems.staleVersion('task', current.version, current.position.state, body.version)
  }
  for (let from = current; ; ) {
    const transition = await planTransition(ctx, ctx.db, from, p, body, facts)
    // An approval that amends the catalog publishes a pack: rare, and written on its own.
    if (transition.amendment !== null) return ctx.db.transaction((trx) => commit(ctx, trx, from, transition, claim))
    const result = await ctx.commits.write(planStep(from, transition, transition.packSeq, claim, transition.related))
    if (!result.ok && 'conflict' in result) {
      // A vote or a reply does not depend on another member's vote or another community's
      // reply saved meanwhile: planned again on the newer task, unless the client asked for
      // the version it saw.
      const found = recordOf(result.conflict)
      if (body.version === undefined && admissionRuntime.commutes(body.type, from.snapshot, found.snapshot)) {
        // Who may send it is asked again of the newer task: a consultation reopened with other
        // invitees, or a group whose membership changed, decides anew.
        facts = await eventFacts(ctx, found, p, body)
        authorizeEvent(found, p, body, facts)
        from = found
        continue
      }
    }
    const task = settled(result)
    if (task !== null) return task
  }
}

type EventBody = Pick<TaskEventBodyT, 'type'> & Partial<TaskEventBodyT>

async function planTransition(ctx: GateContext, db: Knex, current: TaskRecord, p: Principal, body: EventBody, facts: EventFacts): Promise<PlannedTransition> {
  const {
    seq: packSeq,
    loaded: { pack, ref }
  } = await ctx.packs.forPlanning(db)
  const now = ctx.now()
  const { declaration, changed } = applyChanges(current.declaration, body.changes)
  let decider = current.decider
  if (changed.length > 0) {
    // Only a department sends changes (the events body, EVENT_ROLES), so its context is there.
    const { jurisdiction, reach } = facts.departmentCtx!
    checkDeclarationShape(declaration, pack.calendar)
    await checkTargets(ctx.orgs, db, declaration, reach)
    decider = deciderFor(jurisdiction, declaration)
  }
  if (body.consultation !== undefined) {
    await checkInvited(ctx.orgs, db, body.consultation.invited, (await getOrgUnit(db, current.decider.orgUnit))!)
  }
  const sector = body.type === 'SUBMIT' ? facts.departmentCtx!.department.sector : null
  const jurisdiction = body.type === 'SUBMIT' ? facts.departmentCtx!.jurisdiction.id : null
  if (body.type === 'SUBMIT') checkToday(pack.calendar, chinaDate(now))
  const screening = body.type === 'SUBMIT' ? screenTask(declaration, { sector, jurisdiction, submittedOn: chinaDate(now) }, pack, ref) : null
  const event = machineEvent(body, { screening, p, now, electorate: facts.group?.electorate ?? [], quorum: pack.parameters.quorum })
  const step = stepAdmission(current.snapshot, event)
  if (!step.accepted) throw notAccepted(current, body, facts, pack.parameters.quorum)
  const payload: EventPayload = {}
  if (body.reason !== undefined) payload.reason = body.reason
  if (body.decision !== undefined) payload.decision = body.decision
  if (body.vote !== undefined) payload.vote = body.vote
  if (body.minutes !== undefined) payload.minutes = body.minutes
  if (body.consultation !== undefined) payload.consultation = body.consultation
  if (body.reply !== undefined) payload.reply = body.reply
  if (changed.length > 0) payload.changes = changed
  if (screening !== null) Object.assign(payload, { declaration, sector, jurisdiction })
  // A revocation answers every request still waiting (they all asked for it); keeping the task answers the one it names.
  // The task's history names the request and the resolution it answers; each request learns its answer from the same write.
  const named = facts.withdrawal ?? null
  const answered = body.type === 'REVOKE' ? facts.pendingWithdrawals! : named === null ? [] : [named]
  const link = named ?? answered[0] ?? null
  if (link !== null) Object.assign(payload, { withdrawalRequest: link.id, deliberation: link.deliberationId })
  return {
    type: body.type,
    next: step.next,
    position: step.position,
    declaration,
    decider,
    deadline: deadlineFor(current, declaration, step.position, chinaDate(now), pack),
    // A revision makes the last screening moot: the task is screened again when resubmitted.
    screening: body.type === 'SUBMIT' ? screening : body.type === 'REVISE' ? null : undefined,
    payload,
    actor: actorOf(p),
    now: now.toISOString(),
    amendment: body.amendCatalog === undefined ? null : { ...body.amendCatalog, departmentId: current.departmentId },
    packSeq,
    related: answered.map((r) =>
      withdrawalAnswerRows(r.id, { decision: body.type === 'REVOKE' ? 'revoke' : 'keep', reason: body.reason!, decidedBy: p.sub, decidedAt: now.toISOString() })
    )
  }
}

/** Why the machine refused: a quorum or majority the chair lacks is said plainly. */
function notAccepted(current: TaskRecord, body: EventBody, facts: EventFacts, quorum: number) {
  if (body.type === 'DECIDE' && current.position.stage === 'leading_group') {
    const t = tally(current.snapshot.context.votes, facts.group!.electorate, quorum)
    const detail = !t.quorumMet
      ? {
          zh: `未达到法定人数：${t.eligible}名有表决权的成员中${t.voted}人投票，须超过${quorum * 100}%`,
          en: `no quorum: ${t.voted} of ${t.eligible} eligible members voted; more than ${quorum * 100}% must`
        }
      : {
          zh: `表决结果（同意${t.approve}票、不予准入${t.reject}票、退回修改${t.return}票）不足以作出“${body.decision}”决定`,
          en: `the votes (approve ${t.approve}, reject ${t.reject}, return ${t.return}) do not carry "${body.decision}"`
        }
    return Problems.decisionNotCarried(detail, current.version, current.position.state)
  }
  return Problems.eventNotAllowed(body.type, current.position.state, current.version)
}

/** The server builds the machine's event; the request body never reaches the machine as such. */
function machineEvent(
  body: EventBody,
  f: { screening: Screening | null; p: Principal; now: Date; electorate: readonly string[]; quorum: number }
): AdmissionEvent {
  const at = f.now.toISOString()
  switch (body.type) {
    case 'SUBMIT':
      return { type: 'SUBMIT', outcome: f.screening!.outcome }
    case 'REVISE':
      return { type: 'REVISE' }
    case 'OFFICE_RETURN':
      return { type: 'OFFICE_RETURN', reason: body.reason! }
    case 'OPEN_CONSULTATION':
      return { type: 'OPEN_CONSULTATION', mode: body.consultation!.mode, invited: body.consultation!.invited, reason: body.reason }
    case 'CONSULTATION_REPLY':
      return { type: 'CONSULTATION_REPLY', reply: { from: f.p.sub, role: f.p.role, org: f.p.org, text: body.reply!, at } }
    case 'VOTE':
      return { type: 'VOTE', member: f.p.sub, vote: { vote: body.vote!, reason: body.reason!, at } }
    case 'DECIDE':
      return { type: 'DECIDE', decision: body.decision!, reason: body.reason, minutes: body.minutes!, chair: f.p.sub, electorate: f.electorate, quorum: f.quorum, at }
    default:
      return { type: body.type as 'WITHDRAW' | 'PUT_ON_AGENDA' | 'CLOSE_CONSULTATION' | 'RESUME' | 'SUSPEND' | 'REVOKE' | 'DECLINE_WITHDRAWAL', reason: body.reason! }
  }
}

const DEADLINE_NAMES = {
  office_review: { zh: '办公室预审期限', en: "the office's review deadline" },
  decision: { zh: '领导小组决定期限', en: "the leading group's decision deadline" }
}

/**
 * The working-day deadline of the stage the task enters: the office
 * pre-reviews within M working days of the escalation, the group decides within N.
 */
export function deadlineFor(current: TaskRecord, d: TaskDeclaration, next: AdmissionPosition, today: string, pack: PolicyPack): Deadline {
  // An agreement moves by its period: active on the first day, completed the day after the last.
  if (next.state === 'admitted') return { escalatedOn: null, dueOn: d.period.start, dueKind: 'period_start', overdue: false }
  if (next.state === 'active') return { escalatedOn: null, dueOn: addCalendarDays(d.period.end, 1), dueKind: 'period_end', overdue: false }
  if (next.state !== 'escalated') return { escalatedOn: null, dueOn: null, dueKind: null, overdue: false }
  const escalatedOn = current.deadline.escalatedOn ?? today
  const dueKind = next.stage === 'office_review' ? 'office_review' : 'decision'
  const days = dueKind === 'office_review' ? pack.parameters.officeReviewWorkingDays : pack.parameters.decisionWorkingDays
  const dueOn = workingDaysAfter(pack.calendar, escalatedOn, days, DEADLINE_NAMES[dueKind])
  // Within one escalation a deadline never moves earlier: closing a consultation does not
  // make the office late for the time the consultation took.
  const earlier = current.deadline.escalatedOn === escalatedOn && current.deadline.dueOn! > dueOn
  if (earlier) return current.deadline
  return { escalatedOn, dueOn, dueKind, overdue: dueOn === current.deadline.dueOn && current.deadline.overdue }
}

interface PlannedTransition extends Transition {
  amendment: { name?: string; fundingMinimum: number; departmentId: string } | null
  /** The pack the plan used: the group commit refuses the write if another is in force by then. */
  packSeq: number
  /** Rows of other tables that commit with the step: the answer to a council's withdrawal request. */
  related: RelatedRows[]
}

async function commit(ctx: GateContext, trx: Knex.Transaction, current: TaskRecord, transition: PlannedTransition, claim: IdempotencyClaim | null): Promise<TaskRecord> {
  if (transition.amendment !== null) {
    transition.payload.amendment = await amendCatalog(ctx, trx, current, transition)
  }
  // Thrown inside the transaction: a conflict also undoes the amended pack.
  return settled(await ctx.commits.writeIn(trx, planStep(current, transition, null, claim)))!
}

/** The answer to a decision whose catalog amendment lost the race to another's. */
export const amendedMeanwhile = (task: TaskRecord) =>
  Problems.versionConflict(task.version, task.position.state, { zh: '另一项决定同时修改了清单，请重试', en: 'the catalog was amended at the same moment by another decision; retry' })

/**
 * An approval that adds the item to assisted_tasks publishes a new pack version
 * in the same transaction as the decision: both happen or neither does.
 */
async function amendCatalog(ctx: GateContext, trx: Knex.Transaction, task: TaskRecord, t: PlannedTransition): Promise<{ code: string; policy: PolicyRef }> {
  await lockPackHead(trx)
  const { pack } = await ctx.packs.get(trx)
  const department = (await getOrgUnit(trx, t.amendment!.departmentId))!
  const d = t.declaration
  const decision = `${task.decider.orgUnit} 领导小组集体研究决定 ${chinaDate(new Date(t.now))}, task ${task.id}`
  const { pack: amended, code } = amendPack(pack, d.targetLevel, {
    name: t.amendment!.name ?? d.title,
    sector: department.sector!,
    responsibleDepartment: department.name,
    legalBasis: d.legalBasis.map((b) => `${b.title}${b.article ?? ''}`).join('；'),
    fundingRequired: true,
    fundingStandard: { yuan: t.amendment!.fundingMinimum, per: 'target', source: decision },
    source: decision,
    titles: [d.title],
    kinds: [d.kind],
    jurisdiction: task.decider.orgUnit
  })
  // Two decisions amending at once: whether the other's version is already stored or still
  // being inserted, this one is a conflict to retry, never a server error.
  const conflict = amendedMeanwhile.bind(null, task)
  const loaded = await uniquely(() => ensurePack(trx, amended, t.now, conflict, { via: 'decision', task: task.id, orgUnit: task.decider.orgUnit }), conflict)
  return { code, policy: loaded.ref }
}

/**
 * Re-explains the task's last screening: `original` re-runs it on the declaration,
 * sector, date and catalog version it was made with (so a decision can be explained
 * years later); `current` runs the same declaration against the catalog in force today.
 */
export async function reexplain(ctx: GateContext, task: TaskRecord, asOf: 'original' | 'current'): Promise<{ asOf: 'original' | 'current'; screenedOn: string; screening: Screening; sameAsRecorded: boolean }> {
  const submission = await lastSubmission(ctx.db, task.seq)
  if (submission === null) throw Problems.notScreened(task.id, task.version, task.position.state)
  const payload = fromJson<EventPayload>(submission.payload)
  if (payload.declaration === undefined) {
    throw Problems.notScreened(task.id, task.version, task.position.state, {
      zh: '提交时系统尚未随提交记录申报内容',
      en: 'was screened before declarations were recorded with each submission'
    })
  }
  const recorded = { outcome: submission.outcome, findings: findingsOf(submission), policy: policyOf(submission) }
  const loaded = asOf === 'original' ? await storedPack(ctx.db, recorded.policy!) : await ctx.packs.get(ctx.db)
  const screenedOn = asOf === 'original' ? chinaDate(new Date(submission.created_at)) : chinaDate(ctx.now())
  // The original is history and is re-run as it was; today's re-run counts from today.
  if (asOf === 'current') checkToday(loaded.pack.calendar, screenedOn)
  const screening = screenTask(payload.declaration!, { sector: payload.sector as string | null, jurisdiction: payload.jurisdiction as string | null, submittedOn: screenedOn }, loaded.pack, loaded.ref)
  return { asOf, screenedOn, screening, sameAsRecorded: isDeepStrictEqual(screening, recorded) }
}

/**
 * A transition nobody asked for: the period started or ended. The sweeper sends it
 * through the same machine and the same compare-and-set; a lost race is no error.
 */
export async function systemTransition(ctx: GateContext, task: TaskRecord, event: { type: 'ACTIVATE' | 'COMPLETE' }): Promise<boolean> {
  const step = mustStep(task.snapshot, event)
  const { pack } = await ctx.packs.get(ctx.db)
  const now = ctx.now()
  const result = await ctx.commits.write(
    planStep(task, {
      type: event.type,
      next: step.next,
      position: step.position,
      declaration: task.declaration,
      decider: task.decider,
      deadline: deadlineFor(task, task.declaration, step.position, chinaDate(now), pack),
      payload: {},
      actor: SYSTEM_ACTOR,
      now: now.toISOString()
    }, null)
  )
  return result.ok
}
