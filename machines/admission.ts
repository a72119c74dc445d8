import { assertEvent, assign, setup } from 'xstate'
import type { Verdict } from '../src/policy/types.js'
import type { Workflow } from '../src/engine/workflow.js'
import type { Role } from '../src/roles.js'

/**
 * Bumped whenever a state is renamed or removed, so a stored snapshot from an
 * older shape is recognised instead of silently restored into a missing state.
 * 2: consultation and voting inside the escalation; OFFICE_FORWARD became PUT_ON_AGENDA.
 * 3: an admitted task lives on as a contract: active, suspended, completed, revoked.
 */
export const ADMISSION_MACHINE_VERSION = 3

export const TASK_STATES = [
  'draft',
  'screening',
  'returned',
  'escalated',
  'admitted',
  'rejected',
  'withdrawn',
  'active',
  'suspended',
  'completed',
  'revoked'
] as const
export type TaskState = (typeof TASK_STATES)[number]

/** Admitted work and its life as a contract: public, as the lists are (wuhan-2015 解读2). */
export const PUBLIC_STATES = ['admitted', 'active', 'suspended', 'completed', 'revoked'] as const satisfies readonly TaskState[]
export type PublicState = (typeof PUBLIC_STATES)[number]

export const isPublicState = (state: string): state is PublicState => (PUBLIC_STATES as readonly string[]).includes(state)

export const ESCALATION_STAGES = ['office_review', 'consultation', 'leading_group'] as const
export type EscalationStage = (typeof ESCALATION_STAGES)[number]

export const DECISIONS = ['approve', 'reject', 'return'] as const
export type Decision = (typeof DECISIONS)[number]

export const CONSULTATION_MODES = ['sample', 'public_notice'] as const
export type ConsultationMode = (typeof CONSULTATION_MODES)[number]

export interface Vote {
  vote: Decision
  reason: string
  at: string
}

export interface ConsultationReply {
  from: string
  role: Role
  org: string
  text: string
  at: string
}

export interface CollectiveDecision {
  decision: Decision
  reason: string | null
  minutes: string
  tally: Tally
  chair: string
  at: string
}

export interface Tally {
  approve: number
  reject: number
  return: number
  voted: number
  eligible: number
  quorumMet: boolean
  /** The option with more than half of the votes cast, if there is one. */
  majority: Decision | null
}

/**
 * Events as the server builds them. A client never sends a machine event
 * directly: the server validates the request, screens the task, reads the
 * clock and the group's membership, and only then constructs one of these.
 */
export type AdmissionEvent =
  | { type: 'SUBMIT'; outcome: Verdict }
  | { type: 'REVISE' }
  | { type: 'WITHDRAW'; reason?: string }
  | { type: 'OFFICE_RETURN'; reason: string }
  | { type: 'PUT_ON_AGENDA'; reason?: string }
  | { type: 'OPEN_CONSULTATION'; mode: ConsultationMode; invited: string[]; reason?: string }
  | { type: 'CONSULTATION_REPLY'; reply: ConsultationReply }
  | { type: 'CLOSE_CONSULTATION'; reason?: string }
  | { type: 'VOTE'; member: string; vote: Vote }
  /** `chair` is who records it: the chair, or the deputy chair when the chair recuses. `electorate`: the members who may vote on the task now. */
  | { type: 'DECIDE'; decision: Decision; reason?: string; minutes: string; chair: string; electorate: readonly string[]; quorum: number; at: string }
  | { type: 'ACTIVATE' }
  | { type: 'COMPLETE' }
  | { type: 'SUSPEND'; reason: string }
  | { type: 'RESUME'; reason?: string }
  | { type: 'REVOKE'; reason: string }
  /** The office keeps an admitted task that a residents' council resolution asked it to withdraw, saying why. */
  | { type: 'DECLINE_WITHDRAWAL'; reason: string }

export type AdmissionEventType = AdmissionEvent['type']

export const ADMISSION_EVENT_TYPES = [
  'SUBMIT',
  'REVISE',
  'WITHDRAW',
  'OFFICE_RETURN',
  'PUT_ON_AGENDA',
  'OPEN_CONSULTATION',
  'CONSULTATION_REPLY',
  'CLOSE_CONSULTATION',
  'VOTE',
  'DECIDE',
  'ACTIVATE',
  'COMPLETE',
  'SUSPEND',
  'RESUME',
  'REVOKE',
  'DECLINE_WITHDRAWAL'
] as const satisfies readonly AdmissionEventType[]

