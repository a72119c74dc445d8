// A city for the size benchmark (issue 11, item 5): districts → streets → communities, city and
// district departments, and admitted tasks of realistic reach, all written through the HTTP API
// of a running server (ZHUNRU_DEMO=0), so every row — org units, tasks, targets, events,
// screenings, projections, funding confirmations, burden reports — is what the server writes.

import type { PrincipalClaims } from '../../src/platform/token.js'
import { seededRandom } from './seed.js'

export interface CityShape {
  label: string
  districts: number
  streetsPerDistrict: number
  communitiesPerStreet: number
  /** City departments; the rest of `departments` are spread over the districts. */
  cityDepartments: number
  departments: number
  tasks: number
}

/** The city, and the same shape at a tenth of the communities and tasks (for the ratio). */
export const CITY: CityShape = { label: '4,000 communities', districts: 10, streetsPerDistrict: 10, communitiesPerStreet: 40, cityDepartments: 4, departments: 40, tasks: 20_000 }
export const TOWN: CityShape = { label: '400 communities', districts: 10, streetsPerDistrict: 10, communitiesPerStreet: 4, cityDepartments: 4, departments: 40, tasks: 2_000 }

/** One listed, funded assisted item per sector: what a department of that sector asks of communities and the gate admits. */
const ITEMS: Array<{ sector: string; code: string; title: string }> = [
  { sector: 'civil_affairs', code: 'AT-18', title: '协助开展社会救助困难排查、入户调查和公示' },
  { sector: 'health', code: 'AT-08', title: '协助开展爱国卫生运动和健康教育' },
  { sector: 'public_security', code: 'AT-05', title: '协助开展反电信网络诈骗宣传' },
  { sector: 'human_resources', code: 'AT-15', title: '协助开展就业失业登记、就业援助和就业培训宣传' },
  { sector: 'justice', code: 'AT-14', title: '协助开展普法宣传、法律援助咨询和公共法律服务' },
  { sector: 'urban_management', code: 'AT-37', title: '协助开展生活垃圾分类宣传和居民动员' },
  { sector: 'emergency_management', code: 'AT-26', title: '协助开展防灾减灾宣传、应急演练和灾情信息报告' },
  { sector: 'market_regulation', code: 'AT-34', title: '协助开展食品药品安全宣传' }
]

const pad = (n: number) => String(n).padStart(2, '0')

export interface CityTree {
  units: Array<{ id: string; kind: string; name: string; parentId: string | null; sector?: string }>
  districts: string[]
  streets: Map<string, string[]>
  communities: Map<string, string[]>
  allCommunities: string[]
  departments: Array<{ id: string; sector: string; jurisdiction: string }>
}

export function cityTree(shape: CityShape): CityTree {
  const units: CityTree['units'] = [{ id: 'city', kind: 'city', name: '江城市', parentId: null }]
  const districts: string[] = []
  const streets = new Map<string, string[]>()
  const communities = new Map<string, string[]>()
  for (let d = 1; d <= shape.districts; d++) {
    const district = `d${pad(d)}`
    districts.push(district)
    units.push({ id: district, kind: 'district', name: `第${d}区`, parentId: 'city' })
    streets.set(district, [])
    for (let s = 1; s <= shape.streetsPerDistrict; s++) {
      const street = `${district}-s${pad(s)}`
      streets.get(district)!.push(street)
      units.push({ id: street, kind: 'street', name: `第${d}区第${s}街道`, parentId: district })
      communities.set(street, [])
      for (let c = 1; c <= shape.communitiesPerStreet; c++) {
        const community = `${street}-c${pad(c)}`
        communities.get(street)!.push(community)
        units.push({ id: community, kind: 'community', name: `第${d}区第${s}街道第${c}社区`, parentId: street })
      }
    }
  }
  const departments: CityTree['departments'] = []
  for (let i = 0; i < shape.cityDepartments; i++) departments.push({ id: `city-${ITEMS[i]!.sector}`, sector: ITEMS[i]!.sector, jurisdiction: 'city' })
  for (let i = 0; departments.length < shape.departments; i++) {
    const district = districts[i % districts.length]!
    const item = ITEMS[(Math.floor(i / districts.length) + i) % ITEMS.length]!
    const id = `${district}-${item.sector}`
    if (departments.some((x) => x.id === id)) continue
    departments.push({ id, sector: item.sector, jurisdiction: district })
  }
  for (const d of departments) units.push({ id: d.id, kind: 'department', name: `${d.jurisdiction}·${d.sector}`, parentId: d.jurisdiction, sector: d.sector })
  return { units, districts, streets, communities, allCommunities: [...communities.values()].flat(), departments }
}

