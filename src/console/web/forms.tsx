import { useState } from 'preact/hooks'
import bodies from './generated/event-bodies.json'
import { ApiProblem, type Problem } from './api'
import { Field, ProblemView, asProblem, fieldError } from './components'
import { L, eventName, tr, type Bilingual } from './i18n'

interface Schema {
  type?: string
  enum?: Array<string | number>
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  anyOf?: Schema[]
  format?: string
  maxLength?: number
  minimum?: number
  maximum?: number
  description?: string
  title?: string
}

const FIELD_LABELS: Record<string, Bilingual> = {
  reason: { zh: '理由', en: 'Reason' },
  minutes: { zh: '会议纪要', en: 'Minutes' },
  decision: { zh: '决定', en: 'Decision' },
  vote: { zh: '表决意见', en: 'Vote' },
  consultation: { zh: '征求意见', en: 'Consultation' },
  mode: { zh: '方式', en: 'Mode' },
  invited: { zh: '征求对象（街道或社区编号，每行一个）', en: 'Invited (street or community ids, one a line)' },
  reply: { zh: '答复', en: 'Reply' },
  track: { zh: '事项类别', en: 'Track' },
  trackReason: { zh: '定类理由', en: 'Why this track' },
  motion: { zh: '提议内容', en: 'Motion' },
  outcome: { zh: '审核结果', en: 'Outcome' },
  opinion: { zh: '审核意见', en: 'Opinion' },
  meeting: { zh: '议事会会议', en: 'Council meeting' },
  assembly: { zh: '居民（代表）会议', en: "Residents' meeting" },
  heldOn: { zh: '召开日期', en: 'Held on' },
  noticeGivenOn: { zh: '通知日期', en: 'Notice given on' },
  attended: { zh: '出席', en: 'Attended' },
  called: { zh: '应到人数', en: 'Called' },
  votes: { zh: '表决', en: 'Votes' },
  for: { zh: '赞成', en: 'For' },
  against: { zh: '反对', en: 'Against' },
  abstain: { zh: '弃权', en: 'Abstain' },
  text: { zh: '决议内容', en: 'Resolution' },
  askWithdrawal: { zh: '请求撤回已准入任务（可选）', en: 'Ask the office to withdraw an admitted task (optional)' },
  task: { zh: '任务', en: 'Task' },
  amendCatalog: { zh: '同时修订协助清单（可选）', en: 'Amend the assisted-tasks list (optional)' },
  name: { zh: '清单事项名称', en: 'List item name' },
  fundingMinimum: { zh: '经费标准（元/对象）', en: 'Funding standard (yuan per target)' },
  kind: { zh: '会议类型', en: 'Kind' },
  note: { zh: '说明', en: 'Note' },
  withdrawalRequest: { zh: '所答复的撤回请求', en: 'The withdrawal request answered' },
  departments: { zh: '参评部门（每行一个编号）', en: 'Departments (one id a line)' },
  progress: { zh: '进展', en: 'Progress' },
  result: { zh: '实施结果', en: 'Result' },
  finding: { zh: '核查结论', en: 'Finding' },
  directive: { zh: '处理要求', en: 'Directive' }
}

const VALUE_LABELS: Record<string, Bilingual> = {
  approve: { zh: '同意', en: 'approve' },
  reject: { zh: '否决', en: 'reject' },
  return: { zh: '退回', en: 'return' },
  approved: { zh: '通过', en: 'approved' },
  returned: { zh: '退回', en: 'returned' },
  general: { zh: '一般事项', en: 'general' },
  major: { zh: '重大事项', en: 'major' },
  sample: { zh: '抽样征求', en: 'sample' },
  public_notice: { zh: '公告征求', en: 'public notice' },
  council_meeting: { zh: '议事会会议', en: 'council meeting' },
  joint_meeting: { zh: '两委联席会议', en: 'joint meeting of the two committees' },
  representatives_meeting: { zh: '居民代表会议', en: "representatives' meeting" },
  residents_meeting: { zh: '居民会议', en: "residents' meeting" },
  submit_through_gate: { zh: '责令按准入程序报送', en: 'submit it through the gate' },
  drop: { zh: '责令停止', en: 'drop it' }
}

