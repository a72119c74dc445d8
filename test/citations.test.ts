import t from 'tap'
import { migrationSource } from '../migrations/index.js'
import { SEED_SOURCES } from '../migrations/20261215000000_citations.js'
import { DEFAULT_PACK } from '../src/policy/pack.js'
import { ensurePack } from '../src/policy/pack-store.js'
import { screenTask } from '../src/policy/screen.js'
import { CATALOG_LISTS, TARGET_LEVELS, type PolicyPack } from '../src/policy/types.js'
import { build, demoCommunities, type Harness } from './helper.js'

// Findings cite documents a reader can find: by title, issuer and section, as the pack in force
// names them when it screens, never by the name of a file the rules were drawn from.

interface Citation {
  source: string
  title: string
  issuer: string
  section: string
}
type Json = Record<string, any>

/** Asks for investment quotas: rejected by economic_target, which rests on the Nanjing plan among others. */
const quota = {
  title: '关于下达2027年度社区招商引资任务的通知',
  description: '请各社区完成招商引资任务。',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  period: { start: '2027-03-01', end: '2027-12-31' },
  workloadHours: 40
}

/** Starts on the day it is submitted: returned by application_lead_time, which follows Beijing Xicheng's procedure. */
const hurried = {
  ...quota,
  title: '协助开展社区电动自行车停放需求摸底',
  description: '了解居民电动自行车停放和充电需求。',
  legalBasis: [{ title: '《中华人民共和国城市居民委员会组织法》', article: '第三条' }],
  funding: { perTarget: 3000, source: '区财政', committed: true },
  period: { start: '2026-10-12', end: '2026-12-31' }
}

async function screen(h: Harness, task: object): Promise<Json> {
  const res = await h.app.inject({ method: 'POST', url: '/v1/screenings', payload: { ...task, department: 'east-civil' } })
  if (res.statusCode !== 200) throw new Error(`screening: ${res.statusCode} ${res.body}`)
  return res.json()
}

async function submit(h: Harness, task: object): Promise<Json> {
  const res = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', 'east-civil'), payload: { ...task, submit: true } })
  if (res.statusCode !== 201) throw new Error(`submission: ${res.statusCode} ${res.body}`)
  return res.json()
}

const citationsOf = (screening: Json, rule: string): Citation[] => screening.findings.find((f: Json) => f.rule === rule).citations
const sourcesListed = async (h: Harness): Promise<Json[]> => (await h.app.inject({ method: 'GET', url: '/v1/catalogs' })).json().sources

t.test('a finding cites each document by title, issuer and section, as the pack’s sources table names it', async (t) => {
  const h = await build(t)
  const cited = citationsOf(await screen(h, quota), 'economic_target')
  t.same(cited[0], { source: 'nanjing-2014', title: '《南京市深化街道和社区体制改革实施方案》', issuer: '南京市', section: '§二.11' })
  const table = new Map((await sourcesListed(h)).map((s) => [s.id, s]))
  for (const c of cited) t.match(table.get(c.source), { id: c.source }, `${c.source} is in the table the public reads`)
  for (const c of cited) t.same([c.title, c.issuer], [table.get(c.source)!.title, table.get(c.source)!.issuer], `${c.source}: its title and issuer`)

  const lead = citationsOf(await screen(h, hurried), 'application_lead_time')
  t.same(lead.map((c) => c.source), ['xicheng-2018'], 'the lead time cites the practice it follows')
  t.match(table.get('xicheng-2018'), { title: /西城区/, note: /30个工作日/ }, 'which says what is known of it')
})

t.test('no citation, list item or source names a file', async (t) => {
  const h = await build(t)
  const said: unknown[] = [await screen(h, quota), await screen(h, hurried), await sourcesListed(h)]
  for (const level of TARGET_LEVELS) {
    for (const list of CATALOG_LISTS) said.push((await h.app.inject({ method: 'GET', url: `/v1/catalogs/${list}?level=${level}` })).json().items)
  }
  for (const answer of said) t.notMatch(JSON.stringify(answer), /\.txt\b/)
  const first = (await h.app.inject({ method: 'GET', url: '/v1/catalogs/lawful_duties' })).json().items[0]
  t.match(first.source, /《张家港市关于建设全省社区治理和服务创新实验区实施意见》（Ⅰ）及张政办〔2013〕1号（Ⅱ） Ⅱ/, 'an item names its documents by title')
})

