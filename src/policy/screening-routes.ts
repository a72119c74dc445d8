import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { CALENDAR_NOT_COVERED_ONLY, TOKEN_OPTIONAL, problemResponses } from '../platform/schemas.js'
import { ECONOMIC_TARGET_SCREENING } from '../tasks/examples.js'
import { TaskInput } from '../tasks/schemas.js'
import { dryRun } from '../tasks/service.js'

const ScreeningBody = Type.Object(
  {
    ...TaskInput.properties,
    department: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'department to screen for; defaults to the caller’s own when it is a department' })
    )
  },
  { additionalProperties: false, examples: [ECONOMIC_TARGET_SCREENING] }
)

export const screeningRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/screenings',
    {
      schema: {
        tags: ['screening'],
        summary: 'Screen a task without storing anything',
        operationId: 'screenTask',
        security: TOKEN_OPTIONAL,
        description:
          'Runs the gate on a task as if it were submitted. A catalog claim only matches for a department of the item’s sector, so name the department (or call with a department token).',
        body: ScreeningBody,
        response: { 200: Type.Ref('Screening'), ...problemResponses(400, CALENDAR_NOT_COVERED_ONLY) }
      }
    },
    async (req) => {
      const { department, ...task } = req.body
      const own = req.principal?.role === 'department' ? req.principal.org : null
      return dryRun(app.gate, task, department ?? own)
    }
  )
}
