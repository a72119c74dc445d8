import { initialTransition, transition, type AnyStateMachine, type AnyStateNode, type EventObject, type StateValue } from 'xstate'

/** What the database keeps of an instance's machine: plain JSON, tagged with the machine version. */
export interface StoredSnapshot<C = unknown> {
  machineVersion: number
  value: StateValue
  context: C
}

export class IncompatibleSnapshotError extends Error {
  constructor(detail: string) {
    super(`stored snapshot cannot be restored: ${detail}`)
    this.name = 'IncompatibleSnapshotError'
  }
}

/**
 * A workflow as the engine runs it: a pure XState machine and the facts the engine
 * needs around it. Registering one is all it takes to run a new process.
 */
export interface Workflow<C = unknown, E extends EventObject = EventObject> {
  /** The machine's id in URLs and in the database ("admission", "burden-report"). */
  id: string
  /** Bumped whenever a state is renamed or removed, so an older snapshot is recognised, never silently restored. */
  version: number
  machine: AnyStateMachine
  /** upgrades[k] turns a snapshot of version k into one of version k + 1. */
  upgrades: Readonly<Record<number, (stored: StoredSnapshot<any>) => StoredSnapshot<any>>>
  /** Who may start an instance through the engine's instance routes; any principal when absent. */
  createRoles?: readonly string[]
  /**
   * Who, besides admins and the creator's own org, may read an instance and send it events
   * through the engine's instance routes (the roles per event still apply); nobody else when absent.
   */
  mayAccess?: (principal: { sub: string; role: string; org: string }, creator: { sub: string; role: string; org: string }) => boolean
  /** Who may send which event: checked before the machine sees it. An empty list: only the engine's own clock sends it. */
  eventRoles: Readonly<Record<E['type'], readonly string[]>>
  /**
   * Events whose effect does not depend on what a concurrent change to the same instance
   * did (a vote by another member, a funding confirmation by another community): when
   * the compare-and-set finds a newer version, the engine plans them again on it instead of refusing.
   */
  commuting?: readonly string[]
}

export type Step<C> = { accepted: true; next: StoredSnapshot<C>; position: string } | { accepted: false }

/** The dotted label of a resting position: "draft", "escalated.office_review". */
export function positionLabel(value: StateValue): string {
  if (typeof value === 'string') return value
  const entries = Object.entries(value)
  // Parallel regions would need a set of labels; no workflow here has them.
  if (entries.length !== 1) throw new IncompatibleSnapshotError(`not one resting state: ${JSON.stringify(value)}`)
  const [key, child] = entries[0]!
  return `${key}.${positionLabel(child as StateValue)}`
}

/** Every atomic state of a machine, by its dotted label. */
function atomicLabels(machine: AnyStateMachine): Set<string> {
  const labels = new Set<string>()
  const visit = (node: AnyStateNode) => {
    const children = Object.values(node.states) as AnyStateNode[]
    if (children.length === 0) labels.add(node.path.join('.'))
    children.forEach(visit)
  }
  visit(machine.root)
  return labels
}

/**
 * The pure runtime of one workflow: restore a stored snapshot (upgrading older versions),
 * check that an event is enabled, compute the next snapshot. Nothing is executed: the
 * engine persists the step, then performs its effects.
 */
export class WorkflowRuntime<C = unknown, E extends EventObject = EventObject> {
  private readonly labels: Set<string>
  private initialJson: string | null = null
  // Which events a state node handles depends on the state alone, not on the context.
  private readonly eventsByPosition = new Map<string, string[]>()

  private readonly commuting: ReadonlySet<string>

  constructor(readonly workflow: Workflow<C, E>) {
    this.labels = atomicLabels(workflow.machine)
    this.commuting = new Set(workflow.commuting ?? [])
  }

  /** The snapshot every instance starts from: computed once, copied per instance. */
  initial(): StoredSnapshot<C> {
    if (this.initialJson === null) {
      const [snapshot] = initialTransition(this.workflow.machine)
      this.initialJson = JSON.stringify(this.persist(snapshot.value, snapshot.context as C))
    }
    return JSON.parse(this.initialJson) as StoredSnapshot<C>
  }

  /** The position a stored value stands for; a state this machine does not have is refused. */
  position(value: StateValue): string {
    const label = positionLabel(value)
    if (!this.labels.has(label)) throw new IncompatibleSnapshotError(`unknown ${this.workflow.id} state ${JSON.stringify(value)}`)
    return label
  }

  /** The stored snapshot in this machine version; throws when it cannot be. */
  upgrade(original: StoredSnapshot<unknown>): StoredSnapshot<C> {
    let stored = original
    while (stored.machineVersion < this.workflow.version) {
      const up = this.workflow.upgrades[stored.machineVersion]
      if (up === undefined) break
      stored = up(stored)
    }
    if (stored.machineVersion !== this.workflow.version) {
      throw new IncompatibleSnapshotError(`${this.workflow.id} machine version ${original.machineVersion}, expected ${this.workflow.version}`)
    }
    this.position(stored.value)
    return stored as StoredSnapshot<C>
  }

  step(stored: StoredSnapshot<unknown>, event: E): Step<C> {
    const current = this.restore(stored)
    if (!current.can(event)) return { accepted: false }
    const [next] = transition(this.workflow.machine, current, event)
    return { accepted: true, next: this.persist(next.value, next.context as C), position: this.position(next.value) }
  }

  /** A step the caller knows the machine accepts (a date moving a contract); anything else is a bug, said loudly. */
  mustStep(stored: StoredSnapshot<unknown>, event: E): { next: StoredSnapshot<C>; position: string } {
    const step = this.step(stored, event)
    if (!step.accepted) throw new IncompatibleSnapshotError(`${event.type} is not accepted in ${JSON.stringify(stored.value)}`)
    return step
  }

  /**
   * Whether an event planned on `planned` may be planned again on `found`, the newer snapshot
   * a compare-and-set ran into: it commutes, and the instance still rests where it did (a
   * vote carries to the newer tally, not into a new round on another agenda).
   */
  commutes(type: string, planned: StoredSnapshot<unknown>, found: StoredSnapshot<unknown>): boolean {
    return this.commuting.has(type) && positionLabel(this.upgrade(planned).value) === positionLabel(this.upgrade(found).value)
  }

  /** The events an instance in this snapshot accepts now, before asking who sends them. */
  enabledEvents(stored: StoredSnapshot<unknown>): string[] {
    const label = positionLabel(this.upgrade(stored).value)
    let names = this.eventsByPosition.get(label)
    if (names === undefined) {
      const found = new Set<string>()
      for (const node of this.restore(stored)._nodes) {
        for (const key of node.ownEvents) found.add(key)
      }
      this.eventsByPosition.set(label, (names = [...found].sort()))
    }
    return [...names]
  }

  private restore(original: StoredSnapshot<unknown>) {
    const stored = this.upgrade(original)
    return this.workflow.machine.resolveState({ value: stored.value, context: stored.context })
  }

  private persist(value: StateValue, context: C): StoredSnapshot<C> {
    // A JSON round trip drops anything that would not survive the database anyway.
    return JSON.parse(JSON.stringify({ machineVersion: this.workflow.version, value, context })) as StoredSnapshot<C>
  }
}
