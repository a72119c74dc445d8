import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { chinaDate } from '../clock.js'
import { administersAll, requireRole } from '../platform/auth.js'
import { Problems } from '../platform/errors.js'
import { decodeCursor, encodeCursor } from '../platform/pagination.js'
import { Nullable, PUBLIC, TOKEN, TOKEN_OPTIONAL, problemResponses } from '../platform/schemas.js'
import { fromJson } from '../engine/db.js'
import { diffPacks, PackChangesSchema } from './pack-diff.js'
import { exportPack, planPublish, publishPack, type PublishPlan } from './pack-publish.js'
import { PolicyPackFile } from './pack-schema.js'
import { publisherOf, type DbPolicyPackRow } from './pack-store.js'
import { DEFAULT_PACK } from './pack.js'
import { TARGET_LEVELS, type PolicyPack } from './types.js'

const tags = ['policy-packs']
const Ref = Type.Object({ id: Type.String(), version: Type.String(), hash: Type.String() })

const PublishedBy = Type.Object(
  {
    via: Type.Enum(['code', 'upgrade', 'decision', 'cli', 'api'], {
      description: 'code: the default pack at start-up; upgrade: a new release of it carrying the amendments; decision: a leading group’s approval; cli: zhunru pack publish; api: POST /v1/policy-packs'
    }),
    task: Type.Optional(Type.String({ description: 'decision: the task whose approval added the item' })),
    orgUnit: Type.Optional(Type.String({ description: 'decision: the city or district whose group decided' })),
    org: Type.Optional(Type.String({ description: 'api: the publishing administrator’s org unit' })),
    sub: Type.Optional(Type.String({ description: 'api: the administrator (shown to admins only)' })),
    user: Type.Optional(Type.String({ description: 'cli: the operating-system user who ran it (shown to admins only)' }))
  },
  { description: 'who published the version' }
)

const PolicyPackVersion = Type.Object(
  {
    ...Ref.properties,
    loadedAt: Type.String({ format: 'date-time' }),
    inForce: Type.Boolean(),
    publishedBy: PublishedBy,
    previous: Nullable(Ref),
    changes: Nullable(Type.Ref('PolicyPackChanges'))
  },
  { $id: 'PolicyPackVersion' }
)

const PublishResult = Type.Object(
  {
    dryRun: Type.Boolean(),
    published: Type.Boolean({ description: 'a new version was stored and is in force' }),
    unchanged: Type.Boolean({ description: 'the file has the content of the pack in force (its version aside): nothing is or would be stored' }),
    requestedVersion: Type.String({ description: 'the file’s version; `pack.version` differs when that was taken (the next free revision, -r1, -r2 …)' }),
    pack: Ref,
    base: Type.Object(Ref.properties, { description: 'the version the file was exported from (its `base`), else the pack in force' }),
    previous: Type.Object(Ref.properties, { description: 'the pack in force before' }),
    carried: Type.Array(Type.Object({ level: Type.Enum(TARGET_LEVELS), code: Type.String(), name: Type.String() }), {
      description: 'items leading groups added after the base, carried over into the published pack'
    }),
    changes: Type.Ref('PolicyPackChanges')
  },
  { $id: 'PolicyPackPublishResult' }
)

/** A file of the default pack as its docs example: sent unchanged to a database still on it, it publishes nothing. */
const EXAMPLE = JSON.parse(JSON.stringify(DEFAULT_PACK)) as PolicyPack

const MAX_PAGE = 50

type ListRow = DbPolicyPackRow

function versionView(row: ListRow, before: ListRow | undefined, headSeq: number, admin: boolean) {
  const by = publisherOf(row) as Record<string, string>
  // Who an administrator is stays among administrators; the decision, the org and the channel are public.
  const publishedBy = Object.fromEntries(Object.entries(by).filter(([k]) => admin || (k !== 'sub' && k !== 'user' && k !== 'role')))
  return {
    id: row.pack_id,
    version: row.version,
    hash: row.hash,
    loadedAt: row.loaded_at,
    inForce: Number(row.seq) === headSeq,
    publishedBy,
    previous: before === undefined ? null : { id: before.pack_id, version: before.version, hash: before.hash },
    changes: before === undefined ? null : diffPacks(fromJson<PolicyPack>(before.body), fromJson<PolicyPack>(row.body))
  }
}

const DryRunQuery = Type.Object(
  { dryRun: Type.Optional(Type.Boolean({ default: false, description: 'true: validate and diff, store nothing' })) },
  { additionalProperties: false }
)

/** The query as the route's own check reads it: the body is validated by the pack's validator, which lists every error, so this route's parts are too. */
function dryRunOf(query: Record<string, unknown>): boolean {
  for (const key of Object.keys(query)) if (key !== 'dryRun') throw Problems.invalid(key, { zh: '不是本接口接受的字段', en: 'is not a known field' }, 'querystring')
  const value = query.dryRun
  if (value === undefined || value === 'false') return false
  if (value === 'true') return true
  throw Problems.invalid('dryRun', { zh: '须为true或false', en: 'must be true or false' }, 'querystring')
}

