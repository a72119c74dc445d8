import t from 'tap'
import { sweep } from '../src/tasks/deadlines.js'
import { build, demoCommunities, type Harness } from './helper.js'

// Issue 11 item 1: a city's own lists. The pack is a file: exported, edited, validated, diffed
// and published through the admin API; leading groups' amendments survive a publish; a removed
// item leaves the tasks admitted under it explainable; dates outside the calendar are refused.

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const ADMITTED = {
  title: '协助开展社会救助困难排查与公示',
  description: '社区协助入户走访、困难排查,并公示审核结果。',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条' }],
  funding: { perTarget: 8000, source: '区财政社会救助专项', committed: true },
  period: { start: '2027-03-01', end: '2027-12-31' },
  workloadHours: 120,
  submit: true
}
const UNLISTED = {
  ...ADMITTED,
  title: '协助开展社区养老服务需求调查',
  catalogItem: undefined,
  legalBasis: [{ title: '《老年人权益保障法》' }],
  funding: { perTarget: 5000, source: '市福彩公益金', committed: true },
  period: { start: '2027-04-01', end: '2027-06-30' },
  workloadHours: 40,
  targets: ['east-s1-c1']
}

const admin = (h: Harness) => h.auth('admin', 'city', 'pack.admin')
const exported = async (h: Harness): Promise<Json> => (await h.app.inject({ method: 'GET', url: '/v1/policy-packs/current' })).json()
const post = (h: Harness, body: unknown, query = '', headers = admin(h)) => h.app.inject({ method: 'POST', url: `/v1/policy-packs${query}`, headers, payload: body as Json })
const versions = async (h: Harness, headers: Record<string, string> = {}) => (await h.app.inject({ method: 'GET', url: '/v1/policy-packs', headers })).json().items as Json[]
const submit = (h: Harness, body: Json, dept = 'city-civil') => h.app.inject({ method: 'POST', url: '/v1/tasks', headers: h.auth('department', dept, 'li.min'), payload: body })

/** The README's tour: an unlisted task escalates to the city group and is approved into assisted_tasks. */
async function amendByDecision(h: Harness): Promise<Json> {
  const task = (await submit(h, UNLISTED)).json()
  const events = `/v1/tasks/${task.id}/events`
  const send = (headers: Record<string, string>, payload: Json) => h.app.inject({ method: 'POST', url: events, headers, payload })
  t.equal((await send(h.auth('office', 'city', 'office.city'), { type: 'PUT_ON_AGENDA' })).statusCode, 200)
  for (const m of ['chen.chair', 'qian.member', 'feng.member']) await send(h.auth('leading_group', 'city', m), { type: 'VOTE', vote: 'approve', reason: '同意' })
  const decided = await send(h.auth('leading_group', 'city', 'chen.chair'), { type: 'DECIDE', decision: 'approve', minutes: '纪要', amendCatalog: { fundingMinimum: 5000 } })
  t.equal(decided.json().state, 'admitted', decided.body)
  return decided.json()
}

t.test('the pack in force exported and published back unchanged is a no-op; the list says who published what', async (t) => {
  const h = await build(t)
  const [first] = await versions(h)
  t.match(first, { id: 'zhunru-default', version: '2026.4', inForce: true, publishedBy: { via: 'code' }, previous: null, changes: null })
  const file = await exported(h)
  t.match(file, { $schema: /policy-pack\.schema\.json$/, base: { id: 'zhunru-default', version: '2026.4', hash: first!.hash } })

  const dry = await post(h, file, '?dryRun=true')
  t.equal(dry.statusCode, 200)
  t.match(dry.json(), { dryRun: true, published: false, unchanged: true, pack: { version: '2026.4', hash: first!.hash }, changes: { none: true } })
  const again = await post(h, file, '?dryRun=false')
  t.match(again.json(), { dryRun: false, published: false, unchanged: true })
  t.equal((await versions(h)).length, 1, 'nothing stored')

  t.equal((await post(h, file, '', h.auth('office', 'city', 'office.city'))).statusCode, 403, 'publishing is for admins')
  t.equal((await post(h, file, '?dryRun=maybe')).json().field, 'dryRun')
  t.equal((await post(h, file, '?force=true')).json().field, 'force')
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/policy-packs?limit=0' })).statusCode, 400)
})

