import { spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import Provider, { type Configuration } from 'oidc-provider'
import t, { type Test } from 'tap'
import { buildApp } from '../src/app.js'
import { DEVELOPMENT_JWT_SECRET, loadConfig } from '../src/config.js'
import type { IdentityProviderOptions } from '../src/platform/identity-provider.js'
import { signToken } from '../src/platform/token.js'
import { build, demoCommunities, freshDatabase, freshDatabaseUrl, TEST_SECRET } from './helper.js'

// Issue 11, item 3: the gate believes the city's identity provider. A real OpenID provider
// (oidc-provider) runs on loopback and issues JWT access tokens with client_credentials and a
// resource indicator; the gate fetches its keys (discovery, then jwks_uri) and is called over its API.

const AUDIENCE = 'https://gate.city.example'
const CLIENT = { client_id: 'city-portal', client_secret: 'city-portal-secret-0123456789' }

type Alg = 'RS256' | 'ES256' | 'EdDSA'

async function signingKey(alg: Alg, kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true })
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' }
}

interface TokenRequest {
  /** Claims the provider adds to the access token (its extraTokenClaims). */
  claims?: Record<string, unknown>
  resource?: string
  alg?: Alg
  /** Changes the token's payload and header before the provider signs it (its JWT format customizer). */
  customize?: (token: { header?: Record<string, unknown>; payload: Record<string, unknown> }) => void
}

interface Idp {
  issuer: string
  jwksUri: string
  token: (request?: TokenRequest) => Promise<string>
  /** The provider restarted with other keys, on the same address. */
  rotate: (keys: JWK[]) => Promise<void>
  /** Every answer a 503, as a provider behind a failing proxy gives. */
  down: () => void
  up: () => void
}

async function startProvider(t: Test, keys: JWK[]): Promise<Idp> {
  let handler: RequestListener = () => {}
  const server = createServer((req, res) => handler(req, res))
  // Idle connections stay open while the test builds a gate: a socket the server closes as the next request goes out resets it.
  server.keepAliveTimeout = 120_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  let pending: TokenRequest = {}
  const configuration = (jwks: JWK[]): Configuration => ({
    // The client's ID token algorithm must be one the keys can sign with, though no ID token is issued.
    clients: [{ ...CLIENT, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], id_token_signed_response_alg: jwks[0]!.alg }],
    jwks: { keys: jwks },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => ({
          scope: 'api',
          audience: resource,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: pending.alg ?? 'RS256' } }
        })
      }
    },
    ttl: { ClientCredentials: 300 },
    extraTokenClaims: async () => pending.claims,
    formats: {
      customizers: {
        jwt: async (_ctx, _token, jwt) => {
          pending.customize?.(jwt)
        }
      }
    }
  })
  let current: RequestListener = new Provider(issuer, configuration(keys)).callback()
  handler = current
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string; jwks_uri: string }
  return {
    issuer,
    jwksUri: discovery.jwks_uri,
    token: async (request = {}) => {
      pending = { claims: { role: 'department', org: 'east-civil' }, ...request }
      const res = await fetch(discovery.token_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api', resource: request.resource ?? AUDIENCE, ...CLIENT })
      })
      const body = (await res.json()) as { access_token?: string }
      if (body.access_token === undefined) throw new Error(`the provider issued no token: ${JSON.stringify(body)}`)
      return body.access_token
    },
    rotate: async (next) => {
      current = new Provider(issuer, configuration(next)).callback()
      handler = current
    },
    down: () => {
      handler = (_req, res) => void res.writeHead(503).end()
    },
    up: () => {
      handler = current
    }
  }
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

const draft = {
  title: '协助开展社区养老服务需求调查',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  legalBasis: [{ title: '《老年人权益保障法》' }],
  funding: { perTarget: 5000, source: '区福彩公益金', committed: true },
  period: { start: '2027-04-01', end: '2027-06-30' },
  workloadHours: 40
}

const nowSeconds = () => Math.floor(Date.now() / 1000)

/** The gate on a fresh database believing the provider; HS256 tokens only with hs256. */
const gate = (t: Test, identityProvider: IdentityProviderOptions, hs256 = false) => build(t, { identityProvider, hs256 })

