import t from 'tap'
import { build } from './helper.js'

// A community's residents' deliberation council: members added, changed, removed (kept), imported
// from CSV or JSON all or nothing with every bad row named, and who may do it.

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const URL = '/v1/councils/east-s1-c1'
const TERM = { termStart: '2026-01-01', termEnd: '2030-12-31' }

t.test('members are added, changed and removed; the council’s history and composition say what happened', async (t) => {
  const h = await build(t)
  const council = h.auth('council', 'east-s1-c1')
  const staff = h.auth('community', 'east-s1-c1')
  const add = (body: Json, who = council) => h.app.inject({ method: 'POST', url: `${URL}/members`, headers: who, payload: body })
  t.equal((await add({ sub: 'm01', name: '王建国', position: 'chair', partyMember: true, ...TERM })).statusCode, 201)
  t.equal((await add({ sub: 'm02', name: '李秀英', ...TERM }, staff)).statusCode, 201)
  t.equal((await add({ sub: 'm03', name: '赵敏', position: 'chair', ...TERM }, h.auth('admin', 'east'))).statusCode, 201, 'a new chair, by the district’s admin')
  t.equal((await add({ sub: 'm03', name: '赵敏', ...TERM })).statusCode, 409, 'already sitting')
  t.match((await add({ sub: 'm04', name: '钱', termStart: '2026-01-01', termEnd: '2025-12-31' })).json(), { status: 400, field: 'termEnd' })
  const list = (await h.app.inject({ method: 'GET', url: `${URL}/members`, headers: h.auth('street', 'east-s1') })).json()
  t.match(list.items, [
    { sub: 'm01', position: 'member', partyMember: true },
    { sub: 'm02', position: 'member', partyMember: false },
    { sub: 'm03', position: 'chair', partyMember: false }
  ])
  t.same(list.composition, { members: 3, partyMembers: 1, partyShare: 1 / 3, chairIsPartyMember: false }, 'recorded, not enforced')

  const patch = (sub: string, body: Json, who = council) => h.app.inject({ method: 'PATCH', url: `${URL}/members/${sub}`, headers: who, payload: body })
  t.match((await patch('m02', { position: 'vice_chair', partyMember: true })).json(), { position: 'vice_chair', partyMember: true })
  t.match((await patch('m02', { termEnd: '2025-01-01' })).json(), { status: 400, field: 'termEnd' })
  t.equal((await patch('nobody', { name: 'x' })).statusCode, 404)
  t.equal((await patch('m02', {})).statusCode, 400, 'a change changes something')
  t.equal((await h.app.inject({ method: 'DELETE', url: `${URL}/members/m01`, headers: staff })).statusCode, 204)
  t.equal((await h.app.inject({ method: 'DELETE', url: `${URL}/members/m01`, headers: staff })).statusCode, 404, 'removed once')
  t.same((await h.app.inject({ method: 'GET', url: `${URL}/members`, headers: council })).json().items.map((m: Json) => m.sub), ['m02', 'm03'])
  t.equal((await add({ sub: 'm01', name: '王建国', ...TERM })).statusCode, 201, 'a member removed comes back')

  const changes = (await h.app.inject({ method: 'GET', url: `${URL}/member-changes?limit=4`, headers: council })).json()
  t.same(changes.items.map((c: Json) => `${c.sub}:${c.change}`), ['m01:added', 'm02:added', 'm01:updated', 'm03:added'], 'the chair gave up the seat before the new one took it')
  const rest = (await h.app.inject({ method: 'GET', url: `${URL}/member-changes?cursor=${changes.nextCursor}`, headers: council })).json()
  t.same(rest.items.map((c: Json) => `${c.sub}:${c.change}`), ['m02:updated', 'm01:removed', 'm01:reinstated'])
  t.match(rest.items[1], { before: { sub: 'm01', name: '王建国' }, after: null, actor: { role: 'community' }, via: 'api' })
})

