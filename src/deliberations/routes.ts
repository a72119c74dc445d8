import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from 'typebox'
import {
  ASSEMBLY_KINDS,
  DELIBERATION_CREATE_ROLES,
  DELIBERATION_EVENT_ROLES,
  DELIBERATION_EVENT_TYPES,
  DELIBERATION_STATES,
  ORIGINS,
  PUBLIC_DELIBERATION_STATES,
  REVIEW_OUTCOMES,
  TRACKS,
  deliberationMachine
} from '../../machines/deliberation.js'
import { eventBodies } from '../engine/event-schemas.js'
import { history } from '../engine/store.js'
import { requirePrincipal, requireRole, type Principal } from '../platform/auth.js'
import { decodeCursor, encodeCursor } from '../platform/pagination.js'
import { DEFAULT_PAGE_SIZE, IdParams, Nullable, PageQuery, SeeOtherSchema, TOKEN, problemResponses, CALENDAR_NOT_COVERED } from '../platform/schemas.js'
import { countOf, type Meeting } from '../../machines/deliberation.js'
import { councilScope, inCouncilScope } from './access.js'
import { DELIBERATION, DELIBERATION_EVENT_EXAMPLES } from './examples.js'
// The body's schema has no PUBLICITY_ENDED branch: the sweeper's event is no request.
import { applyDeliberationEvent, loadVisibleDeliberation, offeredDeliberationEvents, proposeDeliberation, type DeliberationEventInput } from './service.js'
import { DELIBERATION_TABLES, listDeliberations, type DbDeliberationEventRow, type DeliberationRecord } from './store.js'
import { fromJson } from '../engine/db.js'

const tags = ['deliberations']
// A free-text field must say something: at least one character that is not white space.
const text = (maxLength: number, description: string) => Type.String({ minLength: 1, maxLength, pattern: '\\S', description })
const Day = (description: string) => Type.String({ format: 'date', description })
const MemberIds = (description: string) => Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 200, description })
const Count = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000, description })
const Documents = Type.Optional(
  Type.Array(Type.Object({ title: text(500, 'the document’s title'), uri: Type.String({ format: 'uri', maxLength: 2000 }) }, { additionalProperties: false }), {
    maxItems: 50,
    description: 'the meeting’s documents: minutes, sign-in sheet, photos'
  })
)

export const CreateDeliberationBody = Type.Object(
  {
    origin: Type.Enum(ORIGINS, { description: 'where the item came from: the two committees (两委), a council member, a residents’ representative, residents (第一步 建议)' }),
    proposer: Type.Optional(text(200, 'who proposed it, as the community records it')),
    title: text(500, 'the item'),
    text: text(20000, 'what is proposed, and why')
  },
  { additionalProperties: false, examples: [DELIBERATION] }
)

const CouncilMeetingBody = Type.Object(
  {
    heldOn: Day('the day the council met (not in the future)'),
    noticeGivenOn: Day('the day the members were given notice: at least the pack’s notice period in working days before'),
    attended: MemberIds('the members present, by id; the members called are those sitting on the day, the absent the rest'),
    votes: Type.Object(
      { for: MemberIds('voted for'), against: MemberIds('voted against'), abstain: MemberIds('abstained') },
      { additionalProperties: false, description: 'each member’s vote, by id: kept per member, so that the record shows who the minority was that followed the majority' }
    ),
    minutes: text(20000, 'the minutes'),
    documents: Documents
  },
  { additionalProperties: false }
)

const AssemblyBody = Type.Object(
  {
    kind: Type.Enum(ASSEMBLY_KINDS, { description: 'the residents’ representatives’ meeting, or the residents’ meeting' }),
    heldOn: Day('the day it met (not in the future)'),
    noticeGivenOn: Day('the day notice was given'),
    called: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'representatives (or residents, households, group delegates) called' }),
    attended: Count('present'),
    votes: Type.Object({ for: Count('for'), against: Count('against'), abstain: Count('abstained') }, { additionalProperties: false, description: 'counted, as the minutes give them' }),
    minutes: text(20000, 'the minutes'),
    documents: Documents
  },
  { additionalProperties: false }
)

const JointMeetingBody = Type.Object(
  { heldOn: Day('the day the two committees met'), attended: Type.Optional(Count('committee members present')), minutes: text(20000, 'the minutes'), documents: Documents },
  { additionalProperties: false }
)

