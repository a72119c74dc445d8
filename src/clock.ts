/** Deadlines are counted in China Standard Time (UTC+8, no daylight saving): the calendar date there. */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10)
}

/** The calendar date n days after a YYYY-MM-DD date. */
export function addCalendarDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
}
