import t from 'tap'
import { chinaDate } from '../src/clock.js'
import { diffPacks } from '../src/policy/pack-diff.js'
import { publishedMeanwhile, publishPack, exportPack } from '../src/policy/pack-publish.js'
import { ensurePack, loadBasePack } from '../src/policy/pack-store.js'
import { semanticErrors } from '../src/policy/pack-validation.js'
import { DEFAULT_PACK, nextItemCode } from '../src/policy/pack.js'
import type { PolicyPack } from '../src/policy/types.js'
import { freshDatabase, TEST_NOW } from './helper.js'

// The edges of a city's pack that the HTTP and CLI tests do not reach: packs stored before
// sources and parameters were named, lists without numbered codes, a publish that loses a
// race, and a city's own pack meeting a new release at start-up.

t.test('a pack without a sources table or a parameter, diffed and checked', async (t) => {
  const { sources: _sources, ...withoutSources } = DEFAULT_PACK
  const old = withoutSources as PolicyPack
  const now = { ...DEFAULT_PACK, parameters: { ...DEFAULT_PACK.parameters, communityHourlyCost: { yuan: 60, source: '市人社局2026年社区工作者薪酬指导价' } } }
  const diff = diffPacks(old, now)
  t.match(diff.parameters, [{ name: 'communityHourlyCost', before: null, after: { yuan: 60 } }], 'a parameter the older pack lacked')
  t.same(diff.sources.added, DEFAULT_PACK.sources!.map((s) => s.id), 'every source is new to a pack without a table')
  t.match(diffPacks(now, old).parameters, [{ name: 'communityHourlyCost', after: null }])
  t.ok(Array.isArray(semanticErrors(old, chinaDate(TEST_NOW))), 'a pack without a sources table is checked, not refused for it')
})

t.test('a leading group’s new item continues the list’s numbering, or starts one', async (t) => {
  t.equal(nextItemCode(DEFAULT_PACK, 'community'), `AT-${String(DEFAULT_PACK.levels.community.assisted_tasks.length + 1).padStart(2, '0')}`)
  const unnumbered = (level: 'community' | 'street'): PolicyPack => ({
    ...DEFAULT_PACK,
    levels: { ...DEFAULT_PACK.levels, [level]: { ...DEFAULT_PACK.levels[level], assisted_tasks: DEFAULT_PACK.levels[level].assisted_tasks.map((i, n) => ({ ...i, code: `协助事项${'甲乙丙丁戊己庚辛壬癸'[n % 10]}${'子丑寅卯辰巳午未申酉戌亥'[Math.floor(n / 10)]}` })) } }
  })
  t.equal(nextItemCode(unnumbered('community'), 'community'), 'AT-01')
  t.equal(nextItemCode(unnumbered('street'), 'street'), 'SAT-01')
})

t.test('a publish that another one beat to the same version is told to export again', async (t) => {
  const problem = publishedMeanwhile()
  t.equal(problem.status, 409)
  t.match(problem.type, /policy-pack-published-meanwhile$/)
  t.match(problem.detail.en, /export again and retry/)
  t.match(problem.detail.zh, /重新导出/)
})

t.test('a city’s own pack stays in force when a new release starts with a newer default pack', async (t) => {
  const db = await freshDatabase(t)
  await ensurePack(db.knex, DEFAULT_PACK, TEST_NOW.toISOString())
  const file = await exportPack(db.knex)
  const own = { ...file, version: '2027.1', parameters: { ...file.parameters, quorum: 0.6 } }
  const published = await publishPack(db.knex, own, { today: chinaDate(TEST_NOW), now: TEST_NOW.toISOString(), by: { via: 'cli', user: 'ops' } })
  t.equal(published.pack.version, '2027.1')
  const release = { ...DEFAULT_PACK, version: '2099.1' }
  const loaded = await loadBasePack(db.knex, release, TEST_NOW.toISOString())
  t.equal(loaded.ref.version, '2027.1', 'the city’s pack, not the release’s')
  t.notOk(await db.knex('policy_packs').where({ version: '2099.1' }).first(), 'the release’s pack is not stored over it')
})