t.test('who manages and who reads a council', async (t) => {
  const h = await build(t)
  const member = { sub: 'm01', name: '王建国', ...TERM }
  const add = (who: { authorization: string }) => h.app.inject({ method: 'POST', url: `${URL}/members`, headers: who, payload: member })
  t.match((await add(h.auth('council', 'east-s1-c2'))).json(), { status: 403, detail: 'this council is of east-s1-c1, not of east-s1-c2' })
  t.match((await add(h.auth('street', 'east-s1'))).json(), { status: 403, detail: /managed by its council/ })
  t.match((await add(h.auth('admin', 'west'))).json(), { status: 403, detail: /outside what the admin of west/ })
  t.equal((await h.app.inject({ method: 'GET', url: `${URL}/members`, headers: h.auth('office', 'west') })).statusCode, 403)
  t.equal((await h.app.inject({ method: 'GET', url: `${URL}/members`, headers: h.auth('department', 'east-civil') })).statusCode, 403)
  t.equal((await h.app.inject({ method: 'GET', url: `${URL}/members` })).statusCode, 401)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/councils/east-s1/members', headers: h.auth('admin', 'city') })).statusCode, 404, 'a street has no council')
  t.equal((await h.app.inject({ method: 'GET', url: `${URL}/members`, headers: h.auth('office', 'east') })).json().composition.chairIsPartyMember, null, 'no chair yet')
})

t.test('an import is all or nothing and names every bad row; CSV as a spreadsheet saves it', async (t) => {
  const h = await build(t)
  const staff = h.auth('community', 'east-s1-c1')
  const json = (body: unknown, query = '') => h.app.inject({ method: 'POST', url: `${URL}/members/import${query}`, headers: staff, payload: body as Json })
  const csv = (body: string, type = 'text/csv; charset=utf-8') => h.app.inject({ method: 'POST', url: `${URL}/members/import`, headers: { ...staff, 'content-type': type }, payload: body })

  const bad = await json([
    { sub: 'm01', name: '王建国', position: 'chair', partyMember: true, ...TERM },
    { sub: 'm02', name: ' ', ...TERM },
    { sub: 'm03', name: '张', position: 'boss', partyMember: 'maybe', termStart: '2026-02-30', termEnd: '2030-12-31', extra: 1 },
    { sub: 'm01', name: '重复', position: 'chair', ...TERM },
    { sub: 7, name: '数', termStart: '2027-01-01', termEnd: '2026-01-01' },
    { sub: 'm06', name: '长'.repeat(201), ...TERM }
  ])
  t.equal(bad.statusCode, 400)
  const found = bad.json().invalidParams.map((p: Json) => `${p.row}:${p.field}`)
  t.same(found, ['2:name', '3:extra', '3:position', '3:partyMember', '3:termStart', '4:sub', '4:position', '5:sub', '5:termEnd', '6:name'])
  t.equal(bad.json().detail, '5 rows of the import are wrong; no member was imported')
  t.same((await h.app.inject({ method: 'GET', url: `${URL}/members`, headers: staff })).json().items, [], 'nothing was stored')

  const dry = await json([{ sub: 'm01', name: '王建国', position: 'chair', partyMember: true, ...TERM }], '?dryRun=true')
  t.match(dry.json(), { dryRun: true, summary: { created: 1 } })
  t.same((await h.app.inject({ method: 'GET', url: `${URL}/members`, headers: staff })).json().items, [], 'a dry run stores nothing')

  const file = '\uFEFFsub,name,position,partyMember,termStart,termEnd\r\nm01,王建国,chair,是,2026-01-01,2030-12-31\r\n\r\nm02,"李秀英,退休教师",vice_chair,否,2026-01-01,2030-12-31\r\nm03,"赵""敏""\r\n（楼长）",,,2026-01-01,2030-12-31\r\n'
  const imported = await csv(file)
  t.equal(imported.statusCode, 200, imported.body)
  t.match(imported.json(), { summary: { created: 3 }, items: [{ row: 2, member: { partyMember: true, position: 'chair' } }, { row: 4, member: { name: '李秀英,退休教师' } }, { row: 5, member: { name: '赵"敏"\n（楼长）', position: 'member' } }] })
  const again = await csv(file)
  t.same(again.json().summary, { created: 0, updated: 0, unchanged: 3 }, 'importing the same file twice changes nothing')
  // A new chair named by the file demotes the one not named.
  const chair = await csv('sub,name,position,partyMember,termStart,termEnd\nm04,孙,chair,true,2026-01-01,2030-12-31\n')
  t.match(chair.json().items, [{ row: 2, sub: 'm04', outcome: 'created' }, { row: null, sub: 'm01', outcome: 'updated', member: { position: 'member' } }])
  t.match((await csv('sub,name,position,partyMember,termStart,termEnd\nm04,孙,chair,yes,2026-01-01,2029-12-31\n')).json().items, [{ outcome: 'updated' }])

  const badCsv = await csv('sub,name,boss,name\nm01,x,y,z\n')
  t.same(badCsv.json().invalidParams.map((p: Json) => `${p.row}:${p.field}`), ['1:boss', '1:name', '1:termStart', '1:termEnd'])
  t.match((await csv('sub,name,termStart,termEnd\nm09,"unclosed,2026-01-01,2030-12-31\n')).json(), { status: 400, field: 'body' })
  t.match((await csv('')).json(), { status: 400, field: 'body' })
  const rowsLine = (i: number) => `x${i},名${i},,,2026-01-01,2030-12-31`
  t.match((await csv(['sub,name,position,partyMember,termStart,termEnd', ...Array.from({ length: 501 }, (_, i) => rowsLine(i))].join('\n'))).json(), { status: 400, detail: /501 rows/ })
  t.equal((await csv('sub,name\n', 'text/plain')).statusCode, 415)
  t.equal((await h.app.inject({ method: 'POST', url: `${URL}/members/import`, headers: h.auth('council', 'east-s1-c2'), payload: [] })).statusCode, 403)
})

