import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import knexFactory, { type Knex } from 'knex'
import t, { type Test } from 'tap'
import { migrationSource } from '../migrations/index.js'
import { SEED_SOURCES } from '../migrations/20261215000000_citations.js'
import { buildApp, type App } from '../src/app.js'
import { signToken } from '../src/platform/token.js'
import { RULES } from '../src/policy/rules.js'
import type { Role } from '../src/roles.js'
import { knexConfig, openDatabase, type Database } from '../src/engine/db.js'
import { sweep } from '../src/tasks/deadlines.js'
import { dispatchDue, signature } from '../src/webhooks/outbox.js'
import { TEST_SECRET } from './helper.js'

// Issue 5, "upgrades keep data": a database written by release 0.1 (test/fixtures/release-0.1,
// made through the API by make.ts there) is rebuilt on the schema of that release, from its frozen
// migrations, then opened by today's code, which migrates it forward exactly as `npm start` would.
// Everything is then read back through the HTTP API and compared with the fixture: with what
// that release answered (api.json) and with the rows themselves (database.json). Both are the old
// release's values, never expectations written here, so the test means the same after the
// persistence layer is rebuilt: only a new field in an answer is allowed, nothing lost or changed.
// An answer the API changes on purpose later is no lost datum: exempt that field from the recorded
// reads here, saying why; the checks against the rows stay as they are.
//
// The server would also load the code's base pack at start-up. It is left out on purpose: a new
// base version is a policy upgrade (test/pack-upgrade.test.ts), and here the pack in force must
// stay the fixture's for the answers to be comparable.

const FIXTURE = new URL('./fixtures/release-0.1/', import.meta.url)
const load = <T>(name: string) => JSON.parse(readFileSync(new URL(name, FIXTURE), 'utf8')) as T

// Rows and answers are plain JSON whose shape is the old release's; typing them would restate it.
type Row = Record<string, any>
interface Principal {
  role: Role
  org: string
  sub: string
}
interface DatabaseFixture {
  madeBy: { commit: string; clock: string }
  knex_migrations: Array<{ id: number; name: string; batch: number; migration_time: string }>
  tables: Record<string, Row[]>
}
interface ApiFixture {
  madeBy: { commit: string; clock: string }
  tasks: Record<string, string>
  reports: Record<string, string>
  webhooks: Record<string, string>
  keyed: Array<{ as: Principal; method: 'POST'; url: string; payload: unknown; key: string }>
  reads: Array<{ as: Principal | null; url: string; status: number; body: unknown }>
}

const DB = load<DatabaseFixture>('database.json')
const API = load<ApiFixture>('api.json')
const rows = (table: string): Row[] => DB.tables[table]!
const parse = (v: unknown) => (v === null ? null : JSON.parse(v as string))

// ───────────────────────────── the old database ─────────────────────────────

/** Release 0.1's migrations as that commit had them, so the starting schema never moves with migrations/. */
const releaseMigrations: Knex.MigrationSource<string> = {
  getMigrations: async () => DB.knex_migrations.map((m) => m.name),
  getMigrationName: (name) => name,
  getMigration: async (name) => (await import(new URL(`migrations/${name}.ts`, FIXTURE).href)) as Knex.Migration
}

async function tableNames(knex: Knex, dialect: Database['dialect']): Promise<string[]> {
  const found =
    dialect === 'sqlite'
      ? ((await knex('sqlite_master').where({ type: 'table' }).whereNot('name', 'like', 'sqlite_%').select('name')) as Array<{ name: string }>)
      : ((await knex('information_schema.tables').where({ table_schema: knex.raw('current_schema()') }).select('table_name as name')) as Array<{ name: string }>)
  return found.map((r) => r.name).sort()
}

