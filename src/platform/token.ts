import { createHmac } from 'node:crypto'
import type { Role } from '../roles.js'

export interface PrincipalClaims {
  sub: string
  role: Role
  org: string
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url')

/** Mints an HS256 JWT; the server verifies with @fastify/jwt and the same secret. */
export function signToken(claims: PrincipalClaims, secret: string, options: { nowSeconds: number; ttlSeconds: number }): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
  const payload = b64url(JSON.stringify({ ...claims, iat: options.nowSeconds, exp: options.nowSeconds + options.ttlSeconds }))
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')
  return `${header}.${payload}.${signature}`
}
