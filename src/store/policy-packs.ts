import type { Knex } from 'knex'
import { packRef } from '../policy/pack.js'
import type { PolicyPack, PolicyRef } from '../policy/types.js'
import { toJson } from './db.js'

export interface LoadedPack {
  pack: PolicyPack
  ref: PolicyRef
}

/**
 * Stores a pack version unless that exact version is there already. A version
 * whose stored content differs is refused: a published version never changes.
 */
export async function ensurePack(db: Knex, pack: PolicyPack, now: string): Promise<LoadedPack> {
  const ref = packRef(pack)
  const existing = await db('policy_packs').where({ pack_id: pack.id, version: pack.version }).first()
  if (existing) {
    if (existing.hash !== ref.hash) {
      throw new Error(
        `policy pack ${pack.id} ${pack.version} is stored with hash ${existing.hash} but the code has ${ref.hash}; publish a new version instead of editing one`
      )
    }
    return { pack, ref }
  }
  await db('policy_packs').insert({ pack_id: pack.id, version: pack.version, hash: ref.hash, body: toJson(pack), loaded_at: now })
  return { pack, ref }
}
