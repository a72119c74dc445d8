/**
 * Every error a client can see, as RFC 9457 problem details. Routes throw these;
 * the error handler of the platform plugin is the only place that writes a problem response.
 */
export interface InvalidParam {
  field: string
  message: string
}

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    /** Response headers that go with it (Retry-After). */
    readonly headers: Record<string, string> = {}
  ) {
    super(detail)
    this.name = 'Problem'
  }
}

const PROBLEM_BASE = 'https://zhunru.example/problems/'

export const problemType = (slug: string) => `${PROBLEM_BASE}${slug}`

export const Problems = {
  validation: (detail: string, invalidParams: [InvalidParam, ...InvalidParam[]]) =>
    new Problem(400, problemType('validation'), 'Invalid request', detail, { field: invalidParams[0].field, invalidParams }),
  unauthenticated: (detail = 'a valid bearer token is required') =>
    new Problem(401, problemType('unauthenticated'), 'Unauthenticated', detail),
  forbidden: (detail: string) => new Problem(403, problemType('forbidden'), 'Forbidden', detail),
  notFound: (what: string, id: string) =>
    new Problem(404, problemType('not-found'), 'Not found', `${what} "${id}" does not exist`),
  versionConflict: (currentVersion: number, currentState: string, detail: string) =>
    new Problem(409, problemType('version-conflict'), 'Conflict', detail, { currentVersion, currentState }),
  /** `what` names the instance: a task, a burden report, a workflow instance. */
  eventNotAllowed: (event: string, currentState: string, currentVersion: number, what = 'task') =>
    new Problem(
      409,
      problemType('event-not-allowed'),
      'Event not allowed in this state',
      `event ${event} is not allowed while the ${what} is ${currentState}`,
      { currentVersion, currentState }
    ),
  decisionNotCarried: (detail: string, currentVersion: number, currentState: string) =>
    new Problem(409, problemType('decision-not-carried'), 'The votes do not carry this decision', detail, { currentVersion, currentState }),
  notScreened: (id: string, currentVersion: number, currentState: string, why = 'has not been submitted') =>
    new Problem(409, problemType('not-screened'), 'No screening to re-explain', `task "${id}" ${why}, so there is no screening to re-run`, {
      currentVersion,
      currentState
    }),
  alreadyExists: (what: string, id: string) =>
    new Problem(409, problemType('already-exists'), 'Already exists', `${what} "${id}" already exists`),
  overloaded: (detail: string) => new Problem(503, problemType('overloaded'), 'Overloaded', detail, {}, { 'retry-after': '1' })
} as const
