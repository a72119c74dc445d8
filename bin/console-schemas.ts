import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'

// The console draws each event's form from the OpenAPI document's own event bodies: it is generated
// with the typed client, in the build, so that the forms cannot drift from what the API takes.
const doc = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8')) as { components: { schemas: Record<string, unknown> } }
const bodies = Object.fromEntries(Object.entries(doc.components.schemas).filter(([name]) => name.endsWith('EventBody')))
const out = new URL('../src/console/web/generated/', import.meta.url)
mkdirSync(out, { recursive: true })
writeFileSync(new URL('event-bodies.json', out), `${JSON.stringify(bodies)}\n`)
console.log(`wrote ${Object.keys(bodies).length} event bodies`)
