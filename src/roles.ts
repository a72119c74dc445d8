import type { Bilingual } from './platform/language.js'

/** Principals' roles. JWT claims, route guards and the machine's event table read this list. */
export const ROLES = ['department', 'office', 'leading_group', 'community', 'admin'] as const
export type Role = (typeof ROLES)[number]

export const ORG_KINDS = ['city', 'district', 'street', 'community', 'department'] as const
export type OrgKind = (typeof ORG_KINDS)[number]

/** The kinds as answers name them. */
export const ORG_KIND_NAMES: Record<OrgKind, Bilingual> = {
  city: { zh: '市', en: 'city' },
  district: { zh: '区', en: 'district' },
  street: { zh: '街道', en: 'street' },
  community: { zh: '社区', en: 'community' },
  department: { zh: '部门', en: 'department' }
}
