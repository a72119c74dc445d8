import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { sourcesOf } from './citations.js'
import { CATALOG_LISTS, TARGET_LEVELS } from './types.js'
import { PUBLIC, problemResponses } from '../platform/schemas.js'

const LIST_TITLES = {
  lawful_duties: { zh: '基层群众自治组织依法履行职责事项', en: 'The community’s own statutory duties' },
  assisted_tasks: { zh: '基层群众自治组织协助政府工作事项', en: 'Work the community does to assist government (must carry funding)' },
  certificates: { zh: '出具证明事项', en: 'Certificates a community may issue' },
  negative: { zh: '负面清单', en: 'Excluded items that must never be pushed down' }
} as const

/** The fields of a published list item, for every route that shows the lists (the catalogs here, the public register). */
export const CATALOG_ITEM_FIELDS = {
  code: Type.String(),
  name: Type.String(),
  sector: Type.Optional(Type.String()),
  responsibleDepartment: Type.Optional(Type.String()),
  legalBasis: Type.Optional(Type.String()),
  fundingRequired: Type.Optional(Type.Boolean()),
  fundingStandard: Type.Optional(
    Type.Object(
      {
        yuan: Type.Number(),
        per: Type.String({ description: 'target, household or unit' }),
        unit: Type.Optional(Type.String()),
        source: Type.String({ description: 'the document that sets the amount' })
      },
      { description: 'set only where the pack can cite the document that sets it' }
    )
  ),
  fundingMinimum: Type.Optional(Type.Number({ description: 'packs before 2026.3: yuan per target' })),
  population: Type.Optional(Type.String({ description: 'the population the item is about: it covers their registration, surveys and data updates too' })),
  rule: Type.Optional(Type.String({ description: 'negative list: the rule a match fires' })),
  keywords: Type.Optional(Type.Array(Type.String())),
  exceptions: Type.Optional(Type.Array(Type.String())),
  source: Type.String()
}

const CatalogEntry = Type.Object(CATALOG_ITEM_FIELDS, { additionalProperties: true })

const SourceEntry = Type.Object(
  {
    id: Type.String({ description: 'what citations name in `source`' }),
    title: Type.String({ description: 'in 《》 where it is the document’s own title' }),
    issuer: Type.String(),
    date: Type.String({ description: 'as exactly as known: YYYY-MM-DD, YYYY-MM, YYYY or a span of years' }),
    published: Type.String({ description: 'where it was published, as far as known' }),
    number: Type.Optional(Type.String({ description: 'document number (文号)' })),
    note: Type.Optional(Type.String({ description: 'what is not known of it, or how the copy the lists were drawn from differs' }))
  },
  { additionalProperties: false }
)

export const catalogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/catalogs',
    {
      schema: {
        tags: ['catalogs'],
        summary: 'The published lists of the active policy pack, per target level',
        operationId: 'listCatalogs',
        security: PUBLIC,
        response: {
          200: Type.Object({
            policy: Type.Ref('PolicyRef'),
            sectors: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
            sources: Type.Array(SourceEntry, { description: 'the documents the pack’s rules and lists cite, by the ids findings’ citations name' }),
            lists: Type.Array(
              Type.Object({
                list: Type.Enum(CATALOG_LISTS),
                level: Type.Enum(TARGET_LEVELS),
                title: Type.Object({ zh: Type.String(), en: Type.String() }),
                count: Type.Integer(),
                href: Type.String()
              })
            )
          })
        }
      }
    },
    async () => {
      const { pack, ref } = await app.gate.packs.get(app.gate.db)
      return {
        policy: ref,
        sectors: pack.sectors,
        sources: sourcesOf(pack),
        lists: TARGET_LEVELS.flatMap((level) =>
          CATALOG_LISTS.map((list) => ({
            list,
            level,
            title: LIST_TITLES[list],
            count: pack.levels[level][list].length,
            href: `/v1/catalogs/${list}?level=${level}`
          }))
        )
      }
    }
  )

  app.get(
    '/v1/catalogs/:list',
    {
      schema: {
        tags: ['catalogs'],
        summary: 'One list’s items, each with its code, name and source',
        operationId: 'getCatalog',
        security: PUBLIC,
        params: Type.Object({ list: Type.Enum(CATALOG_LISTS) }),
        querystring: Type.Object({ level: Type.Optional(Type.Enum(TARGET_LEVELS, { default: 'community' })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            policy: Type.Ref('PolicyRef'),
            list: Type.Enum(CATALOG_LISTS),
            level: Type.Enum(TARGET_LEVELS),
            title: Type.Object({ zh: Type.String(), en: Type.String() }),
            items: Type.Array(CatalogEntry)
          }),
          ...problemResponses(400)
        }
      }
    },
    async (req) => {
      const level = req.query.level ?? 'community'
      const { pack, ref } = await app.gate.packs.get(app.gate.db)
      return { policy: ref, list: req.params.list, level, title: LIST_TITLES[req.params.list], items: pack.levels[level][req.params.list] }
    }
  )
}
