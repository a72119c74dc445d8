// npm run bench — the benchmark of issue 5, item 6. One run, one machine:
//
//   ceiling A   a bare Fastify route returning a constant                   (child process)
//   ceiling B   a bare Fastify route doing one knex insert per request,
//               on the application's own database settings (knexConfig)     (child process)
//   submit      the real server (src/server.ts): POST /v1/tasks {…, submit: true}, realistic
//               tasks the gate admits, at 50 connections; ratios to A and B
//   reads       GET /v1/tasks with filters and GET /v1/tasks/{id}, with 10^4 and 10^6 tasks
//               in the database (rows replicated from real ones); p99 and the ratio between sizes
//   screening   screenTask in process, against json-rules-engine on the same rules and
//               bpmn-engine running the equivalent flow, on the same ~50 tasks
//   memory      peak RSS of every server process (VmRSS sampled every 200 ms, and VmHWM)
//
// Writes bench/results.json and bench/results.md (bench/results-postgres.* when DATABASE_URL
// names PostgreSQL). Environment:
//   BENCH_SECONDS=10     measured seconds of each HTTP load and each screening run
//   BENCH_WARMUP=2       warm-up seconds before each HTTP load (results dropped)
//   BENCH_CONNECTIONS=50
//   BENCH_LARGE=1        0 skips the 10^6-task database (recorded as skipped)
//   BENCH_SMALL_TASKS=10000, BENCH_LARGE_TASKS=1000000
//   DATABASE_URL         unset or sqlite:… → SQLite files in a temporary directory;
//                        postgres://… → fresh databases created on that server, dropped at the end
//   BENCH_KEEP_DB=1      keep the databases (and print where they are)
//   BENCH_QUIET_WAIT=0   on a shared machine: wait up to this many seconds before each measurement
//                        for other work to drop under 0.25 cores (every figure records the CPU
//                        the rest of the machine used meanwhile, and the results flag noisy ones)

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Knex } from 'knex'
import { signToken, type PrincipalClaims } from '../src/platform/token.js'
import type { Dialect } from '../src/engine/db.js'
import { backendPids, databaseVersion, dialectOf, freshDatabase, openKnex, type FreshDatabase } from './lib/database.js'
import { cpuWindow, describe, waitForQuiet, warmAndLoad, type CpuShare, type LoadResult, type LoadSpec } from './lib/load.js'
import { freePort, killAll, round, startNode, type Memory, type Proc } from './lib/proc.js'
import { countTasks, loadTemplates, sampleVisibleIds, seededRandom, seedTo } from './lib/seed.js'
import { runScreeningBench, type ScreeningResults } from './screening.js'
import { EAST_CIVIL, SUBMIT_BODIES, TEMPLATES, screeningCases } from './tasks.js'
import { renderMarkdown } from './report.js'
import { git, numberEnv, packageVersion } from './lib/env.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const BENCH_DIR = join(ROOT, 'bench')

const SECONDS = numberEnv('BENCH_SECONDS', 10)
const WARMUP = numberEnv('BENCH_WARMUP', 2)
const CONNECTIONS = numberEnv('BENCH_CONNECTIONS', 50)
const LARGE = process.env.BENCH_LARGE !== '0'
const SMALL_TASKS = numberEnv('BENCH_SMALL_TASKS', 10_000)
const LARGE_TASKS = numberEnv('BENCH_LARGE_TASKS', 1_000_000)
const KEEP = process.env.BENCH_KEEP_DB === '1'
const BASE_URL = process.env.DATABASE_URL && process.env.DATABASE_URL !== '' ? process.env.DATABASE_URL : undefined
const DIALECT: Dialect = BASE_URL === undefined ? 'sqlite' : dialectOf(BASE_URL)
const JWT_SECRET = 'zhunru-benchmark-secret-0123456789'
/** The real server's limiter stays registered (its cost is measured) but cannot refuse the load. */
const RATE_LIMIT = '1000000000'
/** Seconds to wait, before each measurement, for other work on the machine to stop (0: do not wait). */
const QUIET_WAIT = numberEnv('BENCH_QUIET_WAIT', 0)
/** Other work using more than this many cores during a measurement is reported as noise. */
const NOISE_CORES = 0.25
/** info would log two lines per request to a pipe; warn keeps errors visible. */
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn'

