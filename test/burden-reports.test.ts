import SwaggerParser from '@apidevtools/swagger-parser'
import t, { type Test } from 'tap'
import {
  BURDEN_REPORT_MACHINE_VERSION,
  enabledBurdenReportEvents,
  initialBurdenReportSnapshot,
  stepBurdenReport
} from '../machines/burden-report.js'
import { IncompatibleSnapshotError } from '../machines/runtime.js'
import * as burdenReportsMigration from '../migrations/20261124030000_burden_reports.js'
import { buildApp, type App } from '../src/app.js'
import { signToken } from '../src/platform/token.js'
import { burdenReportRoutes } from '../src/burden/report-routes.js'
import { countConfirmedReports } from '../src/burden/report-service.js'
import { findReport, planReportStep } from '../src/burden/report-store.js'
import { seedDemoIfEmpty } from '../src/demo.js'
import { DEFAULT_PACK } from '../src/policy/pack.js'
import type { Role } from '../src/roles.js'
import type { Database } from '../src/engine/db.js'
import { ensurePack } from '../src/policy/pack-store.js'
import { demoCommunities, freshDatabase, TEST_NOW, TEST_SECRET } from './helper.js'

// ---------------------------------------------------------------------------------------------
// Harness: the app as build(t) makes it, plus the burden-report migration and routes until
// they are wired into migrations/index.ts and src/app.ts (then both steps are skipped).

interface Harness {
  app: App
  db: Database
  auth: (role: Role, org: string, sub?: string) => { authorization: string }
  /** Moves the server's clock. */
  setNow: (d: Date) => void
}

async function harness(t: Test): Promise<Harness> {
  const db = await freshDatabase(t)
  if (!(await db.knex.schema.hasTable('burden_reports'))) await burdenReportsMigration.up(db.knex)
  const seededAt = new Date().toISOString()
  await ensurePack(db.knex, DEFAULT_PACK, seededAt)
  await seedDemoIfEmpty(db.knex, seededAt)
  let now = TEST_NOW
  const app = await buildApp({ database: db, jwtSecret: TEST_SECRET, now: () => now })
  t.teardown(() => app.close())
  if (!app.hasRoute({ method: 'POST', url: '/v1/burden-reports' })) await app.register(burdenReportRoutes)
  await app.ready()
  const token = (role: Role, org: string, sub = `${role}.${org}`) =>
    signToken({ sub, role, org }, TEST_SECRET, { nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 3600 })
  return { app, db, auth: (role, org, sub) => ({ authorization: `Bearer ${token(role, org, sub)}` }), setNow: (d) => (now = d) }
}

// The reporter: a community of 东湖区 and a worker whose name appears nowhere else.
const REPORTER_ORG = 'east-s1-c1'
const REPORTER_SUB = 'wang.fang.reporter'

const report = (over: Record<string, unknown> = {}) => ({
  department: 'east-civil',
  what: '要求社区三日内上门核查辖区全部独居老人并填报统计表',
  askedOn: '2026-10-05',
  evidence: '区民政局工作群通知截图:请各社区于10月8日前报送独居老人台账。',
  ...over
})

interface ReportJson {
  id: string
  state: string
  version: number
  department: string
  jurisdiction: string
  reporterOrg?: string
  reporterSub?: string
  relatedTaskId?: string | null
  directive: string | null
  outcomeReason: string | null
  enabledEvents: string[]
}

async function fileReport(h: Harness, over: Record<string, unknown> = {}, org = REPORTER_ORG, sub = REPORTER_SUB): Promise<ReportJson> {
  const res = await h.app.inject({ method: 'POST', url: '/v1/burden-reports', headers: h.auth('community', org, sub), payload: report(over) })
  if (res.statusCode !== 201) throw new Error(`filing failed: ${res.statusCode} ${res.body}`)
  return res.json()
}

const send = (h: Harness, id: string, headers: { authorization: string }, payload: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: `/v1/burden-reports/${id}/events`, headers, payload })

