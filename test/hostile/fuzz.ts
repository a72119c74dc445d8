import { createHash, createHmac } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import t from 'tap'
import { signToken } from '../../src/platform/token.js'
import { DEMO_ORG_TREE } from '../../src/demo.js'
import { DEFAULT_PACK } from '../../src/policy/pack.js'
import { ROLES, type Role } from '../../src/roles.js'
import { TEST_SECRET, build, demoCommunities, type Harness } from '../helper.js'

// Issue 5 item 5 (hostile input): a property-based fuzzer driven by the OpenAPI document.
// For every operation it generates requests from the operation's own schemas and then breaks
// them: wrong types, missing and unknown fields, prototype keys, unicode edge cases, malformed
// JSON, bodies at and just over the 1 MiB limit, deep nesting, big arrays, hostile path
// parameters and query strings, random content types and tokens of every role. Every response
// must be < 500; every error application/problem+json with type, title, status and detail, and
// titles and message in both languages; no body may carry a stack trace, SQL or the JWT secret.
//
// Reproducible: FUZZ_SEED (default below) seeds fast-check; each operation gets its own seed
// derived from it and the operation's "METHOD /path", so one operation's requests do not shift
// when another is added, removed or changed. FUZZ_RUNS sets the generated requests per
// operation, FUZZ_ONLY="METHOD /path" runs one operation.
// Failing requests are printed (bodies over 2 KiB as a JS expression that rebuilds them
// exactly, or truncated with their sha256) and written in full to a JSON-lines file in the
// system temp directory.

const SEED = Number(process.env.FUZZ_SEED ?? 20261124)
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 150)
const ONLY = process.env.FUZZ_ONLY
const BODY_LIMIT = 1024 * 1024

// ---------------------------------------------------------------------------------------------
// The OpenAPI document

type Schema = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

interface Parameter {
  name: string
  in: 'path' | 'query' | 'header'
  required?: boolean
  schema: Schema
}

interface Operation {
  key: string
  method: string
  path: string
  parameters: Parameter[]
  body: Schema | null
  secured: boolean
}

const openapi = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> }; security?: unknown[] }>>
  components: { schemas: Record<string, Schema> }
}

const OPERATIONS: Operation[] = Object.entries(openapi.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({
    key: `${method.toUpperCase()} ${path}`,
    method: method.toUpperCase(),
    path,
    parameters: op.parameters ?? [],
    body: op.requestBody?.content['application/json']?.schema ?? null,
    secured: (op.security ?? []).length > 0
  }))
)

function resolve(s: Schema): Schema {
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace(/^#\/components\/schemas\//, '')
    return resolve(openapi.components.schemas[name]!)
  }
  return s
}

// ---------------------------------------------------------------------------------------------
// Real objects, so that some requests get past the 404s

interface Fixtures {
  tasks: string[]
  reports: string[]
  webhooks: string[]
  evaluations: string[]
  /** east-s1-c1's council: an item in each of its first positions. */
  deliberations: string[]
}

const ORG_IDS = DEMO_ORG_TREE.map((u) => u.id)
const DEPARTMENTS = DEMO_ORG_TREE.filter((u) => u.kind === 'department').map((u) => u.id)
const COMMUNITIES = DEMO_ORG_TREE.filter((u) => u.kind === 'community').map((u) => u.id)
const STREETS = DEMO_ORG_TREE.filter((u) => u.kind === 'street').map((u) => u.id)
const SUBS = ['zhao.lei', 'li.min', 'office.east', 'office.city', 'sun.chair', 'chen.chair', 'lv.member', 'he.civil', 'east-s1-c1.staff', 'admin']

function realPathValues(path: string, name: string, fx: Fixtures): string[] {
  if (name === 'version') return [DEFAULT_PACK.version]
  if (name === 'orgUnit') return ['city', 'east', 'west']
  if (name === 'sub' && path.startsWith('/v1/leading-groups/')) return ['lv.member', 'he.civil', 'qian.member', 'feng.member', 'kong.member']
  if (path.startsWith('/v1/evaluations/')) return name === 'department' ? ['east-civil', 'east-housing'] : fx.evaluations
  if (path.startsWith('/v1/register/evaluations/departments/')) return DEPARTMENTS
  if (path.startsWith('/v1/register/evaluations/areas/')) return ['city', 'east', 'west']
  if (path.startsWith('/v1/register/evaluations/')) return fx.evaluations
  if (name === 'sub' && path.startsWith('/v1/councils/')) return ['m02', 'm01']
  if (name === 'community' && path.startsWith('/v1/councils/')) return ['west-s1-c1', 'east-s1-c1']
  if (path.startsWith('/v1/deliberations/')) return fx.deliberations
  if (path.startsWith('/v1/tasks/')) return fx.tasks
  if (path.startsWith('/v1/burden-reports/')) return fx.reports
  if (path.startsWith('/v1/webhooks/')) return fx.webhooks
  if (path.startsWith('/v1/communities/')) return COMMUNITIES
  if (path.startsWith('/v1/departments/')) return DEPARTMENTS
  if (path.startsWith('/v1/org-units/')) return ORG_IDS
  if (path.startsWith('/v1/machines/')) return ['admission', 'burden-report']
  return []
}

