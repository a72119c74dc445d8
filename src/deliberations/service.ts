import { randomUUID } from 'node:crypto'
import {
  DELIBERATION_EVENT_ROLES,
  PUBLIC_DELIBERATION_STATES,
  deliberationStateOf,
  enabledDeliberationEvents,
  initialDeliberationSnapshot,
  isPublicDeliberation,
  meetingRefusal,
  stepDeliberation,
  type AssemblyKind,
  type DeliberationEvent,
  type DeliberationEventType,
  type Document,
  type Meeting,
  type MeetingRules,
  type Origin,
  type ReviewOutcome,
  type Track
} from '../../machines/deliberation.js'
import { workingDaysBetween } from '../calendar/working-days.js'
import { addCalendarDays, chinaDate } from '../clock.js'
import type { DueHandler } from '../engine/due.js'
import type { Actor } from '../engine/store.js'
import type { IdempotencyClaim, Row } from '../engine/group-commit.js'
import { reservedFor, type Principal } from '../platform/auth.js'
import { Problem, Problems, problemType } from '../platform/errors.js'
import type { Bilingual } from '../platform/language.js'
import { checkCoveredDates, workingDaysAfter } from '../policy/dates.js'
import { DEFAULT_DELIBERATION } from '../policy/default-pack/deliberation.js'
import type { DeliberationParameters, PolicyPack, Threshold } from '../policy/types.js'
import { SYSTEM_ACTOR, type GateContext } from '../tasks/service.js'
import { planWithdrawalRequest, type WithdrawalAsk } from '../withdrawals/service.js'
import { councilScope, inCouncilScope, placeOf } from './access.js'
import { sittingOn } from './members.js'
import {
  findDeliberation,
  findDeliberationBySeq,
  planDeliberation,
  planDeliberationStep,
  deliberationOf,
  type DeliberationRecord
} from './store.js'

export interface NewDeliberationInput {
  origin: Origin
  proposer?: string
  title: string
  text: string
}

export interface CouncilMeetingInput {
  heldOn: string
  noticeGivenOn: string
  attended: string[]
  votes: { for: string[]; against: string[]; abstain: string[] }
  minutes: string
  documents?: Document[]
}

export interface AssemblyInput {
  kind: AssemblyKind
  heldOn: string
  noticeGivenOn: string
  called: number
  attended: number
  votes: { for: number; against: number; abstain: number }
  minutes: string
  documents?: Document[]
}

export interface JointMeetingInput {
  heldOn: string
  attended?: number
  minutes: string
  documents?: Document[]
}

/** The events a request may carry: the end of a publicity period is the sweeper's alone. */
export type RequestedEventType = Exclude<DeliberationEventType, 'PUBLICITY_ENDED'>

export interface DeliberationEventInput {
  type: RequestedEventType
  version?: number
  track?: Track
  trackReason?: string
  motion?: string
  outcome?: ReviewOutcome
  opinion?: string
  meeting?: CouncilMeetingInput
  assembly?: AssemblyInput
  jointMeeting?: JointMeetingInput
  text?: string
  note?: string
  on?: string
  result?: string
  reason?: string
  /** With a resolution: ask the office to withdraw a task admitted for this community (written only if the meeting adopts it). */
  askWithdrawal?: WithdrawalAsk
}

const actorOf = (p: Principal): Actor => ({ sub: p.sub, role: p.role, org: p.org })

/** The pack's council rules; a pack stored before they existed is read with the default pack's. */
export const deliberationRules = (pack: PolicyPack): DeliberationParameters => pack.parameters.deliberation ?? DEFAULT_DELIBERATION

/** An item the principal may read: its community's, its street's, its district's or city's, or a public one; else 404. */
export async function loadVisibleDeliberation(ctx: GateContext, id: string, p: Principal): Promise<DeliberationRecord> {
  const d = await findDeliberation(ctx.db, id)
  if (d === null || !(inCouncilScope(councilScope(p), d.place) || isPublicDeliberation(d.state))) throw Problems.notFound('deliberation item', id)
  return d
}

/** Step 1 建议: the council or the residents' committee puts an item on the council's table, for its own community. */
export async function proposeDeliberation(ctx: GateContext, p: Principal, input: NewDeliberationInput, claim: IdempotencyClaim | null): Promise<DeliberationRecord> {
  const place = await placeOf(ctx, p.org)
  const snapshot = initialDeliberationSnapshot()
  const written = await ctx.commits.write(
    planDeliberation(
      {
        id: randomUUID(),
        place,
        origin: input.origin,
        proposer: input.proposer ?? null,
        title: input.title,
        text: input.text,
        snapshot,
        state: deliberationStateOf(snapshot.value),
        actor: actorOf(p),
        now: ctx.now().toISOString()
      },
      claim
    )
  )
  return deliberationOf((written as { row: Row }).row)
}

