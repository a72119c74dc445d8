import { CONTENT_LANGUAGE } from './language.js'
import { PROBLEM_MEDIA_TYPE } from './schemas.js'

/**
 * What the route schemas cannot say about themselves, added to the generated document: the
 * answers every operation can give because they are decided before or around its route (the
 * router, the body parser, authentication, the rate limit, the Idempotency-Key plugin, Node's
 * HTTP parser), the Idempotency-Key header on every POST, and the mapping of each events
 * body's discriminator to its branches. Routes declare only what they decide themselves.
 */

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export type NamedExamples = Record<string, { summary: string; value: unknown }>

declare module 'fastify' {
  interface FastifySchema {
    /**
     * Named request examples for the docs UI. A body given by reference ($ref) loses an examples
     * keyword beside it when @fastify/swagger resolves it; an x- key of the route is copied to
     * the operation, and completeDocument moves it to the request body.
     */
    'x-request-examples'?: NamedExamples
  }
}

export interface ServerLimits {
  bodyLimit: number
  maxDepth: number
  maxHeaderSize: number
  /** The Idempotency-Key rule, as the plugin checks it. */
  idempotencyKey: RegExp
}

const ref = (kind: 'responses' | 'parameters' | 'headers', name: string) => ({ $ref: `#/components/${kind}/${name}` })

const contentLanguage = () => ({ 'Content-Language': ref('headers', 'ContentLanguage') })

const problemResponse = (description: string) => ({
  description,
  headers: contentLanguage(),
  content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } }
})

const retryAfter = (description: string) => ({ description, schema: { type: 'integer', minimum: 0 } })

function sharedComponents(limits: ServerLimits): Json {
  return {
    responses: {
      InvalidRequest: problemResponse(
        `Invalid request: \`field\` and \`invalidParams\` name what is wrong. Any request may get one: a malformed URL or query, a NUL character or nesting deeper than ${limits.maxDepth} levels anywhere in it, a bad Idempotency-Key`
      ),
      Unauthenticated: problemResponse(
        'The Authorization header was sent but is not `Bearer <token>`, or its token is refused (expired, not yet valid, another issuer or audience, an unknown key, a bad signature, an algorithm not allowed, no usable role or org): checked even where no token is needed; `reason` says which'
      ),
      IdentityProviderUnavailable: {
        ...problemResponse('A token of the identity provider was sent, and its keys could not be fetched to check it: the token was not refused, retry after the seconds in Retry-After'),
        headers: { ...contentLanguage(), 'Retry-After': ref('headers', 'OverloadedRetryAfter') }
      },
      IdempotencyKeyInFlight: problemResponse('A request with this Idempotency-Key is still being handled: retry shortly'),
      PrincipalRefused: problemResponse(
        'The token is valid, but its org does not exist, is closed, or is not of a kind its role acts for (an office of a city or district, a street role of a street …): checked even where no token is needed'
      ),
      PayloadTooLarge: problemResponse(`The body is over ${limits.bodyLimit} bytes`),
      UnsupportedMediaType: problemResponse('The body is not application/json'),
      IdempotencyKeyReused: problemResponse('This Idempotency-Key was used for a different request (`field` is Idempotency-Key)'),
      RateLimited: {
        ...problemResponse('More requests in a minute than the server allows per principal, or per address without a token (RATE_LIMIT_PER_MINUTE, 600 by default)'),
        headers: {
          ...contentLanguage(),
          'Retry-After': ref('headers', 'RateLimitRetryAfter'),
          'X-RateLimit-Limit': { description: 'requests allowed per minute', schema: { type: 'integer' } },
          'X-RateLimit-Remaining': { description: 'requests left in this minute', schema: { type: 'integer' } },
          'X-RateLimit-Reset': { description: 'seconds until the minute is over', schema: { type: 'integer' } }
        }
      },
      InternalError: problemResponse('The server failed (the database, say) and logged it; no input should cause one: retry later, and report it if it persists'),
      HeaderFieldsTooLarge: problemResponse(`The request's header fields are over ${limits.maxHeaderSize} bytes; answered by the HTTP parser, so without \`instance\``)
    },
    headers: {
      RateLimitRetryAfter: retryAfter('seconds until the limit lets this principal through again'),
      OverloadedRetryAfter: retryAfter('seconds to wait before retrying'),
      ContentLanguage: {
        description: 'the language of the problem’s `title` and `detail`, as Accept-Language asked (`titles` and `message` carry both)',
        schema: { type: 'string', enum: Object.values(CONTENT_LANGUAGE) }
      }
    },
    parameters: {
      IdempotencyKey: {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Makes the POST safe to retry. The first response with a key is kept 48 hours per principal and replayed to a retry with the same key and body (header `idempotent-replay: true`); the same key with another body is a 422, a retry while the first is still running a 409. When the first request was carried out but its response was lost, task creation and task events answer 303 to the task.',
        schema: { type: 'string', pattern: limits.idempotencyKey.source, maxLength: 200 },
        example: 'b1f5c0de-2027-0301-civil-0001'
      }
    }
  }
}