const label = (name: string) => (FIELD_LABELS[name] ? tr(FIELD_LABELS[name]) : name)
/** A value the API sends as a code (a meeting's kind, a decision), in words. */
export const valueLabel = (v: string | number) => (VALUE_LABELS[String(v)] ? tr(VALUE_LABELS[String(v)]) : String(v))

/** `anyOf: [X, null]` is an optional X. */
const plain = (s: Schema): Schema => (s.anyOf ? (s.anyOf.find((a) => a.type !== 'null') ?? s) : s)

type Values = Record<string, string | boolean>

/** A field whose values the page knows (the requests awaiting an answer, the tasks a council may name): chosen, not typed. */
export type Choices = Readonly<Record<string, ReadonlyArray<{ value: string; label: string }>>>

/** The body the form's values make: empty optional fields are left out, numbers and lists parsed. */
function bodyOf(schema: Schema, values: Values, path = ''): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {}
  for (const [name, raw] of Object.entries(schema.properties ?? {})) {
    if (path === '' && (name === 'type' || name === 'version')) continue
    const s = plain(raw)
    const key = `${path}${name}`
    if (s.type === 'object') {
      const inner = bodyOf(s, values, `${key}.`)
      if (inner !== undefined) out[name] = inner
      continue
    }
    const v = values[key]
    if (s.type === 'boolean') {
      if (v !== undefined) out[name] = v === true
      continue
    }
    if (typeof v !== 'string' || v.trim() === '') {
      if (s.type === 'array' && schema.required?.includes(name)) out[name] = []
      continue
    }
    if (s.type === 'array') out[name] = v.split(/[\n,，、]+/).map((x) => x.trim()).filter((x) => x !== '')
    else if (s.type === 'number' || s.type === 'integer') out[name] = Number(v)
    else out[name] = v
  }
  return Object.keys(out).length === 0 && path !== '' ? undefined : out
}

function Inputs({ schema, values, set, problem, path, idPrefix, choices }: { schema: Schema; values: Values; set: (k: string, v: string | boolean) => void; problem: Problem | null; path: string; idPrefix: string; choices: Choices }) {
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([name, raw]) => {
        if (path === '' && (name === 'type' || name === 'version')) return null
        const s = plain(raw)
        const key = `${path}${name}`
        const id = `${idPrefix}-${key.replace(/\./g, '-')}`
        const required = schema.required?.includes(name) ?? false
        const text = `${label(name)}${required ? '' : L('（可选）', ' (optional)')}`
        const error = fieldError(problem, key)
        const described = [error ? `${id}-error` : '', s.description ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined
        if (s.type === 'object') {
          return (
            <fieldset key={key}>
              <legend>{text}</legend>
              <Inputs schema={s} values={values} set={set} problem={problem} path={`${key}.`} idPrefix={idPrefix} choices={choices} />
            </fieldset>
          )
        }
        if (s.type === 'array' && plain(s.items ?? {}).type === 'object') return null
        let input
        const known = choices[key]
        if (known !== undefined) {
          input = (
            <select id={id} required={required} aria-describedby={described} aria-invalid={error ? true : undefined} value={(values[key] as string) ?? ''} onChange={(e) => set(key, e.currentTarget.value)}>
              <option value="">{known.length === 0 ? L('（无可选项）', '(none to choose)') : L('请选择', 'Choose')}</option>
              {known.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          )
        } else if (s.enum) {
          input = (
            <select id={id} required={required} aria-describedby={described} aria-invalid={error ? true : undefined} value={(values[key] as string) ?? ''} onChange={(e) => set(key, e.currentTarget.value)}>
              <option value="">{L('请选择', 'Choose')}</option>
              {s.enum.map((v) => (
                <option key={v} value={String(v)}>
                  {valueLabel(v)}
                </option>
              ))}
            </select>
          )
        } else if (s.type === 'boolean') {
          input = <input id={id} type="checkbox" checked={values[key] === true} onChange={(e) => set(key, e.currentTarget.checked)} />
        } else if (s.type === 'array' || (s.type === 'string' && (s.maxLength ?? 0) > 300)) {
          input = <textarea id={id} rows={3} required={required && s.type !== 'array'} aria-describedby={described} aria-invalid={error ? true : undefined} value={(values[key] as string) ?? ''} onInput={(e) => set(key, e.currentTarget.value)} />
        } else {
          const type = (s.format === 'date' ? 'date' : s.type === 'number' || s.type === 'integer' ? 'number' : 'text') as 'text'
          input = <input id={id} type={type} required={required} aria-describedby={described} aria-invalid={error ? true : undefined} value={(values[key] as string) ?? ''} onInput={(e) => set(key, e.currentTarget.value)} />
        }
        return (
          <Field key={key} id={id} label={text} hint={s.description} error={error}>
            {input}
          </Field>
        )
      })}
    </>
  )
}