async function refusal(t: Test, app: Awaited<ReturnType<typeof gate>>['app'], token: string, reason: string, why: string) {
  const res = await app.inject({ method: 'GET', url: '/v1/tasks', headers: { ...bearer(token), 'accept-language': 'zh-CN' } })
  t.equal(res.statusCode, 401, `${why}: 401`)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  const problem = res.json()
  t.equal(problem.reason, reason, `${why}: ${problem.message.en}`)
  t.ok(problem.message.zh.length > 0 && problem.message.en.length > 0, `${why}: said in both languages`)
  return problem as { message: { zh: string; en: string }; detail: string }
}

t.test('a token of the provider is believed: its role and org are the principal; HS256 tokens are refused without JWT_SECRET', async (t) => {
  const idp = await startProvider(t, [await signingKey('RS256', 'rsa-1')])
  // Everything else left to its default: 60 s of clock skew, claims role and org, all three algorithms.
  const { app } = await gate(t, { issuer: idp.issuer, audience: AUDIENCE })
  const department = await idp.token({ claims: { role: 'department', org: 'east-civil' } })
  const created = await app.inject({ method: 'POST', url: '/v1/tasks', headers: bearer(department), payload: draft })
  t.equal(created.statusCode, 201, created.body)
  t.equal(created.json().department, 'east-civil', 'the org claim is the task’s department')
  const history = await app.inject({ method: 'GET', url: `/v1/tasks/${created.json().id}/events`, headers: bearer(department) })
  t.equal(history.json().items[0].actor.sub, CLIENT.client_id, 'the subject is sub: the client the provider issued the token to')

  const community = await idp.token({ claims: { role: 'community', org: 'east-s1-c1' } })
  const forbidden = await app.inject({ method: 'POST', url: '/v1/tasks', headers: bearer(community), payload: draft })
  t.equal(forbidden.statusCode, 403, 'a role the route does not take is still a 403, not a 401')

  const now = nowSeconds()
  for (const secret of [TEST_SECRET, DEVELOPMENT_JWT_SECRET]) {
    const hs256 = signToken({ sub: 'li.min', role: 'admin', org: 'city' }, secret, { nowSeconds: now, ttlSeconds: 600 })
    const p = await refusal(t, app, hs256, 'algorithm-not-allowed', 'an HS256 token')
    t.match(p.message.en, idp.issuer, 'the refusal names the provider')
  }
  await refusal(t, app, 'not-a-jwt', 'malformed', 'a bearer that is no JWT')
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  await refusal(t, app, `${b64({ alg: 'RS256', kid: 'rsa-1', crit: ['zz'], zz: 1 })}.${b64({})}.c2ln`, 'malformed', 'a JWS with a critical header jose does not know')
  await refusal(t, app, `${b64({ alg: 'none' })}.${b64({ sub: 'x', role: 'admin', org: 'city', aud: AUDIENCE, iss: idp.issuer, exp: now + 60 })}.`, 'algorithm-not-allowed', 'an unsigned token')
})

