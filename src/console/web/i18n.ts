import { signal } from '@preact/signals'
import type { AdmissionEventType, TaskState } from '../../../machines/admission'
import type { BurdenReportEventType, BurdenReportState } from '../../../machines/burden-report'
import type { DeliberationEventType, DeliberationState } from '../../../machines/deliberation'
import type { EvaluationEventType, EvaluationState } from '../../../machines/evaluation'
import type { WithdrawalRequestState } from '../../withdrawals/store'
import { setApiLanguage } from './api'

export type Language = 'zh' | 'en'
export interface Bilingual {
  zh: string
  en: string
}

const stored = localStorage.getItem('zhunru.language')
export const language = signal<Language>(stored === 'en' ? 'en' : 'zh')
setApiLanguage(language.value)

export function setLanguage(l: Language): void {
  language.value = l
  localStorage.setItem('zhunru.language', l)
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en'
  setApiLanguage(l)
}

/** The text in the reader's language. */
export const tr = (b: Bilingual): string => b[language.value]
/** Both languages inline, for a short label. */
export const L = (zh: string, en: string): string => (language.value === 'zh' ? zh : en)

const ZONE = 'Asia/Shanghai'

/** A moment, as a reader in China reads it. */
export function dateTime(iso: string): string {
  return new Intl.DateTimeFormat(language.value === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: ZONE, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso))
}

/** A civil day ('YYYY-MM-DD'), written out; no time zone shifts it. */
export function day(d: string): string {
  return new Intl.DateTimeFormat(language.value === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'UTC', dateStyle: 'medium' }).format(new Date(`${d}T00:00:00Z`))
}

/** Today in China, as the gate counts days. */
export function chinaToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}

/** Yuan with digit grouping. */
export function yuan(n: number): string {
  return new Intl.NumberFormat(language.value === 'zh' ? 'zh-CN' : 'en', { style: 'currency', currency: 'CNY', maximumFractionDigits: 2 }).format(n)
}

export const number = (n: number): string => new Intl.NumberFormat(language.value === 'zh' ? 'zh-CN' : 'en').format(n)

// Typed by the machines' own unions: a state or event a machine gains and the console does not name fails its build.
type EscalationStage = 'office_review' | 'consultation' | 'leading_group'
const STATES: Record<TaskState | EscalationStage | BurdenReportState | DeliberationState | EvaluationState | WithdrawalRequestState, Bilingual> = {
  draft: { zh: '草稿', en: 'draft' },
  screening: { zh: '筛查中', en: 'screening' },
  returned: { zh: '已退回', en: 'returned' },
  escalated: { zh: '待审议', en: 'escalated' },
  office_review: { zh: '办公室审查', en: 'office review' },
  consultation: { zh: '征求意见', en: 'consultation' },
  leading_group: { zh: '领导小组审议', en: 'leading group' },
  admitted: { zh: '已准入', en: 'admitted' },
  active: { zh: '实施中', en: 'active' },
  suspended: { zh: '已暂停', en: 'suspended' },
  completed: { zh: '已完成', en: 'completed' },
  revoked: { zh: '已撤销', en: 'revoked' },
  rejected: { zh: '已否决', en: 'rejected' },
  withdrawn: { zh: '已撤回', en: 'withdrawn' },
  proposed: { zh: '已提议', en: 'proposed' },
  committee_review: { zh: '两委审核', en: 'committee review' },
  council_resolution: { zh: '议事会决议', en: 'council resolution' },
  joint_review: { zh: '两委联席审议', en: 'joint review' },
  residents_resolution: { zh: '居民（代表）会议决议', en: "residents' resolution" },
  resolved: { zh: '已决议', en: 'resolved' },
  filed: { zh: '已备案', en: 'filed' },
  published: { zh: '已公开', en: 'published' },
  implementing: { zh: '实施中', en: 'implementing' },
  result_published: { zh: '实施结果公示', en: 'result published' },
  implemented: { zh: '已实施', en: 'implemented' },
  open: { zh: '已开启', en: 'open' },
  rating: { zh: '评议中', en: 'rating' },
  closed: { zh: '已截止', en: 'closed' },
  reported: { zh: '已举报', en: 'reported' },
  investigating: { zh: '核查中', en: 'investigating' },
  confirmed: { zh: '已证实', en: 'confirmed' },
  dismissed: { zh: '不予证实', en: 'dismissed' },
  pending: { zh: '待答复', en: 'pending' },
  kept: { zh: '保留', en: 'kept' },
  lapsed: { zh: '期满未答复', en: 'lapsed unanswered' }
}
export const stateName = (s: string | null | undefined): string => (s == null ? '' : s in STATES ? tr(STATES[s as keyof typeof STATES]) : s)

