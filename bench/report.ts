// The Markdown table of a benchmark run (bench/results.md).

import type { LoadResult } from './lib/load.js'
import type { ReadSize, Results } from './run.js'

const n = (x: number | null | undefined, digits = 0): string =>
  x === null || x === undefined ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })
const x = (r: number | null | undefined): string => (r === null || r === undefined ? '—' : `${n(r, 3)} ×`)
const yes = (met: boolean | null): string => (met === null ? 'not measured' : met ? '**met**' : '**missed**')

function loadRow(name: string, r: LoadResult | undefined, extra = ''): string {
  if (!r) return `| ${name} | — | — | — | — | failed or not run | — | ${extra} |`
  const bad = r.non2xx + r.errors + r.timeouts
  const cpu = `${n(r.cpu.server, 2)} / ${n(r.cpu.loadGenerator, 2)}${r.cpu.database !== undefined ? ` / db ${n(r.cpu.database, 2)}` : ''} / ${n(r.cpu.other, 2)}`
  const retried = r.retriedForNoise ? ` (measured again ${r.retriedForNoise}× for noise)` : ''
  return `| ${name} | ${n(r.rps, 1)} | ${n(r.latencyMs.p50, 1)} | ${n(r.latencyMs.p99, 1)} | ${n(r.latencyMs.max, 1)} | ${n(r.ok)} 2xx${bad ? `, **${bad} not 2xx/errors**` : ''} | ${cpu}${retried} | ${extra} |`
}

const isSize = (s: unknown): s is ReadSize => typeof s === 'object' && s !== null && 'list' in s