const pascal = (event: string) => event.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase())

export type BodyKind = 'Task' | 'Deliberation' | 'Evaluation' | 'BurdenReport'

/** The schema of one event's body, as the OpenAPI document has it. */
export function eventSchema(kind: BodyKind, event: string): Schema {
  return (bodies as Record<string, Schema>)[`${pascal(event)}${kind}EventBody`] ?? { type: 'object', properties: {} }
}

/**
 * The events the API offers this reader now (enabledEvents), each a button that opens its form,
 * drawn from the event's schema. A 409 says what changed and offers to reload.
 */
export function EventActions({
  kind,
  events,
  send,
  onDone,
  onReload,
  choices = {}
}: {
  kind: BodyKind
  events: readonly string[]
  send: (body: Record<string, unknown>) => Promise<unknown>
  onDone: () => void
  onReload: () => void
  choices?: Choices
}) {
  const [open, setOpen] = useState<string | null>(null)
  if (events.length === 0) return <p class="muted">{L('当前没有您可以进行的操作。', 'Nothing for you to do here now.')}</p>
  return (
    <div class="actions">
      <div class="action-buttons" role="group" aria-label={L('可进行的操作', 'Available actions')}>
        {events.map((e) => (
          <button key={e} type="button" aria-expanded={open === e} onClick={() => setOpen(open === e ? null : e)}>
            {eventName(e)}
          </button>
        ))}
      </div>
      {open !== null && <EventForm key={open} kind={kind} event={open} send={send} choices={choices} onDone={() => (setOpen(null), onDone())} onReload={() => (setOpen(null), onReload())} />}
    </div>
  )
}

function EventForm({ kind, event, send, onDone, onReload, choices }: { kind: BodyKind; event: string; send: (body: Record<string, unknown>) => Promise<unknown>; onDone: () => void; onReload: () => void; choices: Choices }) {
  const schema = eventSchema(kind, event)
  // A choice with one possible value starts chosen: keeping (or revoking) a task answers the one request waiting.
  const [values, setValues] = useState<Values>(() =>
    Object.fromEntries(
      Object.entries(choices)
        .filter(([key, c]) => c.length === 1 && key in (schema.properties ?? {}))
        .map(([key, c]) => [key, c[0]!.value])
    )
  )
  const [problem, setProblem] = useState<Problem | null>(null)
  const [busy, setBusy] = useState(false)
  const idPrefix = `ev-${event.toLowerCase()}`
  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    try {
      await send({ type: event, ...bodyOf(schema, values) })
      onDone()
    } catch (err) {
      setProblem(asProblem(err))
    } finally {
      setBusy(false)
    }
  }
  const conflict = problem !== null && problem.status === 409
  return (
    <form class="event-form" onSubmit={submit} aria-labelledby={`${idPrefix}-title`} noValidate>
      <h3 id={`${idPrefix}-title`}>{eventName(event)}</h3>
      <Inputs schema={schema} values={values} set={(k, v) => setValues({ ...values, [k]: v })} problem={problem} path="" idPrefix={idPrefix} choices={choices} />
      <ProblemView problem={problem} />
      {conflict && (
        <p>
          {L('此记录在您阅读之后已有变化。', 'This record changed after you read it.')}{' '}
          <button type="button" onClick={onReload}>
            {L('重新读取最新内容', 'Reload the latest')}
          </button>
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {L('确认', 'Confirm')}: {eventName(event)}
      </button>
    </form>
  )
}

export const isConflict = (e: unknown) => e instanceof ApiProblem && e.status === 409
