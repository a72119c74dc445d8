/** Principals' roles. JWT claims, route guards and the machine's event table read this list. */
export const ROLES = ['department', 'office', 'leading_group', 'community', 'admin'] as const
export type Role = (typeof ROLES)[number]

export const ORG_KINDS = ['city', 'district', 'street', 'community', 'department'] as const
export type OrgKind = (typeof ORG_KINDS)[number]