t.test('with JWT_SECRET set on purpose, HS256 tokens are believed beside the provider’s', async (t) => {
  const idp = await startProvider(t, [await signingKey('RS256', 'rsa-1')])
  const h = await gate(t, { issuer: idp.issuer, audience: AUDIENCE }, true)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/tasks', headers: h.auth('department', 'east-civil') })).statusCode, 200, 'HS256')
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/tasks', headers: bearer(await idp.token()) })).statusCode, 200, 'RS256 from the provider')
  const bad = await h.app.inject({ method: 'GET', url: '/v1/tasks', headers: bearer(signToken({ sub: 'x', role: 'admin', org: 'city' }, 'another-secret-0123456789', { nowSeconds: nowSeconds(), ttlSeconds: 60 })) })
  t.equal(bad.statusCode, 401, 'an HS256 token with another secret is refused as before')
  // HS256 tokens are held to the same limits on sub, org and role as the provider's.
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const hs256 = (claims: object) => {
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ exp: nowSeconds() + 600, ...claims })}`
    return `${unsigned}.${createHmac('sha256', TEST_SECRET).update(unsigned).digest('base64url')}`
  }
  for (const [claims, why] of [
    [{ sub: 'x'.repeat(201), role: 'department', org: 'east-civil' }, 'a sub over 200 characters'],
    [{ sub: 'li.min', role: 'department', org: 'a\u0000b' }, 'an org with a NUL'],
    [{ sub: 'li.min', role: 'mayor', org: 'east-civil' }, 'a role the gate does not have']
  ] as const) {
    const res = await h.app.inject({ method: 'GET', url: '/v1/tasks', headers: bearer(hs256(claims)) })
    t.equal(res.statusCode, 401, why)
    t.match(res.json().message.en, 'the token needs claims sub, org and role', why)
  }
})

t.test('ES256 and EdDSA keys of the provider; AUTH_ALGORITHMS narrows what is taken', async (t) => {
  const idp = await startProvider(t, [await signingKey('RS256', 'rsa-1'), await signingKey('ES256', 'ec-1'), await signingKey('EdDSA', 'ed-1')])
  const { app } = await gate(t, { issuer: idp.issuer, audience: AUDIENCE, algorithms: ['RS256', 'ES256', 'EdDSA'] })
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    const token = await idp.token({ alg })
    t.equal(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).alg, alg, `the provider signed with ${alg}`)
    t.equal((await app.inject({ method: 'GET', url: '/v1/tasks', headers: bearer(token) })).statusCode, 200, `${alg} accepted`)
  }
  const narrow = await gate(t, { issuer: idp.issuer, audience: AUDIENCE, algorithms: ['RS256'] })
  const p = await refusal(t, narrow.app, await idp.token({ alg: 'EdDSA' }), 'algorithm-not-allowed', 'EdDSA where only RS256 is taken')
  t.match(p.message.en, /RS256/)
})

t.test('refusals say why: audience, issuer, expiry, not before, clock skew, claims jose checks', async (t) => {
  const idp = await startProvider(t, [await signingKey('ES256', 'ec-1')])
  const strict = (await gate(t, { issuer: idp.issuer, audience: AUDIENCE, clockToleranceSeconds: 10, fetchTimeoutMs: 2000, jwksCooldownSeconds: 30 })).app
  const lenient = (await gate(t, { issuer: idp.issuer, audience: AUDIENCE, clockToleranceSeconds: 60 })).app
  const token = (customize?: TokenRequest['customize'], request: TokenRequest = {}) => idp.token({ alg: 'ES256', customize, ...request })

  await refusal(t, strict, await token(undefined, { resource: 'https://other-system.city.example' }), 'wrong-audience', 'a token for another system')
  const foreign = await refusal(t, strict, await token((jwt) => void (jwt.payload.iss = 'https://elsewhere.example')), 'wrong-issuer', 'another issuer')
  t.match(foreign.message.en, 'https://elsewhere.example')
  await refusal(t, strict, await token((jwt) => void delete jwt.payload.iss), 'wrong-issuer', 'no issuer at all')

  // 30 s past its expiry, 30 s before its start: within 60 s of skew, not within 10.
  const expired = await token((jwt) => void (jwt.payload.exp = nowSeconds() - 30))
  const p = await refusal(t, strict, expired, 'expired', 'expired 30 s ago, 10 s of tolerance')
  t.match(p.message.zh, '过期')
  t.equal((await lenient.inject({ method: 'GET', url: '/v1/tasks', headers: bearer(expired) })).statusCode, 200, 'expired 30 s ago, 60 s of tolerance')
  const early = await token((jwt) => void (jwt.payload.nbf = nowSeconds() + 30))
  await refusal(t, strict, early, 'not-yet-valid', 'valid in 30 s, 10 s of tolerance')
  t.equal((await lenient.inject({ method: 'GET', url: '/v1/tasks', headers: bearer(early) })).statusCode, 200, 'valid in 30 s, 60 s of tolerance')
  const long = await token((jwt) => void (jwt.payload.exp = nowSeconds() - 120))
  await refusal(t, lenient, long, 'expired', 'expired two minutes ago is beyond any tolerance')

  await refusal(t, strict, await token((jwt) => void delete jwt.payload.exp), 'missing-expiry', 'a token that never expires')
  await refusal(t, strict, await token((jwt) => void (jwt.payload.nbf = 'tomorrow')), 'invalid-claim', 'nbf that is no date')
  await refusal(t, strict, await token((jwt) => void (jwt.payload.iat = 'yesterday')), 'invalid-claim', 'iat that is no date')
})

t.test('a tampered token, an unknown kid, and the provider’s key rotation without a restart', async (t) => {
  const idp = await startProvider(t, [await signingKey('RS256', 'rsa-1')])
  const { app } = await gate(t, { issuer: idp.issuer, audience: AUDIENCE, jwksCooldownSeconds: 0 })
  const old = await idp.token({ claims: { role: 'community', org: 'east-s1-c1' } })
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks', headers: bearer(old) })).statusCode, 200, 'the first key, fetched')

  const [header, payload, signature] = old.split('.') as [string, string, string]
  const raised = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin', org: 'city' })).toString('base64url')
  await refusal(t, app, `${header}.${raised}.${signature}`, 'bad-signature', 'a community token edited to say admin')

  await idp.rotate([await signingKey('RS256', 'rsa-2')])
  const fresh = await idp.token()
  t.equal(JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()).kid, 'rsa-2')
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks', headers: bearer(fresh) })).statusCode, 200, 'a token signed with the new key is taken: its kid makes the gate fetch the keys again')
  const unknown = await refusal(t, app, old, 'unknown-key', 'a token signed with the retired key')
  t.match(unknown.message.en, 'rsa-1')

  // Two RSA keys and a token naming neither: which one would be a guess.
  await idp.rotate([await signingKey('RS256', 'rsa-3'), await signingKey('RS256', 'rsa-4')])
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks', headers: bearer(await idp.token()) })).statusCode, 200, 'the gate has both keys now')
  const anonymous = await idp.token({ customize: (jwt) => void (jwt.header = { kid: undefined }) })
  t.notOk(JSON.parse(Buffer.from(anonymous.split('.')[0]!, 'base64url').toString()).kid, 'signed without a kid')
  await refusal(t, app, anonymous, 'unknown-key', 'no kid and several keys')
})

t.test('claims map to role and org: missing, wrong, a list of roles, custom and nested names', async (t) => {
  const idp = await startProvider(t, [await signingKey('RS256', 'rsa-1')])
  const { app } = await gate(t, { issuer: idp.issuer, audience: AUDIENCE })
  const as = (claims: Record<string, unknown>, customize?: TokenRequest['customize']) => idp.token({ claims, customize })
  await refusal(t, app, await as({ org: 'east-civil' }), 'principal-claims', 'no role')
  await refusal(t, app, await as({ role: 'mayor', org: 'east-civil' }), 'principal-claims', 'a role the gate does not have')
  await refusal(t, app, await as({ role: 'department' }), 'principal-claims', 'no org')
  await refusal(t, app, await as({ role: 'department', org: 'x'.repeat(65) }), 'principal-claims', 'an org id over 64 characters')
  await refusal(t, app, await as({ role: 'department', org: 'east-civil' }, (jwt) => void (jwt.payload.sub = '')), 'principal-claims', 'an empty sub')
  const two = await refusal(t, app, await as({ role: ['office', 'department'], org: 'east' }), 'principal-claims', 'two of the gate’s roles')
  t.match(two.message.en, 'more than one role')
  const listed = await app.inject({ method: 'GET', url: '/v1/reviews', headers: bearer(await as({ role: ['offline_access', 'office', 'office'], org: 'east' })) })
  t.equal(listed.statusCode, 200, 'a list with one of the gate’s roles among others: that role')

  const custom = (await gate(t, { issuer: idp.issuer, audience: AUDIENCE, roleClaim: 'realm_access.roles', orgClaim: 'https://city.example/org' })).app
  const keycloakish = await as({ realm_access: { roles: ['default-roles-city', 'department'] }, 'https://city.example/org': 'east-civil' })
  const created = await custom.inject({ method: 'POST', url: '/v1/tasks', headers: bearer(keycloakish), payload: draft })
  t.equal(created.statusCode, 201, 'a nested role claim and a namespaced org claim')
  t.equal(created.json().department, 'east-civil')
  await refusal(t, custom, await as({ role: 'department', org: 'east-civil' }), 'principal-claims', 'the default names are not read when others are configured')
  await refusal(t, custom, await as({ realm_access: 'department', 'https://city.example/org': 'east-civil' }), 'principal-claims', 'a path through a claim that is no object')
})

t.test('AUTH_JWKS_URL: the key set without discovery; with an issuer besides, iss is checked', async (t) => {
  const idp = await startProvider(t, [await signingKey('EdDSA', 'ed-1')])
  const { app } = await gate(t, { jwksUrl: idp.jwksUri, audience: AUDIENCE })
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks', headers: bearer(await idp.token({ alg: 'EdDSA' })) })).statusCode, 200)
  const elsewhere = await idp.token({ alg: 'EdDSA', customize: (jwt) => void (jwt.payload.iss = 'https://elsewhere.example') })
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks', headers: bearer(elsewhere) })).statusCode, 200, 'without an issuer configured, iss is not checked: the keys are the provider’s own')
  const hs256 = signToken({ sub: 'li.min', role: 'admin', org: 'city' }, DEVELOPMENT_JWT_SECRET, { nowSeconds: nowSeconds(), ttlSeconds: 600 })
  t.match((await refusal(t, app, hs256, 'algorithm-not-allowed', 'HS256')).message.en, idp.jwksUri, 'the refusal names the key set')

  const both = (await gate(t, { jwksUrl: idp.jwksUri, issuer: idp.issuer, audience: AUDIENCE })).app
  await refusal(t, both, elsewhere, 'wrong-issuer', 'with an issuer configured')
})

t.test('a provider that cannot be reached is a 503, not a 401, and is tried again', async (t) => {
  const idp = await startProvider(t, [await signingKey('RS256', 'rsa-1')])
  const token = await idp.token()
  const { app } = await gate(t, { issuer: idp.issuer, audience: AUDIENCE })
  const unavailable = async (app: Awaited<ReturnType<typeof gate>>['app'], why: string) => {
    const res = await app.inject({ method: 'GET', url: '/v1/tasks', headers: bearer(token) })
    t.equal(res.statusCode, 503, why)
    t.equal(res.headers['retry-after'], '10')
    t.equal(res.json().type, 'https://zhunru.example/problems/identity-provider-unavailable')
    t.notOk(res.json().reason, 'no reason: the token was not refused')
  }
  idp.down()
  await unavailable(app, 'discovery answers 503')
  t.equal((await app.inject({ method: 'GET', url: '/v1/catalogs' })).statusCode, 200, 'requests without a token go on')
  idp.up()
  t.equal((await app.inject({ method: 'GET', url: '/v1/tasks', headers: bearer(token) })).statusCode, 200, 'a failed discovery is not kept')

  const direct = (await gate(t, { jwksUrl: idp.jwksUri, audience: AUDIENCE })).app
  idp.down()
  await unavailable(direct, 'the key set answers 503')
  idp.up()

  // Discovery must name the issuer as configured (OpenID Connect Discovery §4.3): a trailing slash is another issuer.
  await unavailable((await gate(t, { issuer: `${idp.issuer}/`, audience: AUDIENCE })).app, 'discovery names another issuer')
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const port = (closed.address() as AddressInfo).port
  await new Promise((resolve) => closed.close(resolve))
  await unavailable((await gate(t, { issuer: `http://127.0.0.1:${port}`, audience: AUDIENCE, fetchTimeoutMs: 1000 })).app, 'nothing listens')
})