/** POST /v1/deliberations/{id}/events: one branch per event. */
export const DeliberationEventBodies = eventBodies({
  name: 'DeliberationEvent',
  machine: deliberationMachine,
  types: DELIBERATION_EVENT_TYPES,
  roles: DELIBERATION_EVENT_ROLES,
  fields: {
    version: Type.Integer({ minimum: 1, description: 'the item version the client saw; a stale one gets 409' }),
    track: Type.Enum(TRACKS, { description: 'general (一般事项: the council decides) or major (重大事项: the residents’ or representatives’ meeting resolves)' }),
    trackReason: text(5000, 'why the item is general or major'),
    motion: text(20000, 'the written motion (书面提议) sent to the two committees'),
    outcome: Type.Enum(REVIEW_OUTCOMES, { description: 'approved: on to the next step; returned: back to the council to write the motion again' }),
    opinion: text(5000, 'the committees’ opinion'),
    meeting: CouncilMeetingBody,
    assembly: AssemblyBody,
    jointMeeting: JointMeetingBody,
    text: text(20000, 'the resolution as put to the vote'),
    note: text(5000, 'a note: where the result was published, a progress note of the implementation'),
    on: Day('the day it happened (today when absent; not in the future)'),
    result: text(20000, 'what was done'),
    reason: text(5000, 'why the item is withdrawn'),
    askWithdrawal: Type.Object(
      {
        task: Type.String({ format: 'uuid', description: 'a task admitted for this community (or its street), still admitted, active or suspended' }),
        reason: text(5000, 'why the residents ask: shown to the office and in the task’s record')
      },
      {
        additionalProperties: false,
        description:
          'residents widely reject an admitted task: the resolution asks the office that admitted it to withdraw it. Written only if the meeting adopts the resolution; the office answers in GET /v1/withdrawal-requests'
      }
    )
  },
  common: ['version'],
  takes: {
    MOTION: { required: ['track', 'trackReason', 'motion'] },
    COMMITTEE_REVIEW: { required: ['outcome', 'opinion'] },
    COUNCIL_RESOLVE: { required: ['meeting', 'text'], optional: ['askWithdrawal'] },
    JOINT_REVIEW: { required: ['outcome', 'opinion', 'jointMeeting'] },
    RESIDENTS_RESOLVE: { required: ['assembly', 'text'], optional: ['askWithdrawal'] },
    FILE: { optional: ['note'] },
    PUBLISH: { optional: ['note'] },
    PUBLICITY_ENDED: {},
    PROGRESS: { required: ['note'], optional: ['on'] },
    COMPLETE: { required: ['result'], optional: ['on'] },
    WITHDRAW: { required: ['reason'] }
  }
})

const DeliberationEventBody = Type.Unsafe<Static<typeof DeliberationEventBodies.union>>(Type.Ref('DeliberationEventBody'))

const IdsOrCount = Type.Union([Type.Array(Type.String()), Type.Integer()], { description: 'member ids for a council meeting; counts for the residents’ or representatives’ meeting' })
const TallyView = Type.Object({ for: Type.Integer(), against: Type.Integer(), abstain: Type.Integer() })
export const MeetingView = Type.Object({
  kind: Type.Enum(['council_meeting', 'joint_meeting', ...ASSEMBLY_KINDS]),
  heldOn: Type.String({ format: 'date' }),
  noticeGivenOn: Nullable(Type.String({ format: 'date' })),
  called: IdsOrCount,
  attended: IdsOrCount,
  absent: IdsOrCount,
  votes: Nullable(Type.Union([Type.Object({ for: Type.Array(Type.String()), against: Type.Array(Type.String()), abstain: Type.Array(Type.String()) }), TallyView])),
  tally: Nullable(TallyView),
  minutes: Type.String(),
  documents: Type.Array(Type.Object({ title: Type.String(), uri: Type.String() }))
})

export const ResolutionView = Type.Object({ adopted: Type.Boolean(), text: Type.String(), meeting: MeetingView, at: Type.String({ format: 'date-time' }) })
export const ProgressView = Type.Array(Type.Object({ note: Type.String(), on: Type.String({ format: 'date' }), at: Type.String({ format: 'date-time' }) }))

