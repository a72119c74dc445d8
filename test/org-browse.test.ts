import t from 'tap'
import { DEMO_ORG_TREE } from '../src/demo.js'
import { build } from './helper.js'

// An official finds the ids to target: the org tree browsed by parent and kind, searched by name or id, paged.

type Unit = { id: string; kind: string; name: string; parentId: string | null }

t.test('browse, search and page the org tree', async (t) => {
  const h = await build(t)
  const get = async (query: string) => {
    const res = await h.app.inject({ method: 'GET', url: `/v1/org-units${query}` })
    t.equal(res.statusCode, 200, query)
    return res.json() as { items: Unit[]; nextCursor: string | null }
  }
  const all: Unit[] = []
  let cursor: string | null = null
  do {
    const page = await get(`?limit=7${cursor === null ? '' : `&cursor=${cursor}`}`)
    t.ok(page.items.length <= 7)
    all.push(...page.items)
    cursor = page.nextCursor
  } while (cursor !== null)
  t.same(all.map((u) => u.id), DEMO_ORG_TREE.map((u) => u.id).sort(), 'every unit once, in id order, across pages')

  const children = await get('?parentId=east-s1')
  t.same(children.items.map((u) => u.id).sort(), DEMO_ORG_TREE.filter((u) => u.parentId === 'east-s1').map((u) => u.id).sort())
  const communities = await get('?kind=community&limit=200')
  t.equal(communities.items.length, DEMO_ORG_TREE.filter((u) => u.kind === 'community').length)
  t.ok(communities.items.every((u) => u.kind === 'community'))
  const east = await get('?parentId=east-s1&kind=community')
  t.same(east.items.map((u) => u.id), ['east-s1-c1', 'east-s1-c2'])

  const byName = await get(`?q=${encodeURIComponent('民政局')}`)
  t.same(byName.items.map((u) => u.id).sort(), DEMO_ORG_TREE.filter((u) => u.name.includes('民政局')).map((u) => u.id).sort(), 'part of a name')
  const byId = await get('?q=WEST-S2')
  t.same(byId.items.map((u) => u.id).sort(), DEMO_ORG_TREE.filter((u) => u.id.startsWith('west-s2')).map((u) => u.id).sort(), 'the start of an id, in any case')
  t.same((await get(`?q=${encodeURIComponent('%')}`)).items, [], 'a wildcard character is searched for as written')
  t.same((await get(`?q=${encodeURIComponent('_')}`)).items, [])

  for (const query of ['?kind=planet', '?limit=0', '?limit=201', '?cursor=bm90LWEtY3Vyc29y', '?q=', '?colour=red']) {
    const res = await h.app.inject({ method: 'GET', url: `/v1/org-units${query}` })
    t.equal(res.statusCode, 400, query)
    t.match(res.headers['content-type'], /application\/problem\+json/)
  }
})
