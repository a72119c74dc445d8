import { assertEvent, assign, setup, type StateValue } from 'xstate'
import { WorkflowRuntime, type StoredSnapshot, type Workflow } from '../src/engine/workflow.js'
import type { Role } from '../src/roles.js'

/**
 * The residents' deliberation council's six steps (议事会六步工作法; zhangjiagang-2016 四(二)四):
 * an item is proposed (建议), the council discusses it and writes a motion for the two committees
 * (提议), and the motion says which track it takes. A general item is then decided by a council
 * meeting (决议), filed with the two committees (备案), published (公开) and carried out by the
 * residents' committee (实施). A major item is reviewed by a joint meeting of the two committees
 * (审议), resolved by the residents' meeting or the residents' representatives' meeting (决议),
 * published (决议公开), and the result of carrying it out is published too (实施结果公开).
 *
 * Pure: no I/O, no clock, no randomness. The server validates the request, reads the clock, the
 * council's members and the pack's rules, and puts them into the event; the machine's guards
 * evaluate quorum, majority and notice from what the event carries, with the same functions the
 * server uses to explain a refusal.
 *
 * Bumped whenever a state is renamed or removed.
 */
export const DELIBERATION_MACHINE_VERSION = 1

export const DELIBERATION_STATES = [
  'proposed',
  'committee_review',
  'council_resolution',
  'joint_review',
  'residents_resolution',
  'resolved',
  'filed',
  'published',
  'implementing',
  'result_published',
  'implemented',
  'rejected',
  'withdrawn'
] as const
export type DeliberationState = (typeof DELIBERATION_STATES)[number]

/**
 * What the public register shows: a resolution made public and its implementation, and a motion
 * the meeting voted down (the result is published too). Listed on purpose, not derived.
 */
export const PUBLIC_DELIBERATION_STATES = ['published', 'implementing', 'result_published', 'implemented', 'rejected'] as const satisfies readonly DeliberationState[]
export const isPublicDeliberation = (state: string): boolean => (PUBLIC_DELIBERATION_STATES as readonly string[]).includes(state)

export const TRACKS = ['general', 'major'] as const
export type Track = (typeof TRACKS)[number]

/** Where an item came from (第一步 建议). */
export const ORIGINS = ['committees', 'council_member', 'representative', 'residents'] as const
export type Origin = (typeof ORIGINS)[number]

export const REVIEW_OUTCOMES = ['approved', 'returned'] as const
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number]

/** The meetings that decide: the council's own, the residents' representatives', the residents'. */
export const ASSEMBLY_KINDS = ['representatives_meeting', 'residents_meeting'] as const
export type AssemblyKind = (typeof ASSEMBLY_KINDS)[number]
export type MeetingKind = 'council_meeting' | 'joint_meeting' | AssemblyKind

/** A share a count must reach, as the pack states it: count × denominator > total × numerator (≥ when inclusive). */
export interface Share {
  numerator: number
  denominator: number
  inclusive: boolean
}

export const reaches = (count: number, total: number, s: Share): boolean =>
  s.inclusive ? count * s.denominator >= total * s.numerator : count * s.denominator > total * s.numerator

/** "more than half", "at least two thirds": how an answer names a share. */
export function shareText(s: Share): { zh: string; en: string } {
  const names: Record<string, { zh: string; en: string }> = { '1/2': { zh: '二分之一', en: 'half' }, '2/3': { zh: '三分之二', en: 'two thirds' } }
  const name = names[`${s.numerator}/${s.denominator}`] ?? { zh: `${s.denominator}分之${s.numerator}`, en: `${s.numerator}/${s.denominator}` }
  return s.inclusive ? { zh: `${name.zh}以上（含）`, en: `at least ${name.en}` } : { zh: `超过${name.zh}`, en: `more than ${name.en}` }
}

export interface Document {
  title: string
  uri: string
}

export interface Tally {
  for: number
  against: number
  abstain: number
}

/**
 * A meeting as recorded. For a council meeting `called` and `attended` are member ids (the
 * members sitting on the day; each member's vote is kept, so the minority that followed the
 * majority stays named); for a residents' or representatives' meeting they are counts, as the
 * minutes give them.
 */
export interface Meeting {
  kind: MeetingKind
  heldOn: string
  noticeGivenOn: string | null
  called: string[] | number
  attended: string[] | number
  absent: string[] | number
  votes: { for: string[]; against: string[]; abstain: string[] } | Tally | null
  tally: Tally | null
  minutes: string
  documents: Document[]
}

