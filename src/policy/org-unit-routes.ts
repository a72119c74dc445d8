import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { requireRole, type Principal } from '../platform/auth.js'
import { Problems } from '../platform/errors.js'
import { ORG_KINDS } from '../roles.js'
import { decodeCursor, encodeCursor } from '../platform/pagination.js'
import { DEFAULT_PAGE_SIZE, IdParams, Nullable, PUBLIC, PageQuery, TOKEN, problemResponses } from '../platform/schemas.js'
import { ORG_UNIT } from '../tasks/examples.js'
import { uniquely } from '../engine/db.js'
import { getOrgUnit, listOrgUnits, orgUnitChanges, type OrgUnit } from './org-units.js'
import { MAX_IMPORT_ROWS, ORG_CSV_COLUMNS, ORG_UNIT_ID_PATTERN, applyTreePlan, changerOf, planTreeChanges, planView, unitsFromCsv, unitsFromJson, type ProposedUnit, type TreePlan } from './org-tree-changes.js'
import { requireAdministers } from './principals.js'

const UnitFields = {
  id: Type.String({ minLength: 1, maxLength: 64, pattern: ORG_UNIT_ID_PATTERN }),
  kind: Type.Enum(ORG_KINDS),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  parentId: Nullable(Type.String({ minLength: 1, maxLength: 64 })),
  sector: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'departments only: a sector code of the policy pack' })))
}
const OrgUnitSchema = Type.Object(UnitFields, { additionalProperties: false })
const OrgUnitView = Type.Object(
  { ...UnitFields, sector: Nullable(Type.String()), closedAt: Nullable(Type.String({ format: 'date-time', description: 'when the unit was closed: it keeps its history and takes no new work; null while open' })) },
  { additionalProperties: false }
)
const UnitChange = Type.Object({ from: Type.Unknown(), to: Type.Unknown() })
const TreePlanSchema = Type.Object(
  {
    dryRun: Type.Boolean({ description: 'true: nothing was stored; this is what the import would do' }),
    summary: Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() }),
    items: Type.Array(
      Type.Object({
        row: Type.Integer({ description: 'the unit’s place in the request: index in `units`, or the CSV line' }),
        id: Type.String(),
        outcome: Type.Enum(['created', 'updated']),
        changes: Type.Object(
          { name: Type.Optional(UnitChange), parentId: Type.Optional(UnitChange), sector: Type.Optional(UnitChange), closed: Type.Optional(UnitChange) },
          { description: 'what an update changes: each field with its value before and after' }
        )
      }),
      { description: 'the units created or updated; unchanged ones are only counted' }
    )
  },
  { additionalProperties: false }
)
const view = (u: OrgUnit) => u



