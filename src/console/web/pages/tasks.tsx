import { useEffect, useRef, useState } from 'preact/hooks'
import { api, call, type Finding, type Problem, type Schemas, type Session, type Task } from '../api'
import { Deadline, Diagram, Field, Findings, Highlighted, History, Loading, ProblemView, StateBadge, asProblem, fieldError, useLoad } from '../components'
import { EventActions } from '../forms'
import { DepartmentRounds, loadRounds } from '../evaluation-views'
import { WithdrawalRequestList, answerChoices, loadWithdrawalRequests } from '../withdrawal-views'
import { L, day, number, stateName, tr, yuan, type Bilingual } from '../i18n'

/** What an official can change when a rule finds something: the finding says why, this says how. */
const REMEDIES: Record<string, Bilingual> = {
  economic_target: { zh: '删除招商引资、税收、投资等经济指标：社区不承担经济任务。', en: 'Remove the economic targets (investment, tax): communities carry none.' },
  unverifiable_certificate: { zh: '社区无法核实的事项不要求其出具证明；改由部门自行核查。', en: 'Do not ask the community to certify what it cannot verify; the department checks it.' },
  not_responsible_subject: { zh: '执法、检查等应由部门自行承担，不得转交社区。', en: 'Enforcement and inspection stay with the department.' },
  separate_assessment: { zh: '不得单独对社区考核评比或排名；纳入统一考评。', en: 'No separate ranking or assessment of communities; use the unified one.' },
  organization_or_plaque: { zh: '不在社区新设机构、挂牌或要求设置专门场所。', en: 'No new bodies, plaques or dedicated rooms in the community.' },
  ledger_or_stamp: { zh: '减少台账与盖章要求，使用共享信息系统。', en: 'Drop ledgers and stamps; use the shared system.' },
  funding_required: { zh: '写明经费（每个对象的金额、来源）并确认已落实：费随事转。', en: 'State the funding per target and its source, committed: funding follows the task.' },
  authority_required: { zh: '转交事项须同时授予相应权限。', en: 'Grant the authority the task needs.' },
  legal_basis_required: { zh: '写明法律法规依据（名称与条款）。', en: 'Name the legal basis (title and article).' },
  not_in_catalog: { zh: '选择准入清单中的对应事项；确无对应的，将提交领导小组集体研究。', en: 'Pick the list item it is; if none, the leading group decides collectively.' },
  suspected_misdeclaration: { zh: '核对所选清单事项与任务内容是否一致。', en: 'Check that the chosen list item matches what the task asks.' },
  application_lead_time: { zh: '提前申请：实施开始日期须留足审查时间。', en: 'Apply earlier: the start must leave time for review.' }
}

function Remedies({ findings }: { findings: readonly Finding[] }) {
  const hints = [...new Set(findings.filter((f) => f.verdict !== 'admit').map((f) => f.rule))].filter((r) => REMEDIES[r])
  if (hints.length === 0) return null
  return (
    <div class="remedies">
      <h3>{L('如何修改', 'What to change')}</h3>
      <ul>
        {hints.map((r) => (
          <li key={r}>
            <code>{r}</code> {tr(REMEDIES[r]!)}
          </li>
        ))}
      </ul>
    </div>
  )
}

interface Draft {
  title: string
  description: string
  targetLevel: 'community' | 'street'
  targets: string[]
  kind: Task['kind']
  start: string
  end: string
  workloadHours: string
  catalogItem: string
  certificate: string
  legalTitle: string
  legalArticle: string
  perTarget: string
  fundingSource: string
  committed: boolean
}

const KINDS: Array<[Task['kind'], Bilingual]> = [
  ['service', { zh: '服务', en: 'service' }],
  ['data_collection', { zh: '数据采集', en: 'data collection' }],
  ['certificate', { zh: '证明', en: 'certificate' }],
  ['inspection', { zh: '检查', en: 'inspection' }],
  ['assessment', { zh: '考核评比', en: 'assessment' }],
  ['enforcement', { zh: '执法', en: 'enforcement' }],
  ['economic', { zh: '经济指标', en: 'economic' }],
  ['organization', { zh: '机构挂牌', en: 'organization' }],
  ['other', { zh: '其他', en: 'other' }]
]

