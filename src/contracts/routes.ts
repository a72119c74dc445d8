import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { requirePrincipal, requireRole } from '../platform/auth.js'
import { IdParams, Nullable, SeeOtherSchema, TOKEN, TOKEN_OPTIONAL, problemResponses } from '../platform/schemas.js'
import { CONTRACT_TERMS, FUNDING_CONFIRMATION } from '../tasks/examples.js'
import { FUNDING_STATUSES } from './store.js'
import { fundingOf, readContract, reportFunding, setContractTerms } from './service.js'

const security = TOKEN

const Terms = Type.Object(
  {
    paymentMethod: Type.String({ minLength: 1, maxLength: 200, description: 'how the money is paid: e.g. 一次性拨付, 按季度拨付, 购买服务' }),
    paymentSchedule: Nullable(Type.String({ maxLength: 2000 })),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'anything else the parties agree; screened like every text a department writes' }))),
    deliverables: Type.Array(Type.Object({ name: Type.String({ minLength: 1, maxLength: 500 }), due: Nullable(Type.String({ format: 'date' })) }, { additionalProperties: false }), { maxItems: 100 }),
    contacts: Type.Array(
      Type.Object(
        { side: Type.String({ minLength: 1, maxLength: 100 }), name: Type.String({ minLength: 1, maxLength: 100 }), phone: Type.String({ minLength: 1, maxLength: 50 }) },
        { additionalProperties: false }
      ),
      { maxItems: 50, description: 'personal data: shown to the task’s parties and its target communities only' }
    )
  },
  { additionalProperties: false }
)

const ContractSchema = Type.Object({
  taskId: Type.String(),
  state: Type.String(),
  version: Type.Integer(),
  scope: Type.Object({ title: Type.String(), description: Type.String(), kind: Type.String(), catalogItem: Nullable(Type.String()) }),
  targets: Type.Array(Type.String()),
  period: Type.Object({ start: Type.String(), end: Type.String() }),
  funding: Nullable(Type.Object({ perTarget: Type.Number(), total: Type.Number(), source: Type.String() })),
  authority: Nullable(Type.Object({ required: Type.Boolean(), provided: Type.Boolean() })),
  decider: Type.Object({ level: Type.String(), orgUnit: Type.String(), body: Type.String() }),
  admittedAt: Nullable(Type.String()),
  unfunded: Type.Boolean({ description: 'a target has not confirmed its funding within the pack’s grace period' }),
  terms: Nullable(Terms)
})

const Confirmation = Type.Object({
  community: Type.String(),
  status: Type.Enum(FUNDING_STATUSES),
  amount: Nullable(Type.Number()),
  staffArrived: Nullable(Type.Boolean()),
  note: Nullable(Type.String()),
  confirmedBy: Type.String(),
  at: Type.String()
})

export const contractRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/tasks/:id/contract',
    {
      schema: {
        tags: ['contracts'],
        summary: 'The agreement an admitted task became: scope, targets, period, funding, payment, deliverables, contacts',
        operationId: 'getContract',
        security: TOKEN_OPTIONAL,
        params: IdParams,
        response: { 200: ContractSchema, ...problemResponses(404) }
      }
    },
    async (req) => readContract(app.gate, req.params.id, req.principal)
  )

  app.put(
    '/v1/tasks/:id/contract',
    {
      schema: {
        tags: ['contracts'],
        summary: 'Set the agreement’s terms (the owning department, while the agreement is open)',
        operationId: 'setContractTerms',
        security,
        params: IdParams,
        body: Type.Object({ ...Terms.properties, version: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false, examples: [CONTRACT_TERMS] }),
        description:
          'Every text of the terms is screened as a task’s texts are: terms that assign an excluded item (an economic quota in the payment schedule, a plaque as a deliverable, a banned certificate) are refused with 422, `field` naming the first text and `findings` explaining each category.',
        response: {
          200: ContractSchema,
          ...problemResponses(400, 401, 403, 404, 409, { 422: 'The terms assign an excluded item: `findings` says which, where and under which rule' }),
        }
      }
    },
    async (req) => {
      const { version, ...terms } = req.body
      return setContractTerms(app.gate, req.params.id, requirePrincipal(req), terms, version)
    }
  )

  app.post(
    '/v1/tasks/:id/funding-confirmations',
    {
      schema: {
        tags: ['contracts'],
        summary: 'A target community reports whether the funding (and staff) arrived',
        operationId: 'confirmFunding',
        description: '费随事转 (《南京市深化街道和社区体制改革实施方案》§二.4): once the grace period after the start has passed, a target without confirmed funding flags the task unfunded.',
        security,
        params: IdParams,
        body: Type.Object(
          {
            status: Type.Enum(FUNDING_STATUSES),
            amount: Type.Optional(Type.Number({ minimum: 0, maximum: 1e10 })),
            staffArrived: Type.Optional(Type.Boolean()),
            note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 }))
          },
          { additionalProperties: false, examples: [FUNDING_CONFIRMATION] }
        ),
        response: { 201: Type.Object({ items: Type.Array(Confirmation) }), 303: SeeOtherSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (req, reply) => {
      const items = await reportFunding(app.gate, req.params.id, requireRole(req, 'street', 'community'), req.body, req.idempotency)
      return reply.status(201).send({ items })
    }
  )

  app.get(
    '/v1/tasks/:id/funding-confirmations',
    {
      schema: {
        tags: ['contracts'],
        summary: 'What each target community said about the funding, oldest first',
        operationId: 'listFundingConfirmations',
        security,
        params: IdParams,
        response: { 200: Type.Object({ unfunded: Type.Boolean(), items: Type.Array(Confirmation) }), ...problemResponses(401, 404) }
      }
    },
    async (req) => {
      const { unfunded, confirmations } = await fundingOf(app.gate, req.params.id, requirePrincipal(req))
      return { unfunded, items: confirmations }
    }
  )
}
