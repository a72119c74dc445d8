import { Type } from 'typebox'
import { TASK_KINDS } from '../policy/types.js'
import { Problems, TOKEN_REFUSALS } from './errors.js'
import { mustBeOneOf } from './validation.js'

const Bilingual = (description: string) =>
  Type.Object({ zh: Type.String({ minLength: 1, description: 'simplified Chinese (zh-CN)' }), en: Type.String({ minLength: 1, description: 'English' }) }, { description })

const IN_CONTENT_LANGUAGE = 'in the language Accept-Language asks for and Content-Language names: Chinese for zh (zh-CN, zh-Hans, …), else English'

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI of the kind of problem; clients branch on it, not on the text' }),
    title: Type.String({ description: `what kind of problem, ${IN_CONTENT_LANGUAGE}` }),
    status: Type.Integer({ description: 'the HTTP status' }),
    detail: Type.String({ description: `this occurrence explained, ${IN_CONTENT_LANGUAGE}` }),
    instance: Type.Optional(Type.String({ description: 'the request URL' })),
    titles: Bilingual('`title` in both languages'),
    message: Bilingual('`detail` in both languages, as findings carry their `message`'),
    field: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'the field that is wrong: the first of `invalidParams`, or Idempotency-Key' })),
    invalidParams: Type.Optional(
      Type.Array(
        Type.Object({
          row: Type.Optional(Type.Integer({ description: 'a bulk import: the row the field is in (a CSV file’s line, the header being line 1; a JSON array’s position, from 1)' })),
          field: Type.String({ description: 'as the client names it: period.start, targets[3]' }),
          message: Type.String({ description: `what is wrong with it, ${IN_CONTENT_LANGUAGE}; an enum's allowed values are listed` }),
          messages: Bilingual('`message` in both languages')
        }),
        { description: 'every field found wrong, the first named by `field`' }
      )
    ),
    reason: Type.Optional(
      Type.Union(
        TOKEN_REFUSALS.map((r) => Type.Literal(r)),
        { description: 'a 401 for a token that was sent: why it was refused (tokens of the identity provider; HS256 tokens say it in `detail` only)' }
      )
    ),
    currentVersion: Type.Optional(Type.Integer({ description: 'a conflict: the version the task or instance is at' })),
    currentState: Type.Optional(Type.String({ description: 'a conflict: the state it is in' })),
    coveredYears: Type.Optional(Type.String({ description: 'calendar-not-covered: the years the policy pack’s working-day calendar covers (2025–2027)' })),
    publishedSince: Type.Optional(Type.String({ description: 'policy-pack-base-stale: the version an administrator published after the file’s base' })),
    findings: Type.Optional(
      Type.Array(Type.Object({}, { additionalProperties: true, description: 'a gate finding, as a screening carries it (the Finding schema)' }), {
        description: 'text refused for what it assigns (contract terms): each excluded category, where and under which rule'
      })
    )
  },
  {
    $id: 'Problem',
    description:
      'RFC 9457 problem details, served as application/problem+json. `title` and `detail` are in one language, the one Accept-Language asks for (Content-Language says which); `titles` and `message` always carry both, zh and en.',
    // Built by the code that builds every problem, so the example cannot drift from what is served.
    examples: [Problems.invalid('kind', mustBeOneOf(TASK_KINDS), 'body').document('zh', '/v1/tasks')]
  }
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

/** The gate counts working days from today: when the pack's calendar has no arrangement for the days counted, it refuses rather than guess. */
export const CALENDAR_NOT_COVERED = {
  503: 'Too many changes are waiting to be written (retry after the seconds in Retry-After); or, type calendar-not-covered, the policy pack’s working-day calendar does not cover today or the days counted from it, until an administrator publishes a pack that does'
}
export const CALENDAR_NOT_COVERED_ONLY = {
  503: 'type calendar-not-covered: the policy pack’s working-day calendar does not cover today or the days counted from it, until an administrator publishes a pack that does'
}

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
