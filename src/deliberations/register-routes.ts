import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from 'typebox'
import { PUBLIC_DELIBERATION_STATES, TRACKS, type DeliberationState } from '../../machines/deliberation.js'
import { decodeCursor, encodeCursor } from '../platform/pagination.js'
import { DEFAULT_PAGE_SIZE, Nullable, PageQuery, PUBLIC, problemResponses } from '../platform/schemas.js'
import { CACHE_CONTROL, entityTag, matchesIfNoneMatch } from '../register/routes.js'
import { ProgressView } from './routes.js'
import { listDeliberations, registerFingerprint, type DeliberationRecord } from './store.js'

/**
 * The council's results in the public register (居务公开), without a token: resolutions made
 * public, a motion voted down, implementation with its progress notes and dates, and the result.
 * What is published is the item, the resolution and the tally; who proposed it and how each
 * member voted stay with the community (a token's GET /v1/deliberations/{id} shows them).
 */

/** CSV holds every item at once, up to this many: open data is taken whole. */
export const MAX_EXPORT_ROWS = 10_000

const RegisterItem = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    community: Type.String(),
    street: Type.String(),
    jurisdiction: Type.String(),
    title: Type.String(),
    text: Type.String(),
    track: Type.Enum(TRACKS),
    state: Type.Enum(PUBLIC_DELIBERATION_STATES),
    resolution: Type.Object({
      adopted: Type.Boolean({ description: 'false: the meeting voted the motion down; the result is published all the same' }),
      text: Type.String(),
      meeting: Type.Enum(['council_meeting', 'representatives_meeting', 'residents_meeting']),
      heldOn: Type.String({ format: 'date' }),
      called: Type.Integer(),
      attended: Type.Integer(),
      for: Type.Integer(),
      against: Type.Integer(),
      abstain: Type.Integer()
    }),
    filedOn: Nullable(Type.String({ format: 'date' })),
    publishedOn: Type.String({ format: 'date' }),
    publicityUntil: Nullable(Type.String({ format: 'date' })),
    progress: ProgressView,
    result: Nullable(Type.Object({ text: Type.String(), on: Type.String({ format: 'date' }) }))
  },
  { additionalProperties: false }
)
type RegisterItemT = Static<typeof RegisterItem>

const count = (v: string[] | number) => (typeof v === 'number' ? v : v.length)

function registerItem(d: DeliberationRecord): RegisterItemT {
  const c = d.snapshot.context
  const r = c.resolution!
  return {
    id: d.id,
    community: d.place.community,
    street: d.place.street,
    jurisdiction: d.place.jurisdiction,
    title: d.title,
    text: d.text,
    track: c.track!,
    state: d.state as RegisterItemT['state'],
    resolution: {
      adopted: r.adopted,
      text: r.text,
      meeting: r.meeting.kind as RegisterItemT['resolution']['meeting'],
      heldOn: r.meeting.heldOn,
      called: count(r.meeting.called),
      attended: count(r.meeting.attended),
      ...r.meeting.tally!
    },
    filedOn: c.filedOn,
    publishedOn: c.publishedOn!,
    publicityUntil: c.publicityUntil,
    progress: c.progress,
    result: c.result
  }
}

export const CSV_COLUMNS = [
  'id',
  'community',
  'title',
  'track',
  'state',
  'adopted',
  'meeting',
  'heldOn',
  'called',
  'attended',
  'for',
  'against',
  'abstain',
  'resolution',
  'filedOn',
  'publishedOn',
  'publicityUntil',
  'progress',
  'result',
  'resultOn'
] as const

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
export const csvField = (v: string | number | boolean | null): string => {
  const s = v === null ? '' : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

function csvRow(i: RegisterItemT): string {
  const r = i.resolution
  const progress = i.progress.map((p) => `${p.on} ${p.note}`).join('\n')
  const values = [i.id, i.community, i.title, i.track, i.state, r.adopted, r.meeting, r.heldOn, r.called, r.attended, r.for, r.against, r.abstain, r.text, i.filedOn, i.publishedOn, i.publicityUntil, progress, i.result?.text ?? null, i.result?.on ?? null]
  return values.map(csvField).join(',')
}

const RegisterQuery = Type.Object(
  {
    community: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only this community’s items' })),
    area: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only items of communities in this street, district or city' })),
    state: Type.Optional(Type.Enum(PUBLIC_DELIBERATION_STATES)),
    format: Type.Optional(Type.Enum(['json', 'csv'], { description: 'csv: every matching item (up to 10000) as a CSV file; also when the Accept header asks for text/csv' })),
    ...PageQuery
  },
  { additionalProperties: false }
)

export const deliberationRegisterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/register/deliberations',
    {
      schema: {
        tags: ['register'],
        summary: 'The council’s published resolutions and their implementation (public, JSON or CSV)',
        description:
          'No token needed; the same for everybody. Resolutions made public (决议公开, 公开), motions voted down, implementation with progress notes and dates, and results, newest first. ' +
          'JSON is paged; CSV (`format=csv`, or `Accept: text/csv`) is UTF-8 with a byte-order mark (so that spreadsheets read the Chinese), a header row, and every matching item, progress notes one a line in their cell.',
        operationId: 'listRegisterDeliberations',
        security: PUBLIC,
        querystring: RegisterQuery,
        response: {
          200: {
            description: 'the items',
            content: {
              'application/json': { schema: Type.Object({ items: Type.Array(RegisterItem), nextCursor: Nullable(Type.String()) }) },
              'text/csv': { schema: Type.String({ description: `a header row (${CSV_COLUMNS.join(',')}), then an item a row` }) }
            }
          },
          304: Type.Null({ description: 'Not modified: the copy named in If-None-Match is current' }),
          ...problemResponses(400)
        }
      }
    },
    async (req, reply) => {
      const { limit = DEFAULT_PAGE_SIZE, cursor, format, state, ...filters } = req.query
      const csv = format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(req.headers.accept ?? ''))
      const states: readonly DeliberationState[] = state === undefined ? PUBLIC_DELIBERATION_STATES : [state]
      const etag = entityTag('deliberations', { ...req.query, csv }, await registerFingerprint(app.gate.db, states))
      void reply.header('etag', etag).header('cache-control', CACHE_CONTROL).header('vary', 'accept')
      if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) return reply.code(304).send(null)
      const page = await listDeliberations(app.gate.db, { ...filters, states, scope: { kind: 'all' } }, csv ? MAX_EXPORT_ROWS : limit, csv ? null : decodeCursor(cursor))
      const items = page.items.map(registerItem)
      if (!csv) return reply.type('application/json').send({ items, nextCursor: encodeCursor(page.nextSeq) })
      const body = `\uFEFF${[CSV_COLUMNS.join(','), ...items.map(csvRow)].join('\r\n')}\r\n`
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="deliberations.csv"').send(body)
    }
  )
}