/** Plausible values by field name: real org ids, catalog codes, task ids. */
function hints(fx: Fixtures): Record<string, readonly unknown[]> {
  return {
    targets: [...demoCommunities('east-s1'), ...demoCommunities('west-s1'), ...STREETS],
    invited: [...COMMUNITIES, ...STREETS],
    department: DEPARTMENTS,
    homeDepartment: [...DEPARTMENTS, null],
    parentId: [...ORG_IDS, null],
    catalogItem: ['AT-18', 'LD-15', 'AT-11', 'SAT-01', null],
    relatedTaskId: fx.tasks,
    target: [...COMMUNITIES, ...STREETS],
    sector: ['civil_affairs', 'public_security', 'veterans_affairs', null],
    group: ['city', 'east', 'west', 'east-s1', 'east-civil'],
    url: ['https://example.org/zhunru-hook', 'http://127.0.0.1:9/hook'],
    events: ['*', 'SUBMIT', 'DECIDE', 'CREATE', 'DEADLINE_MISSED', 'RATE', 'PUBLISH', 'COUNCIL_RESOLVE'],
    period: ['2026', '2026-H1', '2025', '2027', '1999'],
    value: ['satisfied', 'basically_satisfied', 'dissatisfied', 0, 100],
    departments: [DEPARTMENTS.slice(0, 3), ['east-civil', 'east-housing'], ['east-civil', 'east-civil']],
    area: ['city', 'east', 'west', 'east-s1'],
    attended: [['m01', 'm02'], ['m01', 'x'], []],
    heldOn: ['2026-10-09', '2026-10-08', '2026-10-10'],
    noticeGivenOn: ['2026-09-28', '2026-10-09']
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile material

const EDGE_CHARS = [
  '\u0000', '\u0001', '\u001f', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029',
  '\u202e', '\u202d', '\u200f', '\u200e', '\u061c', // RTL overrides and marks
  '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', // zero-width
  '\ufffd', '\ufffe', '\uffff',
  '０', '１', '９', '٣', '۹', '߁', // full-width and other digits
  '\u0301', 'e\u0301', 'İ', 'ſ', 'ß',
  '😀', '👩‍👩‍👧‍👦', '🏳️‍🌈', '𠀀', '\ud83d', '\ude00', // emoji, astral, lone surrogates
  '"', '\\', '/', '<', '>', '&', "'", '%', '\n', '\r', '\t', ' '
]

const EDGE_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud800y', '\ude00\ud83d',
  '\u202eevil\u202c', '\u200f\u200e\u061c', '\u200b\u200c\u200d\ufeff', '\u2060',
  '😀👩‍👩‍👧‍👦🏳️‍🌈', '１２３', '٣٤٥', '𠀀'.repeat(201), 'e\u0301'.repeat(150),
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__',
  '..', '../../etc/passwd', '%00', '%', '%zz', '${7*7}', '{{7*7}}', "' OR '1'='1", '"; DROP TABLE tasks; --',
  '<script>alert(1)</script>', '\\', 'null', 'undefined', 'NaN', 'Infinity', '-1', '0', '1e309', '9'.repeat(400),
  '2027-02-30', '2027-13-01', '0000-00-00', '+275760-09-13', '2027-03-01T00:00:00Z', '2027-03-01\u0000',
  'east-civil', 'EAST-CIVIL', 'ｅａｓｔ－ｃｉｖｉｌ', 'east-civil\u200b', ' east-civil', 'AT-18', 'SUBMIT', 'submit', '*',
  'https://example.org/\u0000', 'javascript:alert(1)', 'file:///etc/passwd', 'http://[::1]:0/', 'http://' + 'a'.repeat(2000)
]

const HOSTILE_KEYS = [
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '', ' ', 'a\u0000b', '\u0000',
  '\ud800', '😀', '\u202etitle', 'title\u200b', 'ｔｉｔｌｅ', 'TITLE', 'title ', '$where', '$ne', 'x'.repeat(1000), 'type', 'id'
]

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c))
const edgeChar = fc.oneof(fc.constantFrom(...EDGE_CHARS), loneSurrogate, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }))

const edgeString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: edgeChar, maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('x', '中', '😀', '\u200b', '\ud800', 'a\u0000', '%'), fc.constantFrom(64, 65, 201, 301, 2001, 5001, 10_001, 20_001, 100_000))
      .map(([c, n]) => c.repeat(n))
  }
)

const edgeNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 0.1, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, -(2 ** 31), 2 ** 31, 2 ** 32, 1e-320, 1e10 + 1, 1_000_001),
  fc.integer(),
  fc.double()
)

/** An object whose keys are own properties even when named "__proto__". */
function objectOf(entries: Array<[string, unknown]>): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true })
  return o
}

const hostileKey = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), edgeString)

const { hostile } = fc.letrec<{ hostile: unknown }>((tie) => ({
  hostile: fc.oneof(
    { depthSize: 'small', withCrossShrink: true, maxDepth: 3 },
    { weight: 5, arbitrary: edgeString },
    { weight: 2, arbitrary: edgeNumber },
    { weight: 1, arbitrary: fc.constantFrom(null, true, false) },
    { weight: 1, arbitrary: fc.array(tie('hostile'), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.array(fc.tuple(hostileKey, tie('hostile')), { maxLength: 4 }).map(objectOf) }
  )
}))

const MALFORMED_JSON = [
  '', ' ', '\n', '{', '}', '[', ']', '{"a":}', '{"a":1,}', '[1,]', "{'a':1}", '{a:1}', 'nul', 'tru', 'NaN', 'Infinity', '-', '+1',
  '1e400', '[1e400]', '{"workloadHours":1e400}', '-1e400', '0x10', '01', '1.', '.5', '"\\ud800"', '"\\u0000"', '{"title":"\\u0000"}',
  '{"title":"\\ud800"}', '"\\u12"', '"\\x41"', '"\u0000"', '\u0000', '\ufeff{}', '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}', '{"a":{"__proto__":null}}', '{"a":1}{"b":2}', '{"title":"a","title":"b"}',
  '/* comment */{}', '{} // comment', '{"a":"' + '\\'.repeat(1001) + '"}', '"' + 'x'.repeat(1000), '[' + '1,'.repeat(1000),
  'null', 'true', '0', '"string"', '[]', '{}', '[null]', '[[]]', '{"":""}', '123456789012345678901234567890'
]

const CONTENT_TYPES = [
  'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json;charset=UTF-8', 'application/json; charset=latin1',
  'application/json; charset=utf-16', 'application/json; charset="utf-8"', 'application/json ; charset=utf-8', 'text/plain',
  'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=----x', 'application/xml',
  'application/octet-stream', 'application/problem+json', 'application/vnd.api+json', 'application/json-patch+json', '*/*',
  'application/*', 'json', ';', 'application/json, text/plain', 'application/json; boundary=' + 'x'.repeat(5000), 'x'.repeat(10_000),
  'application/json; charset=utf-8; charset=latin1', 'text/html', 'application/javascript', 'image/png'
]

const ACCEPTS = ['application/json', 'application/problem+json', 'text/html', 'application/xml', '*/*', 'text/event-stream', '', 'x'.repeat(3000)]

// A header value must be Latin-1 without control characters, or Node refuses to send it at all.
const headerChar = fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c))
const headerString = (maxLength: number) => fc.string({ unit: headerChar, minLength: 1, maxLength })