export const DeliberationView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    community: Type.String(),
    street: Type.String(),
    jurisdiction: Type.String({ description: 'the district or city of the community' }),
    origin: Type.Enum(ORIGINS),
    proposer: Nullable(Type.String()),
    title: Type.String(),
    text: Type.String(),
    track: Nullable(Type.Enum(TRACKS)),
    trackReason: Nullable(Type.String()),
    motion: Nullable(Type.String()),
    state: Type.Enum(DELIBERATION_STATES),
    version: Type.Integer({ minimum: 1 }),
    reviews: Type.Array(
      Type.Object({ by: Type.Enum(['committees', 'joint_meeting']), outcome: Type.Enum(REVIEW_OUTCOMES), opinion: Type.String(), meeting: Nullable(MeetingView), at: Type.String({ format: 'date-time' }) })
    ),
    resolution: Nullable(ResolutionView),
    filedOn: Nullable(Type.String({ format: 'date' })),
    publishedOn: Nullable(Type.String({ format: 'date' })),
    publicityUntil: Nullable(Type.String({ format: 'date', description: 'the last day of the publicity period (公示期) now running or last run' })),
    progress: ProgressView,
    result: Nullable(Type.Object({ text: Type.String(), on: Type.String({ format: 'date' }) })),
    withdrawal: Nullable(Type.Object({ reason: Type.String(), at: Type.String({ format: 'date-time' }) })),
    enabledEvents: Type.Array(Type.Enum(DELIBERATION_EVENT_TYPES), { description: 'the events this viewer may send now' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' })
  },
  { description: 'An item of the residents’ deliberation council (议事会议题), with its meetings and progress notes.' }
)

export const DeliberationEventView = Type.Object({
  seq: Type.Integer(),
  version: Type.Integer({ description: 'the item version this event produced' }),
  type: Type.String({ description: 'PROPOSE (step 1, the item created) or one of the machine’s events' }),
  from: Nullable(Type.Enum(DELIBERATION_STATES)),
  to: Type.Enum(DELIBERATION_STATES),
  actor: Type.Object({ role: Type.String(), sub: Type.String(), org: Nullable(Type.String()) }),
  payload: Type.Record(Type.String(), Type.Unknown(), { description: 'what the event carried, as the server understood it (a meeting’s record, a note, a reason)' }),
  at: Type.String({ format: 'date-time' })
})

export type DeliberationViewT = Static<typeof DeliberationView>

/** A meeting as a reader outside the community sees it: counts and the tally, as the register shows; no member named. */
const countedMeeting = (m: Meeting): Meeting => ({ ...m, called: countOf(m.called), attended: countOf(m.attended), absent: countOf(m.absent), votes: m.tally })

/**
 * Who proposed an item and how each member voted stay with the community, its street and the
 * offices and admins above it; anyone else reads a public item as the register shows it.
 */
const readsInFull = (d: DeliberationRecord, viewer: Principal): boolean => inCouncilScope(councilScope(viewer), d.place)

export function toDeliberationView(d: DeliberationRecord, viewer: Principal): DeliberationViewT {
  const full = toFullView(d, viewer)
  if (readsInFull(d, viewer)) return full
  return {
    ...full,
    proposer: null,
    reviews: full.reviews.map((r) => ({ ...r, meeting: r.meeting === null ? null : countedMeeting(r.meeting) })),
    // Only a public item reaches a reader outside the community, and every public state comes after a resolution.
    resolution: { ...full.resolution!, meeting: countedMeeting(full.resolution!.meeting) }
  }
}

function toFullView(d: DeliberationRecord, viewer: Principal): DeliberationViewT & { reviews: Array<{ meeting: Meeting | null }>; resolution: { meeting: Meeting } | null } {
  const c = d.snapshot.context
  return {
    id: d.id,
    community: d.place.community,
    street: d.place.street,
    jurisdiction: d.place.jurisdiction,
    origin: d.origin,
    proposer: d.proposer,
    title: d.title,
    text: d.text,
    track: c.track,
    trackReason: c.trackReason,
    motion: c.motion,
    state: d.state,
    version: d.version,
    reviews: c.reviews,
    resolution: c.resolution,
    filedOn: c.filedOn,
    publishedOn: c.publishedOn,
    publicityUntil: c.publicityUntil,
    progress: c.progress,
    result: c.result,
    withdrawal: c.withdrawal,
    enabledEvents: offeredDeliberationEvents(d, viewer),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt
  }
}

const Page = Type.Object({ items: Type.Array(DeliberationView), nextCursor: Nullable(Type.String()) })
const EventPage = Type.Object({ items: Type.Array(DeliberationEventView), nextCursor: Nullable(Type.String()) })

const ListQuery = Type.Object(
  {
    state: Type.Optional(Type.Enum(DELIBERATION_STATES)),
    track: Type.Optional(Type.Enum(TRACKS)),
    community: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only the items of this community' })),
    ...PageQuery
  },
  { additionalProperties: false }
)

