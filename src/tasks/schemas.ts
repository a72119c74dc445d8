import { Type, type Static } from 'typebox'
import {
  ADMISSION_EVENT_TYPES,
  CONSULTATION_MODES,
  DECISIONS,
  ESCALATION_STAGES,
  EVENT_ROLES,
  TASK_STATES,
  admissionMachine,
  type AdmissionEventType
} from '../../machines/admission.js'
import { CATALOG_LISTS, RULE_CODES, TARGET_LEVELS, TASK_KINDS, VERDICTS } from '../policy/types.js'
import { ROLES } from '../roles.js'
import { DUE_KINDS } from './store.js'
import { Nullable, PageQuery } from '../platform/schemas.js'
import { eventBodies, type EventBodyT, type EventFields } from '../engine/event-schemas.js'
import { FUNDED_ASSISTED_TASK } from './examples.js'

// Task fields, as a department declares them (the gate reads both the declaration and the text).
const taskFieldSchemas = {
  title: Type.String({ minLength: 1, maxLength: 200, description: 'short title, in Chinese as issued' }),
  description: Type.String({ maxLength: 10000 }),
  targetLevel: Type.Enum(TARGET_LEVELS),
  targets: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
    minItems: 1,
    maxItems: 5000,
    uniqueItems: true,
    description: 'org unit ids of the communities or streets the task reaches; all of kind targetLevel, inside the department’s jurisdiction'
  }),
  kind: Type.Enum(TASK_KINDS),
  catalogItem: Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'code of the list item the task claims to be' })),
  certificate: Nullable(Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false })),
  legalBasis: Type.Array(
    Type.Object(
      { title: Type.String({ minLength: 1, maxLength: 300 }), article: Type.Optional(Type.String({ maxLength: 100 })) },
      { additionalProperties: false }
    ),
    { maxItems: 50 }
  ),
  funding: Nullable(
    Type.Object(
      {
        perTarget: Type.Number({ minimum: 0, maximum: 1e10, description: 'yuan per target per period' }),
        source: Type.String({ minLength: 1, maxLength: 200 }),
        committed: Type.Boolean(),
        units: Type.Optional(
          Type.Integer({ minimum: 1, maximum: 10000000, description: 'households or units of work per target, where the item’s funding standard counts them (per household, per census area)' })
        )
      },
      { additionalProperties: false }
    )
  ),
  authority: Nullable(
    Type.Object(
      {
        required: Type.Boolean({ description: 'the work needs powers or staff the targets do not have' }),
        provided: Type.Boolean({ description: 'those powers or staff are handed down with the task' })
      },
      { additionalProperties: false }
    )
  ),
  period: Type.Object(
    { start: Type.String({ format: 'date' }), end: Type.String({ format: 'date' }) },
    { additionalProperties: false }
  ),
  workloadHours: Type.Number({ minimum: 0, maximum: 1e6, description: 'estimated hours of work per target' })
}

const f = taskFieldSchemas
// Optional fields default to "not declared" (null or []); routes fill them in with normalizeDeclaration.
const optionalFields = {
  description: Type.Optional(f.description),
  catalogItem: Type.Optional(f.catalogItem),
  certificate: Type.Optional(f.certificate),
  legalBasis: Type.Optional(f.legalBasis),
  funding: Type.Optional(f.funding),
  authority: Type.Optional(f.authority)
}

export const TaskInput = Type.Object(
  {
    title: f.title,
    targetLevel: f.targetLevel,
    targets: f.targets,
    kind: f.kind,
    period: f.period,
    workloadHours: f.workloadHours,
    ...optionalFields
  },
  { $id: 'TaskInput', additionalProperties: false }
)

export const CreateTaskBody = Type.Object(
  {
    ...TaskInput.properties,
    submit: Type.Optional(Type.Boolean({ description: 'create and submit in one call' }))
  },
  { additionalProperties: false, examples: [FUNDED_ASSISTED_TASK] }
)

