import type { Knex } from 'knex'
import { checkCitations } from './citations.js'
import { amendmentsOf, packRef, rebaseAmendments } from './pack.js'
import type { PolicyPack, PolicyRef } from './types.js'
import { fromJson, toJson } from '../engine/db.js'

export interface LoadedPack {
  pack: PolicyPack
  ref: PolicyRef
}

/**
 * Stores a pack version unless that exact version is there already. A version
 * whose stored content differs is refused with `taken`: a published version never changes.
 * A pack citing a source it does not name is refused before anything is stored.
 */
export async function ensurePack(db: Knex, pack: PolicyPack, now: string, taken: (detail: string) => Error = (detail) => new Error(detail)): Promise<LoadedPack> {
  checkCitations(pack)
  const ref = packRef(pack)
  const existing = await db('policy_packs').where({ pack_id: pack.id, version: pack.version }).first()
  if (existing) {
    if (existing.hash !== ref.hash) {
      // At start-up this is an edited pack (a plain error stops the server); for an amendment,
      // another decision published the same version first (the caller makes it a 409).
      throw taken(`policy pack ${pack.id} ${pack.version} is stored with hash ${existing.hash} but the code has ${ref.hash}; publish a new version instead of editing one`)
    }
    return { pack, ref }
  }
  await db('policy_packs').insert({ pack_id: pack.id, version: pack.version, hash: ref.hash, body: toJson(pack), loaded_at: now })
  return { pack, ref }
}

interface DbPolicyPackRow {
  seq: number
  pack_id: string
  version: string
  hash: string
  body: string
}

const fromRow = (row: DbPolicyPackRow): LoadedPack => ({
  pack: fromJson<PolicyPack>(row.body),
  ref: { id: row.pack_id, version: row.version, hash: row.hash }
})

/**
 * Loads the code's pack at start-up. A base version not stored yet becomes the pack in
 * force; if the one it replaces carried catalog amendments (items a leading group
 * added, 2026.2-a1 …), they are published again on top of it (2026.3-a1), so an upgrade
 * never drops a collective decision.
 */
export async function loadBasePack(db: Knex, base: PolicyPack, now: string): Promise<LoadedPack> {
  return db.transaction(async (trx) => {
    const stored = await trx('policy_packs').where({ pack_id: base.id, version: base.version }).first()
    if (stored) return ensurePack(trx, base, now)
    const head = await trx<DbPolicyPackRow>('policy_packs').where({ pack_id: base.id }).orderBy('seq', 'desc').first()
    const loaded = await ensurePack(trx, base, now)
    if (head === undefined) return loaded
    const previous = fromRow(head).pack
    const previousBase = previous.version.split('-')[0]!
    if (previousBase === previous.version) return loaded
    const rebased = rebaseAmendments(base, amendmentsOf(previous, (await storedPack(trx, { id: previous.id, version: previousBase })).pack))
    return rebased === null ? loaded : ensurePack(trx, rebased, now)
  })
}

/** A pack a screening recorded, exactly as decisions were once made with it: published packs are never deleted. */
export async function storedPack(db: Knex, ref: { id: string; version: string }): Promise<LoadedPack> {
  return fromRow((await db<DbPolicyPackRow>('policy_packs').where({ pack_id: ref.id, version: ref.version }).first())!)
}

/**
 * The pack in force: the one stored last. Every server process asks the database
 * (one indexed row), so an amendment made through one process is used by all.
 */
export class CurrentPack {
  private cached: { seq: number; loaded: LoadedPack } | null = null

  async get(db: Knex): Promise<LoadedPack> {
    return (await this.head(db)).loaded
  }

  /**
   * The pack a transition is planned with, without asking the database while one
   * is known: the group commit reads the head in its transaction and refuses a
   * write planned with another pack (see `observe`), so staleness is never stored.
   */
  async forPlanning(db: Knex): Promise<{ seq: number; loaded: LoadedPack }> {
    return this.cached ?? this.head(db)
  }

  /** The head seq a commit saw: a different one means the next plan must ask again. */
  observe(seq: number): void {
    if (this.cached?.seq !== seq) this.cached = null
  }

  private async head(db: Knex): Promise<{ seq: number; loaded: LoadedPack }> {
    const seq = await packHead(db)
    if (this.cached?.seq !== seq) {
      this.cached = { seq, loaded: fromRow((await db<DbPolicyPackRow>('policy_packs').where({ seq }).first())!) }
    }
    return this.cached
  }
}

/** The seq of the pack in force. */
export async function packHead(db: Knex): Promise<number> {
  const head = (await db('policy_packs').max({ seq: 'seq' }).first()) as { seq: number | string }
  return Number(head.seq)
}