const empty = (): Draft => ({
  title: '',
  description: '',
  targetLevel: 'community',
  targets: [],
  kind: 'service',
  start: '',
  end: '',
  workloadHours: '',
  catalogItem: '',
  certificate: '',
  legalTitle: '',
  legalArticle: '',
  perTarget: '',
  fundingSource: '',
  committed: false
})

function declarationOf(d: Draft) {
  return {
    title: d.title,
    description: d.description,
    targetLevel: d.targetLevel,
    targets: d.targets,
    kind: d.kind,
    period: { start: d.start, end: d.end },
    workloadHours: Number(d.workloadHours || 0),
    catalogItem: d.catalogItem === '' ? null : d.catalogItem,
    certificate: d.certificate.trim() === '' ? null : { name: d.certificate },
    legalBasis: d.legalTitle.trim() === '' ? [] : [{ title: d.legalTitle, ...(d.legalArticle.trim() === '' ? {} : { article: d.legalArticle }) }],
    funding: d.perTarget === '' && d.fundingSource.trim() === '' ? null : { perTarget: Number(d.perTarget || 0), source: d.fundingSource || '—', committed: d.committed }
  }
}

const draftOf = (t: Task): Draft => ({
  title: t.title,
  description: t.description ?? '',
  targetLevel: t.targetLevel,
  targets: t.targets,
  kind: t.kind,
  start: t.period.start,
  end: t.period.end,
  workloadHours: String(t.workloadHours),
  catalogItem: t.catalogItem ?? '',
  certificate: t.certificate?.name ?? '',
  legalTitle: t.legalBasis?.[0]?.title ?? '',
  legalArticle: t.legalBasis?.[0]?.article ?? '',
  perTarget: t.funding ? String(t.funding.perTarget) : '',
  fundingSource: t.funding?.source ?? '',
  committed: t.funding?.committed ?? false
})

/** Screens as the official types: a pause of 250 ms, then the gate's own dry run; a later answer replaces an earlier one. */
function useLiveScreening(d: Draft) {
  const [screening, setScreening] = useState<Schemas['Screening'] | null>(null)
  const [problem, setProblem] = useState<Problem | null>(null)
  const seq = useRef(0)
  useEffect(() => {
    if (d.title.trim() === '' || d.targets.length === 0 || d.start === '' || d.end === '') return
    const mine = ++seq.current
    const timer = setTimeout(() => {
      call(api.POST('/v1/screenings', { body: declarationOf(d) as never })).then(
        (s) => {
          if (mine !== seq.current) return
          setScreening(s)
          setProblem(null)
        },
        (e) => mine === seq.current && setProblem(asProblem(e))
      )
    }, 250)
    return () => clearTimeout(timer)
  }, [JSON.stringify(d)])
  return { screening, problem }
}