/** Percent-encodes every byte of the UTF-8 form except the unreserved characters. */
function pct(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('')
}

const RAW_PATH_VALUES = [
  '..', '.', '%2e%2e', '%2E%2E%2F%2E%2E', '%00', 'a%00b', '%2F', '%252F', '%5C', '%', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF',
  '%20', '+', 'toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'null', 'undefined', '0', '-1', 'NaN', '1e309',
  'a'.repeat(64), 'a'.repeat(65), 'a'.repeat(100), 'a'.repeat(101), 'a'.repeat(5000), '00000000-0000-0000-0000-000000000000',
  'east-civil', 'city', 'admission', 'negative', '2026.2', '%E4%B8%AD', '%F0%9F%98%80', '%E2%80%AE', '%EF%BC%91', ';', ',', '*', '~', '_'
]

const RAW_QUERY_FRAGMENTS = [
  '%', '%zz', '%E0%A4%A', '%ED%A0%80', '&&&', '=', '==x', 'a[b]=1', 'limit[]=1', 'limit=1&limit=2', '__proto__[x]=1', '__proto__=1',
  'constructor[prototype][x]=1', 'constructor=1', 'toString=1', 'limit=1e3', 'limit=0x10', 'limit=-0', 'limit=%201', 'limit=%EF%BC%91',
  'limit=2.5', 'limit=', 'limit', 'cursor=' + 'A'.repeat(64), 'cursor=' + 'A'.repeat(65), 'cursor=czk5OTk5OTk5OTk5', 'state=admitted&state=draft',
  'department=' + 'x'.repeat(64), 'department=' + 'x'.repeat(65), ';', '?', 'x'.repeat(8000), 'from=2027-02-30', 'to=0000-00-00',
  'asOf=ORIGINAL', 'level=street&level=community', 'pack=%00', 'status=pending%00', 'target=east-s1-c1%00'
]

// ---------------------------------------------------------------------------------------------
// From a schema to valid values

function valid(schema: Schema, name: string, fx: Fixtures, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema)
  const hint = hints(fx)[name]
  if (hint !== undefined && s.type !== 'array' && s.type !== 'object') return fc.constantFrom(...hint)
  if (s.const !== undefined) return fc.constant(s.const)
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]))
  const alternatives = (s.anyOf ?? s.oneOf) as Schema[] | undefined
  if (alternatives) return fc.oneof(...alternatives.map((a) => valid(a, name, fx, depth)))
  switch (s.type) {
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>
      if (Object.keys(props).length === 0 || depth > 4) return fc.constant({})
      const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valid(v, k, fx, depth + 1)]))
      return fc.record(model, { requiredKeys: (s.required ?? []) as string[] })
    }
    case 'array': {
      const item = valid(s.items ?? {}, name, fx, depth + 1)
      const minLength = s.minItems ?? 0
      const maxLength = Math.min(s.maxItems ?? minLength + 3, minLength + 3)
      return s.uniqueItems
        ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(item, { minLength, maxLength })
    }
    case 'string': {
      const min = s.minLength ?? 0
      const max = Math.min(s.maxLength ?? min + 30, min + 30)
      const fits = (x: string) => [...x].length >= min && [...x].length <= (s.maxLength ?? Infinity)
      if (s.format === 'date') return fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2029, 11, 31) }).map((ms) => new Date(ms).toISOString().slice(0, 10))
      if (s.format === 'date-time') return fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2029, 11, 31) }).map((ms) => new Date(ms).toISOString())
      if (s.format === 'uuid') return fc.oneof(fc.uuid(), fc.constantFrom(...fx.tasks))
      if (s.format === 'uri') return fc.constantFrom('https://example.org/zhunru-hook', 'http://127.0.0.1:9/hook')
      if (typeof s.pattern === 'string') return fc.stringMatching(new RegExp(s.pattern)).filter(fits)
      return fc.string({ unit: 'grapheme-composite', minLength: min, maxLength: max })
    }
    case 'integer':
      return fc.integer({ min: Math.max(s.minimum ?? -1e6, -(2 ** 31)), max: Math.min(s.maximum ?? 1e6, 2 ** 31 - 1) })
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true })
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    default:
      return hostile
  }
}

// ---------------------------------------------------------------------------------------------
// Requests

type Auth =
  | { kind: 'none' }
  | { kind: 'token'; role: Role; org: string; sub: string }
  | { kind: 'raw'; header: string }
  | { kind: 'bad-token'; how: 'expired' | 'wrong-secret' | 'alg-none' | 'tampered' | 'hs512' | 'lowercase-bearer' | 'trailing-junk' }

interface Body {
  /** A JS expression that evaluates to the exact body text; the body is made from it. */
  recipe: string
  text: string
  /** For the boundary requests: whether the body fits the 1 MiB limit (so must not get 413) or not (so must). */
  limit?: 'fit' | 'over'
}

interface FuzzRequest {
  method: string
  url: string
  auth: Auth
  headers: Record<string, string>
  body: Body | null
}

const lit = (text: string): Body => ({ recipe: JSON.stringify(text), text })
function fromRecipe(recipe: string): Body {
  const text = new Function(`return ${recipe}`)() as string
  return { recipe, text }
}

/** Every path in a JSON value (objects and arrays, a few levels deep), for replacing one of them. */
function pathsOf(v: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (prefix.length > 3 || v === null || typeof v !== 'object') return out
  for (const [k, child] of Object.entries(v)) {
    const p = [...prefix, Array.isArray(v) ? Number(k) : k]
    out.push(p)
    pathsOf(child, p, out)
  }
  return out
}

function setAt(root: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value
  const copy = structuredClone(root) as Record<string | number, unknown>
  let cur = copy
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>
  Object.defineProperty(cur, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true })
  return copy
}

function dropAt(root: unknown, path: Array<string | number>): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>
  let cur = copy
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>
  const last = path[path.length - 1]!
  if (Array.isArray(cur)) cur.splice(Number(last), 1)
  else delete cur[last]
  return copy
}

const json = (v: unknown) => JSON.stringify(v) ?? 'null'

/** The JSON text of `v` with one field's value replaced by a placeholder, split around it. */
function around(v: unknown, field: string): [string, string] {
  const marker = '\u0001PLACEHOLDER\u0001'
  const base = v !== null && typeof v === 'object' && !Array.isArray(v) ? objectOf([...Object.entries(v as object), [field, marker]]) : objectOf([[field, marker]])
  const text = json(base)
  const at = text.indexOf(json(marker))
  return [text.slice(0, at), text.slice(at + json(marker).length)]
}

