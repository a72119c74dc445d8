// Working-day arithmetic over an official holiday calendar (放假调休安排).
//
// A date is a plain 'YYYY-MM-DD' string naming a civil day. Weekdays are
// computed in UTC from that string, never from the local time zone, so the
// answer is the same on every server. Nothing here reads the clock or does I/O.
//
// A working day is Monday to Friday unless the calendar lists it as a holiday;
// a Saturday or Sunday is a working day only when the calendar lists it as a
// make-up workday (调休上班日). Years missing from `sources` fall back to plain
// Monday–Friday in addWorkingDays: the gate counts with `countWorkingDays`, which stops
// where the calendar does instead of guessing (src/policy/dates.ts).

export interface CalendarDay {
  date: string
  name: string
}

export interface CalendarSource {
  year: number
  source: string
  provisional: boolean
}

export interface WorkingCalendar {
  holidays: CalendarDay[]
  makeUpWorkdays: CalendarDay[]
  sources: CalendarSource[]
}

const DAY_MS = 86_400_000
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/

// Days since 1970-01-01 (UTC) of a valid 'YYYY-MM-DD'; throws RangeError otherwise.
function toDayNumber (date: string): number {
  const match = DATE_PATTERN.exec(date)
  if (match === null) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`)
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  const instant = new Date(0)
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 onto 1900–1999.
  instant.setUTCFullYear(year, month - 1, day)
  if (instant.getUTCFullYear() !== year || instant.getUTCMonth() !== month - 1 || instant.getUTCDate() !== day) {
    throw new RangeError(`no such date: ${date}`)
  }
  return instant.getTime() / DAY_MS
}

function fromDayNumber (dayNumber: number): string {
  const instant = new Date(dayNumber * DAY_MS)
  const year = instant.getUTCFullYear()
  if (year > 9999) throw new RangeError('date beyond 9999-12-31')
  const pad = (value: number, width: number): string => String(value).padStart(width, '0')
  return `${pad(year, 4)}-${pad(instant.getUTCMonth() + 1, 2)}-${pad(instant.getUTCDate(), 2)}`
}

interface DaySets {
  holidays: Set<number>
  makeUp: Set<number>
}

function daySets (calendar: WorkingCalendar): DaySets {
  return {
    holidays: new Set(calendar.holidays.map((entry) => toDayNumber(entry.date))),
    makeUp: new Set(calendar.makeUpWorkdays.map((entry) => toDayNumber(entry.date)))
  }
}

function isWorking (sets: DaySets, dayNumber: number): boolean {
  // 1970-01-01 was a Thursday: day 0 → 4.
  const weekday = (((dayNumber + 4) % 7) + 7) % 7
  if (weekday === 0 || weekday === 6) return sets.makeUp.has(dayNumber)
  return !sets.holidays.has(dayNumber)
}

export function isWorkingDay (calendar: WorkingCalendar, date: string): boolean {
  return isWorking(daySets(calendar), toDayNumber(date))
}

// The date n working days after `from` (`from` itself is not counted; n = 0 gives `from`).
export function addWorkingDays (calendar: WorkingCalendar, from: string, n: number): string {
  let dayNumber = toDayNumber(from)
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`)
  const sets = daySets(calendar)
  let remaining = n
  while (remaining > 0) {
    dayNumber += 1
    if (isWorking(sets, dayNumber)) remaining -= 1
  }
  return fromDayNumber(dayNumber)
}

// How many working days d satisfy from < d ≤ to (0 when to ≤ from).
export function workingDaysBetween (calendar: WorkingCalendar, from: string, to: string): number {
  const start = toDayNumber(from)
  const end = toDayNumber(to)
  const sets = daySets(calendar)
  let count = 0
  for (let dayNumber = start + 1; dayNumber <= end; dayNumber += 1) {
    if (isWorking(sets, dayNumber)) count += 1
  }
  return count
}

// Whether the calendar has an arrangement (official or provisional) for the date's year.
export function calendarCovers (calendar: WorkingCalendar, date: string): boolean {
  toDayNumber(date)
  const year = Number(date.slice(0, 4))
  return calendar.sources.some((entry) => entry.year === year)
}

/**
 * `addWorkingDays` that never counts a day of a year the calendar does not cover: when the
 * count would walk into one, `covered` is false and `date` is the first such day (the answer
 * lies on or after it). `from` itself must be covered.
 */
export function countWorkingDays (calendar: WorkingCalendar, from: string, n: number): { date: string; covered: boolean } {
  if (!calendarCovers(calendar, from)) return { date: from, covered: false }
  const years = new Set(calendar.sources.map((entry) => entry.year))
  const sets = daySets(calendar)
  let dayNumber = toDayNumber(from)
  let remaining = n
  while (remaining > 0) {
    dayNumber += 1
    const date = fromDayNumber(dayNumber)
    if (!years.has(Number(date.slice(0, 4)))) return { date, covered: false }
    if (isWorking(sets, dayNumber)) remaining -= 1
  }
  return { date: fromDayNumber(dayNumber), covered: true }
}
