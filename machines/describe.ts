import type { AnyStateMachine, AnyStateNode } from 'xstate'
import { ADMISSION_MACHINE_VERSION, EVENT_ROLES, admissionMachine } from './admission.js'
import { BURDEN_REPORT_EVENT_ROLES, BURDEN_REPORT_MACHINE_VERSION, burdenReportMachine } from './burden-report.js'

interface Edge {
  from: string
  to: string
  event: string
  guard: string | null
}

// Guards here are always named and parameterised: { type, params }.
const guardLabel = (guard: unknown): string | null => {
  if (guard === undefined) return null
  const g = guard as { type: string; params: Record<string, unknown> }
  return `${g.type}(${Object.values(g.params).join(',')})`
}

// Mermaid ids cannot contain dots; nested states are addressed by their path.
const mermaidId = (node: AnyStateNode): string => node.path.join('_')

function edgesOf(node: AnyStateNode): Edge[] {
  const edges: Edge[] = []
  for (const [event, transitions] of node.transitions) {
    for (const t of transitions) {
      // A transition without a target stays where it is: drawn as a self-loop.
      for (const target of t.target ?? [node]) {
        edges.push({ from: mermaidId(node), to: mermaidId(target), event, guard: guardLabel(t.guard) })
      }
    }
  }
  for (const t of node.always ?? []) {
    for (const target of t.target!) {
      edges.push({ from: mermaidId(node), to: mermaidId(target), event: 'always', guard: guardLabel(t.guard) })
    }
  }
  return edges
}

function renderNode(node: AnyStateNode, indent: string, lines: string[], edges: Edge[]): void {
  const children = Object.values(node.states) as AnyStateNode[]
  for (const child of children) {
    if (Object.keys(child.states).length > 0) {
      lines.push(`${indent}state ${mermaidId(child)} {`)
      lines.push(`${indent}  [*] --> ${mermaidId(child.states[child.config.initial as string] as AnyStateNode)}`)
      renderNode(child, `${indent}  `, lines, edges)
      lines.push(`${indent}}`)
    }
    if (child.type === 'final') lines.push(`${indent}${mermaidId(child)} --> [*]`)
    edges.push(...edgesOf(child))
  }
}

/** A complete stateDiagram-v2, `always` edges and guard names included. */
export function toMermaid(machine: AnyStateMachine): string {
  const lines = ['stateDiagram-v2']
  const initial = machine.root.config.initial as string
  lines.push(`  [*] --> ${mermaidId(machine.root.states[initial] as AnyStateNode)}`)
  const edges: Edge[] = []
  renderNode(machine.root, '  ', lines, edges)
  for (const e of edges) {
    lines.push(`  ${e.from} --> ${e.to}: ${e.event}${e.guard ? ` [${e.guard}]` : ''}`)
  }
  return `${lines.join('\n')}\n`
}

/**
 * Where each event leads, as "from → to" lines with dotted state paths ("escalated.leading_group"),
 * read off the machine itself so that the API's descriptions of the events cannot drift from it.
 */
export function transitionsByEvent(machine: AnyStateMachine): Map<string, string[]> {
  const byEvent = new Map<string, string[]>()
  // A transient state (screening) is left within the same step: name where it leads instead.
  const settled = (n: AnyStateNode): AnyStateNode[] => (n.always === undefined ? [n] : n.always.flatMap((t) => t.target!.flatMap(settled)))
  const visit = (node: AnyStateNode) => {
    for (const [event, transitions] of node.transitions) {
      const lines = byEvent.get(event) ?? []
      const from = node.path.join('.')
      // A transition without a target stays where it is.
      const to = [...new Set(transitions.flatMap((t) => (t.target ?? [node]).flatMap(settled).map((n) => n.path.join('.'))))]
      lines.push(to.length === 1 && to[0] === from ? `stays ${from}` : `${from} → ${to.join(' | ')}`)
      byEvent.set(event, lines)
    }
    for (const child of Object.values(node.states) as AnyStateNode[]) visit(child)
  }
  visit(machine.root)
  return byEvent
}

export interface MachineDescription {
  id: string
  version: number
  definition: unknown
  eventRoles: Record<string, string[]>
}

export const MACHINES: Record<string, { machine: AnyStateMachine; version: number; eventRoles: Record<string, readonly string[]> }> = {
  admission: { machine: admissionMachine, version: ADMISSION_MACHINE_VERSION, eventRoles: EVENT_ROLES },
  'burden-report': { machine: burdenReportMachine, version: BURDEN_REPORT_MACHINE_VERSION, eventRoles: BURDEN_REPORT_EVENT_ROLES }
}

/** A machine by id; only the machines listed, never a property every object has (toString, __proto__). */
export function machineById(id: string) {
  return Object.hasOwn(MACHINES, id) ? MACHINES[id]! : null
}

export function describeMachine(id: string): MachineDescription | null {
  const entry = machineById(id)
  if (entry === null) return null
  return {
    id,
    version: entry.version,
    definition: JSON.parse(JSON.stringify(entry.machine.root.definition)),
    eventRoles: Object.fromEntries(Object.entries(entry.eventRoles).map(([e, roles]) => [e, [...roles]]))
  }
}
