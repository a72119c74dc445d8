import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { administersAll, requireRole } from '../platform/auth.js'
import { TOKEN, problemResponses } from '../platform/schemas.js'
import { listReviewQueue } from './store.js'
import { taskViews } from './service.js'

const security = TOKEN
const ReviewQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 100 })) },
  { additionalProperties: false }
)
const ReviewPage = Type.Object({ items: Type.Array(Type.Ref('Task')) })

/** What awaits each kind of reviewer (nanjing-2014 §二.5: the office gatekeeps; wuhan-2015 解读3: the group decides). */
const STAGES_FOR = { office: ['office_review', 'consultation'], leading_group: ['leading_group'] } as const

export const reviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/reviews',
    {
      schema: {
        tags: ['reviews'],
        summary: 'The caller’s review queue, nearest deadline first, with the screening findings inline',
        operationId: 'listReviewQueue',
        description:
          'For an office: escalated tasks of its jurisdiction in pre-review or consultation. For a leading-group member: tasks on its group’s agenda, with the running tally.',
        security,
        querystring: ReviewQuery,
        response: { 200: ReviewPage, ...problemResponses(400, 401, 403) }
      }
    },
    async (req) => {
      const p = requireRole(req, 'office', 'leading_group')
      const tasks = await listReviewQueue(app.gate.db, { orgUnit: p.org, stages: STAGES_FOR[p.role as keyof typeof STAGES_FOR], overdueOnly: false }, req.query.limit ?? 100)
      return { items: await taskViews(app.gate, tasks, p) }
    }
  )

  app.get(
    '/v1/reviews/overdue',
    {
      schema: {
        tags: ['reviews'],
        summary: 'Escalated tasks past their working-day deadline',
        operationId: 'listOverdueReviews',
        description: 'Offices and leading-group members see their jurisdiction’s; an admin sees all.',
        security,
        querystring: ReviewQuery,
        response: { 200: ReviewPage, ...problemResponses(400, 401, 403) }
      }
    },
    async (req) => {
      const p = requireRole(req, 'office', 'leading_group', 'admin')
      const tasks = await listReviewQueue(
        app.gate.db,
        { orgUnit: administersAll(p) ? null : p.org, stages: [...STAGES_FOR.office, ...STAGES_FOR.leading_group], overdueOnly: true },
        req.query.limit ?? 100
      )
      return { items: await taskViews(app.gate, tasks, p) }
    }
  )
}
