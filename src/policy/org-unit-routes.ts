import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { requireRole } from '../platform/auth.js'
import { Problems } from '../platform/errors.js'
import { ORG_KIND_NAMES, ORG_KINDS } from '../roles.js'
import { alternatives, type Bilingual } from '../platform/language.js'
import { decodeCursor, encodeCursor } from '../platform/pagination.js'
import { DEFAULT_PAGE_SIZE, IdParams, Nullable, PUBLIC, PageQuery, TOKEN, problemResponses } from '../platform/schemas.js'
import { ORG_UNIT } from '../tasks/examples.js'
import { uniquely } from '../engine/db.js'
import { PARENT_KINDS, getOrgUnit, insertOrgUnit, listOrgUnits, type OrgUnit } from './org-units.js'

const OrgUnitSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }),
    kind: Type.Enum(ORG_KINDS),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    parentId: Nullable(Type.String({ minLength: 1, maxLength: 64 })),
    sector: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'departments only: a sector code of the policy pack' })))
  },
  { additionalProperties: false }
)

export const orgUnitRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/org-units',
    {
      schema: {
        tags: ['org-units'],
        summary: 'Add a city, district, street, community or department (admin)',
        operationId: 'createOrgUnit',
        security: TOKEN,
        body: { ...OrgUnitSchema, examples: [ORG_UNIT] },
        response: { 201: OrgUnitSchema, ...problemResponses(400, 401, 403, { 409: 'An org unit with this id exists' }) }
      }
    },
    async (req, reply) => {
      requireRole(req, 'admin')
      const unit: OrgUnit = { ...req.body, sector: req.body.sector ?? null }
      const bad = (field: string, message: Bilingual) => Problems.invalid(field, message)
      const parent = unit.parentId === null ? null : await getOrgUnit(app.gate.db, unit.parentId)
      if (unit.parentId !== null && parent === null) throw bad('parentId', { zh: `“${unit.parentId}”不存在`, en: `"${unit.parentId}" does not exist` })
      const allowed = PARENT_KINDS[unit.kind]
      if (!allowed.includes(parent?.kind ?? null)) {
        const kind = ORG_KIND_NAMES[unit.kind]
        const under = alternatives(allowed.filter((k) => k !== null).map((k) => ORG_KIND_NAMES[k].zh))
        throw bad('parentId', {
          zh: allowed.includes(null) ? `${kind.zh}不得有上级机构` : `${kind.zh}的上级须为${under.zh}`,
          en: `a ${unit.kind} must sit under ${allowed.map((k) => k ?? 'nothing').join(' or ')}`
        })
      }
      if (unit.kind === 'department') {
        if (unit.sector === null) throw bad('sector', { zh: '在kind为department时为必填项', en: 'is required for a department' })
        const { pack } = await app.gate.packs.get(app.gate.db)
        if (!pack.sectors.some((s) => s.code === unit.sector)) throw bad('sector', { zh: `“${unit.sector}”不是政策包中的行业领域`, en: `"${unit.sector}" is not a sector of the policy pack` })
      } else if (unit.sector !== null) {
        throw bad('sector', { zh: '仅适用于部门', en: 'is only for departments' })
      }
      await uniquely(
        () => insertOrgUnit(app.gate.db, unit, app.gate.now().toISOString()),
        () => Problems.alreadyExists('org unit', unit.id)
      )
      return reply.status(201).send(unit)
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
            ...PageQuery
          },
          { additionalProperties: false }
        ),
        response: { 200: Type.Object({ items: Type.Array(OrgUnitSchema), nextCursor: Nullable(Type.String()) }), ...problemResponses(400) }
      }
    },
    async (req) => {
      const { parentId, kind, q, limit = DEFAULT_PAGE_SIZE, cursor } = req.query
      const page = await listOrgUnits(app.gate.db, { parentId, kind, q, limit, offset: decodeCursor(cursor) ?? 0 })
      return { items: page.items, nextCursor: encodeCursor(page.next) }
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
        response: { 200: OrgUnitSchema, ...problemResponses(404) }
      }
    },
    async (req) => {
      const unit = await getOrgUnit(app.gate.db, req.params.id)
      if (unit === null) throw Problems.notFound('org unit', req.params.id)
      return unit
    }
  )
}