function firstStringField(v: unknown, fallback: string): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const found = Object.entries(v).find(([, x]) => typeof x === 'string')
    if (found) return found[0]
  }
  return fallback
}

const OBJECT_DEPTHS = [64, 1000, 5000, 7000, 10_000, 100_000, 174_000, 175_000] // 6 bytes a level: 174 000 fit in 1 MiB, 175 000 do not
const ARRAY_DEPTHS = [64, 1000, 5000, 8000, 50_000, 524_000, 524_289] // 2 bytes a level

/** Bodies near and over the limit, deep and wide: each a recipe that rebuilds it exactly. */
function oversized(validBody: fc.Arbitrary<unknown>): fc.Arbitrary<Body> {
  const bigString = fc.tuple(validBody, fc.constantFrom('fit', 'over'), fc.constantFrom('x', '中')).map(([v, size, ch]) => {
    const field = firstStringField(v, 'description')
    const [prefix, suffix] = around(v, field)
    const room = BODY_LIMIT - Buffer.byteLength(prefix) - Buffer.byteLength(suffix) - 2
    const bytes = Buffer.byteLength(ch)
    const n = size === 'fit' ? Math.floor(room / bytes) : Math.floor(room / bytes) + 1
    return fromRecipe(`${JSON.stringify(prefix + '"')} + ${JSON.stringify(ch)}.repeat(${n}) + ${JSON.stringify('"' + suffix)}`)
  })
  const deep = fc.oneof(
    fc.constantFrom(...OBJECT_DEPTHS).map((d) => fromRecipe(`'{"a":'.repeat(${d}) + 'null' + '}'.repeat(${d})`)),
    fc.constantFrom(...ARRAY_DEPTHS).map((d) => fromRecipe(`'['.repeat(${d}) + ']'.repeat(${d})`)),
    fc.tuple(validBody, fc.constantFrom(1000, 8000, 20_000)).map(([v, d]) => {
      const [prefix, suffix] = around(v, firstStringField(v, 'title'))
      return fromRecipe(`${JSON.stringify(prefix)} + '['.repeat(${d}) + ']'.repeat(${d}) + ${JSON.stringify(suffix)}`)
    })
  )
  const wide = fc.tuple(validBody, fc.constantFrom('targets', 'legalBasis', 'events', 'deliverables', 'contacts', 'x'), fc.constantFrom(5001, 50_000, 80_000, 81_000)).map(([v, field, n]) => {
    const [prefix, suffix] = around(v, field)
    return fromRecipe(`${JSON.stringify(prefix + '[')} + '"east-s1-c1",'.repeat(${n - 1}) + '"east-s1-c2"' + ${JSON.stringify(']' + suffix)}`)
  })
  const manyKeys = fc.constantFrom(1000, 60_000, 90_000).map((n) => fromRecipe(`'{' + Array.from({ length: ${n} }, (_, i) => '"k' + i + '":' + i).join(',') + '}'`))
  return fc.oneof(bigString, deep, wide, manyKeys)
}

function bodyArb(schema: Schema, fx: Fixtures): fc.Arbitrary<Body> {
  const v = valid(schema, '', fx)
  const withPath = <T>(f: (value: unknown, path: Array<string | number>) => T) =>
    fc.tuple(v, fc.nat()).map(([value, i]) => {
      const paths = pathsOf(value)
      return f(value, paths.length === 0 ? [] : paths[i % paths.length]!)
    })
  return fc.oneof(
    { weight: 3, arbitrary: v.map((x) => lit(json(x))) },
    // One field of another type, or an edge value of the right type.
    { weight: 6, arbitrary: fc.tuple(withPath((value, path) => [value, path] as const), hostile).map(([[value, path], h]) => lit(json(setAt(value, path, h)))) },
    { weight: 2, arbitrary: withPath((value, path) => lit(json(path.length === 0 ? value : dropAt(value, path)))) },
    // Unknown and prototype keys, at the top or further down.
    {
      weight: 2,
      arbitrary: fc.tuple(withPath((value, path) => [value, path] as const), hostileKey, hostile).map(([[value, path], k, h]) => {
        const target = path.length > 0 && value !== null ? path.slice(0, -1) : []
        const holder = target.reduce<unknown>((o, key) => (o as Record<string | number, unknown>)[key], value)
        if (holder === null || typeof holder !== 'object' || Array.isArray(holder)) return lit(json(objectOf([[k, h]])))
        return lit(json(setAt(value, [...target, k], h)))
      })
    },
    // Arrays for objects, strings for arrays, null everywhere: the whole body of a wrong type.
    { weight: 2, arbitrary: hostile.map((h) => lit(json(h))) },
    { weight: 1, arbitrary: v.map((x) => lit(json(nullEverywhere(x)))) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom(...MALFORMED_JSON).map(lit),
        fc.tuple(v, fc.nat()).map(([x, n]) => {
          const s = json(x)
          return lit(s.slice(0, n % Math.max(s.length, 1)))
        }),
        v.map((x) => lit('\ufeff' + json(x))),
        v.map((x) => lit(json(x) + ' trailing')),
        v.map((x) => lit(json(x).replace(/"/g, "'")))
      )
    },
    { weight: 1, arbitrary: oversized(v) }
  )
}

function nullEverywhere(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(() => null)
  if (v !== null && typeof v === 'object') return objectOf(Object.keys(v).map((k) => [k, null]))
  return null
}

/** The demo's principals, whose tokens get past the role and org checks to the handlers. */
const REAL_PRINCIPALS: Auth[] = [
  { kind: 'token', role: 'department', org: 'east-civil', sub: 'zhao.lei' },
  { kind: 'token', role: 'department', org: 'city-civil', sub: 'li.min' },
  { kind: 'token', role: 'office', org: 'east', sub: 'office.east' },
  { kind: 'token', role: 'leading_group', org: 'east', sub: 'sun.chair' },
  { kind: 'token', role: 'leading_group', org: 'east', sub: 'lv.member' },
  { kind: 'token', role: 'community', org: 'east-s1-c1', sub: 'east-s1-c1.staff' },
  { kind: 'token', role: 'council', org: 'east-s1-c1', sub: 'east-s1-c1.council' },
  { kind: 'token', role: 'admin', org: 'city', sub: 'admin' }
]

const authArb: fc.Arbitrary<Auth> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Auth>({ kind: 'none' }) },
  { weight: 4, arbitrary: fc.constantFrom(...REAL_PRINCIPALS) },
  {
    weight: 7,
    arbitrary: fc
      .record({
        role: fc.constantFrom(...ROLES),
        org: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...ORG_IDS) }, { weight: 1, arbitrary: edgeString }),
        sub: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...SUBS) }, { weight: 1, arbitrary: edgeString })
      })
      .map((c): Auth => ({ kind: 'token', ...c }))
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Auth>(
      ...(['expired', 'wrong-secret', 'alg-none', 'tampered', 'hs512', 'lowercase-bearer', 'trailing-junk'] as const).map((how) => ({ kind: 'bad-token' as const, how })),
      ...['Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a.b.c', 'Bearer ..', 'Bearer ' + 'A'.repeat(10_000), 'Bearer null', 'Bearer \u00ff\u00fe', 'Token x'].map((header) => ({ kind: 'raw' as const, header }))
    )
  }
)

