import { CATALOG_ITEM_FIELDS } from '../policy/catalog-routes.js'
import { PUBLIC_STATES, type PublicState } from '../../machines/admission.js'
import { createHash } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Knex } from 'knex'
import { Type, type Static } from 'typebox'
import { addCalendarDays } from '../clock.js'
import { Problems } from '../platform/errors.js'
import { checkCoveredDates } from '../policy/dates.js'
import { diffBy } from '../policy/pack-diff.js'
import { canonicalJson } from '../policy/pack.js'
import {
  CATALOG_LISTS,
  RULE_CODES,
  TARGET_LEVELS,
  TASK_KINDS,
  VERDICTS,
  type CatalogList,
  type PolicyPack,
  type RuleCode,
  type Screening,
  type TargetLevel,
  type TaskDeclaration
} from '../policy/types.js'
import { decodeCursor, encodeCursor } from '../platform/pagination.js'
import { DEFAULT_PAGE_SIZE, Nullable, PageQuery, PUBLIC, problemResponses } from '../platform/schemas.js'
import { fromJson } from '../engine/db.js'
import { appendMark, MarkedMemo } from '../platform/data-mark.js'
import { treeRevision } from '../policy/org-directory.js'

/**
 * The public register (issue 4 item 6; wuhan-2015 解读2: the lists are public): the catalogs
 * and their history, the tasks that passed the gate, and per-department statistics.
 * No route here reads the principal: a token changes nothing, so every response is
 * the same for everybody and may be cached by anyone (ETag, Cache-Control: public).
 */

/**
 * Admitted work and its later life as a contract. Listed here on purpose rather than
 * derived from the machine: a state becomes public only when someone adds it to this list.
 */

export const CACHE_CONTROL = 'public, max-age=60'

/** Bumped when a representation changes shape, so caches do not revalidate an old body against a new server. */
const REPRESENTATION = 'register/1'

// ───────────────────────────── caching ─────────────────────────────

/**
 * A strong entity tag for one representation: what was asked (route and normalised
 * query) and a cheap fingerprint of the data behind it. Values are stringified so the
 * tag does not depend on the driver (PostgreSQL hands counts back as strings).
 */
export function entityTag(route: string, input: Record<string, unknown>, fingerprint: Record<string, unknown>): string {
  const data = Object.fromEntries(Object.entries(fingerprint).map(([k, v]) => [k, String(v)]))
  const digest = createHash('sha256').update(canonicalJson({ representation: REPRESENTATION, route, input, data })).digest('base64url')
  return `"${digest.slice(0, 32)}"`
}

/** RFC 9110 §13.1.2: If-None-Match compares weakly (W/ is ignored); "*" matches any representation. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  if (header.trim() === '*') return true
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}

/** Sets the validators; true when the client's copy is current and a 304 is the answer. */
function fresh(req: FastifyRequest, reply: FastifyReply, etag: string): boolean {
  void reply.header('etag', etag).header('cache-control', CACHE_CONTROL)
  return matchesIfNoneMatch(req.headers['if-none-match'], etag)
}

/** 304 carries the validators fresh() set and no body. */
const notModified = (reply: FastifyReply) => reply.code(304).send()

/** Response headers, as @fastify/swagger documents them. */
const headers = {
  etag: { type: 'string', description: 'strong validator of this representation: send it back in If-None-Match' },
  'cache-control': { type: 'string', description: CACHE_CONTROL }
}

const NotModified = Type.Null({ description: 'Not modified: the copy named in If-None-Match is current; no body', headers })

/** Documents the conditional request header; any value is accepted (an unknown tag simply does not match). */
const conditional = Type.Object({
  'if-none-match': Type.Optional(Type.String({ description: 'ETags of copies the client holds; a match answers 304' }))
})

const ok = <T extends Parameters<typeof Type.Object>[0]>(properties: T, description: string) =>
  Type.Object(properties, { additionalProperties: false, description, headers })

// ───────────────────────────── schemas ─────────────────────────────

const PolicyVersion = Type.Object(
  { id: Type.String(), version: Type.String(), hash: Type.String() },
  { additionalProperties: false }
)

const ListChange = Nullable(Type.Array(Type.String(), { description: 'item codes; null for the first stored version' }))

