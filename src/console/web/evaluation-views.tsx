import { api, call, type Schemas } from './api'
import { useLoad } from './components'
import { L, chinaToday, day, number, tr } from './i18n'
import { OrgName } from './org-names'

export type Scale = Schemas['EvaluationParameters']['scale']
type Result = NonNullable<Awaited<ReturnType<typeof loadResult>>>
type DepartmentRow = Result['departments'][number]

const loadResult = (id: string) => call(api.GET('/v1/evaluations/{id}/result', { params: { path: { id } } }))

const COMPONENTS = [
  ['satisfaction', { zh: '满意度', en: 'satisfaction' }],
  ['admission', { zh: '准入', en: 'admission' }],
  ['burden', { zh: '督查', en: 'burden' }],
  ['funding', { zh: '费随事转', en: 'funding' }]
] as const

const figure = (n: number | null | undefined): string => (n == null ? '—' : number(n))
export const percent = (share: number | null | undefined): string => (share == null ? '—' : `${number(Math.round(share * 1000) / 10)}%`)
const met = (m: boolean | null): string => (m === null ? '—' : m ? L('✔ 达标', '✔ met') : L('✘ 未达标', '✘ not met'))

/** What a rater chooses from: the levels of the round's scale, or whole points. */
export function ScaleInput({ id, scale, value, onChange, describedBy }: { id: string; scale: Scale; value: string; onChange: (v: string) => void; describedBy?: string }) {
  if (scale.kind === 'points') {
    return <input id={id} type="number" inputMode="numeric" min={0} max={100} step={1} value={value} aria-describedby={describedBy} onInput={(e) => onChange(e.currentTarget.value)} />
  }
  return (
    <select id={id} value={value} aria-describedby={describedBy} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">{L('请选择', 'Choose')}</option>
      {scale.levels.map((l) => (
        <option key={l.code} value={l.code}>
          {tr(l.name)}
        </option>
      ))}
    </select>
  )
}

/** What the API takes for a choice: a level's code, or the points as a whole number. */
export const ratingValue = (scale: Scale, v: string): string | number => (scale.kind === 'points' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : v)

/** A rating as the rater chose it, in words. */
export function ratingWords(scale: Scale, value: string | number): string {
  if (scale.kind === 'points') return `${value} ${L('分', 'points')}`
  const level = scale.levels.find((l) => l.code === value)
  return level ? tr(level.name) : String(value)
}

/** The scale in words, with what each choice counts for and when it counts as satisfied. */
export function ScaleNote({ id, scale }: { id?: string; scale: Scale }) {
  const text =
    scale.kind === 'points'
      ? L(`0–100 分整数，${scale.satisfiedFrom} 分及以上计为满意`, `whole points 0–100; ${scale.satisfiedFrom} or more counts as satisfied`)
      : scale.levels.map((l) => `${tr(l.name)} ${l.score}${L('分', '')}${l.satisfied ? L('（计为满意）', ' (satisfied)') : ''}`).join(L('；', '; '))
  return (
    <p class="hint" id={id}>
      {text}
    </p>
  )
}

let sources: Promise<Map<string, string>> | null = null
/** The documents the pack cites, by id: a method's sources are named by their titles. */
const sourceTitles = (): Promise<Map<string, string>> => (sources ??= call(api.GET('/v1/catalogs')).then((c) => new Map(c.sources.map((d) => [d.id, d.title]))))

