// A fresh, empty database per measurement: a new SQLite file in the run's temporary
// directory, or a new PostgreSQL database created next to the one DATABASE_URL names.

import { rmSync } from 'node:fs'
import { join } from 'node:path'
import knexFactory, { type Knex } from 'knex'
import { knexConfig, type Dialect } from '../../src/engine/db.js'

export interface FreshDatabase {
  url: string
  dialect: Dialect
  name: string
  /** Drops the database (PostgreSQL) or deletes the files (SQLite). */
  dispose(): Promise<void>
}

export const dialectOf = (url: string): Dialect => knexConfig(url).dialect

function pgUrlFor(base: string, database: string): string {
  const u = new URL(base)
  u.pathname = `/${database}`
  return u.toString()
}

/** One administrative connection to the server DATABASE_URL points at. */
function pgAdmin(base: string): Knex {
  return knexFactory({ client: 'pg', connection: base, pool: { min: 0, max: 1 } })
}

export async function freshDatabase(baseUrl: string | undefined, label: string, tmpDir: string, runId: string, keep: boolean): Promise<FreshDatabase> {
  if (baseUrl === undefined || dialectOf(baseUrl) === 'sqlite') {
    const file = join(tmpDir, `${label}.sqlite`)
    return {
      url: `sqlite:${file}`,
      dialect: 'sqlite',
      name: file,
      async dispose() {
        if (keep) return
        for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true })
      }
    }
  }
  const name = `zhunru_bench_${runId}_${label}`.toLowerCase().replace(/[^a-z0-9_]/g, '_')
  const admin = pgAdmin(baseUrl)
  try {
    await admin.raw(`CREATE DATABASE "${name}"`)
  } finally {
    await admin.destroy()
  }
  return {
    url: pgUrlFor(baseUrl, name),
    dialect: 'postgres',
    name,
    async dispose() {
      if (keep) return
      const a = pgAdmin(baseUrl)
      try {
        await a.raw('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()', [name])
        await a.raw(`DROP DATABASE IF EXISTS "${name}"`)
      } finally {
        await a.destroy()
      }
    }
  }
}

/** A knex handle with exactly the application's settings (src/engine/db.ts). */
export function openKnex(url: string): Knex {
  return knexFactory(knexConfig(url).config)
}

export async function databaseVersion(url: string): Promise<string> {
  const db = openKnex(url)
  try {
    if (dialectOf(url) === 'sqlite') {
      const [row] = (await db.raw('select sqlite_version() as v')) as Array<{ v: string }>
      return `SQLite ${row!.v}`
    }
    const res = (await db.raw(
      "select version() as v, current_setting('fsync') as fsync, current_setting('synchronous_commit') as sc, current_setting('shared_buffers') as sb"
    )) as { rows: Array<{ v: string; fsync: string; sc: string; sb: string }> }
    const r = res.rows[0]!
    return `${r.v} (fsync ${r.fsync}, synchronous_commit ${r.sc}, shared_buffers ${r.sb})`
  } finally {
    await db.destroy()
  }
}

/**
 * For PostgreSQL: the pids of the backends connected to this database (not our own), so
 * that their CPU time is told apart from other work on the machine. Nothing for SQLite.
 */
export function backendPids(db: FreshDatabase): { pids?: () => Promise<number[]>; close(): Promise<void> } {
  if (db.dialect !== 'postgres') return { close: async () => undefined }
  const knex = knexFactory({ client: 'pg', connection: db.url, pool: { min: 0, max: 1 } })
  return {
    pids: async () => {
      const res = (await knex.raw('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')) as {
        rows: Array<{ pid: number }>
      }
      return res.rows.map((r) => Number(r.pid))
    },
    close: () => knex.destroy()
  }
}
