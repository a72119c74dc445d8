import { administersAll, type Principal } from '../platform/auth.js'
import { Problems } from '../platform/errors.js'
import type { Bilingual } from '../platform/language.js'
import type { OrgUnit } from '../policy/org-units.js'
import type { GateContext } from '../tasks/service.js'

/**
 * Who acts for a community's council and who reads it. The council (its chair or secretary)
 * and the residents' committee staff act for their own community only; its street, and the
 * office and admins of its district or city, read; nobody else does (the public reads what the
 * register publishes).
 */

/** Where a community lies: the ids a reader may stand for, the community first. */
export interface Place {
  community: string
  street: string
  jurisdiction: string
  city: string
}

/** The community's place in the tree, or 404 when the id is no community. */
export async function placeOf(ctx: GateContext, community: string): Promise<Place> {
  const chain = await ctx.orgs.lineage(ctx.db, community)
  if (chain[0]?.kind !== 'community') throw Problems.notFound('council of', community)
  return placeFrom(chain)
}

export function placeFrom(chain: readonly OrgUnit[]): Place {
  return {
    community: chain[0]!.id,
    // A community's parent is always a street (PARENT_KINDS).
    street: chain[1]!.id,
    // The nearest district, or the city where the community lies directly under it.
    jurisdiction: chain.find((u) => u.kind === 'district' || u.kind === 'city')!.id,
    city: chain.at(-1)!.id
  }
}

/** Which items a principal reads beyond the public ones. */
export type CouncilScope = { kind: 'all' } | { kind: 'community' | 'street' | 'jurisdiction'; orgUnit: string } | { kind: 'public' }

export function councilScope(p: Principal): CouncilScope {
  switch (p.role) {
    case 'admin':
      return administersAll(p) ? { kind: 'all' } : { kind: 'jurisdiction', orgUnit: p.org }
    case 'council':
    case 'community':
      return { kind: 'community', orgUnit: p.org }
    case 'street':
      return { kind: 'street', orgUnit: p.org }
    case 'office':
      return { kind: 'jurisdiction', orgUnit: p.org }
    // Departments and leading-group members are no party to a community's deliberations.
    case 'department':
    case 'leading_group':
      return { kind: 'public' }
  }
}

export function inCouncilScope(s: CouncilScope, place: Place): boolean {
  switch (s.kind) {
    case 'all':
      return true
    case 'community':
      return place.community === s.orgUnit
    case 'street':
      return place.street === s.orgUnit
    case 'jurisdiction':
      return place.jurisdiction === s.orgUnit || place.city === s.orgUnit
    case 'public':
      return false
  }
}

/** Why the principal may not manage this community's council (its members), or null. */
export function manageRefusal(p: Principal, place: Place): Bilingual | null {
  if (p.role === 'admin') {
    return inCouncilScope(councilScope(p), place) ? null : { zh: `${place.community}不在${p.org}管理员的管辖范围内`, en: `${place.community} is outside what the admin of ${p.org} administers` }
  }
  if (p.role !== 'council' && p.role !== 'community') {
    return { zh: `议事会成员由本社区议事会、居委会或管理员管理，令牌的角色为${p.role}`, en: `a council's members are managed by its council, its community's staff or an admin; the token has ${p.role}` }
  }
  return p.org === place.community ? null : { zh: `此议事会属于${place.community}，而非${p.org}`, en: `this council is of ${place.community}, not of ${p.org}` }
}

export function requireCouncilReader(p: Principal, place: Place): void {
  if (!inCouncilScope(councilScope(p), place)) {
    throw Problems.forbidden({ zh: `${place.community}的议事会仅供本社区、所属街道、区（市）办公室和管理员查阅`, en: `the council of ${place.community} is read by its community, its street, the office and admins of its district or city` })
  }
}

export function requireCouncilManager(p: Principal, place: Place): void {
  const why = manageRefusal(p, place)
  if (why !== null) throw Problems.forbidden(why)
}