t.test('an app without a secret or a provider, or a provider without an address, does not start', async (t) => {
  const database = await freshDatabase(t)
  await t.rejects(buildApp({ database }), /a JWT secret, an identity provider, or both/)
  await t.rejects(buildApp({ database, identityProvider: { audience: AUDIENCE } }), /an issuer or a jwksUrl/)
})

t.test('AUTH_* configuration: defaults, and every bad value a startup error naming its variable', async (t) => {
  const issuer = 'https://id.city.example/realms/city'
  t.notOk(loadConfig({}).identityProvider, 'no provider unless configured')
  const config = loadConfig({ AUTH_ISSUER: issuer, AUTH_AUDIENCE: AUDIENCE })
  t.same(config.identityProvider, { issuer, audience: AUDIENCE, algorithms: ['RS256', 'ES256', 'EdDSA'], clockToleranceSeconds: 60, roleClaim: 'role', orgClaim: 'org' })
  t.equal(config.jwtSecret, undefined, 'next to a provider, no HS256 secret unless JWT_SECRET is set')
  t.equal(config.jwtSecretIsDevelopmentDefault, false)
  t.equal(loadConfig({ AUTH_ISSUER: issuer, AUTH_AUDIENCE: AUDIENCE, JWT_SECRET: 'a-long-enough-secret' }).jwtSecret, 'a-long-enough-secret')
  t.same(
    loadConfig({
      AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks',
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_ALGORITHMS: 'ES256, EdDSA',
      AUTH_CLOCK_TOLERANCE_SECONDS: '0',
      AUTH_ROLE_CLAIM: 'realm_access.roles',
      AUTH_ORG_CLAIM: 'https://city.example/org'
    }).identityProvider,
    { jwksUrl: 'http://127.0.0.1:8080/jwks', audience: AUDIENCE, algorithms: ['ES256', 'EdDSA'], clockToleranceSeconds: 0, roleClaim: 'realm_access.roles', orgClaim: 'https://city.example/org' }
  )
  const provider = { AUTH_ISSUER: issuer, AUTH_AUDIENCE: AUDIENCE }
  const refused: Array<[Record<string, string>, RegExp]> = [
    [{ AUTH_AUDIENCE: AUDIENCE }, /AUTH_AUDIENCE is set, but neither AUTH_ISSUER nor AUTH_JWKS_URL/],
    [{ AUTH_ISSUER: issuer }, /AUTH_AUDIENCE must name/],
    [{ ...provider, AUTH_AUDIENCE: ' ' }, /AUTH_AUDIENCE/],
    [{ ...provider, AUTH_ISSUER: 'id.city.example' }, /AUTH_ISSUER must be a URL/],
    [{ ...provider, AUTH_ISSUER: 'http://id.city.example' }, /AUTH_ISSUER must be an https URL/],
    [{ ...provider, AUTH_JWKS_URL: 'ftp://localhost/jwks' }, /AUTH_JWKS_URL must be an https URL/],
    [{ ...provider, AUTH_ALGORITHMS: 'RS256,HS256' }, /AUTH_ALGORITHMS must list some of RS256, ES256, EdDSA, got "HS256"/],
    [{ ...provider, AUTH_CLOCK_TOLERANCE_SECONDS: '1.5' }, /AUTH_CLOCK_TOLERANCE_SECONDS/],
    [{ ...provider, AUTH_CLOCK_TOLERANCE_SECONDS: '-1' }, /AUTH_CLOCK_TOLERANCE_SECONDS/],
    [{ ...provider, AUTH_CLOCK_TOLERANCE_SECONDS: '301' }, /AUTH_CLOCK_TOLERANCE_SECONDS/],
    [{ ...provider, AUTH_CLOCK_TOLERANCE_SECONDS: 'a minute' }, /AUTH_CLOCK_TOLERANCE_SECONDS/],
    [{ ...provider, AUTH_ROLE_CLAIM: '' }, /AUTH_ROLE_CLAIM must name a claim/],
    [{ ...provider, AUTH_ORG_CLAIM: ' org' }, /AUTH_ORG_CLAIM must name a claim/],
    [{ ...provider, JWT_SECRET: 'short' }, /JWT_SECRET/]
  ]
  for (const [env, error] of refused) t.throws(() => loadConfig(env), error, JSON.stringify(env))
  t.equal(loadConfig({ ...provider, AUTH_ISSUER: 'http://localhost:8080/realms/dev' }).identityProvider?.issuer, 'http://localhost:8080/realms/dev', 'http on localhost')
  t.equal(loadConfig({ ...provider, AUTH_ISSUER: 'http://[::1]:8080' }).identityProvider?.issuer, 'http://[::1]:8080')
})

