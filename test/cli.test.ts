import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import { COMMANDS, EXIT, main } from '../src/cli.js'
import { openDatabase } from '../src/engine/db.js'
import { freshDatabaseUrl } from './helper.js'

// The zhunru command: in-process through main() for every branch, and as the real binary
// (bin/zhunru.js, spawned with the DATABASE_URL the server would use) on SQLite and PostgreSQL.

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const BIN = resolve(import.meta.dirname, '..', 'bin', 'zhunru.js')
const NOW = () => new Date('2026-10-09T02:00:00Z')

async function cli(url: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await main(argv, { env: { DATABASE_URL: url, USER: 'cli.tester' }, out: (s) => void (out += s), err: (s) => void (err += s), now: NOW })
  return { code, out, err }
}

const run = promisify(execFile)
async function binary(url: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...argv], {
      // The binary's run is not a coverage record: tsx maps the sources otherwise than the suite's loader, and
      // merged, its lines would read as missed. Every branch of main() is covered in process above.
      env: { ...process.env, DATABASE_URL: url, _TAPJS_PROCESSINFO_COVERAGE_: '0' },
      maxBuffer: 16 * 1024 * 1024
    })
    return { code: 0, out: stdout, err: stderr }
  } catch (e) {
    const f = e as { code: number; stdout: string; stderr: string }
    return { code: f.code, out: f.stdout, err: f.stderr }
  }
}

// Files beside, not in, the test's fixture dir: t.testdir() empties it (and the SQLite database in it) each time it is asked for.
const dirs = new WeakMap<Test, string>()
function dirOf(t: Test): string {
  if (!dirs.has(t)) {
    const dir = mkdtempSync(join(tmpdir(), 'zhunru-cli-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    dirs.set(t, dir)
  }
  return dirs.get(t)!
}
const file = (t: Test, name: string, body: unknown) => {
  const path = join(dirOf(t), name)
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body))
  return path
}

t.test('the real binary: export, publish unchanged (a no-op), edit, diff, publish, invalid file', async (t) => {
  const url = await freshDatabaseUrl(t)
  const exported = join(dirOf(t), 'pack.json')
  t.equal((await binary(url, 'pack', 'export', exported)).code, 0, 'export migrates the empty database and writes the pack in force')
  const pack = JSON.parse(readFileSync(exported, 'utf8'))
  t.match(pack, { id: 'zhunru-default', version: '2026.4', base: { version: '2026.4' } })

  const same = await binary(url, 'pack', 'publish', exported)
  t.match(same, { code: 0, out: /^unchanged: .*nothing was stored/ })

  pack.levels.community.assisted_tasks = pack.levels.community.assisted_tasks.filter((i: Json) => i.code !== 'AT-18')
  pack.version = '2027.1'
  writeFileSync(exported, JSON.stringify(pack))
  const diff = await binary(url, 'pack', 'diff', exported)
  t.match(diff, { code: 0, out: /would publish zhunru-default 2027\.1 .*\n {2}community assisted_tasks: - AT-18\n/ })
  const published = await binary(url, 'pack', 'publish', exported, '--json')
  t.equal(published.code, 0, published.err)
  t.match(JSON.parse(published.out), { published: true, pack: { version: '2027.1' } })
  const stdout = await binary(url, 'pack', 'export')
  t.match(JSON.parse(stdout.out), { version: '2027.1', base: { version: '2027.1' } }, 'without FILE to stdout')

  pack.levels.community.assisted_tasks[0].sector = 'nowhere'
  writeFileSync(exported, JSON.stringify(pack))
  const invalid = await binary(url, 'pack', 'validate', exported)
  t.equal(invalid.code, EXIT.invalid)
  t.match(invalid.err, /levels\.community\.assisted_tasks\[0\]\.sector: "nowhere" is not a code of sectors/)
  t.match(await binary(url, 'pack', 'publish'), { code: EXIT.usage, err: /usage: zhunru pack publish FILE/ })
  t.match(await binary(url, '--help'), { code: 0, out: /zhunru pack export \[FILE\]/ })
})

