import { Type, type Static, type TSchema } from 'typebox'
import type { AnyStateMachine } from 'xstate'
import { transitionsByEvent } from '../../machines/describe.js'
import type { Role } from '../roles.js'

/** What an event request takes besides `type`: the fields it cannot do without, in the order a missing one is reported, and those it may carry. */
export interface EventFields<F extends string> {
  required?: readonly F[]
  optional?: readonly F[]
}

export interface EventBodyOptions<E extends string, F extends Record<string, TSchema>> {
  /** "TaskEvent": the union is the component TaskEventBody, each event's branch e.g. DecideTaskEventBody. */
  name: string
  machine: AnyStateMachine
  /** The machine's event types, in its order. */
  types: readonly E[]
  /** The machine's table of who sends which event. */
  roles: Readonly<Record<E, readonly Role[]>>
  fields: F
  /** Fields every event may carry (`version`), unless its entry requires them. */
  common: ReadonlyArray<keyof F & string>
  takes: Readonly<Record<E, EventFields<keyof F & string>>>
}

/** A request of any of the events, as the service reads it: `type` and whatever fields came with it. */
export type EventBodyT<E extends string, F extends Record<string, TSchema>> = { type: E } & { [K in keyof F]?: Static<F[K]> }

const pascal = (type: string) =>
  type
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')

/**
 * The request body of an events endpoint as one branch per event, discriminated by `type`
 * (ajv's `discriminator` picks the branch from the tag, so a bad body is reported against its
 * own event: a DECIDE without minutes is "minutes is required with DECIDE", not a list of
 * every event it failed to be). Event names and who sends them come from the machine; events
 * no principal sends (the sweeper's) are no request. Each branch is a shared schema: register
 * `branches` and `union` with app.addSchema, and route bodies refer to the union by its $id.
 */
export function eventBodies<E extends string, F extends Record<string, TSchema>>(o: EventBodyOptions<E, F>) {
  const transitions = transitionsByEvent(o.machine)
  const sent = o.types.filter((e) => o.roles[e].length > 0)
  const branches = sent.map((e) => {
    const $id = `${pascal(e)}${o.name}Body`
    const { required = [], optional = [] } = o.takes[e]
    const optionals = [...o.common.filter((f) => !required.includes(f)), ...optional]
    const properties: Record<string, TSchema> = {
      type: Type.Literal(e, { description: `sent by ${o.roles[e].join(' or ')}: ${transitions.get(e)!.join('; ')}` })
    }
    for (const f of required) properties[f] = o.fields[f]!
    for (const f of optionals) properties[f] = Type.Optional(o.fields[f]!)
    return { $id, schema: Type.Object(properties, { $id, title: e, additionalProperties: false }) }
  })
  const union = Type.Unsafe<EventBodyT<E, F>>({
    $id: `${o.name}Body`,
    type: 'object',
    description: 'One event; `type` says which, and with it which fields go with the event.',
    // Checked before the branch is picked: an unknown or missing type is named as the field `type`.
    required: ['type'],
    properties: { type: Type.Enum(sent) },
    oneOf: branches.map((b) => Type.Ref(b.$id)),
    discriminator: { propertyName: 'type' }
  })
  // "SUBMIT, REVISE (department); VOTE, DECIDE (leading_group)": who sends what, for summaries.
  const senders = [...new Set(sent.flatMap((e) => o.roles[e]))]
  const bySender = senders.map((r) => `${sent.filter((e) => o.roles[e].includes(r)).join(', ')} (${r})`).join('; ')
  return { sent, bySender, branches: branches.map((b) => b.schema), union }
}
