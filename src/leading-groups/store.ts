import type { Knex } from 'knex'

export interface GroupMember {
  orgUnit: string
  sub: string
  name: string
  homeDepartment: string | null
  chair: boolean
}

interface DbGroupMemberRow {
  org_unit_id: string
  sub: string
  name: string
  home_department_id: string | null
  chair: boolean | number
}

const fromRow = (r: DbGroupMemberRow): GroupMember => ({
  orgUnit: r.org_unit_id,
  sub: r.sub,
  name: r.name,
  homeDepartment: r.home_department_id,
  // SQLite has no boolean type and hands back 0 or 1.
  chair: Boolean(r.chair)
})

export async function listMembers(db: Knex, orgUnit: string): Promise<GroupMember[]> {
  const rows = (await db('group_members').where({ org_unit_id: orgUnit }).orderBy('seq')) as DbGroupMemberRow[]
  return rows.map(fromRow)
}

export async function insertMember(db: Knex, m: GroupMember, now: string): Promise<void> {
  await db('group_members').insert({
    org_unit_id: m.orgUnit,
    sub: m.sub,
    name: m.name,
    home_department_id: m.homeDepartment,
    chair: m.chair,
    created_at: now
  })
}
