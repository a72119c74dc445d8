import { useState } from 'preact/hooks'
import { api, call, type Problem, type Session } from '../api'
import { BarChart, Diagram, Field, History, Loading, ProblemView, StateBadge, asProblem, fieldError, useLoad } from '../components'
import { EventActions } from '../forms'
import { L, day, number, stateName } from '../i18n'

/** Rounds of the residents rating the departments (双向考评). */
export function Evaluations({ session }: { session: Session }) {
  const rounds = useLoad(() => call(api.GET('/v1/evaluations', { params: { query: { limit: 100 } } })), [])
  const office = session.principal.role === 'office' || session.principal.role === 'admin'
  return (
    <section>
      <h1 tabIndex={-1}>{L('居民评议部门', 'Residents rate the departments')}</h1>
      {office && <OpenRound onDone={(id) => (location.hash = `#/evaluations/${id}`)} />}
      {rounds.data === null ? (
        <Loading problem={rounds.problem} />
      ) : rounds.data.items.length === 0 ? (
        <p>{L('没有评议轮次。', 'No rounds.')}</p>
      ) : (
        <ul>
          {rounds.data.items.map((r) => (
            <li key={r.id}>
              <a href={`#/evaluations/${r.id}`}>
                {r.area} · {r.period}
              </a>{' '}
              <StateBadge state={r.state} />
              {r.deadline && ` · ${L('截止', 'closes')} ${day(r.deadline)}`}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function OpenRound({ onDone }: { onDone: (id: string) => void }) {
  const [period, setPeriod] = useState('')
  const [problem, setProblem] = useState<Problem | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    try {
      onDone((await call(api.POST('/v1/evaluations', { body: { period } }))).id)
    } catch (err) {
      setProblem(asProblem(err))
    }
  }
  return (
    <form class="event-form" onSubmit={submit} noValidate>
      <h2>{L('开启评议轮次', 'Open a round')}</h2>
      <Field id="period" label={L('评议期间（如 2026 或 2026-H2）', 'Period (e.g. 2026 or 2026-H2)')} error={fieldError(problem, 'period')}>
        <input id="period" value={period} onInput={(e) => setPeriod(e.currentTarget.value)} />
      </Field>
      <ProblemView problem={problem} />
      <button type="submit" class="primary">
        {L('开启', 'Open')}
      </button>
    </form>
  )
}

export function EvaluationPage({ id, session }: { id: string; session: Session }) {
  const round = useLoad(() => call(api.GET('/v1/evaluations/{id}', { params: { path: { id } } })), [id])
  const history = useLoad(() => call(api.GET('/v1/evaluations/{id}/history', { params: { path: { id }, query: { limit: 100 } } })), [id, round.data?.version])
  const result = useLoad(() => (round.data && ['closed', 'published'].includes(round.data.state) ? call(api.GET('/v1/evaluations/{id}/result', { params: { path: { id } } })) : Promise.resolve(null)), [id, round.data?.state])
  if (round.data === null) return <Loading problem={round.problem} />
  const r = round.data
  const rater = session.principal.role === 'street' || session.principal.role === 'community'
  return (
    <article>
      <h1 tabIndex={-1}>
        {L('评议', 'Round')} {r.area} · {r.period}
      </h1>
      <p>
        <StateBadge state={r.state} />
        {r.deadline && ` · ${L('截止', 'closes')} ${day(r.deadline)}`}
      </p>
      <div class="two-columns">
        <div>
          <h2>{L('参评部门', 'Departments')}</h2>
          <ul>
            {r.departments.map((d) => (
              <li key={d}>
                <code>{d}</code>
                {rater && r.state === 'rating' && <Rate round={id} department={d} />}
              </li>
            ))}
          </ul>
          <EventActions
            kind="Evaluation"
            events={r.enabledEvents.filter((e) => e !== 'RATE' && e !== 'DEADLINE')}
            send={(body) => call(api.POST('/v1/evaluations/{id}/events', { params: { path: { id } }, body: { ...body, version: r.version } as never }))}
            onDone={round.reload}
            onReload={round.reload}
          />
          {result.data && (
            <BarChart
              title={L('综合得分', 'Total score')}
              rows={result.data.departments.map((d) => ({ label: d.department, values: [d.total ?? 0] }))}
              series={[{ name: L('得分', 'score'), format: (n) => number(Math.round(n * 10) / 10) }]}
            />
          )}
        </div>
        <div>
          <Diagram machine="evaluation" current={r.state} label={stateName(r.state)} />
          {history.data === null ? <Loading problem={history.problem} /> : <History items={history.data.items as never} />}
        </div>
      </div>
    </article>
  )
}

const SCALE = ['满意', '基本满意', '不太满意', '不满意']

function Rate({ round, department }: { round: string; department: string }) {
  const [value, setValue] = useState('')
  const [comment, setComment] = useState('')
  const [problem, setProblem] = useState<Problem | null>(null)
  const [done, setDone] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    try {
      await call(api.PUT('/v1/evaluations/{id}/ratings/{department}', { params: { path: { id: round, department } }, body: { value, ...(comment.trim() === '' ? {} : { comment }) } }))
      setDone(true)
      setProblem(null)
    } catch (err) {
      setProblem(asProblem(err))
    }
  }
  const id = `rate-${department}`
  return (
    <form class="inline-actions" onSubmit={submit} noValidate>
      <Field id={id} label={L('评价', 'Rating')} error={fieldError(problem, 'value')}>
        <select id={id} value={value} onChange={(e) => setValue(e.currentTarget.value)}>
          <option value="">{L('请选择', 'Choose')}</option>
          {SCALE.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${id}-comment`} label={L('意见（可选）', 'Comment (optional)')}>
        <input id={`${id}-comment`} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      </Field>
      <button type="submit">{L('提交评价', 'Rate')}</button>
      {done && <span role="status">{L('✔ 已记录', '✔ recorded')}</span>}
      <ProblemView problem={problem} />
    </form>
  )
}
