import SwaggerParser from '@apidevtools/swagger-parser'
import { readFileSync } from 'node:fs'
import t from 'tap'
import { ADMISSION_EVENT_TYPES, EVENT_ROLES } from '../machines/admission.js'
import { BURDEN_REPORT_EVENT_ROLES, BURDEN_REPORT_EVENT_TYPES } from '../machines/burden-report.js'
import type { Role } from '../src/roles.js'
import { policyPackJsonSchema } from '../src/policy/pack-schema.js'
import { build, type Harness } from './helper.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const documentOf = (h: Harness): Json => JSON.parse(JSON.stringify(h.app.swagger()))

function operations(doc: Json): Array<{ key: string; method: string; path: string; op: Json }> {
  return Object.entries(doc.paths as Json).flatMap(([path, ops]) =>
    Object.entries(ops as Json).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method, path, op: op as Json }))
  )
}

const resolve = (doc: Json, r: Json): Json => (r.$ref === undefined ? r : (r.$ref as string).split('/').slice(1).reduce((o: Json, k: string) => o[k], doc))

/** A request body the document itself offers: the example, or the first named example. */
function exampleBody(doc: Json, op: Json): unknown {
  const media = op.requestBody?.content['application/json']
  if (media === undefined) return undefined
  if (media.examples !== undefined) return (Object.values(media.examples)[0] as Json).value
  return media.example ?? media.schema.example
}

/** The sweeper's events are no request: the ones a principal sends, from the machines' tables. */
const sentBy = <E extends string>(types: readonly E[], roles: Record<E, readonly Role[]>) => types.filter((e) => roles[e].length > 0)

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
  const packSchema = JSON.parse(readFileSync(new URL('../openapi/policy-pack.schema.json', import.meta.url), 'utf8'))
  t.same(packSchema, policyPackJsonSchema(), 'openapi/policy-pack.schema.json is current (regenerate with npm run openapi)')
  t.same(generated.paths['/v1/policy-packs'].post.requestBody.content['application/json'].schema, { $ref: '#/components/schemas/PolicyPack' }, 'the publish body is the pack schema')
  const { $schema: _, $id: __, ...component } = packSchema
  const { $id: ___, ...documented } = generated.components.schemas.PolicyPack
  t.same(JSON.parse(JSON.stringify(documented)), JSON.parse(JSON.stringify(component)), 'the document and the shipped schema are one definition')
})

t.test('every operation has its own operationId, a summary, its security and somewhere to send it', async (t) => {
  const h = await build(t)
  const doc = documentOf(h)
  const ops = operations(doc)
  const ids = ops.map((o) => o.op.operationId)
  t.equal(new Set(ids).size, ops.length, 'operationIds are unique')
  const kinds = [[], [{}, { bearer: [] }], [{ bearer: [] }]].map((s) => JSON.stringify(s))
  for (const { key, op } of ops) {
    t.match(op.operationId, /^[a-z][A-Za-z]+$/, `${key}: operationId`)
    t.ok(op.summary, `${key}: summary`)
    t.ok(kinds.includes(JSON.stringify(op.security)), `${key}: security is public, token-optional or token (${JSON.stringify(op.security)})`)
  }
  t.ok(doc.servers.length > 0, 'servers')
  t.equal(doc.servers[0].url, '/', 'the docs UI calls the server that serves it')
  t.same(Object.keys(doc.components.securitySchemes), ['bearer'])
})

t.test('every error is declared as application/problem+json, with the Problem schema', async (t) => {
  const h = await build(t)
  const doc = documentOf(h)
  for (const { key, op } of operations(doc)) {
    for (const [status, r] of Object.entries(op.responses as Json)) {
      if (Number(status) < 400) continue
      const response = resolve(doc, r as Json)
      t.same(Object.keys(response.content), ['application/problem+json'], `${key} ${status}`)
      t.same(response.content['application/problem+json'].schema, { $ref: '#/components/schemas/Problem' }, `${key} ${status}: a Problem`)
      t.same(response.headers?.['Content-Language'], { $ref: '#/components/headers/ContentLanguage' }, `${key} ${status}: says its language`)
    }
    for (const status of ['400', '401', '429', '431', '500']) t.ok(op.responses[status], `${key} declares ${status}`)
  }
  const overloaded = doc.paths['/v1/tasks'].post.responses['503']
  t.ok(overloaded.headers['Retry-After'], '503 says when to come back')
})

