import type { RaterRole } from '../../machines/evaluation.js'
import type { Window } from '../burden/ledger.js'
import { EVALUATION_COMPONENTS, type Bilingual, type EvaluationComponent, type EvaluationParameters, type PolicyRef } from '../policy/types.js'

/**
 * A round's result: pure arithmetic over what is published with it, so that anyone holding the
 * published JSON can compute every total and rank again (test/evaluations.test.ts does).
 */

/** The gate's record of a department in the round's period (src/burden/scorecard.ts). */
export interface GateRecord {
  submitted: number
  admitted: number
  returned: number
  rejected: number
  confirmedBurdenReports: number
  unfunded: number
  /** Targets whose funding arrived, but after the grace period. */
  lateFunding: number
}

/** One department's inputs: its current ratings without who gave them, and its gate record. */
export interface DepartmentInputs {
  department: string
  /** Each rater's current rating, as the score it counts for, ascending: no order tells who gave which. */
  scores: number[]
  /** How many of those count as satisfied. */
  satisfied: number
  byRole: Record<RaterRole, number>
  /** Ratings per level code, for a level scale; null for points. */
  distribution: Record<string, number> | null
  record: GateRecord
}

export interface DepartmentResult {
  department: string
  n: number
  byRole: Record<RaterRole, number>
  distribution: Record<string, number> | null
  satisfaction: { score: number | null; rate: number | null; target: number; met: boolean | null }
  record: GateRecord
  components: Record<EvaluationComponent, number | null>
  total: number | null
  rank: number | null
}

export interface EvaluationMethod {
  formula: Bilingual
  components: Record<EvaluationComponent, Bilingual>
  weights: Record<EvaluationComponent, number>
  penalties: EvaluationParameters['penalties']
  scale: EvaluationParameters['scale']
  satisfactionTarget: number
  basis: EvaluationParameters['basis']
  policy: PolicyRef
  /** The gate record is counted over these days (China time). */
  window: Window
}

export interface EvaluationResult {
  /** Whether it is the frozen result of a published round, or what it would be now. */
  provisional: boolean
  computedAt: string
  method: EvaluationMethod
  inputs: DepartmentInputs[]
  departments: DepartmentResult[]
  area: { n: number; satisfied: number; rate: number | null; met: boolean | null; meanTotal: number | null }
}

/** Two decimals, half away from zero: how every published figure is rounded. */
export const round2 = (x: number): number => Math.sign(x) * Math.round(Math.abs(x) * 100) / 100
const round4 = (x: number): number => Math.round(x * 10000) / 10000

export const METHOD_TEXT: Pick<EvaluationMethod, 'formula' | 'components'> = {
  formula: {
    zh: '总分 = Σ(权重 × 分项得分) ÷ Σ权重，各分项得分先保留两位小数，总分保留两位小数；无评价的部门不计总分、不排名；按总分从高到低排名，同分同名次。',
    en: 'total = Σ(weight × component) ÷ Σ weights, each component first rounded to two decimals, the total to two decimals; a department without ratings has no total and no rank; ranked by total, highest first, equal totals sharing a rank.'
  },
  components: {
    satisfaction: {
      zh: '满意度得分：各评价单位当前评价所对应分值的平均数（每个街道、社区对每个部门计一次；所报组织人数仅供参考，不作权重）。',
      en: 'satisfaction: the mean of the scores of each rater’s current rating (each street and community counts once per department; the respondents a street reports are informational, not a weight).'
    },
    admission: {
      zh: '准入：期内提交的任务中，已准入数 ÷ (准入 + 退回 + 不予准入) × 100；无已决任务计100。',
      en: 'admission: of the tasks submitted in the period, admitted ÷ (admitted + returned + rejected) × 100; 100 when none was decided.'
    },
    burden: {
      zh: '督查：100 − 每件扣分 × 期内确认的督查线索数，最低为0。',
      en: 'burden: 100 − penalty × burden reports confirmed in the period, at least 0.'
    },
    funding: {
      zh: '费随事转：100 − 每件扣分 × (期内提交且被标记未落实经费的任务数 + 经费在宽限期后才到位的社区（街道）数)，最低为0。',
      en: 'funding: 100 − penalty × (tasks submitted in the period and flagged unfunded + targets whose funding arrived only after the grace period), at least 0.'
    }
  }
}

