import type { ErrorObject } from 'ajv'
import type { FastifyError } from 'fastify'
import { Problems, type Problem, type RequestPart } from './errors.js'
import type { Bilingual } from './language.js'

// "/targets/3" → "targets[3]", "/period/start" → "period.start": the names clients use.
export function fieldName(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter(Boolean)
  if (extra) parts.push(extra)
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '')
}

const TYPES_ZH: Record<string, string> = { string: '字符串', integer: '整数', number: '数字', boolean: '布尔值', array: '数组', object: '对象', null: 'null' }

const FORMATS_ZH: Record<string, string> = {
  date: '日期（YYYY-MM-DD）',
  'date-time': '带时区的日期时间（RFC 3339，如2027-03-01T09:00:00+08:00）',
  uuid: 'UUID',
  uri: 'URI'
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v))

/** What an enum, a const or a union of literals allows, listed: a client can fix the value without the document. */
export function mustBeOneOf(values: readonly unknown[]): Bilingual {
  if (values.length === 1) return { zh: `须为${show(values[0])}`, en: `must be ${show(values[0])}` }
  return { zh: `须为以下之一：${values.map(show).join('、')}`, en: `must be one of ${values.map(show).join(', ')}` }
}

/** The values of a union whose every branch is a literal (TypeBox's Union of Literals, Nullable of an Enum), else null. */
function literalsOf(branches: unknown): unknown[] | null {
  const values: unknown[] = []
  for (const b of branches as Array<{ const?: unknown; enum?: unknown[]; type?: unknown }>) {
    if ('const' in b) values.push(b.const)
    else if (Array.isArray(b.enum)) values.push(...b.enum)
    else if (b.type === 'null' && Object.keys(b).length === 1) values.push(null)
    else return null
  }
  return values
}

/** Why the value fails, in both languages: a predicate that follows the field's name. `event` names the events-body branch it failed in. */
export function reason(e: ErrorObject, event?: string): Bilingual {
  const p = e.params as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
  const en = e.message!
  switch (e.keyword) {
    case 'required':
      return event === undefined ? { zh: '为必填项', en: 'is required' } : { zh: `为${event}事件的必填项`, en: `is required with ${event}` }
    case 'additionalProperties':
      return event === undefined ? { zh: '不是本接口接受的字段', en: 'is not a known field' } : { zh: `不适用于${event}事件`, en: `does not go with ${event}` }
    case 'enum':
      return mustBeOneOf(p.allowedValues)
    case 'const':
      return mustBeOneOf([p.allowedValue])
    case 'anyOf':
      return mustBeOneOf(literalsOf(e.schema)!)
    case 'type':
      // A list of types (["string", "null"]) comes as an array.
      return { zh: `须为${String(p.type).split(',').map((t) => TYPES_ZH[t]).join('或')}`, en }
    case 'format':
      return { zh: `须为${FORMATS_ZH[p.format] ?? `符合“${p.format}”格式的值`}`, en }
    case 'minLength':
      return { zh: `长度不得少于${p.limit}个字符`, en }
    case 'maxLength':
      return { zh: `长度不得超过${p.limit}个字符`, en }
    case 'minimum':
      return { zh: `不得小于${p.limit}`, en }
    case 'maximum':
      return { zh: `不得大于${p.limit}`, en }
    case 'exclusiveMinimum':
      return { zh: `须大于${p.limit}`, en }
    case 'exclusiveMaximum':
      return { zh: `须小于${p.limit}`, en }
    case 'pattern':
      return { zh: `须匹配正则表达式“${p.pattern}”`, en }
    case 'minItems':
      return { zh: `不得少于${p.limit}项`, en }
    case 'maxItems':
      return { zh: `不得多于${p.limit}项`, en }
    case 'uniqueItems': {
      // ajv counts from 0, and names the pair in either order; both languages count as people do.
      const [a, b] = [Math.min(p.i, p.j) + 1, Math.max(p.i, p.j) + 1]
      return { zh: `不得含有重复项（第${a}项与第${b}项相同）`, en: `must not contain duplicates (items ${a} and ${b} are the same)` }
    }
    default:
      return { zh: `不符合接口的要求（${e.keyword}）`, en }
  }
}

/**
 * The one problem a schema violation becomes: allErrors is off, so ajv stops at the first field
 * that is wrong. A union ajv tried branch by branch reports each branch and then itself: when
 * every branch is a literal, the union is what the client got wrong, and its values are listed.
 */
export function validationProblem(err: FastifyError): Problem {
  const part = err.validationContext as RequestPart
  const errors = err.validation as ErrorObject[]
  const last = errors.at(-1)!
  const v = last.keyword === 'anyOf' && literalsOf(last.schema) !== null ? last : errors[0]!
  const p = v.params as { missingProperty?: string; additionalProperty?: string }
  // In one event's branch of an events body the field is wrong for that event, not in general.
  const event = (v.parentSchema as { properties?: { type?: { const?: string } } }).properties?.type?.const
  const field = fieldName(v.instancePath, p.missingProperty ?? p.additionalProperty) || part
  return Problems.invalid(field, reason(v, event), part)
}