const started = Date.now()
const log = (s: string) => process.stderr.write(`[bench +${Math.round((Date.now() - started) / 1000)}s] ${s}\n`)
const QUIET = { maxSeconds: QUIET_WAIT, threshold: NOISE_CORES, log }

const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')

function commandLine(): string {
  const vars = Object.entries(process.env)
    .filter(([k]) => k.startsWith('BENCH_') || k === 'DATABASE_URL')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${k === 'DATABASE_URL' ? redact(v!) : v}`)
  return [...vars, 'npm run bench'].join(' ')
}

const token = (p: PrincipalClaims) => signToken(p, JWT_SECRET, { nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 4 * 3600 })
const jsonHeaders = (p: PrincipalClaims) => ({ authorization: `Bearer ${token(p)}`, 'content-type': 'application/json' })

const ratio = (a: number | undefined | null, b: number | undefined | null): number | null =>
  a === undefined || a === null || b === undefined || b === null || b === 0 ? null : round(a / b, 3)

// ───────────── results ─────────────

export interface ReadSize {
  tasks: number
  seeding: { added: number; seconds: number; rowsPerSecond: number }
  databaseBytes: number | null
  list: LoadResult
  listByTarget: LoadResult
  get: LoadResult
}

export interface Results {
  benchmark: string
  command: string
  date: string
  durationSeconds?: number
  machine: Record<string, unknown>
  config: Record<string, unknown>
  screening?: ScreeningResults & { cpu: CpuShare }
  ceilingA?: LoadResult & { memory: Memory }
  ceilingB?: LoadResult & { memory: Memory; rowsStored: number }
  submit?: LoadResult & {
    bodies: number
    consistency: { acknowledged: number; inFlightAtEnd: number; tasksStored: number; eventsStored: number; allAdmitted: boolean; ok: boolean }
    ratios: { toCeilingA: number | null; toCeilingB: number | null; p99ToCeilingBP99: number | null }
  }
  reads?: {
    queries: Record<string, string>
    templates: Array<{ label: string; state: string }>
    small?: ReadSize
    large?: ReadSize | { skipped: true; reason: string }
    ratios?: { listP99: number | null; listByTargetP99: number | null; getP99: number | null } | null
  }
  memory: {
    servers: Record<string, Memory>
    peakServerMb: number | null
    ceilings: Record<string, Memory>
  }
  targets: Array<{ target: string; measured: string; limit: string; met: boolean | null; noisy?: boolean }>
  /** Measurements other work on the machine shared the CPUs with. */
  warnings: string[]
  errors: string[]
}

const results: Results = {
  benchmark: 'zhunru issue 5 item 6',
  command: commandLine(),
  date: new Date().toISOString(),
  machine: {},
  config: {},
  memory: { servers: {}, peakServerMb: null, ceilings: {} },
  targets: [],
  warnings: [],
  errors: []
}

const toDispose: FreshDatabase[] = []
const running: Proc[] = []

async function fresh(label: string, tmp: string, runId: string): Promise<FreshDatabase> {
  const db = await freshDatabase(BASE_URL, label, tmp, runId, KEEP)
  toDispose.push(db)
  return db
}

// The server runs as `npm start` runs it: compiled, with the V8 heap limits in package.json
// (config.serverFlags). The ceilings get the same limits, so the ratios compare like with like.
const SERVER_FLAGS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { config: { serverFlags: string } }).config.serverFlags.split(/\s+/)
const SERVER_ENTRY = 'dist/src/server.js'

async function start(name: string, script: string, env: Record<string, string>, readyPath: string): Promise<Proc> {
  const port = await freePort()
  const proc = await startNode({ name, script, cwd: ROOT, env: { PORT: String(port), ...env }, nodeArgs: SERVER_FLAGS, readyPath, timeoutMs: 180_000 })
  running.push(proc)
  log(`${name} is up on ${proc.url} (pid ${proc.pid})`)
  return proc
}

async function stop(proc: Proc): Promise<Memory> {
  const mem = await proc.stop()
  running.splice(running.indexOf(proc), 1)
  log(`${proc.name} stopped; peak RSS ${mem.peakMb} MB`)
  return mem
}

const serverEnv = (databaseUrl: string) => ({
  DATABASE_URL: databaseUrl,
  JWT_SECRET,
  RATE_LIMIT_PER_MINUTE: RATE_LIMIT,
  LOG_LEVEL,
  HOST: '127.0.0.1'
})

async function phase(name: string, body: () => Promise<void>): Promise<void> {
  log(`── ${name}`)
  try {
    await body()
  } catch (err) {
    // knex puts the whole statement in its messages: a seeding batch would be megabytes.
    const full = (err as Error).stack ?? String(err)
    const message = `${name}: ${full.length > 3000 ? `${full.slice(0, 1500)} … ${full.slice(-1500)}` : full}`
    results.errors.push(message)
    log(`FAILED ${message}`)
    for (const p of [...running]) results.errors.push(`${p.name} output:\n${p.output()}`)
    for (const p of [...running]) await stop(p).catch(() => undefined)
  }
}

async function databaseBytes(db: FreshDatabase, knex: Knex): Promise<number | null> {
  if (db.dialect === 'sqlite') {
    let total = 0
    for (const suffix of ['', '-wal']) {
      try {
        total += statSync(db.name + suffix).size
      } catch {
        // no such file
      }
    }
    return total
  }
  const res = (await knex.raw('select pg_database_size(current_database()) as bytes')) as { rows: Array<{ bytes: string }> }
  return Number(res.rows[0]!.bytes)
}

/** The task count once it has stopped moving (nothing left in flight). */
async function settled(knex: Knex): Promise<{ count: number; maxSeq: number }> {
  let last = await countTasks(knex)
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 300))
    const now = await countTasks(knex)
    if (now.count === last.count) return now
    last = now
  }
  return last
}

async function postJson(url: string, p: PrincipalClaims, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: jsonHeaders(p), body: JSON.stringify(body) })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

// ───────────── phases ─────────────

async function screening(): Promise<void> {
  const cases = screeningCases(50)
  if (QUIET_WAIT > 0) {
    const q = await waitForQuiet(QUIET_WAIT, NOISE_CORES)
    if (q.waitedSeconds > 1) log(`  waited ${q.waitedSeconds} s for a quiet machine (other work now ${q.otherCores} cores)`)
  }
  const window = await cpuWindow()
  const r = await runScreeningBench(cases, SECONDS, Math.min(WARMUP, 2), log)
  results.screening = { ...r, cpu: await window.end() }
}

async function ceilingA(): Promise<void> {
  const proc = await start('ceiling-a', 'bench/servers/ceiling-a.ts', {}, '/healthz')
  const r = await warmAndLoad({ url: proc.url, path: '/', connections: CONNECTIONS, seconds: SECONDS, serverPid: proc.pid }, WARMUP, QUIET)
  const memory = await stop(proc)
  results.memory.ceilings.ceilingA = memory
  results.ceilingA = { ...r, memory }
  log(`ceiling A: ${describe(r)}`)
}

async function ceilingB(tmp: string, runId: string): Promise<void> {
  const db = await fresh('ceiling_b', tmp, runId)
  const proc = await start('ceiling-b', 'bench/servers/ceiling-b.ts', { DATABASE_URL: db.url }, '/healthz')
  const backends = backendPids(db)
  const spec: LoadSpec = {
    databasePids: backends.pids,
    url: proc.url,
    path: '/',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ note: 'ceiling B: one insert per request' }),
    connections: CONNECTIONS,
    seconds: SECONDS,
    serverPid: proc.pid
  }
  const r = await warmAndLoad(spec, WARMUP, QUIET).finally(() => backends.close())
  const memory = await stop(proc)
  const knex = openKnex(db.url)
  const [row] = (await knex('bench_inserts').count({ n: '*' })) as Array<{ n: number | string }>
  await knex.destroy()
  results.memory.ceilings.ceilingB = memory
  results.ceilingB = { ...r, memory, rowsStored: Number(row!.n) }
  log(`ceiling B: ${describe(r)}`)
}

async function submit(tmp: string, runId: string): Promise<void> {
  const db = await fresh('submit', tmp, runId)
  const proc = await start('server (submit)', SERVER_ENTRY, serverEnv(db.url), '/healthz')
  // Each body must be admitted, or this is not the test it claims to be.
  for (const body of SUBMIT_BODIES) {
    const res = await postJson(`${proc.url}/v1/tasks`, EAST_CIVIL, { ...body, submit: true })
    if (res.status !== 201 || res.json.state !== 'admitted') throw new Error(`probe submission not admitted: ${res.status} ${JSON.stringify(res.json).slice(0, 500)}`)
  }
  const headers = jsonHeaders(EAST_CIVIL)
  const backends = backendPids(db)
  const spec: LoadSpec = {
    databasePids: backends.pids,
    url: proc.url,
    headers,
    connections: CONNECTIONS,
    seconds: SECONDS,
    serverPid: proc.pid,
    requests: SUBMIT_BODIES.map((b) => ({ method: 'POST', path: '/v1/tasks', headers, body: JSON.stringify({ ...b, submit: true }) }))
  }
  const knex = openKnex(db.url)
  try {
    if (WARMUP > 0) await warmAndLoad({ ...spec, seconds: WARMUP }, 0, QUIET)
    // Requests still in flight when the warm-up ended finish on the server: wait for them.
    const before = await settled(knex)
    const r = await warmAndLoad(spec, 0)
    const memory = await stop(proc)
    results.memory.servers.submit = memory
    // Every acknowledged submission is there, admitted, with its two events (CREATE, SUBMIT).
    const after = await countTasks(knex)
    const [ev] = (await knex('task_events').where('task_seq', '>', before.maxSeq).count({ n: '*' })) as Array<{ n: number | string }>
    const [notAdmitted] = (await knex('tasks').where('seq', '>', before.maxSeq).whereNot('state', 'admitted').count({ n: '*' })) as Array<{
      n: number | string
    }>
    const consistency = {
      // Stored may exceed acknowledged by the requests in flight when the window closed
      // (at most one per connection): the server finished them, autocannon stopped counting.
      acknowledged: r.ok,
      inFlightAtEnd: after.count - before.count - r.ok,
      tasksStored: after.count - before.count,
      eventsStored: Number(ev!.n),
      allAdmitted: Number(notAdmitted!.n) === 0,
      ok: false
    }
    consistency.ok =
      consistency.allAdmitted &&
      consistency.inFlightAtEnd >= 0 &&
      consistency.inFlightAtEnd <= CONNECTIONS &&
      consistency.eventsStored === 2 * consistency.tasksStored
    if (!consistency.ok) results.errors.push(`submit: stored rows do not match the acknowledged submissions: ${JSON.stringify(consistency)}`)
    results.submit = {
      ...r,
      bodies: SUBMIT_BODIES.length,
      consistency,
      ratios: {
        toCeilingA: ratio(r.rps, results.ceilingA?.rps),
        toCeilingB: ratio(r.rps, results.ceilingB?.rps),
        p99ToCeilingBP99: ratio(r.latencyMs.p99, results.ceilingB?.latencyMs.p99)
      }
    }
    log(`submit: ${describe(r)}; stored ${consistency.tasksStored} tasks, ${consistency.eventsStored} events`)
  } finally {
    await backends.close()
    await knex.destroy()
  }
}

async function reads(tmp: string, runId: string): Promise<void> {
  const db = await fresh('reads', tmp, runId)
  const proc = await start('server (reads)', SERVER_ENTRY, serverEnv(db.url), '/healthz')
  const queries = {
    list: '/v1/tasks?state=admitted&department=east-civil&limit=50',
    listByTarget: '/v1/tasks?state=admitted&target=east-s1-c1&limit=50',
    get: '/v1/tasks/{id} (random ids over the whole table that east-civil may read)'
  }
  const ids: string[] = []
  const templates: Array<{ label: string; state: string }> = []
  for (const t of TEMPLATES) {
    const res = await postJson(`${proc.url}/v1/tasks`, t.principal, { ...t.body, submit: true })
    if (res.status !== 201) throw new Error(`template "${t.label}" refused: ${res.status} ${JSON.stringify(res.json).slice(0, 500)}`)
    if (res.json.state !== t.expectState) log(`note: template "${t.label}" landed in ${String(res.json.state)}, expected ${t.expectState}`)
    ids.push(res.json.id as string)
    templates.push({ label: t.label, state: res.json.state as string })
  }
  results.reads = { queries, templates }
  const knex = openKnex(db.url)
  const rng = seededRandom(20261124)
  const backends = backendPids(db)
  try {
    const rows = await loadTemplates(knex, ids)
    const measure = async (size: number): Promise<ReadSize> => {
      log(`seeding to ${size} tasks`)
      const seeding = await seedTo(knex, db.dialect, rows, size, log)
      // PostgreSQL's autovacuum would analyze the new rows within a minute; do it now.
      if (db.dialect === 'postgres') await knex.raw('ANALYZE tasks, task_targets, task_events')
      const sample = await sampleVisibleIds(knex, EAST_CIVIL.org, 2000, rng)
      const headers = { authorization: `Bearer ${token(EAST_CIVIL)}` }
      const base = { url: proc.url, headers, connections: CONNECTIONS, seconds: SECONDS, serverPid: proc.pid, databasePids: backends.pids }
      const list = await warmAndLoad({ ...base, path: queries.list }, WARMUP, QUIET)
      log(`  list (${size}): ${describe(list)}`)
      const listByTarget = await warmAndLoad({ ...base, path: queries.listByTarget }, WARMUP, QUIET)
      log(`  list by target (${size}): ${describe(listByTarget)}`)
      const pick = seededRandom(size)
      const get = await warmAndLoad(
        {
          ...base,
          requests: [
            {
              method: 'GET',
              setupRequest: (req: Record<string, unknown>) => ({ ...req, path: `/v1/tasks/${sample[Math.floor(pick() * sample.length)]}` })
            }
          ]
        },
        WARMUP,
        QUIET
      )
      log(`  get by id (${size}): ${describe(get)}`)
      return { tasks: (await countTasks(knex)).count, seeding, databaseBytes: await databaseBytes(db, knex), list, listByTarget, get }
    }
    results.reads.small = await measure(SMALL_TASKS)
    if (LARGE) {
      const large = await measure(LARGE_TASKS)
      results.reads.large = large
      const small = results.reads.small
      results.reads.ratios = {
        listP99: ratio(large.list.latencyMs.p99, small.list.latencyMs.p99),
        listByTargetP99: ratio(large.listByTarget.latencyMs.p99, small.listByTarget.latencyMs.p99),
        getP99: ratio(large.get.latencyMs.p99, small.get.latencyMs.p99)
      }
    } else {
      results.reads.large = { skipped: true, reason: 'BENCH_LARGE=0' }
      results.reads.ratios = null
    }
  } finally {
    await backends.close()
    await knex.destroy()
    results.memory.servers.reads = await stop(proc)
  }
}

// ───────────── targets ─────────────

const sizeLabel = (n: number): string => (Number.isInteger(Math.log10(n)) ? `10^${Math.log10(n)}` : n.toLocaleString('en-US'))

const noisy = (...rs: Array<{ cpu?: CpuShare } | undefined>) => rs.some((r) => (r?.cpu?.other ?? 0) > NOISE_CORES)

function evaluateTargets(): void {
  const t = results.targets
  const s = results.submit
  t.push({
    target: 'submit throughput ≥ 1.0 × ceiling B',
    limit: '≥ 1.0',
    measured: s?.ratios.toCeilingB != null ? `${s.ratios.toCeilingB} × (${s.rps} vs ${results.ceilingB!.rps} req/s)` : 'not measured',
    met: s?.ratios.toCeilingB != null ? s.ratios.toCeilingB >= 1.0 : null,
    noisy: noisy(s, results.ceilingB)
  })
  t.push({
    target: `submit p99 ≤ 50 ms at ${CONNECTIONS} connections`,
    limit: '≤ 50 ms',
    measured: s ? `${s.latencyMs.p99} ms` : 'not measured',
    met: s ? s.latencyMs.p99 <= 50 : null,
    noisy: noisy(s)
  })
  const r = results.reads?.ratios
  const ratios = r ? [r.listP99, r.listByTargetP99, r.getP99] : []
  const worst = ratios.length && ratios.every((x) => x !== null) ? Math.max(...(ratios as number[])) : null
  t.push({
    target: `read p99 at ${sizeLabel(LARGE_TASKS)} tasks ≤ 1.5 × p99 at ${sizeLabel(SMALL_TASKS)}`,
    limit: '≤ 1.5',
    measured: r ? `list ${r.listP99}, list by target ${r.listByTargetP99}, get ${r.getP99} (worst ${worst})` : LARGE ? 'not measured' : 'skipped (BENCH_LARGE=0)',
    met: worst !== null ? worst <= 1.5 : null,
    noisy: [results.reads?.small, results.reads?.large].some((z) => z !== undefined && 'list' in z && noisy(z.list, z.listByTarget, z.get))
  })
  const sc = results.screening
  t.push({
    target: 'in-process screening ≥ 10 × json-rules-engine on the same rules',
    limit: '≥ 10',
    measured: sc
      ? `${sc.ratios.screenTaskOverJsonRulesEngine} × (${sc.screenTask.opsPerSecond} vs ${sc.jsonRulesEngine.opsPerSecond} ops/s; engine alone ${sc.ratios.screenTaskOverJsonRulesEngineOnly} ×)`
      : 'not measured',
    met: sc ? sc.ratios.screenTaskOverJsonRulesEngine >= 10 : null,
    noisy: noisy(sc)
  })
  t.push({
    target: 'screening p99 on a 10,000-character description < 5 ms in process',
    limit: '< 5 ms',
    measured: sc?.longDescription ? `${sc.longDescription.p99Ms} ms (p50 ${sc.longDescription.p50Ms} ms, ${sc.longDescription.calls} calls, ${sc.longDescription.characters} characters)` : 'not measured',
    met: sc?.longDescription ? sc.longDescription.p99Ms < 5 : null,
    noisy: noisy(sc)
  })
  const peak = results.memory.peakServerMb
  t.push({
    target: 'server RSS ≤ 200 MB through the whole benchmark',
    limit: '≤ 200 MB',
    measured: peak !== null ? `${peak} MB (peak of ${Object.keys(results.memory.servers).join(', ')})` : 'not measured',
    met: peak !== null ? peak <= 200 : null
  })
}

function noiseWarnings(): void {
  const check = (name: string, cpu: CpuShare | undefined) => {
    if (cpu?.other != null && cpu.other > NOISE_CORES) {
      results.warnings.push(`${name}: other work on the machine used ${cpu.other} of ${cpus().length} cores during the measurement; the figure is pessimistic`)
    }
  }
  check('screening', results.screening?.cpu)
  check('ceiling A', results.ceilingA?.cpu)
  check('ceiling B', results.ceilingB?.cpu)
  check('submit', results.submit?.cpu)
  for (const [label, size] of [['small', results.reads?.small], ['large', results.reads?.large]] as const) {
    if (size && 'list' in size) {
      check(`reads ${label} list`, size.list.cpu)
      check(`reads ${label} list by target`, size.listByTarget.cpu)
      check(`reads ${label} get`, size.get.cpu)
    }
  }
}

// ───────────── main ─────────────

async function main(): Promise<void> {
  const runId = `${Date.now().toString(36)}_${process.pid}`
  const tmp = mkdtempSync(join(tmpdir(), 'zhunru-bench-'))
  const dirty = git(ROOT, ['status', '--porcelain', '--', 'src', 'migrations', 'package.json', 'package-lock.json'])
  results.machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    // Anything else running on the machine competes with the server and autocannon for the CPUs.
    loadAverageAtStart: loadavg().map((l) => round(l, 2)),
    platform: `${process.platform} ${release()}`,
    node: process.version,
    database: await databaseVersion(BASE_URL ?? 'sqlite::memory:'),
    packages: Object.fromEntries(
      ['fastify', 'knex', DIALECT === 'sqlite' ? 'sqlite3' : 'pg', 'xstate', 'autocannon', 'json-rules-engine', 'bpmn-engine', 'tsx'].map((p) => [p, packageVersion(ROOT, p)])
    ),
    gitCommit: git(ROOT, ['rev-parse', 'HEAD']),
    uncommittedChangesInSrc: dirty === null ? null : dirty.split('\n').map((l) => l.trim()).filter(Boolean)
  }
  results.config = {
    dialect: DIALECT,
    databaseUrl: BASE_URL ? redact(BASE_URL) : `sqlite files in ${tmp} (deleted afterwards)`,
    seconds: SECONDS,
    warmupSeconds: WARMUP,
    connections: CONNECTIONS,
    smallTasks: SMALL_TASKS,
    largeTasks: LARGE ? LARGE_TASKS : null,
    largeSkipped: !LARGE,
    server: {
      entry: `node ${SERVER_FLAGS.join(' ')} ${SERVER_ENTRY} (npm run build first, as npm start does)`,
      LOG_LEVEL,
      RATE_LIMIT_PER_MINUTE: `${RATE_LIMIT} (limiter registered, never refuses)`,
      loadGenerator: 'autocannon in the benchmark process, same machine'
    },
    rssSampling: 'VmRSS every 200 ms and VmHWM from /proc/<pid>/status',
    quietWaitSeconds: QUIET_WAIT
  }
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' })
  log(`zhunru benchmark: ${DIALECT}, ${SECONDS} s per measurement, ${CONNECTIONS} connections, large ${LARGE ? LARGE_TASKS : 'skipped'}`)
  try {
    // In-process first, while no server competes for the CPUs.
    await phase('screening (in process)', screening)
    await phase('ceiling A', ceilingA)
    await phase('ceiling B', () => ceilingB(tmp, runId))
    await phase('submit', () => submit(tmp, runId))
    await phase('reads', () => reads(tmp, runId))
  } finally {
    for (const p of [...running]) await stop(p).catch(() => undefined)
    killAll()
    for (const db of toDispose) {
      await db.dispose().catch((err) => results.errors.push(`dispose ${db.name}: ${String(err)}`))
    }
    if (KEEP) log(`databases kept: ${toDispose.map((d) => d.name).join(', ')}`)
    else rmSync(tmp, { recursive: true, force: true })
  }
  results.machine.loadAverageAtEnd = loadavg().map((l) => round(l, 2))
  const peaks = Object.values(results.memory.servers).map((m) => m.peakMb)
  results.memory.peakServerMb = peaks.length ? Math.max(...peaks) : null
  evaluateTargets()
  noiseWarnings()
  results.durationSeconds = Math.round((Date.now() - started) / 1000)
  const stem = DIALECT === 'sqlite' ? 'results' : `results-${DIALECT}`
  writeFileSync(join(BENCH_DIR, `${stem}.json`), JSON.stringify(results, null, 2) + '\n')
  writeFileSync(join(BENCH_DIR, `${stem}.md`), renderMarkdown(results))
  log(`wrote bench/${stem}.json and bench/${stem}.md in ${results.durationSeconds} s`)
  for (const w of results.warnings) log(`warning: ${w}`)
  for (const t of results.targets) log(`${t.met === null ? 'n/a ' : t.met ? 'MET ' : 'MISS'} ${t.target}: ${t.measured}${t.noisy ? ' (noisy: see warnings)' : ''}`)
  if (results.errors.length) {
    log(`${results.errors.length} error(s); see "errors" in the results`)
    process.exitCode = 1
  }
}

/** The city-size part (bench/city.ts) runs after the rest, or alone with `npm run bench -- city`; BENCH_CITY=0 leaves it out. */
function city(): void {
  execFileSync(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'city.ts')], { cwd: ROOT, stdio: 'inherit' })
}

const only = process.argv.slice(2)
if (only.length > 0 && !(only.length === 1 && only[0] === 'city')) {
  console.error(`npm run bench [-- city]: unknown arguments ${only.join(' ')}`)
  process.exit(2)
}
;(only.length === 1 ? Promise.resolve() : main())
  .then(() => {
    if (process.exitCode === undefined && process.env.BENCH_CITY !== '0') city()
  })
  .catch((err) => {
    console.error(err)
    killAll()
    process.exit(1)
  })
