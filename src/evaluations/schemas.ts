import { Type, type Static } from 'typebox'
import { EVALUATION_BODY_EVENTS, EVALUATION_EVENT_ROLES, EVALUATION_EVENT_TYPES, EVALUATION_STATES, RATER_ROLES, evaluationMachine } from '../../machines/evaluation.js'
import { eventBodies } from '../engine/event-schemas.js'
import { Nullable } from '../platform/schemas.js'
import { EvaluationParameters } from '../policy/pack-schema.js'
import { ROLES } from '../roles.js'

// A free-text field must say something: at least one character that is not white space.
const text = (maxLength: number, description: string) => Type.String({ minLength: 1, maxLength, pattern: '\\S', description })
const OrgId = (description: string) => Type.String({ minLength: 1, maxLength: 64, description })

export const EVALUATION_EXAMPLES = {
  create: { period: '2026' },
  rateLevel: { value: 'basically_satisfied', comment: '入户走访及时，但台账要求仍偏多。', respondents: 24 },
  events: {
    SET_DEPARTMENTS: { summary: 'the office changes the list before rating starts (office.city)', value: { type: 'SET_DEPARTMENTS', departments: ['city-civil', 'city-police', 'city-health'] } },
    START: { summary: 'start the rating: the deadline is counted in working days from today', value: { type: 'START' } },
    CLOSE: { summary: 'close the rating before its deadline', value: { type: 'CLOSE', reason: '各街道、社区均已评价' } },
    PUBLISH: { summary: 'publish the result, which is then frozen', value: { type: 'PUBLISH' } }
  }
}

export const CreateEvaluationBody = Type.Object(
  {
    area: Type.Optional(OrgId('the city or district rated in; your own org when absent (an admin of the whole city names one)')),
    period: Type.String({ minLength: 4, maxLength: 16, description: 'a period of the kind the policy pack sets: "2026" for a year, "2026-H1" or "2026-H2" for a half-year; it must have begun' }),
    departments: Type.Optional(
      Type.Array(OrgId('a department whose work reaches the area'), {
        minItems: 1,
        maxItems: 200,
        description: 'the departments rated; when absent, those that worked in the area: its own, and those with tasks admitted in the period for streets or communities inside it'
      })
    )
  },
  { additionalProperties: false, examples: [EVALUATION_EXAMPLES.create] }
)

/** POST /v1/evaluations/{id}/events: one branch per event the office sends. */
export const EvaluationEventBodies = eventBodies({
  name: 'EvaluationEvent',
  machine: evaluationMachine,
  types: EVALUATION_BODY_EVENTS,
  roles: EVALUATION_EVENT_ROLES,
  fields: {
    version: Type.Integer({ minimum: 1, description: 'the round version the client saw; a stale one gets 409' }),
    departments: Type.Array(OrgId('a department whose work reaches the area'), { minItems: 1, maxItems: 200, description: 'the new list, replacing the old one' }),
    reason: text(2000, 'why the office closes early')
  },
  common: ['version'],
  takes: { SET_DEPARTMENTS: { required: ['departments'] }, START: {}, CLOSE: { optional: ['reason'] }, PUBLISH: {} }
})

export const EvaluationEventBody = Type.Unsafe<Static<typeof EvaluationEventBodies.union>>(Type.Ref('EvaluationEventBody'))

export const RatingBody = Type.Object(
  {
    value: Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Integer({ minimum: 0, maximum: 100 })], {
      description: 'a level’s code of the round’s scale ("satisfied", "basically_satisfied", …) or, on a points scale, whole points 0–100'
    }),
    comment: Type.Optional(text(2000, 'shown to the department without who wrote it; not public')),
    respondents: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100000, description: 'a street: how many residents’ representatives and units it organised for the rating (informational, not a weight)' })
    )
  },
  { additionalProperties: false, examples: [EVALUATION_EXAMPLES.rateLevel] }
)

/** The pack's evaluation parameters a round was opened with, named once in the document for every view that carries them. */
export const EvaluationParametersSchema = Type.Object(EvaluationParameters.properties, {
  $id: 'EvaluationParameters',
  additionalProperties: false,
  description: 'the pack’s evaluation parameters when the round opened: scale, target, weights and their sources'
})

export const EvaluationParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })
export const RatingParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), department: OrgId('the department rated') })

export const EvaluationView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    area: Type.String({ description: 'the city or district whose office runs the round' }),
    period: Type.String(),
    state: Type.Enum(EVALUATION_STATES),
    version: Type.Integer({ minimum: 1 }),
    departments: Type.Array(Type.String()),
    deadline: Nullable(Type.String({ format: 'date', description: 'the last day ratings are taken (China time); the day after, the engine closes the round' })),
    parameters: Type.Unsafe<Static<typeof EvaluationParameters>>(Type.Ref('EvaluationParameters')),
    policy: Type.Object({ id: Type.String(), version: Type.String(), hash: Type.String() }, { description: 'the pack they came from' }),
    enabledEvents: Type.Array(Type.Enum(EVALUATION_EVENT_TYPES), { description: 'the events you may send now; RATE is PUT …/ratings/{department}' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    publishedAt: Nullable(Type.String({ format: 'date-time' }))
  },
  { description: 'A round of the two-way evaluation (双向考评 / 倒评). It never names who rated.' }
)

