import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Knex } from 'knex'
import { Type, type Static } from 'typebox'
import { administersAll, requirePrincipal, type Principal } from '../platform/auth.js'
import { Problems } from '../platform/errors.js'
import { decodeCursor, encodeCursor } from '../platform/pagination.js'
import { DEFAULT_PAGE_SIZE, IdParams, Nullable, PageQuery, TOKEN, problemResponses } from '../platform/schemas.js'
import { WEBHOOK } from '../tasks/examples.js'
import { fromJson, toJson } from '../engine/db.js'
import { refusedUrl } from './destination.js'
import { DELIVERY_STATUSES, type DeliveryStatus } from './outbox.js'

const security = TOKEN

const EVENT_PATTERN = '^(\\*|[A-Z_]{2,40})$'

export const CreateWebhookBody = Type.Object(
  {
    url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000, description: 'an http or https URL that receives a POST per event' }),
    events: Type.Array(Type.String({ pattern: EVENT_PATTERN, description: 'an event type such as SUBMIT or DECIDE, or * for all' }), {
      minItems: 1,
      maxItems: 50,
      uniqueItems: true
    }),
    secret: Type.String({
      minLength: 16,
      maxLength: 200,
      description: 'key of the HMAC-SHA256 signature in x-zhunru-signature ("sha256=<hex>" over the raw body); never returned'
    })
  },
  { additionalProperties: false }
)

const WebhookView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    url: Type.String(),
    events: Type.Array(Type.String()),
    active: Type.Boolean(),
    owner: Type.Object({ sub: Type.String(), role: Type.String(), org: Type.String() }, { description: 'deliveries report only tasks this principal may see' }),
    createdAt: Type.String({ format: 'date-time' })
  },
  { description: 'A webhook registration; the secret is never returned' }
)

const DeliveryView = Type.Object({
  id: Type.String({ format: 'uuid', description: 'also the x-zhunru-delivery header and the body’s "id": receivers de-duplicate on it' }),
  event: Type.String(),
  taskId: Type.String(),
  taskVersion: Type.Integer(),
  status: Type.Enum(DELIVERY_STATUSES),
  attempts: Type.Integer({ minimum: 0 }),
  nextAttemptAt: Nullable(Type.String({ format: 'date-time', description: 'when the next attempt is due; null once delivered or failed' })),
  lastStatus: Nullable(Type.Integer({ description: 'HTTP status of the last attempt; null when it got no response' })),
  lastError: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  deliveredAt: Nullable(Type.String({ format: 'date-time' }))
})

type WebhookViewT = Static<typeof WebhookView>
type DeliveryViewT = Static<typeof DeliveryView>

interface DbWebhookRow {
  id: string
  url: string
  events: string
  secret: string
  owner_sub: string
  owner_role: string
  owner_org: string
  /** An admin of a whole city hears every change; a district's admin those of its district. */
  owner_administers_all: boolean | number
  created_at: string
  active: boolean | number
}

interface DbDeliveryRow {
  seq: number
  id: string
  webhook_id: string
  event_type: string
  task_id: string
  task_version: number
  status: DeliveryStatus
  attempts: number
  next_attempt_at: string
  last_status: number | null
  last_error: string | null
  created_at: string
  delivered_at: string | null
}

const toWebhookView = (row: DbWebhookRow): WebhookViewT => ({
  id: row.id,
  url: row.url,
  events: fromJson<string[]>(row.events),
  // SQLite hands booleans back as 0 and 1.
  active: Boolean(row.active),
  owner: { sub: row.owner_sub, role: row.owner_role, org: row.owner_org },
  createdAt: row.created_at
})

const toDeliveryView = (row: DbDeliveryRow): DeliveryViewT => ({
  id: row.id,
  event: row.event_type,
  taskId: row.task_id,
  taskVersion: row.task_version,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
  lastStatus: row.last_status,
  lastError: row.last_error,
  createdAt: row.created_at,
  deliveredAt: row.delivered_at
})

/** A webhook belongs to the whole principal that registered it: the same person in another role or org is someone else. */
const ownedBy = (row: DbWebhookRow, p: Principal) => row.owner_sub === p.sub && row.owner_role === p.role && row.owner_org === p.org

/** A live webhook the principal owns (an admin owns them all); any other is reported as missing. */
async function ownWebhook(db: Knex, id: string, p: Principal): Promise<DbWebhookRow> {
  const row = (await db<DbWebhookRow>('webhooks').where({ id, active: true }).first()) as DbWebhookRow | undefined
  if (row === undefined || (!administersAll(p) && !ownedBy(row, p))) throw Problems.notFound('webhook', id)
  return row
}