/** Who may send which event; the server checks this before the machine sees the event. */
export const EVENT_ROLES: Record<AdmissionEventType, readonly Role[]> = {
  SUBMIT: ['department'],
  REVISE: ['department'],
  WITHDRAW: ['department'],
  OFFICE_RETURN: ['office'],
  PUT_ON_AGENDA: ['office'],
  OPEN_CONSULTATION: ['office'],
  // Invited streets and communities answer themselves; the office records replies to a public notice.
  CONSULTATION_REPLY: ['street', 'community', 'office'],
  CLOSE_CONSULTATION: ['office'],
  VOTE: ['leading_group'],
  DECIDE: ['leading_group'],
  // The period's start and end move a contract: the sweeper sends these, no principal does.
  ACTIVATE: [],
  COMPLETE: [],
  // nanjing-2014 §二.5 契约化管理: the office manages the agreement; withdrawn when residents widely reject it.
  SUSPEND: ['office'],
  RESUME: ['office'],
  REVOKE: ['office'],
  // A council's request is answered by the office that admitted the task: REVOKE, or keep it with reasons.
  DECLINE_WITHDRAWAL: ['office']
}

export interface AdmissionContext {
  submissions: number
  lastOutcome: Verdict | null
  lastReason: string | null
  consultation: { mode: ConsultationMode; invited: string[]; replies: ConsultationReply[] } | null
  votes: Record<string, Vote>
  decision: CollectiveDecision | null
}

/**
 * The collective decision's arithmetic (wuhan-2015 解读3: 集体研究决定): quorum is more
 * than `quorum` of the eligible members voting; the majority is the option with
 * more than half of the votes cast. Only the votes of the `electorate`, the members who may
 * vote on the task now, count: a member who has left the group, or who now comes from the
 * submitting department, no longer weighs on the decision, though the vote stays recorded
 * (and counts again if the member comes back before the decision). Pure, so the guard and the
 * server's explanation agree.
 */
export function tally(votes: Record<string, Vote>, electorate: readonly string[], quorum: number): Tally {
  const counts = { approve: 0, reject: 0, return: 0 }
  for (const [member, v] of Object.entries(votes)) if (electorate.includes(member)) counts[v.vote] += 1
  const voted = counts.approve + counts.reject + counts.return
  const eligible = electorate.length
  return {
    ...counts,
    voted,
    eligible,
    quorumMet: voted > eligible * quorum,
    // A collective decision carries more than half of the votes cast, not merely the most.
    majority: DECISIONS.find((d) => counts[d] * 2 > voted) ?? null
  }
}

const admissionSetup = setup({
  types: {
    context: {} as AdmissionContext,
    events: {} as AdmissionEvent
  },
  guards: {
    screenedAs: ({ context }, params: { outcome: Verdict }) => context.lastOutcome === params.outcome,
    collectivelyDecided: ({ context, event }, params: { decision: Decision }) => {
      assertEvent(event, 'DECIDE')
      const t = tally(context.votes, event.electorate, event.quorum)
      return event.decision === params.decision && t.quorumMet && t.majority === event.decision
    }
  },
  actions: {
    recordScreening: assign(({ context, event }) => {
      assertEvent(event, 'SUBMIT')
      return { submissions: context.submissions + 1, lastOutcome: event.outcome, lastReason: null, decision: null }
    }),
    recordReason: assign(({ event }) => {
      assertEvent(event, ['WITHDRAW', 'OFFICE_RETURN', 'PUT_ON_AGENDA', 'CLOSE_CONSULTATION', 'SUSPEND', 'RESUME', 'REVOKE', 'DECLINE_WITHDRAWAL'])
      return { lastReason: event.reason ?? null }
    }),
    openConsultation: assign(({ event }) => {
      assertEvent(event, 'OPEN_CONSULTATION')
      return { consultation: { mode: event.mode, invited: event.invited, replies: [] }, lastReason: event.reason ?? null }
    }),
    recordReply: assign(({ context, event }) => {
      assertEvent(event, 'CONSULTATION_REPLY')
      const c = context.consultation!
      return { consultation: { ...c, replies: [...c.replies, event.reply] } }
    }),
    // Each agenda starts a fresh vote: votes of an earlier round do not carry over.
    openAgenda: assign({ votes: {} }),
    recordVote: assign(({ context, event }) => {
      assertEvent(event, 'VOTE')
      return { votes: { ...context.votes, [event.member]: event.vote } }
    }),
    recordDecision: assign(({ context, event }) => {
      assertEvent(event, 'DECIDE')
      return {
        lastReason: event.reason ?? null,
        decision: {
          decision: event.decision,
          reason: event.reason ?? null,
          minutes: event.minutes,
          tally: tally(context.votes, event.electorate, event.quorum),
          chair: event.chair,
          at: event.at
        }
      }
    })
  }
})

