import type { Bilingual } from './platform/language.js'

/** Principals' roles. JWT claims, route guards and the machine's event table read this list. */
export const ROLES = ['department', 'office', 'leading_group', 'street', 'community', 'admin', 'council'] as const
export type Role = (typeof ROLES)[number]

export const ORG_KINDS = ['city', 'district', 'street', 'community', 'department'] as const
export type OrgKind = (typeof ORG_KINDS)[number]

/**
 * The kinds of org a role acts for. A token naming an org of another kind is refused
 * before any route reads it: an "office" of a community or a "community" of a street
 * would otherwise pass every check that compares ids, and be trusted for what it is not.
 */
export const ROLE_ORG_KINDS: Record<Role, readonly OrgKind[]> = {
  department: ['department'],
  office: ['city', 'district'],
  leading_group: ['city', 'district'],
  street: ['street'],
  community: ['community'],
  admin: ['city', 'district'],
  // The residents' deliberation council (议事会) of a community: its chair or secretary records the council's steps.
  council: ['community']
}

/** The roles that act for the places tasks land on: they confirm funding, reply to consultations and report burdens. */
export const TARGET_ROLES = ['street', 'community'] as const satisfies readonly Role[]
export const isTargetRole = (role: Role): role is (typeof TARGET_ROLES)[number] => (TARGET_ROLES as readonly Role[]).includes(role)

/** The kinds as answers name them. */
export const ORG_KIND_NAMES: Record<OrgKind, Bilingual> = {
  city: { zh: '市', en: 'city' },
  district: { zh: '区', en: 'district' },
  street: { zh: '街道', en: 'street' },
  community: { zh: '社区', en: 'community' },
  department: { zh: '部门', en: 'department' }
}