/** A department task, admitted, targeting the reporter's street: what a community might think the demand relates to. */
async function admittedTask(h: Harness): Promise<string> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/tasks',
    headers: h.auth('department', 'east-civil', 'zhao.lei'),
    payload: {
      title: '协助开展城乡低保家庭困难排查与公示',
      description: '社区协助民政部门开展低保家庭入户走访、困难排查,并在社区公示栏公示审核结果。',
      targetLevel: 'community',
      targets: demoCommunities('east-s1'),
      kind: 'service',
      catalogItem: 'AT-18',
      legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条' }],
      funding: { perTarget: 20000, source: '区财政社会救助专项', committed: true },
      period: { start: '2027-03-01', end: '2027-12-31' },
      workloadHours: 120,
      submit: true
    }
  })
  if (res.statusCode !== 201) throw new Error(`task failed: ${res.statusCode} ${res.body}`)
  return res.json().id
}

// ---------------------------------------------------------------------------------------------
// The machine, pure

t.test('the machine: reported → investigating → confirmed | dismissed, and stored snapshots of another shape are refused', async (t) => {
  const initial = initialBurdenReportSnapshot()
  t.same(initial, {
    machineVersion: BURDEN_REPORT_MACHINE_VERSION,
    value: 'reported',
    context: { investigationOpenedAt: null, note: null, directive: null, outcomeReason: null, decidedAt: null }
  })
  t.same(enabledBurdenReportEvents(initial), ['INVESTIGATE'])
  t.same(stepBurdenReport(initial, { type: 'CONFIRM', at: 'x', directive: 'drop' }), { accepted: false })
  const investigating = stepBurdenReport(initial, { type: 'INVESTIGATE', at: '2026-10-09T02:00:00.000Z' })
  t.ok(investigating.accepted)
  if (!investigating.accepted) return
  t.equal(investigating.state, 'investigating')
  t.same(enabledBurdenReportEvents(investigating.next), ['CONFIRM', 'DISMISS'])
  const dismissed = stepBurdenReport(investigating.next, { type: 'DISMISS', at: '2026-10-10T02:00:00.000Z', reason: '属已准入事项' })
  t.match(dismissed, { accepted: true, state: 'dismissed', next: { context: { outcomeReason: '属已准入事项', directive: null, decidedAt: '2026-10-10T02:00:00.000Z' } } })
  if (dismissed.accepted) t.same(enabledBurdenReportEvents(dismissed.next), [])
  t.throws(() => stepBurdenReport({ ...initial, machineVersion: 0 }, { type: 'INVESTIGATE', at: 'x' }), IncompatibleSnapshotError)
  t.throws(() => enabledBurdenReportEvents({ ...initial, value: 'closed' }), IncompatibleSnapshotError)
  t.throws(() => enabledBurdenReportEvents({ ...initial, value: { investigating: 'x' } }), IncompatibleSnapshotError)
})

t.test('the migration goes down and up again', async (t) => {
  const db = await freshDatabase(t)
  if (!(await db.knex.schema.hasTable('burden_reports'))) await burdenReportsMigration.up(db.knex)
  await burdenReportsMigration.down(db.knex)
  t.notOk(await db.knex.schema.hasTable('burden_reports'))
  t.notOk(await db.knex.schema.hasTable('burden_report_events'))
  await burdenReportsMigration.up(db.knex)
  t.ok(await db.knex.schema.hasTable('burden_report_events'))
})

// ---------------------------------------------------------------------------------------------
// Through the API