const WITH_BODY = ['post', 'put', 'patch', 'delete']

/** Responses an operation gets from outside its route: status, the component, and whether it applies to the operation. */
const CROSS_CUTTING: Array<{ status: string; response: string; applies: (method: string) => boolean }> = [
  { status: '400', response: 'InvalidRequest', applies: () => true },
  { status: '401', response: 'Unauthenticated', applies: () => true },
  { status: '403', response: 'PrincipalRefused', applies: () => true },
  { status: '409', response: 'IdempotencyKeyInFlight', applies: (method) => method === 'post' },
  // Fastify parses a body sent with these methods, whether or not the route reads one.
  { status: '413', response: 'PayloadTooLarge', applies: (method) => WITH_BODY.includes(method) },
  { status: '415', response: 'UnsupportedMediaType', applies: (method) => WITH_BODY.includes(method) },
  { status: '422', response: 'IdempotencyKeyReused', applies: (method) => method === 'post' },
  { status: '429', response: 'RateLimited', applies: () => true },
  { status: '431', response: 'HeaderFieldsTooLarge', applies: () => true },
  { status: '500', response: 'InternalError', applies: () => true },
  { status: '503', response: 'IdentityProviderUnavailable', applies: () => true }
]

/** For `transformObject` of @fastify/swagger: the generated document, completed. */
export function completeDocument(doc: Json, limits: ServerLimits): Json {
  const shared = sharedComponents(limits)
  const components = { ...doc.components, ...shared }
  for (const [method, op] of Object.values(doc.paths as Json).flatMap((ops: Json) => Object.entries(ops))) {
    for (const c of CROSS_CUTTING) {
      if (!c.applies(method)) continue
      const own = op.responses[c.status]
      // The route's own meaning of the status comes first; the cross-cutting one is added to it.
      if (own === undefined) op.responses[c.status] = ref('responses', c.response)
      else if (['403', '409', '503'].includes(c.status)) own.description = `${own.description}; or: ${shared.responses[c.response].description}`
    }
    // A problem the route declares itself (a $ref is to a shared one, which has its headers).
    for (const response of Object.values(op.responses as Json)) {
      if (response.content?.[PROBLEM_MEDIA_TYPE] !== undefined) response.headers = { ...response.headers, ...contentLanguage() }
    }
    // Every operation has a 503 now (the identity provider's); one of its own (overloaded) gets the header here.
    const unavailable = op.responses['503']
    if (unavailable.$ref === undefined) unavailable.headers = { ...unavailable.headers, 'Retry-After': ref('headers', 'OverloadedRetryAfter') }
    op.responses = Object.fromEntries(Object.entries(op.responses as Json).sort(([a], [b]) => a.localeCompare(b)))
    if (method === 'post') op.parameters = [...(op.parameters ?? []), ref('parameters', 'IdempotencyKey')]
    if (op['x-request-examples'] !== undefined) {
      op.requestBody.content['application/json'].examples = op['x-request-examples']
      delete op['x-request-examples']
    }
  }
  // ajv picks a branch by its `type` const and refuses a mapping; OpenAPI readers need one.
  for (const schema of Object.values(components.schemas as Json)) {
    if (schema.discriminator === undefined) continue
    const tag = schema.discriminator.propertyName as string
    schema.discriminator.mapping = Object.fromEntries(
      // @fastify/swagger writes a branch's const tag as a one-value enum (for the docs UI).
      (schema.oneOf as Json[]).map((branch) => [components.schemas[branch.$ref.replace('#/components/schemas/', '')].properties[tag].enum[0], branch.$ref])
    )
  }
  return { ...doc, components }
}