t.test('every POST declares the Idempotency-Key header, and every request body has a working example', async (t) => {
  const h = await build(t)
  const doc = documentOf(h)
  const header = doc.components.parameters.IdempotencyKey
  t.match(header, { name: 'Idempotency-Key', in: 'header', required: false })
  for (const { key, method, op } of operations(doc)) {
    if (method === 'post') t.ok(op.parameters.some((p: Json) => p.$ref === '#/components/parameters/IdempotencyKey'), `${key}: Idempotency-Key`)
    if (op.requestBody !== undefined) t.not(exampleBody(doc, op), undefined, `${key}: an example body`)
  }
  t.notOk(JSON.stringify(doc).includes('x-request-examples'), 'the route-level examples key is moved to the request bodies')
})

t.test('the events bodies are the machines’ events, one branch each, discriminated by type', async (t) => {
  const h = await build(t)
  const doc = documentOf(h)
  const schemas = doc.components.schemas
  for (const [union, path, types] of [
    ['TaskEventBody', '/v1/tasks/{id}/events', sentBy(ADMISSION_EVENT_TYPES, EVENT_ROLES)],
    ['BurdenReportEventBody', '/v1/burden-reports/{id}/events', sentBy(BURDEN_REPORT_EVENT_TYPES, BURDEN_REPORT_EVENT_ROLES)]
  ] as const) {
    const body = schemas[union]
    t.same(body.properties.type.enum, types, `${union}: type is an enum of the events a principal sends`)
    t.same(Object.keys(body.discriminator.mapping), types, `${union}: the discriminator maps every event`)
    t.equal(body.oneOf.length, types.length)
    for (const [event, ref] of Object.entries(body.discriminator.mapping as Record<string, string>)) {
      t.same(resolve(doc, { $ref: ref }).properties.type.enum, [event], `${union}: ${event}'s branch is for ${event}`)
    }
    const op = doc.paths[path].post
    t.same(op.requestBody.content['application/json'].schema, { $ref: `#/components/schemas/${union}` })
    // The summary is made from the machine's table of who sends what: it names every event, and no other.
    t.same([...new Set(op.summary.match(/\b[A-Z]+(?:_[A-Z]+)*\b/g))].sort(), [...types].sort(), `${path}: the summary names the machine's events`)
  }
  t.same(schemas.Task.properties.enabledEvents.items.enum, ADMISSION_EVENT_TYPES, 'enabledEvents is an enum of the machine’s events')
  t.same(schemas.DecideTaskEventBody.required, ['type', 'decision', 'minutes'])
  t.same(schemas.VoteTaskEventBody.properties.vote.enum, ['approve', 'reject', 'return'], 'votes are an enum')
  t.same(schemas.DecideTaskEventBody.properties.decision.enum, ['approve', 'reject', 'return'], 'decisions are an enum')
})

// A valid value of each event field, to build bodies from the document's branches.
const FIELD_VALUES: Record<string, unknown> = {
  version: 1,
  reason: '理由',
  changes: { title: '改后的标题' },
  consultation: { mode: 'sample', invited: ['east-s1-c1'] },
  reply: '同意',
  vote: 'approve',
  decision: 'approve',
  minutes: '纪要',
  amendCatalog: { fundingMinimum: 1000 },
  directive: 'drop',
  withdrawalRequest: '00000000-0000-4000-8000-000000000001'
}

