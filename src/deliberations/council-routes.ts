import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { requirePrincipal, type Principal } from '../platform/auth.js'
import { Problems } from '../platform/errors.js'
import { decodeCursor, encodeCursor } from '../platform/pagination.js'
import { DEFAULT_PAGE_SIZE, Nullable, PageQuery, TOKEN, problemResponses } from '../platform/schemas.js'
import { placeOf, requireCouncilManager, requireCouncilReader } from './access.js'
import { COUNCIL_IMPORT_CSV, COUNCIL_IMPORT_JSON, COUNCIL_MEMBER, COUNCIL_MEMBER_CHANGES } from './examples.js'
import { COUNCIL_IMPORT_FIELDS, MAX_COUNCIL_ROWS, councilRowsFromCsv, councilRowsFromJson, importCouncil } from './members-import.js'
import {
  COUNCIL_POSITIONS,
  councilHistory,
  councilSeatChanges,
  currentCouncil,
  plainMember,
  storedCouncil,
  writeCouncilChanges,
  type CouncilMember,
  type CouncilMemberChange,
  type StoredCouncilMember
} from './members.js'

const tags = ['councils']
const Day = (description: string) => Type.String({ format: 'date', description })
const Position = Type.Enum(COUNCIL_POSITIONS, {
  description: 'chair (主任), vice_chair (副主任) or member; a council has one chair and one vice chair: naming another demotes the one before to member'
})
const Sub = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'the member’s id, as the community keeps it (a resident is no principal of the gate)' })
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' })
const PartyMember = Type.Boolean({ description: 'a party member (recorded, not enforced: about 40 % of the council, the chair in principle one)' })

const MemberView = Type.Object({
  sub: Type.String(),
  name: Type.String(),
  position: Position,
  partyMember: Type.Boolean(),
  termStart: Type.String({ format: 'date' }),
  termEnd: Type.String({ format: 'date' })
})
const NewMember = Type.Object(
  { sub: Sub, name: Name, position: Type.Optional(Position), partyMember: Type.Optional(PartyMember), termStart: Day('the term’s first day'), termEnd: Day('the term’s last day') },
  { additionalProperties: false, examples: [COUNCIL_MEMBER] }
)
const MemberPatch = Type.Object(
  { name: Type.Optional(Name), position: Type.Optional(Position), partyMember: Type.Optional(PartyMember), termStart: Type.Optional(Day('the term’s first day')), termEnd: Type.Optional(Day('the term’s last day')) },
  { additionalProperties: false, minProperties: 1 }
)
const CouncilParams = Type.Object({ community: Type.String({ minLength: 1, maxLength: 64, description: 'the community whose council it is' }) })
const MemberParams = Type.Object({ community: CouncilParams.properties.community, sub: Sub })

const Composition = Type.Object(
  {
    members: Type.Integer(),
    partyMembers: Type.Integer(),
    partyShare: Nullable(Type.Number({ description: 'party members among the members, 0–1: the document wants about 0.4' })),
    chairIsPartyMember: Nullable(Type.Boolean({ description: 'the chair is a party member (in principle; recorded, not enforced); null without a chair' }))
  },
  { description: 'the council as it stands, counted: usually 7 to 15 members (zhangjiagang-2016 四(二)四); party members about 40 % (四(一)二)' }
)

const ChangeView = Type.Object({
  sub: Type.String(),
  change: Type.Enum(['added', 'updated', 'removed', 'reinstated']),
  before: Nullable(MemberView),
  after: Nullable(MemberView),
  via: Type.Enum(['api', 'import']),
  actor: Type.Object({ sub: Type.String(), role: Type.String() }),
  at: Type.String({ format: 'date-time' })
})

// Rows are checked one by one in the import itself, so that every bad row is named by its place in the file.
const ImportRow = Type.Object({}, { additionalProperties: true, description: `a member, with the fields ${COUNCIL_IMPORT_FIELDS.join(', ')}` })
const ImportReport = Type.Object({
  dryRun: Type.Boolean(),
  summary: Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() }),
  items: Type.Array(
    Type.Object({
      row: Nullable(Type.Integer({ description: 'the row of the file; null for a member the file does not name, demoted because the file gives its seat to another' })),
      sub: Type.String(),
      outcome: Type.Enum(['created', 'updated', 'unchanged']),
      member: Type.Omit(MemberView, ['sub'])
    })
  )
})

