import { api, call, type Session } from '../api'
import { BarChart, Loading, useLoad } from '../components'
import { L, chinaToday, number, yuan } from '../i18n'
import { TaskList } from './tasks'

/** A street's or community's page: what was admitted for it, and its burden ledger. */
export function CommunityHome({ session }: { session: Session }) {
  const org = session.principal.org
  const tasks = useLoad(() => call(api.GET('/v1/tasks', { params: { query: { target: org, limit: 100 } } })), [])
  const year = chinaToday().slice(0, 4)
  const window = { from: `${year}-01-01`, to: `${Number(year) + 1}-12-31` }
  const ledger = useLoad<unknown>(
    () =>
      session.principal.role === 'community'
        ? call(api.GET('/v1/communities/{id}/burden', { params: { path: { id: org }, query: window } }))
        : call(api.GET('/v1/org-units/{id}/burden', { params: { path: { id: org }, query: window } })),
    []
  )
  const data = ledger.data as null | { byMonth?: Array<{ month: string; hours: number }>; totals?: { hours: number; fundingPromised: number; fundingConfirmed: number; tasks: number } }
  // The window spans two years; the chart shows the months from the first with work to the last.
  const months = data?.byMonth ?? []
  const worked = months.slice(Math.max(0, months.findIndex((m) => m.hours > 0)), months.findLastIndex((m) => m.hours > 0) + 1)
  return (
    <section>
      <h1 tabIndex={-1}>{L('准入事项与负担台账', 'Admitted work and the burden ledger')}</h1>
      <h2>{L('准入给本单位的任务', 'Tasks admitted for you')}</h2>
      <p class="muted">{L('打开任务可确认经费是否到位。', 'Open a task to confirm its funding.')}</p>
      {tasks.data === null ? <Loading problem={tasks.problem} /> : <TaskList tasks={tasks.data.items.filter((t) => ['admitted', 'active', 'suspended', 'completed'].includes(t.state))} empty={L('没有准入的任务。', 'Nothing admitted for you.')} />}
      <h2>{L('负担台账', 'Burden ledger')}</h2>
      {data === null ? (
        <Loading problem={ledger.problem} />
      ) : (
        <>
          {data.totals && (
            <dl class="facts">
              <div>
                <dt>{L('任务数', 'Tasks')}</dt>
                <dd>{number(data.totals.tasks)}</dd>
              </div>
              <div>
                <dt>{L('工作量（小时）', 'Hours')}</dt>
                <dd>{number(data.totals.hours)}</dd>
              </div>
              <div>
                <dt>{L('承诺经费', 'Funding promised')}</dt>
                <dd>{yuan(data.totals.fundingPromised)}</dd>
              </div>
              <div>
                <dt>{L('确认到位', 'Funding confirmed')}</dt>
                <dd>{yuan(data.totals.fundingConfirmed)}</dd>
              </div>
            </dl>
          )}
          {worked.length > 0 && <BarChart title={L('每月工作量（小时）', 'Hours by month')} rows={worked.map((m) => ({ label: m.month, values: [m.hours] }))} series={[{ name: L('小时', 'hours'), format: number }]} />}
          {data.totals && (
            <BarChart
              title={L('经费：承诺与确认到位', 'Funding: promised against confirmed')}
              rows={[{ label: `${window.from.slice(0, 4)}–${window.to.slice(0, 4)}`, values: [data.totals.fundingPromised, data.totals.fundingConfirmed] }]}
              series={[
                { name: L('承诺', 'promised'), format: yuan },
                { name: L('确认到位', 'confirmed'), format: yuan }
              ]}
            />
          )}
        </>
      )}
    </section>
  )
}
