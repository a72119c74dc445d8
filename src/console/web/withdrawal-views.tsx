import { api, call, type Schemas } from './api'
import { StateBadge } from './components'
import type { Choices } from './forms'
import { L, dateTime } from './i18n'
import { OrgName } from './org-names'

export type WithdrawalRequest = Schemas['WithdrawalRequest']

/**
 * A task's or a resolution's withdrawal requests, for a reader the API shows them to (the office,
 * the community and its council, the task's department, admins); to anyone else, none.
 */
export function loadWithdrawalRequests(query: { task: string } | { deliberation: string }): Promise<WithdrawalRequest[]> {
  return call(api.GET('/v1/withdrawal-requests', { params: { query: { ...query, limit: 100 } } })).then(
    (page) => page.items,
    () => []
  )
}

const ANSWER = { revoke: { zh: '已撤销任务', en: 'the task was revoked' }, keep: { zh: '保留任务', en: 'the task is kept' } } as const

/** Each request: who asked and why, its state, and the office's answer with its reasons. */
export function WithdrawalRequestList({ requests, link }: { requests: readonly WithdrawalRequest[]; link: 'task' | 'deliberation' }) {
  if (requests.length === 0) return null
  return (
    <section>
      <h2>{L('居民议事会的撤回请求', 'Residents’ council requests to withdraw')}</h2>
      <ul class="requests">
        {requests.map((r) => (
          <li key={r.id}>
            <StateBadge state={r.state} /> <OrgName id={r.community} /> · {dateTime(r.requestedAt)}
            <p class="quoted">{r.reason}</p>
            {r.answer !== null && (
              <p>
                <strong>{L(ANSWER[r.answer.decision].zh, ANSWER[r.answer.decision].en)}</strong>: {r.answer.reason} · {dateTime(r.answer.decidedAt)}
              </p>
            )}
            {r.state === 'lapsed' && <p class="muted">{L('任务期限届满时办公室仍未答复。', 'The task’s period ended before the office answered.')}</p>}
            <p>{link === 'task' ? <a href={`#/deliberations/${r.deliberation}`}>{L('查看议事会决议', 'Read the resolution')}</a> : <a href={`#/tasks/${r.task}`}>{L('查看任务', 'Open the task')}</a>}</p>
          </li>
        ))}
      </ul>
    </section>
  )
}

/** The requests an answer on the task may name: those still waiting. */
export const answerChoices = (requests: readonly WithdrawalRequest[]): Choices => ({
  withdrawalRequest: requests.filter((r) => r.state === 'pending').map((r) => ({ value: r.id, label: `${r.reason.slice(0, 40)} (${dateTime(r.requestedAt)})` }))
})
