/** Deadlines are counted in China Standard Time (UTC+8, no daylight saving): the calendar date there. */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10)
}
