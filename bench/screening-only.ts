// `npm run bench:screening`: the in-process screening figures alone (a minute, not the whole
// benchmark's HTTP runs): screenTask against json-rules-engine and bpmn-engine on the 50 acceptance
// fixtures, and screenTask's p99 on a 10,000-character description. Writes bench/results-screening.{json,md}.

import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { runScreeningBench } from './screening.js'
import { screeningCases } from './tasks.js'

const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const r = await runScreeningBench(screeningCases(50), seconds, 2, (line) => console.log(line))
const at = new Date().toISOString()
writeFileSync(new URL('./results-screening.json', import.meta.url), `${JSON.stringify({ at, node: process.version, cpus: cpus().length, ...r }, null, 2)}\n`)
const met = (ok: boolean) => (ok ? '**met**' : '**not met**')
writeFileSync(
  new URL('./results-screening.md', import.meta.url),
  [
    '# In-process screening',
    '',
    `Measured ${at} by \`npm run bench:screening\` (bench/screening-only.ts), Node ${process.version}, ${cpus().length} cores, ${seconds} s per figure, under tsx as \`npm run bench\` runs it.`,
    '',
    '| target | measured | |',
    '|---|---|---|',
    `| screenTask ≥ 10 × json-rules-engine on the same tasks | ${r.ratios.screenTaskOverJsonRulesEngine} × (${r.screenTask.opsPerSecond} vs ${r.jsonRulesEngine.opsPerSecond} ops/s; engine alone ${r.ratios.screenTaskOverJsonRulesEngineOnly} ×) | ${met(r.ratios.screenTaskOverJsonRulesEngine >= 10)} |`,
    `| screening p99 on a ${r.longDescription.characters}-character description < 5 ms | p99 ${r.longDescription.p99Ms} ms, p50 ${r.longDescription.p50Ms} ms, max ${r.longDescription.maxMs} ms (${r.longDescription.calls} calls, outcome ${r.longDescription.outcome}) | ${met(r.longDescription.p99Ms < 5)} |`,
    '',
    `Agreement on the ${r.tasks} fixtures: json-rules-engine ${r.jsonRulesEngine.agreeOutcome}/${r.tasks} outcomes and ${r.jsonRulesEngine.agreeRules}/${r.tasks} rule sets; bpmn-engine ${r.bpmnEngine.agreeOutcome}/${r.tasks} outcomes; the fixtures' own expectations ${r.expectedByFixtures.agree}/${r.tasks}.`,
    '',
    `Where screenTask's time goes (µs per task): scan of the declared texts ${r.profileMicroseconds.scanTextAllFields}, the 30-working-day walk ${r.profileMicroseconds.addWorkingDays} when computed afresh, whole screenTask ${r.profileMicroseconds.screenTask}.`,
    ''
  ].join('\n')
)
