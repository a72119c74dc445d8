import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import knexFactory, { type Knex } from 'knex'
import { migrationSource } from '../../migrations/index.js'

export const DEFAULT_DATABASE_URL = 'sqlite:./data/zhunru.sqlite'

export type Dialect = 'sqlite' | 'postgres'

export interface Database {
  knex: Knex
  dialect: Dialect
}

/** Builds the knex configuration for a `sqlite:<path>` or `postgres://` URL. */
export function knexConfig(url: string): { config: Knex.Config; dialect: Dialect } {
  if (/^postgres(ql)?:\/\//.test(url)) {
    return { dialect: 'postgres', config: { client: 'pg', connection: url, pool: { min: 0, max: 10 } } }
  }
  if (!url.startsWith('sqlite:')) {
    throw new Error(`DATABASE_URL must start with sqlite: or postgres://, got "${url}"`)
  }
  const path = url.slice('sqlite:'.length)
  const filename = path === ':memory:' ? ':memory:' : resolve(path)
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true })
  return {
    dialect: 'sqlite',
    config: {
      client: 'sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      // One connection: SQLite has one writer, and knex's deferred BEGIN turns a
      // larger pool into SQLITE_BUSY on read-then-write transactions.
      pool: {
        min: 1,
        max: 1,
        afterCreate: (
          conn: { exec: (sql: string, cb: (err: Error | null) => void) => void; serialize: () => void },
          done: (err: Error | null, conn: unknown) => void
        ) => {
          // Statements issued together run in the order issued (the group commit relies on it).
          conn.serialize()
          conn.exec('PRAGMA journal_mode=WAL;PRAGMA busy_timeout=5000;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON', (err) => done(err, conn))
        }
      }
    }
  }
}

export async function openDatabase(url: string): Promise<Database> {
  const { config, dialect } = knexConfig(url)
  const knex = knexFactory(config)
  try {
    await knex.migrate.latest({ migrationSource })
  } catch (err) {
    // A failed migration must stop the start, not leave a pool open that keeps the process alive.
    await knex.destroy()
    throw err
  }
  return { knex, dialect }
}

/** A unique constraint refused the row (SQLite and PostgreSQL say so differently). */
const UNIQUE_VIOLATION = /UNIQUE constraint failed|duplicate key value violates unique constraint/

function isUniqueViolation(err: unknown): boolean {
  return UNIQUE_VIOLATION.test(String((err as Error).message))
}

/**
 * Runs a write that a unique constraint may refuse, turning that refusal into
 * the caller's problem (a 409) instead of a 500; any other failure goes on up.
 */
export async function uniquely<T>(write: () => Promise<T>, onDuplicate: () => Error): Promise<T> {
  try {
    return await write()
  } catch (err) {
    throw isUniqueViolation(err) ? onDuplicate() : err
  }
}

/** JSON documents live in text columns (see the first migration). */
export const fromJson = <T>(value: unknown): T => JSON.parse(value as string) as T

export const toJson = (value: unknown): string => JSON.stringify(value)