t.test('two members named chair at once: both land, one after the other; never two chairs, never a 500', async (t) => {
  const h = await build(t)
  const staff = h.auth('community', 'east-s1-c1')
  for (const sub of ['m01', 'm02', 'm03']) {
    await h.app.inject({ method: 'POST', url: `${URL}/members`, headers: staff, payload: { sub, name: sub, position: sub === 'm01' ? 'chair' : 'member', ...TERM } })
  }
  const name = (sub: string) => h.app.inject({ method: 'PATCH', url: `${URL}/members/${sub}`, headers: staff, payload: { position: 'chair' } })
  const [a, b] = await Promise.all([name('m02'), name('m03')])
  t.same([a.statusCode, b.statusCode], [200, 200], 'the second reads the council the first wrote')
  const members = (await h.app.inject({ method: 'GET', url: `${URL}/members`, headers: staff })).json().items as Json[]
  const chairs = members.filter((m) => m.position === 'chair')
  t.equal(chairs.length, 1, 'one chair')
  const history = (await h.app.inject({ method: 'GET', url: `${URL}/member-changes?limit=100`, headers: staff })).json().items as Json[]
  const named = history.filter((e) => e.after?.position === 'chair' && e.before?.position === 'member').map((e) => e.sub)
  t.same(named.sort(), ['m02', 'm03'], 'both namings are in the history')
  const last = history.filter((e) => e.after?.position === 'chair').at(-1)!
  t.equal(chairs[0].sub, last.sub, 'the chair is the one named last')
  t.same(members.filter((m) => m.position === 'member').map((m) => m.sub).sort(), ['m01', 'm02', 'm03'].filter((s) => s !== last.sub), 'the chairs before are members again')
})

t.test('the same member added twice at once: one is added, the other is told it sits already', async (t) => {
  const h = await build(t)
  const staff = h.auth('community', 'east-s1-c1')
  const add = () => h.app.inject({ method: 'POST', url: `${URL}/members`, headers: staff, payload: { sub: 'm09', name: '同一人', ...TERM } })
  const [a, b] = await Promise.all([add(), add()])
  t.same([a.statusCode, b.statusCode].sort(), [201, 409])
  t.match((a.statusCode === 409 ? a : b).json(), { status: 409, type: /already-exists|conflict/ })
  const rows = (await h.app.inject({ method: 'GET', url: `${URL}/members`, headers: staff })).json().items.filter((m: Json) => m.sub === 'm09')
  t.equal(rows.length, 1)
})
