import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { api, call, type Problem, type Session } from '../api'
import { Diagram, Field, History, Loading, ProblemView, StateBadge, asProblem, fieldError, useLoad } from '../components'
import { EventActions, valueLabel } from '../forms'
import { WithdrawalRequestList, loadWithdrawalRequests } from '../withdrawal-views'
import { L, dateTime, day, number, stateName } from '../i18n'

const loadItem = (id: string) => call(api.GET('/v1/deliberations/{id}', { params: { path: { id } } }))

type Deliberation = Awaited<ReturnType<typeof loadItem>>

const ORIGINS = [
  ['committees', { zh: '两委', en: 'the two committees' }],
  ['council_member', { zh: '议事会成员', en: 'a council member' }],
  ['representative', { zh: '居民代表', en: 'a residents’ representative' }],
  ['residents', { zh: '居民建议', en: 'residents' }]
] as const

/** The council's items through the six steps (议事会六步工作法), and its members. */
export function Deliberations({ session }: { session: Session }) {
  const org = session.principal.org
  const items = useLoad(() => call(api.GET('/v1/deliberations', { params: { query: { community: org, limit: 100 } } })), [])
  const members = useLoad(() => call(api.GET('/v1/councils/{community}/members', { params: { path: { community: org } } })), [])
  return (
    <section>
      <h1 tabIndex={-1}>{L('居民议事会事项', 'The residents’ council’s items')}</h1>
      <Propose onDone={(id) => (location.hash = `#/deliberations/${id}`)} />
      <h2>{L('事项', 'Items')}</h2>
      {items.data === null ? (
        <Loading problem={items.problem} />
      ) : items.data.items.length === 0 ? (
        <p>{L('还没有事项。', 'No items yet.')}</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{L('事项', 'Item')}</th>
              <th scope="col">{L('类别', 'Track')}</th>
              <th scope="col">{L('状态', 'State')}</th>
              <th scope="col">{L('更新', 'Updated')}</th>
            </tr>
          </thead>
          <tbody>
            {items.data.items.map((d) => (
              <tr key={d.id}>
                <td>
                  <a href={`#/deliberations/${d.id}`}>{d.title}</a>
                </td>
                <td>{d.track === null ? '—' : d.track === 'major' ? L('重大事项', 'major') : L('一般事项', 'general')}</td>
                <td>
                  <StateBadge state={d.state} />
                </td>
                <td>{dateTime(d.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{L('议事会成员', 'Council members')}</h2>
      {members.data === null ? (
        <Loading problem={members.problem} />
      ) : (
        <ul>
          {members.data.items.map((m) => (
            <li key={m.sub}>
              {m.name} <code>{m.sub}</code> · {m.position === 'chair' ? L('主任', 'chair') : m.position === 'vice_chair' ? L('副主任', 'vice chair') : L('成员', 'member')}
              {m.partyMember ? L(' · 党员', ' · party member') : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function Propose({ onDone }: { onDone: (id: string) => void }) {
  const [origin, setOrigin] = useState<(typeof ORIGINS)[number][0]>('residents')
  const [title, setTitle] = useState('')
  const [text, setText] = useState('')
  const [problem, setProblem] = useState<Problem | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    try {
      const d = await call(api.POST('/v1/deliberations', { body: { origin, title, text } }))
      onDone(d.id)
    } catch (err) {
      setProblem(asProblem(err))
    }
  }
  return (
    <form class="event-form" onSubmit={submit} noValidate>
      <h2>{L('登记建议（第一步）', 'Record a proposal (step 1)')}</h2>
      <Field id="origin" label={L('来源', 'From')}>
        <select id="origin" value={origin} onChange={(e) => setOrigin(e.currentTarget.value as typeof origin)}>
          {ORIGINS.map(([k, n]) => (
            <option key={k} value={k}>
              {L(n.zh, n.en)}
            </option>
          ))}
        </select>
      </Field>
      <Field id="proposal-title" label={L('题目', 'Title')} error={fieldError(problem, 'title')}>
        <input id="proposal-title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      </Field>
      <Field id="proposal-text" label={L('内容', 'Text')} error={fieldError(problem, 'text')}>
        <textarea id="proposal-text" rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
      <ProblemView problem={problem} />
      <button type="submit" class="primary">
        {L('登记', 'Record')}
      </button>
    </form>
  )
}

export function DeliberationPage({ id }: { id: string; session: Session }) {
  const item = useLoad(() => loadItem(id), [id])
  const history = useLoad(() => call(api.GET('/v1/deliberations/{id}/history', { params: { path: { id }, query: { limit: 100 } } })), [id, item.data?.version])
  // Members' names for the meeting record; a reader the council's roll is closed to sees their ids.
  const community = item.data?.community
  const members = useLoad(() => (community ? call(api.GET('/v1/councils/{community}/members', { params: { path: { community } } })).catch(() => null) : Promise.resolve(null)), [community])
  // What a resolution may ask to withdraw: work admitted for this community or its street, still in force (the public register lists it).
  const street = item.data?.street
  const resolving = item.data?.enabledEvents.some((e) => e === 'COUNCIL_RESOLVE' || e === 'RESIDENTS_RESOLVE') ?? false
  const inForce = useLoad(
    () =>
      resolving && community && street
        ? Promise.all([community, street].map((target) => call(api.GET('/v1/register/tasks', { params: { query: { target, limit: 200 } } })))).then((pages) =>
            pages.flatMap((p) => p.items).filter((x) => ['admitted', 'active', 'suspended'].includes(x.state))
          )
        : Promise.resolve([]),
    [community, street, resolving]
  )
  const requests = useLoad(() => loadWithdrawalRequests({ deliberation: id }), [id, item.data?.version])
  if (item.data === null) return <Loading problem={item.problem} />
  const d: Deliberation = item.data
  const names = new Map((members.data?.items ?? []).map((m) => [m.sub, m.name] as const))
  return (
    <article>
      <h1 tabIndex={-1}>{d.title}</h1>
      <p>
        <StateBadge state={d.state} /> · {d.track === null ? L('尚未定类', 'track not set') : d.track === 'major' ? L('重大事项', 'major item') : L('一般事项', 'general item')} · {L('版本', 'version')} {d.version}
      </p>
      <div class="two-columns">
        <div>
          <p class="quoted">{d.text}</p>
          {d.motion && (
            <>
              <h2>{L('提议', 'Motion')}</h2>
              <p class="quoted">{d.motion}</p>
              {d.trackReason && <p class="muted">{d.trackReason}</p>}
            </>
          )}
          {d.reviews.map((r: Deliberation['reviews'][number], i: number) => (
            <p key={i}>
              <strong>{r.by === 'committees' ? L('两委审核', 'Committee review') : L('联席会议审议', 'Joint review')}</strong>: {r.outcome === 'approved' ? L('通过', 'approved') : L('退回', 'returned')} — {r.opinion}
            </p>
          ))}
          {d.resolution && (
            <section>
              <h2>{L('决议', 'Resolution')}</h2>
              <p>
                <strong>{d.resolution.adopted ? L('✔ 通过', '✔ adopted') : L('✘ 未通过', '✘ not adopted')}</strong>
              </p>
              <p class="quoted">{d.resolution.text}</p>
              <Meeting meeting={d.resolution.meeting} names={names} />
            </section>
          )}
          {d.publicityUntil && (
            <p>
              {L('公示至', 'In publicity until')} {day(d.publicityUntil)}
            </p>
          )}
          {d.progress.length > 0 && (
            <section>
              <h2>{L('实施进展', 'Progress')}</h2>
              <ul>
                {d.progress.map((p, i) => (
                  <li key={i}>
                    <time dateTime={p.on}>{day(p.on)}</time> {p.note}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <h2>{L('操作', 'Actions')}</h2>
          <EventActions
            kind="Deliberation"
            events={d.enabledEvents}
            send={(body) => call(api.POST('/v1/deliberations/{id}/events', { params: { path: { id } }, body: { ...body, version: d.version } as never }))}
            onDone={item.reload}
            onReload={item.reload}
            choices={{ 'askWithdrawal.task': (inForce.data ?? []).map((x) => ({ value: x.id, label: `${x.title}（${day(x.period.start)}–${day(x.period.end)}）` })) }}
          />
          <WithdrawalRequestList requests={requests.data ?? []} link="deliberation" />
        </div>
        <div>
          <h2>{L('六步流程', 'The six steps')}</h2>
          <Diagram machine="deliberation" current={d.state} label={stateName(d.state)} />
          <h2>{L('记录', 'History')}</h2>
          {history.data === null ? <Loading problem={history.problem} /> : <History items={history.data.items as never} />}
        </div>
      </div>
    </article>
  )
}

type MeetingRecord = NonNullable<Deliberation['resolution']>['meeting']

/** A meeting as its record reads: who was called and came, how each voted or the counts, the minutes and documents. */
function Meeting({ meeting: m, names }: { meeting: MeetingRecord; names: ReadonlyMap<string, string> }) {
  const who = (v: string[] | number) => (typeof v === 'number' ? number(v) : v.length === 0 ? '—' : v.map((id) => names.get(id) ?? id).join('、'))
  const votes = m.votes !== null && !('for' in m.votes && typeof m.votes.for === 'number') ? (m.votes as { for: string[]; against: string[]; abstain: string[] }) : null
  return (
    <dl class="facts">
      <Fact term={L('会议', 'Meeting')}>
        {valueLabel(m.kind)} · <time dateTime={m.heldOn}>{day(m.heldOn)}</time>
        {m.noticeGivenOn && ` · ${L('通知于', 'notice given')} ${day(m.noticeGivenOn)}`}
      </Fact>
      <Fact term={L('应到', 'Called')}>{who(m.called)}</Fact>
      <Fact term={L('实到', 'Attended')}>{who(m.attended)}</Fact>
      <Fact term={L('缺席', 'Absent')}>{who(m.absent)}</Fact>
      {m.tally && (
        <Fact term={L('表决', 'Vote')}>
          {L('赞成', 'for')} {m.tally.for} · {L('反对', 'against')} {m.tally.against} · {L('弃权', 'abstain')} {m.tally.abstain}
        </Fact>
      )}
      {votes && (
        <>
          <Fact term={L('赞成', 'For')}>{who(votes.for)}</Fact>
          <Fact term={L('反对', 'Against')}>{who(votes.against)}</Fact>
          <Fact term={L('弃权', 'Abstained')}>{who(votes.abstain)}</Fact>
        </>
      )}
      <Fact term={L('会议记录', 'Minutes')}>{m.minutes}</Fact>
      {m.documents.length > 0 && (
        <div>
          <dt>{L('文件', 'Documents')}</dt>
          <dd>
            <ul>
              {m.documents.map((doc) => (
                <li key={doc.uri}>
                  {/* Any URI is a valid reference, but only a web address becomes a link: never javascript: or data:. */}
                  {/^https?:\/\//i.test(doc.uri) ? (
                    <a href={doc.uri} rel="noopener noreferrer">
                      {doc.title}
                    </a>
                  ) : (
                    <>
                      {doc.title} (<code>{doc.uri}</code>)
                    </>
                  )}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      )}
    </dl>
  )
}

function Fact({ term, children }: { term: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  )
}
