// npm run bench:city (also the last part of npm run bench) — issue 11, item 5, "at a city's size".
//
// For a town of 400 communities and a city of 4,000 (bench/lib/city.ts: 10 districts, 100 streets,
// 40 departments, 2,000 and 20,000 admitted tasks), each built through the HTTP API of the server as
// `npm start` runs it, on a fresh database: the latency of the reads that grow with the city (area
// ledgers of the city, a district and a street, a community ledger, the register's department
// statistics and task list, a department scorecard) at BENCH_CITY_CONNECTIONS connections, their p99
// against the 100 ms target and the ratio 4,000 / 400 against 1.5; the same reads "cold", just after
// a write (a new admitted task) moved every data mark, so nothing kept is reused; and task creation
// (POST /v1/tasks, 50 connections) on this build and, with BENCH_BASE_COMMIT, on that commit's build.
//
// Writes bench/results-city.json (one entry per database, kept across runs) and the "City size"
// section of bench/results.md. Environment: DATABASE_URL (as npm run bench), BENCH_CITY_SECONDS=5,
// BENCH_CITY_CONNECTIONS=4, BENCH_CITY_COLD=15 (cold samples per read), BENCH_BASE_COMMIT (unset: no
// baseline), BENCH_CITY_SHAPES=town,city.

import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { main as cli } from '../src/cli.js'
import { signToken, type PrincipalClaims } from '../src/platform/token.js'
import { backendPids, databaseVersion, dialectOf, freshDatabase, openKnex, type FreshDatabase } from './lib/database.js'
import { describe, warmAndLoad, type LoadResult } from './lib/load.js'
import { freePort, killAll, round, startNode, type Proc } from './lib/proc.js'
import { CITY, TOWN, admin, cityTasks, cityTree, inPool, type CityShape } from './lib/city.js'
import { seededRandom } from './lib/seed.js'
import { EAST_CIVIL, SUBMIT_BODIES } from './tasks.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback)
const SECONDS = num('BENCH_CITY_SECONDS', 5)
const CONNECTIONS = num('BENCH_CITY_CONNECTIONS', 4)
const COLD = num('BENCH_CITY_COLD', 15)
const SUBMIT_SECONDS = num('BENCH_SECONDS', 10)
const BASE_URL = process.env.DATABASE_URL || undefined
const DIALECT = BASE_URL === undefined ? 'sqlite' : dialectOf(BASE_URL)
const SHAPES = (process.env.BENCH_CITY_SHAPES ?? 'town,city')
  .split(',')
  .filter((s) => s !== 'none')
  .map((s) => (s === 'city' ? CITY : TOWN))
