import { assertEvent, assign, setup, type StateValue } from 'xstate'
import { WorkflowRuntime, type StoredSnapshot, type Workflow } from '../src/engine/workflow.js'
import type { Role } from '../src/roles.js'

/**
 * Burden reports (督查; nanjing-2014 §二.11 检查督查制度; wuhan-2015 解读3 社区减负9项规定):
 * a community reports a task that reached it without passing the admission gate, the
 * office of the department's city or district investigates, and either confirms it (the
 * department is told to submit the task through the gate or to drop it; it counts
 * against the department) or dismisses it with a reason.
 *
 * Pure: no I/O, no clock, no randomness. The server validates the request, reads the
 * clock and builds the event; the machine only decides whether the event is enabled
 * and what the next snapshot is.
 *
 * Bumped whenever a state is renamed or removed, so a stored snapshot from an older
 * shape is recognised instead of silently restored into a missing state.
 */
export const BURDEN_REPORT_MACHINE_VERSION = 1

export const BURDEN_REPORT_STATES = ['reported', 'investigating', 'confirmed', 'dismissed'] as const
export type BurdenReportState = (typeof BURDEN_REPORT_STATES)[number]

/** What a confirmed report tells the department to do with the task. */
export const BURDEN_REPORT_DIRECTIVES = ['submit_through_gate', 'drop'] as const
export type BurdenReportDirective = (typeof BURDEN_REPORT_DIRECTIVES)[number]

/** Events as the server builds them; `at` is the server's clock, never the client's. */
export type BurdenReportEvent =
  | { type: 'INVESTIGATE'; at: string; note?: string }
  | { type: 'CONFIRM'; at: string; directive: BurdenReportDirective; reason?: string }
  | { type: 'DISMISS'; at: string; reason: string }

export type BurdenReportEventType = BurdenReportEvent['type']

export const BURDEN_REPORT_EVENT_TYPES = ['INVESTIGATE', 'CONFIRM', 'DISMISS'] as const satisfies readonly BurdenReportEventType[]

/**
 * Who may send which event; the server checks this before the machine sees the event
 * (and also that the office is the one of the report's jurisdiction). The community
 * files the report by creating it, not with an event.
 */
export const BURDEN_REPORT_EVENT_ROLES: Record<BurdenReportEventType, readonly Role[]> = {
  INVESTIGATE: ['office'],
  CONFIRM: ['office'],
  DISMISS: ['office']
}

export interface BurdenReportContext {
  /** When the office opened the investigation. */
  investigationOpenedAt: string | null
  /** The office's note when it opened the investigation. */
  note: string | null
  directive: BurdenReportDirective | null
  /** Why it was dismissed, or the finding a confirmation gave. */
  outcomeReason: string | null
  /** When the office confirmed or dismissed the report. */
  decidedAt: string | null
}

const burdenReportSetup = setup({
  types: {
    context: {} as BurdenReportContext,
    events: {} as BurdenReportEvent
  },
  actions: {
    openInvestigation: assign(({ event }) => {
      assertEvent(event, 'INVESTIGATE')
      return { investigationOpenedAt: event.at, note: event.note ?? null }
    }),
    recordConfirmation: assign(({ event }) => {
      assertEvent(event, 'CONFIRM')
      return { directive: event.directive, outcomeReason: event.reason ?? null, decidedAt: event.at }
    }),
    recordDismissal: assign(({ event }) => {
      assertEvent(event, 'DISMISS')
      return { directive: null, outcomeReason: event.reason, decidedAt: event.at }
    })
  }
})

export const burdenReportMachine = burdenReportSetup.createMachine({
  id: 'burden-report',
  initial: 'reported',
  context: { investigationOpenedAt: null, note: null, directive: null, outcomeReason: null, decidedAt: null },
  states: {
    // Filed by the community; waiting for the office of the department's jurisdiction.
    reported: {
      on: { INVESTIGATE: { target: 'investigating', actions: 'openInvestigation' } }
    },
    // 检查督查: the office checks with the department and the community before it decides.
    investigating: {
      on: {
        CONFIRM: { target: 'confirmed', actions: 'recordConfirmation' },
        DISMISS: { target: 'dismissed', actions: 'recordDismissal' }
      }
    },
    // Counts against the department on its scorecard.
    confirmed: { type: 'final' },
    dismissed: { type: 'final' }
  }
})

/** Burden reports as the engine runs them. */
export const burdenReportWorkflow: Workflow<BurdenReportContext, BurdenReportEvent> = {
  id: 'burden-report',
  version: BURDEN_REPORT_MACHINE_VERSION,
  machine: burdenReportMachine,
  upgrades: {},
  eventRoles: BURDEN_REPORT_EVENT_ROLES
}

const runtime = new WorkflowRuntime<BurdenReportContext, BurdenReportEvent>(burdenReportWorkflow)

/** What the database keeps of a report's machine. */
export type StoredBurdenReportSnapshot = StoredSnapshot<BurdenReportContext>

/** The state a stored value stands for; anything else is a snapshot this version cannot restore. */
export const burdenReportStateOf = (value: StateValue): BurdenReportState => runtime.position(value) as BurdenReportState

export const initialBurdenReportSnapshot = (): StoredBurdenReportSnapshot => runtime.initial()

export type BurdenReportStep = { accepted: true; next: StoredBurdenReportSnapshot; state: BurdenReportState } | { accepted: false }

/** Restore, check the event is enabled, compute the next snapshot; nothing is executed. */
export function stepBurdenReport(stored: StoredBurdenReportSnapshot, event: BurdenReportEvent): BurdenReportStep {
  const step = runtime.step(stored, event)
  return step.accepted ? { accepted: true, next: step.next, state: step.position as BurdenReportState } : step
}

/** The events a report in this snapshot accepts now, before asking who sends them. */
export const enabledBurdenReportEvents = (stored: StoredBurdenReportSnapshot): BurdenReportEventType[] => runtime.enabledEvents(stored) as BurdenReportEventType[]