const CatalogVersion = Type.Object(
  {
    id: Type.String({ description: 'policy pack id' }),
    version: Type.String(),
    hash: Type.String({ description: 'sha256 of the canonical pack: what decisions record' }),
    loadedAt: Type.String({ format: 'date-time', description: 'when this version was stored, i.e. published' }),
    inForce: Type.Boolean({ description: 'the version the gate uses now: the one stored last' }),
    previous: Nullable(PolicyVersion),
    lists: Type.Array(
      Type.Object(
        {
          level: Type.Enum(TARGET_LEVELS),
          list: Type.Enum(CATALOG_LISTS),
          count: Type.Integer(),
          added: ListChange,
          removed: ListChange,
          changed: Nullable(Type.Array(Type.String(), { description: 'codes kept whose content differs from the previous version' })),
          href: Type.String()
        },
        { additionalProperties: false }
      )
    )
  },
  { additionalProperties: false }
)

// Catalog items are the published lists themselves; the schema still names every field
// so that the serializer drops anything a future pack field adds until it is listed here.
const CatalogEntry = Type.Object(
  {
    ...CATALOG_ITEM_FIELDS,
    kinds: Type.Optional(Type.Array(Type.Enum(TASK_KINDS))),
    titles: Type.Optional(Type.Array(Type.String(), { description: 'titles of admitted tasks the leading group approved as this item' }))
  },
  { additionalProperties: false }
)

const OrgRef = Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false })

export const PublicTask = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    description: Type.String(),
    department: OrgRef,
    targetLevel: Type.Enum(TARGET_LEVELS),
    targets: Type.Array(OrgRef),
    kind: Type.Enum(TASK_KINDS),
    catalogItem: Nullable(Type.String()),
    funding: Nullable(
      Type.Object(
        { perTarget: Type.Number({ description: 'yuan per target per period' }), source: Type.String() },
        { additionalProperties: false, description: 'funding promised with the task (费随事转)' }
      )
    ),
    period: Type.Object({ start: Type.String({ format: 'date' }), end: Type.String({ format: 'date' }) }, { additionalProperties: false }),
    workloadHours: Type.Number({ description: 'estimated hours of work per target' }),
    state: Type.Enum(PUBLIC_STATES),
    decider: Type.Object(
      {
        level: Type.Union([Type.Literal('city'), Type.Literal('district')]),
        orgUnit: Type.String(),
        body: Type.Union([Type.Literal('leading_group'), Type.Literal('party_committee_and_government')])
      },
      { additionalProperties: false, description: 'the city or district body competent for the task (Wuhan “1+10” documents, 解读3)' }
    ),
    admittedAt: Type.String({ format: 'date-time' }),
    admittedBy: Type.Enum(['screening', 'collective_decision'] as const, {
      description: 'screening: the gate admitted it on a catalog match; collective_decision: the leading group approved it'
    }),
    screening: Type.Object(
      {
        outcome: Type.Enum(VERDICTS),
        rules: Type.Array(Type.Enum(RULE_CODES), { description: 'codes of the rules that fired' }),
        policy: PolicyVersion
      },
      { additionalProperties: false, description: 'the last screening: its outcome, the rules that fired and the catalog version used' }
    )
  },
  {
    additionalProperties: false,
    description: 'A task as the public register shows it: built from an allow-list, with nothing that names a person or records deliberation'
  }
)
export type PublicTaskT = Static<typeof PublicTask>

export const DepartmentStats = Type.Object(
  {
    department: Type.Object({ id: Type.String(), name: Type.String(), parentId: Type.String() }, { additionalProperties: false }),
    submitted: Type.Integer({ description: 'tasks submitted at least once (first submission within from/to)' }),
    admitted: Type.Integer({ description: 'of those, now admitted or living on as a contract (active, suspended, completed, revoked)' }),
    escalated: Type.Integer({ description: 'now before the office or the leading group' }),
    returned: Type.Integer({ description: 'now returned to the department' }),
    revising: Type.Integer({ description: 'returned and taken back to draft by the department' }),
    rejected: Type.Integer(),
    withdrawn: Type.Integer(),
    rejectedByRule: Type.Record(Type.String(), Type.Integer(), {
      description:
        'rule code → rejecting findings of the tasks the gate rejected (rules that never fired are left out); a task that broke two rules counts under both'
    }),
    rejectedByDecision: Type.Integer({ description: 'rejected tasks the leading group rejected after an escalation' })
  },
  { additionalProperties: false }
)
export type DepartmentStatsT = Static<typeof DepartmentStats>

