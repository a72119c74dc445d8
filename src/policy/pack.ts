import { createHash } from 'node:crypto'
import { COMMUNITY_CATALOGS } from './default-pack/community.js'
import { DEFAULT_LEXICON } from './default-pack/lexicon.js'
import { DEFAULT_SECTORS } from './default-pack/sectors.js'
import { STREET_CATALOGS } from './default-pack/street.js'
import type { PolicyPack, PolicyRef } from './types.js'

/** The pack built from the seeds and the national rules of DOMAIN.md §7. */
export const DEFAULT_PACK: PolicyPack = {
  id: 'zhunru-default',
  version: '2026.1',
  name: { zh: '社区工作准入默认政策包', en: 'Default community work admission pack' },
  parameters: {
    quorum: 0.5,
    applicationLeadWorkingDays: 30,
    officeReviewWorkingDays: 5,
    decisionWorkingDays: 15
  },
  sectors: DEFAULT_SECTORS,
  levels: { community: COMMUNITY_CATALOGS, street: STREET_CATALOGS },
  lexicon: DEFAULT_LEXICON
}

/** JSON with object keys sorted at every depth, so equal packs hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export function packHash(pack: PolicyPack): string {
  return `sha256:${createHash('sha256').update(canonicalJson(pack)).digest('hex')}`
}

export function packRef(pack: PolicyPack): PolicyRef {
  return { id: pack.id, version: pack.version, hash: packHash(pack) }
}