t.test('every branch of main(), in process', async (t) => {
  const url = await freshDatabaseUrl(t)
  t.match(await cli(url), { code: EXIT.usage, err: /^no command given/ })
  t.match(await cli(url, 'pack', 'frobnicate'), { code: EXIT.usage, err: /^unknown command: pack frobnicate/ })
  t.match(await cli(url, 'org'), { code: EXIT.usage, err: /^unknown command: org/ })
  t.match(await cli(url, '--by'), { code: EXIT.usage, err: /^--by needs a name/ })
  t.match(await cli(url, 'pack', 'export', '--verbose'), { code: EXIT.usage, err: /^unknown option --verbose/ })
  t.match(await cli(url, 'pack', 'export', 'a', 'b'), { code: EXIT.usage })
  t.match(await cli(url, 'pack', 'diff', '--help'), { code: 0, out: /Exit codes/ })
  t.ok(COMMANDS.every((c) => c.summary.length > 0))

  const exported = await cli(url, 'pack', 'export')
  const pack = JSON.parse(exported.out)
  const path = file(t, 'pack.json', pack)
  t.match(await cli(url, 'pack', 'validate', path), { code: 0, out: /^valid: / })
  t.match(JSON.parse((await cli(url, 'pack', 'validate', path, '--json')).out), { valid: true, unchanged: true })
  t.match(JSON.parse((await cli(url, 'pack', 'diff', path, '--json')).out), { unchanged: true })

  pack.parameters.quorum = 0.6
  pack.sectors.push({ code: 'x', name: '新' })
  pack.sources.push({ ...pack.sources[0], id: 'our-own' })
  pack.calendar.sources[2].provisional = false
  pack.cues.negation.push('不要')
  const edited = file(t, 'edited.json', pack)
  const diff = await cli(url, 'pack', 'diff', edited)
  t.match(diff.out, /would publish zhunru-default 2026\.4-r1 /)
  t.match(diff.out, /the file's version 2026\.4 is taken: 2026\.4-r1 is the next free revision/)
  t.match(diff.out, /parameter quorum: 0\.5 → 0\.6/)
  t.match(diff.out, /sectors: \+ x/)
  t.match(diff.out, /sources: \+ our-own/)
  t.match(diff.out, /calendar years: ~ 2027/)
  t.match(diff.out, /also changed: cues/)
  const published = await cli(url, 'pack', 'publish', edited, '--by', 'wang.admin')
  t.match(published, { code: 0, out: /^published zhunru-default 2026\.4-r1/ })

  const removed = await cli(url, 'pack', 'export')
  const next = JSON.parse(removed.out)
  next.calendar.sources = next.calendar.sources.filter((s: Json) => s.year !== 2025)
  for (const list of ['holidays', 'makeUpWorkdays']) next.calendar[list] = next.calendar[list].filter((d: Json) => !d.date.startsWith('2025'))
  next.lexicon.pop()
  t.match((await cli(url, 'pack', 'diff', file(t, 'n.json', next))).out, /calendar years: - 2025\n {2}also changed: lexicon/)

  // Carried over: shown by the diff.
  const stale = await cli(url, 'pack', 'publish', edited)
  t.match(stale.out, /^unchanged/, 'a retry of the same publish is a no-op')
  pack.parameters.quorum = 0.7
  const conflict = await cli(url, 'pack', 'publish', file(t, 'again.json', pack))
  t.match(conflict, { code: EXIT.invalid, err: /export again and redo the edit/ })
  const asJson = await cli(url, 'pack', 'publish', file(t, 'again2.json', pack), '--json')
  t.match(JSON.parse(asJson.out), { status: 409, type: /policy-pack-base-stale$/ })
  const zh = await main(['pack', 'validate', file(t, 'bad.json', { ...pack, version: '' })], { env: { DATABASE_URL: url, LANG: 'zh_CN.UTF-8' }, out: () => {}, err: (s) => t.match(s, /政策包有2处错误，首处在“version”/), now: NOW })
  t.equal(zh, EXIT.invalid)

  t.match(await cli(url, 'pack', 'validate', join(dirOf(t), 'missing.json')), { code: EXIT.invalid, err: /^cannot read / })
  t.match(await cli(url, 'pack', 'validate', file(t, 'broken.json', '{ not json')), { code: EXIT.invalid, err: / is not JSON: / })
  t.match(await cli(url, 'pack', 'export', join(dirOf(t), 'no', 'such', 'dir.json')), { code: EXIT.invalid, err: /^cannot write / })
  t.match(await cli('mysql://nowhere', 'pack', 'export'), { code: EXIT.failed, err: /^zhunru: DATABASE_URL must start with/ })
  const noUser = await main(['pack', 'publish', edited], { env: { DATABASE_URL: url }, out: () => {}, err: () => {}, now: NOW })
  t.equal(noUser, 0, 'without USER the OS user publishes')

  t.match(await cli(url, '--help'), { code: EXIT.ok, out: /zhunru org import FILE/ })
  t.match(await cli(url, 'pack', 'diff', file(t, 'current.json', JSON.parse((await cli(url, 'pack', 'export')).out))), { code: EXIT.ok, out: /^unchanged: .*nothing would be stored/ })
  const current = JSON.parse((await cli(url, 'pack', 'export')).out)
  current.parameters.quorum = 0.55
  t.match(JSON.parse((await cli(url, 'pack', 'publish', file(t, 'q.json', current), '--json')).out), { published: true, unchanged: false })
  const tree = file(t, 'one.json', { units: [{ id: 'solo', kind: 'city', name: '独市' }] })
  t.match(JSON.parse((await cli(url, 'org', 'import', tree, '--json', '--dry-run')).out), { dryRun: true, summary: { created: 1 } })
  const asOs = await main(['org', 'import', tree], { env: { DATABASE_URL: url }, out: () => {}, err: () => {} })
  t.equal(asOs, EXIT.ok, 'without USER, and on the real clock, the OS user imports')
  t.equal(await main(['org', 'import', tree, '--by', 'ops.li'], { env: { DATABASE_URL: url }, out: () => {}, err: () => {}, now: NOW }), EXIT.ok)
})

t.test('a database the command cannot read (a stored pack that is no JSON): it could not run, and says why', async (t) => {
  const broken = await freshDatabaseUrl(t)
  t.equal((await cli(broken, 'pack', 'export')).code, EXIT.ok)
  const knex = (await openDatabase(broken)).knex
  await knex('policy_packs').update({ body: '{ not json' })
  await knex.destroy()
  t.match(await cli(broken, 'pack', 'export'), { code: EXIT.failed, err: /^zhunru: / })
})

t.test('without DATABASE_URL the CLI uses the server’s default database, beside where it runs', async (t) => {
  const dir = dirOf(t)
  const cwd = process.cwd()
  process.chdir(dir)
  t.teardown(() => process.chdir(cwd))
  let out = ''
  t.equal(await main(['pack', 'export'], { env: {}, out: (s) => void (out += s), err: () => {}, now: NOW }), EXIT.ok)
  t.match(JSON.parse(out), { id: 'zhunru-default' })
  t.ok(readFileSync(join(dir, 'data', 'zhunru.sqlite')).length > 0, 'sqlite:./data/zhunru.sqlite')
})

t.test('carried amendments are listed by the diff', async (t) => {
  const url = await freshDatabaseUrl(t)
  const pack = JSON.parse((await cli(url, 'pack', 'export')).out)
  // A leading group's amendment, as the gate stores one.
  const { openDatabase } = await import('../src/engine/db.js')
  const { amendPack, DEFAULT_PACK } = await import('../src/policy/pack.js')
  const { ensurePack } = await import('../src/policy/pack-store.js')
  const db = await openDatabase(url)
  const amended = amendPack(DEFAULT_PACK, 'community', {
    name: '协助开展社区养老服务需求调查',
    sector: 'civil_affairs',
    responsibleDepartment: '市民政局',
    legalBasis: '《老年人权益保障法》',
    fundingRequired: true,
    source: 'city 领导小组集体研究决定 2026-10-09, task t1'
  })
  await ensurePack(db.knex, amended.pack, NOW().toISOString(), undefined, { via: 'decision', task: 't1', orgUnit: 'city' })
  await db.knex.destroy()
  pack.parameters.decisionWorkingDays = 12
  const diff = await cli(url, 'pack', 'diff', file(t, 'p.json', pack))
  t.match(diff.out, /carried over \(a leading group added it after the base\): community AT-41 协助开展社区养老服务需求调查/)
})

t.test('a city starts empty: its tree and its leading group imported from files, with dry runs, errors by line, all or nothing', async (t) => {
  const url = await freshDatabaseUrl(t)
  const tree = file(
    t,
    'tree.csv',
    [
      '\uFEFFid,kind,name,parentId,sector,closed',
      'harbor,city,海港市,,,',
      'harbor-civil,department,海港市民政局,harbor,civil_affairs,',
      'harbor-d1,district,海港一区,harbor,,',
      'harbor-d1-s1,street,"海港一区滨海街道(原滨海镇,2026年撤镇设街)",harbor-d1,,',
      'harbor-d1-s1-c1,community,滨海一社区,harbor-d1-s1,,'
    ].join('\r\n')
  )
  t.match(await cli(url, 'org', 'import', tree, '--dry-run'), { code: EXIT.ok, out: /^would import: 5 created, 0 updated, 0 unchanged\n {2}created harbor\n/ })
  const done = await binary(url, 'org', 'import', tree, '--json', '--by', 'ops.wang')
  t.equal(done.code, 0, done.err)
  t.match(JSON.parse(done.out), { dryRun: false, summary: { created: 5 }, items: [{ id: 'harbor', outcome: 'created' }] })
  t.match(await cli(url, 'org', 'import', tree), { code: EXIT.ok, out: /^imported: 0 created, 0 updated, 5 unchanged\n$/ }, 'the dry run stored nothing, the import did, and again it changes nothing')

  const renamed = file(t, 'tree.json', { units: [{ id: 'harbor-d1-s1-c1', name: '滨海新村社区' }, { id: 'harbor-d1-s1', closed: true }] })
  const refused = await cli(url, 'org', 'import', renamed)
  t.equal(refused.code, EXIT.invalid, 'a street with an open community under it does not close')
  t.match(refused.err, /units\[1\]\.closed: 1 open units still sit under "harbor-d1-s1"/)
  t.match(await cli(url, 'org', 'import', file(t, 'rename.json', [{ id: 'harbor-d1-s1-c1', name: '滨海新村社区' }])), { code: EXIT.ok, out: /updated harbor-d1-s1-c1 name: "滨海一社区" → "滨海新村社区"/ })
  const bad = await cli(url, 'org', 'import', file(t, 'bad.csv', 'id,kind,name,parentId\nharbor-d2,district,海港二区,harbor\nharbor-d2-s1,street,,harbor-d2\nharbor-x,community,x,harbor\n'))
  t.equal(bad.code, EXIT.invalid)
  t.match(bad.err, /line 3: name.*\n.*line 4: parentId/s)
  t.match(await cli(url, 'org', 'import', renamed.replace('tree.json', 'missing.csv')), { code: EXIT.invalid, err: /cannot read/ })
  t.match(await cli(url, 'org', 'import', file(t, 'odd.json', { tree: [] })), { code: EXIT.invalid, err: /must hold \{ "units": \[\.\.\.\] \}/ })

  const members = file(
    t,
    'members.csv',
    ['group,sub,name,homeDepartment,position', 'harbor,lin.chair,林组长,,chair', 'harbor,gao.deputy,高副组长,,deputy_chair', 'harbor,he.civil,何委员(市民政局),harbor-civil,member'].join('\n')
  )
  t.match(await cli(url, 'members', 'import', members, '--dry-run'), { code: EXIT.ok, out: /^would import: 3 created, 0 updated, 0 unchanged\n {2}created harbor lin\.chair\n/ })
  t.match(JSON.parse((await cli(url, 'members', 'import', members, '--json')).out), { dryRun: false, summary: { created: 3 } })
  t.match(await cli(url, 'members', 'import', file(t, 'members.json', { members: [{ group: 'harbor', sub: 'lin.chair', name: '林组长', position: 'member' }] })), {
    code: EXIT.ok,
    out: /^imported: 0 created, 1 updated, 0 unchanged\n {2}updated harbor lin\.chair\n$/
  })
  t.match(await cli(url, 'members', 'import', file(t, 'nogroup.csv', 'group,sub,name\nnowhere,x.y,某人\n')), { code: EXIT.invalid, err: /nowhere/ })
})