export const TaskChanges = Type.Object(
  {
    title: Type.Optional(f.title),
    description: Type.Optional(f.description),
    targetLevel: Type.Optional(f.targetLevel),
    targets: Type.Optional(f.targets),
    kind: Type.Optional(f.kind),
    catalogItem: Type.Optional(f.catalogItem),
    certificate: Type.Optional(f.certificate),
    legalBasis: Type.Optional(f.legalBasis),
    funding: Type.Optional(f.funding),
    authority: Type.Optional(f.authority),
    period: Type.Optional(f.period),
    workloadHours: Type.Optional(f.workloadHours)
  },
  { additionalProperties: false, description: 'fields to change; only with REVISE or SUBMIT of a draft or returned task' }
)

/** Which fields go with which event; `reason` and `version` go with any. */
const TASK_EVENT_TAKES = {
  SUBMIT: { optional: ['changes'] },
  REVISE: { optional: ['changes'] },
  WITHDRAW: {},
  OFFICE_RETURN: { required: ['reason'] },
  PUT_ON_AGENDA: {},
  OPEN_CONSULTATION: { required: ['consultation'] },
  CONSULTATION_REPLY: { required: ['reply'] },
  CLOSE_CONSULTATION: {},
  VOTE: { required: ['vote', 'reason'] },
  DECIDE: { required: ['decision', 'minutes'], optional: ['amendCatalog'] },
  ACTIVATE: {},
  COMPLETE: {},
  SUSPEND: { required: ['reason'] },
  RESUME: {},
  REVOKE: { required: ['reason'], optional: ['withdrawalRequest'] },
  DECLINE_WITHDRAWAL: { required: ['reason', 'withdrawalRequest'] }
} as const satisfies Record<AdmissionEventType, EventFields<string>>

const requiring = (field: string) => ADMISSION_EVENT_TYPES.filter((e) => (TASK_EVENT_TAKES[e] as EventFields<string>).required?.includes(field))

const taskEventFields = {
  version: Type.Integer({ minimum: 1, description: 'the task version the client saw; a stale one gets 409' }),
  reason: Type.String({
    minLength: 1,
    maxLength: 5000,
    description: `why; required with ${requiring('reason').join(', ')}, and with a DECIDE that rejects or returns`
  }),
  changes: TaskChanges,
  consultation: Type.Object(
    {
      mode: Type.Enum(CONSULTATION_MODES, { description: 'sample: the invited streets and communities answer; public_notice: the office records replies to a notice' }),
      invited: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 500, uniqueItems: true, description: 'street and community ids asked to reply; at least one for a sample' })
    },
    { additionalProperties: false }
  ),
  reply: Type.String({ minLength: 1, maxLength: 10000, description: 'the community’s answer' }),
  withdrawalRequest: Type.String({
    format: 'uuid',
    description: 'the residents’ council request this REVOKE or DECLINE_WITHDRAWAL answers (GET /v1/withdrawal-requests); answered once'
  }),
  vote: Type.Enum(DECISIONS, { description: 'the member’s vote; a second vote replaces the first' }),
  decision: Type.Enum(DECISIONS, { description: 'the collective decision the chair records; it must be what the votes carry' }),
  minutes: Type.String({ minLength: 1, maxLength: 50000, description: 'the minutes of the meeting' }),
  amendCatalog: Type.Object(
    {
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'list item name; defaults to the task title' })),
      fundingMinimum: Type.Number({ minimum: 1, maximum: 1e10, description: 'the funding standard per target, in yuan, that the decision sets (the decision is its source)' })
    },
    { additionalProperties: false, description: 'with an approval: add the item to assisted_tasks as a new catalog version' }
  )
}

/** POST /v1/tasks/{id}/events: one branch per event a principal sends. */
export const TaskEventBodies = eventBodies({
  name: 'TaskEvent',
  machine: admissionMachine,
  types: ADMISSION_EVENT_TYPES,
  roles: EVENT_ROLES,
  fields: taskEventFields,
  common: ['version', 'reason'],
  takes: TASK_EVENT_TAKES
})

/** The route's body, by reference: the union is a shared schema (app.ts registers it). */
export const TaskEventBody = Type.Unsafe<TaskEventBodyT>(Type.Ref('TaskEventBody'))