export const webhookRoutes: FastifyPluginAsyncTypebox<{ allowPrivateNetworks: boolean }> = async (app, opts) => {
  app.post(
    '/v1/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Register a webhook: a signed POST for every task transition of the chosen types that you may see',
        operationId: 'createWebhook',
        description:
          'Each delivery is a JSON body { id, event, task: { id, version, from, to, state }, at } with headers x-zhunru-delivery, x-zhunru-event and x-zhunru-signature ("sha256=" + hex HMAC-SHA256 of the raw body with the secret). Any 2xx answer counts as delivered; anything else, no answer or a redirect is retried with exponential backoff. Delivery is at least once: de-duplicate on the delivery id.',
        security,
        body: { ...CreateWebhookBody, examples: [WEBHOOK] },
        response: { 201: WebhookView, ...problemResponses(400, 401) }
      }
    },
    async (req, reply) => {
      const principal = requirePrincipal(req)
      const { url, events, secret } = req.body
      const refused = opts.allowPrivateNetworks ? null : refusedUrl(url)
      if (refused !== null) {
        throw Problems.validation({ zh: `字段“url”有误：${refused.zh}；Webhook只能指向公网地址`, en: `url: ${refused.en}; webhooks reach public addresses only` }, [
          { field: 'url', message: { zh: `${refused.zh}；Webhook只能指向公网地址`, en: `${refused.en}; webhooks reach public addresses only` } }
        ])
      }
      const row: DbWebhookRow = {
        id: randomUUID(),
        url,
        events: toJson(events),
        secret,
        owner_sub: principal.sub,
        owner_role: principal.role,
        owner_org: principal.org,
        owner_administers_all: administersAll(principal),
        created_at: app.engine.now().toISOString(),
        active: true
      }
      await app.engine.db('webhooks').insert(row)
      return reply.status(201).send(toWebhookView(row))
    }
  )

  app.get(
    '/v1/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Your webhooks, oldest first (an admin sees everybody’s)',
        operationId: 'listWebhooks',
        security,
        response: { 200: Type.Object({ items: Type.Array(WebhookView) }), ...problemResponses(401) }
      }
    },
    async (req) => {
      const principal = requirePrincipal(req)
      const q = app.engine.db<DbWebhookRow>('webhooks').where({ active: true })
      if (!administersAll(principal)) q.where({ owner_sub: principal.sub, owner_role: principal.role, owner_org: principal.org })
      const rows = (await q.orderBy([{ column: 'created_at' }, { column: 'id' }])) as DbWebhookRow[]
      return { items: rows.map(toWebhookView) }
    }
  )

  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'A webhook’s deliveries, newest first, with the outcome of the last attempt',
        operationId: 'listWebhookDeliveries',
        security,
        params: IdParams,
        querystring: Type.Object({ ...PageQuery, status: Type.Optional(Type.Enum(DELIVERY_STATUSES)) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(DeliveryView), nextCursor: Nullable(Type.String()) }), ...problemResponses(400, 401, 404) }
      }
    },
    async (req) => {
      const principal = requirePrincipal(req)
      const { limit = DEFAULT_PAGE_SIZE, cursor, status } = req.query
      const before = decodeCursor(cursor)
      const hook = await ownWebhook(app.engine.db, req.params.id, principal)
      const q = app.engine.db<DbDeliveryRow>('webhook_deliveries').where({ webhook_id: hook.id })
      if (status !== undefined) q.where({ status })
      if (before !== null) q.where('seq', '<', before)
      const rows = (await q.orderBy('seq', 'desc').limit(limit + 1)) as DbDeliveryRow[]
      const items = rows.slice(0, limit)
      return { items: items.map(toDeliveryView), nextCursor: encodeCursor(rows.length > limit ? Number(items[items.length - 1]!.seq) : null) }
    }
  )

  app.delete(
    '/v1/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Delete a webhook: nothing more is sent to it, and its pending deliveries fail',
        operationId: 'deleteWebhook',
        security,
        params: IdParams,
        response: { 204: Type.Null({ description: 'deleted' }), ...problemResponses(401, 404) }
      }
    },
    async (req, reply) => {
      const principal = requirePrincipal(req)
      const hook = await ownWebhook(app.engine.db, req.params.id, principal)
      await app.engine.db.transaction(async (trx) => {
        await trx('webhooks').where({ id: hook.id }).update({ active: false })
        await trx('webhook_deliveries').where({ webhook_id: hook.id, status: 'pending' }).update({ status: 'failed', last_error: 'webhook deleted' })
      })
      return reply.status(204).send(null)
    }
  )
}
