/**
 * Request examples for the document, bodies of the demo city as in the README's tour of the
 * council: east-s1-c1's council (npm run token -- council east-s1-c1 east-s1-c1.council) and its
 * residents' committee (npm run token -- community east-s1-c1 east-s1-c1.staff).
 */

const named = (examples: Record<string, { summary: string; value: unknown }>) => examples

/** POST /v1/councils/east-s1-c1/members. */
export const COUNCIL_MEMBER = { sub: 'm01', name: '王建国', position: 'chair', partyMember: true, termStart: '2026-01-01', termEnd: '2030-12-31' }

export const COUNCIL_MEMBER_CHANGES = named({
  vice: { summary: 'a member becomes the vice chair (the one before becomes a member)', value: { position: 'vice_chair' } },
  term: { summary: 'a by-election: the term ends earlier', value: { termEnd: '2028-12-31' } }
})

export const COUNCIL_IMPORT_CSV = 'sub,name,position,partyMember,termStart,termEnd\nm01,王建国,chair,是,2026-01-01,2030-12-31\nm02,李秀英,vice_chair,否,2026-01-01,2030-12-31\nm03,"张伟,退休教师",member,否,2026-01-01,2030-12-31\n'

export const COUNCIL_IMPORT_JSON = [
  { sub: 'm01', name: '王建国', position: 'chair', partyMember: true, termStart: '2026-01-01', termEnd: '2030-12-31' },
  { sub: 'm02', name: '李秀英', position: 'vice_chair', partyMember: false, termStart: '2026-01-01', termEnd: '2030-12-31' }
]

/** POST /v1/deliberations (step 1 建议). */
export const DELIBERATION = {
  origin: 'residents',
  proposer: '3号楼居民',
  title: '3号楼加装电动自行车充电棚',
  text: '3号楼居民建议在楼后空地加装电动自行车充电棚，解决楼道充电的消防隐患。'
}

/** POST /v1/deliberations/{id}/events, one per step of the tour. */
export const DELIBERATION_EVENT_EXAMPLES = named({
  MOTION: {
    summary: '2 提议: the council writes its motion and names the track (council)',
    value: { type: 'MOTION', track: 'general', trackReason: '费用由物业维修资金列支，不涉及全体居民重大利益', motion: '建议在3号楼后空地加装充电棚一座，设充电位20个。' }
  },
  COMMITTEE_REVIEW: { summary: 'the two committees review the motion (community)', value: { type: 'COMMITTEE_REVIEW', outcome: 'approved', opinion: '同意提交议事会会议表决' } },
  COUNCIL_RESOLVE: {
    summary: '3 决议: the council meeting’s record and its resolution (council)',
    value: {
      type: 'COUNCIL_RESOLVE',
      meeting: {
        heldOn: '2026-10-09',
        noticeGivenOn: '2026-09-28',
        attended: ['m01', 'm02', 'm03'],
        votes: { for: ['m01', 'm02'], against: [], abstain: ['m03'] },
        minutes: '议事会第5次会议：应到3人，实到3人；同意2票，弃权1票。',
        documents: [{ title: '会议纪要', uri: 'https://example.org/minutes/5.pdf' }]
      },
      text: '同意在3号楼后空地加装充电棚一座。'
    }
  },
  JOINT_REVIEW: {
    summary: 'major 3 审议: the joint meeting of the two committees (community)',
    value: { type: 'JOINT_REVIEW', outcome: 'approved', opinion: '同意提请居民代表会议决议', jointMeeting: { heldOn: '2026-10-09', attended: 9, minutes: '两委联席会议纪要' } }
  },
  RESIDENTS_RESOLVE: {
    summary: 'major 4 决议: the residents’ representatives’ meeting (community)',
    value: {
      type: 'RESIDENTS_RESOLVE',
      assembly: { kind: 'representatives_meeting', heldOn: '2026-10-09', noticeGivenOn: '2026-09-28', called: 30, attended: 24, votes: { for: 20, against: 3, abstain: 1 }, minutes: '居民代表会议纪要' },
      text: '同意实施小区雨污分流改造。'
    }
  },
  FILE: { summary: '4 备案: filed with the two committees (community)', value: { type: 'FILE', note: '已报社区两委备案' } },
  PUBLISH: { summary: '5 公开: the result is published; the publicity period runs (community)', value: { type: 'PUBLISH', note: '在社区公示栏和微信群公开' } },
  PROGRESS: { summary: '6 实施: a progress note (community)', value: { type: 'PROGRESS', note: '施工单位已进场', on: '2026-10-09' } },
  COMPLETE: { summary: '6 实施: carried out (community)', value: { type: 'COMPLETE', result: '充电棚已建成并投入使用' } },
  WITHDRAW: { summary: 'withdrawn before a resolution: the item stays, marked withdrawn (council or community)', value: { type: 'WITHDRAW', reason: '居民已另行协商解决' } }
})