t.test('npm start with AUTH_ISSUER and no JWT_SECRET: the provider’s tokens are taken, the development secret’s are not', async (t) => {
  const idp = await startProvider(t, [await signingKey('RS256', 'rsa-1')])
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as AddressInfo).port
  await new Promise((resolve) => probe.close(resolve))
  const { JWT_SECRET: _ignored, ...env } = process.env
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...env, DATABASE_URL: await freshDatabaseUrl(t), PORT: String(port), AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: AUDIENCE, LOG_LEVEL: 'warn', _TAPJS_PROCESSINFO_COVERAGE_: '0' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  t.teardown(() => void child.kill('SIGKILL'))
  let console = ''
  child.stdout!.on('data', (chunk) => (console += chunk))
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 300 && !(await fetch(`${base}/healthz`).then((r) => r.ok, () => false)); i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const get = async (token: string) => (await fetch(`${base}/v1/tasks`, { headers: bearer(token) })).status
  t.equal(await get(await idp.token()), 200, 'a token of the provider')
  t.equal(await get(signToken({ sub: 'li.min', role: 'admin', org: 'city' }, DEVELOPMENT_JWT_SECRET, { nowSeconds: nowSeconds(), ttlSeconds: 600 })), 401, 'one signed with the development secret')
  t.match(console, `from the identity provider ${idp.issuer}`)
  t.match(console, 'HS256 tokens are refused')
  t.notMatch(console, 'npm run token', 'no advice to mint tokens nobody takes')
})
