import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import { DEFAULT_PACK } from '../src/policy/pack.js'
import { signToken } from '../src/platform/token.js'
import { freshDatabaseUrl } from './helper.js'

// zhunru as an integrator meets it: the package as `npm pack` builds it, unpacked into an
// app's node_modules, imported by name from plain JavaScript. Nothing here reaches into the
// project's sources: the apps below import 'zhunru', 'fastify' and 'xstate' only.

const run = promisify(execFile)
const ROOT = resolve(import.meta.dirname, '..')
const SECRET = 'integrator-secret-0123456789abcdef'

/**
 * The project as `npm pack` builds it (prepack builds dist/): packed once for the file's tests. The
 * console was built by pretest and is packed as it is: building it again here would empty
 * dist/console under the browser tests running beside this one.
 */
let packed: Promise<{ tarball: string; files: string[] }> | null = null
function pack(dir: string) {
  packed ??= run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ZHUNRU_CONSOLE_PREBUILT: '1' } }).then(({ stdout }) => {
    const [{ filename, files }] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>
    return { tarball: join(dir, filename.split('/').pop()!), files: files.map((f) => f.path) }
  })
  return packed
}

/** A new app folder with the packed zhunru unpacked as its node_modules/zhunru. */
async function installPackage(t: Test): Promise<string> {
  const app = t.testdir({ 'package.json': JSON.stringify({ name: 'integrator-app', type: 'module', private: true }) })
  const { tarball, files } = await pack(mkdtempSync(join(ROOT, '.tap', 'pack-')))
  t.ok(files.includes('dist/src/index.js') && files.includes('dist/src/index.d.ts'), 'the package carries the built code and its types')
  t.ok(files.includes('dist/console/index.html'), 'and the console’s pages')
  t.notOk(files.some((f) => f.startsWith('src/') || f.startsWith('test/')), 'and no sources or tests')
  const target = join(app, 'node_modules', 'zhunru')
  mkdirSync(target, { recursive: true })
  await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'])
  // The app's own dependencies (fastify, xstate) and zhunru's resolve up the tree to the project's node_modules.
  return app
}

/** Starts an app script; resolves with its base URL, and what it printed, once it listens. */
async function start(t: Test, dir: string, script: string, env: Record<string, string>): Promise<{ base: string; said: Record<string, unknown> }> {
  writeFileSync(join(dir, 'server.mjs'), script)
  const child: ChildProcess = spawn(process.execPath, ['server.mjs'], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => void child.kill('SIGKILL'))
  let err = ''
  child.stderr!.on('data', (d) => (err += String(d)))
  return new Promise((resolvePort, reject) => {
    let out = ''
    child.stdout!.on('data', (d) => {
      out += String(d)
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (line) {
        const said = JSON.parse(line) as { port: number }
        resolvePort({ base: `http://127.0.0.1:${said.port}`, said })
      }
    })
    child.on('exit', (code) => reject(new Error(`the app exited (${code}): ${err}`)))
  })
}

const token = (sub: string, role: string, org: string) =>
  `Bearer ${signToken({ sub, role: role as 'admin', org }, SECRET, { nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 600 })}`

async function call(base: string, method: string, path: string, auth?: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(auth ? { authorization: auth } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, json: text === '' ? null : JSON.parse(text) }
}

const APPROVAL_APP = `
import Fastify from 'fastify'
import { setup, assign } from 'xstate'
import { engine, openDatabase, platform, platformServerOptions, webhooks } from 'zhunru'

// A three-step approval: drafted, reviewed, approved (or rejected). Pure: the engine builds each event.
const machine = setup({ types: {} }).createMachine({
  id: 'approval',
  initial: 'drafting',
  context: { notes: [] },
  states: {
    drafting: { on: { SUBMIT: 'reviewing' } },
    reviewing: {
      on: {
        COMMENT: { actions: assign(({ context, event }) => ({ notes: [...context.notes, event.reason] })) },
        APPROVE: 'approved',
        REJECT: 'rejected'
      }
    },
    approved: { type: 'final' },
    rejected: { type: 'final' }
  }
})

const approval = {
  id: 'approval',
  version: 1,
  machine,
  upgrades: {},
  createRoles: ['department'],
  // The office of the district reviews what its departments submit.
  mayAccess: (principal, creator) => principal.role === 'office' && creator.org.startsWith(principal.org + '-'),
  eventRoles: { SUBMIT: ['department'], COMMENT: ['office'], APPROVE: ['office'], REJECT: ['office'] },
  commuting: ['COMMENT']
}

const database = await openDatabase(process.env.DATABASE_URL)
const app = Fastify(platformServerOptions)
await app.register(platform, { jwtSecret: process.env.JWT_SECRET, db: database.knex })
await app.register(engine, { database, workflows: [approval] })
await app.register(webhooks, { allowPrivateNetworks: true })
await app.listen({ port: 0, host: '127.0.0.1' })
console.log(JSON.stringify({ port: app.server.address().port }))
`