/** Why this principal may not send this event to this item, or null. */
function refusal(d: DeliberationRecord, p: Principal, type: DeliberationEventType): Bilingual | null {
  const allowed = DELIBERATION_EVENT_ROLES[type]
  if (!allowed.includes(p.role)) return reservedFor({ zh: `${type}事件`, en: type }, allowed, p.role)
  if (p.org !== d.place.community) return { zh: `此议事事项属于${d.place.community}，而非${p.org}`, en: `this item is of ${d.place.community}, not of ${p.org}` }
  return null
}

/** What the machine's state alone does not say: filing is a general item's step, a resolution's publication from `resolved` a major one's. */
function fitsTrack(d: DeliberationRecord, type: DeliberationEventType): boolean {
  if (d.state !== 'resolved') return true
  return type === (d.track === 'general' ? 'FILE' : 'PUBLISH')
}

/** The events the item accepts now that this viewer may send: the buttons a client shows. */
export const offeredDeliberationEvents = (d: DeliberationRecord, viewer: Principal): DeliberationEventType[] =>
  enabledDeliberationEvents(d.snapshot).filter((type) => fitsTrack(d, type) && refusal(d, viewer, type) === null)

const share = (t: Threshold) => ({ numerator: t.numerator, denominator: t.denominator, inclusive: t.inclusive })

const meetingProblem = (detail: Bilingual, d: DeliberationRecord) =>
  new Problem(409, problemType('meeting-cannot-decide'), { zh: '会议不能作出决议', en: 'The meeting cannot decide' }, detail, {
    extensions: { currentVersion: d.version, currentState: d.state }
  })

/** The latest day a notice could be given for a meeting on `heldOn`: `days` working days lie after it, up to the meeting day. */
function noticeBy(pack: PolicyPack, heldOn: string, days: number): string {
  let day = heldOn
  while (workingDaysBetween(pack.calendar, day, heldOn) < days) day = addCalendarDays(day, -1)
  return day
}

function checkMeetingDates(pack: PolicyPack, field: string, heldOn: string, noticeGivenOn: string | undefined, today: string): void {
  checkCoveredDates(pack.calendar, [{ field: `${field}.heldOn`, value: heldOn }, ...(noticeGivenOn === undefined ? [] : [{ field: `${field}.noticeGivenOn`, value: noticeGivenOn }])])
  if (heldOn > today) throw Problems.invalid(`${field}.heldOn`, { zh: '不得晚于今天：会议召开后才记录', en: 'must not be in the future: a meeting is recorded once held' })
  if (noticeGivenOn !== undefined && noticeGivenOn > heldOn) throw Problems.invalid(`${field}.noticeGivenOn`, { zh: `不得晚于会议日期（${heldOn}）`, en: `must not be after the meeting (${heldOn})` })
}

/** A council meeting's record, checked against the members who sat on the day. */
async function councilMeeting(ctx: GateContext, d: DeliberationRecord, m: CouncilMeetingInput): Promise<Meeting> {
  const sitting = (await sittingOn(ctx.db, d.place.community, m.heldOn)).map((s) => s.sub)
  if (sitting.length === 0) {
    throw meetingProblem({ zh: `${m.heldOn}议事会没有在任成员`, en: `the council had no sitting members on ${m.heldOn}` }, d)
  }
  const seen = new Set<string>()
  for (const [i, sub] of m.attended.entries()) {
    if (!sitting.includes(sub)) throw Problems.invalid(`meeting.attended[${i}]`, { zh: `“${sub}”不是${m.heldOn}在任的议事会成员`, en: `"${sub}" was no sitting member of the council on ${m.heldOn}` })
    if (seen.has(sub)) throw Problems.invalid(`meeting.attended[${i}]`, { zh: `“${sub}”重复出现`, en: `names "${sub}" twice` })
    seen.add(sub)
  }
  const voted = new Set<string>()
  for (const choice of ['for', 'against', 'abstain'] as const) {
    for (const [i, sub] of m.votes[choice].entries()) {
      const field = `meeting.votes.${choice}[${i}]`
      if (!seen.has(sub)) throw Problems.invalid(field, { zh: `“${sub}”未出席会议，不能表决`, en: `"${sub}" did not attend, so cannot vote` })
      if (voted.has(sub)) throw Problems.invalid(field, { zh: `“${sub}”已表决过一次`, en: `"${sub}" has voted already` })
      voted.add(sub)
    }
  }
  return {
    kind: 'council_meeting',
    heldOn: m.heldOn,
    noticeGivenOn: m.noticeGivenOn,
    called: sitting,
    attended: m.attended,
    absent: sitting.filter((s) => !seen.has(s)),
    votes: m.votes,
    tally: { for: m.votes.for.length, against: m.votes.against.length, abstain: m.votes.abstain.length },
    minutes: m.minutes,
    documents: m.documents ?? []
  }
}

