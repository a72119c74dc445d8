import type { DeliberationParameters } from '../types.js'

// The residents' deliberation council's rules as the default pack carries them. Where the source
// says a thing, the section is cited; where a value is how councils commonly work and no source
// here sets it, the note says so, and a city sets its own in its pack.
const SIX_STEPS = { source: 'zhangjiagang-2016', section: '四(二)四 创新设立议事会（六步工作法）' }

export const DEFAULT_DELIBERATION: DeliberationParameters = {
  councilQuorum: {
    numerator: 1,
    denominator: 2,
    inclusive: false,
    source: SIX_STEPS,
    note: '文件规定由议事会通知召开议事会会议、按少数服从多数的原则表决，未规定出席人数；过半数成员出席方可开会为通行做法，非文件规定。'
  },
  councilMajority: {
    numerator: 1,
    denominator: 2,
    inclusive: false,
    source: SIX_STEPS,
    note: '“少数服从多数”在此读作出席成员过半数赞成方为通过（通行做法）。'
  },
  representativesQuorum: {
    numerator: 2,
    denominator: 3,
    inclusive: true,
    source: { source: 'villagers-committee-law', section: '第二十六条' },
    note: '该条规定村民代表会议须有三分之二以上组成人员参加方可召开；居民代表会议参照执行为通行做法，《城市居民委员会组织法》未规定居民代表会议的出席人数。'
  },
  representativesMajority: {
    numerator: 1,
    denominator: 2,
    inclusive: false,
    source: { source: 'villagers-committee-law', section: '第二十六条' },
    note: '所作决定应当经到会人员的过半数同意；居民代表会议参照执行。'
  },
  residentsQuorum: { numerator: 1, denominator: 2, inclusive: false, source: { source: 'residents-committee-law', section: '第九条' } },
  residentsMajority: { numerator: 1, denominator: 2, inclusive: false, source: { source: 'residents-committee-law', section: '第九条' } },
  noticeWorkingDays: {
    days: 3,
    source: SIX_STEPS,
    note: '文件规定会议须事先通知，未规定提前天数；提前3个工作日通知为常见做法，非文件规定。'
  },
  publicityWorkingDays: {
    days: 5,
    source: SIX_STEPS,
    note: '文件规定决定结果、决议和实施结果须公开，未规定公示期；公示5个工作日为常见做法，非文件规定。'
  }
}