const WHOLE_APP = `
import Fastify from 'fastify'
import { DEFAULT_PACK, packHash, platformServerOptions, screenTask, zhunru } from 'zhunru'

const app = Fastify(platformServerOptions)
await app.register(zhunru, { databaseUrl: process.env.DATABASE_URL, jwtSecret: process.env.JWT_SECRET })
await app.listen({ port: 0, host: '127.0.0.1' })
// The same screening in-process, for comparison with the API's answer.
const task = JSON.parse(process.env.TASK)
const inProcess = screenTask(
  { description: '', catalogItem: null, certificate: null, legalBasis: [], funding: null, authority: null, ...task },
  { sector: null, jurisdiction: null, submittedOn: '2026-12-01' },
  DEFAULT_PACK,
  { id: DEFAULT_PACK.id, version: DEFAULT_PACK.version, hash: packHash(DEFAULT_PACK) }
)
console.log(JSON.stringify({ port: app.server.address().port, inProcess }))
`

t.test('a bare Fastify app registers the platform and the engine with a machine of its own, and drives it over HTTP', async (t) => {
  const dir = await installPackage(t)
  const { base } = await start(t, dir, APPROVAL_APP, { DATABASE_URL: await freshDatabaseUrl(t), JWT_SECRET: SECRET })
  const author = token('li.min', 'department', 'east-civil')
  const reviewer = token('office.east', 'office', 'east')
  const admin = token('ops', 'admin', 'city')

  const machines = await call(base, 'GET', '/v1/machines')
  t.same(machines.json.items.map((m: { id: string }) => m.id), ['approval'], 'only the machine the app registered')
  t.same(machines.json.items[0].events.find((e: { type: string }) => e.type === 'APPROVE'), { type: 'APPROVE', roles: ['office'] })
  const hook = await call(base, 'POST', '/v1/webhooks', admin, { url: 'http://127.0.0.1:9/hook', events: ['*'], secret: 'a-long-enough-secret-0123' })
  t.equal(hook.status, 201, JSON.stringify(hook.json))

  t.equal((await call(base, 'POST', '/v1/workflows/approval/instances', reviewer)).status, 403, 'only the roles the machine names may start one')
  const key = { 'idempotency-key': 'approval-2027-001' }
  const created = await call(base, 'POST', '/v1/workflows/approval/instances', author, undefined, key)
  t.equal(created.status, 201, JSON.stringify(created.json))
  t.match(created.json, { machine: 'approval', state: 'drafting', version: 1, enabledEvents: ['SUBMIT'] })
  const retried = await call(base, 'POST', '/v1/workflows/approval/instances', author, undefined, key)
  t.equal(retried.headers.get('idempotent-replay'), 'true', 'an idempotent retry is answered, not carried out again')
  t.same(retried.json, created.json)
  const id = created.json.id
  const at = (path = '') => `/v1/workflows/approval/instances/${id}${path}`

  t.equal((await call(base, 'POST', at('/events'), author, { type: 'APPROVE' })).status, 403, 'the author does not approve')
  const unknown = await call(base, 'POST', at('/events'), author, { type: 'LAUNCH' })
  t.equal(unknown.status, 400)
  t.equal(unknown.json.field, 'type')
  const submitted = await call(base, 'POST', at('/events'), author, { type: 'SUBMIT', version: 1 })
  t.match(submitted.json, { state: 'reviewing', version: 2 })
  const stale = await call(base, 'POST', at('/events'), author, { type: 'SUBMIT', version: 1 })
  t.equal(stale.status, 409)
  t.equal(stale.headers.get('content-type'), 'application/problem+json; charset=utf-8')
  t.equal(stale.json.currentVersion, 2, 'a stale version gets 409 with the version that won')

  const comments = await Promise.all(['请补充预算', '请附会议纪要', '同意方向'].map((reason) => call(base, 'POST', at('/events'), reviewer, { type: 'COMMENT', reason })))
  t.same(comments.map((c) => c.status), [200, 200, 200], 'comments commute: none is refused')
  const approved = await call(base, 'POST', at('/events'), reviewer, { type: 'APPROVE', reason: '同意' })
  t.match(approved.json, { state: 'approved', version: 6, enabledEvents: [] })
  t.same([...approved.json.context.notes].sort(), ['同意方向', '请补充预算', '请附会议纪要'].sort())
  t.equal((await call(base, 'POST', at('/events'), reviewer, { type: 'REJECT' })).status, 409, 'a final state accepts nothing')

  const history = await call(base, 'GET', `${at('/events')}?limit=2`, reviewer)
  t.same(history.json.items.map((e: { type: string; version: number }) => [e.type, e.version]), [['CREATE', 1], ['SUBMIT', 2]])
  const rest = await call(base, 'GET', `${at('/events')}?cursor=${history.json.nextCursor}`, reviewer)
  t.same(rest.json.items.map((e: { type: string }) => e.type), ['COMMENT', 'COMMENT', 'COMMENT', 'APPROVE'])
  t.same(rest.json.items.at(-1).actor, { sub: 'office.east', role: 'office', org: 'east' })
  t.equal(rest.json.nextCursor, null)

  const deliveries = await call(base, 'GET', `/v1/webhooks/${hook.json.id}/deliveries`, admin)
  t.same(deliveries.json.items.map((d: { event: string }) => d.event).sort(), ['APPROVE', 'COMMENT', 'COMMENT', 'COMMENT', 'CREATE', 'SUBMIT'].sort(), 'each transition left an outbox row in its transaction')
  t.ok(deliveries.json.items.every((d: { taskId: string }) => d.taskId === id))
  t.equal((await call(base, 'GET', '/v1/workflows/nothing/instances/x', admin)).status, 404)
  t.equal((await call(base, 'GET', at(), token('wang', 'office', 'west'))).status, 404, 'another district’s office does not reach it')
})

