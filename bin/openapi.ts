import { writeFileSync } from 'node:fs'
import { buildApp } from '../src/app.js'
import { DEFAULT_PACK } from '../src/policy/pack.js'
import { openDatabase } from '../src/engine/db.js'
import { ensurePack } from '../src/policy/pack-store.js'
import { policyPackJsonSchema } from '../src/policy/pack-schema.js'

// Regenerates openapi/openapi.json from the route schemas and openapi/policy-pack.schema.json from the
// pack's; test/openapi.test.ts fails when a committed copy drifts.
const database = await openDatabase('sqlite::memory:')
await ensurePack(database.knex, DEFAULT_PACK, new Date(0).toISOString())
const app = await buildApp({ database, jwtSecret: 'openapi-generation-only-secret' })
await app.ready()
writeFileSync(new URL('../openapi/openapi.json', import.meta.url), `${JSON.stringify(app.swagger(), null, 2)}\n`)
// The pack's schema, standalone, for editors and for validating a city's file without the server.
writeFileSync(new URL('../openapi/policy-pack.schema.json', import.meta.url), `${JSON.stringify(policyPackJsonSchema(), null, 2)}\n`)
await app.close()
await database.knex.destroy()
console.log('wrote openapi/openapi.json and openapi/policy-pack.schema.json')
