import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { requirePrincipal, requireRole, type Principal } from '../platform/auth.js'
import { Problems } from '../platform/errors.js'
import { decodeCursor, encodeCursor } from '../platform/pagination.js'
import { DEFAULT_PAGE_SIZE, Nullable, PageQuery, TOKEN, problemResponses } from '../platform/schemas.js'
import { LEADING_GROUP_MEMBER, LEADING_GROUP_MEMBER_CHANGES, MEMBER_IMPORT_CSV, MEMBER_IMPORT_JSON } from '../tasks/examples.js'
import { IMPORT_FIELDS, MAX_IMPORT_ROWS, importMembers, rowsFromCsv, rowsFromJson } from './import.js'
import { POSITIONS, findMember, listMembers, memberHistory, seatChanges, writeMemberChanges, type ChangeActor, type GroupMember, type MemberChange, type Position } from './store.js'
import { getOrgUnit } from '../policy/org-units.js'
import { requireAdministers } from '../policy/principals.js'
import { uniquely } from '../engine/db.js'

const PositionSchema = Type.Enum(POSITIONS, {
  description:
    'chair (组长) records the collective decision; deputy_chair (副组长) records it when the chair comes from the submitting department and recuses, or when the group has no chair; member votes. A group has at most one chair and one deputy chair: naming another demotes the one before to member.'
})
const Sub = Type.String({ minLength: 1, maxLength: 200, description: 'the member’s token subject' })
const Name = Type.String({ minLength: 1, maxLength: 200 })
const HomeDepartment = Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'the department the member comes from: recused on its tasks' }))

const Member = Type.Object(
  {
    sub: Sub,
    name: Name,
    homeDepartment: HomeDepartment,
    position: PositionSchema,
    chair: Type.Boolean({ description: 'position is chair: kept from before the group had positions; read `position`' })
  },
  { additionalProperties: false }
)

const NewMember = Type.Object(
  {
    sub: Sub,
    name: Name,
    homeDepartment: HomeDepartment,
    position: Type.Optional(PositionSchema),
    chair: Type.Optional(Type.Boolean({ description: 'the older way to name the chair: true is position chair. Without either, a member' }))
  },
  { additionalProperties: false }
)

const MemberPatch = Type.Object(
  { name: Type.Optional(Name), homeDepartment: Type.Optional(HomeDepartment), position: Type.Optional(PositionSchema) },
  { additionalProperties: false, minProperties: 1 }
)

const GroupParams = Type.Object({ orgUnit: Type.String({ minLength: 1, maxLength: 64, description: 'the city or district of the group' }) })
const MemberParams = Type.Object({ orgUnit: GroupParams.properties.orgUnit, sub: Sub })

const Recorded = Type.Object({ name: Type.String(), homeDepartment: Nullable(Type.String()), position: PositionSchema })
const MemberChangeView = Type.Object({
  sub: Type.String(),
  change: Type.Enum(['added', 'updated', 'removed', 'reinstated']),
  before: Nullable(Recorded),
  after: Nullable(Recorded),
  via: Type.Enum(['api', 'import'], { description: 'one call of the API, or a bulk import' }),
  actor: Type.Object({ sub: Type.String(), role: Type.String() }),
  at: Type.String({ format: 'date-time' })
})

const ImportRow = Type.Object(
  {
    group: Type.String({ minLength: 1, maxLength: 64, description: 'the city or district whose group the member sits in' }),
    sub: Sub,
    name: Name,
    homeDepartment: Type.Optional(Nullable(Type.String({ maxLength: 64, description: 'a department; absent, null or empty: none' }))),
    position: Type.Optional(Type.Union([PositionSchema, Type.Literal('')], { description: 'absent or empty: member' }))
  },
  { additionalProperties: false }
)
const ImportRows = Type.Array(ImportRow, { maxItems: MAX_IMPORT_ROWS })
const CHANGE = Type.Object({ from: Nullable(Type.String()), to: Nullable(Type.String()) })
const ImportReport = Type.Object({
  dryRun: Type.Boolean({ description: 'true: nothing was stored; the items say what an import would do' }),
  summary: Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() }),
  items: Type.Array(
    Type.Object({
      row: Nullable(Type.Integer({ description: 'the row of the file; null for a member the file does not name, demoted because the file gives its seat to another' })),
      group: Type.String(),
      sub: Type.String(),
      outcome: Type.Enum(['created', 'updated', 'unchanged']),
      changes: Type.Object(
        { name: Type.Optional(CHANGE), homeDepartment: Type.Optional(CHANGE), position: Type.Optional(CHANGE), removedAt: Type.Optional(CHANGE) },
        { description: 'an update, field by field; `removedAt` when a member who had left the group comes back' }
      ),
      member: Recorded
    })
  )
})

const view = (m: GroupMember) => ({ sub: m.sub, name: m.name, homeDepartment: m.homeDepartment, position: m.position, chair: m.position === 'chair' })

const changeActor = (p: Principal): ChangeActor => ({ sub: p.sub, role: p.role, via: 'api' })

