import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { administersAll, requireRole, type Principal } from '../platform/auth.js'
import { chinaDate } from '../clock.js'
import { Problems } from '../platform/errors.js'
import { checkCoveredDates } from '../policy/dates.js'
import { TOKEN, problemResponses } from '../platform/schemas.js'
import { getOrgUnit, jurisdictionOf } from '../policy/org-units.js'
import { administers } from '../policy/principals.js'
import { treeRevision } from '../policy/org-directory.js'
import { appendMark, MarkedMemo } from '../platform/data-mark.js'
import { decodeCursor, encodeCursor } from '../platform/pagination.js'
import { DEFAULT_PAGE_SIZE, Nullable, PageQuery } from '../platform/schemas.js'
import { areaPage, areaTotals, communityBurden, type AreaBurden, type Window } from './ledger.js'
import { departmentScorecard } from './scorecard.js'
import { departmentRounds, DepartmentRoundFigures } from '../evaluations/stats.js'

const security = TOKEN
const WindowQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date', description: 'first day; default 1 January of this year (China time)' })),
    to: Type.Optional(Type.String({ format: 'date', description: 'last day; default 31 December of this year' }))
  },
  { additionalProperties: false }
)
const OrgParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })
const Money = Type.Number({ description: 'yuan' })
const Totals = {
  tasks: Type.Integer(),
  hours: Type.Number({ description: 'workload hours inside the window, spread evenly over each task’s period' }),
  fundingPromised: Money,
  fundingConfirmed: Money
}

const AreaQuery = Type.Object({ ...WindowQuery.properties, ...PageQuery }, { additionalProperties: false })

