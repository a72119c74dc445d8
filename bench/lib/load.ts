// HTTP load with autocannon: a fixed number of connections for a fixed time, no rate limit.

import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { round } from './proc.js'

/** Clock ticks a process has run (user + system), from /proc/<pid>/stat; null when unreadable. */
function processTicks(pid: number | 'self'): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12])
  } catch {
    return null
  }
}

/** Busy clock ticks of the whole machine (everything but idle and iowait), from /proc/stat. */
function machineTicks(): number | null {
  try {
    const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number)
    const [user, nice, system, , , irq, softirq, steal] = v as number[]
    return user! + nice! + system! + irq! + softirq! + (steal ?? 0)
  } catch {
    return null
  }
}

/** Linux reports /proc times in USER_HZ, 100 per second on every common platform. */
const TICKS_PER_SECOND = 100

export interface CpuShare {
  /** CPU cores busy on average during the measured window (2.0 = two cores fully busy). */
  server: number | null
  loadGenerator: number | null
  /** PostgreSQL backends serving the benchmark's database (when it runs on this machine). */
  database?: number | null
  /** Everything else on the machine: other people's test runs, the database server, … */
  other: number | null
}

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
  /** The server's pid, to tell its CPU time from the load generator's and everybody else's. */
  serverPid?: number
  /** The pids of the database backends serving the server, asked before and after the window. */
  databasePids?: () => Promise<number[]>
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
  cpu: CpuShare
  /** How many times the measurement was repeated because other work took CPU meanwhile. */
  retriedForNoise?: number
}

function ticksOf(pids: number[]): Map<number, number> {
  const m = new Map<number, number>()
  for (const pid of pids) {
    const t = processTicks(pid)
    if (t !== null) m.set(pid, t)
  }
  return m
}

/** Starts measuring who uses the CPUs; end() gives the average cores of each party since. */
export async function cpuWindow(serverPid?: number, databasePids?: () => Promise<number[]>): Promise<{ end(): Promise<CpuShare> }> {
  const pidsNow = async () => (databasePids ? await databasePids().catch(() => []) : [])
  const snap = async () => {
    const db = ticksOf(await pidsNow())
    return { at: process.hrtime.bigint(), machine: machineTicks(), self: processTicks('self'), server: serverPid ? processTicks(serverPid) : null, db }
  }
  const before = await snap()
  return {
    async end() {
      const after = await snap()
      const wall = Number(after.at - before.at) / 1e9
      const cores = (a: number | null, b: number | null) => (a === null || b === null ? null : round((b - a) / TICKS_PER_SECOND / wall, 2))
      const server = cores(before.server, after.server)
      const loadGenerator = cores(before.self, after.self)
      const machine = cores(before.machine, after.machine)
      // A backend that appeared during the window counts from its start.
      let dbTicks = 0
      for (const [pid, t] of after.db) dbTicks += t - (before.db.get(pid) ?? 0)
      const database = databasePids ? round(dbTicks / TICKS_PER_SECOND / wall, 2) : undefined
      const other = machine === null || loadGenerator === null ? null : round(Math.max(0, machine - loadGenerator - (server ?? 0) - (database ?? 0)), 2)
      return databasePids ? { server, loadGenerator, database, other } : { server, loadGenerator, other }
    }
  }
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const window = await cpuWindow(spec.serverPid, spec.databasePids)
  const r = await autocannon({
    url: spec.url + (spec.path ?? ''),
    connections: spec.connections,
    duration: spec.seconds,
    method: spec.method ?? 'GET',
    headers: spec.headers,
    body: spec.body,
    requests: spec.requests
  })
  const cpu = await window.end()
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
    latencyMs: { mean: round(r.latency.mean, 2), p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    cpu
  }
}

/** Cores used by everything but this process and the given server over a short window. */
export async function otherCpu(seconds: number, serverPid?: number): Promise<number | null> {
  const before = { at: process.hrtime.bigint(), machine: machineTicks(), self: processTicks('self'), server: serverPid ? processTicks(serverPid) : 0 }
  await new Promise((r) => setTimeout(r, seconds * 1000))
  const after = { at: process.hrtime.bigint(), machine: machineTicks(), self: processTicks('self'), server: serverPid ? processTicks(serverPid) : 0 }
  if (before.machine === null || after.machine === null || before.self === null || after.self === null) return null
  const wall = Number(after.at - before.at) / 1e9
  const ticks = after.machine - before.machine - (after.self - before.self) - ((after.server ?? 0) - (before.server ?? 0))
  return round(Math.max(0, ticks) / TICKS_PER_SECOND / wall, 2)
}

/**
 * On a shared machine: wait (at most maxSeconds) until the rest of the machine uses less
 * than `threshold` cores, so that a measurement does not share the CPUs with someone's test run.
 */
export async function waitForQuiet(maxSeconds: number, threshold: number, serverPid?: number): Promise<{ waitedSeconds: number; otherCores: number | null }> {
  const start = Date.now()
  let other = await otherCpu(1, serverPid)
  while (other !== null && other >= threshold && (Date.now() - start) / 1000 < maxSeconds) other = await otherCpu(2, serverPid)
  return { waitedSeconds: Math.round((Date.now() - start) / 1000), otherCores: other }
}

export interface QuietPolicy {
  maxSeconds: number
  threshold: number
  log: (s: string) => void
}

/**
 * A warm-up run (results dropped), then the measured run. With a quiet policy: first wait for
 * the rest of the machine to go quiet, and measure again (twice at most) when other work
 * took CPU during the measured window anyway.
 */
export async function warmAndLoad(spec: LoadSpec, warmupSeconds: number, quiet?: QuietPolicy): Promise<LoadResult> {
  const waitQuiet = async () => {
    if (!quiet || quiet.maxSeconds <= 0) return
    const q = await waitForQuiet(quiet.maxSeconds, quiet.threshold, spec.serverPid)
    if (q.waitedSeconds > 1) quiet.log(`  waited ${q.waitedSeconds} s for a quiet machine (other work now ${q.otherCores} cores)`)
  }
  await waitQuiet()
  if (warmupSeconds > 0) await runLoad({ ...spec, seconds: warmupSeconds })
  let r = await runLoad(spec)
  for (let retry = 1; quiet && quiet.maxSeconds > 0 && retry <= 2 && (r.cpu.other ?? 0) > quiet.threshold; retry++) {
    quiet.log(`  other work took ${r.cpu.other} cores during the measurement: measuring again (${retry} of 2)`)
    await waitQuiet()
    r = { ...(await runLoad(spec)), retriedForNoise: retry }
  }
  return r
}

export function describe(r: LoadResult): string {
  return (
    `${r.rps} req/s (2xx ${r.ok}, non-2xx ${r.non2xx}, errors ${r.errors}), p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms; ` +
    `CPU cores: server ${r.cpu.server}, autocannon ${r.cpu.loadGenerator}${r.cpu.database !== undefined ? `, database ${r.cpu.database}` : ''}, other ${r.cpu.other}`
  )
}