/** A round's result as a table: every figure the total is made of, the method it was computed by, and its sources. */
export function ResultTable({ result, caption }: { result: Result; caption: string }) {
  const method = result.method
  const titles = useLoad(sourceTitles, [])
  const rows = [...result.departments].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity))
  const commented = rows.filter((d) => (d.comments ?? []).length > 0)
  return (
    <section class="result">
      <table class="list">
        <caption>
          {caption}
          {result.provisional && ` · ${L('暂算结果（未公布）', 'provisional (not published)')}`}
        </caption>
        <thead>
          <tr>
            <th scope="col">{L('名次', 'Rank')}</th>
            <th scope="col">{L('部门', 'Department')}</th>
            <th scope="col">{L('评价数（街道/社区）', 'Ratings (streets/communities)')}</th>
            <th scope="col">{L('满意率', 'Satisfied')}</th>
            {COMPONENTS.map(([k, name]) => (
              <th scope="col" key={k}>
                {tr(name)} ×{number(method.weights[k])}
              </th>
            ))}
            <th scope="col">{L('综合得分', 'Total')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d: DepartmentRow) => (
            <tr key={d.department}>
              <td>{d.rank ?? '—'}</td>
              <th scope="row">
                <OrgName id={d.department} />
              </th>
              <td>
                {d.n} ({d.byRole.street}/{d.byRole.community})
              </td>
              <td>
                {percent(d.satisfaction.rate)} {met(d.satisfaction.met)}
              </td>
              {COMPONENTS.map(([k]) => (
                <td key={k}>{figure(d.components[k])}</td>
              ))}
              <td>
                <strong>{figure(d.total)}</strong>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {L('全区（市）满意率', 'Area satisfaction rate')} {percent(result.areaFigures.rate)}，{L('目标', 'target')} {percent(method.satisfactionTarget)} {met(result.areaFigures.met)}
      </p>
      <details>
        <summary>{L('计算方法与依据', 'How it is computed, and on what authority')}</summary>
        <p>{tr(method.formula)}</p>
        <ul>
          {COMPONENTS.map(([k]) => (
            <li key={k}>{tr(method.components[k])}</li>
          ))}
        </ul>
        <p>
          {L('依据', 'Sources')}:{' '}
          {Object.values(method.basis)
            .flatMap((b) => b.refs.map((r) => `${titles.data?.get(r.source) ?? r.source} ${r.section}`))
            .filter((v, i, all) => all.indexOf(v) === i)
            .join(L('；', '; '))}
          {' · '}
          {L('政策版本', 'policy')} {method.policy.id} {method.policy.version}
        </p>
      </details>
      {commented.map((d) => (
        <section key={d.department}>
          <h3>
            {L('对', 'Comments on ')}
            <OrgName id={d.department} />
            {L('的意见（不显示评价单位）', ' (raters not shown)')}
          </h3>
          <ul>
            {d.comments!.map((c, i) => (
              <li key={i} class="quoted">
                {c}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </section>
  )
}

/** A department's figures in the published rounds that rated it, newest first. */
export function DepartmentRounds({ items }: { items: RoundFigures[] }) {
  if (items.length === 0) return <p>{L('尚无公布的评议结果。', 'No published results yet.')}</p>
  return (
    <table class="list">
      <caption>{L('历次居民评议', 'Residents’ ratings, round by round')}</caption>
      <thead>
        <tr>
          <th scope="col">{L('期间', 'Period')}</th>
          <th scope="col">{L('评议地区', 'Area')}</th>
          <th scope="col">{L('名次', 'Rank')}</th>
          <th scope="col">{L('满意度得分', 'Satisfaction score')}</th>
          <th scope="col">{L('满意率', 'Satisfied')}</th>
          <th scope="col">{L('综合得分', 'Total')}</th>
          <th scope="col">{L('公布日期', 'Published')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.round}>
            <th scope="row">
              <a href={`#/evaluations/${r.round}`}>{r.period}</a>
            </th>
            <td>
              <OrgName id={r.area} />
            </td>
            <td>{r.rank === null ? '—' : `${r.rank} / ${r.ranked}`}</td>
            <td>{figure(r.satisfactionScore)}</td>
            <td>
              {percent(r.satisfactionRate)} {met(r.targetMet)}
            </td>
            <td>{figure(r.total)}</td>
            <td>{day(chinaToday(new Date(r.publishedAt)))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** A department's figures in the published rounds (public). */
export const loadRounds = (department: string) => call(api.GET('/v1/register/evaluations/departments/{id}', { params: { path: { id: department } } }))
export type RoundFigures = Awaited<ReturnType<typeof loadRounds>>['items'][number]