t.test('a community reports, the district office investigates and confirms; the confirmation counts for the scorecard', async (t) => {
  const h = await harness(t)
  const office = h.auth('office', 'east', 'office.east')
  const created = await h.app.inject({ method: 'POST', url: '/v1/burden-reports', headers: h.auth('community', REPORTER_ORG, REPORTER_SUB), payload: report() })
  t.equal(created.statusCode, 201, created.body)
  const filed = created.json() as ReportJson
  t.equal(created.headers.location, `/v1/burden-reports/${filed.id}`)
  t.match(filed, {
    state: 'reported',
    version: 1,
    department: 'east-civil',
    jurisdiction: 'east',
    reporterOrg: REPORTER_ORG,
    reporterSub: REPORTER_SUB,
    relatedTaskId: null,
    directive: null,
    outcomeReason: null,
    askedOn: '2026-10-05',
    createdAt: TEST_NOW.toISOString()
  })
  t.same(filed.enabledEvents, [], 'the reporter is offered nothing: the office investigates')

  const investigating = await send(h, filed.id, office, { type: 'INVESTIGATE', version: 1, reason: '已约谈区民政局' })
  t.equal(investigating.statusCode, 200, investigating.body)
  t.match(investigating.json(), { state: 'investigating', version: 2, enabledEvents: ['CONFIRM', 'DISMISS'], outcomeReason: null })

  h.setNow(new Date('2026-10-12T03:00:00.000Z'))
  const confirmed = await send(h, filed.id, office, { type: 'CONFIRM', version: 2, directive: 'submit_through_gate', reason: '未经准入直接下派' })
  t.equal(confirmed.statusCode, 200, confirmed.body)
  t.match(confirmed.json(), {
    state: 'confirmed',
    version: 3,
    directive: 'submit_through_gate',
    outcomeReason: '未经准入直接下派',
    enabledEvents: [],
    updatedAt: '2026-10-12T03:00:00.000Z'
  })

  const history = await h.app.inject({ method: 'GET', url: `/v1/burden-reports/${filed.id}/events`, headers: office })
  t.equal(history.statusCode, 200, history.body)
  t.same(
    history.json().items.map((e: { type: string; from: string | null; to: string; version: number; actor: unknown; reason: string | null; directive: string | null }) => [
      e.type,
      e.from,
      e.to,
      e.version,
      e.actor,
      e.reason,
      e.directive
    ]),
    [
      ['REPORT', null, 'reported', 1, { role: 'community', sub: REPORTER_SUB, org: REPORTER_ORG }, null, null],
      ['INVESTIGATE', 'reported', 'investigating', 2, { role: 'office', sub: 'office.east', org: 'east' }, '已约谈区民政局', null],
      ['CONFIRM', 'investigating', 'confirmed', 3, { role: 'office', sub: 'office.east', org: 'east' }, '未经准入直接下派', 'submit_through_gate']
    ]
  )
  t.equal(history.json().nextCursor, null)

  const stored = await h.db.knex('burden_reports').where({ id: filed.id }).first()
  t.match(stored, { state: 'confirmed', version: 3, directive: 'submit_through_gate', machine_version: BURDEN_REPORT_MACHINE_VERSION })

  t.equal(await countConfirmedReports(h.db.knex), 1)
  t.equal(await countConfirmedReports(h.db.knex, { departmentId: 'east-civil' }), 1)
  t.equal(await countConfirmedReports(h.db.knex, { departmentId: 'west-civil' }), 0)
  t.equal(await countConfirmedReports(h.db.knex, { from: '2026-10-12T03:00:00.000Z', to: '2026-10-13T00:00:00.000Z' }), 1, 'from is inclusive')
  t.equal(await countConfirmedReports(h.db.knex, { to: '2026-10-12T03:00:00.000Z' }), 0, 'to is exclusive')
  t.equal(await countConfirmedReports(h.db.knex, { from: '2026-10-13T00:00:00.000Z' }), 0)
})

t.test('a city department is investigated by the city office, which may dismiss the report with a reason', async (t) => {
  const h = await harness(t)
  const office = h.auth('office', 'city')
  const filed = await fileReport(h, { department: 'city-civil' }, 'west-s1-c2', 'li.west')
  t.equal(filed.jurisdiction, 'city')
  t.equal((await send(h, filed.id, h.auth('office', 'west'), { type: 'INVESTIGATE' })).statusCode, 403, "the community's own district does not investigate a city department")
  t.equal((await send(h, filed.id, office, { type: 'INVESTIGATE' })).statusCode, 200)

  const noReason = await send(h, filed.id, office, { type: 'DISMISS' })
  t.equal(noReason.statusCode, 400)
  t.equal(noReason.json().field, 'reason')

  const dismissed = await send(h, filed.id, office, { type: 'DISMISS', reason: '该事项已列入社区工作事项清单(AT-18)', version: 2 })
  t.equal(dismissed.statusCode, 200, dismissed.body)
  t.match(dismissed.json(), { state: 'dismissed', version: 3, directive: null, outcomeReason: '该事项已列入社区工作事项清单(AT-18)', enabledEvents: [] })

  const again = await send(h, filed.id, office, { type: 'CONFIRM', directive: 'drop' })
  t.equal(again.statusCode, 409)
  t.match(again.json(), { type: /event-not-allowed$/, currentVersion: 3, currentState: 'dismissed', detail: /burden report is dismissed/ })
  t.equal(await countConfirmedReports(h.db.knex), 0, 'a dismissed report does not count')
})

