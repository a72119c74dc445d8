import { Type } from 'typebox'

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    field: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    invalidParams: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
    currentVersion: Type.Optional(Type.Integer()),
    currentState: Type.Optional(Type.String())
  },
  { $id: 'Problem', description: 'RFC 9457 problem details, served as application/problem+json' }
)

/** How every error is served (RFC 9457); the platform plugin’s error handler sets it. */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json'

/** What an error status means wherever it is declared; a route names its own causes where they differ. */
const PROBLEM_MEANINGS = {
  400: 'Invalid request: `field` and `invalidParams` name what is wrong',
  401: 'A bearer token is needed and none was sent, or the one sent is malformed, invalid or expired',
  403: 'The token’s role or org unit may not do this',
  404: 'No such resource, or none the caller may see',
  409: 'Conflict with the current state; for a task or report, `currentVersion` and `currentState` say what it is',
  503: 'Too many changes are waiting to be written: retry after the seconds in Retry-After'
} as const satisfies Record<number, string>

/** An error response as the document declares it and the serializer writes it: a Problem, as application/problem+json. */
export const problemResponse = (description: string) => ({ description, content: { [PROBLEM_MEDIA_TYPE]: { schema: Type.Ref('Problem') } } })

/** Error responses by status, each with its usual meaning, or `{ 409: 'what a conflict means here' }`. */
export function problemResponses(...statuses: Array<keyof typeof PROBLEM_MEANINGS | Record<number, string>>): Record<string, ReturnType<typeof problemResponse>> {
  const meanings = statuses.map((s): Record<number, string> => (typeof s === 'number' ? { [s]: PROBLEM_MEANINGS[s] } : s))
  return Object.fromEntries(meanings.flatMap((m) => Object.entries(m).map(([status, why]) => [status, problemResponse(why)])))
}

/** No token needed, and one sent changes nothing but is still checked (a bad one is a 401). */
export const PUBLIC: Array<Record<string, string[]>> = []
/** A token is optional: without one the caller reads what is public, with one also what its principal may see. */
export const TOKEN_OPTIONAL: Array<Record<string, string[]>> = [{}, { bearer: [] }]
/** A bearer token is required. */
export const TOKEN: Array<Record<string, string[]>> = [{ bearer: [] }]

/** A retried idempotent POST whose first response was lost after its work was committed. */
export const SeeOtherSchema = Type.Object(
  { location: Type.String(), detail: Type.String() },
  { description: 'The first request with this Idempotency-Key was carried out but its response was lost (the process stopped); the Location header names the task it created or moved.' }
)

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])

export const DEFAULT_PAGE_SIZE = 50

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: DEFAULT_PAGE_SIZE })),
  cursor: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'opaque cursor from a previous page' }))
}

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })
