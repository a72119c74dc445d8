import { initialTransition, transition, type StateValue } from 'xstate'
import {
  ADMISSION_MACHINE_VERSION,
  ESCALATION_STAGES,
  TASK_STATES,
  admissionMachine,
  type AdmissionContext,
  type AdmissionEvent,
  type EscalationStage,
  type TaskState
} from './admission.js'

/** What the database keeps of a task's machine: plain JSON, tagged with the machine version. */
export interface StoredAdmissionSnapshot {
  machineVersion: number
  value: StateValue
  context: AdmissionContext
}

export interface AdmissionPosition {
  state: TaskState
  stage: EscalationStage | null
}

export class IncompatibleSnapshotError extends Error {
  constructor(detail: string) {
    super(`stored snapshot cannot be restored: ${detail}`)
    this.name = 'IncompatibleSnapshotError'
  }
}

export function positionOf(value: StateValue): AdmissionPosition {
  if (typeof value === 'string') {
    if (!(TASK_STATES as readonly string[]).includes(value)) throw new IncompatibleSnapshotError(`unknown state "${value}"`)
    return { state: value as TaskState, stage: null }
  }
  const [state, sub] = Object.entries(value)[0] ?? []
  if (state !== 'escalated' || typeof sub !== 'string' || !(ESCALATION_STAGES as readonly string[]).includes(sub)) {
    throw new IncompatibleSnapshotError(`unknown state ${JSON.stringify(value)}`)
  }
  return { state: 'escalated', stage: sub as EscalationStage }
}

function persist(value: StateValue, context: AdmissionContext): StoredAdmissionSnapshot {
  // A JSON round trip drops anything that would not survive the database anyway.
  return JSON.parse(JSON.stringify({ machineVersion: ADMISSION_MACHINE_VERSION, value, context })) as StoredAdmissionSnapshot
}

export function initialAdmissionSnapshot(): StoredAdmissionSnapshot {
  const [snapshot] = initialTransition(admissionMachine)
  return persist(snapshot.value, snapshot.context)
}

function restore(stored: StoredAdmissionSnapshot) {
  if (stored.machineVersion !== ADMISSION_MACHINE_VERSION) {
    throw new IncompatibleSnapshotError(`machine version ${stored.machineVersion}, expected ${ADMISSION_MACHINE_VERSION}`)
  }
  positionOf(stored.value)
  return admissionMachine.resolveState({ value: stored.value, context: stored.context })
}

export type AdmissionStep =
  | { accepted: true; next: StoredAdmissionSnapshot; position: AdmissionPosition }
  | { accepted: false }

/**
 * The pure step the server runs: restore, check the event is enabled, compute the
 * next snapshot. Nothing is executed; the caller persists and then performs.
 */
export function stepAdmission(stored: StoredAdmissionSnapshot, event: AdmissionEvent): AdmissionStep {
  const current = restore(stored)
  if (!current.can(event)) return { accepted: false }
  const [next] = transition(admissionMachine, current, event)
  return { accepted: true, next: persist(next.value, next.context), position: positionOf(next.value) }
}

/** The events a task in this snapshot accepts now (for clients deciding which buttons to show). */
export function enabledEvents(stored: StoredAdmissionSnapshot): string[] {
  const current = restore(stored)
  const names = new Set<string>()
  for (const node of current._nodes) {
    for (const key of node.ownEvents) names.add(key)
  }
  return [...names].sort()
}
