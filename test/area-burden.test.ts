import t, { type Test } from 'tap'
import { MarkedMemo } from '../src/platform/data-mark.js'
import { build, demoCommunities, type Harness } from './helper.js'

// Issue 11, "at a city's size": an area's ledger is paged, and its totals come from grouped
// queries instead of one ledger per community. On a district with forty communities and
// work of every shape on them, every page and the totals are compared with figures this
// test works out itself from what it submitted, and with each community's own ledger.

/** mulberry32: the same dataset on every run. */
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), a | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const DAY = 86_400_000
const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY
const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10)

interface Submitted {
  id: string
  targets: string[]
  start: string
  end: string
  hours: number
  perTarget: number
  carried: boolean
}

interface Window {
  from: string
  to: string
}

/** Hours of one task on one target inside a window, to the hundredth: its hours spread evenly over its days. */
function hoursIn(task: Submitted, w: Window): number {
  const first = Math.max(dayOf(task.start), dayOf(w.from))
  const last = Math.min(dayOf(task.end), dayOf(w.to))
  if (last < first) return 0
  return Math.round(((task.hours * (last - first + 1)) / (dayOf(task.end) - dayOf(task.start) + 1)) * 100)
}

const body = (over: Record<string, unknown>) => ({
  title: '协助开展社会救助困难排查与公示',
  description: '社区协助入户走访、困难排查,并公示审核结果。',
  targetLevel: 'community',
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条' }],
  ...over
})

async function district(t: Test, h: Harness) {
  const admin = h.auth('admin', 'city')
  const add = async (unit: Record<string, unknown>) => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/org-units', headers: admin, payload: unit })
    t.equal(res.statusCode, 201, res.body)
  }
  await add({ id: 'east-s9', kind: 'street', name: '东湖九街道', parentId: 'east' })
  const added = Array.from({ length: 36 }, (_, i) => `east-s9-c${String(i + 1).padStart(2, '0')}`)
  for (const [i, id] of added.entries()) await add({ id, kind: 'community', name: `东湖九街道第${i + 1}社区`, parentId: 'east-s9' })
  return [...demoCommunities('east-s1'), ...demoCommunities('east-s2'), ...added].sort()
}

/** Thirty admitted tasks of either department, a returned one, a suspended one, funding words and burden reports. */
async function seed(t: Test, h: Harness, communities: string[]) {
  const rng = random(11_05)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!
  const tasks: Submitted[] = []
  for (let i = 0; i < 30; i++) {
    const whole = i % 10 === 0
    const targets = whole ? communities : [...new Set(Array.from({ length: 1 + Math.floor(rng() * 12) }, () => pick(communities)))].sort()
    const startDay = dayOf('2026-12-01') + Math.floor(rng() * 300)
    const start = dateOf(startDay)
    // The default pack's calendar covers 2025–2027.
    const end = dateOf(Math.min(startDay + 10 + Math.floor(rng() * 400), dayOf('2027-12-31')))
    const hours = pick([8, 16, 7.5, 120, 33.3, 1])
    const funded = rng() < 0.6
    const perTarget = pick([6000, 8000, 12345.5])
    const payload = body({
      title: `协助开展第${i + 1}项困难排查`,
      targets,
      period: { start, end },
      workloadHours: hours,
      ...(funded ? { funding: { perTarget, source: '区财政社会救助专项', committed: true } } : { catalogItem: 'LD-15', funding: null })
    })
    const department = i % 3 === 0 ? 'city-civil' : 'east-civil'
    const res = await h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', department), payload: { ...payload, submit: true } })
    t.equal(res.json().state, 'admitted', res.body)
    tasks.push({ id: res.json().id, targets, start, end, hours, perTarget: funded ? perTarget : 0, carried: true })
  }
  // Returned for want of money: never burden.
  const returned = await h.app.inject({
    method: 'POST',
    url: '/v1/tasks',
    headers: h.auth('department', 'east-civil'),
    payload: { ...body({ targets: communities.slice(0, 5), period: { start: '2027-01-01', end: '2027-12-31' }, workloadHours: 50, funding: null }), submit: true }
  })
  t.equal(returned.json().state, 'returned')
  // Suspended work still lies on the communities.
  const suspend = await h.app.inject({ method: 'POST', url: `/v1/tasks/${tasks[4]!.id}/events`, headers: h.auth('office', 'east'), payload: { type: 'SUSPEND', reason: '经费未到位' } })
  t.equal(suspend.json().state, 'suspended', suspend.body)

  // The latest word of a community counts: some say received (with or without an amount), some missing, some change their mind.
  const words = new Map<string, { status: string; amount?: number }>()
  for (let i = 0; i < 40; i++) {
    const task = pick(tasks)
    const community = pick(task.targets)
    const word = pick([{ status: 'received', amount: 8000 }, { status: 'received' }, { status: 'missing' }, { status: 'received', amount: 123.45 }])
    const res = await h.app.inject({ method: 'POST', url: `/v1/tasks/${task.id}/funding-confirmations`, headers: h.auth('community', community), payload: word })
    t.equal(res.statusCode, 201, res.body)
    words.set(`${task.id}/${community}`, word)
  }
  const reports = new Map<string, number>()
  for (const community of [communities[0]!, communities[7]!, communities[7]!, communities[30]!]) {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/burden-reports',
      headers: h.auth('community', community),
      payload: { department: 'east-civil', what: '要求社区填报统计表', askedOn: '2026-10-05', evidence: '工作群通知截图' }
    })
    t.equal(res.statusCode, 201, res.body)
    reports.set(community, (reports.get(community) ?? 0) + 1)
  }
  return { tasks, words, reports }
}

