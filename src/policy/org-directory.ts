import type { Knex } from 'knex'
import type { OrgUnit } from './org-units.js'

interface DbOrgUnitRow {
  id: string
  kind: OrgUnit['kind']
  name: string
  parent_id: string | null
  sector: string | null
}

/**
 * The org tree as the gate checks it on every submission: which department is
 * asking, and whether its targets lie inside its reach. Org units are only ever
 * added, never moved or deleted (see routes/org-units.ts), so a unit once read
 * stays true and may be kept; an id not found is asked again next time, because
 * another process may have added it since.
 */
export class OrgDirectory {
  private readonly units = new Map<string, OrgUnit>()

  /** The unit itself first, then its parent, up to the root; empty when there is no such unit. */
  async lineage(db: Knex, id: string): Promise<OrgUnit[]> {
    await this.load(db, [id])
    return this.chain(id)
  }

  /**
   * The ids that are units of one of `kinds` inside `root` (the root itself
   * included), as a subtree query would find them, without walking the subtree.
   */
  async within(db: Knex, ids: readonly string[], root: string, kinds: readonly string[]): Promise<Set<string>> {
    await this.load(db, ids)
    const found = new Set<string>()
    for (const id of ids) {
      const chain = this.chain(id)
      if (chain.length > 0 && kinds.includes(chain[0]!.kind) && chain.some((u) => u.id === root)) found.add(id)
    }
    return found
  }

  private chain(id: string): OrgUnit[] {
    const chain: OrgUnit[] = []
    for (let unit = this.units.get(id); unit !== undefined; unit = unit.parentId === null ? undefined : this.units.get(unit.parentId)) chain.push(unit)
    return chain
  }

  /**
   * Reads the units not yet known, then their parents, a level per query. Units are
   * kept only once their whole ancestry is read: a concurrent caller must never find
   * a unit whose parent is still on its way.
   */
  private async load(db: Knex, ids: readonly string[]): Promise<void> {
    const read = new Map<string, OrgUnit>()
    const known = (id: string) => this.units.has(id) || read.has(id)
    let missing = [...new Set(ids.filter((id) => !known(id)))]
    while (missing.length > 0) {
      const parents = new Set<string>()
      // Chunked: a district-wide task names hundreds of communities, more than one statement's parameter limit.
      for (let i = 0; i < missing.length; i += 500) {
        const rows = (await db('org_units').whereIn('id', missing.slice(i, i + 500)).select('id', 'kind', 'name', 'parent_id', 'sector')) as DbOrgUnitRow[]
        for (const r of rows) read.set(r.id, { id: r.id, kind: r.kind, name: r.name, parentId: r.parent_id, sector: r.sector })
      }
      for (const unit of read.values()) if (unit.parentId !== null && !known(unit.parentId)) parents.add(unit.parentId)
      missing = [...parents]
    }
    for (const [id, unit] of read) this.units.set(id, unit)
  }
}