/** The rules a deciding meeting is held to, from the pack, with the latest day its notice could be given. */
export interface MeetingRules {
  quorum: Share
  majority: Share
  /** The latest notice day for the meeting's date: heldOn less the notice period in working days. */
  noticeBy: string
  noticeWorkingDays: number
}

export const countOf = (v: string[] | number): number => (typeof v === 'number' ? v : v.length)

/** Why a deciding meeting cannot decide, or null: the notice came too late, or too few attended. Pure, so guard and answer agree. */
export function meetingRefusal(m: Meeting, r: MeetingRules): { zh: string; en: string } | null {
  // A deciding meeting always comes with its notice day (the request schema requires it).
  if (m.noticeGivenOn! > r.noticeBy) {
    return {
      zh: `会议于${m.heldOn}召开，通知于${m.noticeGivenOn}发出；须至少提前${r.noticeWorkingDays}个工作日（不晚于${r.noticeBy}）通知`,
      en: `the meeting on ${m.heldOn} was noticed on ${m.noticeGivenOn}; notice must be given ${r.noticeWorkingDays} working days before, by ${r.noticeBy}`
    }
  }
  const called = countOf(m.called)
  const attended = countOf(m.attended)
  if (!reaches(attended, called, r.quorum)) {
    const share = shareText(r.quorum)
    const who = m.kind === 'council_meeting' ? { zh: '名成员', en: 'members' } : { zh: '名应到人员', en: 'called' }
    return {
      zh: `未达到法定人数：${called}${who.zh}中${attended}人出席，须${share.zh}出席`,
      en: `no quorum: ${attended} of ${called} ${who.en} present; ${share.en} must be`
    }
  }
  return null
}

/** Whether the votes carry the motion: for, against those present. */
export const adopted = (m: Meeting, r: MeetingRules): boolean => reaches(m.tally!.for, countOf(m.attended), r.majority)

export interface Resolution {
  adopted: boolean
  meeting: Meeting
  /** The resolution's text as adopted, or what the meeting said in voting the motion down. */
  text: string
  at: string
}

export interface ProgressNote {
  note: string
  on: string
  at: string
}

/** Events as the server builds them; `at` is the server's clock. */
export type DeliberationEvent =
  | { type: 'MOTION'; at: string; track: Track; trackReason: string; motion: string }
  | { type: 'COMMITTEE_REVIEW'; at: string; outcome: ReviewOutcome; opinion: string }
  | { type: 'COUNCIL_RESOLVE'; at: string; meeting: Meeting; rules: MeetingRules; text: string }
  | { type: 'JOINT_REVIEW'; at: string; outcome: ReviewOutcome; opinion: string; meeting: Meeting }
  | { type: 'RESIDENTS_RESOLVE'; at: string; meeting: Meeting; rules: MeetingRules; text: string }
  | { type: 'FILE'; at: string; filedOn: string; note?: string }
  | { type: 'PUBLISH'; at: string; publishedOn: string; publicityUntil: string; note?: string }
  | { type: 'PUBLICITY_ENDED'; at: string }
  | { type: 'PROGRESS'; at: string; note: string; on: string }
  | { type: 'COMPLETE'; at: string; result: string; on: string; publicityUntil: string | null }
  | { type: 'WITHDRAW'; at: string; reason: string }

export type DeliberationEventType = DeliberationEvent['type']

export const DELIBERATION_EVENT_TYPES = [
  'MOTION',
  'COMMITTEE_REVIEW',
  'COUNCIL_RESOLVE',
  'JOINT_REVIEW',
  'RESIDENTS_RESOLVE',
  'FILE',
  'PUBLISH',
  'PUBLICITY_ENDED',
  'PROGRESS',
  'COMPLETE',
  'WITHDRAW'
] as const satisfies readonly DeliberationEventType[]

/**
 * Who records which step. The council (its chair or secretary) records its own steps; the
 * residents' committee staff (`community`), who also stand for the two committees (两委) here,
 * record the committees' review, the joint review, the residents' resolution, filing,
 * publication and implementation. The server also checks that the sender acts for the item's
 * community. The engine's sweeper ends a publicity period.
 */
export const DELIBERATION_EVENT_ROLES: Record<DeliberationEventType, readonly Role[]> = {
  MOTION: ['council'],
  COMMITTEE_REVIEW: ['community'],
  COUNCIL_RESOLVE: ['council'],
  JOINT_REVIEW: ['community'],
  RESIDENTS_RESOLVE: ['community'],
  FILE: ['community'],
  PUBLISH: ['community'],
  PUBLICITY_ENDED: [],
  PROGRESS: ['community'],
  COMPLETE: ['community'],
  WITHDRAW: ['council', 'community']
}