export interface PlannedTask {
  department: string
  body: Record<string, unknown>
  targets: string[]
}

/**
 * Tasks, spread evenly over the departments. Reach, as work lands on communities: three in four
 * name one community, most of the rest a few or a good part of one street, one in a hundred a
 * whole street; every district department also sends one task to its whole district, and two
 * city departments one each to the whole city. Periods fall in 2027 (the lead time rules out
 * earlier starts), one to ten months long; 40 or 120 hours; 6,000 to 30,000 yuan per community.
 */
export function cityTasks(shape: CityShape, tree: CityTree, seed = 11_05): PlannedTask[] {
  const rng = seededRandom(seed)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!
  const within = (jurisdiction: string) => (jurisdiction === 'city' ? tree.districts : [jurisdiction])
  const out: PlannedTask[] = []
  const plan = (department: CityTree['departments'][number], targets: string[], n: number) => {
    const item = ITEMS.find((i) => i.sector === department.sector)!
    const startMonth = 2 + Math.floor(rng() * 8)
    const months = 1 + Math.floor(rng() * Math.min(10, 12 - startMonth + 1))
    const endMonth = Math.min(12, startMonth + months - 1)
    const end = new Date(Date.UTC(2027, endMonth, 0)).toISOString().slice(0, 10)
    out.push({
      department: department.id,
      targets,
      body: {
        title: item.title,
        description: `社区${item.title}（第${n}批）。`,
        targetLevel: 'community',
        targets,
        kind: 'service',
        catalogItem: item.code,
        legalBasis: [{ title: '《中华人民共和国城市居民委员会组织法》', article: '第三条' }],
        funding: { perTarget: pick([6000, 8000, 12000, 20000, 30000]), source: '财政专项', committed: true },
        period: { start: `2027-${pad(startMonth)}-01`, end },
        workloadHours: pick([40, 40, 80, 120]),
        submit: true
      }
    })
  }
  const perDepartment = Math.floor(shape.tasks / tree.departments.length)
  tree.departments.forEach((department, di) => {
    const districts = within(department.jurisdiction)
    let n = 0
    if (department.jurisdiction !== 'city') plan(department, districts.flatMap((d) => tree.streets.get(d)!.flatMap((s) => tree.communities.get(s)!)), ++n)
    else if (di < 2) plan(department, tree.allCommunities, ++n)
    while (n < perDepartment) {
      const street = pick(tree.streets.get(pick(districts))!)
      const all = tree.communities.get(street)!
      const r = rng()
      const size = r < 0.75 ? 1 : r < 0.93 ? 2 + Math.floor(rng() * 4) : r < 0.99 ? Math.min(all.length, 6 + Math.floor(rng() * 15)) : all.length
      const targets = [...new Set(Array.from({ length: size }, () => pick(all)))].sort()
      plan(department, targets, ++n)
    }
  })
  return out
}

/** Runs `work` over `items` with at most `width` in flight. */
export async function inPool<T>(items: readonly T[], width: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        await work(items[i]!, i)
      }
    })
  )
}

export const admin: PrincipalClaims = { sub: 'bench.admin', role: 'admin', org: 'city' }