// ───────────────────────────── queries ─────────────────────────────

interface PackRow {
  seq: number
  pack_id: string
  version: string
  hash: string
  loaded_at: string
  body?: string
}

const PACK_COLUMNS = ['seq', 'pack_id', 'version', 'hash', 'loaded_at'] as const

async function packHead(db: Knex): Promise<{ seq: number; count: number }> {
  const head = (await db('policy_packs').max({ seq: 'seq' }).count({ count: '*' }).first()) as { seq: number | string; count: number | string }
  return { seq: Number(head.seq), count: Number(head.count) }
}

const ref = (row: PackRow) => ({ id: row.pack_id, version: row.version, hash: row.hash })

interface Coded {
  code: string
}

const diff = (before: Coded[], after: Coded[]) => diffBy(before, after, (i) => i.code)

const listHref = (row: PackRow, list: CatalogList, level: TargetLevel) =>
  `/v1/register/catalog-versions/${encodeURIComponent(row.version)}/${list}?level=${level}&pack=${encodeURIComponent(row.pack_id)}`

/** One stored version with its counts, and what changed against the version stored before it. */
function catalogVersion(row: PackRow, previous: { row: PackRow; pack: PolicyPack } | undefined, headSeq: number) {
  const pack = fromJson<PolicyPack>(row.body)
  const view = {
    ...ref(row),
    loadedAt: row.loaded_at,
    inForce: Number(row.seq) === headSeq,
    previous: previous === undefined ? null : ref(previous.row),
    lists: TARGET_LEVELS.flatMap((level) =>
      CATALOG_LISTS.map((list) => {
        const items = pack.levels[level][list] as Coded[]
        const changes = previous === undefined ? null : diff(previous.pack.levels[level][list] as Coded[], items)
        return {
          level,
          list,
          count: items.length,
          added: changes && changes.added,
          removed: changes && changes.removed,
          changed: changes && changes.changed,
          href: listHref(row, list, level)
        }
      })
    )
  }
  return { view, pack }
}

interface TaskFilter {
  department?: string
  target?: string
  catalogItem?: string
}

/** Tasks in a public state (or in the states given), narrowed by the register's filters. */
function publicTasks(db: Knex, f: TaskFilter, states: readonly string[] = PUBLIC_STATES): Knex.QueryBuilder {
  const q = db('tasks').whereIn('tasks.state', states)
  if (f.department !== undefined) q.where('tasks.department_id', f.department)
  if (f.target !== undefined) {
    q.whereExists((sub) => {
      sub.select(db.raw('1')).from('task_targets').whereRaw('task_targets.task_seq = tasks.seq').where('task_targets.org_unit_id', f.target!)
    })
  }
  if (f.catalogItem !== undefined) {
    // The declaration is stored as JSON text (toJson). Inside JSON.stringify's output the
    // text `"catalogItem":<value>` can only be the top-level key with exactly that value:
    // a quote inside a string is always escaped as \", so a key never matches within one.
    // replace() is case-sensitive and takes no wildcards on both SQLite and PostgreSQL,
    // which makes this an exact, dialect-free test ("AT-1" does not find "AT-18").
    q.whereRaw('replace(tasks.declaration, ?, ?) <> tasks.declaration', [`"catalogItem":${JSON.stringify(f.catalogItem)}`, ''])
  }
  return q
}

/**
 * The seq and version of the first `n` public tasks matching the filter below `beforeSeq`,
 * newest first. Asked state by state, each an index range walked from its newest end and
 * stopped at n rows, then merged: one query over all public states would sort them all.
 */
async function publicKeys(db: Knex, f: TaskFilter, n: number, beforeSeq: number | null): Promise<Array<{ seq: number; version: number }>> {
  const perState = await Promise.all(
    PUBLIC_STATES.map((state) => {
      const q = publicTasks(db, f, [state]).select('tasks.seq', 'tasks.version').orderBy('tasks.seq', 'desc').limit(n)
      if (beforeSeq !== null) q.where('tasks.seq', '<', beforeSeq)
      return q as Promise<Array<{ seq: number; version: number }>>
    })
  )
  return perState
    .flat()
    .map((k) => ({ seq: Number(k.seq), version: Number(k.version) }))
    .sort((a, b) => b.seq - a.seq)
    .slice(0, n)
}