export const orgUnitRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Only for the import: a spreadsheet saved as CSV, parsed by the route so that each bad line is named.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body))

  const admin = (req: FastifyRequest) => requireRole(req, 'admin')

  app.post(
    '/v1/org-units',
    {
      schema: {
        tags: ['org-units'],
        summary: 'Add a city, district, street, community or department (admin of the parent)',
        operationId: 'createOrgUnit',
        security: TOKEN,
        body: { ...OrgUnitSchema, examples: [ORG_UNIT] },
        response: { 201: OrgUnitView, ...problemResponses(400, 401, 403, { 409: 'An org unit with this id exists' }) }
      }
    },
    async (req, reply) => {
      const p = admin(req)
      if ((await getOrgUnit(app.gate.db, req.body.id)) !== null) throw Problems.alreadyExists('org unit', req.body.id)
      const plan = await planTreeChanges(app.gate, changerOf(p), [{ ...req.body, sector: req.body.sector ?? null }], (_i, field) => field)
      await write(plan, p)
      return reply.status(201).send(view(plan.units[0]!.unit))
    }
  )

  async function write(plan: TreePlan, p: Principal) {
    await uniquely(
      () => applyTreePlan(app.gate.db, plan, changerOf(p), app.gate.now().toISOString()),
      // Another admin added one of these ids between the check and the write.
      () => Problems.alreadyExists('org unit', plan.units.find((u) => u.action === 'create')!.unit.id)
    )
  }

  app.patch(
    '/v1/org-units/:id',
    {
      schema: {
        tags: ['org-units'],
        summary: 'Rename, move, re-sector, close or reopen a unit (admin of the unit and of its new parent)',
        description:
          'Only the fields sent change. A unit is never deleted: tasks, events and members refer to it. Closing needs every unit under it closed or moved first; a closed unit takes no new tasks and its tokens are refused. Moving a department changes the jurisdiction of its next submissions only; tasks keep the one they were decided in.',
        operationId: 'updateOrgUnit',
        security: TOKEN,
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(UnitFields.name),
            parentId: Type.Optional(UnitFields.parentId),
            sector: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
            closed: Type.Optional(Type.Boolean({ description: 'true closes the unit, false reopens it' }))
          },
          { additionalProperties: false, minProperties: 1, examples: [{ name: '东湖街道东湖新村社区' }, { parentId: 'east-s2' }, { closed: true }] }
        ),
        response: { 200: OrgUnitView, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (req) => {
      const p = admin(req)
      if ((await getOrgUnit(app.gate.db, req.params.id)) === null) throw Problems.notFound('org unit', req.params.id)
      const plan = await planTreeChanges(app.gate, changerOf(p), [{ ...req.body, id: req.params.id }], (_i, field) => field)
      await write(plan, p)
      return view(plan.units[0]!.unit)
    }
  )

  app.post(
    '/v1/org-units/import',
    {
      schema: {
        tags: ['org-units'],
        summary: 'Import the org tree from CSV or JSON: upsert by id, all or nothing (admin)',
        description: `Each unit is created, or updated where it differs (rename, move, sector, \`closed\`); a unit left out is left as it is. Every bad row is reported (\`invalidParams\`: \`units[i].field\` in JSON, \`line N: field\` in CSV) and nothing is stored. \`dryRun=true\` answers what would change and stores nothing. CSV: a header line with the columns ${ORG_CSV_COLUMNS.join(', ')} (parentId and sector may be empty; closed is true/false, empty keeps the unit as it is), UTF-8 with or without a BOM. Up to ${MAX_IMPORT_ROWS} units.`,
        operationId: 'importOrgUnits',
        security: TOKEN,
        querystring: Type.Object({ dryRun: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
        body: {
          content: {
            'application/json': {
              schema: Type.Object(
                { units: Type.Array(Type.Unknown({ description: 'an org unit with the fields of createOrgUnit and `closed`; only `id` is needed to update one. Checked row by row, so that every bad row is reported' }), { maxItems: MAX_IMPORT_ROWS }) },
                { additionalProperties: false, examples: [{ units: [ORG_UNIT, { id: 'east-s1-c1', name: '东湖街道第一社区' }] }] }
              )
            },
            'text/csv': { schema: Type.String({ examples: [`${ORG_CSV_COLUMNS.join(',')}\neast-s1-c9,community,东湖街道新建社区,east-s1,,\n`] }) }
          }
        },
        response: { 200: TreePlanSchema, ...problemResponses(400, 401, 403) }
      }
    },
    async (req) => {
      const p = admin(req)
      // Fastify reads text/plain as text too: only what says it is CSV is read as CSV.
      if (typeof req.body === 'string' && !/^text\/csv\s*(;|$)/i.test(req.headers['content-type']!)) throw Problems.unsupportedMediaType(['application/json', 'text/csv'])
      const dryRun = req.query.dryRun === true
      const { rows, rowOf, locate } = typeof req.body === 'string' ? unitsFromCsv(req.body) : unitsFromJson((req.body as { units: ProposedUnit[] }).units)
      const plan = await planTreeChanges(app.gate, changerOf(p), rows, locate)
      if (!dryRun) await write(plan, p)
      return planView(plan, dryRun, rowOf)
    }
  )

  app.get(
    '/v1/org-units',
    {
      schema: {
        tags: ['org-units'],
        summary: 'Browse and search the org tree: the ids a task targets and a token names',
        description: 'In id order. `parentId` lists a unit’s children, `kind` one kind of unit, `q` searches names (part of the name) and ids (their start).',
        operationId: 'listOrgUnits',
        security: PUBLIC,
        querystring: Type.Object(
          {
            parentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the units directly under this one' })),
            kind: Type.Optional(Type.Enum(ORG_KINDS)),
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'part of the name, or the start of the id' })),
            includeClosed: Type.Optional(Type.Boolean({ default: false, description: 'closed units too' })),
            ...PageQuery
          },
          { additionalProperties: false }
        ),
        response: { 200: Type.Object({ items: Type.Array(OrgUnitView), nextCursor: Nullable(Type.String()) }), ...problemResponses(400) }
      }
    },
    async (req) => {
      const { parentId, kind, q, limit = DEFAULT_PAGE_SIZE, cursor } = req.query
      const page = await listOrgUnits(app.gate.db, { parentId, kind, q, includeClosed: req.query.includeClosed, limit, offset: decodeCursor(cursor) ?? 0 })
      return { items: page.items.map(view), nextCursor: encodeCursor(page.next) }
    }
  )

  app.get(
    '/v1/org-units/:id',
    {
      schema: {
        tags: ['org-units'],
        summary: 'An org unit',
        operationId: 'getOrgUnit',
        security: PUBLIC,
        params: IdParams,
        response: { 200: OrgUnitView, ...problemResponses(404) }
      }
    },
    async (req) => {
      const unit = await getOrgUnit(app.gate.db, req.params.id)
      if (unit === null) throw Problems.notFound('org unit', req.params.id)
      return view(unit)
    }
  )

  app.get(
    '/v1/org-units/:id/changes',
    {
      schema: {
        tags: ['org-units'],
        summary: 'How a unit came to be as it is: every create, rename, move, close and reopen, oldest first (admin of the unit)',
        operationId: 'listOrgUnitChanges',
        security: TOKEN,
        params: IdParams,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                change: Type.Enum(['create', 'update', 'close', 'reopen']),
                before: Nullable(Type.Record(Type.String(), Type.Unknown())),
                after: Type.Record(Type.String(), Type.Unknown()),
                actor: Type.Object({ sub: Type.String(), org: Nullable(Type.String()) }),
                at: Type.String({ format: 'date-time' })
              })
            )
          }),
          ...problemResponses(401, 403, 404)
        }
      }
    },
    async (req) => {
      const p = admin(req)
      if ((await getOrgUnit(app.gate.db, req.params.id)) === null) throw Problems.notFound('org unit', req.params.id)
      await requireAdministers(app.gate, p, req.params.id)
      return { items: (await orgUnitChanges(app.gate.db, req.params.id)) as never }
    }
  )
}
