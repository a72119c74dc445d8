import t from 'tap'
import {
  addWorkingDays,
  calendarCovers,
  isWorkingDay,
  workingDaysBetween,
  type WorkingCalendar
} from '../src/calendar/working-days.js'
import { CHINA_WORKING_CALENDAR as CN } from '../src/policy/default-pack/calendar.js'

const DAY_MS = 86_400_000
const weekdayOf = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay()
const isValidDate = (date: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) === date

t.test('National Day 2025: the make-up Sunday counts, the holiday block does not', async (t) => {
  // From Fri 2025-09-26 (not counted):
  //   Sat 09-27 weekend ........................ –
  //   Sun 09-28 make-up workday (调休上班) ....... 1
  //   Mon 09-29 ................................ 2
  //   Tue 09-30 ................................ 3
  //   Wed 10-01 … Wed 10-08 国庆节、中秋节 ........ –
  //   Thu 10-09 ................................ 4
  //   Fri 10-10 ................................ 5
  t.equal(addWorkingDays(CN, '2025-09-26', 5), '2025-10-10')
  t.equal(addWorkingDays(CN, '2025-09-26', 1), '2025-09-28')
  t.equal(addWorkingDays(CN, '2025-09-30', 1), '2025-10-09')
  // Sat 10-11 is the second make-up day: 6 working days land on it.
  t.equal(addWorkingDays(CN, '2025-09-26', 6), '2025-10-11')
  t.equal(isWorkingDay(CN, '2025-09-28'), true)
  t.equal(isWorkingDay(CN, '2025-10-01'), false)
  t.equal(isWorkingDay(CN, '2025-10-08'), false)
  t.equal(isWorkingDay(CN, '2025-10-11'), true)
  t.equal(isWorkingDay(CN, '2025-10-12'), false)
})

t.test('Spring Festival 2025 with make-up Sun 26 Jan and Sat 8 Feb', async (t) => {
  // From Fri 2025-01-24 (not counted):
  //   Sat 01-25 weekend –, Sun 01-26 make-up 1, Mon 01-27 2,
  //   Tue 01-28 … Tue 02-04 春节 –, Wed 02-05 3, Thu 02-06 4, Fri 02-07 5,
  //   Sat 02-08 make-up 6
  t.equal(addWorkingDays(CN, '2025-01-24', 1), '2025-01-26')
  t.equal(addWorkingDays(CN, '2025-01-24', 3), '2025-02-05')
  t.equal(addWorkingDays(CN, '2025-01-24', 6), '2025-02-08')
  // Escalated on Mon 01-27, the last day before the break: 02-05 1, 02-06 2,
  // 02-07 3, Sat 02-08 (make-up) 4, Sun 02-09 weekend –, Mon 02-10 5.
  t.equal(addWorkingDays(CN, '2025-01-27', 4), '2025-02-08')
  t.equal(addWorkingDays(CN, '2025-01-27', 5), '2025-02-10')
  t.equal(isWorkingDay(CN, '2025-01-26'), true)
  t.equal(isWorkingDay(CN, '2025-01-29'), false)
  t.equal(isWorkingDay(CN, '2025-02-08'), true)
  t.equal(isWorkingDay(CN, '2025-02-09'), false)
})

t.test('a plain week and weekend', async (t) => {
  // Fri 2025-03-14 → Mon 03-17 (Sat/Sun skipped) → Fri 03-21 after 5.
  t.equal(addWorkingDays(CN, '2025-03-14', 1), '2025-03-17')
  t.equal(addWorkingDays(CN, '2025-03-14', 5), '2025-03-21')
  t.equal(addWorkingDays(CN, '2025-03-15', 1), '2025-03-17')
  t.equal(addWorkingDays(CN, '2025-03-10', 4), '2025-03-14')
  t.equal(isWorkingDay(CN, '2025-03-14'), true)
  t.equal(isWorkingDay(CN, '2025-03-15'), false)
  t.equal(isWorkingDay(CN, '2025-03-16'), false)
  t.equal(workingDaysBetween(CN, '2025-03-14', '2025-03-21'), 5)
})

t.test('n = 0 returns from, even on a holiday or weekend', async (t) => {
  t.equal(addWorkingDays(CN, '2025-03-14', 0), '2025-03-14')
  t.equal(addWorkingDays(CN, '2025-10-03', 0), '2025-10-03')
  t.equal(addWorkingDays(CN, '2025-03-15', 0), '2025-03-15')
})