const inDepartmentHands = {
  SUBMIT: { target: '#admission.screening', actions: 'recordScreening' },
  REVISE: { target: '#admission.draft' },
  WITHDRAW: { target: '#admission.withdrawn', actions: 'recordReason' }
} as const

const decide = (decision: Decision, target: string) =>
  ({ guard: { type: 'collectivelyDecided', params: { decision } }, target, actions: 'recordDecision' }) as const

export const admissionMachine = admissionSetup.createMachine({
  id: 'admission',
  initial: 'draft',
  context: { submissions: 0, lastOutcome: null, lastReason: null, consultation: null, votes: {}, decision: null },
  states: {
    // A draft and a returned task are both in the department's hands: it may edit, submit or withdraw.
    draft: { on: inDepartmentHands },
    // Transient: the outcome arrives with SUBMIT (the server screens before it sends),
    // so the machine leaves this state within the same step and never rests here.
    screening: {
      always: [
        { guard: { type: 'screenedAs', params: { outcome: 'reject' } }, target: 'rejected' },
        { guard: { type: 'screenedAs', params: { outcome: 'return' } }, target: 'returned' },
        { guard: { type: 'screenedAs', params: { outcome: 'escalate' } }, target: 'escalated' },
        { target: 'admitted' }
      ]
    },
    returned: { on: inDepartmentHands },
    // nanjing-2014 §二.5: the office gatekeeps centrally; wuhan-2015 解读3: the group decides collectively.
    escalated: {
      initial: 'office_review',
      on: {
        WITHDRAW: { target: 'withdrawn', actions: 'recordReason' }
      },
      states: {
        office_review: {
          on: {
            OFFICE_RETURN: { target: '#admission.returned', actions: 'recordReason' },
            PUT_ON_AGENDA: { target: 'leading_group', actions: 'recordReason' },
            OPEN_CONSULTATION: { target: 'consultation', actions: 'openConsultation' }
          }
        },
        // Streets and a sample of communities, or a public notice, before the decision.
        consultation: {
          on: {
            CONSULTATION_REPLY: { actions: 'recordReply' },
            CLOSE_CONSULTATION: { target: 'office_review', actions: 'recordReason' }
          }
        },
        leading_group: {
          entry: 'openAgenda',
          on: {
            VOTE: { actions: 'recordVote' },
            DECIDE: [
              decide('approve', '#admission.admitted'),
              decide('reject', '#admission.rejected'),
              decide('return', '#admission.returned')
            ]
          }
        }
      }
    },
    // Admitted, the task is an agreement (nanjing-2014 §二.5 契约化管理) waiting for its period to start.
    admitted: {
      on: {
        ACTIVATE: { target: 'active' },
        SUSPEND: { target: 'suspended', actions: 'recordReason' },
        REVOKE: { target: 'revoked', actions: 'recordReason' },
        DECLINE_WITHDRAWAL: { actions: 'recordReason' }
      }
    },
    active: {
      on: {
        COMPLETE: { target: 'completed' },
        SUSPEND: { target: 'suspended', actions: 'recordReason' },
        REVOKE: { target: 'revoked', actions: 'recordReason' },
        DECLINE_WITHDRAWAL: { actions: 'recordReason' }
      }
    },
    // 费随事转: work whose money did not arrive stops until it does.
    suspended: {
      on: {
        RESUME: { target: 'active', actions: 'recordReason' },
        REVOKE: { target: 'revoked', actions: 'recordReason' },
        DECLINE_WITHDRAWAL: { actions: 'recordReason' }
      }
    },
    completed: { type: 'final' },
    revoked: { type: 'final' },
    rejected: { type: 'final' },
    withdrawn: { type: 'final' }
  }
})

/** The admission gate as the engine runs it. */
export const admissionWorkflow: Workflow<AdmissionContext, AdmissionEvent> = {
  id: 'admission',
  version: ADMISSION_MACHINE_VERSION,
  machine: admissionMachine,
  upgrades: {
    // Version 1 had no consultation or votes, and its decision was a bare word.
    1: (s) => ({ ...s, machineVersion: 2, context: { ...(s.context as object), consultation: null, votes: {}, decision: null } }),
    // Version 3 added the contract states; no context changed.
    2: (s) => ({ ...s, machineVersion: 3 })
  },
  eventRoles: EVENT_ROLES,
  // A vote replaces only its member's vote, a reply appends one reply: neither depends on
  // another member's vote or another community's reply committed meanwhile.
  commuting: ['VOTE', 'CONSULTATION_REPLY']
}