const view = ({ community: _c, ...m }: CouncilMember) => m

function composition(members: readonly CouncilMember[]) {
  const party = members.filter((m) => m.partyMember).length
  const chair = members.find((m) => m.position === 'chair')
  return {
    members: members.length,
    partyMembers: party,
    partyShare: members.length === 0 ? null : party / members.length,
    chairIsPartyMember: chair === undefined ? null : chair.partyMember
  }
}

const termProblem = (start: string) => Problems.invalid('termEnd', { zh: `不得早于任期开始（${start}）`, en: `must not be before the term starts (${start})` })

export const councilRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body))

  const actor = (p: Principal, via: 'api' | 'import' = 'api') => ({ sub: p.sub, role: p.role, via })

  /**
   * Reads the council and writes the change in one transaction holding the community's row, so that
   * two changes at once (two chairs named, one member added twice) are applied one after the other:
   * the second reads what the first wrote. SQLite has one writer anyway.
   */
  async function change(p: Principal, community: string, plan: (stored: readonly StoredCouncilMember[]) => CouncilMemberChange) {
    await app.gate.db.transaction(async (trx) => {
      await trx('org_units').where({ id: community }).forUpdate().first()
      const stored = await storedCouncil(trx, community)
      const c = plan(stored)
      const members = stored.filter((m) => m.removedAt === null).map(plainMember)
      const changes = c.after === null ? [c] : [...councilSeatChanges(members, c.after), c]
      await writeCouncilChanges(trx, changes, actor(p), app.gate.now().toISOString())
    })
  }

  function sitting(stored: readonly StoredCouncilMember[], sub: string) {
    const found = stored.find((m) => m.sub === sub)
    if (found === undefined || found.removedAt !== null) throw Problems.notFound('council member', sub)
    return found
  }


  app.get(
    '/v1/councils/:community/members',
    {
      schema: {
        tags,
        summary: 'The members of a community’s deliberation council, and its composition',
        description: 'Read by the community’s council and staff, its street, and the office and admins of its district or city. Members removed are not listed (their votes and history stay).',
        operationId: 'listCouncilMembers',
        security: TOKEN,
        params: CouncilParams,
        response: { 200: Type.Object({ items: Type.Array(MemberView), composition: Composition }), ...problemResponses(401, 403, 404) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      requireCouncilReader(p, await placeOf(app.gate, req.params.community))
      const members = await currentCouncil(app.gate.db, req.params.community)
      return { items: members.map(view), composition: composition(members) }
    }
  )

  app.post(
    '/v1/councils/:community/members',
    {
      schema: {
        tags,
        summary: 'Add a member to the council (its council, its community’s staff, or an admin)',
        description: 'Elected by the residents’ representatives’ meeting. A chair or vice chair added takes the seat from whoever held it. A member removed earlier comes back with these fields.',
        operationId: 'addCouncilMember',
        security: TOKEN,
        params: CouncilParams,
        body: NewMember,
        response: { 201: MemberView, ...problemResponses(400, 401, 403, 404, { 409: 'The member sits on the council already' }) }
      }
    },
    async (req, reply) => {
      const p = requirePrincipal(req)
      const { community } = req.params
      requireCouncilManager(p, await placeOf(app.gate, community))
      const b = req.body
      if (b.termEnd < b.termStart) throw termProblem(b.termStart)
      const after: CouncilMember = { community, sub: b.sub, name: b.name, position: b.position ?? 'member', partyMember: b.partyMember ?? false, termStart: b.termStart, termEnd: b.termEnd }
      await change(p, community, (stored) => {
        const before = stored.find((m) => m.sub === b.sub) ?? null
        if (before !== null && before.removedAt === null) throw Problems.alreadyExists('council member', b.sub)
        return { before, after }
      })
      return reply.status(201).send(view(after))
    }
  )

  app.patch(
    '/v1/councils/:community/members/:sub',
    {
      schema: {
        tags,
        summary: 'Change a council member: name, position, party membership, term',
        description: 'Naming a chair or vice chair demotes the one before to member in the same transaction; recorded in the council’s history.',
        operationId: 'updateCouncilMember',
        security: TOKEN,
        params: MemberParams,
        body: MemberPatch,
        'x-request-examples': COUNCIL_MEMBER_CHANGES,
        response: { 200: MemberView, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      requireCouncilManager(p, await placeOf(app.gate, req.params.community))
      let after: CouncilMember | undefined
      await change(p, req.params.community, (stored) => {
        const before = sitting(stored, req.params.sub)
        after = { ...plainMember(before), ...req.body }
        if (after.termEnd < after.termStart) throw termProblem(after.termStart)
        return { before, after }
      })
      return view(after!)
    }
  )

  app.delete(
    '/v1/councils/:community/members/:sub',
    {
      schema: {
        tags,
        summary: 'Remove a member from the council',
        description: 'Nothing is erased: the member’s row stays, marked removed, and the meetings it sat in keep its name and vote.',
        operationId: 'removeCouncilMember',
        security: TOKEN,
        params: MemberParams,
        response: { 204: Type.Null({ description: 'removed' }), ...problemResponses(401, 403, 404) }
      }
    },
    async (req, reply) => {
      const p = requirePrincipal(req)
      requireCouncilManager(p, await placeOf(app.gate, req.params.community))
      await change(p, req.params.community, (stored) => ({ before: sitting(stored, req.params.sub), after: null }))
      return reply.status(204).send(null)
    }
  )

  app.get(
    '/v1/councils/:community/member-changes',
    {
      schema: {
        tags,
        summary: 'History of the council’s membership: who changed what, when',
        operationId: 'listCouncilMemberChanges',
        security: TOKEN,
        params: CouncilParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(ChangeView), nextCursor: Nullable(Type.String()) }), ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      requireCouncilReader(p, await placeOf(app.gate, req.params.community))
      const page = await councilHistory(app.gate.db, req.params.community, decodeCursor(req.query.cursor) ?? 0, req.query.limit ?? DEFAULT_PAGE_SIZE)
      const strip = (m: CouncilMember | null) => (m === null ? null : view(m))
      return { items: page.items.map(({ seq: _s, before, after, ...e }) => ({ ...e, before: strip(before), after: strip(after) })), nextCursor: encodeCursor(page.nextSeq) }
    }
  )

  app.post(
    '/v1/councils/:community/members/import',
    {
      schema: {
        tags,
        summary: 'Import the council’s members from CSV or JSON (its council, its community’s staff, or an admin)',
        description:
          `An upsert by member id, all or nothing: any bad row is a 400 whose \`invalidParams\` name each bad row (\`row\`: the CSV line, the header being line 1, or the JSON position from 1) and field; nothing is stored then. ` +
          `A row naming a chair or vice chair demotes the current holder, unless the file names that holder too; members the file does not name stay. dryRun=true stores nothing. At most ${MAX_COUNCIL_ROWS} rows. ` +
          `CSV: UTF-8 (a byte-order mark is fine), a header line with the columns ${COUNCIL_IMPORT_FIELDS.join(', ')} (sub, name, termStart and termEnd required; partyMember 是/否 or true/false).`,
        operationId: 'importCouncilMembers',
        security: TOKEN,
        params: CouncilParams,
        querystring: Type.Object({ dryRun: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
        body: {
          content: {
            'application/json': { schema: Type.Array(ImportRow, { maxItems: MAX_COUNCIL_ROWS }) },
            'text/csv': { schema: Type.String({ description: 'a header line, then a member a line', examples: [COUNCIL_IMPORT_CSV] }) }
          }
        },
        'x-request-examples': { json: { summary: 'the chair and the vice chair', value: COUNCIL_IMPORT_JSON } },
        response: { 200: ImportReport, ...problemResponses(400, 401, 403, 404, { 415: 'The body is neither application/json nor text/csv' }) }
      }
    },
    async (req) => {
      const p = requirePrincipal(req)
      requireCouncilManager(p, await placeOf(app.gate, req.params.community))
      if (typeof req.body === 'string' && !/^text\/csv\s*(;|$)/i.test(req.headers['content-type']!)) throw Problems.unsupportedMediaType(['application/json', 'text/csv'])
      const rows = typeof req.body === 'string' ? councilRowsFromCsv(req.body) : councilRowsFromJson(req.body as unknown[])
      return importCouncil(app.gate.db, req.params.community, rows, { dryRun: req.query.dryRun ?? false, now: app.gate.now().toISOString(), actor: { sub: p.sub, role: p.role } })
    }
  )
}