t.test('workingDaysBetween counts from < d ≤ to', async (t) => {
  // 09-26 → 10-10: 09-28, 09-29, 09-30, 10-09, 10-10.
  t.equal(workingDaysBetween(CN, '2025-09-26', '2025-10-10'), 5)
  // Across the whole National Day block: only Thu 10-09.
  t.equal(workingDaysBetween(CN, '2025-09-30', '2025-10-09'), 1)
  t.equal(workingDaysBetween(CN, '2025-09-30', '2025-10-08'), 0)
  // Spring Festival 2025: Mon 01-27 → Wed 02-05 holds only 02-05.
  t.equal(workingDaysBetween(CN, '2025-01-27', '2025-02-05'), 1)
  t.equal(workingDaysBetween(CN, '2025-03-14', '2025-03-14'), 0)
  t.equal(workingDaysBetween(CN, '2025-03-21', '2025-03-14'), 0)
  // The two functions agree: between(from, add(from, n)) = n.
  for (let day = 0; day < 800; day += 3) {
    const from = new Date(Date.UTC(2025, 0, 1) + day * DAY_MS).toISOString().slice(0, 10)
    for (const n of [1, 5, 15, 30]) {
      const to = addWorkingDays(CN, from, n)
      if (workingDaysBetween(CN, from, to) !== n || !isWorkingDay(CN, to)) {
        t.fail(`${from} + ${n} working days = ${to}`)
      }
    }
  }
})

t.test('2026 follows 国办发明电〔2025〕7号', async (t) => {
  t.equal(isWorkingDay(CN, '2026-01-02'), false)
  t.equal(isWorkingDay(CN, '2026-01-04'), true) // Sun, make-up
  t.equal(isWorkingDay(CN, '2026-02-14'), true) // Sat, make-up
  t.equal(isWorkingDay(CN, '2026-02-23'), false) // Mon, last day of 春节
  t.equal(isWorkingDay(CN, '2026-02-24'), true)
  t.equal(isWorkingDay(CN, '2026-02-28'), true) // Sat, make-up
  t.equal(isWorkingDay(CN, '2026-06-19'), false) // 端午节
  t.equal(isWorkingDay(CN, '2026-09-25'), false) // 中秋节
  t.equal(isWorkingDay(CN, '2026-09-20'), true) // Sun, make-up
  t.equal(isWorkingDay(CN, '2026-10-10'), true) // Sat, make-up
  // Fri 2026-02-13 + 1: Sat 02-14 is a make-up day.
  t.equal(addWorkingDays(CN, '2026-02-13', 1), '2026-02-14')
  // From Sat 02-14: 02-15 … 02-23 off; Tue 02-24 is the first working day.
  t.equal(addWorkingDays(CN, '2026-02-14', 1), '2026-02-24')
  const source = CN.sources.find((s) => s.year === 2026)
  t.equal(source?.provisional, false)
  t.match(source?.source, /国办发明电〔2025〕7号/)
})

t.test('2027 is a provisional estimate on the correct lunar dates', async (t) => {
  const source = CN.sources.find((s) => s.year === 2027)
  t.equal(source?.provisional, true)
  t.match(source?.source, /估算/)
  t.equal(CN.sources.find((s) => s.year === 2025)?.provisional, false)
  // 除夕 2027-02-05, 春节 02-06, 清明 04-05, 端午 06-09, 中秋 09-15 are all holidays.
  for (const [date, name] of [
    ['2027-02-05', '春节'], ['2027-02-06', '春节'], ['2027-04-05', '清明节'],
    ['2027-06-09', '端午节'], ['2027-09-15', '中秋节'], ['2027-10-01', '国庆节']
  ]) {
    t.equal(CN.holidays.find((h) => h.date === date)?.name, name, date)
  }
  t.equal(isWorkingDay(CN, '2027-06-08'), true)
  t.equal(isWorkingDay(CN, '2027-06-10'), true)
})