/** Who proposes an item (step 1, by creating it). */
export const DELIBERATION_CREATE_ROLES = ['council', 'community'] as const satisfies readonly Role[]

export interface DeliberationContext {
  track: Track | null
  trackReason: string | null
  motion: string | null
  /** Every review of the motion, the committees' and the joint meeting's, oldest first. */
  reviews: Array<{ by: 'committees' | 'joint_meeting'; outcome: ReviewOutcome; opinion: string; meeting: Meeting | null; at: string }>
  resolution: Resolution | null
  filedOn: string | null
  publishedOn: string | null
  /** The last day of the publicity period now running or last run. */
  publicityUntil: string | null
  progress: ProgressNote[]
  result: { text: string; on: string } | null
  withdrawal: { reason: string; at: string } | null
}

const deliberationSetup = setup({
  types: { context: {} as DeliberationContext, events: {} as DeliberationEvent },
  guards: {
    isTrack: ({ context }, params: { track: Track }) => context.track === params.track,
    carried: ({ event }, params: { adopted: boolean }) => {
      assertEvent(event, ['COUNCIL_RESOLVE', 'RESIDENTS_RESOLVE'])
      return meetingRefusal(event.meeting, event.rules) === null && adopted(event.meeting, event.rules) === params.adopted
    },
    reviewed: ({ event }, params: { outcome: ReviewOutcome }) => {
      assertEvent(event, ['COMMITTEE_REVIEW', 'JOINT_REVIEW'])
      return event.outcome === params.outcome
    }
  },
  actions: {
    recordMotion: assign(({ event }) => {
      assertEvent(event, 'MOTION')
      return { track: event.track, trackReason: event.trackReason, motion: event.motion }
    }),
    recordReview: assign(({ context, event }) => {
      assertEvent(event, ['COMMITTEE_REVIEW', 'JOINT_REVIEW'])
      const review = {
        by: event.type === 'COMMITTEE_REVIEW' ? ('committees' as const) : ('joint_meeting' as const),
        outcome: event.outcome,
        opinion: event.opinion,
        meeting: event.type === 'JOINT_REVIEW' ? event.meeting : null,
        at: event.at
      }
      return { reviews: [...context.reviews, review] }
    }),
    recordResolution: assign(({ event }) => {
      assertEvent(event, ['COUNCIL_RESOLVE', 'RESIDENTS_RESOLVE'])
      return { resolution: { adopted: adopted(event.meeting, event.rules), meeting: event.meeting, text: event.text, at: event.at } }
    }),
    // A motion voted down is a result too: it is made public on the day of the meeting.
    publishRejection: assign(({ event }) => {
      assertEvent(event, ['COUNCIL_RESOLVE', 'RESIDENTS_RESOLVE'])
      return { publishedOn: event.meeting.heldOn }
    }),
    recordFiling: assign(({ event }) => {
      assertEvent(event, 'FILE')
      return { filedOn: event.filedOn }
    }),
    recordPublication: assign(({ event }) => {
      assertEvent(event, 'PUBLISH')
      return { publishedOn: event.publishedOn, publicityUntil: event.publicityUntil }
    }),
    recordProgress: assign(({ context, event }) => {
      assertEvent(event, 'PROGRESS')
      return { progress: [...context.progress, { note: event.note, on: event.on, at: event.at }] }
    }),
    recordResult: assign(({ context, event }) => {
      assertEvent(event, 'COMPLETE')
      return { result: { text: event.result, on: event.on }, publicityUntil: event.publicityUntil ?? context.publicityUntil }
    }),
    recordWithdrawal: assign(({ event }) => {
      assertEvent(event, 'WITHDRAW')
      return { withdrawal: { reason: event.reason, at: event.at } }
    })
  }
})

// Until a resolution is adopted the item may be withdrawn, with a reason; it stays, marked withdrawn.
const withdraw = { WITHDRAW: { target: '#deliberation.withdrawn', actions: 'recordWithdrawal' } } as const

const resolve = {
  target: '#deliberation.resolved',
  guard: { type: 'carried', params: { adopted: true } },
  actions: 'recordResolution'
} as const
const reject = {
  target: '#deliberation.rejected',
  guard: { type: 'carried', params: { adopted: false } },
  actions: ['recordResolution', 'publishRejection']
} as const

