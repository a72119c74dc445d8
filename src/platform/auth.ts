import jwt from '@fastify/jwt'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Problems } from './errors.js'
import { alternatives, type Bilingual } from './language.js'
import { ROLES, type Role } from '../roles.js'
import type { PrincipalClaims } from './token.js'

export type Principal = PrincipalClaims & {
  /**
   * An admin of a city (a unit with no parent) administers all of it; an admin of a
   * district only that district. Set by the principal check (policy/principals.ts).
   */
  administersAll?: boolean
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
  }
}

// fast-jwt only verifies tokens whose payload is a JSON object.
function asPrincipal(p: Record<string, unknown>): Principal | null {
  // The same limits as the columns that record who acted (actor_sub, org unit ids).
  if (typeof p.sub !== 'string' || p.sub.length === 0 || p.sub.length > 200 || p.sub.includes('\u0000')) return null
  if (typeof p.org !== 'string' || p.org.length === 0 || p.org.length > 64 || p.org.includes('\u0000')) return null
  if (typeof p.role !== 'string' || !(ROLES as readonly string[]).includes(p.role)) return null
  return { sub: p.sub, role: p.role as Role, org: p.org }
}

/**
 * Reads the bearer token when there is one. Anonymous requests pass with a null
 * principal (catalogs and admitted tasks are public); routes that need a
 * principal ask for one with requirePrincipal or requireRole.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { secret: string }) => {
    await app.register(jwt, { secret: opts.secret, sign: { algorithm: 'HS256' }, verify: { algorithms: ['HS256'], requiredClaims: ['exp'] } })
    app.decorateRequest('principal', null)
    app.addHook('onRequest', async (req) => {
      const header = req.headers.authorization
      if (header === undefined) return
      if (!/^Bearer\s+\S+$/i.test(header)) throw Problems.unauthenticated({ zh: '请求头Authorization须为“Bearer <令牌>”格式', en: 'the Authorization header must be "Bearer <token>"' })
      let payload: Record<string, unknown>
      try {
        payload = await req.jwtVerify()
      } catch {
        throw Problems.unauthenticated({ zh: '访问令牌无效或已过期', en: 'the bearer token is invalid or expired' })
      }
      const principal = asPrincipal(payload)
      if (principal === null) {
        throw Problems.unauthenticated({
          zh: `令牌须包含sub、org和role声明（role须为以下之一：${ROLES.join('、')}）`,
          en: `the token needs claims sub, org and role (one of ${ROLES.join(', ')})`
        })
      }
      req.principal = principal
    })
  },
  { name: 'zhunru-auth' }
)

/**
 * One key for the whole principal: the same person (sub) acting for another org, or in
 * another role, is another principal, with its own idempotency keys, webhooks and rate limit.
 */
export const principalKey = (p: Principal): string => JSON.stringify([p.sub, p.role, p.org])

/**
 * Whether the principal administers everything. Where no org tree is known (the engine or
 * the platform embedded alone), an admin does; zhunru's principal check says otherwise for
 * an admin of a district.
 */
export const administersAll = (p: Principal): boolean => p.role === 'admin' && p.administersAll !== false

export function requirePrincipal(req: FastifyRequest): Principal {
  if (req.principal === null) throw Problems.unauthenticated()
  return req.principal
}

export function requireRole(req: FastifyRequest, ...roles: Role[]): Principal {
  const principal = requirePrincipal(req)
  if (!roles.includes(principal.role)) {
    const needed = alternatives(roles)
    throw Problems.forbidden({ zh: `此操作须由${needed.zh}角色执行，令牌的角色为${principal.role}`, en: `this needs the role ${needed.en}; the token has ${principal.role}` })
  }
  return principal
}

/**
 * Why a role may not do something reserved for others ("APPROVE is for office; the token has
 * department"): the refusal of every event and start a machine's role table does not allow.
 * No roles at all is an event only the engine sends (the sweeper's).
 */
export function reservedFor(action: Bilingual, allowed: readonly string[], has: string): Bilingual {
  const who = allowed.length === 0 ? { zh: '引擎自身', en: 'the engine itself' } : { zh: `${alternatives(allowed).zh}角色`, en: alternatives(allowed).en }
  return { zh: `${action.zh}只能由${who.zh}发起，令牌的角色为${has}`, en: `${action.en} is for ${who.en}; the token has ${has}` }
}