const Citation = Type.Object(
  {
    source: Type.String({ description: 'id of the document in the policy pack’s sources table (GET /v1/catalogs lists it)', examples: ['nanjing-2014'] }),
    title: Type.String({ description: 'the document’s title, in 《》 where it is the document’s own', examples: ['《南京市深化街道和社区体制改革实施方案》'] }),
    issuer: Type.String({ description: 'who issued or published it', examples: ['南京市'] }),
    section: Type.String({ description: 'the section of the document the rule rests on, as the document numbers it', examples: ['§二.11'] })
  },
  {
    description:
      'A document the rule rests on, named as the policy pack in force named it when it screened; a stored finding keeps it, so it reads the same after the pack changes'
  }
)
const Bilingual = Type.Object({ zh: Type.String(), en: Type.String() })

export const FindingSchema = Type.Object(
  {
    rule: Type.Enum(RULE_CODES),
    verdict: Type.Enum(VERDICTS),
    message: Bilingual,
    evidence: Type.Array(
      Type.Object({
        field: Type.String(),
        value: Type.Optional(Type.Unknown()),
        match: Type.Optional(Type.String()),
        start: Type.Optional(Type.Integer({ description: 'UTF-16 offset of the match in the field' })),
        end: Type.Optional(Type.Integer())
      })
    ),
    citations: Type.Array(Citation, { description: 'what the rule rests on: the pack’s citations for it where the pack has its own, else the built-in ones' }),
    catalogRef: Type.Optional(
      Nullable(Type.Object({ list: Type.Enum(CATALOG_LISTS), code: Type.String(), name: Type.String() }))
    )
  },
  { $id: 'Finding' }
)

export const PolicyRefSchema = Type.Object(
  { id: Type.String(), version: Type.String(), hash: Type.String() },
  { $id: 'PolicyRef' }
)

export const ScreeningSchema = Type.Object(
  {
    outcome: Type.Enum(VERDICTS),
    findings: Type.Array(Type.Ref('Finding')),
    policy: Type.Ref('PolicyRef')
  },
  { $id: 'Screening' }
)

export const DeciderSchema = Type.Object({
  level: Type.Union([Type.Literal('city'), Type.Literal('district')]),
  orgUnit: Type.String(),
  body: Type.Union([Type.Literal('leading_group'), Type.Literal('party_committee_and_government')], {
    description: 'community tasks go to the leading group (Wuhan “1+10” documents, 解读3); new street items to the party committee and government (ibid., 解读2; Qingdao Shinan, 赋权减负)'
  })
})

const TallySchema = Type.Object({
  approve: Type.Integer(),
  reject: Type.Integer(),
  return: Type.Integer(),
  voted: Type.Integer({ description: 'votes that count: those of members who may vote on the task now (a removed member’s vote stays in `votes`, uncounted)' }),
  eligible: Type.Integer({ description: 'members who may vote: the group (members removed from it excluded) minus those recused' }),
  quorumMet: Type.Boolean(),
  majority: Nullable(Type.Enum(DECISIONS))
})

export const ReviewSchema = Type.Object(
  {
    escalatedOn: Nullable(Type.String({ format: 'date' })),
    dueOn: Nullable(Type.String({ format: 'date', description: 'working-day deadline of the current stage' })),
    dueKind: Nullable(Type.Enum(DUE_KINDS)),
    overdue: Type.Boolean(),
    consultation: Nullable(
      Type.Object({
        mode: Type.Enum(CONSULTATION_MODES),
        invited: Type.Array(Type.String()),
        replies: Type.Array(Type.Object({ from: Type.String(), role: Type.Enum(ROLES), org: Type.String(), text: Type.String(), at: Type.String() }))
      })
    ),
    tally: Nullable(TallySchema),
    votes: Nullable(
      Type.Array(
        Type.Object({
          member: Type.String(),
          vote: Type.Enum(DECISIONS),
          reason: Type.String(),
          at: Type.String(),
          counted: Nullable(
            Type.Boolean({
              description:
                'whether the vote counts in the tally: false once its member has left the group (or comes from the submitting department); null when the group is not deciding the task now'
            })
          )
        }),
        { description: 'individual votes: shown to office, leading-group and admin principals only' }
      )
    ),
    decision: Nullable(
      Type.Object({
        decision: Type.Enum(DECISIONS),
        reason: Nullable(Type.String()),
        minutes: Type.String(),
        tally: TallySchema,
        chair: Type.String({ description: 'who recorded the decision: the chair, or the deputy chair when the chair recused or the group had none' }),
        at: Type.String()
      })
    )
  },
  { $id: 'Review' }
)