interface PublicTaskRow {
  seq: number
  id: string
  state: PublicState
  department_id: string
  department_name: string
  declaration: string
  screening: string
  decider_level: 'city' | 'district'
  decider_org: string
  decider_body: 'leading_group' | 'party_committee_and_government'
}

/**
 * The allow-list: every public field is copied by name. Nothing is spread from the
 * stored declaration, screening or snapshot, so a field added there later stays private
 * until it is added here (and to the PublicTask schema, which drops anything else).
 */
function toPublicTask(row: PublicTaskRow, names: Map<string, string>, admission: { type: string; at: string }): PublicTaskT {
  const d = fromJson<TaskDeclaration>(row.declaration)
  const s = fromJson<Screening>(row.screening)
  return {
    id: row.id,
    title: d.title,
    description: d.description,
    department: { id: row.department_id, name: row.department_name },
    targetLevel: d.targetLevel,
    // task_targets mirrors the declared targets, and each is an org unit (foreign key).
    targets: d.targets.map((id) => ({ id, name: names.get(id)! })),
    kind: d.kind,
    catalogItem: d.catalogItem,
    // Whether the department declared the money "committed" is left out: the gate returns
    // any task that needs funding and has none committed, so every public task needing money
    // had it committed; whether it arrived is the funding confirmations' business.
    funding: d.funding === null ? null : { perTarget: d.funding.perTarget, source: d.funding.source },
    period: { start: d.period.start, end: d.period.end },
    workloadHours: d.workloadHours,
    state: row.state,
    decider: { level: row.decider_level, orgUnit: row.decider_org, body: row.decider_body },
    admittedAt: admission.at,
    admittedBy: admission.type === 'SUBMIT' ? 'screening' : 'collective_decision',
    screening: {
      outcome: s.outcome,
      rules: s.findings.map((f) => f.rule),
      policy: { id: s.policy.id, version: s.policy.version, hash: s.policy.hash }
    }
  }
}

/** The China Standard Time day `date` starts at, as the ISO instant timestamps are stored in. */
const chinaDayStart = (date: string) => new Date(`${date}T00:00:00+08:00`).toISOString()

/**
 * Tasks by the China date of their first submission (a resubmission does not move a task to a
 * later period). The first SUBMIT's time is a column of the task, written with that event.
 */
function submittedWithin(db: Knex, from: string | undefined, to: string | undefined): Knex.QueryBuilder {
  const q = db('tasks').whereNotNull('tasks.first_submitted_at')
  if (from !== undefined) q.where('tasks.first_submitted_at', '>=', chinaDayStart(from))
  if (to !== undefined) q.where('tasks.first_submitted_at', '<', chinaDayStart(addCalendarDays(to, 1)))
  return q
}

const COUNTED_STATES = {
  escalated: ['escalated'],
  returned: ['returned'],
  revising: ['draft'],
  rejected: ['rejected'],
  withdrawn: ['withdrawn'],
  admitted: PUBLIC_STATES
} as const

type Counts = Omit<DepartmentStatsT, 'department' | 'rejectedByRule'>

async function departmentCounts(db: Knex, from: string | undefined, to: string | undefined): Promise<Map<string, Counts>> {
  const q = submittedWithin(db, from, to).select('tasks.department_id').count({ submitted: '*' }).groupBy('tasks.department_id')
  for (const [name, states] of Object.entries(COUNTED_STATES)) {
    q.select(db.raw(`sum(case when tasks.state in (${states.map(() => '?').join(', ')}) then 1 else 0 end) as ??`, [...states, name]))
  }
  q.select(db.raw(`sum(case when tasks.state = 'rejected' and tasks.outcome <> 'reject' then 1 else 0 end) as ??`, ['by_decision']))
  const rows = (await q) as Array<Record<string, string | number>>
  return new Map(
    rows.map((r) => [
      r.department_id as string,
      {
        submitted: Number(r.submitted),
        admitted: Number(r.admitted),
        escalated: Number(r.escalated),
        returned: Number(r.returned),
        revising: Number(r.revising),
        rejected: Number(r.rejected),
        withdrawn: Number(r.withdrawn),
        rejectedByDecision: Number(r.by_decision)
      }
    ])
  )
}