t.test('only the office of the jurisdiction moves a report', async (t) => {
  const h = await harness(t)
  const filed = await fileReport(h)
  const attempts: Array<[string, { authorization: string }]> = [
    ['the department reported', h.auth('department', 'east-civil')],
    ['another department', h.auth('department', 'west-civil')],
    ['the reporting community', h.auth('community', REPORTER_ORG, REPORTER_SUB)],
    ['another district’s office', h.auth('office', 'west')],
    ['the city office', h.auth('office', 'city')],
    ['a leading-group member', h.auth('leading_group', 'east', 'sun.chair')],
    ['an admin', h.auth('admin', 'city')]
  ]
  for (const [who, headers] of attempts) {
    const res = await send(h, filed.id, headers, { type: 'INVESTIGATE' })
    t.equal(res.statusCode, 403, who)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  }
  t.equal((await send(h, filed.id, h.auth('community', REPORTER_ORG), { type: 'CONFIRM', directive: 'drop' })).statusCode, 403)
  t.equal((await h.app.inject({ method: 'POST', url: `/v1/burden-reports/${filed.id}/events`, payload: { type: 'INVESTIGATE' } })).statusCode, 401)
  const missing = await send(h, '00000000-0000-4000-8000-000000000000', h.auth('office', 'east'), { type: 'INVESTIGATE' })
  t.equal(missing.statusCode, 404)
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/burden-reports/${filed.id}` })).statusCode, 401)
  t.equal((await h.db.knex('burden_reports').where({ id: filed.id }).first()).version, 1, 'nothing moved')
})

t.test('filing: only a community, about a department over it; every refusal names the field', async (t) => {
  const h = await harness(t)
  const community = h.auth('community', REPORTER_ORG, REPORTER_SUB)
  const post = (payload: Record<string, unknown>, headers = community) => h.app.inject({ method: 'POST', url: '/v1/burden-reports', headers, payload })

  for (const role of ['department', 'office', 'leading_group', 'admin'] as const) {
    t.equal((await post(report(), h.auth(role, 'east-civil'))).statusCode, 403, role)
  }
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/burden-reports', payload: report() })).statusCode, 401)
  const notACommunity = await post(report(), h.auth('community', 'east-s1'))
  t.equal(notACommunity.statusCode, 403, 'the token’s org must be a community')
  t.match(notACommunity.json().detail, /the role community acts for a community; the token's org "east-s1" is a street/)

  const { department: _omit, ...noDepartment } = report()
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['department missing', noDepartment, 'department'],
    ['unknown field', report({ reporter: 'x' }), 'reporter'],
    ['department does not exist', report({ department: 'nowhere' }), 'department'],
    ['a district is not a department', report({ department: 'east' }), 'department'],
    ['a community is not a department', report({ department: 'east-s1-c2' }), 'department'],
    ['another district’s department', report({ department: 'west-civil' }), 'department'],
    ['another district’s street department', report({ department: 'west-s1-office' }), 'department'],
    ['what is blank', report({ what: '   ' }), 'what'],
    ['what is empty', report({ what: '' }), 'what'],
    ['evidence missing', { department: 'east-civil', what: 'x', askedOn: '2026-10-01' }, 'evidence'],
    ['askedOn not a date', report({ askedOn: '10/05/2026' }), 'askedOn'],
    ['askedOn in the future', report({ askedOn: '2026-10-10' }), 'askedOn'],
    ['relatedTaskId not a uuid', report({ relatedTaskId: 'task-1' }), 'relatedTaskId'],
    ['relatedTaskId unknown', report({ relatedTaskId: '00000000-0000-4000-8000-000000000000' }), 'relatedTaskId']
  ]
  for (const [what, payload, field] of cases) {
    const res = await post(payload)
    t.equal(res.statusCode, 400, `${what}: ${res.body}`)
    t.equal(res.json().field, field, what)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  }

  t.equal((await post(report({ askedOn: '2026-10-09' }))).statusCode, 201, 'today (China time) is not in the future')
  t.equal((await post(report({ department: 'city-police' }))).statusCode, 201, 'a city department is over every community')
  t.equal((await post(report({ department: 'east-s2-office' }))).statusCode, 201, 'a street department’s jurisdiction is its district')
  const taskId = await admittedTask(h)
  const related = await post(report({ relatedTaskId: taskId }))
  t.equal(related.statusCode, 201)
  t.equal(related.json().relatedTaskId, taskId)
  t.equal(await h.db.knex('burden_reports').count({ n: '*' }).first().then((r) => Number(r!.n)), 4)
})

t.test('event bodies: directive with CONFIRM only, a known type, no extra fields, a stale version gets 409', async (t) => {
  const h = await harness(t)
  const office = h.auth('office', 'east')
  const filed = await fileReport(h)
  const refused: Array<[Record<string, unknown>, string]> = [
    [{ type: 'INVESTIGATE', directive: 'drop' }, 'directive'],
    [{ type: 'CLOSE' }, 'type'],
    [{ type: 'INVESTIGATE', reporter: 'x' }, 'reporter'],
    [{ type: 'INVESTIGATE', reason: ' ' }, 'reason'],
    [{ type: 'INVESTIGATE', version: 0 }, 'version'],
    [{ type: 'CONFIRM', directive: 'ignore' }, 'directive']
  ]
  for (const [payload, field] of refused) {
    const res = await send(h, filed.id, office, payload)
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.equal(res.json().field, field)
  }

  const tooEarly = await send(h, filed.id, office, { type: 'CONFIRM', directive: 'drop' })
  t.equal(tooEarly.statusCode, 409, 'a report is investigated before it is confirmed')
  t.match(tooEarly.json(), { currentVersion: 1, currentState: 'reported' })
  const dismissEarly = await send(h, filed.id, office, { type: 'DISMISS', reason: 'x' })
  t.equal(dismissEarly.statusCode, 409)

  t.equal((await send(h, filed.id, office, { type: 'INVESTIGATE', version: 1 })).statusCode, 200)
  const stale = await send(h, filed.id, office, { type: 'CONFIRM', directive: 'drop', version: 1 })
  t.equal(stale.statusCode, 409)
  t.match(stale.json(), { type: /version-conflict$/, currentVersion: 2, currentState: 'investigating' })
  const noDirective = await send(h, filed.id, office, { type: 'CONFIRM', version: 2 })
  t.equal(noDirective.statusCode, 400)
  t.equal(noDirective.json().field, 'directive')
  const twice = await send(h, filed.id, office, { type: 'INVESTIGATE' })
  t.equal(twice.statusCode, 409)
  t.match(twice.json(), { currentVersion: 2, currentState: 'investigating' })
  const dropped = await send(h, filed.id, office, { type: 'CONFIRM', directive: 'drop', version: 2 })
  t.equal(dropped.statusCode, 200)
  t.equal(dropped.json().directive, 'drop')
  t.equal(dropped.json().outcomeReason, null)
})

t.test('protect the reporter: the department reported cannot learn which community or person filed it', async (t) => {
  const h = await harness(t)
  const taskId = await admittedTask(h)
  const filed = await fileReport(h, { relatedTaskId: taskId })
  const office = h.auth('office', 'east', 'office.east')
  t.equal((await send(h, filed.id, office, { type: 'INVESTIGATE' })).statusCode, 200)
  t.equal((await send(h, filed.id, office, { type: 'CONFIRM', directive: 'submit_through_gate' })).statusCode, 200)

  const department = h.auth('department', 'east-civil', 'zhao.lei')
  const reads = {
    report: await h.app.inject({ method: 'GET', url: `/v1/burden-reports/${filed.id}`, headers: department }),
    list: await h.app.inject({ method: 'GET', url: '/v1/burden-reports', headers: department }),
    filtered: await h.app.inject({ method: 'GET', url: '/v1/burden-reports?state=confirmed&department=east-civil', headers: department }),
    history: await h.app.inject({ method: 'GET', url: `/v1/burden-reports/${filed.id}/events`, headers: department }),
    event: await send(h, filed.id, department, { type: 'CONFIRM', directive: 'drop' })
  }
  for (const [what, res] of Object.entries(reads)) {
    t.equal(res.statusCode, what === 'event' ? 403 : 200, what)
    for (const secret of [REPORTER_ORG, REPORTER_SUB, taskId, 'reporterOrg', 'reporterSub', 'relatedTaskId']) {
      t.notOk(res.body.includes(secret), `the department's ${what} does not contain ${secret}`)
    }
  }
  const seen = reads.report.json()
  t.same(Object.keys(seen).sort(), [
    'askedOn',
    'createdAt',
    'department',
    'directive',
    'enabledEvents',
    'evidence',
    'id',
    'jurisdiction',
    'outcomeReason',
    'state',
    'updatedAt',
    'version',
    'what'
  ])
  t.match(seen, { state: 'confirmed', directive: 'submit_through_gate', what: report().what })
  t.equal(reads.list.json().items.length, 1)
  t.equal(reads.filtered.json().items.length, 1)
  const history = reads.history.json().items
  t.same(history[0].actor, { role: 'community' }, 'the REPORT event shows only that a community filed it')
  t.same(history[1].actor, { role: 'office', sub: 'office.east', org: 'east' }, 'the office acts in the open')

  // The same reads by the office and the reporter do name the reporter.
  for (const headers of [office, h.auth('community', REPORTER_ORG, 'someone.else'), h.auth('admin', 'city')]) {
    const res = await h.app.inject({ method: 'GET', url: `/v1/burden-reports/${filed.id}`, headers })
    t.match(res.json(), { reporterOrg: REPORTER_ORG, reporterSub: REPORTER_SUB, relatedTaskId: taskId })
    const events = await h.app.inject({ method: 'GET', url: `/v1/burden-reports/${filed.id}/events`, headers })
    t.same(events.json().items[0].actor, { role: 'community', sub: REPORTER_SUB, org: REPORTER_ORG })
  }
})

