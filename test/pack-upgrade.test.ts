import t from 'tap'
import { amendPack, DEFAULT_PACK } from '../src/policy/pack.js'
import type { CatalogItem, PolicyPack } from '../src/policy/types.js'
import { CurrentPack, ensurePack, loadBasePack } from '../src/policy/pack-store.js'
import { freshDatabase } from './helper.js'

// A new version of the code's pack must not drop what leading groups decided on the old one.

const decided = (name: string, sector: string, jurisdiction: string): Omit<CatalogItem, 'code'> => ({
  name,
  sector,
  responsibleDepartment: '区民政局',
  legalBasis: '《社会救助暂行办法》',
  fundingRequired: true,
  fundingMinimum: 3000,
  source: `${jurisdiction} 领导小组集体研究决定 2026-10-09`,
  titles: [name],
  kinds: ['service'],
  jurisdiction
})

const NOW = '2026-11-24T02:00:00.000Z'
// Base versions after the code's, whatever the code's is.
const NEXT = `${DEFAULT_PACK.version}.1`
const AFTER_NEXT = `${DEFAULT_PACK.version}.2`
const codes = (p: PolicyPack, level: 'community' | 'street') => p.levels[level].assisted_tasks.map((i) => i.code)

t.test('a fresh database: the base pack is the pack in force; loading it again changes nothing', async (t) => {
  const db = await freshDatabase(t)
  await loadBasePack(db.knex, DEFAULT_PACK, NOW)
  await loadBasePack(db.knex, DEFAULT_PACK, NOW)
  t.same(
    (await db.knex('policy_packs').select('version')).map((r) => r.version),
    [DEFAULT_PACK.version]
  )
})

t.test('an upgrade keeps the amendments: renumbered where the new base took the code, not repeated where it lists the item', async (t) => {
  const db = await freshDatabase(t)
  await loadBasePack(db.knex, DEFAULT_PACK, NOW)
  const a1 = amendPack(DEFAULT_PACK, 'community', decided('协助开展困难群众走访慰问', 'civil_affairs', 'east'))
  const a2 = amendPack(a1.pack, 'street', decided('协助开展街道养老服务需求摸底', 'civil_affairs', 'east'))
  const a3 = amendPack(a2.pack, 'community', decided('协助开展独居老人探访', 'civil_affairs', 'west'))
  for (const p of [a1.pack, a2.pack, a3.pack]) await ensurePack(db.knex, p, NOW)

  // The new base takes a1's code for an item of its own and adopts a3's item into its list.
  const extra = { ...decided('协助开展新的法定协助事项', 'public_security', 'city'), code: a1.code, titles: undefined, jurisdiction: undefined }
  const adopted = { ...decided('协助开展独居老人探访', 'civil_affairs', 'west'), code: 'AT-90' }
  const upgraded: PolicyPack = {
    ...DEFAULT_PACK,
    version: NEXT,
    levels: { ...DEFAULT_PACK.levels, community: { ...DEFAULT_PACK.levels.community, assisted_tasks: [...DEFAULT_PACK.levels.community.assisted_tasks, extra, adopted] } }
  }
  await loadBasePack(db.knex, upgraded, NOW)
  const current = await new CurrentPack().get(db.knex)
  t.equal(current.ref.version, `${NEXT}-a1`, 'the amendments are published again on the new base')
  const community = current.pack.levels.community.assisted_tasks
  const carried = community.find((i) => i.name === '协助开展困难群众走访慰问')!
  t.not(carried.code, a1.code, 'the new base took the code: the amended item gets the next free one')
  t.equal(carried.code, 'AT-91')
  t.same(carried.titles, ['协助开展困难群众走访慰问'], 'titles and jurisdiction still let the identical submission match it')
  t.equal(carried.jurisdiction, 'east')
  t.match(carried.source, /east 领导小组集体研究决定/)
  t.equal(community.filter((i) => i.name === '协助开展独居老人探访').length, 1, 'an item the new base lists is not added twice')
  t.ok(codes(current.pack, 'street').includes(a2.code), 'a free code is kept')
  t.same(
    (await db.knex('policy_packs').orderBy('seq').select('version')).map((r) => r.version),
    [DEFAULT_PACK.version, a1.pack.version, a2.pack.version, a3.pack.version, NEXT, `${NEXT}-a1`]
  )
})

t.test('an upgrade over an unamended base, or with nothing left to carry, publishes the base alone', async (t) => {
  const db = await freshDatabase(t)
  await loadBasePack(db.knex, DEFAULT_PACK, NOW)
  await loadBasePack(db.knex, { ...DEFAULT_PACK, version: NEXT }, NOW)
  t.equal((await new CurrentPack().get(db.knex)).ref.version, NEXT)

  const a1 = amendPack({ ...DEFAULT_PACK, version: NEXT }, 'community', decided('协助开展困难群众走访慰问', 'civil_affairs', 'east'))
  await ensurePack(db.knex, a1.pack, NOW)
  const adopted = { ...decided('协助开展困难群众走访慰问', 'civil_affairs', 'east'), code: 'AT-95' }
  const next = { ...DEFAULT_PACK, version: AFTER_NEXT, levels: { ...DEFAULT_PACK.levels, community: { ...DEFAULT_PACK.levels.community, assisted_tasks: [...DEFAULT_PACK.levels.community.assisted_tasks, adopted] } } }
  await loadBasePack(db.knex, next, NOW)
  t.equal((await new CurrentPack().get(db.knex)).ref.version, AFTER_NEXT, 'the new base lists the amended item itself')
})