function requestArb(op: Operation, fx: Fixtures): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path')
  const queryParams = op.parameters.filter((p) => p.in === 'query')
  const headerParams = op.parameters.filter((p) => p.in === 'header')

  const paramValue = (p: Parameter) => {
    const real = realPathValues(op.path, p.name, fx)
    return fc.oneof(
      { weight: 4, arbitrary: real.length > 0 ? fc.constantFrom(...real).map(pct) : valid(p.schema, p.name, fx).map((x) => pct(String(x))) },
      { weight: 2, arbitrary: fc.constantFrom(...RAW_PATH_VALUES) },
      { weight: 2, arbitrary: edgeString.map(pct) },
      { weight: 1, arbitrary: valid(p.schema, p.name, fx).map((x) => pct(String(x))) }
    )
  }
  const path = fc.tuple(...pathParams.map(paramValue)).map((values) => pathParams.reduce((url, p, i) => url.replace(`{${p.name}}`, values[i]!), op.path))

  const pair = fc.oneof(
    ...(queryParams.length > 0
      ? [
          fc.constantFrom(...queryParams).chain((p) =>
            fc.oneof(
              { weight: 3, arbitrary: valid(p.schema, p.name, fx).map((x) => `${pct(p.name)}=${pct(String(x))}`) },
              { weight: 2, arbitrary: edgeString.map((x) => `${pct(p.name)}=${pct(x)}`) },
              { weight: 1, arbitrary: hostile.map((x) => `${pct(p.name)}=${pct(json(x))}`) }
            )
          )
        ]
      : []),
    fc.tuple(hostileKey, edgeString).map(([k, x]) => `${pct(k)}=${pct(x)}`)
  )
  const query = fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    { weight: 5, arbitrary: fc.array(pair, { minLength: 1, maxLength: 4 }).map((ps) => ps.join('&')) },
    { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...RAW_QUERY_FRAGMENTS), pair), { minLength: 1, maxLength: 3 }).map((ps) => ps.join('&')) }
  )

  const hasBody = op.body !== null
  const body: fc.Arbitrary<Body | null> = hasBody
    ? fc.oneof({ weight: 12, arbitrary: bodyArb(op.body!, fx) }, { weight: 1, arbitrary: fc.constant(null) })
    : fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.oneof(hostile.map((h) => lit(json(h))), fc.constantFrom(...MALFORMED_JSON).map(lit)) })
  const contentType = fc.oneof(
    { weight: hasBody ? 8 : 2, arbitrary: fc.constant('application/json') },
    { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.constant(undefined) }
  )

  const extra = fc.record(
    {
      'idempotency-key': fc.oneof(headerString(40), fc.constantFrom('retry-1', 'x'.repeat(200), 'x'.repeat(201), ' ', 'a b')),
      'if-none-match': fc.oneof(fc.constantFrom('*', '"x"', 'W/"x"', '""', 'W/', '"' + 'x'.repeat(5000) + '"'), headerString(60)),
      accept: fc.constantFrom(...ACCEPTS),
      'accept-language': fc.constantFrom('zh-CN', '*', 'x'.repeat(2000)),
      'x-forwarded-for': fc.constantFrom('1.2.3.4', '::1', 'not-an-ip', '1.2.3.4, 5.6.7.8'),
      'x-http-method-override': fc.constantFrom('DELETE', 'PUT', 'PATCH')
    },
    { requiredKeys: [] }
  )

  const method = fc.oneof(
    { weight: 30, arbitrary: fc.constant(op.method) },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') }
  )

  return fc.record({ method, path, query, auth: authArb, body, contentType, extra }).map(({ method, path, query, auth, body, contentType, extra }) => {
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) headers[k] = v
    if (headerParams.length === 0) delete headers['if-none-match']
    if (body !== null && contentType !== undefined) headers['content-type'] = contentType
    return { method, url: query === '' ? path : `${path}?${query}`, auth, headers, body }
  })
}

// ---------------------------------------------------------------------------------------------
// Tokens

const nowSeconds = () => Math.floor(Date.now() / 1000)
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