/**
 * Rules behind the gate's rejections, per department. Findings are JSON text and SQLite
 * and PostgreSQL unnest JSON differently, so only the rejected tasks' screenings are read
 * and counted here: a small subset, the one query of this route not done by GROUP BY.
 */
async function rejectionRules(db: Knex, from: string | undefined, to: string | undefined): Promise<Map<string, Record<string, number>>> {
  const rows = (await submittedWithin(db, from, to)
    .where('tasks.state', 'rejected')
    .where('tasks.outcome', 'reject')
    .select('tasks.department_id', 'tasks.screening')) as Array<{ department_id: string; screening: string }>
  const counts = new Map<string, Map<RuleCode, number>>()
  for (const row of rows) {
    const mine = counts.get(row.department_id) ?? new Map<RuleCode, number>()
    for (const f of fromJson<Screening>(row.screening).findings) {
      if (f.verdict === 'reject') mine.set(f.rule, (mine.get(f.rule) ?? 0) + 1)
    }
    counts.set(row.department_id, mine)
  }
  // Keys in the order of the rule table, so equal data serialises identically.
  return new Map(
    [...counts].map(([department, mine]) => [department, Object.fromEntries(RULE_CODES.filter((r) => mine.has(r)).map((r) => [r, mine.get(r)!]))])
  )
}

const ZERO: Counts = { submitted: 0, admitted: 0, escalated: 0, returned: 0, revising: 0, rejected: 0, withdrawn: 0, rejectedByDecision: 0 }

// ───────────────────────────── routes ─────────────────────────────

const tags = ['register']
const orgId = (description: string) => Type.String({ minLength: 1, maxLength: 64, description })

