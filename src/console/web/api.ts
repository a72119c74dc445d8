import createClient, { type Middleware } from 'openapi-fetch'
import type { components, paths } from './generated/api'
import type { Role } from '../../roles'

export type Schemas = components['schemas']
export type Task = Schemas['Task']
export type Finding = Schemas['Finding']
export type Problem = Schemas['Problem']

export interface Principal {
  sub: string
  role: Role
  org: string
  who?: string
}

export interface Session {
  token: string
  principal: Principal
  expiresAt: string | null
  via: 'demo' | 'provider'
}

const KEY = 'zhunru.session'

/** The session lives in this tab only: closing it signs out. */
export function loadSession(): Session | null {
  const raw = sessionStorage.getItem(KEY)
  if (raw === null) return null
  const s = JSON.parse(raw) as Session
  if (s.expiresAt !== null && Date.parse(s.expiresAt) <= Date.now()) {
    sessionStorage.removeItem(KEY)
    return null
  }
  return s
}

export function saveSession(s: Session | null): void {
  if (s === null) sessionStorage.removeItem(KEY)
  else sessionStorage.setItem(KEY, JSON.stringify(s))
}

let language: 'zh' | 'en' = 'zh'
export const setApiLanguage = (l: 'zh' | 'en') => {
  language = l
}

const auth: Middleware = {
  onRequest({ request }) {
    const s = loadSession()
    if (s !== null && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${s.token}`)
    // Problems come back in the language the reader chose.
    request.headers.set('accept-language', language === 'zh' ? 'zh-CN' : 'en')
    return request
  }
}

/** The console's only way to the server: the public API, typed from openapi/openapi.json. */
export const api = createClient<paths>({ baseUrl: location.origin })
api.use(auth)

/** A refused call, carrying the API's problem document. */
export class ApiProblem extends Error {
  constructor(readonly problem: Problem, readonly status: number) {
    super(problem.detail ?? problem.title)
  }
}

/** Unwraps an openapi-fetch result: the data, or an ApiProblem. */
export async function call<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await p
  if (error !== undefined || !response.ok) {
    const problem = (typeof error === 'object' && error !== null ? error : { title: response.statusText, status: response.status }) as Problem
    throw new ApiProblem(problem, response.status)
  }
  return data as T
}
