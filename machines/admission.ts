import { assertEvent, assign, setup } from 'xstate'
import type { Verdict } from '../src/policy/types.js'
import type { Role } from '../src/roles.js'

/**
 * Bumped whenever a state is renamed or removed, so a stored snapshot from an
 * older shape is recognised instead of silently restored into a missing state.
 */
export const ADMISSION_MACHINE_VERSION = 1

export const TASK_STATES = ['draft', 'screening', 'returned', 'escalated', 'admitted', 'rejected', 'withdrawn'] as const
export type TaskState = (typeof TASK_STATES)[number]

export const ESCALATION_STAGES = ['office_review', 'leading_group'] as const
export type EscalationStage = (typeof ESCALATION_STAGES)[number]

export const FINAL_STATES: readonly TaskState[] = ['admitted', 'rejected', 'withdrawn']

export const DECISIONS = ['approve', 'reject', 'return'] as const
export type Decision = (typeof DECISIONS)[number]

/**
 * Events as the server builds them. A client never sends a machine event
 * directly: the server validates the request, screens the task and only then
 * constructs one of these.
 */
export type AdmissionEvent =
  | { type: 'SUBMIT'; outcome: Verdict }
  | { type: 'REVISE' }
  | { type: 'WITHDRAW'; reason?: string }
  | { type: 'OFFICE_RETURN'; reason: string }
  | { type: 'OFFICE_FORWARD'; reason?: string }
  | { type: 'DECIDE'; decision: Decision; reason?: string }

export type AdmissionEventType = AdmissionEvent['type']

export const ADMISSION_EVENT_TYPES = ['SUBMIT', 'REVISE', 'WITHDRAW', 'OFFICE_RETURN', 'OFFICE_FORWARD', 'DECIDE'] as const satisfies readonly AdmissionEventType[]

/** Who may send which event; the server checks this before the machine sees the event. */
export const EVENT_ROLES: Record<AdmissionEventType, readonly Role[]> = {
  SUBMIT: ['department'],
  REVISE: ['department'],
  WITHDRAW: ['department'],
  OFFICE_RETURN: ['office'],
  OFFICE_FORWARD: ['office'],
  DECIDE: ['leading_group']
}

export interface AdmissionContext {
  submissions: number
  lastOutcome: Verdict | null
  decision: Decision | null
  lastReason: string | null
}

const admissionSetup = setup({
  types: {
    context: {} as AdmissionContext,
    events: {} as AdmissionEvent
  },
  guards: {
    screenedAs: ({ context }, params: { outcome: Verdict }) => context.lastOutcome === params.outcome,
    decided: ({ event }, params: { decision: Decision }) => event.type === 'DECIDE' && event.decision === params.decision
  },
  actions: {
    recordScreening: assign(({ context, event }) => {
      assertEvent(event, 'SUBMIT')
      return { submissions: context.submissions + 1, lastOutcome: event.outcome, decision: null, lastReason: null }
    }),
    recordReason: assign(({ event }) => {
      assertEvent(event, ['WITHDRAW', 'OFFICE_RETURN', 'OFFICE_FORWARD'])
      return { lastReason: event.reason ?? null }
    }),
    recordDecision: assign(({ event }) => {
      assertEvent(event, 'DECIDE')
      return { decision: event.decision, lastReason: event.reason ?? null }
    })
  }
})

const inDepartmentHands = {
  SUBMIT: { target: '#admission.screening', actions: 'recordScreening' },
  REVISE: { target: '#admission.draft' },
  WITHDRAW: { target: '#admission.withdrawn', actions: 'recordReason' }
} as const

export const admissionMachine = admissionSetup.createMachine({
  id: 'admission',
  initial: 'draft',
  context: { submissions: 0, lastOutcome: null, decision: null, lastReason: null },
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
    escalated: {
      initial: 'office_review',
      on: {
        WITHDRAW: { target: 'withdrawn', actions: 'recordReason' }
      },
      states: {
        office_review: {
          on: {
            OFFICE_RETURN: { target: '#admission.returned', actions: 'recordReason' },
            OFFICE_FORWARD: { target: 'leading_group', actions: 'recordReason' }
          }
        },
        leading_group: {
          on: {
            DECIDE: [
              { guard: { type: 'decided', params: { decision: 'approve' } }, target: '#admission.admitted', actions: 'recordDecision' },
              { guard: { type: 'decided', params: { decision: 'reject' } }, target: '#admission.rejected', actions: 'recordDecision' },
              { guard: { type: 'decided', params: { decision: 'return' } }, target: '#admission.returned', actions: 'recordDecision' }
            ]
          }
        }
      }
    },
    admitted: { type: 'final' },
    rejected: { type: 'final' },
    withdrawn: { type: 'final' }
  }
})