t.test('a bad event body is a 400 naming the field: one its event needs, or one that belongs to another event', async (t) => {
  const h = await build(t)
  const doc = documentOf(h)
  const dept = h.auth('department', 'city-civil', 'li.min')
  for (const [union, url] of [
    ['TaskEventBody', '/v1/tasks/00000000-0000-4000-8000-000000000000/events'],
    ['BurdenReportEventBody', '/v1/burden-reports/00000000-0000-4000-8000-000000000000/events']
  ] as const) {
    const branches = (doc.components.schemas[union].oneOf as Json[]).map((b) => resolve(doc, b))
    const everyField = new Set(branches.flatMap((b) => Object.keys(b.properties)))
    for (const branch of branches) {
      const event = branch.title as string
      const full = Object.fromEntries((branch.required as string[]).map((f) => [f, f === 'type' ? event : FIELD_VALUES[f]]))
      for (const missing of (branch.required as string[]).filter((f) => f !== 'type')) {
        const { [missing]: _, ...payload } = full
        const res = await h.app.inject({ method: 'POST', url, headers: dept, payload })
        t.equal(res.statusCode, 400, `${event} without ${missing}`)
        t.match(res.json(), { field: missing, detail: `body: ${missing} is required with ${event}` }, `${event} without ${missing} names it`)
      }
      for (const foreign of [...everyField].filter((f) => !(f in branch.properties))) {
        const res = await h.app.inject({ method: 'POST', url, headers: dept, payload: { ...full, [foreign]: FIELD_VALUES[foreign] } })
        t.match(res.json(), { status: 400, field: foreign, detail: `body: ${foreign} does not go with ${event}` }, `${event} with ${foreign}`)
      }
    }
    const unknown = await h.app.inject({ method: 'POST', url, headers: dept, payload: { type: 'OFFICE_FORWARD' } })
    t.match(unknown.json(), { status: 400, field: 'type', detail: /^body: type must be one of [A-Z_, ]+$/ }, 'an event the machine does not have')
    const none = await h.app.inject({ method: 'POST', url, headers: dept, payload: { reason: 'x' } })
    t.match(none.json(), { status: 400, field: 'type', detail: 'body: type is required' })
  }
  const sweepers = await h.app.inject({ method: 'POST', url: '/v1/tasks/x/events', headers: dept, payload: { type: 'ACTIVATE' } })
  t.match(sweepers.json(), { status: 400, field: 'type' }, 'the sweeper’s events are no request')
  const decide = await h.app.inject({ method: 'POST', url: '/v1/tasks/x/events', headers: h.auth('leading_group', 'city', 'chen.chair'), payload: { type: 'DECIDE', decision: 'approve' } })
  t.match(decide.json(), { status: 400, field: 'minutes', invalidParams: [{ field: 'minutes', message: 'is required with DECIDE' }] }, 'a DECIDE without minutes')
})

t.test('an operation that needs a token refuses none with 401; a public one answers without', async (t) => {
  const h = await build(t)
  const doc = documentOf(h)
  for (const { key, method, path, op } of operations(doc)) {
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const schema = op.parameters.find((p: Json) => p.name === name).schema
      return schema.enum?.[0] ?? 'x'
    })
    const body = exampleBody(doc, op)
    const res = await h.app.inject({ method: method.toUpperCase() as 'GET', url, ...(body === undefined ? {} : { payload: body as object }) })
    if (op.security.length === 1 && 'bearer' in op.security[0]) t.equal(res.statusCode, 401, `${key} without a token`)
    else t.ok(res.statusCode !== 401 && res.statusCode < 500, `${key} without a token: ${res.statusCode}`)
  }
})