function assemblyMeeting(m: AssemblyInput): Meeting {
  if (m.attended > m.called) throw Problems.invalid('assembly.attended', { zh: `不得多于应到人数（${m.called}）`, en: `must not exceed those called (${m.called})` })
  const cast = m.votes.for + m.votes.against + m.votes.abstain
  if (cast > m.attended) throw Problems.invalid('assembly.votes', { zh: `表决${cast}票，多于出席人数（${m.attended}）`, en: `${cast} votes, more than those present (${m.attended})` })
  return {
    kind: m.kind,
    heldOn: m.heldOn,
    noticeGivenOn: m.noticeGivenOn,
    called: m.called,
    attended: m.attended,
    absent: m.called - m.attended,
    votes: m.votes,
    tally: m.votes,
    minutes: m.minutes,
    documents: m.documents ?? []
  }
}

function rulesFor(pack: PolicyPack, kind: Meeting['kind'], heldOn: string): MeetingRules {
  const r = deliberationRules(pack)
  const [quorum, majority] =
    kind === 'council_meeting'
      ? [r.councilQuorum, r.councilMajority]
      : kind === 'representatives_meeting'
        ? [r.representativesQuorum, r.representativesMajority]
        : [r.residentsQuorum, r.residentsMajority]
  return { quorum: share(quorum), majority: share(majority), noticeBy: noticeBy(pack, heldOn, r.noticeWorkingDays.days), noticeWorkingDays: r.noticeWorkingDays.days }
}

/** The machine's event, built by the server from the body, the clock, the members and the pack. */
async function machineEvent(ctx: GateContext, d: DeliberationRecord, body: DeliberationEventInput, pack: PolicyPack, now: Date): Promise<DeliberationEvent> {
  const at = now.toISOString()
  const today = chinaDate(now)
  const publicity = () => workingDaysAfter(pack.calendar, today, deliberationRules(pack).publicityWorkingDays.days, { zh: '公示期', en: 'the publicity period' })
  const day = (field: string, value: string | undefined): string => {
    if (value === undefined) return today
    checkCoveredDates(pack.calendar, [{ field, value }])
    if (value > today) throw Problems.invalid(field, { zh: '不得晚于今天', en: 'must not be in the future' })
    return value
  }
  switch (body.type) {
    case 'MOTION':
      return { type: 'MOTION', at, track: body.track!, trackReason: body.trackReason!, motion: body.motion! }
    case 'COMMITTEE_REVIEW':
      return { type: 'COMMITTEE_REVIEW', at, outcome: body.outcome!, opinion: body.opinion! }
    case 'COUNCIL_RESOLVE': {
      const m = body.meeting!
      checkMeetingDates(pack, 'meeting', m.heldOn, m.noticeGivenOn, today)
      return { type: 'COUNCIL_RESOLVE', at, meeting: await councilMeeting(ctx, d, m), rules: rulesFor(pack, 'council_meeting', m.heldOn), text: body.text! }
    }
    case 'RESIDENTS_RESOLVE': {
      const m = body.assembly!
      checkMeetingDates(pack, 'assembly', m.heldOn, m.noticeGivenOn, today)
      return { type: 'RESIDENTS_RESOLVE', at, meeting: assemblyMeeting(m), rules: rulesFor(pack, m.kind, m.heldOn), text: body.text! }
    }
    case 'JOINT_REVIEW': {
      const m = body.jointMeeting!
      checkMeetingDates(pack, 'jointMeeting', m.heldOn, undefined, today)
      const meeting: Meeting = {
        kind: 'joint_meeting',
        heldOn: m.heldOn,
        noticeGivenOn: null,
        called: m.attended ?? 0,
        attended: m.attended ?? 0,
        absent: 0,
        votes: null,
        tally: null,
        minutes: m.minutes,
        documents: m.documents ?? []
      }
      return { type: 'JOINT_REVIEW', at, outcome: body.outcome!, opinion: body.opinion!, meeting }
    }
    case 'FILE':
      return { type: 'FILE', at, filedOn: today, note: body.note }
    case 'PUBLISH':
      return { type: 'PUBLISH', at, publishedOn: today, publicityUntil: publicity(), note: body.note }
    case 'PROGRESS':
      return { type: 'PROGRESS', at, note: body.note!, on: day('on', body.on) }
    case 'COMPLETE':
      return { type: 'COMPLETE', at, result: body.result!, on: day('on', body.on), publicityUntil: d.track === 'major' ? publicity() : null }
    case 'WITHDRAW':
      return { type: 'WITHDRAW', at, reason: body.reason! }
  }
}

