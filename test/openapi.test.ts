import SwaggerParser from '@apidevtools/swagger-parser'
import { readFileSync } from 'node:fs'
import t from 'tap'
import { build } from './helper.js'

t.test('the OpenAPI document is valid 3.1 and the committed copy matches the routes', async (t) => {
  const { app } = await build(t)
  const generated = JSON.parse(JSON.stringify(app.swagger()))
  const api = await SwaggerParser.validate(structuredClone(generated))
  t.equal((api as { openapi: string }).openapi, '3.1.0')
  const paths = Object.keys(generated.paths).sort()
  for (const p of ['/v1/screenings', '/v1/tasks', '/v1/tasks/{id}', '/v1/tasks/{id}/events', '/v1/catalogs', '/v1/catalogs/{list}', '/v1/org-units', '/v1/machines', '/v1/machines/{id}', '/v1/machines/{id}/diagram', '/healthz']) {
    t.ok(paths.includes(p), `documents ${p}`)
  }
  const committed = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8'))
  t.same(committed, generated, 'openapi/openapi.json is current (regenerate with npm run openapi)')
})

t.test('the docs UI is served at /docs', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'GET', url: '/docs/' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/html/)
})