t.test('an edit is diffed, then published as the next revision; a removed item leaves the tasks admitted under it explainable as they were', async (t) => {
  const h = await build(t)
  const admitted = (await submit(h, ADMITTED)).json()
  t.equal(admitted.state, 'admitted')

  const file = await exported(h)
  const assisted = file.levels.community.assisted_tasks as Json[]
  file.levels.community.assisted_tasks = assisted.filter((i) => i.code !== 'AT-18')
  file.levels.community.assisted_tasks[0].name += '（修订）'
  file.levels.street.lawful_duties.push({ ...file.levels.street.lawful_duties[0], code: '街-001', name: '新增街道职责' })
  file.parameters.decisionWorkingDays = 10
  file.sectors.push({ code: 'new_sector', name: '新领域' })
  file.calendar.holidays = file.calendar.holidays.filter((d: Json) => d.date !== '2027-10-07')
  file.name.en = 'Our city’s pack'

  const dry = (await post(h, file, '?dryRun=true')).json()
  const changed = assisted[0]!.code
  t.match(dry, {
    dryRun: true,
    published: false,
    unchanged: false,
    requestedVersion: '2026.4',
    pack: { version: '2026.4-r1' },
    changes: {
      lists: [
        { level: 'community', list: 'assisted_tasks', added: [], removed: ['AT-18'], changed: [changed] },
        { level: 'street', list: 'lawful_duties', added: ['街-001'] }
      ],
      parameters: [{ name: 'decisionWorkingDays', before: 15, after: 10 }],
      sectors: { added: ['new_sector'] },
      calendar: { yearsAdded: [], yearsRemoved: [], yearsChanged: [2027] },
      other: ['name'],
      none: false
    }
  })
  t.equal((await versions(h)).length, 1, 'a dry run stores nothing')

  const published = await post(h, file)
  t.equal(published.statusCode, 201, published.body)
  t.match(published.json(), { published: true, pack: { version: '2026.4-r1' }, previous: { version: '2026.4' } })
  t.equal((await post(h, file)).json().unchanged, true, 'the same file again: already in force')

  const list = await versions(h, admin(h))
  t.same(list.map((v) => v.version), ['2026.4-r1', '2026.4'], 'newest first')
  t.match(list[0], { inForce: true, publishedBy: { via: 'api', sub: 'pack.admin', org: 'city' }, previous: { version: '2026.4' }, changes: { parameters: [{ name: 'decisionWorkingDays' }] } })
  const publicly = await versions(h)
  t.same(publicly[0]!.publishedBy, { via: 'api', org: 'city' }, 'who the administrator is stays among admins')
  const page = (await h.app.inject({ method: 'GET', url: '/v1/policy-packs?limit=1' })).json()
  const next = (await h.app.inject({ method: 'GET', url: `/v1/policy-packs?limit=1&cursor=${page.nextCursor}` })).json()
  t.match(next, { items: [{ version: '2026.4', changes: null }], nextCursor: null }, 'paged')

  const explain = async (asOf: string) => (await h.app.inject({ method: 'GET', url: `/v1/tasks/${admitted.id}/screening?asOf=${asOf}` })).json()
  t.match(await explain('original'), { sameAsRecorded: true, screening: { outcome: 'admit', policy: { version: '2026.4' } } }, 'explained with the version it recorded')
  const current = await explain('current')
  t.equal(current.screening.policy.version, '2026.4-r1')
  t.notOk(current.screening.findings.some((f: Json) => f.rule === 'catalog_match'), 'today AT-18 is on no list')
  t.equal((await submit(h, ADMITTED)).json().state, 'escalated', 'a new claim of AT-18 is no longer admitted')
})

t.test('items a leading group added after the export are carried over; an administrator’s publish since makes the file stale', async (t) => {
  const h = await build(t)
  const file = await exported(h)
  const decided = await amendByDecision(h)
  const [amended] = await versions(h)
  t.match(amended, { version: '2026.4-a1', publishedBy: { via: 'decision', task: decided.id, orgUnit: 'city' }, changes: { lists: [{ list: 'assisted_tasks', added: ['AT-41'] }] } })

  // The export before the decision, edited: AT-41 is not in it, and is not removed by it.
  file.parameters.officeReviewWorkingDays = 7
  file.version = '2027.1'
  const dry = (await post(h, file, '?dryRun=true')).json()
  t.match(dry, { base: { version: '2026.4' }, previous: { version: '2026.4-a1' }, carried: [{ level: 'community', code: 'AT-41', name: UNLISTED.title }], pack: { version: '2027.1' } })
  t.same(dry.changes.lists, [], 'against the pack in force only the parameter changed')
  t.equal((await post(h, file)).statusCode, 201)
  const current = await exported(h)
  t.ok(current.levels.community.assisted_tasks.some((i: Json) => i.code === 'AT-41'), 'the decision’s item is in the published pack')

  // The same export edited otherwise, after an administrator published: it would undo that edit.
  file.parameters.officeReviewWorkingDays = 6
  const stale = await post(h, file, '?dryRun=true')
  t.match(stale.json(), { status: 409, type: /policy-pack-base-stale$/, field: 'base', publishedSince: '2027.1' })

  // Removing the decision's item from a fresh export is a deliberate removal; the decided task stays explainable.
  current.levels.community.assisted_tasks = current.levels.community.assisted_tasks.filter((i: Json) => i.code !== 'AT-41')
  const removed = await post(h, current)
  t.match(removed.json(), { pack: { version: '2027.1-r1' }, changes: { lists: [{ removed: ['AT-41'] }] } })
  const explained = (await h.app.inject({ method: 'GET', url: `/v1/tasks/${decided.id}/screening?asOf=original` })).json()
  t.equal(explained.sameAsRecorded, true)

  const unknownBase = await post(h, { ...current, base: { ...current.base, version: '1999.1' } }, '?dryRun=true')
  t.match(unknownBase.json(), { status: 400, field: 'base.version' })
  const wrongHash = await post(h, { ...current, base: { ...current.base, hash: `sha256:${'0'.repeat(64)}` } }, '?dryRun=true')
  t.match(wrongHash.json(), { status: 400, field: 'base.hash' })
})

