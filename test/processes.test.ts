import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import knexFactory from 'knex'
import t, { type Test } from 'tap'
import { signToken } from '../src/platform/token.js'
import { knexConfig } from '../src/engine/db.js'
import { demoCommunities, freshDatabaseUrl } from './helper.js'

// Real server processes on a real database: killed mid-load, and two at once (issue 5).

const SECRET = 'zhunru-process-test-secret-0123'
const token = (role: string, org: string, sub: string) =>
  signToken({ sub, role: role as 'department', org }, SECRET, { nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 3600 })

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address() as { port: number }
  await new Promise((resolve) => s.close(resolve))
  return port
}

interface Server {
  base: string
  child: ChildProcess
}

async function startServer(t: Test, databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<Server> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, ...extraEnv, DATABASE_URL: databaseUrl, PORT: String(port), JWT_SECRET: SECRET, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000',
      // Killed processes leave no whole coverage record; the suite's own coverage is measured in-process.
      _TAPJS_PROCESSINFO_COVERAGE_: '0'
    },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  child.on('error', (err) => t.fail(`server process: ${err.message}`))
  t.teardown(() => {
    child.kill('SIGKILL')
  })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    const up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false)
    if (up) return { base, child }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('server did not start')
}

const dept = { authorization: `Bearer ${token('department', 'east-civil', 'zhao.lei')}`, 'content-type': 'application/json' }
const task = (i: number) => ({
  title: `协助开展社会救助困难排查与公示(第${i}批)`,
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis: [{ title: '《社会救助暂行办法》' }],
  funding: { perTarget: 8000, source: '区财政', committed: true },
  period: { start: '2027-03-01', end: '2027-12-31' },
  workloadHours: 40,
  submit: true
})

async function openDb(t: Test, url: string) {
  const knex = knexFactory(knexConfig(url).config)
  t.teardown(() => knex.destroy())
  return knex
}

t.test('ZHUNRU_DEMO=0: a new database starts empty, with the policy pack but without the demo city', async (t) => {
  const url = await freshDatabaseUrl(t)
  const server = await startServer(t, url, { ZHUNRU_DEMO: '0' })
  const knex = await openDb(t, url)
  t.same(await knex('org_units').count({ n: '*' }).then((r) => Number(r[0]!.n)), 0, 'no demo org tree')
  t.ok(Number((await knex('policy_packs').count({ n: '*' }))[0]!.n) >= 1, 'the default pack is in force')
  const res = await fetch(`${server.base}/v1/tasks`, { method: 'POST', headers: dept, body: JSON.stringify(task(1)) })
  t.not(res.status, 201, 'east-civil is the demo city’s, not this one’s')
})

t.test('killed with SIGKILL mid-load: every acknowledged submission is there, and nothing is half-applied', async (t) => {
  const url = await freshDatabaseUrl(t)
  const first = await startServer(t, url)
  const acknowledged: string[] = []
  let sent = 0
  let stop = false
  const worker = async () => {
    while (!stop) {
      const i = sent++
      try {
        // Half without a key: storing a key's response waits for the commit by itself, which
        // would hide a server that acknowledged before its commit was durable.
        const headers = i % 2 === 0 ? { ...dept, 'idempotency-key': `crash-${i}` } : dept
        const res = await fetch(`${first.base}/v1/tasks`, { method: 'POST', headers, body: JSON.stringify(task(i)) })
        if (res.ok) acknowledged.push(((await res.json()) as { id: string }).id)
      } catch {
        // The connection died with the server: not acknowledged, so not promised.
      }
    }
  }
  const workers = Array.from({ length: 8 }, worker)
  while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 20))
  first.child.kill('SIGKILL')
  stop = true
  await Promise.all(workers)
  // It may already be gone: waiting for an 'exit' that has passed would wait forever.
  if (first.child.exitCode === null && first.child.signalCode === null) await new Promise((r) => first.child.once('exit', r))
  t.ok(acknowledged.length >= 40, `${acknowledged.length} acknowledged of ${sent} sent before the kill`)

  const second = await startServer(t, url)
  for (const id of acknowledged) {
    const res = await fetch(`${second.base}/v1/tasks/${id}`, { headers: dept })
    const body = (await res.json()) as { state: string; version: number }
    if (res.status !== 200 || body.state !== 'admitted' || body.version !== 2) t.fail(`task ${id}: ${res.status} ${JSON.stringify(body)}`)
  }
  t.pass('every acknowledged task is admitted at version 2')

  const knex = await openDb(t, url)
  const tasks = (await knex('tasks').select('seq', 'state', 'version')) as Array<{ seq: number; state: string; version: number }>
  for (const row of tasks) {
    const events = (await knex('task_events').where({ task_seq: row.seq }).orderBy('task_version')) as Array<{ task_version: number; to_state: string }>
    const consistent = events.length === row.version && events.at(-1)!.task_version === row.version && events.at(-1)!.to_state.split('.')[0] === row.state
    if (!consistent) t.fail(`task ${row.seq}: state ${row.state} v${row.version} but events ${JSON.stringify(events)}`)
  }
  t.pass(`${tasks.length} tasks in the database, each with its state and event log in agreement`)
  t.ok(tasks.length >= acknowledged.length)
})

t.test('two server processes on one database behave as one: conflicting SUBMITs through both, one applies', async (t) => {
  const url = await freshDatabaseUrl(t)
  const a = await startServer(t, url)
  const b = await startServer(t, url)
  const created = await fetch(`${a.base}/v1/tasks`, { method: 'POST', headers: dept, body: JSON.stringify({ ...task(1), submit: false }) })
  const { id } = (await created.json()) as { id: string }
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      fetch(`${(i % 2 === 0 ? a : b).base}/v1/tasks/${id}/events`, { method: 'POST', headers: dept, body: JSON.stringify({ type: 'SUBMIT', version: 1 }) }).then(async (r) => {
        if (r.status !== 200 && r.status !== 409) t.comment(`unexpected ${r.status}: ${await r.text()}`)
        return r.status
      })
    )
  )
  t.equal(results.filter((s) => s === 200).length, 1, 'exactly one SUBMIT applies')
  t.equal(results.filter((s) => s === 409).length, 19, 'the others get 409, from either process')
  const knex = await openDb(t, url)
  const row = await knex('tasks').where({ id }).first()
  t.equal((await knex('task_events').where({ task_seq: row.seq, type: 'SUBMIT' })).length, 1)
  // What one process wrote, the other reads.
  const seen = (await (await fetch(`${b.base}/v1/tasks/${id}`, { headers: dept })).json()) as { version: number }
  t.equal(seen.version, 2)
})
