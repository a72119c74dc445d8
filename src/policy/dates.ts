import type { WorkingCalendar } from '../calendar/working-days.js'
import { Problems, type InvalidParam } from '../platform/errors.js'

/** The first and last year the pack's working-day calendar has an arrangement for. */
export interface CoveredYears {
  first: number
  last: number
}

export function coveredYears(calendar: WorkingCalendar): CoveredYears {
  const years = calendar.sources.map((s) => s.year)
  return { first: Math.min(...years), last: Math.max(...years) }
}

export interface DateField {
  /** The name the client used ("period.end", "deliverables[2].due", "from"). */
  field: string
  value: string
}

/**
 * Every date the API accepts lies in a year the policy pack's calendar covers. Outside
 * them working days cannot be counted, and a far date (year 9999) once made the ledger's
 * month walk run forever and a contract's due date wrap past the year 10000. The bound
 * also caps every period and window at the calendar's span.
 */
export function checkCoveredDates(calendar: WorkingCalendar, dates: readonly DateField[]): void {
  const { first, last } = coveredYears(calendar)
  const invalid: InvalidParam[] = dates
    .filter((d) => {
      const year = Number(d.value.slice(0, 4))
      return !(year >= first && year <= last)
    })
    .map((d) => ({
      field: d.field,
      message: { zh: `须在${first}–${last}年之间，即政策包工作日历覆盖的年份`, en: `must lie in ${first}–${last}, the years the policy pack's working-day calendar covers` }
    }))
  if (invalid.length > 0) {
    const [head, ...rest] = invalid
    const fields = invalid.map((i) => i.field)
    throw Problems.validation(
      {
        zh: `${fields.map((f) => `字段“${f}”`).join('、')}超出政策包覆盖的年份（${first}–${last}年）`,
        en: `${fields.join(', ')}: outside the years the policy pack covers (${first}–${last})`
      },
      [head!, ...rest]
    )
  }
}