t.test('who reads what: a community its own, an office its jurisdiction, a department those about it, an admin all', async (t) => {
  const h = await harness(t)
  const c1 = await fileReport(h)
  const c2 = await fileReport(h, { department: 'east-housing' }, 'east-s2-c2', 'zhou.c2')
  const west = await fileReport(h, { department: 'west-civil' }, 'west-s1-c1', 'liu.west')
  const city = await fileReport(h, { department: 'city-civil' }, 'west-s2-c1', 'ma.city')
  const ids = async (headers: { authorization: string }, query = '') => {
    const res = await h.app.inject({ method: 'GET', url: `/v1/burden-reports${query}`, headers })
    t.equal(res.statusCode, 200, res.body)
    return res.json().items.map((r: ReportJson) => r.id)
  }
  t.same(await ids(h.auth('community', REPORTER_ORG)), [c1.id])
  t.same(await ids(h.auth('community', 'east-s1-c2')), [], 'a neighbour sees nothing of it')
  t.same(await ids(h.auth('office', 'east')), [c2.id, c1.id])
  t.same(await ids(h.auth('office', 'west')), [west.id])
  t.same(await ids(h.auth('office', 'city')), [city.id])
  t.same(await ids(h.auth('department', 'east-civil')), [c1.id])
  t.same(await ids(h.auth('department', 'west-housing')), [])
  t.same(await ids(h.auth('admin', 'city')), [city.id, west.id, c2.id, c1.id])
  t.same(await ids(h.auth('admin', 'city'), '?department=east-housing'), [c2.id])
  t.same(await ids(h.auth('admin', 'city'), '?state=investigating'), [])

  const lg = await h.app.inject({ method: 'GET', url: '/v1/burden-reports', headers: h.auth('leading_group', 'east', 'he.civil') })
  t.equal(lg.statusCode, 403, 'leading-group members (some from departments) do not read reports')
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/burden-reports/${c1.id}`, headers: h.auth('leading_group', 'east') })).statusCode, 403)
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/burden-reports' })).statusCode, 401)

  for (const [who, headers] of [
    ['another community', h.auth('community', 'east-s1-c2')],
    ['another department', h.auth('department', 'east-housing')],
    ['another office', h.auth('office', 'west')]
  ] as const) {
    for (const url of [`/v1/burden-reports/${c1.id}`, `/v1/burden-reports/${c1.id}/events`]) {
      const res = await h.app.inject({ method: 'GET', url, headers })
      t.equal(res.statusCode, 404, `${who}: ${url}`)
      t.notOk(res.body.includes(REPORTER_ORG))
    }
  }
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/burden-reports/nope', headers: h.auth('admin', 'city') })).statusCode, 404)

  // Paging: newest first, one at a time, with opaque cursors.
  const admin = h.auth('admin', 'city')
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const res: { json: () => { items: ReportJson[]; nextCursor: string | null } } = await h.app.inject({ method: 'GET', url: `/v1/burden-reports?limit=1${cursor ? `&cursor=${cursor}` : ''}`, headers: admin })
    seen.push(...res.json().items.map((r) => r.id))
    cursor = res.json().nextCursor
  } while (cursor !== null)
  t.same(seen, [city.id, west.id, c2.id, c1.id])
  const badCursor = await h.app.inject({ method: 'GET', url: '/v1/burden-reports?cursor=AAAA', headers: admin })
  t.equal(badCursor.statusCode, 400)
  t.equal(badCursor.json().field, 'cursor')
  const badState = await h.app.inject({ method: 'GET', url: '/v1/burden-reports?state=open', headers: admin })
  t.equal(badState.statusCode, 400)
  t.equal(badState.json().field, 'state')

  const office = h.auth('office', 'east')
  await send(h, c1.id, office, { type: 'INVESTIGATE' })
  await send(h, c1.id, office, { type: 'DISMISS', reason: '重复报告' })
  const events: string[] = []
  cursor = null
  do {
    const res: { statusCode: number; json: () => { items: Array<{ type: string }>; nextCursor: string | null } } = await h.app.inject({ method: 'GET', url: `/v1/burden-reports/${c1.id}/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: office })
    t.equal(res.statusCode, 200)
    events.push(...res.json().items.map((e) => e.type))
    cursor = res.json().nextCursor
  } while (cursor !== null)
  t.same(events, ['REPORT', 'INVESTIGATE', 'DISMISS'])
})

