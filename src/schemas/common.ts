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

export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, Type.Ref('Problem')]))

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
