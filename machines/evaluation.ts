import { assertEvent, assign, setup, type StateValue } from 'xstate'
import { WorkflowRuntime, type StoredSnapshot, type Workflow } from '../src/engine/workflow.js'
import type { Role } from '../src/roles.js'

/**
 * A round of the two-way evaluation (双向考评, nanjing-2014 §二.18; 倒评, nantong-2013 (十八)):
 * the office of a city or district opens it with the departments that worked in its area,
 * starts the rating, the streets and communities of the area rate each department, the
 * round closes on its working-day deadline (or earlier, by the office) and the office
 * publishes the result, which is then frozen.
 *
 * Pure: no I/O, no clock, no randomness. The server validates the request, reads the clock,
 * computes the deadline from the pack's calendar and builds the event; the machine only
 * decides whether the event is enabled and what the next snapshot is.
 *
 * Bumped whenever a state is renamed or removed, so a stored snapshot from an older shape is
 * recognised instead of silently restored into a missing state.
 */
export const EVALUATION_MACHINE_VERSION = 1

export const EVALUATION_STATES = ['open', 'rating', 'closed', 'published'] as const
export type EvaluationState = (typeof EVALUATION_STATES)[number]

/** Events as the server builds them; `at` is the server's clock, never the client's. */
export type EvaluationEvent =
  | { type: 'SET_DEPARTMENTS'; at: string; departments: string[] }
  | { type: 'START'; at: string; deadline: string }
  | { type: 'RATE'; at: string }
  | { type: 'CLOSE'; at: string }
  | { type: 'DEADLINE'; at: string }
  | { type: 'PUBLISH'; at: string }

export type EvaluationEventType = EvaluationEvent['type']

export const EVALUATION_EVENT_TYPES = ['SET_DEPARTMENTS', 'START', 'RATE', 'CLOSE', 'DEADLINE', 'PUBLISH'] as const satisfies readonly EvaluationEventType[]

/** The roles that rate: the streets organising residents' representatives and units (nanjing-2014 §二.18), and the communities. */
export const RATER_ROLES = ['street', 'community'] as const satisfies readonly Role[]
export type RaterRole = (typeof RATER_ROLES)[number]

/**
 * Who may send which event; the server checks this before the machine sees the event (and
 * also that the office is the one of the round's area). DEADLINE has no sender: only the
 * engine's clock sends it. RATE is sent through PUT …/ratings/{department}, not as an event body.
 */
export const EVALUATION_EVENT_ROLES: Record<EvaluationEventType, readonly Role[]> = {
  SET_DEPARTMENTS: ['office', 'admin'],
  START: ['office', 'admin'],
  RATE: RATER_ROLES,
  CLOSE: ['office', 'admin'],
  DEADLINE: [],
  PUBLISH: ['office', 'admin']
}

/** The events a client sends to POST /v1/evaluations/{id}/events. */
export const EVALUATION_BODY_EVENTS = ['SET_DEPARTMENTS', 'START', 'CLOSE', 'PUBLISH'] as const satisfies readonly EvaluationEventType[]

export interface EvaluationContext {
  /** The departments rated, in the order the office listed them. */
  departments: string[]
  /** The last day ratings are taken (YYYY-MM-DD, China time), once rating started. */
  deadline: string | null
  startedAt: string | null
  closedAt: string | null
  /** Whether the office closed the round before its deadline or the clock closed it. */
  closedBy: 'office' | 'deadline' | null
  publishedAt: string | null
}

const evaluationSetup = setup({
  types: {
    context: {} as EvaluationContext,
    events: {} as EvaluationEvent
  },
  actions: {
    setDepartments: assign(({ event }) => {
      assertEvent(event, 'SET_DEPARTMENTS')
      return { departments: event.departments }
    }),
    start: assign(({ event }) => {
      assertEvent(event, 'START')
      return { deadline: event.deadline, startedAt: event.at }
    }),
    closeByOffice: assign(({ event }) => {
      assertEvent(event, 'CLOSE')
      return { closedAt: event.at, closedBy: 'office' as const }
    }),
    closeByDeadline: assign(({ event }) => {
      assertEvent(event, 'DEADLINE')
      return { closedAt: event.at, closedBy: 'deadline' as const }
    }),
    publish: assign(({ event }) => {
      assertEvent(event, 'PUBLISH')
      return { publishedAt: event.at }
    })
  }
})

export const evaluationMachine = evaluationSetup.createMachine({
  id: 'evaluation',
  initial: 'open',
  context: { departments: [], deadline: null, startedAt: null, closedAt: null, closedBy: null, publishedAt: null },
  states: {
    // Opened by the office with the departments that worked in the area; the list may still change.
    open: {
      on: {
        SET_DEPARTMENTS: { target: 'open', actions: 'setDepartments' },
        START: { target: 'rating', actions: 'start' }
      }
    },
    // The streets and communities rate; a second rating by the same rater replaces its first.
    rating: {
      on: {
        RATE: { target: 'rating' },
        CLOSE: { target: 'closed', actions: 'closeByOffice' },
        DEADLINE: { target: 'closed', actions: 'closeByDeadline' }
      }
    },
    // No more ratings; the office may read the provisional result before it publishes.
    closed: {
      on: { PUBLISH: { target: 'published', actions: 'publish' } }
    },
    // The result is frozen and public, with its method and inputs.
    published: { type: 'final' }
  }
})

/** Evaluation rounds as the engine runs them. */
export const evaluationWorkflow: Workflow<EvaluationContext, EvaluationEvent> = {
  id: 'evaluation',
  version: EVALUATION_MACHINE_VERSION,
  machine: evaluationMachine,
  upgrades: {},
  eventRoles: EVALUATION_EVENT_ROLES,
  // A rating by another rater does not change what this one's rating means: planned again on the newer round.
  commuting: ['RATE']
}

const runtime = new WorkflowRuntime<EvaluationContext, EvaluationEvent>(evaluationWorkflow)

export type StoredEvaluationSnapshot = StoredSnapshot<EvaluationContext>

/** The state a stored value stands for; anything else is a snapshot this version cannot restore. */
export const evaluationStateOf = (value: StateValue): EvaluationState => runtime.position(value) as EvaluationState

/** A new round's snapshot with its departments listed. */
export function initialEvaluationSnapshot(departments: string[]): StoredEvaluationSnapshot {
  const initial = runtime.initial()
  return { ...initial, context: { ...initial.context, departments } }
}

/**
 * Restore and compute the next snapshot of an event the caller has found enabled (the service
 * checks the state first, to answer with the reason); anything else is a bug, said loudly.
 */
export function stepEvaluation(stored: StoredEvaluationSnapshot, event: EvaluationEvent): { next: StoredEvaluationSnapshot; state: EvaluationState } {
  const step = runtime.mustStep(stored, event)
  return { next: step.next, state: step.position as EvaluationState }
}

/** The events a round in this snapshot accepts now, before asking who sends them. */
export const enabledEvaluationEvents = (stored: StoredEvaluationSnapshot): EvaluationEventType[] => runtime.enabledEvents(stored) as EvaluationEventType[]