t.test('an invalid pack is a 400 listing every error with its path', async (t) => {
  const h = await build(t)
  const file = await exported(h)
  const community = file.levels.community
  community.assisted_tasks[1].code = community.lawful_duties[0].code
  community.assisted_tasks[2].sector = 'no_such_sector'
  community.assisted_tasks[3].fundingStandard = { yuan: 1, per: 'unit', source: '文件' }
  file.sectors.push({ ...file.sectors[0] })
  file.sources = [...file.sources, { ...file.sources[0] }]
  file.ruleCitations = { catalog_match: [{ source: 'nowhere', section: '一' }] }
  file.calendar.holidays.push({ date: '2027-02-30', name: '无此日' }, { date: '2031-01-01', name: '元旦' }, { ...file.calendar.holidays[0] })
  file.calendar.makeUpWorkdays.push({ date: '2027-03-03', name: '周三' })
  file.calendar.sources.push({ ...file.calendar.sources[0] })
  const res = await post(h, file, '?dryRun=true')
  t.equal(res.statusCode, 400)
  const fields = (res.json().invalidParams as Json[]).map((p) => p.field)
  t.same(fields, [
    'sectors[30].code',
    'levels.community.assisted_tasks[1].code',
    'levels.community.assisted_tasks[2].sector',
    'levels.community.assisted_tasks[3].fundingStandard.unit',
    `sources[${file.sources.length - 1}].id`,
    'ruleCitations.catalog_match[0].source',
    `calendar.sources[3].year`,
    `calendar.holidays[${file.calendar.holidays.length - 3}].date`,
    `calendar.holidays[${file.calendar.holidays.length - 2}].date`,
    `calendar.holidays[${file.calendar.holidays.length - 1}].date`,
    `calendar.makeUpWorkdays[${file.calendar.makeUpWorkdays.length - 1}].date`
  ].map((f) => (f === 'sectors[30].code' ? `sectors[${file.sectors.length - 1}].code` : f)))
  t.match(res.json().detail, /^the policy pack has 11 error\(s\), the first at sectors/)

  const shape = await post(h, { ...file, parameters: { ...file.parameters, quorum: 2 }, lexicon: [{ category: 'economic_target', term: 1, strength: 'strong' }, { category: 'x' }], extra: 1 }, '?dryRun=true')
  t.same(
    (shape.json().invalidParams as Json[]).map((p) => p.field),
    ['extra', 'parameters.quorum', 'lexicon[0].term', 'lexicon[1].assignedBy', 'lexicon[1].category']
  )
  t.match((await post(h, [], '?dryRun=true')).json(), { status: 400, field: '(pack)' })

  const gap = await exported(h)
  gap.calendar.sources = gap.calendar.sources.filter((s: Json) => s.year !== 2026)
  gap.calendar.holidays = gap.calendar.holidays.filter((d: Json) => !d.date.startsWith('2026'))
  gap.calendar.makeUpWorkdays = gap.calendar.makeUpWorkdays.filter((d: Json) => !d.date.startsWith('2026'))
  t.match((await post(h, gap, '?dryRun=true')).json(), { invalidParams: [{ field: 'calendar.sources', message: 'lacks 2026: the years a calendar covers are consecutive' }] })
  const past = await exported(h)
  past.calendar.sources = past.calendar.sources.filter((s: Json) => s.year === 2025)
  past.calendar.holidays = past.calendar.holidays.filter((d: Json) => d.date.startsWith('2025'))
  past.calendar.makeUpWorkdays = past.calendar.makeUpWorkdays.filter((d: Json) => d.date.startsWith('2025'))
  t.match((await post(h, past, '?dryRun=true')).json(), { invalidParams: [{ field: 'calendar.sources', message: 'must include this year (2026): the gate counts working days from today' }] })

  // An item carried over must fit the edited pack: here the file drops the decision's sector.
  const before = await exported(h)
  await amendByDecision(h)
  before.sectors = before.sectors.filter((s: Json) => s.code !== 'civil_affairs')
  for (const level of ['community', 'street']) {
    for (const list of ['lawful_duties', 'assisted_tasks']) before.levels[level][list] = before.levels[level][list].filter((i: Json) => i.sector !== 'civil_affairs')
  }
  t.match((await post(h, before, '?dryRun=true')).json(), { invalidParams: [{ field: 'levels.community.assisted_tasks[' + String(before.levels.community.assisted_tasks.length) + '].sector' }] })
})

