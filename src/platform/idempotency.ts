import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Knex } from 'knex'
import { principalKey } from './auth.js'
import { Problems } from './errors.js'
import { canonicalJson } from '../policy/pack.js'

/** How long a key is kept (the issue asks for at least 24 hours). */
export const KEY_RETENTION_MS = 48 * 3600 * 1000
/** A first request that has not answered in this long is taken to have died with its process. */
const IN_FLIGHT_TIMEOUT_MS = 60_000

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string } | null
  }
}

/** What an Idempotency-Key may be; the OpenAPI document declares the header with it. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/

/** The key's owner as the column holds it (200 characters): a longer principal (a 200-character sub) by its digest. */
const scopeOf = (owner: string) => (owner.length <= 200 ? owner : `sha256:${createHash('sha256').update(owner).digest('hex')}`)

/**
 * Idempotency-Key on every POST: the first request with a key is reserved before
 * it runs, its response stored after; a retry with the same key and body gets that
 * response again and changes nothing, the same key with another body is a 422, and
 * a retry while the first is still running a 409. Keys are per principal.
 */
export const idempotencyPlugin = fp(
  async (app: FastifyInstance, opts: { db: Knex; now: () => Date }) => {
    app.decorateRequest('idempotency', null)

    app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
      const key = req.headers['idempotency-key']
      if (req.method !== 'POST' || key === undefined) return
      if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
        throw Problems.invalid('Idempotency-Key', { zh: '须为1至200个可见ASCII字符', en: 'must be 1 to 200 visible ASCII characters' })
      }
      const scope = scopeOf(req.principal === null ? `anonymous:${req.ip}` : principalKey(req.principal))
      const hash = createHash('sha256').update(`${req.method} ${req.url}\n${canonicalJson(req.body)}`).digest('hex')
      const now = opts.now()
      // Reserve the key before the work: of two identical requests racing, one runs and one waits.
      const inserted = await opts
        .db('idempotency_keys')
        .insert({ scope, key, request_hash: hash, status: null, body: null, created_at: now.toISOString() })
        .onConflict(['scope', 'key'])
        .ignore()
        .returning('key')
      if (inserted.length > 0) {
        req.idempotency = { scope, key }
        return
      }
      const row = await opts.db('idempotency_keys').where({ scope, key }).first()
      if (row.request_hash !== hash) {
        throw Problems.idempotencyKeyReused()
      }
      if (row.status === null) {
        if (row.resource !== null) {
          // The work is committed but its response was never kept (the process died, or failed
          // after the commit): what it produced is where the first response would have pointed.
          const location = `/v1/${row.resource}`
          return reply
            .status(303)
            .header('location', location)
            .header('idempotent-replay', 'true')
            .type('application/json; charset=utf-8')
            .send(JSON.stringify({ location, detail: 'the first request with this Idempotency-Key was carried out; its response was lost, the result is at the location' }))
        }
        const stale = now.getTime() - Date.parse(row.created_at) > IN_FLIGHT_TIMEOUT_MS
        if (!stale) {
          throw Problems.idempotencyKeyInFlight()
        }
        // Its process died before its work was committed: this retry takes the key over.
        await opts.db('idempotency_keys').where({ scope, key }).update({ created_at: now.toISOString() })
        req.idempotency = { scope, key }
        return
      }
      const contentType = row.status >= 400 ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8'
      return reply.status(row.status).header('idempotent-replay', 'true').type(contentType).send(row.body)
    })

    app.addHook('onSend', async (req, reply, payload) => {
      // Routes of plugins registered before this one (the docs UI) never had the decoration.
      if (!req.idempotency) return payload
      const where = { scope: req.idempotency.scope, key: req.idempotency.key }
      // A server error is not an answer to keep: the key is released so a retry runs afresh,
      // unless the work was committed before the error (the key names its task), when the
      // retry must be pointed at it, not do it again.
      if (reply.statusCode >= 500) await opts.db('idempotency_keys').where(where).whereNull('resource').delete()
      else await opts.db('idempotency_keys').where(where).update({ status: reply.statusCode, body: String(payload) })
      return payload
    })
  },
  { name: 'zhunru-idempotency' }
)

/** Forgets keys older than the retention period; the sweeper calls it. */
export async function forgetOldKeys(db: Knex, now: Date): Promise<number> {
  return db('idempotency_keys').where('created_at', '<', new Date(now.getTime() - KEY_RETENTION_MS).toISOString()).delete()
}