t.test('the calendar data is consistent', async (t) => {
  const years = new Set(CN.sources.map((s) => s.year))
  t.equal(years.size, CN.sources.length, 'one source per year')
  for (const year of [2025, 2026, 2027]) t.ok(years.has(year), `${year} covered`)
  for (const s of CN.sources) t.ok(s.source.length > 0, `${s.year} names its source`)

  const holidayDates = new Set(CN.holidays.map((h) => h.date))
  const makeUpDates = new Set(CN.makeUpWorkdays.map((m) => m.date))
  t.equal(holidayDates.size, CN.holidays.length, 'no holiday listed twice')
  t.equal(makeUpDates.size, CN.makeUpWorkdays.length, 'no make-up day listed twice')

  for (const entry of [...CN.holidays, ...CN.makeUpWorkdays]) {
    if (!isValidDate(entry.date)) t.fail(`invalid date ${entry.date}`)
    if (!years.has(Number(entry.date.slice(0, 4)))) t.fail(`${entry.date} outside the sourced years`)
    if (entry.name.length === 0) t.fail(`${entry.date} has no name`)
  }
  for (const date of holidayDates) {
    if (makeUpDates.has(date)) t.fail(`${date} is both a holiday and a make-up workday`)
  }
  for (const date of makeUpDates) {
    const weekday = weekdayOf(date)
    if (weekday !== 0 && weekday !== 6) t.fail(`make-up workday ${date} is not a Saturday or Sunday`)
    t.equal(isWorkingDay(CN, date), true, `${date} is worked`)
  }
  for (const date of holidayDates) {
    if (isWorkingDay(CN, date)) t.fail(`holiday ${date} is a working day`)
  }
  const sorted = (dates: string[]): boolean => dates.every((d, i) => i === 0 || dates[i - 1] < d)
  t.ok(sorted(CN.holidays.map((h) => h.date)), 'holidays in date order')
  t.ok(sorted(CN.makeUpWorkdays.map((m) => m.date)), 'make-up days in date order')
  t.same(JSON.parse(JSON.stringify(CN)), CN, 'plain JSON data')
})

t.test('each year nets exactly the 13 statutory days (全国年节及纪念日放假办法, 2024)', async (t) => {
  for (const { year } of CN.sources) {
    const weekdayHolidays = CN.holidays.filter((h) => h.date.startsWith(`${year}-`) && weekdayOf(h.date) % 6 !== 0).length
    const makeUps = CN.makeUpWorkdays.filter((m) => m.date.startsWith(`${year}-`)).length
    t.equal(weekdayHolidays - makeUps, 13, `${year}`)
  }
  // 2025 had 248 working days; cross-check through workingDaysBetween.
  t.equal(workingDaysBetween(CN, '2024-12-31', '2025-12-31'), 248)
  t.equal(workingDaysBetween(CN, '2025-12-31', '2026-12-31'), 248)
})

t.test('calendarCovers', async (t) => {
  t.equal(calendarCovers(CN, '2025-06-01'), true)
  t.equal(calendarCovers(CN, '2027-12-31'), true)
  t.equal(calendarCovers(CN, '2024-12-31'), false)
  t.equal(calendarCovers(CN, '2028-01-01'), false)
  // Uncovered years fall back to plain Monday–Friday.
  t.equal(isWorkingDay(CN, '2028-01-03'), true)
  t.equal(isWorkingDay(CN, '2028-01-01'), false)
})

t.test('weekdays are taken from the date string in UTC, whatever the data', async (t) => {
  const empty: WorkingCalendar = { holidays: [], makeUpWorkdays: [], sources: [] }
  t.equal(isWorkingDay(empty, '1970-01-01'), true) // Thursday
  t.equal(isWorkingDay(empty, '1969-12-28'), false) // Sunday, before the epoch
  t.equal(isWorkingDay(empty, '0050-03-01'), true) // Monday, proleptic Gregorian
  t.equal(addWorkingDays(empty, '0099-12-31', 1), '0100-01-01')
  t.equal(addWorkingDays(empty, '2024-02-28', 1), '2024-02-29')
  t.equal(workingDaysBetween(empty, '2025-01-01', '2025-12-31'), 260)
  t.equal(calendarCovers(empty, '2025-01-01'), false)
})

t.test('bad input is refused', async (t) => {
  for (const date of ['2025-02-29', '2025-13-01', '2025-00-10', '2025-1-1', '20250101', '', '2025-01-01T00:00']) {
    t.throws(() => isWorkingDay(CN, date), RangeError, JSON.stringify(date))
  }
  t.throws(() => calendarCovers(CN, '2025-02-30'), RangeError)
  t.throws(() => workingDaysBetween(CN, '2025-01-01', 'soon'), RangeError)
  for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => addWorkingDays(CN, '2025-01-01', n), RangeError, String(n))
  }
  t.throws(() => addWorkingDays(CN, '9999-12-31', 1), RangeError)
  const broken: WorkingCalendar = { holidays: [{ date: '2025-02-30', name: 'x' }], makeUpWorkdays: [], sources: [] }
  t.throws(() => isWorkingDay(broken, '2025-01-01'), RangeError)
})