t.test('dates outside the calendar: a client’s are a 400 naming the field and the years; today’s arithmetic is a 503, never a guess', async (t) => {
  let now = new Date('2026-10-09T02:00:00Z')
  const h = await build(t, { now: () => now })
  const late = await submit(h, { ...ADMITTED, period: { start: '2028-03-01', end: '2028-12-31' } })
  t.match(late.json(), {
    status: 400,
    field: 'period.start',
    invalidParams: [
      { field: 'period.start', message: 'must lie in 2025–2027, the years the policy pack\'s working-day calendar covers' },
      { field: 'period.end' }
    ]
  })

  // Near the calendar's end the lead time runs past it: the verdict is certain, the date is not given.
  now = new Date('2027-11-25T02:00:00Z')
  const screened = await h.app.inject({ method: 'POST', url: '/v1/screenings', payload: { ...ADMITTED, submit: undefined, period: { start: '2027-12-30', end: '2027-12-31' } } })
  const lead = screened.json().findings.find((f: Json) => f.rule === 'application_lead_time')
  t.match(lead.message.en, /may start on 2028-01-01 \(where the pack's working-day calendar ends\) or later/)

  // A pack without the lead time, so that a task escalates days before the calendar ends.
  now = new Date('2027-12-27T02:00:00Z')
  const file = await exported(h)
  file.parameters.applicationLeadWorkingDays = 0
  t.equal((await post(h, file)).statusCode, 201)
  const escalating = await submit(h, { ...UNLISTED, period: { start: '2027-12-30', end: '2027-12-31' } })
  t.match(escalating.json(), { status: 503, type: /calendar-not-covered$/, field: 'calendar', coveredYears: '2025–2027' })
  t.match(escalating.json().detail, /the office's review deadline must be counted to 2028-01-01.*covers 2028/)

  now = new Date('2028-01-03T02:00:00Z')
  const today = await h.app.inject({ method: 'POST', url: '/v1/screenings', payload: { ...ADMITTED, submit: undefined } })
  t.match(today.json(), { status: 503, type: /calendar-not-covered$/ })
  t.match(today.json().message.zh, /2028年/)
})

t.test('the funding grace period is not counted outside the calendar: postponed to where it ends, refused loudly where it was dropped', async (t) => {
  let now = new Date('2026-10-09T02:00:00Z')
  const h = await build(t, { now: () => now })
  const early = (await submit(h, { ...ADMITTED, period: { start: '2026-12-01', end: '2027-06-30' } })).json()
  const late = (await submit(h, { ...ADMITTED, period: { start: '2027-12-20', end: '2027-12-31' } })).json()
  t.same([early.state, late.state], ['admitted', 'admitted'])
  now = new Date('2026-12-01T02:00:00Z')
  t.same(await sweep(h.app.gate), { deadlines: 0, contracts: 1, funding: 0 }, 'the early one is active')

  // In 2027 a city publishes a calendar of 2027 alone: the early task's grace period began in 2026.
  now = new Date('2027-01-05T02:00:00Z')
  const file = await exported(h)
  file.calendar.sources = file.calendar.sources.filter((s: Json) => s.year === 2027)
  for (const list of ['holidays', 'makeUpWorkdays']) file.calendar[list] = file.calendar[list].filter((d: Json) => d.date.startsWith('2027'))
  t.equal((await post(h, file)).statusCode, 201)
  await t.rejects(sweep(h.app.gate), /could not be handled/)
  const errors: Error[] = []
  await sweep(h.app.gate, (err) => errors.push(err as Error))
  t.match(errors[0]!.message, new RegExp(`funding grace period of task ${early.id} must be counted to 2026-12-01.*covers only 2027`))

  now = new Date('2027-12-20T02:00:00Z')
  await sweep(h.app.gate, () => {})
  await sweep(h.app.gate, () => {})
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/tasks/${late.id}` })).json().state, 'active')
  const due = await h.db.knex('workflow_due_dates').where({ kind: 'funding_grace' }).orderBy('due_on', 'desc').first()
  t.equal(due.due_on, '2028-01-01', 'the late task’s grace period runs past 2027: looked at again when the calendar ends')
})
