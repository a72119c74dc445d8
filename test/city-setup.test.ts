import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { main } from '../src/cli.js'
import { openDatabase } from '../src/engine/db.js'
import { signToken } from '../src/platform/token.js'
import type { Role } from '../src/roles.js'
import { freshDatabaseUrl, TEST_SECRET } from './helper.js'

// README "Set up your city", step by step on the files it names (docs/city/): an empty database,
// the tree and the groups imported with the CLI, the pack exported, edited and published, and the
// first decision on the city's own tree, members and lists.

const CITY = resolve(import.meta.dirname, '..', 'docs', 'city')
const NOW = new Date('2026-10-09T02:00:00Z')

t.test('from an empty database to the first decision on the city’s own lists, tree and members', async (t) => {
  const url = await freshDatabaseUrl(t)
  const cli = async (...argv: string[]) => {
    let out = ''
    let err = ''
    const code = await main(argv, { env: { DATABASE_URL: url, USER: 'ops' }, out: (s) => void (out += s), err: (s) => void (err += s), now: () => NOW })
    t.equal(code, 0, `zhunru ${argv.join(' ')}: ${err}`)
    return out
  }
  t.match(await cli('org', 'import', join(CITY, 'tree.csv'), '--dry-run'), /^would import: 9 created/)
  t.match(await cli('org', 'import', join(CITY, 'tree.csv')), /^imported: 9 created/)
  t.match(await cli('members', 'import', join(CITY, 'members.csv'), '--dry-run'), /^would import: 7 created/)
  t.match(await cli('members', 'import', join(CITY, 'members.csv')), /^imported: 7 created/)

  // The city's own list: an item of its own, in its own numbering.
  const dir = mkdtempSync(join(tmpdir(), 'zhunru-city-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const packFile = join(dir, 'pack.json')
  await cli('pack', 'export', packFile)
  const pack = JSON.parse(readFileSync(packFile, 'utf8'))
  pack.version = '2027.1'
  pack.levels.community.assisted_tasks.push({
    code: 'HG-XZ-01',
    name: '协助开展社区老年人助餐服务需求摸底',
    sector: 'civil_affairs',
    responsibleDepartment: '民政局',
    legalBasis: '《中华人民共和国老年人权益保障法》',
    fundingRequired: true,
    source: pack.levels.community.assisted_tasks[0].source
  })
  writeFileSync(packFile, JSON.stringify(pack))
  await cli('pack', 'validate', packFile)
  t.match(await cli('pack', 'diff', packFile), /community assisted_tasks: \+ HG-XZ-01/)
  t.match(await cli('pack', 'publish', packFile, '--by', '市社区建设领导小组办公室'), /^published zhunru-default 2027\.1/)

  const database = await openDatabase(url)
  const app = await buildApp({ database, jwtSecret: TEST_SECRET, now: () => NOW })
  t.teardown(async () => {
    await app.close()
    await database.knex.destroy()
  })
  const auth = (role: Role, org: string, sub: string) => ({
    authorization: `Bearer ${signToken({ sub, role, org }, TEST_SECRET, { nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 600 })}`
  })
  t.equal((await app.inject({ method: 'GET', url: '/v1/org-units/city' })).statusCode, 404, 'no demo city in this database')
  const task = {
    title: '协助开展社区老年人助餐需求调查',
    targetLevel: 'community',
    targets: ['harbor-bay-binhai-c1'],
    kind: 'service',
    legalBasis: [{ title: '《中华人民共和国老年人权益保障法》' }],
    funding: { perTarget: 5000, source: '区级福彩公益金', committed: true },
    period: { start: '2027-04-01', end: '2027-06-30' },
    workloadHours: 40
  }
  const dept = auth('department', 'harbor-bay-civil', 'zhao.keyuan')
  const onList = await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...task, catalogItem: 'HG-XZ-01', submit: true } })
  t.equal(onList.json().state, 'admitted', 'the city’s own item admits at the gate')
  t.match(onList.json().screening.policy, { version: '2027.1' })

  const escalated = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: dept, payload: { ...task, submit: true } })).json()
  t.match(escalated, { state: 'escalated', decider: { orgUnit: 'harbor-bay' } })
  const send = (headers: Record<string, string>, payload: Record<string, unknown>) => app.inject({ method: 'POST', url: `/v1/tasks/${escalated.id}/events`, headers, payload })
  t.equal((await send(auth('office', 'harbor-bay', 'office.bay'), { type: 'PUT_ON_AGENDA' })).statusCode, 200)
  const member = (sub: string) => auth('leading_group', 'harbor-bay', sub)
  t.equal((await send(member('sun.weiyuan'), { type: 'VOTE', vote: 'approve', reason: '同意' })).statusCode, 403, 'sun.weiyuan comes from 海湾区民政局 and recuses')
  for (const sub of ['qian.zuzhang', 'li.weiyuan']) t.equal((await send(member(sub), { type: 'VOTE', vote: 'approve', reason: '同意' })).statusCode, 200)
  const decided = await send(member('qian.zuzhang'), { type: 'DECIDE', decision: 'approve', reason: '同意准入', minutes: '海湾区领导小组2027年第1次会议纪要' })
  t.equal(decided.json().state, 'admitted', decided.body)
})
