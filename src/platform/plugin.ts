import { STATUS_CODES, maxHeaderSize } from 'node:http'
import type { Socket } from 'node:net'
import helmet from '@fastify/helmet'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import rateLimit from '@fastify/rate-limit'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaCompiler, FastifyServerOptions } from 'fastify'
import fp from 'fastify-plugin'
import type { Knex } from 'knex'
import { authPlugin, principalKey } from './auth.js'
import { Problem, Problems, problemType } from './errors.js'
import type { IdentityProviderOptions } from './identity-provider.js'
import { IDEMPOTENCY_KEY, idempotencyPlugin } from './idempotency.js'
import { CONTENT_LANGUAGE, preferredLanguage, type Bilingual } from './language.js'
import { completeDocument } from './openapi.js'
import { ProblemSchema } from './schemas.js'
import { fieldName, validationProblem } from './validation.js'

// Query strings and path parameters arrive as text and are coerced ("limit=2" is 2);
// bodies are JSON and are taken as typed, so a string where an array belongs is refused.
// Validators never change the input: a schema's default documents what the handler applies.
// An events body is a oneOf discriminated by `type`: ajv picks the branch from the tag, so the
// error is the one of that event. Verbose errors carry the schema they failed, to name the event.
function validatorFor(coerce: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    useDefaults: false,
    removeAdditional: false,
    allErrors: false,
    strict: false,
    discriminator: true,
    verbose: true
  })
  addFormats.default(ajv)
  return ajv
}

/** What @fastify/helmet sets on every other response, for the router's refusals that no hook sees. */
const ROUTER_ERROR_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'x-permitted-cross-domain-policies': 'none',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-xss-protection': '0'
}

/** Titles of the refusals made before any route: by Node's HTTP parser, the router and the body parser. */
const REFUSAL_TITLES: Record<number, Bilingual> = {
  400: { zh: '请求无效', en: 'Bad request' },
  408: { zh: '请求超时', en: 'Request timeout' },
  413: { zh: '请求体过大', en: 'Payload too large' },
  414: { zh: '请求地址过长', en: 'URI too long' },
  415: { zh: '不支持的媒体类型', en: 'Unsupported media type' },
  431: { zh: '请求头字段过大', en: 'Request header fields too large' }
}

const slug = (title: string) => title.toLowerCase().replaceAll(' ', '-')

/**
 * Node's HTTP parser refuses some requests before Fastify sees one (header fields over
 * maxHeaderSize, bytes that are not HTTP): they get a problem document too, written on the
 * socket as Fastify's default handler does, with helmet's headers; there is no URL to name.
 */
const PARSER_REFUSALS: Record<string, [number, Bilingual]> = {
  HPE_HEADER_OVERFLOW: [431, { zh: `请求头字段超过${maxHeaderSize}字节`, en: `the request's header fields are over ${maxHeaderSize} bytes` }],
  ERR_HTTP_REQUEST_TIMEOUT: [408, { zh: '请求未在限定时间内送达', en: 'the request did not arrive in time' }]
}
const NOT_HTTP: [number, Bilingual] = [400, { zh: '请求不是有效的HTTP/1.1报文', en: 'the request is not valid HTTP/1.1' }]

