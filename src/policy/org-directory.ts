import type { Knex } from 'knex'
import { ORG_UNIT_COLUMNS, orgUnitOf, type DbOrgUnitRow, type OrgUnit } from './org-units.js'

/**
 * The org tree as the gate checks it on every request and submission: whose token this
 * is, which department is asking, and whether its targets lie inside its reach. Units
 * read are kept while the tree's revision stays the same; a rename, move or close made
 * by any process bumps the revision in its own transaction, and every process then drops
 * what it kept (one indexed row read per call is the price). An id not found is asked
 * again next time, because another process may have added it since.
 */
export class OrgDirectory {
  private readonly units = new Map<string, OrgUnit>()
  private revision: number | null = null

  /** The unit itself first, then its parent, up to the root; empty when there is no such unit. */
  async lineage(db: Knex, id: string): Promise<OrgUnit[]> {
    return this.chain(await this.load(db, [id]), id)
  }

  /**
   * The ids that are units of one of `kinds` inside `root` (the root itself
   * included), as a subtree query would find them, without walking the subtree.
   * Closed units are found too: the caller says why they cannot be used.
   */
  async within(db: Knex, ids: readonly string[], root: string, kinds: readonly string[]): Promise<Map<string, OrgUnit>> {
    const read = await this.load(db, ids)
    const found = new Map<string, OrgUnit>()
    for (const id of ids) {
      const chain = this.chain(read, id)
      if (chain.length > 0 && kinds.includes(chain[0]!.kind) && chain.some((u) => u.id === root)) found.set(id, chain[0]!)
    }
    return found
  }

  private chain(read: ReadonlyMap<string, OrgUnit>, id: string): OrgUnit[] {
    const get = (id: string) => read.get(id) ?? this.units.get(id)
    const chain: OrgUnit[] = []
    for (let unit = get(id); unit !== undefined; unit = unit.parentId === null ? undefined : get(unit.parentId)) chain.push(unit)
    return chain
  }

  /**
   * Reads the units not yet known, then their parents, a level per query. Units are
   * kept only once their whole ancestry is read, and only if the tree did not change
   * meanwhile: a concurrent caller must never find a unit whose parent is still on its
   * way, nor one read before a move. Returns what this call read.
   */
  private async load(db: Knex, ids: readonly string[]): Promise<ReadonlyMap<string, OrgUnit>> {
    const revision = await treeRevision(db)
    if (revision !== this.revision) {
      this.units.clear()
      this.revision = revision
    }
    const read = new Map<string, OrgUnit>()
    const known = (id: string) => this.units.has(id) || read.has(id)
    let missing = [...new Set(ids.filter((id) => !known(id)))]
    while (missing.length > 0) {
      const parents = new Set<string>()
      // Chunked: a district-wide task names hundreds of communities, more than one statement's parameter limit.
      for (let i = 0; i < missing.length; i += 500) {
        const rows = (await db('org_units').whereIn('id', missing.slice(i, i + 500)).select(...ORG_UNIT_COLUMNS)) as DbOrgUnitRow[]
        for (const r of rows) read.set(r.id, orgUnitOf(r))
      }
      for (const unit of read.values()) if (unit.parentId !== null && !known(unit.parentId)) parents.add(unit.parentId)
      missing = [...parents]
    }
    // Another call saw a newer tree while this one read: this call answers from what it
    // read, but does not keep it, as it may be older than what the other call keeps.
    if (this.revision === revision) for (const [id, unit] of read) this.units.set(id, unit)
    return read
  }
}

/** The tree's revision: bumped by every change to org_units (org-units.ts). */
export async function treeRevision(db: Knex): Promise<number> {
  const row = (await db('org_tree').where({ id: 1 }).first('revision')) as { revision: number | string }
  return Number(row.revision)
}