export const burdenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /**
   * An area's totals cover every community under it, and at a city's size are the costly
   * part of a page; each page of the same area and window repeats them. They are kept
   * against a mark of everything they depend on: every change to a task (its state, its
   * declaration, a funding confirmation) appends a task event, every change to a burden
   * report a report event, and every change to the org tree (a unit added, moved or closed)
   * bumps its revision. Any of these misses.
   */
  const totalsMemo = new MarkedMemo<AreaBurden['totals']>(256)
  const dataMark = async () => {
    const [tasks, reports, tree] = await Promise.all([
      appendMark(app.gate.db, 'task_events'),
      appendMark(app.gate.db, 'burden_report_events'),
      treeRevision(app.gate.db)
    ])
    return `${tasks}/${reports}/${tree}`
  }

  async function window(q: { from?: string; to?: string }): Promise<Window> {
    const year = chinaDate(app.gate.now()).slice(0, 4)
    const w = { from: q.from ?? `${year}-01-01`, to: q.to ?? `${year}-12-31` }
    checkCoveredDates((await app.gate.packs.get(app.gate.db)).pack.calendar, [
      { field: 'from', value: w.from },
      { field: 'to', value: w.to }
    ])
    if (w.to < w.from) {
      throw Problems.validation({ zh: '统计区间的结束日期早于开始日期', en: 'the window ends before it starts' }, [
        { field: 'to', message: { zh: '不得早于from', en: 'must not be before from' } }
      ])
    }
    return w
  }

  /**
   * A community reads its own ledger; a street its own and its communities'; reviewers
   * those of their city or district; admins those of what they administer. The principal
   * check has made sure each token's org is of its role's kind.
   */
  async function mayRead(p: Principal, unitId: string) {
    const inside = administersAll(p) || (await app.gate.orgs.lineage(app.gate.db, unitId)).some((u) => u.id === p.org)
    const allowed = p.role === 'community' ? p.org === unitId : inside
    if (!allowed) throw Problems.forbidden({ zh: `${unitId}的台账不对${p.role}角色的${p.org}开放`, en: `${unitId} is not for ${p.role} ${p.org}` })
  }

  app.get(
    '/v1/communities/:id/burden',
    {
      schema: {
        tags: ['burden'],
        summary: 'The burden ledger of a community: admitted work on it, hours per month, funding promised versus confirmed, open burden reports',
        operationId: 'getCommunityBurden',
        security,
        params: OrgParams,
        querystring: WindowQuery,
        response: {
          200: Type.Object({
            community: Type.String(),
            window: Type.Object({ from: Type.String(), to: Type.String() }),
            tasks: Type.Array(
              Type.Object({
                taskId: Type.String(),
                title: Type.String(),
                department: Type.String(),
                state: Type.String(),
                period: Type.Object({ start: Type.String(), end: Type.String() }),
                hours: Type.Number(),
                fundingPromised: Money,
                fundingConfirmed: Money,
                funding: Type.Enum(['received', 'missing', 'unconfirmed'] as const)
              })
            ),
            byMonth: Type.Array(Type.Object({ month: Type.String(), hours: Type.Number() })),
            totals: Type.Object({ ...Totals, fundingMissing: Type.Integer(), fundingUnconfirmed: Type.Integer() }),
            openBurdenReports: Type.Integer()
          }),
          ...problemResponses(400, 401, 403, 404)
        }
      }
    },
    async (req) => {
      const p = requireRole(req, 'street', 'community', 'office', 'leading_group', 'admin')
      const unit = await getOrgUnit(app.gate.db, req.params.id)
      if (unit?.kind !== 'community') throw Problems.notFound('community', req.params.id)
      await mayRead(p, unit.id)
      return communityBurden(app.gate.db, unit.id, await window(req.query))
    }
  )

  app.get(
    '/v1/org-units/:id/burden',
    {
      schema: {
        tags: ['burden'],
        summary: 'The burden of a street, district or city: its communities’ ledgers side by side, a page at a time, with totals for the whole area',
        description:
          'items: one page of the communities under the unit, in id order, each with the totals of its own ledger (GET /v1/communities/{id}/burden). ' +
          'totals: the whole area, whichever page is asked for; tasks counts distinct tasks (a task on every community of a district counts once), ' +
          'hours and money are the sums of the communities’ ledgers. Follow nextCursor for the next page.',
        operationId: 'getAreaBurden',
        security,
        params: OrgParams,
        querystring: AreaQuery,
        response: {
          200: Type.Object({
            orgUnit: Type.String(),
            window: Type.Object({ from: Type.String(), to: Type.String() }),
            totals: Type.Object({ communities: Type.Integer({ description: 'communities in the whole area' }), ...Totals, openBurdenReports: Type.Integer() }),
            items: Type.Array(Type.Object({ community: Type.String(), ...Totals, openBurdenReports: Type.Integer() })),
            nextCursor: Nullable(Type.String())
          }),
          ...problemResponses(400, 401, 403, 404)
        }
      }
    },
    async (req) => {
      const p = requireRole(req, 'street', 'office', 'leading_group', 'admin')
      const unit = await getOrgUnit(app.gate.db, req.params.id)
      if (unit === null || !['street', 'district', 'city'].includes(unit.kind)) throw Problems.notFound('street, district or city', req.params.id)
      await mayRead(p, unit.id)
      const { limit = DEFAULT_PAGE_SIZE, cursor } = req.query
      const offset = decodeCursor(cursor) ?? 0
      const w = await window(req.query)
      const [totals, page] = await Promise.all([
        totalsMemo.get(`${unit.id}/${w.from}/${w.to}`, await dataMark(), () => areaTotals(app.gate.db, unit.id, w)),
        areaPage(app.gate.db, unit.id, w, offset, limit)
      ])
      return { orgUnit: unit.id, window: w, totals, items: page.items, nextCursor: encodeCursor(page.next) }
    }
  )

  app.get(
    '/v1/departments/:id/scorecard',
    {
      schema: {
        tags: ['burden'],
        summary: 'A department’s scorecard for the two-way evaluation: submitted, admitted, returned, rejected by rule, escalated, unfunded, confirmed burden reports',
        operationId: 'getDepartmentScorecard',
        security,
        params: OrgParams,
        querystring: WindowQuery,
        response: {
          200: Type.Object({
            department: Type.String(),
            window: Type.Object({ from: Type.String(), to: Type.String() }),
            submitted: Type.Integer(),
            admitted: Type.Integer(),
            returned: Type.Integer(),
            rejected: Type.Integer(),
            rejectedByRule: Type.Record(Type.String(), Type.Integer()),
            escalated: Type.Integer(),
            withdrawn: Type.Integer(),
            unfunded: Type.Integer(),
            confirmedBurdenReports: Type.Integer(),
            evaluations: Type.Array(DepartmentRoundFigures, { description: 'its latest published evaluation rounds (双向考评), newest first, at most 20: the register has them all' })
          }),
          ...problemResponses(400, 401, 403, 404)
        }
      }
    },
    async (req) => {
      const p = requireRole(req, 'department', 'office', 'leading_group', 'admin')
      const chain = await app.gate.orgs.lineage(app.gate.db, req.params.id)
      if (chain[0]?.kind !== 'department') throw Problems.notFound('department', req.params.id)
      const own = p.role === 'department' && p.org === req.params.id
      const reviewer = (p.role === 'office' || p.role === 'leading_group') && jurisdictionOf(chain).id === p.org
      if (!own && !reviewer && !(await administers(app.gate, p, req.params.id))) throw Problems.forbidden({ zh: '部门评分表仅供该部门、其审核方和管理员查阅', en: 'a scorecard is for the department, its reviewers and admins' })
      const [card, rounds] = await Promise.all([departmentScorecard(app.gate.db, req.params.id, await window(req.query)), departmentRounds(app.gate.db, req.params.id, 20, null)])
      return { ...card, evaluations: rounds.items }
    }
  )
}