function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  // A client that reset the connection has nothing to read an answer with.
  if (!socket.writable) return void socket.destroy()
  const [status, detail] = PARSER_REFUSALS[err.code!] ?? NOT_HTTP
  const title = REFUSAL_TITLES[status]!
  // No request was read, so no Accept-Language either: English, and both languages in `titles` and `message`.
  const body = JSON.stringify(new Problem(status, problemType(slug(title.en)), title, detail).document('en'))
  const headers = Object.entries({
    ...ROUTER_ERROR_HEADERS,
    'content-type': 'application/problem+json; charset=utf-8',
    'content-language': CONTENT_LANGUAGE.en,
    'content-length': Buffer.byteLength(body),
    connection: 'close'
  })
  socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`)
  socket.destroy(err)
}

const BODY_LIMIT = 1024 * 1024

/** Fastify's own client errors, said as the rest of the API says things. */
const FASTIFY_REFUSALS: Record<string, Bilingual> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { zh: '请求体不是有效的JSON', en: 'the body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { zh: 'Content-Type为application/json，但请求体为空', en: 'the body is empty but its content-type is application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { zh: `请求体超过${BODY_LIMIT}字节`, en: `the body is over ${BODY_LIMIT} bytes` },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { zh: '请求体须为application/json格式', en: 'the body must be application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { zh: '请求体的长度与Content-Length不符', en: 'the body is not as long as its Content-Length says' },
  FST_ERR_BAD_URL: { zh: 'URL中有无法解码的部分', en: 'the URL has a part that cannot be decoded' },
  FST_ERR_MAX_PARAM_LENGTH: { zh: '路径参数超过长度上限', en: 'a path parameter is over the length limit' }
}

/** Fastify's own client errors, and what an embedding application's routes throw with a status below 500. */
function clientProblem(err: FastifyError): Problem {
  const title = REFUSAL_TITLES[err.statusCode!] ?? REFUSAL_TITLES[400]!
  const detail = FASTIFY_REFUSALS[err.code] ?? { zh: `请求未被受理（HTTP ${err.statusCode}）：${err.message}`, en: err.message }
  return new Problem(err.statusCode!, problemType(err.code ?? slug(title.en)), title, detail)
}

/** The one place that writes an error response (RFC 9457), in the language the client asks for. */
function sendProblem(req: FastifyRequest, reply: FastifyReply, problem: Problem): void {
  const language = preferredLanguage(req.headers['accept-language'])
  void reply
    .status(problem.status)
    .headers(problem.headers)
    .header('content-language', CONTENT_LANGUAGE[language])
    .header('vary', 'Accept-Language')
    .type('application/problem+json')
    .send(problem.document(language, req.url))
}

/** No request of this API nests deeper; a deeper one is refused before anything walks it. */
const MAX_DEPTH = 32

const NUL: Bilingual = { zh: '不得包含NUL字符', en: 'must not contain NUL characters' }

/**
 * Checks what a client sent before validation: where the first NUL character hides
 * (PostgreSQL refuses to store one), or that the document nests too deeply. Iterative,
 * so that a hostile nesting cannot exhaust the stack.
 */
function hostileAt(value: unknown): { field: string; message: Bilingual } | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }]
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return { field: path, message: NUL }
    } else if (typeof v === 'object' && v !== null) {
      if (depth >= MAX_DEPTH) return { field: path, message: { zh: `嵌套不得超过${MAX_DEPTH}层`, en: `must not nest deeper than ${MAX_DEPTH} levels` } }
      for (const [k, child] of Object.entries(v)) {
        if (k.includes('\u0000')) return { field: path, message: NUL }
        stack.push({ value: child, path: fieldName(path, k), depth: depth + 1 })
      }
    }
  }
  return null
}

export interface PlatformOptions {
  /** HS256 tokens signed with it are believed (npm run token); needed unless there is an identityProvider. */
  jwtSecret?: string
  /** The city's identity provider: its RS256, ES256 or EdDSA tokens are checked against its published keys. */
  identityProvider?: IdentityProviderOptions
  /** Where Idempotency-Keys are kept: the engine's database. */
  db: Knex
  now?: () => Date
  /** Requests per principal (or per address, without a token) per minute; off when absent. */
  rateLimitPerMinute?: number
}

/**
 * Options the platform needs on the Fastify instance itself, which no plugin can set: the
 * body limit, and a problem document for the router's own refusals (a malformed URL, an
 * over-long parameter), which come before any hook. Pass them to Fastify() when embedding.
 */
export const platformServerOptions = {
  bodyLimit: BODY_LIMIT,
  clientErrorHandler,
  frameworkErrors: (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    void reply.headers(ROUTER_ERROR_HEADERS)
    sendProblem(req, reply, clientProblem(err))
  }
} satisfies FastifyServerOptions

/**
 * What every capability stands on: validation that names the field, problem+json for every
 * error, checks on hostile input, security headers, bearer tokens, rate limits per
 * principal, Idempotency-Key on POSTs, and the OpenAPI document built from route schemas.
 */
export const platform = fp(
  async (app: FastifyInstance, opts: PlatformOptions) => {
    const strict = validatorFor(false)
    const coercing = validatorFor(true)
    // Set on each route rather than with setValidatorCompiler: Fastify rebuilds its default
    // validator when a later plugin adds a shared schema, and every capability adds its own.
    // The schemas a route may refer to are those of its own context, an encapsulated plugin's included.
    const known = new Set<string>()
    const compilerFor =
      (owner: FastifyInstance): FastifySchemaCompiler<any> =>
      ({ schema, httpPart }) => {
        for (const [id, shared] of Object.entries(owner.getSchemas())) {
          if (known.has(id)) continue
          strict.addSchema(shared as object)
          coercing.addSchema(shared as object)
          known.add(id)
        }
        return (httpPart === 'body' ? strict : coercing).compile(schema as object)
      }
    app.addHook('onRoute', function (route) {
      route.validatorCompiler ??= compilerFor(this)
    })
    app.addSchema(ProblemSchema)

    await app.register(helmet, {
      // The docs UI at /docs loads its own inline scripts and styles.
      contentSecurityPolicy: false
    })
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'zhunru — community work admission gate (社区工作准入)',
          version: '0.1.0',
          description:
            'Departments submit tasks for communities and streets; the gate screens them against the published lists and explains every decision. ' +
            'Errors are application/problem+json (RFC 9457) with `field` naming what is wrong. Tokens: `npm run token -- <role> <org> [sub]` (demo accounts: `npm run token -- --list`).',
          license: { name: 'MIT', identifier: 'MIT' }
        },
        servers: [
          // Relative, so that the docs UI's "Try it out" calls the server that serves it.
          { url: '/', description: 'the server serving this document' },
          { url: 'http://127.0.0.1:3000', description: 'npm start on your machine' }
        ],
        components: {
          securitySchemes: {
            bearer: {
              type: 'http',
              scheme: 'bearer',
              bearerFormat: 'JWT',
              description:
                'A JWT naming sub, role and org: from the identity provider the server is configured with (RS256, ES256 or EdDSA, checked against its published keys; the role and org claims may have other names there), or HS256 with the server’s own secret (mint one with npm run token). A refused token is a 401 whose `reason` says why.'
            }
          }
        },
        tags: [
          { name: 'tasks', description: 'Tasks and their admission workflow' },
          { name: 'screening', description: 'Dry-run screening' },
          { name: 'catalogs', description: 'Published lists (清单)' },
          { name: 'policy-packs', description: 'The policy pack: its versions, export, validation, diff and publishing' },
          { name: 'org-units', description: 'The org tree' },
          { name: 'reviews', description: 'Reviewer queues and deadlines' },
          { name: 'leading-groups', description: 'Leading-group membership' },
          { name: 'webhooks', description: 'Signed callbacks on every workflow’s transitions' },
          { name: 'contracts', description: 'Admitted tasks as agreements, and their funding' },
          { name: 'burden', description: 'Burden ledgers and department scorecards' },
          { name: 'burden-reports', description: 'Burden reports (督查): unadmitted tasks reported by communities' },
          { name: 'register', description: 'The public register: catalogs and their history, admitted tasks, department statistics (no token)' },
          { name: 'machines', description: 'Workflow definitions, and instances of workflows kept in the engine’s own tables' },
          { name: 'health', description: 'Liveness' },
          { name: 'console', description: 'How the console at / signs people in (it uses nothing but this API)' }
        ]
      },
      // Every shared schema has an $id: components are named after it (Task, Finding, Problem, …).
      refResolver: { buildLocalReference: (json) => json.$id as string },
      transformObject: (generated) =>
        completeDocument((generated as { openapiObject: Record<string, unknown> }).openapiObject, { bodyLimit: BODY_LIMIT, maxDepth: MAX_DEPTH, maxHeaderSize, idempotencyKey: IDEMPOTENCY_KEY })
    })
    await app.register(swaggerUi, { routePrefix: '/docs' })
    await app.register(authPlugin, { secret: opts.jwtSecret, identityProvider: opts.identityProvider })
    if (opts.rateLimitPerMinute !== undefined) {
      await app.register(rateLimit, {
        max: opts.rateLimitPerMinute,
        timeWindow: 60_000,
        // After authentication, so that the limit is per principal, not per shared office address.
        hook: 'preHandler',
        keyGenerator: (req) => (req.principal === null ? `ip:${req.ip}` : principalKey(req.principal)),
        errorResponseBuilder: (_req, ctx) => Problems.rateLimited(ctx.max, Math.ceil(ctx.ttl / 1000), ctx.after)
      })
    }
    await app.register(idempotencyPlugin, { db: opts.db, now: opts.now ?? (() => new Date()) })
    app.addHook('preValidation', async (req) => {
      for (const [part, value] of [['params', req.params], ['querystring', req.query], ['body', req.body]] as const) {
        const found = hostileAt(value)
        if (found !== null) throw Problems.invalid(found.field || part, found.message, part)
      }
    })

    app.setErrorHandler((err: FastifyError | Problem, req, reply) => {
      let problem: Problem
      if (err instanceof Problem) problem = err
      else if (err.validation) problem = validationProblem(err)
      else if ((err.statusCode ?? 500) < 500) problem = clientProblem(err)
      else {
        req.log.error({ err }, 'unhandled error')
        problem = Problems.internal()
      }
      sendProblem(req, reply, problem)
    })
    app.setNotFoundHandler((req, reply) => {
      sendProblem(req, reply, Problems.noRoute(req.method, req.url))
    })

  },
  { name: 'zhunru-platform', fastify: '5.x' }
)
