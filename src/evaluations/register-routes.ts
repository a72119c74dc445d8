import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { Problems } from '../platform/errors.js'
import { decodeCursor, encodeCursor } from '../platform/pagination.js'
import { DEFAULT_PAGE_SIZE, Nullable, PageQuery, PUBLIC, problemResponses } from '../platform/schemas.js'
import { CACHE_CONTROL, entityTag, matchesIfNoneMatch } from '../register/routes.js'
import { resultView, toRoundView } from './routes.js'
import { EvaluationParams, EvaluationView, ResultView } from './schemas.js'
import { departmentRounds, DepartmentRoundFigures } from './stats.js'
import { findRound, listRounds } from './store.js'

/**
 * The published rounds in the public register: their results with method and inputs, and each
 * department's and area's figures over time. No raters and no comments: a comment may name
 * who wrote it. Nothing here reads the principal, so every answer may be cached by anyone.
 */

const headers = {
  etag: { type: 'string', description: 'strong validator of this representation: send it back in If-None-Match' },
  'cache-control': { type: 'string', description: CACHE_CONTROL }
}
const NotModified = Type.Null({ description: 'Not modified: the copy named in If-None-Match is current; no body', headers })
const conditional = Type.Object({ 'if-none-match': Type.Optional(Type.String({ description: 'ETags of copies the client holds; a match answers 304' })) })

/** 304 carries the validators and no body. */
const notModified = (reply: FastifyReply) => reply.code(304).send()

const PublishedRound = Type.Object({ round: EvaluationView, result: ResultView })

/** What a published answer depends on: the published rounds, which change only by a publication. */
async function fingerprint(req: FastifyRequest, reply: FastifyReply, db: Parameters<typeof findRound>[0], route: string, input: Record<string, unknown>): Promise<boolean> {
  const [row] = (await db('evaluation_rounds').where('state', 'published').count({ n: '*' }).max({ last: 'seq' })) as Array<{ n: number | string; last: number | string | null }>
  const etag = entityTag(`evaluations/${route}`, input, { n: row!.n, last: row!.last ?? 0 })
  void reply.header('etag', etag).header('cache-control', CACHE_CONTROL)
  return matchesIfNoneMatch(req.headers['if-none-match'], etag)
}

export const evaluationRegisterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const query = Type.Object({ area: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only rounds of this city or district' })), ...PageQuery }, { additionalProperties: false })

  app.get(
    '/v1/register/evaluations',
    {
      schema: {
        tags: ['register'],
        summary: 'Published evaluation rounds with their results, method and inputs, newest first (public)',
        operationId: 'listPublishedEvaluations',
        description: `Residents rate the departments (双向考评 / 倒评): every total and rank can be computed again from the method and inputs. Cacheable: ${CACHE_CONTROL}.`,
        security: PUBLIC,
        headers: conditional,
        querystring: query,
        response: { 200: Type.Object({ items: Type.Array(PublishedRound), nextCursor: Nullable(Type.String()) }, { headers }), 304: NotModified, ...problemResponses(400) }
      }
    },
    async (req, reply) => {
      const { limit = DEFAULT_PAGE_SIZE, cursor, area } = req.query
      if (await fingerprint(req, reply, app.gate.db, 'list', { limit, cursor, area })) return notModified(reply)
      const page = await listRounds(app.gate.db, { area, scope: { kind: 'public' } }, limit, decodeCursor(cursor))
      const items = await Promise.all(page.items.map(async (r) => ({ round: toRoundView(r, null), result: await resultView(app, r, null) })))
      return { items, nextCursor: encodeCursor(page.nextSeq) }
    }
  )

  app.get(
    '/v1/register/evaluations/:id',
    {
      schema: {
        tags: ['register'],
        summary: 'A published evaluation round and its result (public)',
        operationId: 'getPublishedEvaluation',
        security: PUBLIC,
        headers: conditional,
        params: EvaluationParams,
        response: { 200: Type.Object({ round: EvaluationView, result: ResultView }, { headers }), 304: NotModified, ...problemResponses(404) }
      }
    },
    async (req, reply) => {
      const round = await findRound(app.gate.db, req.params.id)
      if (round?.state !== 'published') throw Problems.notFound('evaluation round', req.params.id)
      if (await fingerprint(req, reply, app.gate.db, 'round', { id: round.id })) return notModified(reply)
      return { round: toRoundView(round, null), result: await resultView(app, round, null) }
    }
  )

  app.get(
    '/v1/register/evaluations/departments/:id',
    {
      schema: {
        tags: ['register'],
        summary: 'A department’s figures in the published rounds that rated it, newest first (public)',
        operationId: 'getDepartmentEvaluations',
        security: PUBLIC,
        headers: conditional,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Type.Object({ department: Type.String(), items: Type.Array(DepartmentRoundFigures), nextCursor: Nullable(Type.String()) }, { headers }), 304: NotModified, ...problemResponses(400) }
      }
    },
    async (req, reply) => {
      const { limit = DEFAULT_PAGE_SIZE, cursor } = req.query
      if (await fingerprint(req, reply, app.gate.db, 'department', { id: req.params.id, limit, cursor })) return notModified(reply)
      const page = await departmentRounds(app.gate.db, req.params.id, limit, decodeCursor(cursor))
      return { department: req.params.id, items: page.items, nextCursor: encodeCursor(page.nextSeq) }
    }
  )

  app.get(
    '/v1/register/evaluations/areas/:id',
    {
      schema: {
        tags: ['register'],
        summary: 'A city’s or district’s published rounds: satisfaction over time (public)',
        operationId: 'getAreaEvaluations',
        security: PUBLIC,
        headers: conditional,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: {
          200: Type.Object(
            {
              area: Type.String(),
              items: Type.Array(
                Type.Object({
                  round: Type.String({ format: 'uuid' }),
                  period: Type.String(),
                  publishedAt: Type.String({ format: 'date-time' }),
                  departments: Type.Integer(),
                  n: Type.Integer(),
                  satisfied: Type.Integer(),
                  rate: Nullable(Type.Number()),
                  met: Nullable(Type.Boolean()),
                  meanTotal: Nullable(Type.Number()),
                  href: Type.String()
                })
              ),
              nextCursor: Nullable(Type.String())
            },
            { headers }
          ),
          304: NotModified,
          ...problemResponses(400)
        }
      }
    },
    async (req, reply) => {
      const { limit = DEFAULT_PAGE_SIZE, cursor } = req.query
      if (await fingerprint(req, reply, app.gate.db, 'area', { id: req.params.id, limit, cursor })) return notModified(reply)
      const page = await listRounds(app.gate.db, { area: req.params.id, scope: { kind: 'public' } }, limit, decodeCursor(cursor))
      const items = page.items.map((r) => ({
        round: r.id,
        period: r.period,
        publishedAt: r.publishedAt!,
        departments: r.departments.length,
        ...r.result!.area,
        href: `/v1/register/evaluations/${r.id}`
      }))
      return { area: req.params.id, items, nextCursor: encodeCursor(page.nextSeq) }
    }
  )
}
