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

/** Every resting position of the machine, by its label ("draft", "escalated.office_review"). */
const POSITIONS: Record<string, AdmissionPosition> = Object.fromEntries([
  ...TASK_STATES.filter((s) => s !== 'escalated').map((state) => [state, { state, stage: null }]),
  ...ESCALATION_STAGES.map((stage) => [`escalated.${stage}`, { state: 'escalated', stage }])
])

export const positionLabel = (p: AdmissionPosition): string => (p.stage === null ? p.state : `${p.state}.${p.stage}`)

export function positionOf(value: StateValue): AdmissionPosition {
  const label = typeof value === 'string' ? value : Object.entries(value).map(([k, v]) => `${k}.${String(v)}`).join('|')
  const position = POSITIONS[label]
  if (position === undefined) throw new IncompatibleSnapshotError(`unknown state ${JSON.stringify(value)}`)
  return position
}

function persist(value: StateValue, context: AdmissionContext): StoredAdmissionSnapshot {
  // A JSON round trip drops anything that would not survive the database anyway.
  return JSON.parse(JSON.stringify({ machineVersion: ADMISSION_MACHINE_VERSION, value, context })) as StoredAdmissionSnapshot
}

// Every draft starts from the same snapshot: computed once, copied per task.
let initialJson: string | null = null

export function initialAdmissionSnapshot(): StoredAdmissionSnapshot {
  if (initialJson === null) {
    const [snapshot] = initialTransition(admissionMachine)
    initialJson = JSON.stringify(persist(snapshot.value, snapshot.context))
  }
  return JSON.parse(initialJson) as StoredAdmissionSnapshot
}

/**
 * Snapshots of earlier machine versions whose states still exist: versions 1 and 2
 * lacked the consultation, votes and decision that version 3's context carries.
 */
function upgrade(stored: StoredAdmissionSnapshot): StoredAdmissionSnapshot {
  // Version 1's `decision` was a bare word; version 3 keeps the whole collective decision.
  if (stored.machineVersion === 1) return { ...stored, machineVersion: 3, context: { ...stored.context, consultation: null, votes: {}, decision: null } }
  if (stored.machineVersion === 2) return { ...stored, machineVersion: 3 }
  return stored
}

/** The stored snapshot in this machine version, and the position it is in; throws when it cannot be. */
function current(original: StoredAdmissionSnapshot): { stored: StoredAdmissionSnapshot; position: AdmissionPosition } {
  const stored = upgrade(original)
  if (stored.machineVersion !== ADMISSION_MACHINE_VERSION) {
    throw new IncompatibleSnapshotError(`machine version ${stored.machineVersion}, expected ${ADMISSION_MACHINE_VERSION}`)
  }
  return { stored, position: positionOf(stored.value) }
}

function restore(original: StoredAdmissionSnapshot) {
  const { stored } = current(original)
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
  // Which events a state node handles depends on the state alone, not on the context.
  const label = positionLabel(current(stored).position)
  let names = EVENTS_BY_POSITION.get(label)
  if (names === undefined) {
    const found = new Set<string>()
    for (const node of restore(stored)._nodes) {
      for (const key of node.ownEvents) found.add(key)
    }
    EVENTS_BY_POSITION.set(label, (names = [...found].sort()))
  }
  return [...names]
}

const EVENTS_BY_POSITION = new Map<string, string[]>()

/** A step the caller knows the machine accepts (a date moving a contract); anything else is a bug, said loudly. */
export function mustStep(stored: StoredAdmissionSnapshot, event: AdmissionEvent): { next: StoredAdmissionSnapshot; position: AdmissionPosition } {
  const step = stepAdmission(stored, event)
  if (!step.accepted) throw new IncompatibleSnapshotError(`${event.type} is not accepted in ${JSON.stringify(stored.value)}`)
  return step
}