/** Writes release 0.1's database at `url`: its schema, its knex bookkeeping, its rows. */
async function writeReleaseDatabase(t: Test, url: string): Promise<void> {
  const { config, dialect } = knexConfig(url)
  const knex = knexFactory(config)
  try {
    await knex.migrate.latest({ migrationSource: releaseMigrations })
    t.strictSame(await tableNames(knex, dialect), [...Object.keys(DB.tables), 'knex_migrations', 'knex_migrations_lock'].sort(), 'the fixture has every table of the release’s schema')
    // The release's own bookkeeping rows, so that knex finds what it wrote then.
    await knex('knex_migrations').delete()
    await knex('knex_migrations').insert(DB.knex_migrations.map((m) => ({ ...m, migration_time: new Date(m.migration_time) })))
    for (const [table, list] of Object.entries(DB.tables)) {
      if (list.length > 0) t.strictSame(Object.keys(list[0]!).sort(), Object.keys(await knex(table).columnInfo()).sort(), `${table}: the rows fit the release’s columns`)
      for (let i = 0; i < list.length; i += 50) await knex(table).insert(list.slice(i, i + 50))
    }
    if (dialect === 'postgres') {
      // Rows came with their seq, which leaves PostgreSQL's sequences behind; a database the
      // release wrote has them in step, so they are put where the release would have left them.
      const serials = (await knex('information_schema.columns')
        .where({ table_schema: knex.raw('current_schema()') })
        .where('column_default', 'like', 'nextval(%')
        .select('table_name', 'column_name')) as Array<{ table_name: string; column_name: string }>
      for (const { table_name, column_name } of serials) {
        await knex.raw('select setval(pg_get_serial_sequence(?, ?), coalesce((select max(??) from ??), 0) + 1, false)', [table_name, column_name, column_name, table_name])
      }
    }
  } finally {
    await knex.destroy()
  }
}

interface Upgraded {
  app: App
  db: Database
  setNow: (d: Date) => void
}

/** Release 0.1's database, opened by today's code: migrated forward, then served. */
async function upgraded(t: Test, url: string, drop: () => Promise<void>): Promise<Upgraded> {
  await writeReleaseDatabase(t, url)
  const db = await openDatabase(url)
  let now = new Date(API.madeBy.clock)
  const app = await buildApp({ database: db, jwtSecret: TEST_SECRET, now: () => now })
  t.teardown(async () => {
    await app.close()
    await db.knex.destroy()
    await drop()
  })
  await app.ready()
  return { app, db, setNow: (d) => (now = d) }
}

// ───────────────────────────── comparing ─────────────────────────────

/**
 * Where `actual` departs from what the release gave: every field it had must be there with the
 * same value and type; a field added since is fine; arrays keep their length and order.
 */
