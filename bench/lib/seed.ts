// Fills the tasks tables for the read tests by replicating rows the server wrote itself:
// each template task (its tasks row, task_targets rows and task_events rows) is copied with a
// new seq, a new id and a numbered title, in batched inserts inside chunked transactions.

import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import type { Dialect } from '../../src/engine/db.js'

export interface TemplateRows {
  task: Record<string, unknown>
  declaration: Record<string, unknown>
  targets: Array<Record<string, unknown>>
  events: Array<Record<string, unknown>>
}

export async function loadTemplates(db: Knex, ids: string[]): Promise<TemplateRows[]> {
  const out: TemplateRows[] = []
  for (const id of ids) {
    const task = (await db('tasks').where({ id }).first()) as Record<string, unknown> | undefined
    if (!task) throw new Error(`template task ${id} is not in the database`)
    const targets = (await db('task_targets').where({ task_seq: task.seq }).orderBy('org_unit_id')) as Array<Record<string, unknown>>
    const events = (await db('task_events').where({ task_seq: task.seq }).orderBy('seq')) as Array<Record<string, unknown>>
    out.push({ task, declaration: JSON.parse(task.declaration as string) as Record<string, unknown>, targets, events })
  }
  return out
}

export async function countTasks(db: Knex): Promise<{ count: number; maxSeq: number }> {
  const [row] = (await db('tasks').count({ count: '*' }).max({ max: 'seq' })) as Array<{ count: number | string; max: number | string | null }>
  return { count: Number(row!.count), maxSeq: Number(row!.max ?? 0) }
}

/** Bound parameters per statement, under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMS = 16_000
/** knex writes a multi-row SQLite insert as a compound SELECT, limited to 500 terms. */
const MAX_ROWS = 500

async function insertRows(trx: Knex.Transaction, table: string, rows: Array<Record<string, unknown>>): Promise<void> {
  if (rows.length === 0) return
  const per = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / Object.keys(rows[0]!).length)))
  for (let i = 0; i < rows.length; i += per) await trx(table).insert(rows.slice(i, i + per))
}

/**
 * Adds copies of the templates, in turn, until the tasks table holds `total` rows.
 * Returns how many were added and how long it took.
 */
export async function seedTo(
  db: Knex,
  dialect: Dialect,
  templates: TemplateRows[],
  total: number,
  log: (s: string) => void
): Promise<{ added: number; seconds: number; rowsPerSecond: number }> {
  const started = Date.now()
  const { count, maxSeq } = await countTasks(db)
  const toAdd = Math.max(0, total - count)
  const chunk = 5000
  let nextSeq = maxSeq + 1
  let lastLog = Date.now()
  let rowsWritten = 0
  for (let done = 0; done < toAdd; ) {
    const n = Math.min(chunk, toAdd - done)
    const tasks: Array<Record<string, unknown>> = []
    const targets: Array<Record<string, unknown>> = []
    const events: Array<Record<string, unknown>> = []
    for (let k = 0; k < n; k++) {
      const number = count + done + k + 1
      const tpl = templates[(count + done + k) % templates.length]!
      const seq = nextSeq++
      const title = `${tpl.task.title as string}(第${number}号)`.slice(0, 200)
      tasks.push({ ...tpl.task, seq, id: randomUUID(), title, declaration: JSON.stringify({ ...tpl.declaration, title }) })
      for (const t of tpl.targets) targets.push({ ...t, task_seq: seq })
      for (const e of tpl.events) {
        const { seq: _eventSeq, ...rest } = e
        events.push({ ...rest, task_seq: seq })
      }
    }
    await db.transaction(async (trx) => {
      await insertRows(trx, 'tasks', tasks)
      await insertRows(trx, 'task_targets', targets)
      await insertRows(trx, 'task_events', events)
    })
    rowsWritten += tasks.length + targets.length + events.length
    done += n
    if (Date.now() - lastLog > 15_000 || done === toAdd) {
      lastLog = Date.now()
      log(`  seeded ${count + done} / ${total} tasks (${Math.round(rowsWritten / ((Date.now() - started) / 1000))} rows/s)`)
    }
  }
  if (dialect === 'postgres' && toAdd > 0) {
    // seq was given explicitly: move the sequences past it, or the server's next insert collides.
    await db.raw(`SELECT setval(pg_get_serial_sequence('tasks', 'seq'), (SELECT max(seq) FROM tasks))`)
  }
  const seconds = (Date.now() - started) / 1000
  return { added: toAdd, seconds: Math.round(seconds * 10) / 10, rowsPerSecond: Math.round(rowsWritten / Math.max(seconds, 0.001)) }
}

/** Up to `n` ids spread over the whole table that the given department may read. */
export async function sampleVisibleIds(db: Knex, departmentId: string, n: number, rng: () => number): Promise<string[]> {
  const { maxSeq } = await countTasks(db)
  const seqs = new Set<number>()
  while (seqs.size < Math.min(n * 2, maxSeq)) seqs.add(1 + Math.floor(rng() * maxSeq))
  const ids: string[] = []
  const all = [...seqs]
  for (let i = 0; i < all.length && ids.length < n; i += 500) {
    const rows = (await db('tasks')
      .whereIn('seq', all.slice(i, i + 500))
      .where((q) => q.where('state', 'admitted').orWhere('department_id', departmentId))
      .select('id')) as Array<{ id: string }>
    ids.push(...rows.map((r) => r.id))
  }
  return ids.slice(0, n)
}

/** A small deterministic generator (mulberry32): the same run picks the same ids. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