function TaskForm({ initial, onSave, submitLabel }: { initial: Draft; onSave: (d: ReturnType<typeof declarationOf>, submit: boolean) => Promise<void>; submitLabel: string }) {
  const [d, setD] = useState(initial)
  const [problem, setProblem] = useState<Problem | null>(null)
  const [busy, setBusy] = useState(false)
  const live = useLiveScreening(d)
  const places = useLoad(() => call(api.GET('/v1/org-units', { params: { query: { kind: d.targetLevel, limit: 200 } } })), [d.targetLevel])
  const catalogs = useLoad(
    () =>
      Promise.all(
        (['lawful_duties', 'assisted_tasks'] as const).map((list) => call(api.GET('/v1/catalogs/{list}', { params: { path: { list }, query: { level: d.targetLevel } } })))
      ),
    [d.targetLevel]
  )
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD({ ...d, [k]: v })
  const findings = live.screening?.findings ?? []
  const save = async (submit: boolean) => {
    setBusy(true)
    try {
      await onSave(declarationOf(d), submit)
    } catch (e) {
      setProblem(asProblem(e))
    } finally {
      setBusy(false)
    }
  }
  const err = (f: string) => fieldError(problem ?? live.problem, f)
  const items = catalogs.data ?? []
  return (
    <div class="two-columns">
      <form class="task-form" onSubmit={(e) => (e.preventDefault(), save(true))} noValidate>
        <Field id="title" label={L('任务名称', 'Title')} error={err('title')}>
          <input id="title" value={d.title} required maxLength={200} onInput={(e) => set('title', e.currentTarget.value)} aria-invalid={err('title') ? true : undefined} />
        </Field>
        <Field id="description" label={L('任务内容', 'What the task asks')} error={err('description')} hint={L('写明社区要做什么；筛查会读这段文字。', 'Say what the community is to do; the screening reads it.')}>
          <textarea id="description" rows={5} value={d.description} onInput={(e) => set('description', e.currentTarget.value)} aria-describedby="description-hint" />
        </Field>
        <Field id="targetLevel" label={L('下达层级', 'Level')}>
          <select id="targetLevel" value={d.targetLevel} onChange={(e) => setD({ ...d, targetLevel: e.currentTarget.value as Draft['targetLevel'], targets: [] })}>
            <option value="community">{L('社区', 'community')}</option>
            <option value="street">{L('街道', 'street')}</option>
          </select>
        </Field>
        <fieldset class={err('targets') ? 'has-error' : ''}>
          <legend>{L('下达对象', 'Targets')}</legend>
          {places.data === null ? (
            <Loading problem={places.problem} />
          ) : (
            <ul class="checks">
              {places.data.items.map((u) => (
                <li key={u.id}>
                  <label>
                    <input type="checkbox" checked={d.targets.includes(u.id)} onChange={(e) => set('targets', e.currentTarget.checked ? [...d.targets, u.id] : d.targets.filter((x) => x !== u.id))} /> {u.name} <code>{u.id}</code>
                  </label>
                </li>
              ))}
            </ul>
          )}
          {err('targets') && <p class="field-error">⚠ {err('targets')}</p>}
        </fieldset>
        <Field id="kind" label={L('事项类型', 'Kind')}>
          <select id="kind" value={d.kind} onChange={(e) => set('kind', e.currentTarget.value as Task['kind'])}>
            {KINDS.map(([k, n]) => (
              <option key={k} value={k}>
                {tr(n)}
              </option>
            ))}
          </select>
        </Field>
        <div class="row">
          <Field id="start" label={L('开始日期', 'Starts')} error={err('period.start')}>
            <input id="start" type="date" value={d.start} onInput={(e) => set('start', e.currentTarget.value)} />
          </Field>
          <Field id="end" label={L('结束日期', 'Ends')} error={err('period.end')}>
            <input id="end" type="date" value={d.end} onInput={(e) => set('end', e.currentTarget.value)} />
          </Field>
        </div>
        <Field id="workloadHours" label={L('每个对象的工作量（小时）', 'Work per target (hours)')} error={err('workloadHours')}>
          <input id="workloadHours" type="number" min={0} inputMode="decimal" value={d.workloadHours} onInput={(e) => set('workloadHours', e.currentTarget.value)} />
        </Field>
        <Field id="catalogItem" label={L('对应准入清单事项', 'List item')} error={err('catalogItem')}>
          <select id="catalogItem" value={d.catalogItem} onChange={(e) => set('catalogItem', e.currentTarget.value)}>
            <option value="">{L('无对应事项', 'none')}</option>
            {items.map((l) => (
              <optgroup key={l.list} label={tr(l.title)}>
                {l.items.map((i) => (
                  <option key={i.code} value={i.code}>
                    {i.code} {i.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </Field>
        <Field id="certificate" label={L('要求社区出具的证明（如有）', 'Certificate asked of the community (if any)')} error={err('certificate.name')}>
          <input id="certificate" value={d.certificate} onInput={(e) => set('certificate', e.currentTarget.value)} />
        </Field>
        <fieldset>
          <legend>{L('法律依据', 'Legal basis')}</legend>
          <Field id="legalTitle" label={L('法规名称', 'Title')} error={err('legalBasis')}>
            <input id="legalTitle" value={d.legalTitle} onInput={(e) => set('legalTitle', e.currentTarget.value)} />
          </Field>
          <Field id="legalArticle" label={L('条款', 'Article')}>
            <input id="legalArticle" value={d.legalArticle} onInput={(e) => set('legalArticle', e.currentTarget.value)} />
          </Field>
        </fieldset>
        <fieldset>
          <legend>{L('经费（费随事转）', 'Funding (funding follows the task)')}</legend>
          <Field id="perTarget" label={L('每个对象（元）', 'Per target (yuan)')} error={err('funding.perTarget')}>
            <input id="perTarget" type="number" min={0} inputMode="decimal" value={d.perTarget} onInput={(e) => set('perTarget', e.currentTarget.value)} />
          </Field>
          <Field id="fundingSource" label={L('经费来源', 'Source')} error={err('funding.source')}>
            <input id="fundingSource" value={d.fundingSource} onInput={(e) => set('fundingSource', e.currentTarget.value)} />
          </Field>
          <label>
            <input type="checkbox" checked={d.committed} onChange={(e) => set('committed', e.currentTarget.checked)} /> {L('经费已落实', 'The funding is committed')}
          </label>
        </fieldset>
        <ProblemView problem={problem} />
        <div class="action-buttons">
          <button type="button" disabled={busy} onClick={() => save(false)}>
            {L('保存草稿', 'Save the draft')}
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
      <aside class="live" aria-live="polite" aria-labelledby="live-title">
        <h2 id="live-title">{L('实时筛查', 'Live screening')}</h2>
        {live.screening === null ? (
          <p class="muted">{live.problem ? tr(live.problem.message) : L('填写名称、对象和起止日期后，这里会显示筛查结论。', 'Fill in the title, targets and dates to see what the gate finds.')}</p>
        ) : (
          <>
            <p>
              {L('预计结果：', 'Expected outcome: ')}
              <strong class={`badge verdict-${live.screening.outcome}`}>{stateName(live.screening.outcome === 'admit' ? 'admitted' : live.screening.outcome === 'escalate' ? 'escalated' : live.screening.outcome === 'return' ? 'returned' : 'rejected')}</strong>
            </p>
            <div class="quoted">
              <p>
                <strong>{L('名称：', 'Title: ')}</strong>
                <Highlighted text={d.title} field="title" findings={findings} />
              </p>
              {d.description && (
                <p>
                  <strong>{L('内容：', 'Text: ')}</strong>
                  <Highlighted text={d.description} field="description" findings={findings} />
                </p>
              )}
            </div>
            <Findings findings={findings} policy={live.screening.policy} />
            <Remedies findings={findings} />
          </>
        )}
      </aside>
    </div>
  )
}

export function DraftTask({ session: _s }: { session: Session }) {
  return (
    <section>
      <h1 tabIndex={-1}>{L('起草任务', 'Draft a task')}</h1>
      <TaskForm
        initial={empty()}
        submitLabel={L('提交准入审查', 'Submit for admission')}
        onSave={async (declaration, submit) => {
          const t = await call(api.POST('/v1/tasks', { body: { ...declaration, submit } as never }))
          location.hash = `#/tasks/${t.id}`
        }}
      />
    </section>
  )
}

export function TaskList({ tasks, empty: none }: { tasks: readonly Task[]; empty: string }) {
  if (tasks.length === 0) return <p>{none}</p>
  return (
    <table class="list">
      <thead>
        <tr>
          <th scope="col">{L('任务', 'Task')}</th>
          <th scope="col">{L('状态', 'State')}</th>
          <th scope="col">{L('期限', 'Due')}</th>
          <th scope="col">{L('对象', 'Targets')}</th>
        </tr>
      </thead>
      <tbody>
        {tasks.map((t) => (
          <tr key={t.id}>
            <td>
              <a href={`#/tasks/${t.id}`}>{t.title}</a>
            </td>
            <td>
              <StateBadge state={t.state} stage={t.stage} />
            </td>
            <td>
              <Deadline dueOn={t.review.dueOn} overdue={t.review.overdue} />
            </td>
            <td>{t.targets.length}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function MyTasks({ session }: { session: Session }) {
  const tasks = useLoad(() => call(api.GET('/v1/tasks', { params: { query: { department: session.principal.org, limit: 100 } } })), [])
  const scorecard = useLoad(() => loadScorecard(session.principal.org), [])
  const rounds = useLoad(() => loadRounds(session.principal.org), [])
  return (
    <section>
      <h1 tabIndex={-1}>{L('我的任务', 'My tasks')}</h1>
      <p>
        <a class="button primary" href="#/tasks/new">
          {L('起草新任务', 'Draft a new task')}
        </a>
      </p>
      {tasks.data === null ? <Loading problem={tasks.problem} /> : <TaskList tasks={tasks.data.items} empty={L('还没有任务。', 'No tasks yet.')} />}
      <h2>{L('部门记分卡', 'Scorecard')}</h2>
      {scorecard.data === null ? <Loading problem={scorecard.problem} /> : <Scorecard card={scorecard.data} />}
      <h2>{L('居民评议结果', 'Residents’ ratings')}</h2>
      {rounds.data === null ? (
        <Loading problem={rounds.problem} />
      ) : (
        <DepartmentRounds items={rounds.data.items} />
      )}
    </section>
  )
}

type ScorecardT = Awaited<ReturnType<typeof loadScorecard>>
const loadScorecard = (department: string) => call(api.GET('/v1/departments/{id}/scorecard', { params: { path: { id: department } } }))

const SCORECARD_FIGURES = [
  ['submitted', { zh: '提交', en: 'submitted' }],
  ['admitted', { zh: '准入', en: 'admitted' }],
  ['returned', { zh: '退回修改', en: 'returned' }],
  ['rejected', { zh: '不予准入', en: 'rejected' }],
  ['escalated', { zh: '提请审议', en: 'escalated' }],
  ['withdrawn', { zh: '撤回', en: 'withdrawn' }],
  ['unfunded', { zh: '经费未落实', en: 'unfunded' }],
  ['confirmedBurdenReports', { zh: '经证实的负担举报', en: 'confirmed burden reports' }]
] as const satisfies ReadonlyArray<readonly [keyof ScorecardT, Bilingual]>

/** The department's record at the gate over the window, each figure named, the rules that rejected it by code. */
function Scorecard({ card }: { card: ScorecardT }) {
  const byRule = Object.entries(card.rejectedByRule).sort(([, a], [, b]) => b - a)
  return (
    <>
      <p class="muted">
        {day(card.window.from)} – {day(card.window.to)}
      </p>
      <dl class="facts">
        {SCORECARD_FIGURES.map(([k, name]) => (
          <div key={k}>
            <dt>{tr(name)}</dt>
            <dd>{number(card[k])}</dd>
          </div>
        ))}
      </dl>
      {byRule.length > 0 && (
        <p>
          {L('不予准入所依规则：', 'Rejected under: ')}
          {byRule.map(([code, n]) => `${code} × ${n}`).join(L('；', '; '))}
        </p>
      )}
    </>
  )
}

export function TaskPage({ id, session }: { id: string; session: Session }) {
  const task = useLoad(() => call(api.GET('/v1/tasks/{id}', { params: { path: { id } } })), [id])
  const history = useLoad(() => call(api.GET('/v1/tasks/{id}/events', { params: { path: { id }, query: { limit: 100 } } })), [id, task.data?.version])
  // Only admitted work can be asked to be withdrawn; the API shows the requests to the task's parties and the community's.
  const admitted = task.data !== null && ['admitted', 'active', 'suspended', 'completed', 'revoked'].includes(task.data.state)
  const requests = useLoad(() => (admitted && session.principal.role !== 'leading_group' ? loadWithdrawalRequests({ task: id }) : Promise.resolve([])), [id, admitted, task.data?.version])
  const [editing, setEditing] = useState(false)
  if (task.data === null) return <Loading problem={task.problem} />
  const t = task.data
  const current = t.stage ? `${t.state}_${t.stage}` : t.state
  const reload = () => task.reload()
  const offered = t.enabledEvents.filter((e) => e !== 'REVISE' && e !== 'SUBMIT')
  return (
    <article>
      <h1 tabIndex={-1}>{t.title}</h1>
      <p>
        <StateBadge state={t.state} stage={t.stage} /> · {L('版本', 'version')} {t.version} · {L('期限', 'due')} <Deadline dueOn={t.review.dueOn} overdue={t.review.overdue} />
      </p>
      <div class="two-columns">
        <div>
          <dl class="facts">
            <div>
              <dt>{L('部门', 'Department')}</dt>
              <dd>{t.department}</dd>
            </div>
            <div>
              <dt>{L('对象', 'Targets')}</dt>
              <dd>{t.targets.join('、')}</dd>
            </div>
            <div>
              <dt>{L('期间', 'Period')}</dt>
              <dd>
                {day(t.period.start)} – {day(t.period.end)}
              </dd>
            </div>
            <div>
              <dt>{L('经费', 'Funding')}</dt>
              <dd>{t.funding ? `${yuan(t.funding.perTarget)} / ${L('对象', 'target')} · ${t.funding.source}${t.funding.committed ? '' : L('（未落实）', ' (not committed)')}` : L('无', 'none')}</dd>
            </div>
            <div>
              <dt>{L('决定机关', 'Decided by')}</dt>
              <dd>
                {t.decider.orgUnit} · {t.decider.body}
              </dd>
            </div>
          </dl>
          {t.description && <p class="quoted">{t.screening ? <Highlighted text={t.description} field="description" findings={t.screening.findings} /> : t.description}</p>}
          <h2>{L('筛查结论', 'Screening')}</h2>
          {t.screening ? <Findings findings={t.screening.findings} policy={t.screening.policy} /> : <p class="muted">{L('尚未提交筛查。', 'Not screened yet.')}</p>}
          {t.review.consultation && <Consultation c={t.review.consultation} />}
          {t.review.tally && <Tally review={t.review} />}
          {t.review.decision && (
            <section>
              <h2>{L('集体决定', 'Collective decision')}</h2>
              <p>
                <strong>{voteName(t.review.decision.decision)}</strong> · {t.review.decision.reason}
              </p>
              <p class="quoted">{t.review.decision.minutes}</p>
            </section>
          )}
          <h2>{L('操作', 'Actions')}</h2>
          {session.principal.role === 'leading_group' && t.stage === 'leading_group' && !t.enabledEvents.includes('VOTE') && (
            <p class="note" role="note">
              {L(
                '您不能对此任务表决：提交任务的部门是您所在的部门时须回避，或您不是决定此任务的领导小组成员。',
                'You may not vote on this task: a member from the submitting department is recused, and only members of the deciding group vote.'
              )}
            </p>
          )}
          {(t.enabledEvents.includes('REVISE') || t.enabledEvents.includes('SUBMIT')) && (
            <p class="action-buttons">
              {t.enabledEvents.includes('REVISE') && (
                <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
                  {L('修改任务', 'Revise the task')}
                </button>
              )}
              {t.enabledEvents.includes('SUBMIT') && (
                <button type="button" class="primary" onClick={() => call(api.POST('/v1/tasks/{id}/events', { params: { path: { id } }, body: { type: 'SUBMIT', version: t.version } as never })).then(reload, reload)}>
                  {L('提交准入审查', 'Submit for admission')}
                </button>
              )}
            </p>
          )}
          {editing && (
            <TaskForm
              initial={draftOf(t)}
              submitLabel={L('修改并提交', 'Revise and submit')}
              onSave={async (declaration, submit) => {
                const { targetLevel: _l, ...changes } = declaration
                const revised = await call(api.POST('/v1/tasks/{id}/events', { params: { path: { id } }, body: { type: 'REVISE', version: t.version, changes } as never }))
                if (submit) await call(api.POST('/v1/tasks/{id}/events', { params: { path: { id } }, body: { type: 'SUBMIT', version: revised.version } as never }))
                setEditing(false)
                reload()
              }}
            />
          )}
          <EventActions
            kind="Task"
            events={offered}
            send={(body) => call(api.POST('/v1/tasks/{id}/events', { params: { path: { id } }, body: { ...body, version: t.version } as never }))}
            onDone={reload}
            onReload={reload}
            choices={answerChoices(requests.data ?? [])}
          />
          <WithdrawalRequestList requests={requests.data ?? []} link="task" />
          {(session.principal.role === 'community' || session.principal.role === 'street') && ['admitted', 'active'].includes(t.state) && t.targets.includes(session.principal.org) && <FundingConfirmation id={id} />}
        </div>
        <div>
          <h2>{L('流程图', 'Workflow')}</h2>
          <Diagram machine="admission" current={current} label={`${stateName(t.state)}${t.stage ? ` · ${stateName(t.stage)}` : ''}`} />
          <h2>{L('办理记录', 'History')}</h2>
          {history.data !== null ? (
            <History items={history.data.items as never} />
          ) : history.problem?.status === 404 ? (
            <p class="muted">{L('办理记录只对任务的各方（提交部门、审查和决定机关）开放。', 'The history is open to the task’s parties: the submitting department, who reviews and who decides.')}</p>
          ) : (
            <Loading problem={history.problem} />
          )}
        </div>
      </div>
    </article>
  )
}

const voteName = (v: 'approve' | 'reject' | 'return') => (v === 'approve' ? L('同意', 'approve') : v === 'reject' ? L('否决', 'reject') : L('退回', 'return'))

function Consultation({ c }: { c: NonNullable<Task['review']['consultation']> }) {
  return (
    <section>
      <h2>{L('征求意见', 'Consultation')}</h2>
      <p>
        {L('征求对象：', 'Invited: ')}
        {c.invited.join('、') || '—'}
      </p>
      <ul>
        {c.replies.map((r, i) => (
          <li key={i}>
            <code>{r.org}</code>: {r.text}
          </li>
        ))}
      </ul>
      {c.replies.length === 0 && <p class="muted">{L('尚无答复。', 'No replies yet.')}</p>}
    </section>
  )
}

function Tally({ review }: { review: Task['review'] }) {
  const t = review.tally!
  return (
    <section>
      <h2>{L('表决情况', 'The vote as it stands')}</h2>
      <p>
        {L(`同意 ${t.approve} · 否决 ${t.reject} · 退回 ${t.return}；已表决 ${t.voted} / 有表决权 ${t.eligible}`, `approve ${t.approve} · reject ${t.reject} · return ${t.return}; ${t.voted} of ${t.eligible} eligible have voted`)}
      </p>
      <p>
        {t.quorumMet ? L('✔ 已达法定人数', '✔ quorum met') : L('✘ 未达法定人数', '✘ no quorum yet')}
        {t.majority ? ` · ${L('多数意见：', 'majority: ')}${voteName(t.majority)}` : ''}
      </p>
      {review.votes && review.votes.length > 0 && (
        <ul>
          {review.votes.map((v) => (
            <li key={v.member}>
              <code>{v.member}</code> {voteName(v.vote)}
              {v.counted === false ? L('（不计入：回避或已离任）', ' (not counted: recused or left)') : ''} — {v.reason}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function FundingConfirmation({ id }: { id: string }) {
  const [status, setStatus] = useState<'received' | 'missing'>('received')
  const [amount, setAmount] = useState('')
  const [note, setNote] = useState('')
  const [problem, setProblem] = useState<Problem | null>(null)
  const [done, setDone] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    try {
      await call(api.POST('/v1/tasks/{id}/funding-confirmations', { params: { path: { id } }, body: { status, ...(amount === '' ? {} : { amount: Number(amount) }), ...(note.trim() === '' ? {} : { note }) } }))
      setDone(true)
      setProblem(null)
    } catch (err) {
      setProblem(asProblem(err))
    }
  }
  return (
    <form class="event-form" onSubmit={submit} noValidate>
      <h3>{L('确认经费到位', 'Confirm the funding')}</h3>
      <Field id="funding-status" label={L('经费情况', 'Funding')}>
        <select id="funding-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as 'received' | 'missing')}>
          <option value="received">{L('已到位', 'received')}</option>
          <option value="missing">{L('未到位', 'missing')}</option>
        </select>
      </Field>
      <Field id="funding-amount" label={L('到位金额（元，可选）', 'Amount received (yuan, optional)')} error={fieldError(problem, 'amount')}>
        <input id="funding-amount" type="number" min={0} value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
      </Field>
      <Field id="funding-note" label={L('说明（可选）', 'Note (optional)')}>
        <textarea id="funding-note" rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
      <ProblemView problem={problem} />
      {done && <p role="status">{L('✔ 已记录经费确认。', '✔ Funding confirmation recorded.')}</p>}
      <button type="submit" class="primary">
        {L('确认', 'Confirm')}
      </button>
    </form>
  )
}