export const publicRegisterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = () => app.gate.db
  const statistics = new MarkedMemo<{ from: string | null; to: string | null; items: DepartmentStatsT[] }>(64)

  async function departmentStatistics(from: string | undefined, to: string | undefined) {
    const [departments, counts, rules] = await Promise.all([
      db()('org_units').where('kind', 'department').select('id', 'name', 'parent_id').orderBy('id') as Promise<Array<{ id: string; name: string; parent_id: string }>>,
      departmentCounts(db(), from, to),
      rejectionRules(db(), from, to)
    ])
    const items = departments.map((d) => ({
      department: { id: d.id, name: d.name, parentId: d.parent_id },
      ...(counts.get(d.id) ?? ZERO),
      rejectedByRule: rules.get(d.id) ?? {}
    }))
    return { from: from ?? null, to: to ?? null, items }
  }

  app.get(
    '/v1/register/catalog-versions',
    {
      schema: {
        tags,
        summary: 'The history of the published catalogs: every stored policy-pack version, oldest first, with what each changed',
        operationId: 'listCatalogVersions',
        security: PUBLIC,
        description:
          'No token needed. For every version: its hash (what decisions record), when it was stored, and per target level and list the item count; ' +
          'for every version after the first, the item codes added, removed and changed against the version stored before it. ' +
          `Cacheable: send the ETag back in If-None-Match to get 304. ${CACHE_CONTROL}.`,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        headers: conditional,
        response: {
          200: ok({ items: Type.Array(CatalogVersion), nextCursor: Nullable(Type.String()) }, 'a page of catalog versions'),
          304: NotModified,
          ...problemResponses(400)
        }
      }
    },
    async (req, reply) => {
      const { limit = DEFAULT_PAGE_SIZE, cursor } = req.query
      const after = decodeCursor(cursor)
      const head = await packHead(db())
      if (fresh(req, reply, entityTag('catalog-versions', { limit, cursor }, head))) return notModified(reply)
      const q = db()('policy_packs').select(...PACK_COLUMNS, 'body').orderBy('seq', 'asc').limit(limit + 1)
      if (after !== null) q.where('seq', '>', after)
      const rows = (await q) as PackRow[]
      const page = rows.slice(0, limit)
      // The version before this page's first one, to diff against (none on the first page).
      const before =
        after === null ? undefined : ((await db()('policy_packs').select(...PACK_COLUMNS, 'body').where('seq', '<=', after).orderBy('seq', 'desc').first()) as PackRow | undefined)
      let previous = before === undefined ? undefined : { row: before, pack: fromJson<PolicyPack>(before.body) }
      const items = page.map((row) => {
        const { view, pack } = catalogVersion(row, previous, head.seq)
        previous = { row, pack }
        return view
      })
      return { items, nextCursor: encodeCursor(rows.length > limit ? Number(page[page.length - 1]!.seq) : null) }
    }
  )

  app.get(
    '/v1/register/catalog-versions/:version/:list',
    {
      schema: {
        tags,
        summary: 'One list as it stood in a given catalog version',
        operationId: 'getCatalogVersionList',
        security: PUBLIC,
        description:
          'No token needed. A published version never changes. Two packs may share a version string: pack= names one; without it the one stored last is meant. ' +
          `Cacheable: ETag and If-None-Match; ${CACHE_CONTROL}.`,
        params: Type.Object({ version: Type.String({ minLength: 1, maxLength: 64 }), list: Type.Enum(CATALOG_LISTS) }),
        querystring: Type.Object(
          {
            level: Type.Optional(Type.Enum(TARGET_LEVELS, { default: 'community' })),
            pack: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'policy pack id' }))
          },
          { additionalProperties: false }
        ),
        headers: conditional,
        response: {
          200: ok(
            {
              policy: PolicyVersion,
              loadedAt: Type.String({ format: 'date-time' }),
              inForce: Type.Boolean(),
              level: Type.Enum(TARGET_LEVELS),
              list: Type.Enum(CATALOG_LISTS),
              items: Type.Array(CatalogEntry)
            },
            'the items of one list in one version'
          ),
          304: NotModified,
          ...problemResponses(400, 404)
        }
      }
    },
    async (req, reply) => {
      const { version, list } = req.params
      const { level = 'community', pack } = req.query
      const q = db()('policy_packs').select(...PACK_COLUMNS).where({ version }).orderBy('seq', 'desc')
      if (pack !== undefined) q.where({ pack_id: pack })
      const row = (await q.first()) as PackRow | undefined
      if (row === undefined) throw Problems.notFound('catalog version', version)
      const head = await packHead(db())
      // The version's content never changes; only whether it is still in force does.
      if (fresh(req, reply, entityTag('catalog-version-list', { version, list, level, pack }, { hash: row.hash, seq: row.seq, head: head.seq }))) {
        return notModified(reply)
      }
      const { body } = (await db()('policy_packs').select('body').where({ seq: row.seq }).first()) as { body: string }
      const items = fromJson<PolicyPack>(body).levels[level][list]
      return { policy: ref(row), loadedAt: row.loaded_at, inForce: Number(row.seq) === head.seq, level, list, items }
    }
  )

  app.get(
    '/v1/register/tasks',
    {
      schema: {
        tags,
        summary: 'Admitted tasks, newest first: public fields only',
        operationId: 'listRegisterTasks',
        security: PUBLIC,
        description:
          `No token needed. Tasks in the states ${PUBLIC_STATES.join(', ')}, with the fields of an allow-list: ` +
          'no person, no event history, no votes, minutes, reasons or consultation replies. ' +
          `Cacheable: ETag and If-None-Match; ${CACHE_CONTROL}.`,
        querystring: Type.Object(
          {
            department: Type.Optional(orgId('department org unit id')),
            target: Type.Optional(orgId('org unit id the task targets')),
            catalogItem: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'code of the list item the task claims to be (exact)' })),
            ...PageQuery
          },
          { additionalProperties: false }
        ),
        headers: conditional,
        response: {
          200: ok({ items: Type.Array(PublicTask), nextCursor: Nullable(Type.String()) }, 'a page of public tasks'),
          304: NotModified,
          ...problemResponses(400)
        }
      }
    },
    async (req, reply) => {
      const { limit = DEFAULT_PAGE_SIZE, cursor, ...filter } = req.query
      const beforeSeq = decodeCursor(cursor)
      // A page is the first limit + 1 matching public tasks below the cursor: no task leaves the
      // public states and every transition bumps a task's version, so the page changes exactly
      // when that list of (seq, version) does. Org unit names never change. Read from the indexes
      // the page itself walks, whatever the number of public tasks.
      const keys = await publicKeys(db(), filter, limit + 1, beforeSeq)
      const mark = { page: keys.map((k) => `${k.seq}.${k.version}`).join(',') }
      if (fresh(req, reply, entityTag('tasks', { ...filter, limit, cursor }, mark))) return notModified(reply)
      const q = db()('tasks')
        .whereIn(
          'tasks.seq',
          keys.map((k) => k.seq)
        )
        .join('org_units as department', 'department.id', 'tasks.department_id')
        .select(
          'tasks.seq',
          'tasks.id',
          'tasks.state',
          'tasks.department_id',
          'department.name as department_name',
          'tasks.declaration',
          'tasks.screening',
          'tasks.decider_level',
          'tasks.decider_org',
          'tasks.decider_body'
        )
        .orderBy('tasks.seq', 'desc')
      const rows = (await q) as PublicTaskRow[]
      const page = rows.slice(0, limit)
      const seqs = page.map((r) => r.seq)
      const targets = (await db()('task_targets')
        .join('org_units', 'org_units.id', 'task_targets.org_unit_id')
        .whereIn('task_targets.task_seq', seqs)
        .distinct('org_units.id', 'org_units.name')) as Array<{ id: string; name: string }>
      const names = new Map(targets.map((o) => [o.id, o.name]))
      // Only the type and time of the event that admitted the task: never its actor, payload or reason.
      const admissions = (await db()('task_events')
        .whereIn('task_seq', seqs)
        .where('to_state', 'admitted')
        // Keeping a task a council asked to withdraw leaves it admitted: that is no admission.
        .whereNot('type', 'DECLINE_WITHDRAWAL')
        .select('task_seq', 'type', 'created_at')
        .orderBy('seq', 'asc')) as Array<{ task_seq: number; type: string; created_at: string }>
      const admitted = new Map(admissions.map((e) => [Number(e.task_seq), { type: e.type, at: e.created_at }]))
      return {
        // Every public state is reached through admitted: the machine has no other way in.
        items: page.map((row) => toPublicTask(row, names, admitted.get(Number(row.seq))!)),
        nextCursor: encodeCursor(rows.length > limit ? Number(page[page.length - 1]!.seq) : null)
      }
    }
  )

  app.get(
    '/v1/register/departments',
    {
      schema: {
        tags,
        summary: 'Per-department statistics: submitted, admitted, escalated, returned, rejected (by rule), withdrawn',
        operationId: 'listDepartmentStatistics',
        security: PUBLIC,
        description:
          'No token needed. Every department of the org tree, with the tasks it submitted (at least one SUBMIT) counted by the state they are in now: ' +
          'submitted = admitted + escalated + returned + revising + rejected + withdrawn. from and to (inclusive, China Standard Time dates) ' +
          `select tasks by the day of their first submission. Cacheable: ETag and If-None-Match; ${CACHE_CONTROL}.`,
        querystring: Type.Object(
          {
            from: Type.Optional(Type.String({ format: 'date', description: 'first submission on or after this date' })),
            to: Type.Optional(Type.String({ format: 'date', description: 'first submission on or before this date' }))
          },
          { additionalProperties: false }
        ),
        headers: conditional,
        response: {
          200: ok(
            { from: Nullable(Type.String({ format: 'date' })), to: Nullable(Type.String({ format: 'date' })), items: Type.Array(DepartmentStats) },
            'statistics for every department, ordered by department id'
          ),
          304: NotModified,
          ...problemResponses(400)
        }
      }
    },
    async (req, reply) => {
      const { from, to } = req.query
      checkCoveredDates((await app.gate.packs.get(app.gate.db)).pack.calendar, [
        ...(from === undefined ? [] : [{ field: 'from', value: from }]),
        ...(to === undefined ? [] : [{ field: 'to', value: to }])
      ])
      if (from !== undefined && to !== undefined && to < from) {
        throw Problems.validation({ zh: `查询参数中的字段“to”不得早于from（${from}）`, en: `querystring: to must not be before from (${from})` }, [
          { field: 'to', message: { zh: '不得早于from', en: 'must not be before from' } }
        ])
      }
      // Every change to a task appends an event; every change to the tree (a new department, a
      // renamed or moved one) bumps its revision.
      const [events, tree] = await Promise.all([appendMark(db(), 'task_events'), treeRevision(db())])
      const etag = entityTag('departments', { from, to }, { events, tree })
      if (fresh(req, reply, etag)) return notModified(reply)
      // Counting groups every submitted task of the city; the same tag is the same answer.
      return statistics.get(`${from}/${to}`, etag, () => departmentStatistics(from, to))
    }
  )
}