function departures(actual: unknown, expected: unknown, path = '$'): string[] {
  const show = (v: unknown) => JSON.stringify(v)?.slice(0, 200)
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${show(actual)}`]
    if (actual.length !== expected.length) return [`${path}: expected ${expected.length} items, got ${actual.length}: ${show(actual)}`]
    return expected.flatMap((e, i) => departures(actual[i], e, `${path}[${i}]`))
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`${path}: expected an object, got ${show(actual)}`]
    return Object.entries(expected).flatMap(([k, e]) =>
      k in actual ? departures((actual as Row)[k], e, `${path}.${k}`) : [`${path}.${k}: missing, was ${show(e)}`]
    )
  }
  return Object.is(actual, expected) ? [] : [`${path}: was ${show(expected)}, is ${show(actual)}`]
}

// Changed on purpose since the release, and so expected as changed, here and nowhere else:
// citations name a document of the pack's sources table instead of the file a rule was drawn
// from (migration 20261215000000_citations rewrites the stored ones). A citation the release gave
// as { seed, section } is expected as { source, section } with the source that file is; its title
// and issuer are fields added since.
function cited(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cited)
  if (value === null || typeof value !== 'object') return value
  if ('seed' in value) return { source: SEED_SOURCES[(value as Row).seed], section: (value as Row).section }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cited(v)]))
}

// Two rules cited nothing in the release and now cite what they rest on, and application_lead_time's
// title no longer points at a brief outside the project. A screening run again today (GET …/screening)
// therefore gives those findings today's citations, and that title before the same detail, and no
// longer equals what was recorded; a stored screening keeps what it recorded.
const NEWLY_CITED = ['application_lead_time', 'suspected_misdeclaration'] as const
function reexplained(body: Row): Row {
  const findings = (body.screening.findings as Row[]).map((f): Row => {
    const rule = NEWLY_CITED.find((r) => r === f.rule)
    if (rule === undefined) return f
    const recited = { ...f, citations: RULES[rule].citations }
    if (rule !== 'application_lead_time') return recited
    const title = RULES.application_lead_time.title
    const detail = (text: string, sep: string) => text.slice(text.indexOf(sep) + sep.length)
    return { ...recited, message: { zh: `${title.zh}:${detail(f.message.zh, ':')}`, en: `${title.en}: ${detail(f.message.en, ': ')}` } }
  })
  const changed = findings.some((f) => NEWLY_CITED.some((r) => r === f.rule))
  return { ...body, screening: { ...body.screening, findings }, sameAsRecorded: changed ? false : body.sameAsRecorded }
}

// An area's ledger is paged since issue 11 (item 5): its communities are the items of a page,
// and the release's areas are small enough for the first one (50) to hold them all.
function paged(body: Row): Row {
  const { communities, ...rest } = body
  return { ...rest, items: communities, nextCursor: null }
}

/** A recorded answer as today's API gives it. */
const asToday = (url: string, body: unknown): unknown =>
  /\/screening\?asOf=/.test(url) ? reexplained(cited(body) as Row) : /^\/v1\/org-units\/[^/?]+\/burden/.test(url) ? paged(body as Row) : cited(body)

const keeps = (t: Test, actual: unknown, expected: unknown, what: string) => t.strictSame(departures(actual, expected).slice(0, 10), [], what)

const token = (p: Principal) => signToken(p, TEST_SECRET, { nowSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 3600 })
const headers = (p: Principal | null): Record<string, string> => (p === null ? {} : { authorization: `Bearer ${token(p)}` })
const who = (p: Principal | null) => (p === null ? 'the public' : `${p.role} ${p.org} ${p.sub}`)

const ADMIN: Principal = { role: 'admin', org: 'city', sub: 'admin' }
const office = (org: string): Principal => ({ role: 'office', org, sub: `office.${org}` })

async function get(app: App, url: string, as: Principal | null = ADMIN): Promise<Row> {
  const res = await app.inject({ method: 'GET', url, headers: headers(as) })
  if (res.statusCode !== 200) throw new Error(`GET ${url} as ${who(as)}: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** Every item of a paged list, in pages small enough that the fixture's lists span several. */
async function all(app: App, url: string, as: Principal | null = ADMIN, limit = 3): Promise<Row[]> {
  const items: Row[] = []
  for (let cursor: string | null = null; ; ) {
    const page = await get(app, `${url}${url.includes('?') ? '&' : '?'}limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`, as)
    items.push(...page.items)
    if (page.nextCursor === null) return items
    cursor = page.nextCursor
  }
}

/** The answer's JSON, once its status is checked; the body is shown only when the status is wrong. */
function answer(t: Test, res: { statusCode: number; body: string; json: () => Row }, status: number, what: string): Row {
  t.equal(res.statusCode, status, res.statusCode === status ? what : `${what}: ${res.body}`)
  return res.json()
}

const post = (app: App, url: string, as: Principal, payload: object, extra: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { ...headers(as), ...extra }, payload })

// ───────────────────────────── what must survive ─────────────────────────────

const task = (name: string): Row => rows('tasks').find((r) => r.id === API.tasks[name])!
const eventsOf = (seq: number) => rows('task_events').filter((e) => e.task_seq === seq)
const PUBLIC_STATES = ['admitted', 'active', 'suspended', 'completed', 'revoked']

