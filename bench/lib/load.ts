// HTTP load with autocannon: a fixed number of connections for a fixed time, no rate limit.

import autocannon from 'autocannon'
import { round } from './proc.js'

export interface LoadSpec {
  url: string
  connections: number
  seconds: number
  method?: 'GET' | 'POST'
  path?: string
  headers?: Record<string, string>
  body?: string
  /** A sequence of requests each connection cycles through (autocannon's `requests`). */
  requests?: Array<Record<string, unknown>>
}

export interface LoadResult {
  seconds: number
  connections: number
  /** Responses with a 2xx status. */
  ok: number
  non2xx: number
  errors: number
  timeouts: number
  statusCodes: Record<string, number>
  /** 2xx responses per second over the measured window. */
  rps: number
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number }
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const r = await autocannon({
    url: spec.url + (spec.path ?? ''),
    connections: spec.connections,
    duration: spec.seconds,
    method: spec.method ?? 'GET',
    headers: spec.headers,
    body: spec.body,
    requests: spec.requests
  })
  const statusCodes: Record<string, number> = {}
  for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = (v as { count: number }).count
  return {
    seconds: round(r.duration, 2),
    connections: spec.connections,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
    rps: round(r['2xx'] / r.duration, 1),
    latencyMs: { mean: round(r.latency.mean, 2), p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max }
  }
}

/** A warm-up run (results dropped), then the measured run. */
export async function warmAndLoad(spec: LoadSpec, warmupSeconds: number): Promise<LoadResult> {
  if (warmupSeconds > 0) await runLoad({ ...spec, seconds: warmupSeconds })
  return runLoad(spec)
}

export function describe(r: LoadResult): string {
  return `${r.rps} req/s (2xx ${r.ok}, non-2xx ${r.non2xx}, errors ${r.errors}), p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms`
}