export const deliberationMachine = deliberationSetup.createMachine({
  id: 'deliberation',
  initial: 'proposed',
  context: {
    track: null,
    trackReason: null,
    motion: null,
    reviews: [],
    resolution: null,
    filedOn: null,
    publishedOn: null,
    publicityUntil: null,
    progress: [],
    result: null,
    withdrawal: null
  },
  states: {
    // 1 建议: the item is on the council's table; the council discusses it and writes a motion.
    proposed: { on: { MOTION: { target: 'committee_review', actions: 'recordMotion' }, ...withdraw } },
    // 2 提议: the written motion is with the two committees; returned, the council writes it again.
    committee_review: {
      on: {
        COMMITTEE_REVIEW: [
          { target: 'proposed', guard: { type: 'reviewed', params: { outcome: 'returned' } }, actions: 'recordReview' },
          { target: 'council_resolution', guard: { type: 'isTrack', params: { track: 'general' } }, actions: 'recordReview' },
          { target: 'joint_review', actions: 'recordReview' }
        ],
        ...withdraw
      }
    },
    // General 3 决议: a council meeting decides, the minority following the majority.
    council_resolution: { on: { COUNCIL_RESOLVE: [resolve, reject], ...withdraw } },
    // Major 3 审议: a joint meeting of the two committees reviews the motion.
    joint_review: {
      on: {
        JOINT_REVIEW: [
          { target: 'proposed', guard: { type: 'reviewed', params: { outcome: 'returned' } }, actions: 'recordReview' },
          { target: 'residents_resolution', actions: 'recordReview' }
        ],
        ...withdraw
      }
    },
    // Major 4 决议: the residents' meeting or the residents' representatives' meeting resolves.
    residents_resolution: { on: { RESIDENTS_RESOLVE: [resolve, reject], ...withdraw } },
    // Adopted: a general item is filed first (4 备案), a major one published (5 决议公开).
    resolved: {
      on: {
        FILE: { target: 'filed', guard: { type: 'isTrack', params: { track: 'general' } }, actions: 'recordFiling' },
        PUBLISH: { target: 'published', guard: { type: 'isTrack', params: { track: 'major' } }, actions: 'recordPublication' }
      }
    },
    // General 4 备案 done: 5 公开 next.
    filed: { on: { PUBLISH: { target: 'published', actions: 'recordPublication' } } },
    // In publicity (公示期); the engine's sweeper ends it.
    published: { on: { PUBLICITY_ENDED: { target: 'implementing' } } },
    // 6 实施: the residents' committee carries it out and notes its progress.
    implementing: {
      on: {
        PROGRESS: { actions: 'recordProgress' },
        COMPLETE: [
          { target: 'implemented', guard: { type: 'isTrack', params: { track: 'general' } }, actions: 'recordResult' },
          { target: 'result_published', actions: 'recordResult' }
        ]
      }
    },
    // Major 6 实施结果公开: the result in publicity; the sweeper ends it.
    result_published: { on: { PUBLICITY_ENDED: { target: 'implemented' } } },
    implemented: { type: 'final' },
    // A motion the meeting voted down: its result is public.
    rejected: { type: 'final' },
    withdrawn: { type: 'final' }
  }
})

/** The deliberation council as the engine runs it. */
export const deliberationWorkflow: Workflow<DeliberationContext, DeliberationEvent> = {
  id: 'deliberation',
  version: DELIBERATION_MACHINE_VERSION,
  machine: deliberationMachine,
  upgrades: {},
  createRoles: DELIBERATION_CREATE_ROLES,
  eventRoles: DELIBERATION_EVENT_ROLES
}

const runtime = new WorkflowRuntime<DeliberationContext, DeliberationEvent>(deliberationWorkflow)

export type StoredDeliberationSnapshot = StoredSnapshot<DeliberationContext>

export const deliberationStateOf = (value: StateValue): DeliberationState => runtime.position(value) as DeliberationState

export const initialDeliberationSnapshot = (): StoredDeliberationSnapshot => runtime.initial()

export type DeliberationStep = { accepted: true; next: StoredDeliberationSnapshot; state: DeliberationState } | { accepted: false }

export function stepDeliberation(stored: StoredDeliberationSnapshot, event: DeliberationEvent): DeliberationStep {
  const step = runtime.step(stored, event)
  return step.accepted ? { accepted: true, next: step.next, state: step.position as DeliberationState } : step
}

/** The events an item in this snapshot accepts now, before asking who sends them (a guard may still refuse). */
export const enabledDeliberationEvents = (stored: StoredDeliberationSnapshot): DeliberationEventType[] =>
  runtime.enabledEvents(stored) as DeliberationEventType[]