function authorization(auth: Auth): string | undefined {
  switch (auth.kind) {
    case 'none':
      return undefined
    case 'raw':
      return auth.header
    case 'token':
      return `Bearer ${signToken({ sub: auth.sub, role: auth.role, org: auth.org }, TEST_SECRET, { nowSeconds: nowSeconds(), ttlSeconds: 3600 })}`
    case 'bad-token': {
      const claims = { sub: 'zhao.lei', role: 'department' as const, org: 'east-civil' }
      const good = signToken(claims, TEST_SECRET, { nowSeconds: nowSeconds(), ttlSeconds: 3600 })
      switch (auth.how) {
        case 'expired':
          return `Bearer ${signToken(claims, TEST_SECRET, { nowSeconds: nowSeconds() - 7200, ttlSeconds: 60 })}`
        case 'wrong-secret':
          return `Bearer ${signToken(claims, 'not-the-secret-but-long-enough', { nowSeconds: nowSeconds(), ttlSeconds: 3600 })}`
        case 'alg-none':
          return `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, role: 'admin', exp: nowSeconds() + 3600 })}.`
        case 'tampered': {
          const [h, , s] = good.split('.')
          return `Bearer ${h}.${b64({ ...claims, role: 'admin', iat: nowSeconds(), exp: nowSeconds() + 3600 })}.${s}`
        }
        case 'hs512': {
          const unsigned = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64({ ...claims, iat: nowSeconds(), exp: nowSeconds() + 3600 })}`
          return `Bearer ${unsigned}.${createHmac('sha512', TEST_SECRET).update(unsigned).digest('base64url')}`
        }
        case 'lowercase-bearer':
          return `bearer ${good}`
        case 'trailing-junk':
          return `Bearer ${good} junk`
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// What every response must satisfy

const LEAK_MARKERS = ['    at ', '.ts:', '.js:', 'select ', 'insert into', 'SQLITE_', 'syntax error at or near', 'duplicate key value', 'violates ', 'node_modules', 'knex']

interface Sent {
  method: string
  url: string
  headers: Record<string, string>
  body: Body | null
}

interface Violation {
  kind: string
  detail: string
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

function violations(sent: Sent, res: { statusCode: number; headers: Record<string, unknown>; body: string }): Violation[] {
  const out: Violation[] = []
  const ct = String(res.headers['content-type'] ?? '')
  if (res.statusCode >= 500) out.push({ kind: `status ${res.statusCode}`, detail: res.body.slice(0, 300) })
  if (res.statusCode >= 400) {
    if (!/^application\/problem\+json/.test(ct)) out.push({ kind: `error served as ${ct.split(';')[0] || '(no content-type)'}, not application/problem+json`, detail: res.body.slice(0, 300) })
    else if (sent.method !== 'HEAD') {
      let p: Record<string, unknown> | null = null
      try {
        p = JSON.parse(res.body) as Record<string, unknown>
      } catch {
        out.push({ kind: 'error body is not JSON', detail: res.body.slice(0, 300) })
      }
      if (p !== null) {
        const missing = ['type', 'title', 'detail'].filter((k) => typeof p![k] !== 'string')
        if (typeof p.status !== 'number' || p.status !== res.statusCode) missing.push('status')
        // Both languages always, and the one Content-Language names in title and detail.
        const both = (v: unknown) => ['zh', 'en'].every((l) => typeof (v as Record<string, unknown> | undefined)?.[l] === 'string' && (v as Record<string, string>)[l]!.length > 0)
        if (!both(p.titles) || !both(p.message)) missing.push('titles and message in zh and en')
        else {
          const language = res.headers['content-language'] === 'zh-CN' ? 'zh' : 'en'
          const { titles, message } = p as { titles: Record<string, string>; message: Record<string, string> }
          if (p.title !== titles[language] || p.detail !== message[language]) missing.push(`title and detail in ${res.headers['content-language']}`)
        }
        if (missing.length > 0) out.push({ kind: `problem without ${missing.join(', ')}`, detail: res.body.slice(0, 300) })
      }
    }
  }
  const requestText = [sent.url, safeDecode(sent.url), JSON.stringify(sent.headers), sent.body?.text ?? ''].join('\n')
  for (const marker of LEAK_MARKERS) {
    // An input echoed back in a message is not a leak; only what the request did not carry is.
    if (res.body.includes(marker) && !requestText.includes(marker)) out.push({ kind: `body contains ${JSON.stringify(marker)}`, detail: excerpt(res.body, marker) })
  }
  if (res.body.includes(TEST_SECRET)) out.push({ kind: 'body contains the JWT secret', detail: excerpt(res.body, TEST_SECRET) })
  if (res.headers['x-content-type-options'] !== 'nosniff') out.push({ kind: 'no x-content-type-options: nosniff', detail: `headers: ${Object.keys(res.headers).join(', ')}` })
  return out
}

function excerpt(body: string, marker: string): string {
  const at = body.indexOf(marker)
  return body.slice(Math.max(0, at - 150), at + 150)
}

/** The request as it can be replayed: bodies over 2 KiB as the recipe that rebuilds them. */
function describe(sent: Sent): string {
  const body =
    sent.body === null
      ? null
      : sent.body.text.length <= 2048
        ? { text: sent.body.text }
        : sent.body.recipe.length <= 4096
          ? { bytes: Buffer.byteLength(sent.body.text), rebuiltBy: sent.body.recipe }
          : { bytes: Buffer.byteLength(sent.body.text), sha256: createHash('sha256').update(sent.body.text).digest('hex'), head: sent.body.text.slice(0, 600), tail: sent.body.text.slice(-200) }
  const url = sent.url.length <= 2048 ? sent.url : `${sent.url.slice(0, 1500)}…(${sent.url.length} chars; full text in the dump file)`
  const headers = Object.fromEntries(Object.entries(sent.headers).map(([k, v]) => [k, v.length <= 600 ? v : `${v.slice(0, 120)}…(${v.length} chars)`]))
  return JSON.stringify({ method: sent.method, url, headers, body }, null, 2)
}

// ---------------------------------------------------------------------------------------------
// Setup: the demo tree plus a draft, an escalated and an admitted task, a burden report and a webhook

const task = {
  title: '协助开展社会救助困难排查与公示',
  targetLevel: 'community',
  targets: demoCommunities('east-s1'),
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条' }],
  funding: { perTarget: 8000, source: '区财政社会救助专项', committed: true },
  period: { start: '2027-03-01', end: '2027-12-31' },
  workloadHours: 120
}

async function fixtures(h: Harness): Promise<Fixtures> {
  const dept = h.auth('department', 'east-civil', 'zhao.lei')
  const post = async (url: string, headers: Record<string, string>, payload: Record<string, unknown>, state?: string) => {
    const res = await h.app.inject({ method: 'POST', url, headers, payload })
    if (res.statusCode >= 300 || (state !== undefined && res.json().state !== state)) throw new Error(`setup: POST ${url} answered ${res.statusCode} ${res.body}`)
    return res.json().id as string
  }
  const draft = await post('/v1/tasks', dept, task, 'draft')
  const admitted = await post('/v1/tasks', dept, { ...task, submit: true }, 'admitted')
  const escalated = await post('/v1/tasks', dept, { ...task, catalogItem: null, title: '协助开展社区养老服务需求调查', submit: true }, 'escalated')
  const report = await post('/v1/burden-reports', h.auth('community', 'east-s1-c1', 'east-s1-c1.staff'), {
    department: 'east-civil',
    what: '要求社区三日内上门核查辖区全部独居老人并填报统计表',
    askedOn: '2026-10-05',
    evidence: '区民政局工作群通知截图',
    relatedTaskId: admitted
  })
  const webhook = await post('/v1/webhooks', h.auth('office', 'east', 'office.east'), { url: 'https://example.org/zhunru-hook', events: ['*'], secret: 'a-shared-secret-of-16+' })
  const office = h.auth('office', 'east', 'office.east')
  const round = await post('/v1/evaluations', office, { period: '2026', departments: ['east-civil', 'east-housing'] })
  await post(`/v1/evaluations/${round}/events`, office, { type: 'START' })
  await h.app.inject({ method: 'PUT', url: `/v1/evaluations/${round}/ratings/east-civil`, headers: h.auth('community', 'east-s1-c1', 'east-s1-c1.staff'), payload: { value: 'satisfied' } })
  const council = h.auth('council', 'east-s1-c1', 'east-s1-c1.council')
  const staff = h.auth('community', 'east-s1-c1', 'east-s1-c1.staff')
  for (const sub of ['m01', 'm02', 'm03']) await h.app.inject({ method: 'POST', url: '/v1/councils/east-s1-c1/members', headers: staff, payload: { sub, name: sub, termStart: '2026-01-01', termEnd: '2030-12-31' } })
  const item = { origin: 'residents', title: '加装充电棚', text: '居民建议加装充电棚。' }
  const proposed = await post('/v1/deliberations', council, item, 'proposed')
  const inReview = await post('/v1/deliberations', council, item, 'proposed')
  await post(`/v1/deliberations/${inReview}/events`, council, { type: 'MOTION', track: 'major', trackReason: '重大', motion: '提议' }, 'committee_review')
  const deciding = await post('/v1/deliberations', council, item, 'proposed')
  await post(`/v1/deliberations/${deciding}/events`, council, { type: 'MOTION', track: 'general', trackReason: '一般', motion: '提议' }, 'committee_review')
  await post(`/v1/deliberations/${deciding}/events`, staff, { type: 'COMMITTEE_REVIEW', outcome: 'approved', opinion: '同意' }, 'council_resolution')
  return { tasks: [draft, escalated, admitted], reports: [report], webhooks: [webhook], evaluations: [round], deliberations: [proposed, inReview, deciding] }
}

// ---------------------------------------------------------------------------------------------

interface Failure {
  op: string
  index: number
  sent: Sent
  status: number
  /** The problem type or Fastify error code of the response, to tell causes apart. */
  code: string
  violations: Violation[]
}

/** The operation's path with real ids in it (the admitted task, the burden report, the webhook, a district). */
function realUrl(op: Operation, fx: Fixtures): string {
  return op.parameters
    .filter((p) => p.in === 'path')
    .reduce((url, p) => url.replace(`{${p.name}}`, pct(realPathValues(op.path, p.name, fx).at(-1) ?? String(resolve(p.schema).enum?.[0] ?? 'x'))), op.path)
}

/**
 * Signed tokens with edge cases in their claims (NUL, a lone surrogate and an RTL mark in the
 * longest sub allowed), each principal of the demo in turn, with a valid body and an Idempotency-Key: the
 * claims end up in every row that records who acted.
 */
function claimEdges(op: Operation, fx: Fixtures): FuzzRequest[] {
  const [value] = op.body === null ? [undefined] : fc.sample(valid(op.body, '', fx), { seed: SEED, numRuns: 1 })
  const edges: Array<(a: Extract<Auth, { kind: 'token' }>) => Auth> = [
    (a) => ({ ...a, sub: `${a.sub}\u0000` }),
    (a) => ({ ...a, org: `${a.org}\u0000` }),
    (a) => ({ ...a, sub: `\ud800${a.sub}\u202e${'x'.repeat(200 - a.sub.length - 2)}` })
  ]
  return REAL_PRINCIPALS.flatMap((principal, i) =>
    edges.map((edge, j): FuzzRequest => ({
      method: op.method,
      url: realUrl(op, fx),
      auth: edge(principal as Extract<Auth, { kind: 'token' }>),
      headers: { 'idempotency-key': `claims-${OPERATIONS.indexOf(op)}-${i}-${j}`, ...(value === undefined ? {} : { 'content-type': 'application/json' }) },
      body: value === undefined ? null : lit(json(value))
    }))
  )
}

const sizeOf = (s: Sent) => s.url.length + (s.body?.text.length ?? 0)

/** Requests every operation with a body gets, whatever the sample: the limit's edges and nesting depths. */
function boundaryBodies(op: Operation, fx: Fixtures): Body[] {
  if (op.body === null) return []
  const [v] = fc.sample(valid(op.body, '', fx), { seed: SEED, numRuns: 1 })
  const field = firstStringField(v, 'description')
  const [prefix, suffix] = around(v, field)
  const room = BODY_LIMIT - Buffer.byteLength(prefix) - Buffer.byteLength(suffix) - 2
  const string = (n: number) => fromRecipe(`${JSON.stringify(prefix + '"')} + 'x'.repeat(${n}) + ${JSON.stringify('"' + suffix)}`)
  const fit = (b: Body): Body => ({ ...b, limit: 'fit' })
  const over = (b: Body): Body => ({ ...b, limit: 'over' })
  return [
    fit(string(room)), // exactly 1 MiB
    over(string(room + 1)), // one byte over
    fit(fromRecipe(`'{"a":'.repeat(174000) + 'null' + '}'.repeat(174000)`)), // 1 044 004 bytes
    over(fromRecipe(`'{"a":'.repeat(175000) + 'null' + '}'.repeat(175000)`)), // 1 050 004 bytes
    fit(fromRecipe(`'['.repeat(524288) + ']'.repeat(524288)`)), // exactly 1 MiB
    over(fromRecipe(`'['.repeat(524289) + ']'.repeat(524289)`)),
    fit(fromRecipe(`'['.repeat(10000) + ']'.repeat(10000)`)),
    fit(fromRecipe(`'{"a":'.repeat(10000) + 'null' + '}'.repeat(10000)`)),
    // Prototype keys at the bottom of a deep document: the JSON parser's own scan for them must hold.
    fit(fromRecipe(`'{"a":'.repeat(100000) + '{"__proto__":{"x":1}}' + '}'.repeat(100000)`)),
    fit(fromRecipe(`'['.repeat(100000) + '{"constructor":{"prototype":{"x":1}}}' + ']'.repeat(100000)`)),
    // Around any nesting limit the server may set.
    ...[15, 16, 17, 31, 32, 33, 63, 64, 65].map((d) => fit(fromRecipe(`${JSON.stringify(prefix)} + '['.repeat(${d}) + ']'.repeat(${d}) + ${JSON.stringify(suffix)}`)))
  ]
}

/**
 * Fuzzes one shard of the operations: the document's operations in turn, every `of`-th from
 * `shard`. Each shard is a test file of its own, so tap runs them side by side and none nears
 * the per-file timeout as the document grows.
 */
export function fuzzShard(shard: number, of: number): void {
  t.test(`fuzz: hostile requests to the operations of openapi/openapi.json, shard ${shard + 1} of ${of}`, async (t) => {
    const started = Date.now()
    const h = await build(t)
    const fx = await fixtures(h)
    const mine = OPERATIONS.filter((_op, i) => i % of === shard)
    const operations = mine.filter((op) => ONLY === undefined || op.key === ONLY)
    if (ONLY !== undefined && operations.length === 0) return t.pass(`${ONLY} is in another shard`)
    t.ok(operations.length > 0, `operations under test: ${operations.length}`)

    const failures: Failure[] = []
    const statuses = new Map<number, number>()
    let sentCount = 0
    for (const op of operations) {
      const seed = (SEED ^ createHash('sha256').update(op.key).digest().readInt32BE(0)) | 0
      const sampled = fc.sample(requestArb(op, fx), { seed, numRuns: RUNS_PER_OPERATION })
      const department = `Bearer ${signToken({ sub: 'zhao.lei', role: 'department', org: 'east-civil' }, TEST_SECRET, { nowSeconds: nowSeconds(), ttlSeconds: 3600 })}`
      const fixed: FuzzRequest[] = [...claimEdges(op, fx), ...boundaryBodies(op, fx).flatMap((body): FuzzRequest[] => [
        { method: op.method, url: realUrl(op, fx), auth: { kind: 'none' }, headers: { 'content-type': 'application/json' }, body },
        { method: op.method, url: realUrl(op, fx), auth: { kind: 'raw', header: department }, headers: { 'content-type': 'application/json' }, body }
      ])]
      for (const [index, r] of [...sampled, ...fixed].entries()) {
        const headers = { ...r.headers }
        const authHeader = authorization(r.auth)
        if (authHeader !== undefined) headers.authorization = authHeader
        const sent: Sent = { method: r.method, url: r.url, headers, body: r.body }
        sentCount++
        try {
          const res = await h.app.inject({
            method: r.method as 'GET',
            url: r.url,
            headers,
            ...(r.body === null ? {} : { payload: r.body.text })
          })
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
          const found = violations(sent, res)
          const bytes = r.body === null ? 0 : Buffer.byteLength(r.body.text)
          if (r.body?.limit === 'fit' && (res.statusCode === 413 || bytes > BODY_LIMIT)) found.push({ kind: 'a body within the 1 MiB limit was refused as too large', detail: `${bytes} bytes: ${res.statusCode}` })
          if (r.body?.limit === 'over' && (res.statusCode !== 413 || bytes <= BODY_LIMIT)) found.push({ kind: 'a body over the 1 MiB limit was not refused with 413', detail: `${bytes} bytes: ${res.statusCode}` })
          const code = /"(?:code|type)":"([^"]+)"/.exec(res.body.slice(0, 500))?.[1] ?? ''
          if (found.length > 0) failures.push({ op: op.key, index, sent, status: res.statusCode, code, violations: found })
        } catch (err) {
          failures.push({ op: op.key, index, sent, status: 0, code: '', violations: [{ kind: 'inject rejected', detail: String(err) }] })
        }
      }
    }

    const seconds = (Date.now() - started) / 1000
    t.comment(`${sentCount} requests over ${operations.length} operations in ${seconds.toFixed(1)} s (seed ${SEED}, ${RUNS_PER_OPERATION} per operation)`)
    t.comment(`statuses: ${[...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`)
    if (ONLY === undefined) t.ok(sentCount >= 5000 / of, `at least ${5000 / of} requests (${sentCount})`)
    t.ok(mine.every((op) => operations.includes(op)) || ONLY !== undefined, 'every operation of this shard was fuzzed')

    // One failure per kind of violation, with the shortest request that shows it and every operation it hit.
    const groups = new Map<string, Failure[]>()
    for (const f of failures) {
      for (const v of f.violations) {
        const key = `${v.kind} [${f.status}${f.code ? ` ${f.code}` : ''}]`
        groups.set(key, [...(groups.get(key) ?? []), f])
      }
    }
    if (failures.length > 0) {
      const dump = join(tmpdir(), `zhunru-fuzz-failures-${SEED}.jsonl`)
      writeFileSync(dump, failures.map((f) => JSON.stringify({ op: f.op, index: f.index, status: f.status, violations: f.violations, method: f.sent.method, url: f.sent.url, headers: f.sent.headers, body: f.sent.body?.text ?? null })).join('\n') + '\n')
      t.comment(`${failures.length} failing requests; all of them, with exact bodies, in ${dump}`)
    }
    for (const [kind, list] of groups) {
      const smallest = [...list].sort((a, b) => sizeOf(a.sent) - sizeOf(b.sent))[0]!
      const perOp = new Map<string, number>()
      for (const f of list) perOp.set(f.op, (perOp.get(f.op) ?? 0) + 1)
      t.fail(`${kind}: ${list.length} requests`, {
        operations: Object.fromEntries(perOp),
        status: smallest.status,
        detail: smallest.violations.find((v) => kind.startsWith(`${v.kind} [`))?.detail,
        reproduce: `FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS_PER_OPERATION} FUZZ_ONLY="${smallest.op}" (${smallest.index < RUNS_PER_OPERATION ? 'generated' : 'fixed (claims or body limits)'} request #${smallest.index})`,
        request: describe(smallest.sent)
      })
    }
    t.equal(failures.length, 0, 'no 5xx, every error a problem, nothing leaked')
  })
}
