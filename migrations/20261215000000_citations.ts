import type { Knex } from 'knex'
import { SOURCES, type SourceId } from '../src/policy/sources.js'

// Findings cited the reform documents by the file names of the copies the rules were drawn
// from, which no reader has; a citation now names a source of the policy pack's table with
// its title and issuer (src/policy/sources.ts). The screenings already stored, each task's
// last one and every event's findings, are rewritten to that shape; each citation keeps its
// section, and no citation is added to what the decision recorded. Titles and issuers are the
// built-in table's: the packs stored before this one have no table of their own.
// Left as they are: stored policy packs (a published pack's hash is of its body, and its item
// sources are what it published) and the answers kept for Idempotency-Keys (a retry gets the
// same bytes as the first answer; they are dropped after two days).

/** The file names the findings cited, and the source each one is. Only §四(三)一 of the last was ever cited: the 2016 opinion. */
export const SEED_SOURCES: Record<string, SourceId> = {
  '000_bc54f002f186c898.txt': 'nanjing-2014',
  '001_358a1500c1d30c34.txt': 'qingdao-shinan-2018',
  '002_de557799ea271504.txt': 'wuhan-2015',
  '003_6f8b71523f491fba.txt': 'nantong-2013',
  '004_f487f3c7937c1cbf.txt': 'zhangjiagang-2016'
}

interface OldCitation {
  seed: string
  section: string
}
interface NewCitation {
  source: string
  title: string
  issuer: string
  section: string
}
type Findings<C> = Array<{ citations: C[] }>

const named = ({ seed, section }: OldCitation): NewCitation => {
  const source = SEED_SOURCES[seed]
  return { source, title: SOURCES[source].title, issuer: SOURCES[source].issuer, section }
}

const SEED_OF = new Map(Object.entries(SEED_SOURCES).map(([file, source]) => [source as string, file]))

// The old shape can only name the five files; citations of other sources were added with this shape and go with it.
const filed = (citations: NewCitation[]): OldCitation[] =>
  citations.filter((c) => SEED_OF.has(c.source)).map((c) => ({ seed: SEED_OF.get(c.source)!, section: c.section }))

function recite<A, B>(findings: Findings<A>, cite: (citations: A[]) => B[]): Findings<B> {
  return findings.map((f) => ({ ...f, citations: cite(f.citations) }))
}

/** Rewrites one JSON column of every row whose text holds `marker`, a page of rows at a time. */
async function rewrite<T>(knex: Knex, table: string, column: string, marker: string, edit: (value: T) => unknown): Promise<void> {
  const page = async (after: number) =>
    (await knex(table).where('seq', '>', after).where(column, 'like', `%${marker}%`).orderBy('seq').limit(500).select('seq', column)) as Array<
      Record<string, string> & { seq: number }
    >
  for (let rows = await page(0); rows.length > 0; rows = await page(rows.at(-1)!.seq)) {
    for (const row of rows) await knex(table).where({ seq: row.seq }).update({ [column]: JSON.stringify(edit(JSON.parse(row[column]!) as T)) })
  }
}

async function recast<A, B>(knex: Knex, marker: string, cite: (citations: A[]) => B[]): Promise<void> {
  await rewrite(knex, 'tasks', 'screening', marker, (s: { findings: Findings<A> }) => ({ ...s, findings: recite(s.findings, cite) }))
  await rewrite(knex, 'task_events', 'findings', marker, (f: Findings<A>) => recite(f, cite))
}

export async function up(knex: Knex): Promise<void> {
  await recast<OldCitation, NewCitation>(knex, '"seed":', (cs) => cs.map(named))
}

export async function down(knex: Knex): Promise<void> {
  await recast<NewCitation, OldCitation>(knex, '"citations":', filed)
}