/** Creation is measured this build, baseline, this build, … so that other work on the machine weighs on both alike. */
const ROUNDS = num('BENCH_CITY_CREATION_ROUNDS', 2)
const KEEP = process.env.BENCH_KEEP_DB === '1'
const JWT_SECRET = 'zhunru-benchmark-secret-0123456789'
const SERVER_FLAGS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { config: { serverFlags: string } }).config.serverFlags.split(/\s+/)
const WINDOW = 'from=2027-01-01&to=2027-12-31'
const started = Date.now()
const log = (s: string) => process.stderr.write(`[bench:city +${Math.round((Date.now() - started) / 1000)}s] ${s}\n`)
const token = (p: PrincipalClaims) => signToken(p, JWT_SECRET, { nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 4 * 3600 })
const git = (args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim()

async function start(root: string, name: string, url: string, demo: boolean): Promise<Proc> {
  const port = await freePort()
  const env = { PORT: String(port), DATABASE_URL: url, JWT_SECRET, RATE_LIMIT_PER_MINUTE: '1000000000', LOG_LEVEL: 'warn', HOST: '127.0.0.1', ZHUNRU_DEMO: demo ? '1' : '0' }
  return startNode({ name, script: 'dist/src/server.js', cwd: root, env, nodeArgs: SERVER_FLAGS, readyPath: '/healthz', timeoutMs: 180_000 })
}

async function call(proc: Proc, p: PrincipalClaims, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(proc.url + path, {
    method,
    headers: { authorization: `Bearer ${token(p)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

interface Read {
  name: string
  path: string
  as: PrincipalClaims
}

interface ShapeResult {
  shape: CityShape
  seeding: { orgUnits: number; tasks: number; admitted: number; targets: number; confirmations: number; reports: number; seconds: number; tasksPerSecond: number }
  reads: Record<string, LoadResult & { path: string; bytes: number }>
  cold: Record<string, { samples: number; p50: number; max: number }>
}

async function measureShape(shape: CityShape, tmp: string, runId: string): Promise<ShapeResult> {
  const db = await freshDatabase(BASE_URL, `city_${shape.tasks}`, KEEP ? process.cwd() : tmp, runId, KEEP)
  const proc = await start(ROOT, `server (${shape.label})`, db.url, false)
  const backends = backendPids(db)
  try {
    const t0 = Date.now()
    const tree = cityTree(shape)
    // As a city starts (README "Set up your city"): its tree imported with the CLI, for no
    // admin token is believed before the org it names exists.
    const treeFile = join(tmp, `tree-${shape.tasks}.json`)
    writeFileSync(treeFile, JSON.stringify({ units: tree.units }))
    let said = ''
    const code = await cli(['org', 'import', treeFile], { env: { DATABASE_URL: db.url, USER: 'bench' }, out: () => {}, err: (s) => void (said += s) })
    if (code !== 0) throw new Error(`org import: ${said}`)
    log(`${shape.label}: ${tree.units.length} org units`)
    const planned = cityTasks(shape, tree)
    const ids: Array<{ id: string; targets: string[]; department: string }> = []
    let admitted = 0
    const t1 = Date.now()
    await inPool(planned, 32, async (task) => {
      const res = await call(proc, { sub: `bench.${task.department}`, role: 'department', org: task.department }, 'POST', '/v1/tasks', task.body)
      if (res.status !== 201) throw new Error(`task of ${task.department}: ${res.status} ${JSON.stringify(res.json).slice(0, 600)}`)
      if (res.json.state === 'admitted') admitted++
      ids.push({ id: res.json.id as string, targets: task.targets, department: task.department })
    })
    const taskSeconds = (Date.now() - t1) / 1000
    if (admitted < planned.length) throw new Error(`${planned.length - admitted} of ${planned.length} tasks were not admitted`)
    log(`${shape.label}: ${admitted} tasks admitted in ${round(taskSeconds, 1)} s`)
    // One community in ten says whether the money of a task on it arrived (a few say it did not).
    const rng = seededRandom(shape.tasks)
    const words = ids.flatMap((t) => t.targets.filter(() => rng() < 0.1).map((c) => ({ task: t.id, community: c, missing: rng() < 0.2 })))
    await inPool(words, 32, async (w) => {
      const res = await call(proc, { sub: `bench.${w.community}`, role: 'community', org: w.community }, 'POST', `/v1/tasks/${w.task}/funding-confirmations`, w.missing ? { status: 'missing' } : { status: 'received', amount: 6000 })
      if (res.status !== 201) throw new Error(`confirmation: ${res.status} ${JSON.stringify(res.json).slice(0, 400)}`)
    })
    // Every twentieth community reports work that bypassed the gate.
    const reporters = tree.allCommunities.filter((_, i) => i % 20 === 0)
    await inPool(reporters, 16, async (c) => {
      const district = c.slice(0, 3)
      const department = tree.departments.find((d) => d.jurisdiction === district)!.id
      const res = await call(proc, { sub: `bench.${c}`, role: 'community', org: c }, 'POST', '/v1/burden-reports', {
        department,
        what: '要求社区填报统计表',
        askedOn: new Date().toISOString().slice(0, 10),
        evidence: '工作群通知截图'
      })
      if (res.status !== 201) throw new Error(`burden report: ${res.status} ${JSON.stringify(res.json).slice(0, 400)}`)
    })
    const knex = openKnex(db.url)
    if (db.dialect === 'postgres') await knex.raw('ANALYZE')
    await knex.destroy()
    const seconds = (Date.now() - t0) / 1000
    log(`${shape.label}: seeded in ${round(seconds, 1)} s (${words.length} funding words, ${reporters.length} reports)`)

    const district = tree.districts[0]!
    const street = tree.streets.get(district)![0]!
    const community = tree.communities.get(street)![0]!
    const department = tree.departments.find((d) => d.jurisdiction === district)!
    const reads: Read[] = [
      { name: 'city burden', path: `/v1/org-units/city/burden?${WINDOW}`, as: admin },
      { name: 'district burden', path: `/v1/org-units/${district}/burden?${WINDOW}`, as: { sub: 'bench.office', role: 'office', org: district } },
      { name: 'street burden', path: `/v1/org-units/${street}/burden?${WINDOW}`, as: { sub: 'bench.office', role: 'office', org: district } },
      { name: 'community burden', path: `/v1/communities/${community}/burden?${WINDOW}`, as: { sub: 'bench.c', role: 'community', org: community } },
      { name: 'register/departments', path: '/v1/register/departments', as: admin },
      { name: 'register/tasks', path: '/v1/register/tasks', as: admin },
      { name: 'register/tasks by department', path: `/v1/register/tasks?department=${department.id}`, as: admin },
      { name: 'scorecard', path: `/v1/departments/${department.id}/scorecard`, as: { sub: 'bench.office', role: 'office', org: district } }
    ]
    const result: ShapeResult = {
      shape,
      seeding: { orgUnits: tree.units.length, tasks: planned.length, admitted, targets: planned.reduce((s, t) => s + t.targets.length, 0), confirmations: words.length, reports: reporters.length, seconds: round(seconds, 1), tasksPerSecond: round(planned.length / taskSeconds, 1) },
      reads: {},
      cold: {}
    }
    for (const r of reads) {
      const probe = await call(proc, r.as, 'GET', r.path)
      if (probe.status !== 200) throw new Error(`${r.name}: ${probe.status} ${JSON.stringify(probe.json).slice(0, 400)}`)
      const bytes = JSON.stringify(probe.json).length
      const load = await warmAndLoad({ url: proc.url, path: r.path, headers: { authorization: `Bearer ${token(r.as)}` }, connections: CONNECTIONS, seconds: SECONDS, serverPid: proc.pid, databasePids: backends.pids }, 1)
      log(`  ${shape.label} ${r.name}: ${describe(load)}`)
      result.reads[r.name] = { ...load, path: r.path, bytes }
    }
    // Cold: a write first (a new admitted task moves every mark), then each read once, in turn.
    const times: Record<string, number[]> = Object.fromEntries(reads.map((r) => [r.name, []]))
    for (let i = 0; i < COLD; i++) {
      const task = planned[i]!
      const res = await call(proc, { sub: 'bench.cold', role: 'department', org: task.department }, 'POST', '/v1/tasks', task.body)
      if (res.status !== 201) throw new Error(`cold write: ${res.status}`)
      for (const r of reads) {
        const t = process.hrtime.bigint()
        const got = await call(proc, r.as, 'GET', r.path)
        if (got.status !== 200) throw new Error(`${r.name} (cold): ${got.status}`)
        times[r.name]!.push(Number(process.hrtime.bigint() - t) / 1e6)
      }
    }
    for (const [name, ts] of Object.entries(times)) {
      const sorted = [...ts].sort((a, b) => a - b)
      result.cold[name] = { samples: sorted.length, p50: round(sorted[Math.floor(sorted.length / 2)]!, 1), max: round(sorted[sorted.length - 1]!, 1) }
    }
    log(`  ${shape.label} cold: ${JSON.stringify(result.cold)}`)
    return result
  } finally {
    await backends.close()
    await proc.stop()
    await db.dispose()
  }
}

/** POST /v1/tasks {…, submit: true} at 50 connections on a fresh demo database, with the build in `root`. */
async function creation(root: string, label: string, tmp: string, runId: string): Promise<LoadResult> {
  const db: FreshDatabase = await freshDatabase(BASE_URL, `create_${label}`, tmp, runId, false)
  const proc = await start(root, `server (create, ${label})`, db.url, true)
  const backends = backendPids(db)
  try {
    const headers = { authorization: `Bearer ${token(EAST_CIVIL)}`, 'content-type': 'application/json' }
    const requests = SUBMIT_BODIES.map((b) => ({ method: 'POST', path: '/v1/tasks', headers, body: JSON.stringify({ ...b, submit: true }) }))
    const r = await warmAndLoad({ url: proc.url, headers, connections: 50, seconds: SUBMIT_SECONDS, serverPid: proc.pid, requests, databasePids: backends.pids }, 2)
    log(`creation (${label}): ${describe(r)}`)
    return r
  } finally {
    await backends.close()
    await proc.stop()
    await db.dispose()
  }
}

/** A build of another commit, for the baseline: its files from git, this checkout's node_modules. */
function buildCommit(commit: string, tmp: string): string {
  const dir = join(tmp, `base-${commit.slice(0, 12)}`)
  execFileSync('sh', ['-c', `mkdir -p "${dir}" && git archive ${commit} | tar -x -C "${dir}"`], { cwd: ROOT })
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'inherit' })
  return dir
}

export interface CityRun {
  date: string
  commit: string
  machine: Record<string, unknown>
  config: Record<string, unknown>
  shapes: ShapeResult[]
  creation: { commit: string; baseCommit: string | null; rounds: Array<{ after: LoadResult; before?: LoadResult }>; afterRps: number; beforeRps: number | null }
  durationSeconds: number
}

async function main(): Promise<void> {
  const runId = `${Date.now().toString(36)}_${process.pid}`
  const tmp = mkdtempSync(join(tmpdir(), 'zhunru-city-'))
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' })
  const run: Partial<CityRun> = {
    date: new Date().toISOString(),
    commit: git(['rev-parse', 'HEAD']),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadAverageAtStart: loadavg().map((l) => round(l, 2)), database: await databaseVersion(BASE_URL ?? 'sqlite::memory:') },
    config: { dialect: DIALECT, connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: 1, coldSamples: COLD, window: WINDOW, creationConnections: 50, creationSeconds: SUBMIT_SECONDS },
    shapes: []
  }
  try {
    for (const shape of SHAPES) run.shapes!.push(await measureShape(shape, tmp, runId))
    const base = process.env.BENCH_BASE_COMMIT
    const baseline = base ? { commit: git(['rev-parse', base]), root: buildCommit(git(['rev-parse', base]), tmp) } : null
    const rounds: CityRun['creation']['rounds'] = []
    for (let i = 0; i < ROUNDS; i++) {
      const after = await creation(ROOT, 'this build', tmp, runId)
      const before = baseline ? await creation(baseline.root, 'baseline', tmp, runId) : undefined
      rounds.push({ after, before })
    }
    const mean = (xs: number[]) => round(xs.reduce((a, b) => a + b, 0) / xs.length, 1)
    run.creation = {
      commit: run.commit!,
      baseCommit: baseline?.commit ?? null,
      rounds,
      afterRps: mean(rounds.map((r) => r.after.rps)),
      beforeRps: baseline ? mean(rounds.map((r) => r.before!.rps)) : null
    }
  } finally {
    killAll()
    rmSync(tmp, { recursive: true, force: true })
  }
  run.machine!.loadAverageAtEnd = loadavg().map((l) => round(l, 2))
  run.durationSeconds = Math.round((Date.now() - started) / 1000)
  const file = join(ROOT, 'bench', 'results-city.json')
  const all = (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}) as Record<string, CityRun>
  // A run of creation alone (BENCH_CITY_SHAPES=none) keeps the reads measured before.
  if (run.shapes!.length === 0 && all[DIALECT]) run.shapes = all[DIALECT]!.shapes
  all[DIALECT] = run as CityRun
  writeFileSync(file, JSON.stringify(all, null, 2) + '\n')
  const { renderCity } = await import('./city-report.js')
  const md = join(ROOT, 'bench', 'results.md')
  const section = renderCity(all)
  const old = readFileSync(md, 'utf8')
  const marker = '<!-- city -->'
  const kept = old.includes(marker) ? old.slice(0, old.indexOf(marker)) : `${old.trimEnd()}\n\n`
  writeFileSync(md, `${kept}${marker}\n${section}`)
  log(`wrote bench/results-city.json and the City size section of bench/results.md in ${run.durationSeconds} s`)
}

main().catch((err) => {
  console.error(err)
  killAll()
  process.exit(1)
})