export const TaskView = Type.Object(
  {
    id: Type.String(),
    state: Type.Enum(TASK_STATES),
    stage: Nullable(Type.Enum(ESCALATION_STAGES)),
    version: Type.Integer(),
    department: Type.String(),
    title: f.title,
    description: Type.String(),
    targetLevel: f.targetLevel,
    targets: Type.Array(Type.String()),
    kind: f.kind,
    catalogItem: f.catalogItem,
    certificate: f.certificate,
    legalBasis: f.legalBasis,
    funding: f.funding,
    authority: f.authority,
    period: f.period,
    workloadHours: Type.Number(),
    screening: Nullable(Type.Ref('Screening')),
    decider: DeciderSchema,
    enabledEvents: Type.Array(Type.Enum(ADMISSION_EVENT_TYPES), { description: 'events the task accepts now that this caller may send' }),
    review: Type.Ref('Review'),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' })
  },
  { $id: 'Task' }
)

export const TaskPage = Type.Object({ items: Type.Array(Type.Ref('Task')), nextCursor: Nullable(Type.String()) })

export const TaskListQuery = Type.Object(
  {
    state: Type.Optional(Type.Enum(TASK_STATES)),
    department: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    outcome: Type.Optional(Type.Enum(VERDICTS)),
    ...PageQuery
  },
  { additionalProperties: false }
)

export const TaskEventView = Type.Object(
  {
    seq: Type.Integer(),
    version: Type.Integer({ description: 'task version this event produced' }),
    type: Type.String(),
    from: Nullable(Type.String()),
    to: Type.String(),
    actor: Type.Object({ sub: Type.String(), role: Type.Enum(ROLES), org: Nullable(Type.String()) }),
    reason: Nullable(Type.String()),
    decision: Nullable(Type.Enum(DECISIONS)),
    vote: Nullable(Type.Enum(DECISIONS)),
    minutes: Nullable(Type.String()),
    consultation: Nullable(Type.Object({ mode: Type.Enum(CONSULTATION_MODES), invited: Type.Array(Type.String()) })),
    reply: Nullable(Type.String()),
    amendment: Nullable(Type.Object({ code: Type.String(), policy: Type.Ref('PolicyRef') }, { description: 'the list item an approval added, and the new catalog version' })),
    changes: Nullable(Type.Array(Type.String(), { description: 'names of the fields changed with this event' })),
    withdrawalRequest: Nullable(
      Type.Object(
        { id: Type.String({ format: 'uuid' }), deliberation: Type.String({ description: 'the deliberation item whose resolution asked (GET /v1/deliberations/{id})' }) },
        { description: 'REVOKE or DECLINE_WITHDRAWAL: the residents’ council request this answered' }
      )
    ),
    outcome: Nullable(Type.Enum(VERDICTS)),
    findings: Nullable(Type.Array(Type.Ref('Finding'))),
    policy: Nullable(Type.Ref('PolicyRef')),
    at: Type.String({ format: 'date-time' })
  },
  { $id: 'TaskEvent' }
)

export const TaskEventPage = Type.Object({ items: Type.Array(Type.Ref('TaskEvent')), nextCursor: Nullable(Type.String()) })

export type TaskInputT = Static<typeof TaskInput>
export type CreateTaskBodyT = Static<typeof CreateTaskBody>
export type TaskEventBodyT = EventBodyT<AdmissionEventType, typeof taskEventFields>
export type TaskChangesT = Static<typeof TaskChanges>
export type TaskViewT = Static<typeof TaskView>
export type TaskEventViewT = Static<typeof TaskEventView>
