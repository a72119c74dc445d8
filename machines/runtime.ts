import { WorkflowRuntime, type StoredSnapshot } from '../src/engine/workflow.js'
import { admissionWorkflow, type AdmissionContext, type AdmissionEvent, type EscalationStage, type TaskState } from './admission.js'

export { IncompatibleSnapshotError } from '../src/engine/workflow.js'

/** What the database keeps of a task's machine. */
export type StoredAdmissionSnapshot = StoredSnapshot<AdmissionContext>

/** A task's resting position: its state, and inside an escalation the stage. */
export interface AdmissionPosition {
  state: TaskState
  stage: EscalationStage | null
}

export const admissionRuntime = new WorkflowRuntime<AdmissionContext, AdmissionEvent>(admissionWorkflow)

export const positionLabel = (p: AdmissionPosition): string => (p.stage === null ? p.state : `${p.state}.${p.stage}`)

export function positionOf(value: StoredAdmissionSnapshot['value']): AdmissionPosition {
  const [state, stage] = admissionRuntime.position(value).split('.')
  return { state: state as TaskState, stage: (stage ?? null) as EscalationStage | null }
}

export const initialAdmissionSnapshot = (): StoredAdmissionSnapshot => admissionRuntime.initial()

export type AdmissionStep = { accepted: true; next: StoredAdmissionSnapshot; position: AdmissionPosition } | { accepted: false }

/** The pure step the server runs: nothing is executed; the caller persists and then performs. */
export function stepAdmission(stored: StoredAdmissionSnapshot, event: AdmissionEvent): AdmissionStep {
  const step = admissionRuntime.step(stored, event)
  return step.accepted ? { accepted: true, next: step.next, position: positionOf(step.next.value) } : step
}

/** The events a task in this snapshot accepts now, before asking who sends them. */
export const enabledEvents = (stored: StoredAdmissionSnapshot): string[] => admissionRuntime.enabledEvents(stored)

/** A step the caller knows the machine accepts (a date moving a contract); anything else is a bug, said loudly. */
export function mustStep(stored: StoredAdmissionSnapshot, event: AdmissionEvent): { next: StoredAdmissionSnapshot; position: AdmissionPosition } {
  const { next } = admissionRuntime.mustStep(stored, event)
  return { next, position: positionOf(next.value) }
}