t.test('the examples work: "Try it out" answers as the README’s tour says', async (t) => {
  const h = await build(t)
  const doc = documentOf(h)
  const example = (path: string, method: string, name?: string) => {
    const media = doc.paths[path][method].requestBody.content['application/json']
    return (name === undefined ? media.example : media.examples[name].value) as Json
  }
  const send = (method: 'POST' | 'PUT', url: string, headers: Record<string, string>, payload: Json) => h.app.inject({ method, url, headers, payload })
  const dept = h.auth('department', 'city-civil', 'li.min')
  const office = h.auth('office', 'city', 'office.city')
  const admin = h.auth('admin', 'city', 'admin')
  const community = h.auth('community', 'east-s1-c1', 'east-s1-c1.staff')

  const dry = await send('POST', '/v1/screenings', {}, example('/v1/screenings', 'post'))
  t.match(dry.json(), { outcome: 'reject', findings: [{ rule: 'economic_target' }] }, 'the dry run rejects 招商引资')

  const admitted = await send('POST', '/v1/tasks', dept, example('/v1/tasks', 'post'))
  t.match(admitted.json(), { state: 'admitted', screening: { findings: [{ rule: 'catalog_match' }] } }, 'the funded assisted item is admitted')
  const id = admitted.json().id
  t.equal((await send('PUT', `/v1/tasks/${id}/contract`, dept, example('/v1/tasks/{id}/contract', 'put'))).statusCode, 200, 'contract terms')
  t.equal((await send('POST', `/v1/tasks/${id}/funding-confirmations`, community, example('/v1/tasks/{id}/funding-confirmations', 'post'))).statusCode, 201, 'funding confirmed')

  // On no list, so escalated to the city's leading group (once approved with an amendment, it is on one).
  const escalate = async (title: string) => {
    const res = await send('POST', '/v1/tasks', dept, {
      title,
      targetLevel: 'community',
      targets: ['east-s1-c1'],
      kind: 'service',
      legalBasis: [{ title: '《老年人权益保障法》' }],
      funding: { perTarget: 5000, source: '市福彩公益金', committed: true },
      period: { start: '2027-04-01', end: '2027-06-30' },
      workloadHours: 40,
      submit: true
    })
    t.equal(res.json().state, 'escalated')
    return `/v1/tasks/${res.json().id}/events`
  }
  const events = '/v1/tasks/{id}/events'
  const decided = await escalate('协助开展社区养老服务需求调查')
  t.equal((await send('POST', decided, office, example(events, 'post', 'PUT_ON_AGENDA'))).json().stage, 'leading_group', 'on the agenda')
  for (const member of ['chen.chair', 'qian.member', 'feng.member']) {
    t.equal((await send('POST', decided, h.auth('leading_group', 'city', member), example(events, 'post', 'VOTE'))).statusCode, 200, `${member} votes`)
  }
  t.equal((await send('POST', decided, h.auth('leading_group', 'city', 'chen.chair'), example(events, 'post', 'DECIDE'))).json().state, 'admitted', 'decided')
  const returned = await escalate('协助开展社区助浴服务需求调查')
  t.equal((await send('POST', returned, office, example(events, 'post', 'OFFICE_RETURN'))).json().state, 'returned', 'returned by the office')
  t.equal((await send('POST', returned, dept, example(events, 'post', 'WITHDRAW'))).json().state, 'withdrawn', 'withdrawn by the department')

  const report = async () => (await send('POST', '/v1/burden-reports', community, example('/v1/burden-reports', 'post'))).json()
  const reportEvents = '/v1/burden-reports/{id}/events'
  for (const outcome of ['CONFIRM', 'DISMISS']) {
    const filed = await report()
    t.equal(filed.state, 'reported')
    const url = `/v1/burden-reports/${filed.id}/events`
    t.equal((await send('POST', url, office, example(reportEvents, 'post', 'INVESTIGATE'))).json().state, 'investigating')
    t.equal((await send('POST', url, office, example(reportEvents, 'post', outcome))).json().state, outcome === 'CONFIRM' ? 'confirmed' : 'dismissed')
  }

  t.equal((await send('POST', '/v1/webhooks', office, example('/v1/webhooks', 'post'))).statusCode, 201, 'webhook')
  t.equal((await send('POST', '/v1/org-units', admin, example('/v1/org-units', 'post'))).statusCode, 201, 'org unit')
  const pack = await h.app.inject({ method: 'POST', url: '/v1/policy-packs?dryRun=true', headers: admin, payload: example('/v1/policy-packs', 'post', 'the default pack') })
  t.match(pack.json(), { dryRun: true, published: false }, 'the default pack validates')
  t.equal((await send('POST', '/v1/leading-groups/city/members', admin, example('/v1/leading-groups/{orgUnit}/members', 'post'))).statusCode, 201, 'member')
  const importOp = doc.paths['/v1/leading-groups/members/import'].post
  const dryImport = await send('POST', '/v1/leading-groups/members/import?dryRun=true', admin, importOp.requestBody.content['application/json'].examples.json.value)
  t.same(dryImport.json().summary, { created: 1, updated: 1, unchanged: 0 }, 'a members import, dry run')
  const csv = importOp.requestBody.content['text/csv'].example
  const csvImport = await h.app.inject({ method: 'POST', url: '/v1/leading-groups/members/import?dryRun=true', headers: { ...admin, 'content-type': 'text/csv' }, payload: csv })
  t.same(csvImport.json().summary, { created: 1, updated: 1, unchanged: 0 }, 'the same import as CSV')
  const members = '/v1/leading-groups/{orgUnit}/members/{sub}'
  for (const name of Object.keys(doc.paths[members].patch.requestBody.content['application/json'].examples)) {
    const changed = await h.app.inject({ method: 'PATCH', url: '/v1/leading-groups/city/members/qian.member', headers: admin, payload: example(members, 'patch', name) })
    t.equal(changed.statusCode, 200, `member change: ${name}`)
  }
})

t.test('the docs UI is served at /docs', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'GET', url: '/docs/' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/html/)
})