export function renderMarkdown(r: Results): string {
  const m = r.machine as Record<string, unknown>
  const c = r.config as Record<string, unknown>
  const lines: string[] = []
  lines.push(`# zhunru benchmark (${String(c.dialect)})`, '')
  lines.push(`Run ${r.date} with \`${r.command}\` (${r.durationSeconds ?? '?'} s in all).`, '')
  lines.push(
    `Machine: ${String(m.cpus)} CPUs (${String(m.cpuModel)}), ${String(m.memoryGb)} GB, ${String(m.platform)}, Node ${String(m.node)}, ${String(m.database)}. ` +
      `Commit ${String(m.gitCommit ?? '?').slice(0, 12)}` +
      (Array.isArray(m.uncommittedChangesInSrc) && m.uncommittedChangesInSrc.length
        ? ` plus uncommitted changes (${(m.uncommittedChangesInSrc as string[]).join('; ')})`
        : '') +
      `. Load average at start ${JSON.stringify(m.loadAverageAtStart)}, at end ${JSON.stringify(m.loadAverageAtEnd)} (other work on the machine competes for the CPUs).`,
    ''
  )
  lines.push(
    `Each HTTP figure: autocannon, ${String(c.connections)} connections, ${String(c.warmupSeconds)} s warm-up then ${String(c.seconds)} s measured, ` +
      'load generator and server on the same machine. Throughput counts 2xx responses only. ' +
      'The CPU column is the average number of cores busy during the measured window, from /proc: the server process, autocannon (this process), and everything else ' +
      '(with PostgreSQL, the backends serving the benchmark database are shown apart as "db"; anything else is other work on the machine, which makes a figure pessimistic).',
    ''
  )

  lines.push('## Targets', '', '| target | measured | result |', '|---|---|---|')
  for (const t of r.targets) lines.push(`| ${t.target} | ${t.measured} | ${yes(t.met)}${t.noisy ? ' (other work shared the CPUs: see Noise)' : ''} |`)
  lines.push('')

  lines.push('## Write path', '', '| measurement | req/s | p50 ms | p99 ms | max ms | responses | CPU cores server / autocannon / other | notes |', '|---|---:|---:|---:|---:|---|---|---|')
  lines.push(loadRow('ceiling A: bare Fastify, constant', r.ceilingA))
  lines.push(loadRow('ceiling B: bare Fastify, one knex insert', r.ceilingB, r.ceilingB ? `${n(r.ceilingB.rowsStored)} rows stored` : ''))
  const s = r.submit
  lines.push(
    loadRow(
      'submit: POST /v1/tasks {…, submit: true}',
      s,
      s
        ? `${x(s.ratios.toCeilingA)} A, ${x(s.ratios.toCeilingB)} B; stored ${n(s.consistency.tasksStored)} tasks / ${n(s.consistency.eventsStored)} events for ${n(s.consistency.acknowledged)} acknowledged (+${n(s.consistency.inFlightAtEnd)} in flight at the end)${s.consistency.ok ? ', all admitted, 2 events each' : ', **inconsistent**'}`
        : ''
    )
  )
  lines.push('')

  const rd = r.reads
  lines.push('## Reads', '')
  if (rd) {
    lines.push(`- list: \`${rd.queries.list}\``, `- list by target: \`${rd.queries.listByTarget}\``, `- get: \`${rd.queries.get}\``, '')
    lines.push(`Rows replicated from ${rd.templates.length} tasks created through the API: ${rd.templates.map((t) => `${t.label} → ${t.state}`).join('; ')}.`, '')
    lines.push('| tasks in database | query | req/s | p50 ms | p99 ms | max ms | responses | CPU cores server / autocannon / other | notes |', '|---:|---|---:|---:|---:|---:|---|---|---|')
    for (const size of [rd.small, rd.large]) {
      if (isSize(size)) {
        const note = `db ${size.databaseBytes === null ? '?' : n(size.databaseBytes / 1024 ** 2, 0)} MB; seeded ${n(size.seeding.added)} in ${n(size.seeding.seconds, 1)} s`
        lines.push(loadRow(`${n(size.tasks)} | list`, size.list, note))
        lines.push(loadRow(`${n(size.tasks)} | list by target`, size.listByTarget))
        lines.push(loadRow(`${n(size.tasks)} | get by id`, size.get))
      } else if (size && 'skipped' in size) {
        lines.push(`| 10^6 | (all) | — | — | — | — | skipped: ${size.reason} | — | |`)
      }
    }
    lines.push('')
    if (rd.ratios) {
      lines.push(`p99 ratio large / small: list ${x(rd.ratios.listP99)}, list by target ${x(rd.ratios.listByTargetP99)}, get ${x(rd.ratios.getP99)}.`, '')
    }
  } else lines.push('Not measured (see errors).', '')

  const sc = r.screening
  lines.push('## In-process screening', '')
  if (sc) {
    lines.push(
      `${sc.tasks} tasks from the acceptance fixtures, submitted on ${sc.submittedOn} (outcomes ${Object.entries(sc.outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; ${sc.expectedByFixtures.agree}/${sc.tasks} as the fixtures expect). ` +
        `json-rules-engine agrees with screenTask on ${sc.jsonRulesEngine.agreeOutcome}/${sc.tasks} outcomes and ${sc.jsonRulesEngine.agreeRules}/${sc.tasks} rule sets; ` +
        `bpmn-engine on ${sc.bpmnEngine.agreeOutcome}/${sc.tasks} outcomes.`,
      ''
    )
    lines.push('| engine | ops/s | µs per task | screenTask ops/s ÷ this |', '|---|---:|---:|---:|')
    const row = (name: string, ops: number, rel: string) => lines.push(`| ${name} | ${n(ops)} | ${n(1e6 / ops, 1)} | ${rel} |`)
    row('screenTask (src/policy/screen.ts)', sc.screenTask.opsPerSecond, '')
    row('json-rules-engine, facts derived per task', sc.jsonRulesEngine.opsPerSecond, x(sc.ratios.screenTaskOverJsonRulesEngine))
    row('json-rules-engine, engine.run only (facts prepared)', sc.jsonRulesEngineOnly.opsPerSecond, x(sc.ratios.screenTaskOverJsonRulesEngineOnly))
    row('bpmn-engine: service task + exclusive gateway', sc.bpmnEngine.opsPerSecond, x(sc.ratios.screenTaskOverBpmnEngine))
    lines.push('')
    lines.push(
      `Where the time goes (µs per task, timed alone): scanText over the declared texts ${n(sc.profileMicroseconds.scanTextAllFields, 1)}, ` +
        `whole screenTask ${n(sc.profileMicroseconds.screenTask, 1)}; addWorkingDays (the 30-working-day lead time) ${n(sc.profileMicroseconds.addWorkingDays, 1)} ` +
        `when computed afresh, as the json-rules-engine facts do for every task (screenTask remembers it per submission day).`,
      ''
    )
  } else lines.push('Not measured (see errors).', '')

  lines.push('## Memory (peak RSS)', '', '| process | peak MB | VmHWM kB | max sampled VmRSS kB | samples |', '|---|---:|---:|---:|---:|')
  for (const [name, mem] of Object.entries(r.memory.servers)) lines.push(`| server (${name}) | ${n(mem.peakMb, 1)} | ${n(mem.hwmKb)} | ${n(mem.maxSampledRssKb)} | ${mem.samples} |`)
  for (const [name, mem] of Object.entries(r.memory.ceilings)) lines.push(`| ${name} | ${n(mem.peakMb, 1)} | ${n(mem.hwmKb)} | ${n(mem.maxSampledRssKb)} | ${mem.samples} |`)
  lines.push('')

  if (r.warnings.length) {
    lines.push('## Noise', '')
    for (const w of r.warnings) lines.push(`- ${w}`)
    lines.push('')
  }
  if (r.errors.length) {
    lines.push('## Errors', '')
    for (const e of r.errors) lines.push('```', e.slice(0, 4000), '```')
    lines.push('')
  }
  lines.push('Reproduce: `npm run bench` (SQLite), or `DATABASE_URL=postgres://… npm run bench` (PostgreSQL; writes results-postgres.*). ' +
    '`BENCH_SECONDS`, `BENCH_WARMUP`, `BENCH_CONNECTIONS`, `BENCH_LARGE=0` (skip 10^6), `BENCH_QUIET_WAIT=<s>` (on a shared machine, wait up to s seconds before each measurement for other work to stop) adjust a run; bench/run.ts says how each figure is taken.', '')
  return lines.join('\n')
}
