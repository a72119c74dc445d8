import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { requirePrincipal, requireRole } from '../platform/auth.js'
import { Problems } from '../platform/errors.js'
import { Nullable, TOKEN, problemResponses } from '../platform/schemas.js'
import { LEADING_GROUP_MEMBER } from '../tasks/examples.js'
import { insertMember, listMembers } from './store.js'
import { getOrgUnit } from '../policy/org-units.js'
import { requireAdministers } from '../policy/principals.js'
import { uniquely } from '../engine/db.js'

const Member = Type.Object(
  {
    sub: Type.String({ minLength: 1, maxLength: 200, description: 'the member’s token subject' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    homeDepartment: Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'the department the member comes from: recused on its tasks' })),
    chair: Type.Boolean({ description: 'the chair records the collective decision' })
  },
  { additionalProperties: false }
)
const GroupParams = Type.Object({ orgUnit: Type.String({ minLength: 1, maxLength: 64, description: 'the city or district of the group' }) })

export const leadingGroupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  async function groupOrg(id: string) {
    const unit = await getOrgUnit(app.gate.db, id)
    if (unit?.kind !== 'city' && unit?.kind !== 'district') throw Problems.notFound('leading group of', id)
    return unit
  }

  app.get(
    '/v1/leading-groups/:orgUnit/members',
    {
      schema: {
        tags: ['leading-groups'],
        summary: 'Members of a city’s or district’s leading group',
        operationId: 'listLeadingGroupMembers',
        security: TOKEN,
        params: GroupParams,
        response: { 200: Type.Object({ items: Type.Array(Member) }), ...problemResponses(401, 404) }
      }
    },
    async (req) => {
      requirePrincipal(req)
      await groupOrg(req.params.orgUnit)
      const members = await listMembers(app.gate.db, req.params.orgUnit)
      return { items: members.map(({ orgUnit: _org, ...m }) => m) }
    }
  )

  app.post(
    '/v1/leading-groups/:orgUnit/members',
    {
      schema: {
        tags: ['leading-groups'],
        summary: 'Add a member to a leading group (admin)',
        operationId: 'addLeadingGroupMember',
        security: TOKEN,
        params: GroupParams,
        body: { ...Member, examples: [LEADING_GROUP_MEMBER] },
        response: { 201: Member, ...problemResponses(400, 401, 403, 404, { 409: 'The member is in the group already' }) }
      }
    },
    async (req, reply) => {
      const p = requireRole(req, 'admin')
      await groupOrg(req.params.orgUnit)
      await requireAdministers(app.gate, p, req.params.orgUnit)
      const home = req.body.homeDepartment === null ? null : await getOrgUnit(app.gate.db, req.body.homeDepartment)
      if (req.body.homeDepartment !== null && home?.kind !== 'department') {
        throw Problems.validation({ zh: '字段“homeDepartment”须为部门', en: 'homeDepartment must be a department' }, [
          { field: 'homeDepartment', message: { zh: '须为部门的编号', en: 'must be the id of a department' } }
        ])
      }
      await uniquely(
        () => insertMember(app.gate.db, { ...req.body, orgUnit: req.params.orgUnit }, app.gate.now().toISOString()),
        () => Problems.alreadyExists('member', req.body.sub)
      )
      return reply.status(201).send(req.body)
    }
  )
}