export const deliberationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/deliberations',
    {
      schema: {
        tags,
        summary: 'Step 1 建议: put an item on your community’s council’s table (council or community)',
        description: 'The item belongs to the token’s community. The council then discusses it and writes a motion (MOTION), which names the track: general or major.',
        operationId: 'proposeDeliberation',
        security: TOKEN,
        body: CreateDeliberationBody,
        response: { 201: DeliberationView, 303: SeeOtherSchema, ...problemResponses(400, 401, 403) }
      }
    },
    async (req, reply) => {
      const p = requireRole(req, ...DELIBERATION_CREATE_ROLES)
      const d = await proposeDeliberation(app.gate, p, req.body, req.idempotency)
      return reply.status(201).header('location', `/v1/deliberations/${d.id}`).send(toDeliberationView(d, p))
    }
  )

  app.get(
    '/v1/deliberations',
    {
      schema: {
        tags,
        summary: 'List deliberation items, newest first',
        description:
          `A community’s council and staff see their community’s items, a street those of its communities, an office and an admin those of its district or city; a department or a leading-group member, who has no place of its own here, the public ones (${PUBLIC_DELIBERATION_STATES.join(', ')}). Public items of other places are read one by one, or in the register.`,
        operationId: 'listDeliberations',
        security: TOKEN,
        querystring: ListQuery,
        response: { 200: Page, ...problemResponses(400, 401) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      const { limit = DEFAULT_PAGE_SIZE, cursor, ...filters } = req.query
      const scope = councilScope(p)
      const page = await listDeliberations(app.gate.db, { ...filters, scope, ...(scope.kind === 'public' ? { states: PUBLIC_DELIBERATION_STATES } : {}) }, limit, decodeCursor(cursor))
      return { items: page.items.map((d) => toDeliberationView(d, p)), nextCursor: encodeCursor(page.nextSeq) }
    }
  )

  app.get(
    '/v1/deliberations/:id',
    {
      schema: {
        tags,
        summary: 'A deliberation item, with its meetings, progress notes and the events you may send',
        operationId: 'getDeliberation',
        security: TOKEN,
        params: IdParams,
        response: { 200: DeliberationView, ...problemResponses(401, 404) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      return toDeliberationView(await loadVisibleDeliberation(app.gate, req.params.id, p), p)
    }
  )

  app.post(
    '/v1/deliberations/:id/events',
    {
      schema: {
        tags,
        summary: `Take an item a step on: ${DeliberationEventBodies.bySender}; of the item’s community only`,
        description:
          'A deciding meeting (COUNCIL_RESOLVE, RESIDENTS_RESOLVE) whose notice came too late or that lacked its quorum is refused (409, type meeting-cannot-decide, saying what was missing); one that met and voted the motion down rejects the item, whose result is public. ' +
          'PUBLISH starts the publicity period (公示期, the pack’s working days); the engine ends it. Send "version" to make the event conditional on the version you saw.',
        security: TOKEN,
        operationId: 'sendDeliberationEvent',
        params: IdParams,
        body: DeliberationEventBody,
        'x-request-examples': DELIBERATION_EVENT_EXAMPLES,
        response: { 200: DeliberationView, 303: SeeOtherSchema, ...problemResponses(400, 401, 403, 404, 409, CALENDAR_NOT_COVERED) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      return toDeliberationView(await applyDeliberationEvent(app.gate, req.params.id, p, req.body as DeliberationEventInput, req.idempotency), p)
    }
  )

  app.get(
    '/v1/deliberations/:id/history',
    {
      schema: {
        tags,
        summary: 'A deliberation item’s history, oldest first: every step, with who recorded it',
        operationId: 'listDeliberationEvents',
        security: TOKEN,
        params: IdParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: EventPage, ...problemResponses(400, 401, 404) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      const d = await loadVisibleDeliberation(app.gate, req.params.id, p)
      const page = await history<DbDeliberationEventRow>(app.gate.db, DELIBERATION_TABLES, d.seq, req.query.limit ?? DEFAULT_PAGE_SIZE, decodeCursor(req.query.cursor))
      // Outside the community the history says what happened and when, not who recorded it or what the meetings' records name.
      const inFull = readsInFull(d, p)
      return {
        items: page.items.map((r) => ({
          seq: Number(r.seq),
          version: r.deliberation_version,
          type: r.type,
          from: r.from_state as DeliberationViewT['state'] | null,
          to: r.to_state as DeliberationViewT['state'],
          actor: { role: r.actor_role, sub: inFull ? r.actor_sub : r.actor_role, org: r.actor_org },
          payload: inFull ? fromJson<Record<string, unknown>>(r.payload) : {},
          at: r.created_at
        })),
        nextCursor: encodeCursor(page.nextSeq)
      }
    }
  )
}