export const leadingGroupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Only this plugin's routes read CSV: the import. Parsed as text; the route reads the rows.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body))

  async function groupOrg(id: string) {
    const unit = await getOrgUnit(app.gate.db, id)
    if (unit?.kind !== 'city' && unit?.kind !== 'district') throw Problems.notFound('leading group of', id)
    return unit
  }

  async function checkHomeDepartment(id: string | null | undefined): Promise<void> {
    if (id === null || id === undefined) return
    if ((await getOrgUnit(app.gate.db, id))?.kind !== 'department') {
      throw Problems.validation({ zh: '字段“homeDepartment”须为部门', en: 'homeDepartment must be a department' }, [
        { field: 'homeDepartment', message: { zh: '须为部门的编号', en: 'must be the id of a department' } }
      ])
    }
  }

  async function activeMember(orgUnit: string, sub: string) {
    await groupOrg(orgUnit)
    const member = await findMember(app.gate.db, orgUnit, sub)
    if (member === null || member.removedAt !== null) throw Problems.notFound('member', sub)
    return member
  }

  /** The member's change with the demotion its new seat implies, in one transaction. */
  async function write(actor: Principal, change: MemberChange, members: readonly GroupMember[]) {
    const changes = [...seatChanges(members, change.after!), change]
    await app.gate.db.transaction((trx) => writeMemberChanges(trx, changes, changeActor(actor), app.gate.now().toISOString()))
  }

  app.get(
    '/v1/leading-groups/:orgUnit/members',
    {
      schema: {
        tags: ['leading-groups'],
        summary: 'Members of a city’s or district’s leading group',
        description: 'The group as it stands: members removed from it are not listed (their votes and their history stay).',
        operationId: 'listLeadingGroupMembers',
        security: TOKEN,
        params: GroupParams,
        response: { 200: Type.Object({ items: Type.Array(Member) }), ...problemResponses(401, 404) }
      }
    },
    async (req) => {
      requirePrincipal(req)
      await groupOrg(req.params.orgUnit)
      return { items: (await listMembers(app.gate.db, req.params.orgUnit)).map(view) }
    }
  )

  app.post(
    '/v1/leading-groups/:orgUnit/members',
    {
      schema: {
        tags: ['leading-groups'],
        summary: 'Add a member to a leading group (admin)',
        description: 'A chair or deputy chair added takes the seat from whoever held it, who becomes a member. A member removed earlier comes back with these fields.',
        operationId: 'addLeadingGroupMember',
        security: TOKEN,
        params: GroupParams,
        body: { ...NewMember, examples: [LEADING_GROUP_MEMBER] },
        response: { 201: Member, ...problemResponses(400, 401, 403, 404, { 409: 'The member is in the group already' }) }
      }
    },
    async (req, reply) => {
      const principal = requireRole(req, 'admin')
      const { orgUnit } = req.params
      await groupOrg(orgUnit)
      await requireAdministers(app.gate, principal, orgUnit)
      const { chair, position: given, ...fields } = req.body
      if (given !== undefined && chair !== undefined && chair !== (given === 'chair')) {
        throw Problems.invalid('chair', { zh: `与“position”（${given}）矛盾`, en: `contradicts position (${given})` })
      }
      const position: Position = given ?? (chair === true ? 'chair' : 'member')
      await checkHomeDepartment(fields.homeDepartment)
      const before = await findMember(app.gate.db, orgUnit, fields.sub)
      if (before !== null && before.removedAt === null) throw Problems.alreadyExists('member', fields.sub)
      const after: GroupMember = { ...fields, orgUnit, position }
      const members = await listMembers(app.gate.db, orgUnit)
      // Two admins adding the same member at once: the second is told it exists.
      await uniquely(
        () => write(principal, { before, after }, members),
        () => Problems.alreadyExists('member', fields.sub)
      )
      return reply.status(201).send(view(after))
    }
  )

  app.patch(
    '/v1/leading-groups/:orgUnit/members/:sub',
    {
      schema: {
        tags: ['leading-groups'],
        summary: 'Change a member: name, home department, or position (admin)',
        description:
          'Naming a chair or deputy chair demotes the one before to member in the same transaction. Recorded in the group’s history (GET …/member-changes) with who did it and when.',
        operationId: 'updateLeadingGroupMember',
        security: TOKEN,
        params: MemberParams,
        body: MemberPatch,
        'x-request-examples': LEADING_GROUP_MEMBER_CHANGES,
        response: { 200: Member, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (req) => {
      const principal = requireRole(req, 'admin')
      const before = await activeMember(req.params.orgUnit, req.params.sub)
      await requireAdministers(app.gate, principal, req.params.orgUnit)
      await checkHomeDepartment(req.body.homeDepartment)
      const { removedAt: _removed, ...current } = before
      const after: GroupMember = { ...current, ...req.body }
      const unchanged = after.name === current.name && after.homeDepartment === current.homeDepartment && after.position === current.position
      if (!unchanged) await write(principal, { before, after }, await listMembers(app.gate.db, req.params.orgUnit))
      return view(after)
    }
  )

  app.delete(
    '/v1/leading-groups/:orgUnit/members/:sub',
    {
      schema: {
        tags: ['leading-groups'],
        summary: 'Remove a member from a leading group (admin)',
        description:
          'The member no longer votes and no longer counts towards the quorum. Nothing is erased: votes already cast stay in the task’s votes and history but no longer count in the tally (`counted: false`), unless the member is added back before the decision; a decision already recorded keeps its tally. Removing the chair leaves the deputy chair to record decisions.',
        operationId: 'removeLeadingGroupMember',
        security: TOKEN,
        params: MemberParams,
        response: { 204: Type.Null({ description: 'removed' }), ...problemResponses(401, 403, 404) }
      }
    },
    async (req, reply) => {
      const principal = requireRole(req, 'admin')
      const before = await activeMember(req.params.orgUnit, req.params.sub)
      await requireAdministers(app.gate, principal, req.params.orgUnit)
      await app.gate.db.transaction((trx) => writeMemberChanges(trx, [{ before, after: null }], changeActor(principal), app.gate.now().toISOString()))
      return reply.status(204).send(null)
    }
  )

  app.get(
    '/v1/leading-groups/:orgUnit/member-changes',
    {
      schema: {
        tags: ['leading-groups'],
        summary: 'History of a leading group’s membership: who changed what, when (admin)',
        operationId: 'listLeadingGroupMemberChanges',
        security: TOKEN,
        params: GroupParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(MemberChangeView), nextCursor: Nullable(Type.String()) }), ...problemResponses(401, 403, 404) }
      }
    },
    async (req) => {
      const principal = requireRole(req, 'admin')
      await groupOrg(req.params.orgUnit)
      await requireAdministers(app.gate, principal, req.params.orgUnit)
      const page = await memberHistory(app.gate.db, req.params.orgUnit, decodeCursor(req.query.cursor) ?? 0, req.query.limit ?? DEFAULT_PAGE_SIZE)
      return { items: page.items.map(({ seq: _seq, ...entry }) => entry), nextCursor: encodeCursor(page.nextSeq) }
    }
  )

  app.post(
    '/v1/leading-groups/members/import',
    {
      schema: {
        tags: ['leading-groups'],
        summary: 'Import leading-group members from CSV or JSON (admin)',
        description:
          `An upsert by (group, sub), all or nothing: every row is checked, and any bad row is a 400 whose \`invalidParams\` name each bad row (\`row\`: the CSV line, the header being line 1, or the JSON array position from 1) and field; nothing is stored then. ` +
          `A row naming a chair or deputy chair demotes the group's current holder to member, unless the file names that holder too; members the file does not name stay as they are (an import removes nobody). ` +
          `With dryRun=true nothing is stored and the answer lists what the import would do. At most ${MAX_IMPORT_ROWS} rows. ` +
          `CSV: UTF-8 (a byte-order mark, as Excel writes, is fine), a header line with the columns ${IMPORT_FIELDS.join(', ')} (group, sub and name required). ` +
          'JSON: an array of rows, or `{ "members": [...] }` (read as its array: a field of the wrong type is named by its position in it, from 0).',
        operationId: 'importLeadingGroupMembers',
        security: TOKEN,
        querystring: Type.Object(
          { dryRun: Type.Optional(Type.Boolean({ default: false, description: 'list what would change, store nothing' })) },
          { additionalProperties: false }
        ),
        body: {
          content: {
            'application/json': { schema: Type.Union([ImportRows, Type.Object({ members: ImportRows }, { additionalProperties: false })]) },
            'text/csv': { schema: Type.String({ description: 'a header line, then a member a line', examples: [MEMBER_IMPORT_CSV] }) }
          }
        },
        'x-request-examples': { json: { summary: 'two members of the city group, one the deputy chair', value: MEMBER_IMPORT_JSON } },
        response: {
          200: ImportReport,
          ...problemResponses(400, 401, 403, { 415: 'The body is neither application/json nor text/csv' })
        }
      },
      // `{ members: [...] }` is validated as its array, so that a wrong row is named by its
      // place in the array instead of ajv's report that the body is no array.
      preValidation: async (req) => {
        const body = req.body as { members?: unknown } | null
        if (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 1 && Array.isArray(body.members)) req.body = body.members
      }
    },
    async (req) => {
      const principal = requireRole(req, 'admin')
      // Fastify reads text/plain as text too: only what says it is CSV is read as CSV.
      if (typeof req.body === 'string' && !/^text\/csv\s*(;|$)/i.test(req.headers['content-type']!)) {
        throw Problems.unsupportedMediaType(['application/json', 'text/csv'])
      }
      const rows = typeof req.body === 'string' ? rowsFromCsv(req.body) : rowsFromJson(req.body)
      // A district's admin imports its own district's group only.
      for (const group of new Set(rows.map((r) => r.values.group).filter((g): g is string => typeof g === 'string'))) await requireAdministers(app.gate, principal, group)
      return importMembers(app.gate.db, rows, { dryRun: req.query.dryRun ?? false, now: app.gate.now().toISOString(), actor: { sub: principal.sub, role: principal.role } })
    }
  )
}
