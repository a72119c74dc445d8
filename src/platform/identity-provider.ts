import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose'
import { Problem, Problems, type TokenRefusal } from './errors.js'
import { alternatives, type Bilingual } from './language.js'
import { ROLES, type Role } from '../roles.js'
import type { PrincipalClaims } from './token.js'

/** Public-key algorithms a provider's tokens may use; HS256 is the local secret's, never a provider's. */
export const PROVIDER_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const
export type ProviderAlgorithm = (typeof PROVIDER_ALGORITHMS)[number]

export interface IdentityProviderOptions {
  /** The provider's issuer: tokens must carry it as `iss`, and without a jwksUrl its discovery document names the key set. */
  issuer?: string
  /** The key set itself, without discovery. Without an issuer, `iss` is not checked: the keys are the provider's own. */
  jwksUrl?: string
  /** What tokens must name in `aud`: the gate's own identifier at the provider (its resource indicator or client id). */
  audience: string
  /** The provider's algorithms this gate accepts; all of RS256, ES256 and EdDSA unless narrowed. */
  algorithms?: readonly ProviderAlgorithm[]
  /** Seconds by which `exp` and `nbf` may be off between the provider's clock and this one; 60 unless set. */
  clockToleranceSeconds?: number
  /** The claim that carries the role: a name, or a dotted path into nested claims (`realm_access.roles`). `role` unless set. */
  roleClaim?: string
  /** The claim that carries the org unit id, likewise. `org` unless set. */
  orgClaim?: string
  /**
   * Least seconds between two fetches of the key set for a kid it does not have (a rotation): tokens
   * naming made-up kids cannot make the gate hammer the provider. 30 unless set.
   */
  jwksCooldownSeconds?: number
  /** How long a fetch of the discovery document or the key set may take; 5000 unless set. */
  fetchTimeoutMs?: number
}

type Refusal = Problem

const refuse = (reason: TokenRefusal, detail: Bilingual): Refusal => Problems.unauthenticated(detail, reason)

// The same limits as the columns that record who acted (actor_sub, org unit ids); auth.ts holds HS256 tokens to them too.
export const isSubject = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200 && !v.includes('\u0000')
export const isOrgId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64 && !v.includes('\u0000')
export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v)

/**
 * A claim by its name, or else by a dotted path into nested objects: a provider's namespaced
 * claim (`https://city.example/role`) has dots of its own and is found whole first.
 */
export function claimAt(payload: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name]
  let value: unknown = payload
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined
    value = (value as Record<string, unknown>)[part]
  }
  return value
}

/**
 * The role a claim names. Providers often send a list (every group or realm role of the person):
 * the entries that are roles of the gate count, the others are ignored. A principal acts in one
 * role, so a list naming two of the gate's roles is refused rather than one picked at random.
 */
function roleOf(value: unknown, claim: string): Role | Refusal {
  if (value === undefined) return refuse('principal-claims', { zh: `令牌缺少角色声明“${claim}”`, en: `the token has no role claim "${claim}"` })
  const named = [...new Set((Array.isArray(value) ? value : [value]).filter(isRole))]
  if (named.length === 1) return named[0]!
  if (named.length === 0) {
    return refuse('principal-claims', { zh: `角色声明“${claim}”须为以下之一：${ROLES.join('、')}`, en: `the role claim "${claim}" must name one of ${ROLES.join(', ')}` })
  }
  return refuse('principal-claims', {
    zh: `角色声明“${claim}”包含多个角色（${named.join('、')}），一个令牌只能代表一个角色`,
    en: `the role claim "${claim}" names more than one role (${named.join(', ')}); a token acts in one role`
  })
}

/** The principal a verified token names, or why it names none. */
export function principalOf(payload: JWTPayload, roleClaim: string, orgClaim: string): PrincipalClaims | Refusal {
  if (!isSubject(payload.sub)) {
    return refuse('principal-claims', { zh: '令牌的sub声明须为1至200个字符的字符串', en: 'the token needs a subject (sub): a string of 1 to 200 characters' })
  }
  const role = roleOf(claimAt(payload, roleClaim), roleClaim)
  if (role instanceof Problem) return role
  const org = claimAt(payload, orgClaim)
  if (!isOrgId(org)) {
    return refuse('principal-claims', {
      zh: `令牌的组织声明“${orgClaim}”须为1至64个字符的字符串`,
      en: `the token needs the org claim "${orgClaim}": a string of 1 to 64 characters`
    })
  }
  return { sub: payload.sub, role, org }
}

// jose has checked that a date it refuses a token for is a number.
const when = (seconds: unknown) => new Date((seconds as number) * 1000).toISOString()

