import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Knex } from 'knex'
import { Problems } from '../platform/errors.js'
import type { Database, Dialect } from './db.js'
import { GroupCommitter } from './group-commit.js'
import { instanceRoutes } from './instance-routes.js'
import { outboxHooks } from './outbox.js'
import { WorkflowRegistry } from './registry.js'
import { healthRoutes, machineRoutes } from './routes.js'
import type { Workflow } from './workflow.js'

export interface EngineOptions {
  database: Database
  /** Workflows to run from the start; capability plugins register theirs too. */
  workflows?: readonly Workflow<any, any>[]
  now?: () => Date
}

/** What the engine offers the plugins registered after it. */
export interface Engine {
  db: Knex
  registry: WorkflowRegistry
  commits: GroupCommitter
  now: () => Date
  /** Told the policy pack head each commit saw: a plan made with another pack is planned again. */
  onPackHead(listener: (seq: number) => void): void
}

declare module 'fastify' {
  interface FastifyInstance {
    engine: Engine
  }
}

// SQLite has one connection; on PostgreSQL a few transactions overlap, each still a group.
const GROUPS_IN_FLIGHT: Record<Dialect, number> = { sqlite: 1, postgres: 4 }

/**
 * The workflow engine as a plugin: the registry of machines, one group commit for every
 * workflow (compare-and-set, event log, outbox, idempotency claims), the machines'
 * definitions at /v1/machines, and instance routes for workflows that bring no tables or
 * routes of their own (/v1/workflows/{machine}/instances).
 */
export const engine = fp(
  async (app: FastifyInstance, opts: EngineOptions) => {
    const listeners: Array<(seq: number) => void> = []
    const commits = new GroupCommitter(opts.database.knex, {
      maxBatch: 100,
      concurrency: GROUPS_IN_FLIGHT[opts.database.dialect],
      hooks: outboxHooks,
      onPackHead: (seq) => listeners.forEach((l) => l(seq)),
      // About a second of writes at the measured rate: beyond it, callers are told to come back
      // rather than wait in an ever longer queue.
      maxQueued: 2_000,
      onFull: Problems.overloaded
    })
    const registry = new WorkflowRegistry()
    for (const w of opts.workflows ?? []) registry.register(w)
    app.decorate('engine', {
      db: opts.database.knex,
      registry,
      commits,
      now: opts.now ?? (() => new Date()),
      onPackHead: (listener: (seq: number) => void) => void listeners.push(listener)
    })
    await app.register(healthRoutes)
    await app.register(machineRoutes)
    await app.register(instanceRoutes)
  },
  { name: 'zhunru-engine', fastify: '5.x', dependencies: ['zhunru-platform'] }
)