async function checkUpgraded(t: Test, { app, db, setNow }: Upgraded): Promise<void> {
  t.test('the schema is today’s: every migration applied, the release’s bookkeeping kept', async (t) => {
    const [, pending] = (await db.knex.migrate.list({ migrationSource })) as [unknown[], unknown[]]
    t.strictSame(pending, [])
    const kept = await db.knex('knex_migrations').orderBy('id').limit(DB.knex_migrations.length).select('id', 'name', 'batch')
    t.strictSame(kept, DB.knex_migrations.map(({ id, name, batch }) => ({ id, name, batch })))
  })

  t.test('every read the release answered is answered the same', async (t) => {
    for (const r of API.reads) {
      const res = await app.inject({ method: 'GET', url: r.url, headers: headers(r.as) })
      t.equal(res.statusCode, r.status, `GET ${r.url} as ${who(r.as)}: status`)
      keeps(t, res.json(), asToday(r.url, r.body), `GET ${r.url} as ${who(r.as)}`)
    }
  })

  t.test('every task: state, version, declaration, screening, deadline, votes, decision and targets', async (t) => {
    for (const r of rows('tasks')) {
      const view = await get(app, `/v1/tasks/${r.id}`)
      const d = parse(r.declaration)
      const context = parse(r.snapshot).context
      keeps(t, view, {
        id: r.id,
        state: r.state,
        stage: r.stage,
        version: r.version,
        department: r.department_id,
        ...d,
        screening: cited(parse(r.screening)),
        decider: { level: r.decider_level, orgUnit: r.decider_org, body: r.decider_body },
        review: {
          escalatedOn: r.escalated_on,
          dueOn: r.due_on,
          dueKind: r.due_kind,
          overdue: r.overdue,
          consultation: context.consultation,
          votes: Object.entries(context.votes).map(([member, v]) => ({ member, ...(v as object) })),
          decision: context.decision
        },
        createdAt: r.created_at,
        updatedAt: r.updated_at
      }, `task ${r.id} (${r.state})`)
      const targets = rows('task_targets').filter((x) => x.task_seq === r.seq).map((x) => x.org_unit_id)
      t.strictSame([...view.targets].sort(), targets.sort(), `task ${r.id}: its targets`)
    }
    t.equal((await all(app, '/v1/tasks', ADMIN, 7)).length, rows('tasks').length, 'all listed')
  })

  t.test('every history, paged: each event with its type, actor, reasons, votes, minutes, findings and policy version', async (t) => {
    for (const r of rows('tasks')) {
      const history = await all(app, `/v1/tasks/${r.id}/events`)
      keeps(t, history, eventsOf(r.seq).map((e) => {
        const p = parse(e.payload)
        return {
          seq: e.seq,
          version: e.task_version,
          type: e.type,
          from: e.from_state,
          to: e.to_state,
          actor: { sub: e.actor_sub, role: e.actor_role, org: e.actor_org },
          reason: p.reason ?? null,
          decision: p.decision ?? null,
          vote: p.vote ?? null,
          minutes: p.minutes ?? null,
          consultation: p.consultation ?? null,
          reply: p.reply ?? null,
          amendment: p.amendment ?? null,
          changes: p.changes ?? null,
          outcome: e.outcome,
          findings: cited(parse(e.findings)),
          policy: e.policy_id === null ? null : { id: e.policy_id, version: e.policy_version, hash: e.policy_hash },
          at: e.created_at
        }
      }), `history of task ${r.id}`)
    }
  })

  t.test('every agreement and its funding confirmations', async (t) => {
    const agreements = rows('tasks').filter((r) => PUBLIC_STATES.includes(r.state))
    t.ok(agreements.length >= 5)
    for (const r of agreements) {
      keeps(t, await get(app, `/v1/tasks/${r.id}/contract`), {
        taskId: r.id,
        state: r.state,
        version: r.version,
        targets: parse(r.declaration).targets,
        period: parse(r.declaration).period,
        admittedAt: r.admitted_at,
        unfunded: r.unfunded,
        terms: parse(r.contract)
      }, `contract of ${r.id}`)
      const funding = await get(app, `/v1/tasks/${r.id}/funding-confirmations`)
      keeps(t, funding, {
        unfunded: r.unfunded,
        items: rows('funding_confirmations')
          .filter((c) => c.task_seq === r.seq)
          .map((c) => ({ community: c.community_id, status: c.status, amount: c.amount, staffArrived: c.staff_arrived, note: c.note, confirmedBy: c.confirmed_by, at: c.created_at }))
      }, `funding of ${r.id}`)
    }
  })

  t.test('every burden report and its history', async (t) => {
    for (const r of rows('burden_reports')) {
      keeps(t, await get(app, `/v1/burden-reports/${r.id}`), {
        id: r.id,
        state: r.state,
        version: r.version,
        department: r.department_id,
        jurisdiction: r.jurisdiction_id,
        what: r.what,
        askedOn: r.asked_on,
        evidence: r.evidence,
        relatedTaskId: r.related_task_id,
        reporterOrg: r.reporter_org,
        reporterSub: r.reporter_sub,
        directive: r.directive,
        outcomeReason: r.outcome_reason,
        createdAt: r.created_at,
        updatedAt: r.updated_at
      }, `burden report ${r.id}`)
      const history = rows('burden_report_events').filter((e) => e.report_seq === r.seq)
      keeps(t, await all(app, `/v1/burden-reports/${r.id}/events`, ADMIN, 2), history.map((e) => ({
        seq: e.seq,
        version: e.report_version,
        type: e.type,
        from: e.from_state,
        to: e.to_state,
        actor: { role: e.actor_role, sub: e.actor_sub, org: e.actor_org },
        reason: parse(e.payload).reason ?? null,
        directive: parse(e.payload).directive ?? null,
        at: e.created_at
      })), `history of burden report ${r.id}`)
    }
  })

  t.test('every webhook and its deliveries; a deleted one stays deleted', async (t) => {
    const hooks = rows('webhooks')
    const live = hooks.filter((h) => h.active).sort((a, b) => (a.created_at === b.created_at ? (a.id < b.id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1))
    keeps(t, (await get(app, '/v1/webhooks')).items, live.map((h) => ({
      id: h.id,
      url: h.url,
      events: parse(h.events),
      active: true,
      owner: { sub: h.owner_sub, role: h.owner_role, org: h.owner_org },
      createdAt: h.created_at
    })), 'the live webhooks')
    for (const h of live) {
      const deliveries = rows('webhook_deliveries').filter((d) => d.webhook_id === h.id).reverse()
      keeps(t, await all(app, `/v1/webhooks/${h.id}/deliveries`, ADMIN, 7), deliveries.map((d) => ({
        id: d.id,
        event: d.event_type,
        taskId: d.task_id,
        taskVersion: d.task_version,
        status: d.status,
        attempts: d.attempts,
        nextAttemptAt: d.status === 'pending' ? d.next_attempt_at : null,
        lastStatus: d.last_status,
        lastError: d.last_error,
        createdAt: d.created_at,
        deliveredAt: d.delivered_at
      })), `deliveries of ${h.url}`)
    }
    const deleted = hooks.filter((h) => !h.active)
    t.ok(deleted.length > 0)
    for (const h of deleted) t.equal((await app.inject({ method: 'GET', url: `/v1/webhooks/${h.id}/deliveries`, headers: headers(ADMIN) })).statusCode, 404)
  })

  t.test('every catalog version in the public register, each list as it stood', async (t) => {
    const packs = rows('policy_packs')
    keeps(t, await all(app, '/v1/register/catalog-versions', null, 2), packs.map((p, i) => ({
      id: p.pack_id,
      version: p.version,
      hash: p.hash,
      loadedAt: p.loaded_at,
      inForce: i === packs.length - 1
    })), 'the versions, oldest first')
    for (const p of packs) {
      const body = parse(p.body)
      for (const level of ['community', 'street']) {
        for (const list of ['lawful_duties', 'assisted_tasks', 'certificates', 'negative']) {
          const stood = await get(app, `/v1/register/catalog-versions/${p.version}/${list}?level=${level}`, null)
          // The register does not publish the jurisdiction an amended item is limited to.
          const items = body.levels[level][list].map(({ jurisdiction: _, ...item }: Row) => item)
          keeps(t, stood, { policy: { id: p.pack_id, version: p.version, hash: p.hash }, loadedAt: p.loaded_at, items }, `${p.version} ${level} ${list}`)
        }
      }
    }
  })

  t.test('the org tree and the leading groups', async (t) => {
    for (const u of rows('org_units')) keeps(t, await get(app, `/v1/org-units/${u.id}`, null), { id: u.id, kind: u.kind, name: u.name, parentId: u.parent_id }, `org unit ${u.id}`)
    const groups = [...new Set(rows('group_members').map((m) => m.org_unit_id))]
    for (const g of groups) {
      keeps(t, (await get(app, `/v1/leading-groups/${g}/members`)).items, rows('group_members')
        .filter((m) => m.org_unit_id === g)
        .map((m) => ({ sub: m.sub, name: m.name, homeDepartment: m.home_department_id, chair: m.chair })), `the ${g} group`)
    }
  })

  t.test('idempotency keys: a retry is answered as the first request was, another request with the key is refused', async (t) => {
    for (const k of API.keyed) {
      // Found by key alone: how a key's scope names its principal is the code's business.
      const [stored, ...more] = rows('idempotency_keys').filter((r) => r.key === k.key)
      t.equal(more.length, 0, `${k.key}: one key of that name in the fixture`)
      const retry = await post(app, k.url, k.as, k.payload as object, { 'idempotency-key': k.key })
      t.equal(retry.statusCode, stored!.status, `${k.key}: status`)
      t.equal(retry.headers['idempotent-replay'], 'true', `${k.key}: a replay`)
      t.equal(retry.body, stored!.body, `${k.key}: the same bytes`)
      // Another request under the same key (the URL is part of what the key was given for).
      const other = await post(app, `${k.url}?again=1`, k.as, k.payload as object, { 'idempotency-key': k.key })
      t.equal(other.statusCode, 422, `${k.key}: another request`)
    }
  })

  // After the reads: a sweep that finds something writes, and every later answer would differ.
  t.test('the sweeper finds nothing new: overdue and unfunded flags, due dates and periods are kept', async (t) => {
    t.strictSame(await sweep(app.gate), { deadlines: 0, contracts: 0, funding: 0 })
  })

  t.test('the machines take the next events', async (t) => {
    const send = (name: string, as: Principal, body: object) => post(app, `/v1/tasks/${API.tasks[name]}/events`, as, body)
    const lg = (org: string, sub: string): Principal => ({ role: 'leading_group', org, sub })

    // The votes cast before the upgrade still count towards the quorum and the majority.
    const onAgenda = task('on-agenda')
    const voted = answer(t, await send('on-agenda', lg(onAgenda.decider_org, 'lv.member'), { type: 'VOTE', vote: 'approve', reason: '同意', version: onAgenda.version }), 200, 'a vote on the release’s agenda')
    t.equal(voted.review.tally.voted, Object.keys(parse(onAgenda.snapshot).context.votes).length + 1, 'counted with the votes cast before')
    const decided = answer(t, await send('on-agenda', lg(onAgenda.decider_org, 'sun.chair'), { type: 'DECIDE', decision: 'approve', minutes: '升级后第1次会议纪要' }), 200, 'the decision')
    t.equal(decided.state, 'admitted')
    t.equal(decided.version, onAgenda.version + 2)
    t.equal((await all(app, `/v1/tasks/${onAgenda.id}/events`)).length, eventsOf(onAgenda.seq).length + 2)

    const fresh = task('fresh-agenda')
    const wrongWay = answer(t, await send('fresh-agenda', lg('city', 'chen.chair'), { type: 'DECIDE', decision: 'return', reason: '退回', minutes: '纪要' }), 409, 'the recorded votes do not carry a return')
    t.equal(wrongWay.currentVersion, fresh.version)
    t.equal(answer(t, await send('fresh-agenda', lg('city', 'chen.chair'), { type: 'DECIDE', decision: 'approve', minutes: '纪要' }), 200, 'what they carry').state, 'admitted')

    const consulted = task('in-consultation')
    const invited = parse(consulted.snapshot).context.consultation.invited.at(-1)
    answer(t, await send('in-consultation', { role: 'community', org: invited, sub: `${invited}.staff` }, { type: 'CONSULTATION_REPLY', reply: '同意' }), 200, 'an invited community still replies')
    t.equal(answer(t, await send('in-consultation', office(consulted.decider_org), { type: 'CLOSE_CONSULTATION' }), 200, 'the consultation closed').stage, 'office_review')

    const admitted = task('admitted')
    const suspended = answer(t, await send('admitted', office(admitted.jurisdiction_id), { type: 'SUSPEND', reason: '升级后核查', version: admitted.version }), 200, 'an admitted task suspended')
    t.equal(suspended.state, 'suspended')
    t.equal(answer(t, await send('suspended', office(task('suspended').jurisdiction_id), { type: 'RESUME', reason: '经费已到位' }), 200, 'a suspended one resumed').state, 'active')

    const active = task('active')
    const terms = { ...parse(active.contract), paymentSchedule: '升级后调整', version: active.version }
    const put = await app.inject({ method: 'PUT', url: `/v1/tasks/${active.id}/contract`, headers: headers({ role: 'department', org: active.department_id, sub: 'x' }), payload: terms })
    t.equal(answer(t, put, 200, 'the terms changed at the release’s version').version, active.version + 1)
    const target = parse(active.declaration).targets[0]
    const confirmed = answer(t, await post(app, `/v1/tasks/${active.id}/funding-confirmations`, { role: 'community', org: target, sub: `${target}.staff` }, { status: 'received', amount: parse(active.declaration).funding.perTarget }), 201, 'a funding confirmation')
    t.equal(confirmed.items.length, rows('funding_confirmations').filter((c) => c.task_seq === active.seq).length + 1, 'after the release’s')

    const draft = task('draft')
    const submitted = answer(t, await send('draft', { role: 'department', org: draft.department_id, sub: 'x' }, { type: 'SUBMIT', version: draft.version }), 200, 'a draft submitted')
    const head = rows('policy_packs').at(-1)!
    t.strictSame(submitted.screening.policy, { id: head.pack_id, version: head.version, hash: head.hash }, 'screened with the pack in force')

    // The amended catalog still admits the decided item directly, citing the code the decision gave it.
    const amended = task('decided-amended')
    const amendment = parse(eventsOf(amended.seq).find((e) => e.type === 'DECIDE')!.payload).amendment
    const again = answer(t, await post(app, '/v1/tasks', { role: 'department', org: amended.department_id, sub: 'x' }, { ...parse(amended.declaration), submit: true }), 201, 'the decided item again')
    t.equal(again.state, 'admitted')
    t.equal(again.screening.findings[0].catalogRef.code, amendment.code)
    const newSeq = Number((await db.knex('tasks').where({ id: again.id }).first('seq')).seq)
    t.ok(rows('tasks').every((r) => r.seq < newSeq), 'a new task is numbered after the release’s')

    const report = (name: string) => rows('burden_reports').find((r) => r.id === API.reports[name])!
    for (const [name, body] of [['reported', { type: 'INVESTIGATE' }], ['investigating', { type: 'CONFIRM', directive: 'drop' }]] as const) {
      const r = report(name)
      const moved = answer(t, await post(app, `/v1/burden-reports/${r.id}/events`, office(r.jurisdiction_id), { ...body, version: r.version }), 200, `${body.type} a ${r.state} report`)
      t.equal(moved.version, r.version + 1)
    }

    // The outbox: what was still pending is sent, byte for byte and signed with the stored secret;
    // nothing delivered or failed is sent again, nothing goes to the deleted webhook.
    const sent = new Map<string, { body: string; signature: string; event: string }>()
    const fetch = (async (_url: string, init: RequestInit) => {
      const h = init.headers as Record<string, string>
      sent.set(h['x-zhunru-delivery']!, { body: init.body as string, signature: h['x-zhunru-signature']!, event: h['x-zhunru-event']! })
      return new Response(null, { status: 204 })
    }) as unknown as typeof globalThis.fetch
    // An hour on, every retry the release scheduled is due.
    const later = new Date(Date.parse(API.madeBy.clock) + 3600_000)
    setNow(later)
    while ((await dispatchDue(db.knex, { now: () => later, fetch, retryBaseMs: 30_000, maxAttempts: 8, timeoutMs: 1000 })) > 0);
    const live = new Map(rows('webhooks').filter((h) => h.active).map((h) => [h.id, h.secret]))
    const pending = rows('webhook_deliveries').filter((d) => d.status === 'pending' && live.has(d.webhook_id))
    t.ok(pending.length > 0)
    for (const d of pending) {
      t.strictSame(sent.get(d.id), { body: d.body, signature: signature(live.get(d.webhook_id)!, d.body), event: d.event_type }, `delivery ${d.id}`)
    }
    const settled = rows('webhook_deliveries').filter((d) => d.status !== 'pending' || !live.has(d.webhook_id))
    t.strictSame(settled.filter((d) => sent.has(d.id)).map((d) => d.id), [])
    t.ok(sent.size > pending.length, 'the events sent since the upgrade are delivered too')

    // The periods the release recorded still drive the sweeper: 20:00 UTC is the next day in China.
    setNow(new Date(`${parse(active.declaration).period.end}T20:00:00Z`))
    await sweep(app.gate)
    t.equal((await get(app, `/v1/tasks/${active.id}`)).state, 'completed')
    t.equal((await get(app, `/v1/tasks/${API.tasks['keyed-admitted']}`)).state, 'active')
  })
}

// ───────────────────────────── on each database ─────────────────────────────

t.test(`SQLite: a database file written by release 0.1 (${DB.madeBy.commit.slice(0, 7)}) is upgraded with everything in it`, async (t) => {
  await checkUpgraded(t, await upgraded(t, `sqlite:${t.testdir({})}/zhunru.sqlite`, async () => {}))
})

const server = process.env.DATABASE_URL
const postgres = server !== undefined && /^postgres(ql)?:\/\//.test(server)
t.test(`PostgreSQL: a database written by release 0.1 (${DB.madeBy.commit.slice(0, 7)}) is upgraded with everything in it`, { skip: postgres ? false : 'DATABASE_URL names no PostgreSQL server' }, async (t) => {
  const name = `zhunru_upgrade_${randomBytes(6).toString('hex')}`
  const admin = knexFactory({ client: 'pg', connection: server!, pool: { min: 0, max: 1 } })
  await admin.raw(`create database ${name}`)
  const url = new URL(server!)
  url.pathname = `/${name}`
  await checkUpgraded(t, await upgraded(t, url.toString(), async () => {
    await admin.raw(`drop database if exists ${name} with (force)`)
    await admin.destroy()
  }))
})