t.test('a bare Fastify app registers zhunru as one plugin: it migrates, loads the default pack, and screens a task', async (t) => {
  const dir = await installPackage(t)
  const task = {
    title: '关于下达2027年度社区招商引资任务的通知',
    targetLevel: 'community',
    targets: ['any-community'],
    kind: 'service',
    period: { start: '2027-03-01', end: '2027-12-31' },
    workloadHours: 40
  }
  const { base, said } = await start(t, dir, WHOLE_APP, { DATABASE_URL: await freshDatabaseUrl(t), JWT_SECRET: SECRET, TASK: JSON.stringify(task) })
  const screened = await call(base, 'POST', '/v1/screenings', undefined, task)
  t.equal(screened.status, 200, JSON.stringify(screened.json))
  t.equal(screened.json.outcome, 'reject')
  t.equal(screened.json.findings[0].rule, 'economic_target')
  t.match(JSON.stringify(screened.json.findings[0].evidence), /招商引资/, 'the triggering words are named')
  const inProcess = said.inProcess as { outcome: string; findings: Array<{ rule: string }> }
  t.equal(inProcess.outcome, screened.json.outcome, 'screenTask in-process decides as the API does')
  t.same(inProcess.findings.map((f) => f.rule), screened.json.findings.map((f: { rule: string }) => f.rule))
  t.equal(screened.json.policy.version, DEFAULT_PACK.version, 'the default pack, loaded into the empty database')
  t.same((await call(base, 'GET', '/v1/machines')).json.items.map((m: { id: string }) => m.id).sort(), ['admission', 'burden-report', 'deliberation', 'evaluation'])
  t.equal((await call(base, 'GET', '/v1/org-units/east')).status, 404, 'no demo data: that is npm start’s')
  t.equal((await call(base, 'GET', '/healthz')).status, 200)
})

t.test('the installed package’s zhunru command runs the compiled CLI: export the pack in force of a fresh database', async (t) => {
  // The URL first: a SQLite one lives in the test's fixture dir, which installing fills afresh.
  const env = { ...process.env, DATABASE_URL: await freshDatabaseUrl(t) }
  const dir = await installPackage(t)
  const { files } = await pack(mkdtempSync(join(ROOT, '.tap', 'pack-')))
  t.ok(files.includes('bin/zhunru.js') && files.includes('dist/src/cli.js'), 'the command and the code it runs')
  t.ok(files.includes('openapi/policy-pack.schema.json'), 'the pack’s JSON Schema ships with the package')
  const manifest = JSON.parse(readFileSync(join(dir, 'node_modules', 'zhunru', 'package.json'), 'utf8')) as { bin: Record<string, string> }
  t.same(manifest.bin, { zhunru: 'bin/zhunru.js' })
  const bin = join(dir, 'node_modules', 'zhunru', manifest.bin.zhunru!)
  const { stdout } = await run(process.execPath, [bin, 'pack', 'export'], { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 })
  t.match(JSON.parse(stdout), { id: DEFAULT_PACK.id, version: DEFAULT_PACK.version, base: { version: DEFAULT_PACK.version } })
  const usage = await run(process.execPath, [bin, 'pack', 'nothing'], { cwd: dir, env }).catch((e: { code: number; stderr: string }) => e)
  t.match(usage, { code: 2, stderr: /unknown command: pack nothing/ })
})
