/**
 * Request examples for the document, the ones the docs UI's "Try it out" sends: real bodies of
 * the demo city (npm start loads it), as in the README's tour, so that they are answered as the
 * tour says with a token of the demo account named. test/openapi.test.ts sends every one.
 */

/** POST /v1/tasks with a token of city-civil (npm run token -- department city-civil li.min): admitted at once. */
export const FUNDED_ASSISTED_TASK = {
  title: '协助开展社会救助困难排查与公示',
  description: '社区协助入户走访、困难排查,并公示审核结果。',
  targetLevel: 'community',
  targets: ['east-s1-c1', 'east-s1-c2'],
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条' }],
  funding: { perTarget: 8000, source: '市财政社会救助专项', committed: true },
  period: { start: '2027-03-01', end: '2027-12-31' },
  workloadHours: 120,
  submit: true
}

/** POST /v1/screenings, no token needed: rejected for the economic target 招商引资. */
export const ECONOMIC_TARGET_SCREENING = {
  title: '关于下达2027年度社区招商引资任务的通知',
  targetLevel: 'community',
  targets: ['east-s1-c1'],
  kind: 'service',
  period: { start: '2027-03-01', end: '2027-12-31' },
  workloadHours: 40,
  department: 'city-civil'
}

const named = (examples: Record<string, { summary: string; value: unknown }>) => examples

/** POST /v1/tasks/{id}/events, one per step of the tour's escalated task. */
export const TASK_EVENT_EXAMPLES = named({
  PUT_ON_AGENDA: { summary: 'the office puts an escalated task on the leading group’s agenda (office.city)', value: { type: 'PUT_ON_AGENDA' } },
  VOTE: { summary: 'a member votes (chen.chair, qian.member, feng.member)', value: { type: 'VOTE', vote: 'approve', reason: '同意纳入清单' } },
  DECIDE: {
    summary: 'the chair records the collective decision and amends the catalog (chen.chair)',
    value: { type: 'DECIDE', decision: 'approve', minutes: '第3次会议:应到4人(1人回避),同意3票', amendCatalog: { fundingMinimum: 5000 } }
  },
  OFFICE_RETURN: { summary: 'the office returns an escalated task to its department', value: { type: 'OFFICE_RETURN', reason: '请补充经费来源和测算依据后重新申报' } },
  WITHDRAW: { summary: 'the department withdraws its task', value: { type: 'WITHDRAW', reason: '工作安排调整,不再下派' } }
})

/** POST /v1/burden-reports with a token of east-s1-c1 (npm run token -- community east-s1-c1). */
export const BURDEN_REPORT = {
  department: 'city-civil',
  what: '要求社区每月填报困难群众走访台账并加盖公章,未经准入。',
  askedOn: '2026-09-15',
  evidence: '微信工作群通知截图:“请各社区于每月5日前报送走访台账(盖章版)”。'
}

/** POST /v1/burden-reports/{id}/events, the office of the report's jurisdiction (office.city). */
export const BURDEN_REPORT_EVENT_EXAMPLES = named({
  INVESTIGATE: { summary: 'open the investigation', value: { type: 'INVESTIGATE', reason: '已联系市民政局核实' } },
  CONFIRM: { summary: 'confirm it: the department must submit the task through the gate', value: { type: 'CONFIRM', directive: 'submit_through_gate', reason: '该台账任务未经准入审核' } },
  DISMISS: { summary: 'dismiss it, with the reason', value: { type: 'DISMISS', reason: '经核实,该事项属于社区依法履行职责事项' } }
})

/** POST /v1/webhooks, any token. */
export const WEBHOOK = { url: 'https://example.org/zhunru-hook', events: ['SUBMIT', 'DECIDE'], secret: 'a-shared-secret-of-16+' }

/** POST /v1/org-units, an admin token. */
export const ORG_UNIT = { id: 'east-s1-c9', kind: 'community', name: '东湖街道新建社区', parentId: 'east-s1' }

/** POST /v1/leading-groups/city/members, an admin token. */
export const LEADING_GROUP_MEMBER = { sub: 'zhang.member', name: '张委员', homeDepartment: 'city-civil', position: 'member' }

/** PATCH /v1/leading-groups/city/members/qian.member, an admin token. */
export const LEADING_GROUP_MEMBER_CHANGES = named({
  deputy: { summary: 'qian.member becomes the deputy chair: records decisions when the chair recuses', value: { position: 'deputy_chair' } },
  moved: { summary: 'a member now comes from 市卫生健康委员会, and recuses on its tasks', value: { name: '钱委员(市卫生健康委员会)', homeDepartment: 'city-health' } }
})

/** POST /v1/leading-groups/members/import?dryRun=true, an admin token: JSON. */
export const MEMBER_IMPORT_JSON = [
  { group: 'city', sub: 'qian.member', name: '钱委员', homeDepartment: null, position: 'deputy_chair' },
  { group: 'city', sub: 'zheng.member', name: '郑委员(市卫生健康委员会)', homeDepartment: 'city-health', position: 'member' }
]

/** The same as CSV (Content-Type: text/csv), as a spreadsheet saves it. */
export const MEMBER_IMPORT_CSV = 'group,sub,name,homeDepartment,position\ncity,qian.member,钱委员,,deputy_chair\ncity,zheng.member,"郑委员(市卫生健康委员会, 列席)",city-health,member\n'

/** PUT /v1/tasks/{id}/contract, the owning department. */
export const CONTRACT_TERMS = {
  paymentMethod: '按季度拨付',
  paymentSchedule: '每季度首月10日前拨付当季经费',
  deliverables: [{ name: '困难群众排查名册', due: '2027-06-30' }],
  contacts: [{ side: '市民政局', name: '李敏', phone: '010-12345678' }]
}

/** POST /v1/tasks/{id}/funding-confirmations, a target community. */
export const FUNDING_CONFIRMATION = { status: 'received', amount: 8000, staffArrived: true, note: '首季度经费已到账' }