t.test('ten concurrent confirmations: one is saved, the others get 409', async (t) => {
  const h = await harness(t)
  const office = h.auth('office', 'east')
  const filed = await fileReport(h)
  t.equal((await send(h, filed.id, office, { type: 'INVESTIGATE' })).statusCode, 200)
  // Enough at once that some read before any commits, on either database, and lose the compare-and-set.
  const all = await Promise.all(
    Array.from({ length: 10 }, (_, i) => send(h, filed.id, office, { type: 'CONFIRM', directive: i % 2 === 0 ? 'drop' : 'submit_through_gate' }))
  )
  t.same(all.map((r) => r.statusCode).sort(), [200, 409, 409, 409, 409, 409, 409, 409, 409, 409])
  const winner = all.find((r) => r.statusCode === 200)!
  for (const loser of all.filter((r) => r.statusCode === 409)) t.match(loser.json(), { currentVersion: 3, currentState: 'confirmed' })
  const row = await h.db.knex('burden_reports').where({ id: filed.id }).first()
  t.equal(row.version, 3)
  t.equal(row.directive, winner.json().directive)
  t.equal((await h.db.knex('burden_report_events').where({ report_seq: row.seq, type: 'CONFIRM' })).length, 1)
  t.equal(await countConfirmedReports(h.db.knex), 1)
})

