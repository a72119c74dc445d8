import type { Knex } from 'knex'
import type { PrincipalClaims } from './platform/token.js'
import { insertMember, type GroupMember } from './leading-groups/store.js'
import { insertOrgUnit, type OrgUnit } from './policy/org-units.js'

const unit = (id: string, kind: OrgUnit['kind'], name: string, parentId: string | null, sector: string | null = null): OrgUnit => ({
  id,
  kind,
  name,
  parentId,
  sector,
  closedAt: null
})

/**
 * A small, fictional city to try the gate on: two districts with two streets
 * each, two communities per street, and departments at city, district and street level.
 */
export const DEMO_ORG_TREE: OrgUnit[] = [
  unit('city', 'city', '示范市', null),
  unit('city-civil', 'department', '示范市民政局', 'city', 'civil_affairs'),
  unit('city-police', 'department', '示范市公安局', 'city', 'public_security'),
  unit('city-health', 'department', '示范市卫生健康委员会', 'city', 'health'),
  unit('city-stats', 'department', '示范市统计局', 'city', 'statistics'),
  unit('city-commerce', 'department', '示范市商务局', 'city', 'commerce'),
  unit('city-urban', 'department', '示范市城市管理局', 'city', 'urban_management'),
  unit('city-justice', 'department', '示范市司法局', 'city', 'justice'),
  ...(
    [
      ['east', '东湖区', [['east-s1', '东湖街道'], ['east-s2', '青山街道']]],
      ['west', '西岭区', [['west-s1', '西岭街道'], ['west-s2', '白沙街道']]]
    ] as const
  ).flatMap(([district, name, streets]) => [
    unit(district, 'district', name, 'city'),
    unit(`${district}-civil`, 'department', `${name}民政局`, district, 'civil_affairs'),
    unit(`${district}-housing`, 'department', `${name}住房和城乡建设局`, district, 'housing'),
    unit(`${district}-emergency`, 'department', `${name}应急管理局`, district, 'emergency_management'),
    unit(`${district}-hr`, 'department', `${name}人力资源和社会保障局`, district, 'human_resources'),
    ...streets.flatMap(([street, streetName]) => [
      unit(street, 'street', streetName, district),
      unit(`${street}-office`, 'department', `${streetName}办事处社会事务办`, street, 'civil_affairs'),
      unit(`${street}-c1`, 'community', `${streetName.replace('街道', '')}一社区`, street),
      unit(`${street}-c2`, 'community', `${streetName.replace('街道', '')}二社区`, street)
    ])
  ])
]

/**
 * Leading-group members. Some come from a department and recuse on its tasks
 * (zhou.civil on 市民政局's, he.civil on 东湖区民政局's); the chair records decisions (a deputy
 * chair, when a group has one, records them on the tasks of the chair's own department).
 */
export const DEMO_GROUP_MEMBERS: GroupMember[] = [
  { orgUnit: 'city', sub: 'chen.chair', name: '陈主任(市领导小组组长)', homeDepartment: null, position: 'chair' },
  { orgUnit: 'city', sub: 'zhou.civil', name: '周委员(市民政局)', homeDepartment: 'city-civil', position: 'member' },
  { orgUnit: 'city', sub: 'wu.police', name: '吴委员(市公安局)', homeDepartment: 'city-police', position: 'member' },
  { orgUnit: 'city', sub: 'qian.member', name: '钱委员', homeDepartment: null, position: 'member' },
  { orgUnit: 'city', sub: 'feng.member', name: '冯委员', homeDepartment: null, position: 'member' },
  { orgUnit: 'east', sub: 'sun.chair', name: '孙主任(东湖区领导小组组长)', homeDepartment: null, position: 'chair' },
  { orgUnit: 'east', sub: 'he.civil', name: '何委员(东湖区民政局)', homeDepartment: 'east-civil', position: 'member' },
  { orgUnit: 'east', sub: 'lv.member', name: '吕委员', homeDepartment: null, position: 'member' },
  { orgUnit: 'west', sub: 'shi.chair', name: '施主任(西岭区领导小组组长)', homeDepartment: null, position: 'chair' },
  { orgUnit: 'west', sub: 'zhang.housing', name: '张委员(西岭区住建局)', homeDepartment: 'west-housing', position: 'member' },
  { orgUnit: 'west', sub: 'kong.member', name: '孔委员', homeDepartment: null, position: 'member' }
]

/** Principals of the demo tree, for minting local tokens. */
export const DEMO_PRINCIPALS: Array<PrincipalClaims & { who: string }> = [
  { sub: 'li.min', role: 'department', org: 'city-civil', who: '市民政局 official' },
  { sub: 'wang.qiang', role: 'department', org: 'city-police', who: '市公安局 official' },
  { sub: 'zhao.lei', role: 'department', org: 'east-civil', who: '东湖区民政局 official' },
  { sub: 'office.city', role: 'office', org: 'city', who: '市社区建设领导小组办公室 staff' },
  { sub: 'office.east', role: 'office', org: 'east', who: '东湖区领导小组办公室 staff' },
  { sub: 'chen.chair', role: 'leading_group', org: 'city', who: '市领导小组 chair' },
  { sub: 'qian.member', role: 'leading_group', org: 'city', who: '市领导小组 member' },
  { sub: 'wu.police', role: 'leading_group', org: 'city', who: '市领导小组 member (市公安局)' },
  { sub: 'feng.member', role: 'leading_group', org: 'city', who: '市领导小组 member' },
  { sub: 'zhou.civil', role: 'leading_group', org: 'city', who: '市领导小组 member (市民政局: recused from its tasks)' },
  { sub: 'sun.chair', role: 'leading_group', org: 'east', who: '东湖区领导小组 chair' },
  { sub: 'lv.member', role: 'leading_group', org: 'east', who: '东湖区领导小组 member' },
  { sub: 'east-s1.staff', role: 'street', org: 'east-s1', who: '东湖街道 staff' },
  { sub: 'east-s1-c1.staff', role: 'community', org: 'east-s1-c1', who: '东湖一社区 worker' },
  { sub: 'east-s1-c1.council', role: 'council', org: 'east-s1-c1', who: '东湖一社区居民议事会 chair' },
  { sub: 'admin.east', role: 'admin', org: 'east', who: '东湖区 system operator (the district only)' },
  { sub: 'admin', role: 'admin', org: 'city', who: 'system operator' }
]

/** Who the demo tree's history says created it. */
const DEMO_SEED_ACTOR = { sub: 'zhunru-demo', org: null }

/** Loads the demo tree into an empty database; a database with any org unit is left alone. */
export async function seedDemoIfEmpty(db: Knex, now: string): Promise<boolean> {
  const [{ count }] = (await db('org_units').count({ count: '*' })) as Array<{ count: number | string }>
  if (Number(count) > 0) return false
  await db.transaction(async (trx) => {
    for (const u of DEMO_ORG_TREE) await insertOrgUnit(trx, u, now, DEMO_SEED_ACTOR)
    for (const m of DEMO_GROUP_MEMBERS) await insertMember(trx, m, now)
  })
  return true
}