/** What jose found wrong with a token, said as the API says things. */
function refusalOf(err: unknown, options: { audience: string; issuer?: string; algorithms: readonly string[] }): Refusal {
  if (err instanceof errors.JWTExpired) {
    return refuse('expired', { zh: `令牌已于${when(err.payload.exp)}过期`, en: `the token expired at ${when(err.payload.exp)}` })
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing' && err.claim === 'exp') return refuse('missing-expiry', { zh: '令牌缺少过期时间（exp）', en: 'the token has no expiry (exp)' })
    if (err.reason === 'check_failed' && err.claim === 'nbf') {
      return refuse('not-yet-valid', { zh: `令牌自${when(err.payload.nbf)}起才生效`, en: `the token is not valid before ${when(err.payload.nbf)}` })
    }
    if (err.claim === 'iss') {
      return refuse('wrong-issuer', {
        zh: `令牌的签发者（iss）为${JSON.stringify(err.payload.iss ?? null)}，而非“${options.issuer}”`,
        en: `the token's issuer (iss) is ${JSON.stringify(err.payload.iss ?? null)}, not "${options.issuer}"`
      })
    }
    if (err.claim === 'aud') return refuse('wrong-audience', { zh: `令牌不是签发给“${options.audience}”的`, en: `the token is not meant for "${options.audience}" (aud)` })
    return refuse('invalid-claim', { zh: `令牌的${err.claim}声明无效`, en: `the token's claim ${err.claim} is invalid: ${err.message}` })
  }
  if (err instanceof errors.JOSEAlgNotAllowed) {
    const allowed = alternatives(options.algorithms)
    return refuse('algorithm-not-allowed', { zh: `令牌的签名算法须为${allowed.zh}`, en: `the token must be signed with ${allowed.en}` })
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return refuse('bad-signature', { zh: '令牌的签名与身份认证服务的公钥不符', en: 'the token’s signature does not match the identity provider’s key' })
  }
  return refuse('malformed', { zh: '访问令牌不是有效的JWT', en: 'the bearer token is not a valid JWT' })
}

/** The verifier of one provider's tokens: its key set found once (discovery), then kept and refreshed by jose. */
export function identityProvider(opts: IdentityProviderOptions, log: { warn: (obj: object, msg: string) => void }) {
  if (opts.issuer === undefined && opts.jwksUrl === undefined) throw new Error('an identity provider needs an issuer or a jwksUrl')
  const algorithms = opts.algorithms ?? PROVIDER_ALGORITHMS
  const roleClaim = opts.roleClaim ?? 'role'
  const orgClaim = opts.orgClaim ?? 'org'
  const timeoutDuration = opts.fetchTimeoutMs ?? 5000
  const keySetAt = (url: URL) => createRemoteJWKSet(url, { timeoutDuration, cooldownDuration: (opts.jwksCooldownSeconds ?? 30) * 1000 })
  // Discovered at the first token, not at start-up: the gate starts, and serves public reads, while the provider is down.
  // A discovery that succeeded is kept for the process; jose refreshes the keys themselves.
  let keySet: Promise<JWTVerifyGetKey> | null = opts.jwksUrl === undefined ? null : Promise.resolve(keySetAt(new URL(opts.jwksUrl)))

  const discover = async (issuer: string): Promise<JWTVerifyGetKey> => {
    const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(timeoutDuration), redirect: 'error' })
    if (response.status !== 200) throw new Error(`the discovery document answered HTTP ${response.status}`)
    const doc = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown }
    // OpenID Connect Discovery §4.3: a document naming another issuer is not this provider's.
    if (doc.issuer !== issuer) throw new Error(`the discovery document names the issuer ${JSON.stringify(doc.issuer)}, not ${JSON.stringify(issuer)}`)
    // No jwks_uri, or not a URL: new URL throws, and the provider is as unusable as an unreachable one.
    return keySetAt(new URL(doc.jwks_uri as string))
  }
  const keys = (): Promise<JWTVerifyGetKey> => {
    // A failed discovery is forgotten, so that the next token tries again.
    keySet ??= discover(opts.issuer!).catch((err) => {
      keySet = null
      throw err
    })
    return keySet
  }
  const unavailable = (err: unknown): Problem => {
    log.warn({ err }, 'the identity provider’s keys could not be fetched')
    return Problems.identityProviderUnavailable()
  }
  const keyFor: JWTVerifyGetKey = async (header, token) => {
    let set: JWTVerifyGetKey
    try {
      set = await keys()
    } catch (err) {
      throw unavailable(err)
    }
    try {
      return await set(header, token)
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
        throw header.kid === undefined
          ? refuse('unknown-key', { zh: '令牌未指明公钥（kid），而身份认证服务有多个公钥', en: 'the token names no key (kid) and the identity provider has several' })
          : refuse('unknown-key', { zh: `身份认证服务没有编号为“${header.kid}”的公钥`, en: `the identity provider has no key "${header.kid}" (kid)` })
      }
      throw unavailable(err)
    }
  }

  /** The principal of a token signed by the provider; a Problem when there is none. */
  return async (token: string): Promise<PrincipalClaims> => {
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(token, keyFor, {
        algorithms: [...algorithms],
        audience: opts.audience,
        issuer: opts.issuer,
        clockTolerance: opts.clockToleranceSeconds ?? 60,
        requiredClaims: ['exp']
      }))
    } catch (err) {
      if (err instanceof Problem) throw err
      throw refusalOf(err, { audience: opts.audience, issuer: opts.issuer, algorithms })
    }
    const principal = principalOf(payload, roleClaim, orgClaim)
    if (principal instanceof Problem) throw principal
    return principal
  }
}