export const packRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(PackChangesSchema)
  app.addSchema(PolicyPackFile)
  app.addSchema(PolicyPackVersion)
  app.addSchema(PublishResult)
  const db = () => app.gate.db

  app.get(
    '/v1/policy-packs',
    {
      schema: {
        tags,
        summary: 'Every policy-pack version, newest first: hash, when, who published it and what it changed',
        operationId: 'listPolicyPacks',
        security: TOKEN_OPTIONAL,
        description:
          'Public, like the register: the lists are published documents. For each version its hash (what decisions record), when it was stored, ' +
          'who published it (the code, a leading group’s decision, an administrator through the CLI or the API) and what it changed against the version before it: ' +
          'items added, removed and changed per level and list, parameters, sectors, sources, calendar years. An administrator’s name is shown to admins only.',
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 20 })),
            cursor: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'opaque cursor from a previous page' }))
          },
          { additionalProperties: false }
        ),
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('PolicyPackVersion')), nextCursor: Nullable(Type.String()) }), ...problemResponses(400) }
      }
    },
    async (req) => {
      const { limit = 20, cursor } = req.query
      const before = decodeCursor(cursor)
      const q = db()('policy_packs').orderBy('seq', 'desc').limit(limit + 1)
      if (before !== null) q.where('seq', '<', before)
      // One more than the page: what the page's last version changed (without it, that one was the first).
      const rows = (await q) as ListRow[]
      const page = rows.slice(0, limit)
      const head = Number(((await db()('policy_packs').max({ seq: 'seq' }).first()) as { seq: number }).seq)
      const admin = req.principal?.role === 'admin'
      return {
        items: page.map((row, i) => versionView(row, rows[i + 1], head, admin)),
        nextCursor: encodeCursor(rows.length > limit ? Number(page.at(-1)!.seq) : null)
      }
    }
  )

  app.get(
    '/v1/policy-packs/current',
    {
      schema: {
        tags,
        summary: 'The pack in force as a file to edit and publish again (what zhunru pack export writes)',
        operationId: 'exportPolicyPack',
        security: PUBLIC,
        description: 'With `base` naming this version: publishing the edited file carries over what leading groups add meanwhile, and reads an item it lacks as removed.',
        response: { 200: Type.Ref('PolicyPack') }
      }
    },
    async () => exportPack(db())
  )

  app.post(
    '/v1/policy-packs',
    {
      schema: {
        tags,
        summary: 'Publish a policy pack (admin); ?dryRun=true validates it and says what would change',
        operationId: 'publishPolicyPack',
        security: TOKEN,
        description:
          'The body is a policy pack file (components.schemas.PolicyPack, also shipped as openapi/policy-pack.schema.json). Every error is listed in `invalidParams` with its path ' +
          '(levels.community.assisted_tasks[3].code): the schema, codes unique within a level, sectors that exist, citations of known sources, calendar days that exist and lie in its years, ' +
          'consecutive years that include this one. Items leading groups added after the file’s `base` are carried over; an item the base had and the file lacks is removed ' +
          '(tasks admitted under it keep the version they recorded: GET /v1/tasks/{id}/screening?asOf=original). A version already stored with other content gets the next free revision (-r1). ' +
          'A file with the content of the pack in force stores nothing (200, `unchanged`). Every process uses a published pack from its next request.',
        querystring: DryRunQuery,
        body: Type.Ref('PolicyPack'),
        'x-request-examples': { 'the default pack': { summary: 'the default pack, unchanged: a dry run says nothing would change', value: EXAMPLE } },
        response: {
          200: Type.Ref('PolicyPackPublishResult'),
          201: Type.Ref('PolicyPackPublishResult'),
          ...problemResponses(400, 401, 403, { 409: 'An administrator published after the file’s base (export again), or another version was published at the same moment' })
        }
      },
      // The pack's own validator reads the body (and lists every error, where a request's stops at the first).
      validatorCompiler: () => () => true
    },
    async (req, reply) => {
      const principal = requireRole(req, 'admin')
      const dryRun = dryRunOf(req.query as Record<string, unknown>)
      // The lists are the city's: a district's admin may try a file, and only the city's admin publishes it.
      if (!dryRun && !administersAll(principal)) {
        throw Problems.forbidden({ zh: `政策包由全市统一发布，${principal.org}的管理员只能试运行（dryRun=true）`, en: `the policy pack is the whole city's: the admin of ${principal.org} may only try it (dryRun=true)` })
      }
      const now = app.gate.now()
      const today = chinaDate(now)
      const result: PublishPlan = dryRun
        ? (await planPublish(db(), req.body, today)).plan
        : await publishPack(db(), req.body, { today, now: now.toISOString(), by: { via: 'api', sub: principal.sub, role: principal.role, org: principal.org } })
      const published = !dryRun && !result.unchanged
      return reply.status(published ? 201 : 200).send({ dryRun, published, ...result })
    }
  )
}
