import { calendarCovers, countWorkingDays, type WorkingCalendar } from '../calendar/working-days.js'
import { Problem, Problems, problemType, type InvalidParam } from '../platform/errors.js'
import type { Bilingual } from '../platform/language.js'

/** The first and last year the pack's working-day calendar has an arrangement for (its years are consecutive). */
export function coveredYears(calendar: WorkingCalendar): { first: number; last: number } {
  const years = calendar.sources.map((s) => s.year)
  return { first: Math.min(...years), last: Math.max(...years) }
}

/** The covered years as people write them: 2025–2027, or 2025、2027 (zh) / 2025, 2027 where a pack stored before packs were validated skips one. */
export function yearsText(calendar: WorkingCalendar): Bilingual {
  const years = [...new Set(calendar.sources.map((s) => s.year))].sort((a, b) => a - b)
  const runs: string[] = []
  for (let i = 0; i < years.length; ) {
    let j = i
    while (j + 1 < years.length && years[j + 1] === years[j]! + 1) j++
    runs.push(i === j ? `${years[i]}` : `${years[i]}–${years[j]}`)
    i = j + 1
  }
  return { zh: runs.join('、'), en: runs.join(', ') }
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
 * also caps every period and window at the calendar's span. Each year is asked for itself:
 * a pack that skipped a year would otherwise have its days counted as plain weekdays.
 */
export function checkCoveredDates(calendar: WorkingCalendar, dates: readonly DateField[]): void {
  const years = yearsText(calendar)
  const invalid: InvalidParam[] = dates
    .filter((d) => !calendarCovers(calendar, d.value))
    .map((d) => ({
      field: d.field,
      message: { zh: `须在${years.zh}年之内，即政策包工作日历覆盖的年份`, en: `must lie in ${years.en}, the years the policy pack's working-day calendar covers` }
    }))
  if (invalid.length > 0) {
    const [head, ...rest] = invalid
    const fields = invalid.map((i) => i.field)
    throw Problems.validation(
      {
        zh: `${fields.map((f) => `字段“${f}”`).join('、')}超出政策包覆盖的年份（${years.zh}年）`,
        en: `${fields.join(', ')}: outside the years the policy pack covers (${years.en})`
      },
      [head!, ...rest]
    )
  }
}

/**
 * The gate's own working-day arithmetic (deadlines, lead times) starts from today. When the
 * pack's calendar has no arrangement for today, or the count runs past its last year, the
 * answer would be a guess: the request is refused with 503 until an administrator publishes a
 * pack whose calendar covers the year (zhunru pack publish). The client did nothing wrong, and
 * nothing it could change would help, so it is no 4xx; the calendar for a year is published by
 * the State Council around the November before, which leaves time to publish it in the pack.
 */
export function calendarNotCovered(calendar: WorkingCalendar, what: Bilingual, date: string): Problem {
  const years = yearsText(calendar)
  const year = date.slice(0, 4)
  return new Problem(
    503,
    problemType('calendar-not-covered'),
    { zh: '政策包工作日历未覆盖该日期', en: 'The policy pack’s calendar does not cover the date' },
    {
      zh: `${what.zh}需计算至${date}，而政策包的工作日历只覆盖${years.zh}年；须由管理员发布含${year}年工作日历的政策包（zhunru pack publish）`,
      en: `${what.en} must be counted to ${date}, but the policy pack's working-day calendar covers only ${years.en}; an administrator must publish a pack whose calendar covers ${year} (zhunru pack publish)`
    },
    { extensions: { field: 'calendar', coveredYears: years.en } }
  )
}

/** n working days after `from` (today, or a day the gate counts from), never guessed: see calendarNotCovered. */
export function workingDaysAfter(calendar: WorkingCalendar, from: string, n: number, what: Bilingual): string {
  const { date, covered } = countWorkingDays(calendar, from, n)
  if (!covered) throw calendarNotCovered(calendar, what, date)
  return date
}

/** Screening counts the lead time from today: a today the calendar does not cover is refused, not guessed (see calendarNotCovered). */
export function checkToday(calendar: WorkingCalendar, today: string): void {
  if (!calendarCovers(calendar, today)) throw calendarNotCovered(calendar, { zh: '申请提前期（自今天起）', en: 'the application lead time (from today)' }, today)
}
