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
 * Who published a version. `code`: the code's default pack, loaded at start-up; `upgrade`: a new
 * release of it with the amendments of the old one carried over; `decision`: a leading group's
 * approval that added an item; `cli` and `api`: a city's administrator (zhunru pack publish,
 * POST /v1/policy-packs). Once a city has published its own pack, the pack is the city's: a
 * release's default pack is no longer loaded over it at start-up.
 */
export type Publisher =
  | { via: 'code' }
  | { via: 'upgrade' }
  | { via: 'decision'; task: string; orgUnit: string }
  | { via: 'cli'; user: string }
  | { via: 'api'; sub: string; role: string; org: string }

interface PublisherColumn {
  version: string
  published_by: string | null
}

/** Versions stored before publishers were recorded are read by their version: an -aN was a decision. */
export function publisherOf(row: PublisherColumn): Publisher | { via: 'decision' } {
  if (row.published_by !== null) return fromJson<Publisher>(row.published_by)
  return /-a\d+$/.test(row.version) ? { via: 'decision' } : { via: 'code' }
}

/**
 * Stores a pack version unless that exact version is there already. A version
 * whose stored content differs is refused with `taken`: a published version never changes.
 * A pack citing a source it does not name is refused before anything is stored. Without a
 * publisher the version says who it was (see publisherOf).
 */
export async function ensurePack(
  db: Knex,
  pack: PolicyPack,
  now: string,
  taken: (detail: string) => Error = (detail) => new Error(detail),
  publishedBy: Publisher | null = null
): Promise<LoadedPack> {
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
  await db('policy_packs').insert({ pack_id: pack.id, version: pack.version, hash: ref.hash, body: toJson(pack), loaded_at: now, published_by: publishedBy === null ? null : toJson(publishedBy) })
  return { pack, ref }
}

export interface DbPolicyPackRow {
  seq: number
  pack_id: string
  version: string
  hash: string
  body: string
  loaded_at: string
  published_by: string | null
}

export const fromRow = (row: Pick<DbPolicyPackRow, 'pack_id' | 'version' | 'hash' | 'body'>): LoadedPack => ({
  pack: fromJson<PolicyPack>(row.body),
  ref: { id: row.pack_id, version: row.version, hash: row.hash }
})

/**
 * Loads the code's pack at start-up. A base version not stored yet becomes the pack in
 * force; if the one it replaces carried catalog amendments (items a leading group
 * added, 2026.2-a1 …), they are published again on top of it (2026.3-a1), so an upgrade
 * never drops a collective decision. A pack a city published itself is left in force.
 */
export async function loadBasePack(db: Knex, base: PolicyPack, now: string): Promise<LoadedPack> {
  return db.transaction(async (trx) => {
    const stored = await trx('policy_packs').where({ pack_id: base.id, version: base.version }).first()
    if (stored) return ensurePack(trx, base, now)
    const rows = (await trx('policy_packs').orderBy('seq', 'desc').select('seq', 'version', 'published_by')) as Array<Pick<DbPolicyPackRow, 'seq' | 'version' | 'published_by'>>
    if (rows.length === 0) return ensurePack(trx, base, now)
    // What the head was built on: past the decisions (and the upgrades that carried them), the
    // last pack loaded from code or published by the city. There is one: the first pack stored
    // is always the code's.
    const root = rows.find((r) => !['decision', 'upgrade'].includes(publisherOf(r).via))!
    const head = await packAt(trx, rows[0]!.seq)
    if (['cli', 'api'].includes(publisherOf(root).via)) return head
    const loaded = await ensurePack(trx, base, now)
    if (root.seq === rows[0]!.seq) return loaded
    const rebased = rebaseAmendments(base, amendmentsOf(head.pack, (await packAt(trx, root.seq)).pack))
    return rebased === null ? loaded : ensurePack(trx, rebased, now, undefined, { via: 'upgrade' })
  })
}

export async function packAt(db: Knex, seq: number): Promise<LoadedPack> {
  return fromRow((await db<DbPolicyPackRow>('policy_packs').where({ seq }).first())!)
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
      this.cached = { seq, loaded: await packAt(db, seq) }
    }
    return this.cached
  }
}

/** The seq of the pack in force. */
export async function packHead(db: Knex): Promise<number> {
  const head = (await db('policy_packs').max({ seq: 'seq' }).first()) as { seq: number | string }
  return Number(head.seq)
}

/**
 * Makes the caller the only one adding a version until its transaction ends: a publish and a
 * leading group's amendment each build on the head, and two built on the same head would
 * leave one of them undone. SQLite's one connection serializes transactions already.
 */
export async function lockPackHead(trx: Knex.Transaction): Promise<void> {
  await trx.raw(PACK_HEAD_LOCK[trx.client.config.client as string]!)
}

/** SQLite has one writer at a time: its write transaction is the lock already. */
const PACK_HEAD_LOCK: Record<string, string> = { pg: 'lock table policy_packs in share row exclusive mode', sqlite3: 'select 1' }
