// The "City size" section of bench/results.md, from bench/results-city.json (one run per database).

import type { CityRun } from './city.js'

const n = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })

/** Targets of issue 11, item 5. */
const P99_LIMIT_MS = 100

/** Throughput for each core the server had: other work on the machine took the rest. */
const perCore = (r: { rps: number; cpu: { server: number | null } }) => (r.cpu.server ? n(r.rps / r.cpu.server, 0) : '—')
const RATIO_LIMIT = 1.5

export function renderCity(all: Record<string, CityRun>): string {
  const lines: string[] = ['## City size (issue 11, item 5)', '']
  lines.push(
    'Built through the HTTP API by `npm run bench:city` (bench/city.ts, bench/lib/city.ts; also run at the end of `npm run bench`): 10 districts, 100 streets, 40 departments (4 of the city, 36 of the districts), ' +
      'and 400 communities with 2,000 admitted tasks, or 4,000 communities with 20,000. Three tasks in four name one community, most others a few or part of a street, one in a hundred a whole street; ' +
      'each district department also sends one task to its whole district and two city departments one to the whole city. Periods in 2027, 6,000–30,000 yuan per community; ' +
      'one community in ten says whether the money arrived, one in twenty files a burden report. Reads use the window 2027-01-01…2027-12-31 and the default page (50).',
    ''
  )
  for (const [dialect, run] of Object.entries(all)) {
    const [small, large] = [run.shapes.find((s) => s.shape.tasks === 2000), run.shapes.find((s) => s.shape.tasks === 20000)]
    const c = run.config as Record<string, unknown>
    lines.push(`### ${dialect}`, '')
    lines.push(
      `Run ${run.date}, commit ${run.commit.slice(0, 12)}, ${String(run.machine.database)}; ${String(run.machine.cpus)} CPUs, load average ${JSON.stringify(run.machine.loadAverageAtStart)} → ${JSON.stringify(run.machine.loadAverageAtEnd)}. ` +
        `autocannon, ${String(c.connections)} connections, ${String(c.warmupSeconds)} s warm-up, ${String(c.seconds)} s measured. ` +
        `Seeded: ${large ? `${n(large.seeding.tasks, 0)} tasks on ${n(large.seeding.targets, 0)} targets, ${n(large.seeding.confirmations, 0)} funding words, ${n(large.seeding.reports, 0)} reports in ${n(large.seeding.seconds)} s` : '—'}` +
        `${small ? `; ${n(small.seeding.tasks, 0)} tasks on ${n(small.seeding.targets, 0)} targets in ${n(small.seeding.seconds)} s` : ''}.`,
      ''
    )
    lines.push(
      '| read | p50 / p99 ms at 400 | p50 / p99 ms at 4,000 | p99 ≤ 100 ms | p99 ratio 4,000 / 400 (≤ 1.5) | req/s at 4,000 | body at 4,000 | cold p50 / max ms at 400 | cold p50 / max ms at 4,000 |',
      '|---|---:|---:|---|---:|---:|---:|---:|---:|'
    )
    for (const name of Object.keys(large?.reads ?? small?.reads ?? {})) {
      const a = small?.reads[name]
      const b = large?.reads[name]
      const ratio = a && b ? Math.round((b.latencyMs.p99 / Math.max(a.latencyMs.p99, 1)) * 100) / 100 : null
      const p99ok = [a, b].every((r) => r === undefined || r.latencyMs.p99 <= P99_LIMIT_MS)
      const bad = [a, b].some((r) => r !== undefined && r.non2xx + r.errors + r.timeouts > 0)
      lines.push(
        `| ${name} | ${a ? `${n(a.latencyMs.p50)} / ${n(a.latencyMs.p99)}` : '—'} | ${b ? `${n(b.latencyMs.p50)} / ${n(b.latencyMs.p99)}` : '—'} | ${p99ok ? '**met**' : '**missed**'}${bad ? ' (**errors**)' : ''} | ` +
          `${ratio === null ? '—' : `${n(ratio, 2)} × ${ratio <= RATIO_LIMIT ? '**met**' : '**missed**'}`} | ${b ? n(b.rps) : '—'} | ${b ? `${n(b.bytes / 1024)} KB` : '—'} | ` +
          `${small?.cold[name] ? `${n(small.cold[name]!.p50)} / ${n(small.cold[name]!.max)}` : '—'} | ${large?.cold[name] ? `${n(large.cold[name]!.p50)} / ${n(large.cold[name]!.max)}` : '—'} |`
      )
    }
    lines.push('')
    const cr = run.creation
    lines.push(
      `Creation (POST /v1/tasks {…, submit: true}, 50 connections, ${String(c.creationSeconds)} s each, demo city), this build ${cr.commit.slice(0, 12)}` +
        (cr.baseCommit ? ` and the baseline ${cr.baseCommit.slice(0, 12)}, alternated in the same run` : '') +
        `: ${cr.rounds
          .map((r, i) => `round ${i + 1} ${n(r.after.rps)} req/s (${perCore(r.after)} per server core; p99 ${n(r.after.latencyMs.p99)} ms; other work ${n(r.after.cpu.other, 2)} cores)${r.before ? ` vs ${n(r.before.rps)} req/s (${perCore(r.before)} per core; p99 ${n(r.before.latencyMs.p99)} ms; other ${n(r.before.cpu.other, 2)})` : ''}`)
          .join('; ')}. Mean ${n(cr.afterRps)}${cr.beforeRps !== null ? ` vs ${n(cr.beforeRps)} req/s (${n(cr.afterRps / cr.beforeRps, 3)} ×)` : ' req/s'}.`,
      ''
    )
  }
  lines.push(
    'Cold: a new admitted task is written first (it moves every data mark, so nothing kept is reused), then each read is asked once, in turn, on one connection. ' +
      'Warm figures reuse an area’s totals and the department statistics kept against the data mark (src/platform/data-mark.ts) as long as nothing was written.',
    ''
  )
  return lines.join('\n')
}