/** The components of one department, from its inputs alone. */
export function componentsOf(i: DepartmentInputs, p: Pick<EvaluationParameters, 'penalties'>): Record<EvaluationComponent, number | null> {
  const decided = i.record.admitted + i.record.returned + i.record.rejected
  return {
    satisfaction: i.scores.length === 0 ? null : round2(i.scores.reduce((a, b) => a + b, 0) / i.scores.length),
    admission: decided === 0 ? 100 : round2((100 * i.record.admitted) / decided),
    burden: Math.max(0, round2(100 - p.penalties.confirmedBurdenReport * i.record.confirmedBurdenReports)),
    funding: Math.max(0, round2(100 - p.penalties.unfundedTask * (i.record.unfunded + i.record.lateFunding)))
  }
}

export function totalOf(c: Record<EvaluationComponent, number | null>, weights: Record<EvaluationComponent, number>): number | null {
  if (c.satisfaction === null) return null
  const sum = EVALUATION_COMPONENTS.reduce((a, k) => a + weights[k], 0)
  return round2(EVALUATION_COMPONENTS.reduce((a, k) => a + weights[k] * c[k]!, 0) / sum)
}

/** Competition ranking: 1, 1, 3; departments without a total are not ranked. */
export function ranksOf(totals: ReadonlyArray<number | null>): Array<number | null> {
  return totals.map((t) => (t === null ? null : 1 + totals.filter((o) => o !== null && o > t).length))
}

export function computeResult(inputs: DepartmentInputs[], params: EvaluationParameters, policy: PolicyRef, window: Window, computedAt: string, provisional: boolean): EvaluationResult {
  const method: EvaluationMethod = {
    ...METHOD_TEXT,
    weights: params.weights,
    penalties: params.penalties,
    scale: params.scale,
    satisfactionTarget: params.satisfactionTarget,
    basis: params.basis,
    policy,
    window
  }
  const rows = inputs.map((i) => {
    const components = componentsOf(i, params)
    const n = i.scores.length
    const rate = n === 0 ? null : round4(i.satisfied / n)
    return {
      department: i.department,
      n,
      byRole: i.byRole,
      distribution: i.distribution,
      satisfaction: { score: components.satisfaction, rate, target: params.satisfactionTarget, met: rate === null ? null : rate >= params.satisfactionTarget },
      record: i.record,
      components,
      total: totalOf(components, params.weights),
      rank: null as number | null
    }
  })
  ranksOf(rows.map((r) => r.total)).forEach((rank, k) => (rows[k]!.rank = rank))
  const n = inputs.reduce((a, i) => a + i.scores.length, 0)
  const satisfied = inputs.reduce((a, i) => a + i.satisfied, 0)
  const totals = rows.flatMap((r) => (r.total === null ? [] : [r.total]))
  const rate = n === 0 ? null : round4(satisfied / n)
  return {
    provisional,
    computedAt,
    method,
    inputs,
    departments: rows,
    area: { n, satisfied, rate, met: rate === null ? null : rate >= params.satisfactionTarget, meanTotal: totals.length === 0 ? null : round2(totals.reduce((a, b) => a + b, 0) / totals.length) }
  }
}

/** The days a period covers: "2026" the year, "2026-H1" January to June, "2026-H2" July to December. */
export function periodWindow(period: string): Window {
  const year = period.slice(0, 4)
  if (period.endsWith('-H1')) return { from: `${year}-01-01`, to: `${year}-06-30` }
  if (period.endsWith('-H2')) return { from: `${year}-07-01`, to: `${year}-12-31` }
  return { from: `${year}-01-01`, to: `${year}-12-31` }
}
