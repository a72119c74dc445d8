// The tasks the benchmark sends: realistic submissions the gate admits (as in
// test/tasks.test.ts), the template rows for the read tests, and the screening set.

import type { PrincipalClaims } from '../src/platform/token.js'
import { chinaDate } from '../src/clock.js'
import { DEMO_ORG_TREE } from '../src/demo.js'
import type { Submitter, TaskDeclaration } from '../src/policy/types.js'
import type { TaskInputT } from '../src/tasks/schemas.js'
import { normalizeDeclaration } from '../src/tasks/declaration.js'
import { TASK_FIXTURES } from '../test/fixtures/tasks.js'

export const EAST_CIVIL: PrincipalClaims = { sub: 'zhao.lei', role: 'department', org: 'east-civil' }
export const WEST_CIVIL: PrincipalClaims = { sub: 'bench.west', role: 'department', org: 'west-civil' }
export const CITY_CIVIL: PrincipalClaims = { sub: 'li.min', role: 'department', org: 'city-civil' }
export const EAST_HOUSING: PrincipalClaims = { sub: 'bench.housing', role: 'department', org: 'east-housing' }

/** A funded assisted item of the civil-affairs sector (AT-18, at least 6000 yuan per target): admitted. */
export const fundedAssistance = (over: Partial<TaskInputT> = {}): TaskInputT => ({
  title: '协助开展城乡低保家庭困难排查与公示',
  description: '社区协助民政部门开展低保家庭入户走访、困难排查,并在社区公示栏公示审核结果。',
  targetLevel: 'community',
  targets: ['east-s1-c1', 'east-s1-c2'],
  kind: 'service',
  catalogItem: 'AT-18',
  legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条' }],
  funding: { perTarget: 20000, source: '区财政社会救助专项', committed: true },
  period: { start: '2027-03-01', end: '2027-12-31' },
  workloadHours: 120,
  ...over
})

/** What each connection cycles through in the submit test: four admitted variants. */
export const SUBMIT_BODIES: TaskInputT[] = [
  fundedAssistance(),
  fundedAssistance({
    title: '关于请各社区协助开展2027年度城乡低保家庭入户核查工作的通知',
    targets: ['east-s1-c1', 'east-s1-c2', 'east-s2-c1', 'east-s2-c2'],
    funding: { perTarget: 6000, source: '区财政社会救助专项资金', committed: true },
    period: { start: '2027-04-01', end: '2027-09-30' },
    workloadHours: 80
  }),
  fundedAssistance({
    title: '协助开展临时救助对象困难排查与公示',
    description: '社区协助排查临时救助对象家庭困难情况,入户调查后在社区公示栏公示。',
    targets: ['east-s2-c1'],
    funding: { perTarget: 12000, source: '区财政临时救助专项', committed: true },
    period: { start: '2027-05-01', end: '2027-11-30' },
    workloadHours: 60
  }),
  fundedAssistance({
    title: '协助开展2027年度社会救助对象入户调查',
    targets: ['east-s1-c2', 'east-s2-c2'],
    funding: { perTarget: 8000, source: '市财政社会救助专项', committed: true },
    legalBasis: [{ title: '《社会救助暂行办法》', article: '第十一条' }, { title: '《最低生活保障审核确认办法》' }],
    period: { start: '2027-03-15', end: '2027-12-15' },
    workloadHours: 100
  })
]

export interface Template {
  label: string
  principal: PrincipalClaims
  body: TaskInputT
  expectState: string
}

const unlisted = (over: Partial<TaskInputT> = {}): TaskInputT =>
  fundedAssistance({
    title: '协助开展社区养老服务需求调查',
    description: '社区协助入户了解老年人养老服务需求。',
    catalogItem: undefined,
    legalBasis: [{ title: '《老年人权益保障法》' }],
    funding: { perTarget: 5000, source: '区福彩公益金', committed: true },
    ...over
  })

/**
 * The rows the read tests replicate: created through the API, so every column is what the
 * server writes. The mix (three of eight admitted, three of eight from east-civil) keeps the
 * filtered list honest: most rows do not match it.
 */
export const TEMPLATES: Template[] = [
  { label: 'east-civil admitted', principal: EAST_CIVIL, body: fundedAssistance(), expectState: 'admitted' },
  { label: 'east-civil returned (no funding)', principal: EAST_CIVIL, body: fundedAssistance({ funding: undefined }), expectState: 'returned' },
  { label: 'east-civil escalated (on no list)', principal: EAST_CIVIL, body: unlisted(), expectState: 'escalated' },
  {
    label: 'east-civil rejected (招商引资)',
    principal: EAST_CIVIL,
    body: unlisted({ title: '关于下达2027年度社区招商引资任务的通知', description: '各社区完成招商引资任务。', kind: 'service' }),
    expectState: 'rejected'
  },
  {
    label: 'west-civil admitted',
    principal: WEST_CIVIL,
    body: fundedAssistance({ targets: ['west-s1-c1', 'west-s2-c2'], funding: { perTarget: 9000, source: '区财政社会救助专项', committed: true } }),
    expectState: 'admitted'
  },
  { label: 'west-civil returned', principal: WEST_CIVIL, body: fundedAssistance({ targets: ['west-s1-c2'], funding: undefined }), expectState: 'returned' },
  {
    label: 'city-civil admitted',
    principal: CITY_CIVIL,
    body: fundedAssistance({ targets: ['east-s1-c1', 'west-s2-c1'], funding: { perTarget: 8000, source: '市财政社会救助专项', committed: true } }),
    expectState: 'admitted'
  },
  {
    label: 'east-housing escalated',
    principal: EAST_HOUSING,
    body: unlisted({ title: '协助开展老旧小区改造意见征集', description: '社区协助收集居民对老旧小区改造方案的意见。', targets: ['east-s2-c1'] }),
    expectState: 'escalated'
  }
]

export interface ScreeningCase {
  name: string
  expected: string
  task: TaskDeclaration
  submitter: Submitter
}

function jurisdictionOf(departmentId: string): string | null {
  let unit = DEMO_ORG_TREE.find((u) => u.id === departmentId)
  while (unit && unit.kind !== 'city' && unit.kind !== 'district') unit = DEMO_ORG_TREE.find((u) => u.id === unit!.parentId)
  return unit?.id ?? null
}

/**
 * The day the acceptance fixtures are judged on: the China date of the suite's TEST_NOW
 * (test/helper.ts, 2026-10-09T02:00:00Z). On a later day some fixture periods fall inside the
 * application lead time and the outcomes drift from what the fixtures expect.
 */
export const FIXTURE_DAY = chinaDate(new Date('2026-10-09T02:00:00Z'))

/**
 * About fifty realistic tasks for the in-process comparison: evenly spaced picks from the
 * acceptance fixtures (test/fixtures/tasks.ts), which cover admit, return, escalate and reject,
 * each with the department that issues it, submitted on FIXTURE_DAY.
 */
export function screeningCases(count = 50, today = FIXTURE_DAY): ScreeningCase[] {
  const n = TASK_FIXTURES.length
  const picks = n <= count ? TASK_FIXTURES : Array.from({ length: count }, (_, i) => TASK_FIXTURES[Math.round((i * (n - 1)) / (count - 1))]!)
  return picks.map((f) => {
    const department = DEMO_ORG_TREE.find((u) => u.id === f.department)
    return {
      name: f.name,
      expected: f.expect.outcome,
      task: normalizeDeclaration(f.task as TaskInputT),
      submitter: { sector: department?.sector ?? null, jurisdiction: jurisdictionOf(f.department), submittedOn: today }
    }
  })
}
