import { Ajv, type ErrorObject } from 'ajv'
import addFormats from 'ajv-formats'
import { calendarCovers } from '../calendar/working-days.js'
import { Problems, type InvalidParam } from '../platform/errors.js'
import type { Bilingual } from '../platform/language.js'
import { fieldName, reason } from '../platform/validation.js'
import { sourcesOf } from './citations.js'
import { packOf, PolicyPackFile, type PolicyPackFileT } from './pack-schema.js'
import { RULES } from './rules.js'
import { CATALOG_LISTS, RULE_CODES, TARGET_LEVELS, type PolicyPack } from './types.js'

/** One thing wrong with a pack: where (as the API names fields: levels.community.assisted_tasks[3].code) and why. */
export type PackError = InvalidParam

// Unlike a request body's validator, this one reports every error: a city fixes its file in one go.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true })
addFormats.default(ajv)
const validateSchema = ajv.compile<PolicyPackFileT>(PolicyPackFile)

function schemaErrors(errors: ErrorObject[]): PackError[] {
  const out = new Map<string, PackError>()
  for (const e of errors) {
    // An if/then/else reports its branch's errors and then itself; the branch's say what is wrong.
    if (e.keyword === 'if') continue
    const p = e.params as { missingProperty?: string; additionalProperty?: string }
    const field = fieldName(e.instancePath, p.missingProperty ?? p.additionalProperty) || '(pack)'
    const message = reason(e)
    out.set(`${field}\u0000${message.en}`, { field, message })
  }
  return [...out.values()]
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

function realDate(value: string): boolean {
  const [, y, m, d] = DATE.exec(value)!.map(Number)
  const day = new Date(0)
  day.setUTCFullYear(y!, m! - 1, d!)
  return day.getUTCFullYear() === y && day.getUTCMonth() === m! - 1 && day.getUTCDate() === d
}

const weekday = (value: string) => new Date(`${value}T00:00:00Z`).getUTCDay()

/** What the schema cannot say. `today` (China date) must be covered: the gate counts from it. */
export function semanticErrors(pack: PolicyPack, today: string): PackError[] {
  const errors: PackError[] = []
  const err = (field: string, zh: string, en: string) => errors.push({ field, message: { zh, en } })

  const sectors = new Map<string, number>()
  pack.sectors.forEach((s, i) => {
    if (sectors.has(s.code)) err(`sectors[${i}].code`, `与sectors[${sectors.get(s.code)}]重复`, `duplicates sectors[${sectors.get(s.code)}].code`)
    else sectors.set(s.code, i)
  })

  for (const level of TARGET_LEVELS) {
    const codes = new Map<string, string>()
    for (const list of CATALOG_LISTS) {
      pack.levels[level][list].forEach((item, i) => {
        const at = `levels.${level}.${list}[${i}]`
        const seen = codes.get(item.code)
        if (seen !== undefined) err(`${at}.code`, `“${item.code}”与${seen}重复：同一层级内的编号须唯一`, `"${item.code}" duplicates ${seen}: codes are unique within a target level`)
        else codes.set(item.code, `${at}.code`)
        if ('sector' in item && !sectors.has(item.sector)) err(`${at}.sector`, `“${item.sector}”不是sectors中的行业领域`, `"${item.sector}" is not a code of sectors`)
        if ('fundingStandard' in item && item.fundingStandard?.per === 'unit' && item.fundingStandard.unit === undefined) {
          err(`${at}.fundingStandard.unit`, '在per为unit时为必填项', 'is required when per is unit')
        }
      })
    }
  }

  const sourceIds = new Map<string, number>()
  ;(pack.sources ?? []).forEach((s, i) => {
    if (sourceIds.has(s.id)) err(`sources[${i}].id`, `与sources[${sourceIds.get(s.id)}]重复`, `duplicates sources[${sourceIds.get(s.id)}].id`)
    else sourceIds.set(s.id, i)
  })
  const known = new Set(sourcesOf(pack).map((s) => s.id))
  for (const rule of RULE_CODES) {
    const own = pack.ruleCitations?.[rule]
    ;(own ?? RULES[rule].citations).forEach((c, i) => {
      if (known.has(c.source)) return
      // A built-in rule cites the built-in table, which always answers: only the pack's own citations can miss.
      err(`ruleCitations.${rule}[${i}].source`, `“${c.source}”既不在sources中，也不在内置文献表中`, `"${c.source}" is neither in sources nor in the built-in table`)
    })
  }

  errors.push(...evaluationErrors(pack, known))
  // The council's rules cite their sources as the rules do; a share above the whole could never be met.
  for (const [name, rule] of Object.entries(pack.parameters.deliberation ?? {})) {
    const at = `parameters.deliberation.${name}`
    if (!known.has(rule.source.source)) err(`${at}.source.source`, `“${rule.source.source}”既不在sources中，也不在内置文献表中`, `"${rule.source.source}" is neither in sources nor in the built-in table`)
    if ('numerator' in rule && rule.numerator > rule.denominator) err(`${at}.numerator`, '不得大于分母', 'must not exceed the denominator')
  }

  const calendar = pack.calendar
  const years = new Map<number, number>()
  calendar.sources.forEach((s, i) => {
    if (years.has(s.year)) err(`calendar.sources[${i}].year`, `与calendar.sources[${years.get(s.year)}]重复`, `duplicates calendar.sources[${years.get(s.year)}].year`)
    else years.set(s.year, i)
  })
  const sorted = [...years.keys()].sort((a, b) => a - b)
  const gap = sorted.find((y, i) => i > 0 && y !== sorted[i - 1]! + 1)
  if (gap !== undefined) {
    const missing = sorted[sorted.indexOf(gap) - 1]! + 1
    err('calendar.sources', `缺少${missing}年：工作日历覆盖的年份须连续`, `lacks ${missing}: the years a calendar covers are consecutive`)
  }
  const span: Bilingual = sorted.length === 1 ? { zh: `${sorted[0]}`, en: `${sorted[0]}` } : { zh: `${sorted[0]}–${sorted.at(-1)}`, en: `${sorted[0]}–${sorted.at(-1)}` }
  const days = new Map<string, string>()
  for (const list of ['holidays', 'makeUpWorkdays'] as const) {
    calendar[list].forEach((day, i) => {
      const at = `calendar.${list}[${i}].date`
      if (!realDate(day.date)) return err(at, `${day.date}不是日历上的日期`, `${day.date} is no such date`)
      if (!years.has(Number(day.date.slice(0, 4)))) {
        return err(at, `${day.date}不在calendar.sources所列年份（${span.zh}年）之内`, `${day.date} is outside the years calendar.sources lists (${span.en})`)
      }
      const seen = days.get(day.date)
      if (seen !== undefined) return err(at, `与${seen}重复`, `duplicates ${seen}`)
      days.set(day.date, at)
      if (list === 'makeUpWorkdays' && weekday(day.date) % 6 !== 0) err(at, `${day.date}不是周六或周日：调休上班日是补上的周末`, `${day.date} is no Saturday or Sunday: a make-up working day is a weekend worked`)
    })
  }
  if (gap === undefined && !calendarCovers(calendar, today)) {
    err('calendar.sources', `须包含今年（${today.slice(0, 4)}年）：准入审查自今天起计算工作日`, `must include this year (${today.slice(0, 4)}): the gate counts working days from today`)
  }
  return errors
}

/** The two-way evaluation's parameters: level codes unique, some weight, citations known. */
function evaluationErrors(pack: PolicyPack, known: ReadonlySet<string>): PackError[] {
  const e = pack.parameters.evaluation
  if (e === undefined) return []
  const errors: PackError[] = []
  const err = (field: string, zh: string, en: string) => errors.push({ field, message: { zh, en } })
  if (e.scale.kind === 'levels') {
    const codes = new Map<string, number>()
    e.scale.levels.forEach((l, i) => {
      if (codes.has(l.code)) err(`parameters.evaluation.scale.levels[${i}].code`, `与levels[${codes.get(l.code)}]重复`, `duplicates levels[${codes.get(l.code)}].code`)
      else codes.set(l.code, i)
    })
  }
  if (Object.values(e.weights).every((w) => w === 0)) err('parameters.evaluation.weights', '不能全为0：总分按权重之和折算', 'must not all be 0: the total divides by their sum')
  for (const [key, basis] of Object.entries(e.basis)) {
    basis.refs.forEach((r, i) => {
      if (!known.has(r.source)) err(`parameters.evaluation.basis.${key}.refs[${i}].source`, `“${r.source}”既不在sources中，也不在内置文献表中`, `"${r.source}" is neither in sources nor in the built-in table`)
    })
  }
  return errors
}

export type PackValidation = { ok: true; file: PolicyPackFileT; pack: PolicyPack } | { ok: false; errors: PackError[] }

/** The schema, then (on a pack of the right shape) what it cannot say. */
export function validatePackFile(input: unknown, today: string): PackValidation {
  if (!validateSchema(input)) return { ok: false, errors: schemaErrors(validateSchema.errors!) }
  const pack = packOf(input)
  const errors = semanticErrors(pack, today)
  return errors.length === 0 ? { ok: true, file: input, pack } : { ok: false, errors }
}

/** Listed in a problem: the first hundred, which is more than any edit by hand breaks. */
export const MAX_LISTED_ERRORS = 100

export function invalidPack(errors: PackError[]) {
  const listed = errors.slice(0, MAX_LISTED_ERRORS) as [PackError, ...PackError[]]
  return Problems.validation(
    {
      zh: `政策包有${errors.length}处错误，首处在“${listed[0].field}”：${listed[0].message.zh}`,
      en: `the policy pack has ${errors.length} error(s), the first at ${listed[0].field}: ${listed[0].message.en}`
    },
    listed
  )
}