export const EvaluationEventView = Type.Object({
  seq: Type.Integer(),
  version: Type.Integer({ description: 'round version this event produced' }),
  type: Type.String({ description: 'OPEN (the office created it), SET_DEPARTMENTS, START, RATE, CLOSE, DEADLINE (the engine’s clock), PUBLISH' }),
  from: Nullable(Type.Enum(EVALUATION_STATES)),
  to: Type.Enum(EVALUATION_STATES),
  actor: Type.Object(
    { role: Type.Enum(ROLES), sub: Type.Optional(Type.String()), org: Type.Optional(Nullable(Type.String())) },
    { description: 'only the office and admins of the area see who sent a RATE; to anyone else it shows its role only' }
  ),
  payload: Type.Unknown({ description: 'the event’s facts: the list, the deadline, the department rated (to the office only), the reason' }),
  at: Type.String({ format: 'date-time' })
})

export const RatingView = Type.Object({
  round: Type.String({ format: 'uuid' }),
  department: Type.String(),
  value: Type.Union([Type.String(), Type.Integer()]),
  score: Type.Number({ description: 'what the value counts for in the satisfaction score (0–100)' }),
  satisfied: Type.Boolean(),
  comment: Nullable(Type.String()),
  respondents: Nullable(Type.Integer()),
  version: Type.Integer({ description: 'the round version the rating was written at' }),
  current: Type.Boolean({ description: 'false for a rating its rater has since replaced' }),
  rater: Type.Object({ org: Type.String(), role: Type.Enum(RATER_ROLES), sub: Type.String() }, { description: 'ratings are read only by the rater itself and the office and admins of the area' }),
  at: Type.String({ format: 'date-time' })
})

const Counts = Type.Record(Type.String(), Type.Integer())
const Figure = Nullable(Type.Number())

const Words = (description: string) => Type.Object({ zh: Type.String(), en: Type.String() }, { description })

/** How a result is computed, published with it: every figure below can be computed again from this and the inputs. */
const EvaluationMethodView = Type.Object(
  {
    formula: Words('the total’s formula and rounding'),
    components: Type.Object({
      satisfaction: Words('how the satisfaction component is computed'),
      admission: Words('how the admission component is computed'),
      burden: Words('how the burden component is computed'),
      funding: Words('how the funding component is computed')
    }),
    weights: EvaluationParameters.properties.weights,
    penalties: EvaluationParameters.properties.penalties,
    scale: EvaluationParameters.properties.scale,
    satisfactionTarget: EvaluationParameters.properties.satisfactionTarget,
    basis: EvaluationParameters.properties.basis,
    policy: Type.Object({ id: Type.String(), version: Type.String(), hash: Type.String() }, { description: 'the pack the parameters came from' }),
    window: Type.Object({ from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }) }, { description: 'the days the gate record is counted over (China time)' })
  },
  { description: 'the formula (zh/en), the components’ definitions, the weights, penalties, scale and target with their sources, the pack, the window' }
)

const GateRecordView = Type.Object({
  submitted: Type.Integer(),
  admitted: Type.Integer(),
  returned: Type.Integer(),
  rejected: Type.Integer(),
  confirmedBurdenReports: Type.Integer(),
  unfunded: Type.Integer(),
  lateFunding: Type.Integer({ description: 'targets whose funding arrived only after the grace period' })
})

const DepartmentInputsView = Type.Object({
  department: Type.String(),
  scores: Type.Array(Type.Number(), { description: 'each rater’s current rating as the score it counts for, ascending: no order tells who gave which' }),
  satisfied: Type.Integer({ description: 'how many of those count as satisfied' }),
  byRole: Type.Object({ street: Type.Integer(), community: Type.Integer() }),
  distribution: Nullable(Type.Record(Type.String(), Type.Integer(), { description: 'ratings per level code; null on a points scale' })),
  record: GateRecordView
})

export const DepartmentResultView = Type.Object({
  department: Type.String(),
  n: Type.Integer({ description: 'ratings counted: each rater’s current one' }),
  byRole: Type.Object({ street: Type.Integer(), community: Type.Integer() }),
  distribution: Nullable(Counts),
  satisfaction: Type.Object({ score: Figure, rate: Figure, target: Type.Number(), met: Nullable(Type.Boolean()) }),
  record: GateRecordView,
  components: Type.Object({ satisfaction: Figure, admission: Figure, burden: Figure, funding: Figure }),
  total: Figure,
  rank: Nullable(Type.Integer()),
  comments: Type.Optional(Type.Array(Type.String(), { description: 'to the department itself and the office: the comments on it, without who wrote them, sorted' }))
})

export const ResultView = Type.Object(
  {
    round: Type.String({ format: 'uuid' }),
    area: Type.String(),
    period: Type.String(),
    state: Type.Enum(EVALUATION_STATES),
    provisional: Type.Boolean({ description: 'true before publication: what the result would be now (the office only)' }),
    computedAt: Type.String({ format: 'date-time' }),
    method: EvaluationMethodView,
    inputs: Type.Array(DepartmentInputsView, { description: 'per department: the ascending scores of the current ratings (no raters), how many are satisfied, by role, the distribution, the gate record' }),
    departments: Type.Array(DepartmentResultView),
    areaFigures: Type.Object({ n: Type.Integer(), satisfied: Type.Integer(), rate: Figure, met: Nullable(Type.Boolean()), meanTotal: Figure })
  },
  { description: 'A round’s result, with the method and inputs to compute it again.' }
)

export type EvaluationViewT = Static<typeof EvaluationView>
export type RatingViewT = Static<typeof RatingView>
export type ResultViewT = Static<typeof ResultView>
