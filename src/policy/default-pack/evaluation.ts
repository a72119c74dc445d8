import type { EvaluationParameters } from '../types.js'

/**
 * The two-way evaluation (双向考评 / 倒评) as the default pack runs it. The reform documents
 * say that departments are to be rated and that satisfaction is to weigh more, and one sets
 * a target; none gives a scale, a deadline or a formula. Those are this pack's choices, said
 * so in each `note`, for a city to replace with its own pack.
 */
export const DEFAULT_EVALUATION: EvaluationParameters = {
  period: 'year',
  ratingWorkingDays: 10,
  scale: {
    kind: 'levels',
    levels: [
      { code: 'satisfied', name: { zh: '满意', en: 'satisfied' }, score: 100, satisfied: true },
      { code: 'basically_satisfied', name: { zh: '基本满意', en: 'basically satisfied' }, score: 80, satisfied: true },
      { code: 'not_quite_satisfied', name: { zh: '不太满意', en: 'not quite satisfied' }, score: 40, satisfied: false },
      { code: 'dissatisfied', name: { zh: '不满意', en: 'dissatisfied' }, score: 0, satisfied: false }
    ]
  },
  satisfactionTarget: 0.85,
  weights: { satisfaction: 0.6, admission: 0.2, burden: 0.1, funding: 0.1 },
  penalties: { confirmedBurdenReport: 20, unfundedTask: 20 },
  basis: {
    period: {
      refs: [{ source: 'nantong-2013', section: '（十八）提高基层民主自治水平' }],
      note: 'A yearly round, as the yearly breakdown of tasks that sets the 85 % target is yearly; a half-year is a city’s choice.'
    },
    ratingWorkingDays: {
      refs: [],
      note: 'No document sets how long the rating runs: ten working days is this pack’s choice.'
    },
    scale: {
      refs: [{ source: 'nanjing-2014', section: '二.18 建立双向考评制度' }],
      note:
        'The four levels 满意 / 基本满意 / 不太满意 / 不满意 are common practice in cities’ satisfaction surveys; the scores 100 / 80 / 40 / 0, and that 满意 and 基本满意 count as satisfied, are this pack’s choice.'
    },
    satisfactionTarget: {
      refs: [{ source: 'nantong-2013', section: '（十八）提高基层民主自治水平：推行居民评议政府部门参与社区建设的“倒评”机制……城乡居民满意率达85%以上' }],
      note: 'The target is the document’s: 85 % of residents satisfied.'
    },
    weights: {
      refs: [
        { source: 'nanjing-2014', section: '二.18 建立双向考评制度：提高群众满意度在部门考核中的权重' },
        { source: 'nanjing-2014', section: '二.17 改进街道工作目标考评：街道、社区考评中群众主观评价权重分别不低于50%、70%' }
      ],
      note:
        'The document raises the weight of satisfaction without a figure for departments; 60 % follows the floors it sets for streets (50 %) and communities (70 %). The gate record’s 40 % and its split (admission 20 %, burden reports 10 %, funding 10 %) are this pack’s choice.'
    },
    penalties: {
      refs: [
        { source: 'nanjing-2014', section: '二.11 检查督查制度' },
        { source: 'nanjing-2014', section: '二.4 费随事转' }
      ],
      note: 'Confirmed burden reports, unfunded tasks and funding that arrived after the grace period count against a department; 20 points each is this pack’s choice.'
    }
  }
}