type Dataset = Awaited<ReturnType<typeof seed>>

/** What each community's ledger holds in a window, and the area's totals, worked out from what was submitted. */
function expected(data: Dataset, communities: string[], w: Window) {
  const onIt = (c: string) => data.tasks.filter((x) => x.carried && x.targets.includes(c) && x.start <= w.to && x.end >= w.from)
  const items = communities.map((community) => {
    const mine = onIt(community)
    const confirmed = mine.reduce((s, x) => {
      const word = data.words.get(`${x.id}/${community}`)
      return s + (word?.status === 'received' ? (word.amount ?? 0) : 0)
    }, 0)
    return {
      community,
      tasks: mine.length,
      hours: mine.reduce((s, x) => s + hoursIn(x, w), 0) / 100,
      fundingPromised: Math.round(mine.reduce((s, x) => s + x.perTarget, 0) * 100) / 100,
      fundingConfirmed: Math.round(confirmed * 100) / 100,
      openBurdenReports: data.reports.get(community) ?? 0
    }
  })
  const sum = (f: (i: (typeof items)[number]) => number) => Math.round(items.reduce((s, i) => s + f(i) * 100, 0)) / 100
  const totals = {
    communities: communities.length,
    tasks: new Set(communities.flatMap((c) => onIt(c).map((x) => x.id))).size,
    hours: sum((i) => i.hours),
    fundingPromised: sum((i) => i.fundingPromised),
    fundingConfirmed: sum((i) => i.fundingConfirmed),
    openBurdenReports: items.reduce((s, i) => s + i.openBurdenReports, 0)
  }
  return { items, totals }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are compared whole
type Page = Record<string, any> & { nextCursor: string | null }

async function allPages(h: Harness, url: string, limit: number) {
  const pages: Page[] = []
  let cursor: string | null = null
  do {
    const res: { statusCode: number; body: string; json: () => Page } = await h.app.inject({ method: 'GET', url: `${url}&limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`, headers: h.auth('office', 'east') })
    if (res.statusCode !== 200) throw new Error(res.body)
    pages.push(res.json())
    cursor = res.json().nextCursor
  } while (cursor !== null)
  return pages
}

t.test('an area ledger, page by page, adds up to what its communities carry', async (t) => {
  const h = await build(t)
  const communities = await district(t, h)
  const data = await seed(t, h, communities)
  for (const w of [
    { from: '2027-01-01', to: '2027-12-31' },
    { from: '2027-02-10', to: '2027-08-20' },
    { from: '2025-01-01', to: '2027-12-31' }
  ]) {
    const want = expected(data, communities, w)
    t.ok(want.totals.tasks > 10 && want.totals.fundingConfirmed > 0, `the window ${w.from}…${w.to} holds work`)
    const pages = await allPages(h, `/v1/org-units/east/burden?from=${w.from}&to=${w.to}`, 7)
    t.equal(pages.length, 6, '40 communities, 7 a page')
    for (const p of pages) {
      t.same(p.totals, want.totals, `${w.from}…${w.to}: the totals are the whole area's on every page`)
      t.same(p.window, w)
      t.equal(p.orgUnit, 'east')
    }
    t.same(
      pages.flatMap((p) => p.items),
      want.items,
      `${w.from}…${w.to}: every community once, in id order, with its figures`
    )
    // The community ledgers themselves (one query set per community) agree with the grouped page.
    for (const item of want.items.filter((_, i) => i % 5 === 0)) {
      const own = (await h.app.inject({ method: 'GET', url: `/v1/communities/${item.community}/burden?from=${w.from}&to=${w.to}`, headers: h.auth('office', 'east') })).json()
      t.same(
        { tasks: own.totals.tasks, hours: own.totals.hours, fundingPromised: own.totals.fundingPromised, fundingConfirmed: own.totals.fundingConfirmed, openBurdenReports: own.openBurdenReports },
        { tasks: item.tasks, hours: item.hours, fundingPromised: item.fundingPromised, fundingConfirmed: item.fundingConfirmed, openBurdenReports: item.openBurdenReports },
        `${item.community}: its own ledger says the same`
      )
    }
  }
  const street = expected(data, communities.filter((c) => c.startsWith('east-s9-')), { from: '2027-01-01', to: '2027-12-31' })
  const [first] = await allPages(h, '/v1/org-units/east-s9/burden?from=2027-01-01&to=2027-12-31', 200)
  t.same(first.totals, street.totals, 'a street')
  t.same(first.items, street.items)
  t.equal(first.nextCursor, null, 'one page holds it')
  const city = (await h.app.inject({ method: 'GET', url: '/v1/org-units/city/burden?from=2027-01-01&to=2027-12-31', headers: h.auth('admin', 'city') })).json()
  t.equal(city.totals.communities, 44, 'the city: the west district’s four communities too')
  t.equal(city.items.length, 44, 'the default page holds them')
  t.equal(city.totals.hours, expected(data, communities, { from: '2027-01-01', to: '2027-12-31' }).totals.hours, 'no task of the city lies on the west district')
})

t.test('the totals follow every change they depend on', async (t) => {
  const h = await build(t)
  const url = '/v1/org-units/east/burden?from=2027-01-01&to=2027-12-31'
  const totals = async () => (await h.app.inject({ method: 'GET', url, headers: h.auth('office', 'east') })).json().totals
  t.same(await totals(), { communities: 4, tasks: 0, hours: 0, fundingPromised: 0, fundingConfirmed: 0, openBurdenReports: 0 })
  const [c1] = demoCommunities('east-s1') as [string]
  const task = await h.app.inject({
    method: 'POST',
    url: '/v1/tasks',
    headers: h.auth('department', 'east-civil'),
    payload: { ...body({ targets: [c1], period: { start: '2027-01-01', end: '2027-12-31' }, workloadHours: 365, funding: { perTarget: 8000, source: '区财政', committed: true } }), submit: true }
  })
  t.same(await totals(), { communities: 4, tasks: 1, hours: 365, fundingPromised: 8000, fundingConfirmed: 0, openBurdenReports: 0 }, 'an admission')
  await h.app.inject({ method: 'POST', url: `/v1/tasks/${task.json().id}/funding-confirmations`, headers: h.auth('community', c1), payload: { status: 'received', amount: 7000 } })
  t.equal((await totals()).fundingConfirmed, 7000, 'a funding confirmation')
  await h.app.inject({ method: 'POST', url: `/v1/tasks/${task.json().id}/funding-confirmations`, headers: h.auth('community', c1), payload: { status: 'missing' } })
  t.equal((await totals()).fundingConfirmed, 0, 'the latest word counts')
  await h.app.inject({
    method: 'POST',
    url: '/v1/burden-reports',
    headers: h.auth('community', c1),
    payload: { department: 'east-civil', what: '要求社区填报统计表', askedOn: '2026-10-05', evidence: '工作群通知截图' }
  })
  t.equal((await totals()).openBurdenReports, 1, 'a burden report')
  await h.app.inject({ method: 'POST', url: '/v1/org-units', headers: h.auth('admin', 'city'), payload: { id: 'east-s1-c9', kind: 'community', name: '东湖一街道第九社区', parentId: 'east-s1' } })
  t.equal((await totals()).communities, 5, 'a new community')
})

t.test('bad paging parameters are refused, naming the field', async (t) => {
  const h = await build(t)
  const headers = h.auth('admin', 'city')
  for (const [query, field] of [
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=x', 'limit'],
    ['cursor=%2A%2A', 'cursor'],
    [`cursor=${Buffer.from('s99999999999').toString('base64url')}`, 'cursor'],
    [`cursor=${Buffer.from('east').toString('base64url')}`, 'cursor'],
    ['page=2', 'page']
  ]) {
    const res = await h.app.inject({ method: 'GET', url: `/v1/org-units/east/burden?${query}`, headers })
    t.equal(res.statusCode, 400, `${query}: 400`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', query)
    t.match(JSON.stringify(res.json()), field, `${query}: names ${field}`)
  }
  const past = await h.app.inject({ method: 'GET', url: `/v1/org-units/east/burden?cursor=${Buffer.from('s1000').toString('base64url')}`, headers })
  t.same(past.json().items, [], 'a page past the end is empty')
  t.equal(past.json().nextCursor, null)
  t.equal(past.json().totals.communities, 4, 'and still carries the totals')
})

t.test('values are kept against their mark, and the oldest goes first', async (t) => {
  const memo = new MarkedMemo<number>(2)
  let computed = 0
  const value = (key: string, mark: string) => memo.get(key, mark, async () => ++computed)
  t.equal(await value('a', '1'), 1)
  t.equal(await value('a', '1'), 1, 'the same mark: kept')
  t.equal(await value('a', '2'), 2, 'a new mark: computed again')
  t.equal(await value('b', '2'), 3)
  t.equal(await value('c', '2'), 4)
  t.equal(await value('b', '2'), 3, 'b is still kept')
  t.equal(await value('a', '2'), 5, 'a, the oldest, was dropped for c')
})
