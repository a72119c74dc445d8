import type { Knex } from 'knex'
import { Problem, Problems, problemType } from '../platform/errors.js'
import { uniquely } from '../engine/db.js'
import { diffPacks, type PackChanges } from './pack-diff.js'
import { amendmentsOf, carryAmendments, packHash, packRef } from './pack.js'
import { ensurePack, fromRow, lockPackHead, packAt, publisherOf, type DbPolicyPackRow, type LoadedPack, type Publisher } from './pack-store.js'
import { POLICY_PACK_SCHEMA_ID, type PolicyPackFileT } from './pack-schema.js'
import { invalidPack, semanticErrors, validatePackFile } from './pack-validation.js'
import type { PolicyPack, PolicyRef, TargetLevel } from './types.js'

/** What publishing a file does (or, in a dry run, would do). */
export interface PublishPlan {
  /** The file's own version; `pack.version` differs when it was taken (see revisionOf). */
  requestedVersion: string
  /** In force after: the head itself when nothing changed. */
  pack: PolicyRef
  base: PolicyRef
  /** The pack in force before. */
  previous: PolicyRef
  /** Same content as the pack in force (the version aside): nothing is stored. */
  unchanged: boolean
  /** Items leading groups added after the base, carried into the published pack. */
  carried: Array<{ level: TargetLevel; code: string; name: string }>
  changes: PackChanges
}

type Row = Pick<DbPolicyPackRow, 'seq' | 'pack_id' | 'version' | 'hash' | 'published_by'>

const COLUMNS = ['seq', 'pack_id', 'version', 'hash', 'published_by'] as const

/**
 * The next free revision of a version that is taken: 2027.1 → 2027.1-r1, and an amended or
 * revised one continues its stem's revisions (2027.1-r1-a2 → 2027.1-r2), so an export, edit and
 * publish never needs the version changed by hand.
 */
export function revisionOf(version: string, taken: ReadonlySet<string>): string {
  const stem = /^(.*?)(?:-r\d+)?(?:-a\d+)?$/.exec(version)![1]!
  let n = 0
  let next: string
  do next = `${stem}-r${++n}`
  while (taken.has(next))
  return next
}

const staleBase = (base: Row, since: Row) =>
  new Problem(
    409,
    problemType('policy-pack-base-stale'),
    { zh: '政策包已有更新', en: 'The policy pack changed' },
    {
      zh: `文件导出自${base.pack_id} ${base.version}之后，管理员又发布了${since.pack_id} ${since.version}；请重新导出并再次修改，以免覆盖他人的修改`,
      en: `after ${base.pack_id} ${base.version}, which the file was exported from, ${since.pack_id} ${since.version} was published by an administrator or the code; export again and redo the edit, so as not to undo theirs`
    },
    { extensions: { field: 'base', publishedSince: since.version } }
  )

const ref = (r: Row): PolicyRef => ({ id: r.pack_id, version: r.version, hash: r.hash })

/**
 * Validates a file and works out what publishing it means against the pack in force: the base
 * it was exported from (the head when it names none), the amendments leading groups made since
 * (carried over), the version it gets, and what changes. An item the base had and the file
 * lacks is a removal. Throws a 400 listing every error, or a 409 when an administrator
 * published after the base (the file would undo their work without anyone noticing).
 */
export async function planPublish(db: Knex, input: unknown, today: string): Promise<{ plan: PublishPlan; pack: PolicyPack }> {
  const validated = validatePackFile(input, today)
  if (!validated.ok) throw invalidPack(validated.errors)
  const file: PolicyPackFileT = validated.file
  const rows = (await db('policy_packs').orderBy('seq', 'desc').select(...COLUMNS)) as Row[]
  const headRow = rows[0]!
  const head = await packAt(db, headRow.seq)
  const baseRow = file.base === undefined ? headRow : rows.find((r) => r.pack_id === file.base!.id && r.version === file.base!.version)
  if (baseRow === undefined) {
    throw Problems.invalid('base.version', { zh: `${file.base!.id} ${file.base!.version}不是已发布的版本`, en: `${file.base!.id} ${file.base!.version} is not a published version` })
  }
  if (file.base !== undefined && baseRow.hash !== file.base.hash) {
    throw Problems.invalid('base.hash', { zh: `与已发布版本的哈希${baseRow.hash}不符`, en: `does not match the published version's hash ${baseRow.hash}` })
  }
  // A file with the head's content is a publish already done (a retry, or an export published back), whatever its base.
  const sameAsHead = (p: PolicyPack) => p.id === head.ref.id && packHash({ ...p, version: head.ref.version }) === head.ref.hash
  const since = rows.filter((r) => r.seq > baseRow.seq)
  const published = since.find((r) => publisherOf(r).via !== 'decision')
  if (published !== undefined && !sameAsHead(validated.pack)) throw staleBase(baseRow, published)

  const basePack = baseRow === headRow ? head.pack : (await packAt(db, baseRow.seq)).pack
  const { pack: carriedPack, carried } = carryAmendments(validated.pack, amendmentsOf(head.pack, basePack))
  // The carried items must fit the edited pack too (a sector the file removed).
  const errors = semanticErrors(carriedPack, today)
  if (errors.length > 0) throw invalidPack(errors)

  const unchanged = sameAsHead(carriedPack)
  const taken = new Set(rows.filter((r) => r.pack_id === carriedPack.id).map((r) => r.version))
  const version = unchanged ? head.ref.version : taken.has(carriedPack.version) ? revisionOf(carriedPack.version, taken) : carriedPack.version
  const pack = { ...carriedPack, version }
  return {
    pack,
    plan: {
      requestedVersion: file.version,
      pack: unchanged ? head.ref : packRef(pack),
      base: ref(baseRow),
      previous: head.ref,
      unchanged,
      carried: carried.map(({ level, item }) => ({ level, code: item.code, name: item.name })),
      changes: diffPacks(head.pack, pack)
    }
  }
}

export const publishedMeanwhile = () =>
  new Problem(409, problemType('policy-pack-published-meanwhile'), { zh: '版本冲突', en: 'Conflict' }, {
    zh: '另一政策包版本同时发布，请重新导出后重试',
    en: 'another policy-pack version was published at the same moment; export again and retry'
  })

/**
 * Publishes a file: in one transaction the plan is made against the head and the new version
 * stored, so two publishes (or a publish and a decision) never both build on the same head.
 * An unchanged file stores nothing.
 */
export async function publishPack(db: Knex, input: unknown, opts: { today: string; now: string; by: Publisher }): Promise<PublishPlan> {
  return db.transaction(async (trx) => {
    await lockPackHead(trx)
    const { plan, pack } = await planPublish(trx, input, opts.today)
    if (plan.unchanged) return plan
    const loaded: LoadedPack = await uniquely(() => ensurePack(trx, pack, opts.now, publishedMeanwhile, opts.by), publishedMeanwhile)
    return { ...plan, pack: loaded.ref }
  })
}

/** The pack in force as a file: what `zhunru pack export` writes, with the base that publishing it again reads. */
export async function exportPack(db: Knex): Promise<PolicyPackFileT> {
  const row = (await db('policy_packs').orderBy('seq', 'desc').first()) as DbPolicyPackRow
  const { pack, ref } = fromRow(row)
  return { $schema: POLICY_PACK_SCHEMA_ID, base: ref, ...(pack as unknown as Omit<PolicyPackFileT, '$schema' | 'base'>) }
}
