import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { workingDaysBetween, type WorkingCalendar } from '../../calendar/working-days'
import { api, ApiProblem, call, type Finding, type Problem } from './api'
import { L, chinaToday, dateTime, day, eventName, roleName, stateName, tr, verdictName } from './i18n'

/** A problem from the API, in words, with the fields it names. */
export function ProblemView({ problem }: { problem: Problem | null }) {
  if (problem === null) return null
  return (
    <div class="problem" role="alert">
      <strong>{tr(problem.titles)}</strong>
      <p>{tr(problem.message)}</p>
      {(problem.invalidParams ?? []).length > 1 && (
        <ul>
          {problem.invalidParams!.map((p) => (
            <li key={`${p.row ?? ''}${p.field}`}>
              <code>{p.field}</code>
              {p.row === undefined ? '' : ` (${L('第', 'row ')}${p.row}${L('行', '')})`}: {tr(p.messages)}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

export const asProblem = (err: unknown): Problem =>
  err instanceof ApiProblem
    ? err.problem
    : { type: 'about:blank', title: String(err), status: 0, detail: String(err), titles: { zh: '请求失败', en: 'Request failed' }, message: { zh: String(err), en: String(err) } }

/** Loads once per key; `reload` reads again. */
export function useLoad<T>(load: () => Promise<T>, key: unknown[]): { data: T | null; problem: Problem | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null)
  const [problem, setProblem] = useState<Problem | null>(null)
  const [n, setN] = useState(0)
  useEffect(() => {
    let live = true
    setProblem(null)
    load().then(
      (d) => live && setData(d),
      (e) => live && setProblem(asProblem(e))
    )
    return () => {
      live = false
    }
  }, [...key, n])
  return { data, problem, reload: () => setN((i) => i + 1) }
}

export function Loading({ problem, children }: { problem: Problem | null; children?: ComponentChildren }) {
  if (problem !== null) return <ProblemView problem={problem} />
  return <p aria-live="polite">{children ?? L('正在读取…', 'Loading…')}</p>
}

/** A state as a word and a mark, never a colour alone. */
export function StateBadge({ state, stage }: { state: string; stage?: string | null }) {
  return (
    <span class={`badge state-${state}`}>
      {stateName(state)}
      {stage ? ` · ${stateName(stage)}` : ''}
    </span>
  )
}

let calendar: Promise<WorkingCalendar> | null = null
/** The pack's holiday calendar, read once: deadlines count working days as the gate does. */
export function workingCalendar(): Promise<WorkingCalendar> {
  calendar ??= call(api.GET('/v1/policy-packs/current')).then((p) => (p as unknown as { calendar: WorkingCalendar }).calendar)
  return calendar
}

/** A deadline: its date and how many working days are left, or that it has passed. */
export function Deadline({ dueOn, overdue }: { dueOn: string | null; overdue: boolean }) {
  const [cal, setCal] = useState<WorkingCalendar | null>(null)
  useEffect(() => {
    workingCalendar().then(setCal, () => setCal(null))
  }, [])
  if (dueOn === null) return <span>—</span>
  const today = chinaToday()
  const late = overdue || dueOn < today
  const left = cal === null ? null : workingDaysBetween(cal, today, dueOn)
  return (
    <span class={late ? 'deadline overdue' : 'deadline'}>
      <time dateTime={dueOn}>{day(dueOn)}</time>
      {late ? <strong> {L('⚠ 已逾期', '⚠ overdue')}</strong> : left === null ? '' : ` (${L(`剩余${left}个工作日`, `${left} working day${left === 1 ? '' : 's'} left`)})`}
    </span>
  )
}

/** The text with each finding's matched span marked, so the official sees the words the rule read. */
export function Highlighted({ text, field, findings }: { text: string; field: string; findings: readonly Finding[] }) {
  const spans = findings
    .flatMap((f) => f.evidence.filter((e) => e.field === field && e.start !== undefined && e.end !== undefined).map((e) => ({ start: e.start!, end: e.end!, rule: f.rule, verdict: f.verdict })))
    .sort((a, b) => a.start - b.start)
  if (spans.length === 0) return <span>{text}</span>
  const parts: ComponentChildren[] = []
  let at = 0
  for (const s of spans) {
    if (s.start < at) continue
    parts.push(text.slice(at, s.start))
    parts.push(
      <mark key={`${s.start}-${s.rule}`} class={`verdict-${s.verdict}`} title={`${s.rule}: ${verdictName(s.verdict)}`}>
        {text.slice(s.start, s.end)}
      </mark>
    )
    at = s.end
  }
  parts.push(text.slice(at))
  return <span>{parts}</span>
}

/** Each finding: verdict in words, the message, the words and fields it read, the document it rests on. */
export function Findings({ findings, policy }: { findings: readonly Finding[]; policy?: { id: string; version: string } }) {
  if (findings.length === 0) return <p>{L('没有筛查结论。', 'No findings.')}</p>
  return (
    <div>
      <ul class="findings">
        {findings.map((f, i) => (
          <li key={i} class={`finding verdict-${f.verdict}`}>
            <p>
              <span class={`badge verdict-${f.verdict}`}>{verdictName(f.verdict)}</span> <code>{f.rule}</code> {tr(f.message)}
            </p>
            {f.evidence.length > 0 && (
              <p class="evidence">
                {L('依据字段：', 'Read from: ')}
                {f.evidence.map((e, j) => (
                  <span key={j}>
                    <code>{e.field}</code>
                    {e.match ? ` “${e.match}”` : ''}
                    {j < f.evidence.length - 1 ? '、' : ''}
                  </span>
                ))}
              </p>
            )}
            {f.citations.map((c, j) => (
              <p class="citation" key={j}>
                {L('出处：', 'Source: ')}
                {c.title} {c.section}（{c.issuer}）
              </p>
            ))}
          </li>
        ))}
      </ul>
      {policy && <p class="muted">{L(`政策包 ${policy.id} ${policy.version}`, `Policy pack ${policy.id} ${policy.version}`)}</p>}
    </div>
  )
}

interface HistoryEntry {
  seq?: number
  type?: string
  event?: string
  from?: { state: string; stage?: string | null } | string | null
  to?: { state: string; stage?: string | null } | string | null
  actor?: { sub?: string; role?: string } | null
  at: string
  reason?: string | null
  payload?: Record<string, unknown>
}

// Task events name a nested state as "escalated.office_review": each part in words.
const place = (p: HistoryEntry['from']): string =>
  p == null ? '—' : typeof p === 'string' ? p.split('.').map(stateName).join(' · ') : `${stateName(p.state)}${p.stage ? ` · ${stateName(p.stage)}` : ''}`

/** A record's history, oldest first, each step with who, when, from and to, and why. */
export function History({ items }: { items: readonly HistoryEntry[] }) {
  return (
    <ol class="history">
      {items.map((e, i) => {
        const reason = e.reason ?? (e.payload?.reason as string | undefined)
        return (
          <li key={e.seq ?? i}>
            <time dateTime={e.at}>{dateTime(e.at)}</time> <strong>{eventName(e.type ?? e.event ?? '')}</strong> {place(e.from)} → {place(e.to)}
            {e.actor && (
              <span class="muted">
                {' '}
                · {e.actor.role ? roleName(e.actor.role) : ''} {e.actor.sub ?? ''}
              </span>
            )}
            {reason && <p class="reason">{reason}</p>}
          </li>
        )
      })}
    </ol>
  )
}

/** The machine's statechart drawn in the page, the current state marked with a thick border and named in words. */
export function Diagram({ machine, current, label }: { machine: string; current: string; label: string }) {
  const box = useRef<HTMLDivElement>(null)
  const [problem, setProblem] = useState<Problem | null>(null)
  useEffect(() => {
    let live = true
    ;(async () => {
      const res = await fetch(`/v1/machines/${encodeURIComponent(machine)}/diagram`)
      const source = await res.text()
      const { default: mermaid } = await import('mermaid')
      mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral', fontFamily: 'system-ui, "Noto Sans CJK SC", sans-serif' })
      const marked = `${source}\n  classDef current stroke:#7c2d12,stroke-width:4px,font-weight:bold\n  class ${current} current\n`
      const { svg } = await mermaid.render(`diagram-${machine}-${Math.random().toString(36).slice(2)}`, marked)
      if (live && box.current) box.current.innerHTML = svg
    })().catch((e) => live && setProblem(asProblem(e)))
    return () => {
      live = false
    }
  }, [machine, current])
  return (
    <figure class="diagram">
      <div ref={box} role="img" aria-label={`${L('状态图', 'State diagram')}: ${label}`} />
      <figcaption>
        {L('当前状态：', 'Current state: ')}
        <strong>{label}</strong>
        {L('（图中加粗边框）', ' (thick border in the diagram)')}
      </figcaption>
      <ProblemView problem={problem} />
    </figure>
  )
}

/** A bar chart in SVG, with its numbers in a table beside it for readers who do not see it. */
export function BarChart({ title, rows, series }: { title: string; rows: Array<{ label: string; values: number[] }>; series: Array<{ name: string; format: (n: number) => string }> }) {
  const max = Math.max(1, ...rows.flatMap((r) => r.values))
  const barH = 14
  const rowH = barH * series.length + 10
  const width = 300
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width + 110} ${rows.length * rowH + 10}`} role="img" aria-label={title} class="bars">
        {rows.map((r, i) =>
          r.values.map((v, j) => (
            <g key={`${i}-${j}`}>
              {j === 0 && (
                <text x="0" y={i * rowH + barH} class="bar-label">
                  {r.label}
                </text>
              )}
              <rect x="70" y={i * rowH + j * barH} width={(v / max) * width * 0.8} height={barH - 2} class={`series-${j}`} />
              <text x={72 + (v / max) * width * 0.8} y={i * rowH + j * barH + barH - 4} class="bar-value">
                {series[j]!.format(v)}
              </text>
            </g>
          ))
        )}
      </svg>
      <table class="chart-data">
        <thead>
          <tr>
            <th scope="col">{L('项目', 'Item')}</th>
            {series.map((s) => (
              <th scope="col" key={s.name}>
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}>
              <th scope="row">{r.label}</th>
              {r.values.map((v, j) => (
                <td key={j}>{series[j]!.format(v)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}

export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string | null; children: ComponentChildren }) {
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          ⚠ {error}
        </p>
      )}
    </div>
  )
}

/** The message a problem gives for one field, for showing next to it. */
export function fieldError(problem: Problem | null, name: string): string | null {
  if (problem === null) return null
  const hit = (problem.invalidParams ?? []).find((p) => p.field === name || p.field.startsWith(`${name}.`) || p.field.startsWith(`${name}[`))
  if (hit) return tr(hit.messages)
  return problem.field === name ? tr(problem.message) : null
}