// The first event of each record, written by the service that creates it rather than sent to a machine.
type CreationEvent = 'CREATE' | 'REPORT' | 'PROPOSE' | 'OPEN'
const EVENTS: Record<AdmissionEventType | BurdenReportEventType | DeliberationEventType | EvaluationEventType | CreationEvent, Bilingual> = {
  SUBMIT: { zh: '提交', en: 'Submit' },
  REVISE: { zh: '修改', en: 'Revise' },
  WITHDRAW: { zh: '撤回', en: 'Withdraw' },
  OFFICE_RETURN: { zh: '退回', en: 'Return' },
  PUT_ON_AGENDA: { zh: '提交领导小组审议', en: 'Put on the agenda' },
  OPEN_CONSULTATION: { zh: '征求街道社区意见', en: 'Open a consultation' },
  CONSULTATION_REPLY: { zh: '答复意见', en: 'Reply' },
  CLOSE_CONSULTATION: { zh: '结束征求意见', en: 'Close the consultation' },
  VOTE: { zh: '表决', en: 'Vote' },
  DECIDE: { zh: '作出决定', en: 'Decide' },
  ACTIVATE: { zh: '开始实施', en: 'Activate' },
  COMPLETE: { zh: '完成', en: 'Complete' },
  SUSPEND: { zh: '暂停', en: 'Suspend' },
  RESUME: { zh: '恢复', en: 'Resume' },
  REVOKE: { zh: '撤销', en: 'Revoke' },
  DECLINE_WITHDRAWAL: { zh: '保留任务（答复撤回请求）', en: 'Keep the task' },
  INVESTIGATE: { zh: '开始核查', en: 'Investigate' },
  CONFIRM: { zh: '证实', en: 'Confirm' },
  DISMISS: { zh: '不予证实', en: 'Dismiss' },
  MOTION: { zh: '形成提议', en: 'Write the motion' },
  COMMITTEE_REVIEW: { zh: '两委审核', en: 'Committee review' },
  COUNCIL_RESOLVE: { zh: '议事会决议', en: 'Council resolves' },
  JOINT_REVIEW: { zh: '两委联席审议', en: 'Joint review' },
  RESIDENTS_RESOLVE: { zh: '居民（代表）会议决议', en: 'Residents resolve' },
  FILE: { zh: '备案', en: 'File' },
  PUBLISH: { zh: '公开', en: 'Publish' },
  PROGRESS: { zh: '记录实施进展', en: 'Record progress' },
  SET_DEPARTMENTS: { zh: '设定参评部门', en: 'Set departments' },
  START: { zh: '开始评议', en: 'Start rating' },
  CLOSE: { zh: '截止评议', en: 'Close' },
  RATE: { zh: '评价', en: 'Rate' },
  DEADLINE: { zh: '评议期满', en: 'Deadline passed' },
  PUBLICITY_ENDED: { zh: '公示期满', en: 'Publicity period ended' },
  CREATE: { zh: '起草', en: 'Drafted' },
  REPORT: { zh: '举报', en: 'Reported' },
  PROPOSE: { zh: '提出建议', en: 'Proposed' },
  OPEN: { zh: '开启评议', en: 'Round opened' }
}
export const eventName = (e: string): string => (e in EVENTS ? tr(EVENTS[e as keyof typeof EVENTS]) : e)

const ROLE_NAMES: Record<string, Bilingual> = {
  department: { zh: '职能部门', en: 'department' },
  office: { zh: '领导小组办公室', en: 'office' },
  leading_group: { zh: '领导小组成员', en: 'leading group' },
  street: { zh: '街道', en: 'street' },
  community: { zh: '社区', en: 'community' },
  admin: { zh: '系统管理员', en: 'admin' },
  council: { zh: '居民议事会', en: "residents' council" }
}
export const roleName = (r: string): string => (ROLE_NAMES[r] ? tr(ROLE_NAMES[r]) : r)

const VERDICTS: Record<string, Bilingual> = {
  admit: { zh: '准入', en: 'admit' },
  escalate: { zh: '提交审议', en: 'escalate' },
  return: { zh: '退回修改', en: 'return' },
  reject: { zh: '不予准入', en: 'reject' }
}
export const verdictName = (v: string): string => (VERDICTS[v] ? tr(VERDICTS[v]) : v)
