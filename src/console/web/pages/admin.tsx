import { useState } from 'preact/hooks'
import { api, call, type Problem, type Schemas } from '../api'
import { Field, Loading, ProblemView, asProblem, useLoad } from '../components'
import { L } from '../i18n'

type PublishResult = Schemas['PolicyPackPublishResult']
type ImportReport = Awaited<ReturnType<typeof importUnits>>
const importUnits = (body: string | object, format: string, dryRun: boolean) =>
  call(
    api.POST('/v1/org-units/import', {
      params: { query: { dryRun } },
      body: body as never,
      headers: { 'content-type': format },
      bodySerializer: (b: unknown) => (typeof b === 'string' ? b : JSON.stringify(b))
    })
  )

/** Publishing a policy pack: edit the export, see its diff against the pack in force (a dry run), then publish. */
export function PolicyPage() {
  const current = useLoad(() => call(api.GET('/v1/policy-packs/current')), [])
  const [text, setText] = useState<string | null>(null)
  const [result, setResult] = useState<PublishResult | null>(null)
  const [problem, setProblem] = useState<Problem | null>(null)
  if (current.data === null) return <Loading problem={current.problem} />
  const source = text ?? JSON.stringify(current.data, null, 2)
  const send = async (dryRun: boolean) => {
    try {
      const pack = JSON.parse(source) as never
      setResult(await call(api.POST('/v1/policy-packs', { params: { query: { dryRun } }, body: pack })))
      setProblem(null)
    } catch (e) {
      setResult(null)
      setProblem(asProblem(e))
    }
  }
  return (
    <section>
      <h1 tabIndex={-1}>{L('发布政策包', 'Publish a policy pack')}</h1>
      <p class="muted">{L('先检查差异，再发布；每个版本都会保留。', 'Check the difference first, then publish; every version is kept.')}</p>
      <Field id="pack" label={L('政策包（JSON）', 'The pack (JSON)')}>
        <textarea id="pack" rows={16} class="code" value={source} onInput={(e) => setText(e.currentTarget.value)} spellcheck={false} />
      </Field>
      <div class="action-buttons">
        <button type="button" onClick={() => send(true)}>
          {L('检查差异（不发布）', 'Show the difference (dry run)')}
        </button>
        <button type="button" class="primary" onClick={() => send(false)}>
          {L('发布', 'Publish')}
        </button>
      </div>
      <ProblemView problem={problem} />
      {result && <PackDiff result={result} />}
    </section>
  )
}

function PackDiff({ result }: { result: PublishResult }) {
  const c = result.changes
  return (
    <section aria-live="polite">
      <h2>
        {result.published ? L('已发布', 'Published') : result.unchanged ? L('没有变化', 'Nothing changed') : L('将发生的变化', 'What would change')} · {result.pack.version}
      </h2>
      <ul>
        {c.lists.map((l) => (
          <li key={`${l.level}-${l.list}`}>
            {l.level} · {l.list}: {L('新增', 'added')} {l.added.join('、') || '—'}; {L('删除', 'removed')} {l.removed.join('、') || '—'}; {L('修改', 'changed')} {l.changed.join('、') || '—'}
          </li>
        ))}
        {c.parameters.map((p) => (
          <li key={p.name}>
            <code>{p.name}</code>: {JSON.stringify(p.before)} → {JSON.stringify(p.after)}
          </li>
        ))}
      </ul>
    </section>
  )
}

/** Importing the org tree (CSV or JSON), dry run first. */
export function OrgImportPage() {
  const [text, setText] = useState('')
  const [format, setFormat] = useState<'text/csv' | 'application/json'>('text/csv')
  const [report, setReport] = useState<ImportReport | null>(null)
  const [problem, setProblem] = useState<Problem | null>(null)
  const send = async (dryRun: boolean) => {
    try {
      const body = format === 'text/csv' ? text : (JSON.parse(text) as never)
      setReport(await importUnits(body, format, dryRun))
      setProblem(null)
    } catch (e) {
      setReport(null)
      setProblem(asProblem(e))
    }
  }
  return (
    <section>
      <h1 tabIndex={-1}>{L('导入组织架构', 'Import the org tree')}</h1>
      <Field id="format" label={L('格式', 'Format')}>
        <select id="format" value={format} onChange={(e) => setFormat(e.currentTarget.value as typeof format)}>
          <option value="text/csv">CSV</option>
          <option value="application/json">JSON</option>
        </select>
      </Field>
      <Field id="units" label={L('内容', 'Content')} hint={L('CSV：首行为列名 id,kind,name,parentId', 'CSV: a header line id,kind,name,parentId')}>
        <textarea id="units" rows={10} class="code" value={text} onInput={(e) => setText(e.currentTarget.value)} aria-describedby="units-hint" spellcheck={false} />
      </Field>
      <div class="action-buttons">
        <button type="button" onClick={() => send(true)}>
          {L('检查（不保存）', 'Check (dry run)')}
        </button>
        <button type="button" class="primary" onClick={() => send(false)}>
          {L('导入', 'Import')}
        </button>
      </div>
      <ProblemView problem={problem} />
      {report !== null && <ImportResult report={report} />}
    </section>
  )
}

/** What an import did (or, in a dry run, would do): the counts, and each unit created or changed with its fields before and after. */
function ImportResult({ report }: { report: ImportReport }) {
  const { created, updated, unchanged } = report.summary
  return (
    <section aria-live="polite">
      <h2>{report.dryRun ? L('检查结果（未保存）', 'What the import would do (nothing stored)') : L('已导入', 'Imported')}</h2>
      <p>
        {L('新增', 'created')} {created} · {L('修改', 'updated')} {updated} · {L('不变', 'unchanged')} {unchanged}
      </p>
      {report.items.length > 0 && (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{L('行', 'Row')}</th>
              <th scope="col">{L('编号', 'Id')}</th>
              <th scope="col">{L('结果', 'Outcome')}</th>
              <th scope="col">{L('变化', 'Changes')}</th>
            </tr>
          </thead>
          <tbody>
            {report.items.map((i) => (
              <tr key={i.id}>
                <td>{i.row}</td>
                <td>
                  <code>{i.id}</code>
                </td>
                <td>{i.outcome === 'created' ? L('新增', 'created') : L('修改', 'updated')}</td>
                <td>
                  {Object.entries(i.changes)
                    .map(([field, c]) => `${field}: ${String(c?.from ?? '—')} → ${String(c?.to ?? '—')}`)
                    .join('; ') || '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
