import { useState } from 'preact/hooks'
import { api, call, type Problem, type Session } from '../api'
import { Field, Loading, ProblemView, StateBadge, asProblem, fieldError, useLoad } from '../components'
import { L, dateTime, day } from '../i18n'
import { EventActions } from '../forms'
import { OrgName } from '../org-names'
import { TaskList } from './tasks'

/** The reviewer's queue: earliest working-day deadline first, overdue marked in words. */
export function ReviewQueue({ session }: { session: Session }) {
  const queue = useLoad(() => call(api.GET('/v1/reviews', { params: { query: { limit: 100 } } })), [])
  const agenda = session.principal.role === 'leading_group'
  return (
    <section>
      <h1 tabIndex={-1}>{agenda ? L('领导小组审议议程', 'The leading group’s agenda') : L('审查队列', 'Review queue')}</h1>
      <p class="muted">{L('按工作日期限排序，最早到期的在前。', 'Sorted by working-day deadline, earliest first.')}</p>
      {queue.data === null ? (
        <Loading problem={queue.problem} />
      ) : (
        <TaskList tasks={[...queue.data.items].sort((a, b) => (a.review.dueOn ?? '9999').localeCompare(b.review.dueOn ?? '9999'))} empty={L('队列为空。', 'Nothing waits.')} />
      )}
    </section>
  )
}

export function WithdrawalRequests() {
  const list = useLoad(() => call(api.GET('/v1/withdrawal-requests', { params: { query: { limit: 100 } } })), [])
  return (
    <section>
      <h1 tabIndex={-1}>{L('居民议事会的撤回请求', 'Withdrawal requests from residents’ councils')}</h1>
      <p class="muted">{L('在任务页面以“撤销”或“保留任务”答复。', 'Answer on the task’s page: revoke it, or keep it with reasons.')}</p>
      {list.data === null ? (
        <Loading problem={list.problem} />
      ) : list.data.items.length === 0 ? (
        <p>{L('没有请求。', 'No requests.')}</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{L('社区', 'Community')}</th>
              <th scope="col">{L('理由', 'Reason')}</th>
              <th scope="col">{L('状态', 'State')}</th>
              <th scope="col">{L('任务', 'Task')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((r) => (
              <tr key={r.id}>
                <td>
                  <OrgName id={r.community} />
                </td>
                <td>{r.reason}</td>
                <td>
                  <StateBadge state={r.state} />
                </td>
                <td>
                  <a href={`#/tasks/${r.task}`}>{L('打开任务', 'Open the task')}</a> · <a href={`#/deliberations/${r.deliberation}`}>{L('议事会决议', 'The resolution')}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

/** Burden reports (督查): communities report work that bypassed the gate; the office investigates. */
export function BurdenReports({ session }: { session: Session }) {
  const list = useLoad(() => call(api.GET('/v1/burden-reports', { params: { query: { limit: 100 } } })), [])
  const reporter = session.principal.role === 'community' || session.principal.role === 'street'
  return (
    <section>
      <h1 tabIndex={-1}>{L('负担举报', 'Burden reports')}</h1>
      {reporter && <ReportForm onDone={list.reload} />}
      {list.data === null ? (
        <Loading problem={list.problem} />
      ) : list.data.items.length === 0 ? (
        <p>{L('没有举报。', 'No reports.')}</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{L('部门', 'Department')}</th>
              <th scope="col">{L('被要求做的事', 'What was asked')}</th>
              <th scope="col">{L('日期', 'Asked on')}</th>
              <th scope="col">{L('状态', 'State')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((r) => (
              <tr key={r.id}>
                <td>
                  <OrgName id={r.department} />
                </td>
                <td>{r.what}</td>
                <td>{day(r.askedOn)}</td>
                <td>
                  <StateBadge state={r.state} /> <span class="muted">{dateTime(r.createdAt)}</span>
                  <BurdenActions id={r.id} events={r.enabledEvents} version={r.version} onDone={list.reload} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function BurdenActions({ id, events, version, onDone }: { id: string; events: readonly string[]; version: number; onDone: () => void }) {
  return (
    <EventActions
      kind="BurdenReport"
      events={events}
      send={(body) => call(api.POST('/v1/burden-reports/{id}/events', { params: { path: { id } }, body: { ...body, version } as never }))}
      onDone={onDone}
      onReload={onDone}
    />
  )
}

function ReportForm({ onDone }: { onDone: () => void }) {
  const [department, setDepartment] = useState('')
  const [what, setWhat] = useState('')
  const [askedOn, setAskedOn] = useState('')
  const [evidence, setEvidence] = useState('')
  const [problem, setProblem] = useState<Problem | null>(null)
  const departments = useLoad(() => call(api.GET('/v1/org-units', { params: { query: { kind: 'department', limit: 200 } } })), [])
  const submit = async (e: Event) => {
    e.preventDefault()
    try {
      await call(api.POST('/v1/burden-reports', { body: { department, what, askedOn, evidence } }))
      setWhat('')
      setEvidence('')
      setProblem(null)
      onDone()
    } catch (err) {
      setProblem(asProblem(err))
    }
  }
  return (
    <form class="event-form" onSubmit={submit} noValidate>
      <h2>{L('举报未经准入的任务', 'Report work that bypassed the gate')}</h2>
      <p class="muted">{L('部门看不到举报人。', 'The department is never told who reported.')}</p>
      <Field id="report-department" label={L('哪个部门', 'Which department')} error={fieldError(problem, 'department')}>
        <select id="report-department" value={department} onChange={(e) => setDepartment(e.currentTarget.value)}>
          <option value="">{L('请选择', 'Choose')}</option>
          {(departments.data?.items ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </Field>
      <Field id="report-what" label={L('被要求做什么', 'What you were asked to do')} error={fieldError(problem, 'what')}>
        <textarea id="report-what" rows={2} value={what} onInput={(e) => setWhat(e.currentTarget.value)} />
      </Field>
      <Field id="report-asked" label={L('要求日期', 'Asked on')} error={fieldError(problem, 'askedOn')}>
        <input id="report-asked" type="date" value={askedOn} onInput={(e) => setAskedOn(e.currentTarget.value)} />
      </Field>
      <Field id="report-evidence" label={L('证据（通知、消息等）', 'Evidence (notice, message…)')} error={fieldError(problem, 'evidence')}>
        <textarea id="report-evidence" rows={3} value={evidence} onInput={(e) => setEvidence(e.currentTarget.value)} />
      </Field>
      <ProblemView problem={problem} />
      <button type="submit" class="primary">
        {L('提交举报', 'File the report')}
      </button>
    </form>
  )
}
