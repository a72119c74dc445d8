import { useEffect, useState } from 'preact/hooks'
import { api, call, type Problem, type Session } from '../api'
import { Diagram, Field, History, Loading, ProblemView, StateBadge, asProblem, fieldError, useLoad } from '../components'
import { ResultTable, ScaleInput, ScaleNote, ratingValue, ratingWords, type Scale } from '../evaluation-views'
import { OrgName } from '../org-names'
import { EventActions } from '../forms'
import { L, day, stateName } from '../i18n'

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
                <OrgName id={r.area} /> · {r.period}
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
  const rater = session.principal.role === 'street' || session.principal.role === 'community'
  const mine = useLoad(() => (rater ? call(api.GET('/v1/evaluations/{id}/ratings', { params: { path: { id } } })) : Promise.resolve(null)), [id, round.data?.version])
  const result = useLoad(() => (round.data && ['closed', 'published'].includes(round.data.state) ? call(api.GET('/v1/evaluations/{id}/result', { params: { path: { id } } })) : Promise.resolve(null)), [id, round.data?.state])
  if (round.data === null) return <Loading problem={round.problem} />
  const r = round.data
  const scale = r.parameters.scale
  const rating = rater && r.state === 'rating'
  return (
    <article>
      <h1 tabIndex={-1}>
        {L('评议', 'Round')} <OrgName id={r.area} /> · {r.period}
      </h1>
      <p>
        <StateBadge state={r.state} />
        {r.deadline && ` · ${L('截止', 'closes')} ${day(r.deadline)}`}
        {` · ${L('政策版本', 'policy')} ${r.policy.version}`}
      </p>
      <div class="two-columns">
        <div>
          <h2>{L('参评部门', 'Departments')}</h2>
          {rating && <ScaleNote id="scale-note" scale={scale} />}
          <ul class="departments">
            {r.departments.map((d) => (
              <li key={d}>
                <OrgName id={d} />
                {rating && <Rate round={id} department={d} scale={scale} current={mine.data?.items.find((x) => x.department === d) ?? null} onDone={round.reload} />}
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
          {result.data && <ResultTable result={result.data} caption={L('评议结果', 'The result')} />}
          {r.state === 'published' && (
            <p>
              <a href={`/v1/register/evaluations/${id}`}>{L('公开数据（JSON）：方法、输入与结果', 'Open data (JSON): method, inputs and result')}</a>
            </p>
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

type RatingView = NonNullable<Awaited<ReturnType<typeof loadRatings>>>['items'][number]
const loadRatings = (id: string) => call(api.GET('/v1/evaluations/{id}/ratings', { params: { path: { id } } }))

/** One department's rating by this rater: its current one shown, a new one replacing it until the round closes. */
function Rate({ round, department, scale, current, onDone }: { round: string; department: string; scale: Scale; current: RatingView | null; onDone: () => void }) {
  const [value, setValue] = useState(current === null ? '' : String(current.value))
  const [comment, setComment] = useState(current?.comment ?? '')
  const [problem, setProblem] = useState<Problem | null>(null)
  useEffect(() => {
    if (current !== null) {
      setValue(String(current.value))
      setComment(current.comment ?? '')
    }
  }, [current?.version])
  const submit = async (e: Event) => {
    e.preventDefault()
    try {
      await call(api.PUT('/v1/evaluations/{id}/ratings/{department}', { params: { path: { id: round, department } }, body: { value: ratingValue(scale, value), ...(comment.trim() === '' ? {} : { comment }) } }))
      setProblem(null)
      onDone()
    } catch (err) {
      setProblem(asProblem(err))
    }
  }
  const id = `rate-${department}`
  return (
    <form class="inline-actions" onSubmit={submit} noValidate>
      <Field id={id} label={L('评价', 'Rating')} error={fieldError(problem, 'value')}>
        <ScaleInput id={id} scale={scale} value={value} onChange={setValue} describedBy="scale-note" />
      </Field>
      <Field id={`${id}-comment`} label={L('意见（可选）', 'Comment (optional)')}>
        <input id={`${id}-comment`} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      </Field>
      <button type="submit">{current === null ? L('提交评价', 'Rate') : L('修改评价', 'Change the rating')}</button>
      {current !== null && (
        <span role="status">
          {L('✔ 已评：', '✔ rated: ')}
          {ratingWords(scale, current.value)}
        </span>
      )}
      <ProblemView problem={problem} />
    </form>
  )
}
