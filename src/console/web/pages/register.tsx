import { api, call } from '../api'
import { BarChart, Loading, StateBadge, useLoad } from '../components'
import { ResultTable } from '../evaluation-views'
import { OrgName } from '../org-names'
import { L, dateTime, day, number, yuan } from '../i18n'

const TABS = [
  ['tasks', { zh: '准入任务', en: 'Admitted tasks' }],
  ['catalogs', { zh: '清单及版本', en: 'Lists and versions' }],
  ['departments', { zh: '部门统计', en: 'Departments' }],
  ['deliberations', { zh: '议事会决议', en: 'Council resolutions' }],
  ['evaluations', { zh: '评议结果', en: 'Evaluation results' }]
] as const

/** The public register: no sign-in, what the gate admitted and why, and what the residents decided. */
export function RegisterPage({ tab }: { tab: string }) {
  return (
    <section>
      <h1 tabIndex={-1}>{L('公开目录', 'The public register')}</h1>
      <nav aria-label={L('目录分类', 'Register sections')} class="tabs">
        <ul>
          {TABS.map(([k, n]) => (
            <li key={k}>
              <a href={`#/register/${k}`} aria-current={tab === k ? 'page' : undefined}>
                {L(n.zh, n.en)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {tab === 'catalogs' ? <Catalogs /> : tab === 'departments' ? <Departments /> : tab === 'deliberations' ? <Resolutions /> : tab === 'evaluations' ? <Results /> : <Tasks />}
    </section>
  )
}

function Tasks() {
  const list = useLoad(() => call(api.GET('/v1/register/tasks', { params: { query: { limit: 100 } } })), [])
  if (list.data === null) return <Loading problem={list.problem} />
  if (list.data.items.length === 0) return <p>{L('尚无准入任务。', 'Nothing admitted yet.')}</p>
  return (
    <table class="list">
      <caption>{L('已准入的任务', 'Tasks admitted')}</caption>
      <thead>
        <tr>
          <th scope="col">{L('任务', 'Task')}</th>
          <th scope="col">{L('部门', 'Department')}</th>
          <th scope="col">{L('对象', 'Targets')}</th>
          <th scope="col">{L('经费', 'Funding')}</th>
          <th scope="col">{L('准入', 'Admitted')}</th>
        </tr>
      </thead>
      <tbody>
        {list.data.items.map((t) => (
          <tr key={t.id}>
            <td>
              {t.title} <StateBadge state={t.state} />
            </td>
            <td>{t.department.name}</td>
            <td>{t.targets.map((x) => x.name).join('、')}</td>
            <td>{t.funding ? `${yuan(t.funding.perTarget)} / ${L('对象', 'target')}` : '—'}</td>
            <td>{t.admittedAt ? dateTime(t.admittedAt) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function Catalogs() {
  const versions = useLoad(() => call(api.GET('/v1/register/catalog-versions', { params: { query: { limit: 50 } } })), [])
  if (versions.data === null) return <Loading problem={versions.problem} />
  return (
    <ol class="versions">
      {versions.data.items.map((v) => (
        <li key={v.hash}>
          <h2>
            {v.id} {v.version} {v.inForce ? L('（现行）', ' (in force)') : ''}
          </h2>
          <p class="muted">
            {L('载入于', 'Loaded')} {dateTime(v.loadedAt)}
            {v.previous ? ` · ${L('上一版本', 'previous')} ${v.previous.version}` : ''}
          </p>
          <ul>
            {v.lists.map((l) => (
              <li key={`${l.level}-${l.list}`}>
                {l.level} · {l.list}: {number(l.count)} {L('项', 'items')}
                {l.added && l.added.length > 0 ? ` · ${L('新增', 'added')} ${l.added.join('、')}` : ''}
                {l.removed && l.removed.length > 0 ? ` · ${L('删除', 'removed')} ${l.removed.join('、')}` : ''}
                {l.changed && l.changed.length > 0 ? ` · ${L('修改', 'changed')} ${l.changed.join('、')}` : ''}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ol>
  )
}

function Departments() {
  const stats = useLoad(() => call(api.GET('/v1/register/departments')), [])
  if (stats.data === null) return <Loading problem={stats.problem} />
  const rows = stats.data.items.filter((d) => d.submitted > 0)
  if (rows.length === 0) return <p>{L('尚无提交记录。', 'No submissions yet.')}</p>
  return (
    <BarChart
      title={L('各部门提交与准入', 'Submitted and admitted, by department')}
      rows={rows.map((d) => ({ label: d.department.name, values: [d.submitted, d.admitted, d.rejected + d.returned] }))}
      series={[
        { name: L('提交', 'submitted'), format: number },
        { name: L('准入', 'admitted'), format: number },
        { name: L('退回或否决', 'returned or rejected'), format: number }
      ]}
    />
  )
}

function Resolutions() {
  const list = useLoad(() => call(api.GET('/v1/register/deliberations', { params: { query: { limit: 100 } } })), [])
  if (list.data === null) return <Loading problem={list.problem} />
  const items = (list.data as { items: Array<{ id: string; title: string; community: string; state: string; track: string | null; publishedOn?: string | null; progress?: unknown[] }> }).items
  if (items.length === 0) return <p>{L('尚无公开的决议。', 'No public resolutions yet.')}</p>
  return (
    <table class="list">
      <caption>{L('议事会决议及实施情况', 'Council resolutions and their implementation')}</caption>
      <thead>
        <tr>
          <th scope="col">{L('事项', 'Item')}</th>
          <th scope="col">{L('社区', 'Community')}</th>
          <th scope="col">{L('状态', 'State')}</th>
          <th scope="col">{L('公开日期', 'Published')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr key={d.id}>
            <td>{d.title}</td>
            <td>
              <OrgName id={d.community} />
            </td>
            <td>
              <StateBadge state={d.state} />
            </td>
            <td>{d.publishedOn ? day(d.publishedOn) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function Results() {
  const list = useLoad(() => call(api.GET('/v1/register/evaluations', { params: { query: { limit: 50 } } })), [])
  if (list.data === null) return <Loading problem={list.problem} />
  if (list.data.items.length === 0) return <p>{L('尚无公布的评议结果。', 'No published results yet.')}</p>
  return (
    <>
      {list.data.items.map(({ round, result }) => (
        <section key={round.id}>
          <h2>
            <OrgName id={round.area} /> · {round.period}
          </h2>
          <ResultTable result={result} caption={L('居民评议部门结果', 'Residents’ rating of the departments')} />
          <p>
            <a href={`/v1/register/evaluations/${round.id}`}>{L('公开数据（JSON）：方法、输入与结果', 'Open data (JSON): method, inputs and result')}</a>
          </p>
        </section>
      ))}
    </>
  )
}