t.test('the store: a transition computed from a stale read writes nothing', async (t) => {
  const h = await harness(t)
  const filed = await fileReport(h)
  const stale = (await findReport(h.db.knex, filed.id))!
  t.equal((await send(h, filed.id, h.auth('office', 'east'), { type: 'INVESTIGATE' })).statusCode, 200)
  const step = stepBurdenReport(stale.snapshot, { type: 'INVESTIGATE', at: TEST_NOW.toISOString() })
  if (!step.accepted) throw new Error('INVESTIGATE should be enabled on the stale snapshot')
  const result = await h.app.gate.commits.write(
    planReportStep(stale, { type: 'INVESTIGATE', next: step.next, state: step.state, payload: {}, actor: { sub: 'x', role: 'office', org: 'east' }, now: TEST_NOW.toISOString() })
  )
  t.match(result, { ok: false, conflict: { version: 2, state: 'investigating' } })
  t.equal((await h.db.knex('burden_report_events')).length, 2)
})

t.test('the routes are documented: valid OpenAPI 3.1 with tag, summary and security on every operation', async (t) => {
  const h = await harness(t)
  const doc = JSON.parse(JSON.stringify(h.app.swagger()))
  await SwaggerParser.validate(structuredClone(doc))
  const ops = [
    ['/v1/burden-reports', 'post'],
    ['/v1/burden-reports', 'get'],
    ['/v1/burden-reports/{id}', 'get'],
    ['/v1/burden-reports/{id}/events', 'post'],
    ['/v1/burden-reports/{id}/events', 'get']
  ] as const
  for (const [path, method] of ops) {
    const op = doc.paths[path]?.[method]
    t.ok(op, `${method} ${path}`)
    t.same(op.tags, ['burden-reports'])
    t.ok(op.summary)
    t.same(op.security, [{ bearer: [] }])
  }
})