/** What the history keeps of a request: the body as the server understood it, without `type` and `version`. */
function payloadOf(e: DeliberationEvent): object {
  const { type: _t, at: _a, ...rest } = e as DeliberationEvent & { rules?: unknown }
  return rest
}

/**
 * Optimistic, like the gate: read and compute outside the transaction, then write with a
 * compare-and-set on the version read; a concurrent writer makes it miss (409).
 */
export async function applyDeliberationEvent(ctx: GateContext, id: string, p: Principal, body: DeliberationEventInput, claim: IdempotencyClaim | null): Promise<DeliberationRecord> {
  const current = await loadVisibleDeliberation(ctx, id, p)
  const why = refusal(current, p, body.type)
  if (why !== null) throw Problems.forbidden(why)
  if (body.version !== undefined && body.version !== current.version) throw Problems.staleVersion('deliberation item', current.version, current.state, body.version)
  if (!enabledDeliberationEvents(current.snapshot).includes(body.type) || !fitsTrack(current, body.type)) {
    throw Problems.eventNotAllowed(body.type, current.state, current.version, 'deliberation item')
  }
  const { pack } = await ctx.packs.get(ctx.db)
  const now = ctx.now()
  const event = await machineEvent(ctx, current, body, pack, now)
  // Checked whatever the vote: a resolution may not ask for what no office could grant.
  const ask =
    body.askWithdrawal === undefined
      ? null
      : await planWithdrawalRequest(ctx.db, ctx.orgs, body.askWithdrawal, { deliberationId: current.id, communityId: current.place.community, sub: p.sub, at: now.toISOString() }, 'askWithdrawal')
  const step = stepDeliberation(current.snapshot, event)
  if (!step.accepted) {
    // Enabled in this state and on this track: only a deciding meeting's guard refuses, and it says why.
    const e = event as Extract<DeliberationEvent, { type: 'COUNCIL_RESOLVE' }>
    throw meetingProblem(meetingRefusal(e.meeting, e.rules)!, current)
  }
  // Only an adopted resolution asks: a motion voted down asks nothing of the office.
  const asks = ask !== null && step.next.context.resolution?.adopted === true ? ask : null
  const payload = asks === null ? payloadOf(event) : { ...payloadOf(event), withdrawalRequest: { id: asks.id, task: body.askWithdrawal!.task, reason: body.askWithdrawal!.reason } }
  const result = await ctx.commits.write(
    planDeliberationStep(current, { type: body.type, next: step.next, state: step.state, payload, actor: actorOf(p), now: now.toISOString() }, claim, asks === null ? [] : [asks.rows])
  )
  if (result.ok) return deliberationOf(result.row)
  const found = deliberationOf((result as { conflict: Row }).conflict)
  throw Problems.changedMeanwhile('deliberation item', found.version, found.state)
}

/** The engine's sweeper: a publicity period that has ended moves the item on (to implementation, or to implemented). */
export function deliberationDueHandlers(ctx: GateContext): Map<string, DueHandler> {
  const publicityEnd: DueHandler = async (row) => {
    const d = await findDeliberationBySeq(ctx.db, row.instance_seq)
    if (d === null || (d.state !== 'published' && d.state !== 'result_published')) return 'done'
    const at = ctx.now().toISOString()
    const step = stepDeliberation(d.snapshot, { type: 'PUBLICITY_ENDED', at })
    const s = step as Extract<typeof step, { accepted: true }>
    const result = await ctx.commits.write(
      planDeliberationStep(d, { type: 'PUBLICITY_ENDED', next: s.next, state: s.state, payload: { publicityUntil: d.snapshot.context.publicityUntil }, actor: SYSTEM_ACTOR, now: at }, null)
    )
    return result.ok ? 'stepped' : 'later'
  }
  return new Map([['deliberation\u0000publicity_end', publicityEnd]])
}

export { PUBLIC_DELIBERATION_STATES }