t.test('a city pack cites its own documents, and may replace a rule’s citations with them', async (t) => {
  const h = await build(t)
  const city: PolicyPack = {
    ...DEFAULT_PACK,
    id: 'some-city',
    version: '2027.1',
    sources: [{ id: 'some-city-2026', title: '《某市社区工作准入管理办法》', issuer: '某市人民政府办公室', date: '2026-06-01', published: '某市人民政府公报' }],
    // A city document and a national one the pack does not list itself: the built-in table names it.
    ruleCitations: { economic_target: [{ source: 'some-city-2026', section: '第六条' }, { source: 'minfa-2015-136', section: '§一' }] }
  }
  await ensurePack(h.db.knex, city, new Date().toISOString())
  const s = await screen(h, quota)
  t.equal(s.policy.id, 'some-city')
  t.same(citationsOf(s, 'economic_target'), [
    { source: 'some-city-2026', title: '《某市社区工作准入管理办法》', issuer: '某市人民政府办公室', section: '第六条' },
    { source: 'minfa-2015-136', title: '《民政部、中央组织部关于进一步开展社区减负工作的通知》', issuer: '民政部、中共中央组织部', section: '§一' }
  ])
  t.same(citationsOf(await screen(h, hurried), 'application_lead_time').map((c) => c.source), ['xicheng-2018'], 'the rules it leaves alone keep theirs')
  const listed = await sourcesListed(h)
  t.equal(listed[0]!.id, 'some-city-2026', 'its own documents first')
  t.ok(listed.some((s) => s.id === 'minfa-2015-136'), 'then the built-in ones it may cite')
})

t.test('a pack that cites a document it does not name is refused before it is stored', async (t) => {
  const h = await build(t)
  const stored = async () => Number((await h.db.knex('policy_packs').count({ n: '*' }))[0]!.n)
  const before = await stored()
  const bad: PolicyPack = { ...DEFAULT_PACK, version: '2027.1', ruleCitations: { not_in_catalog: [{ source: 'nowhere', section: '1' }] } }
  await t.rejects(ensurePack(h.db.knex, bad, new Date().toISOString()), /not_in_catalog cites source "nowhere"/)
  t.equal(await stored(), before)
  const declaration = { ...hurried, targetLevel: 'community' as const, kind: 'service' as const, catalogItem: null, certificate: null, authority: null }
  const submitter = { sector: 'civil_affairs', jurisdiction: 'east', submittedOn: '2026-10-09' }
  t.throws(() => screenTask(declaration, submitter, bad, { id: bad.id, version: bad.version, hash: '' }), /cites source "nowhere"/, 'nor can it screen in-process')
})

t.test('under a pack stored before packs had sources, screening and re-explaining still cite readably', async (t) => {
  const h = await build(t)
  const { sources: _, ...older } = DEFAULT_PACK
  await ensurePack(h.db.knex, { ...older, version: '2026.2-old' }, new Date().toISOString())
  const task = await submit(h, quota)
  t.equal(task.screening.policy.version, '2026.2-old')
  const nanjing = citationsOf(task.screening, 'economic_target')[0]
  t.same(nanjing, { source: 'nanjing-2014', title: '《南京市深化街道和社区体制改革实施方案》', issuer: '南京市', section: '§二.11' }, 'the built-in table answers')
  const again = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${task.id}/screening?asOf=original`, headers: h.auth('department', 'east-civil') })).json()
  t.equal(again.sameAsRecorded, true, 're-explained against that pack, it says the same')
  t.same(again.screening.findings, task.screening.findings)
  t.equal((await sourcesListed(h)).length > 0, true, 'the public still reads a sources table')
})

t.test('a screening stored with file names reads in the new shape after the migration', async (t) => {
  const h = await build(t)
  const dept = h.auth('department', 'east-civil')
  const rejected = await submit(h, quota)
  const returned = await submit(h, hurried)
  const read = async (id: string) => ({
    task: (await h.app.inject({ method: 'GET', url: `/v1/tasks/${id}`, headers: dept })).json(),
    events: (await h.app.inject({ method: 'GET', url: `/v1/tasks/${id}/events`, headers: dept })).json()
  })
  const before = await read(rejected.id)

  // Back to the shape the release wrote: file names only.
  await h.db.knex.migrate.down({ migrationSource, name: '20261215000000_citations' })
  const rows = [
    ...(await h.db.knex('tasks').select('screening')).map((r) => JSON.parse(r.screening).findings),
    ...(await h.db.knex('task_events').whereNotNull('findings').select('findings')).map((r) => JSON.parse(r.findings))
  ]
  const old = rows.flat().flatMap((f: Json) => f.citations)
  t.ok(old.length > 0)
  t.ok(old.every((c: Json) => Object.keys(c).sort().join() === 'section,seed' && c.seed in SEED_SOURCES), 'every stored citation names a file')

  await h.db.knex.migrate.latest({ migrationSource })
  t.same(await read(rejected.id), before, 'the task and its history read as they did before, in the new shape')
  t.same(citationsOf((await read(returned.id)).task.screening, 'application_lead_time'), [], 'a citation the old shape could not hold is not made up')
})
