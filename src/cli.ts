import { readFileSync, writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import type { Knex } from 'knex'
import { chinaDate } from './clock.js'
import { DEFAULT_DATABASE_URL, openDatabase } from './engine/db.js'
import { Problem } from './platform/errors.js'
import type { Language } from './platform/language.js'
import type { PackChanges } from './policy/pack-diff.js'
import { exportPack, planPublish, publishPack, type PublishPlan } from './policy/pack-publish.js'
import { CurrentPack, ensurePack } from './policy/pack-store.js'
import { DEFAULT_PACK } from './policy/pack.js'
import { applyTreePlan, planTreeChanges, planView, unitsFromCsv, unitsFromJson, type ImportedUnits, type ProposedUnit } from './policy/org-tree-changes.js'
import { importMembers, rowsFromCsv, rowsFromJson } from './leading-groups/import.js'

// `zhunru <group> <command> …`: the administrator's tools, on the database the server uses
// (DATABASE_URL, migrated as the server migrates it). bin/zhunru.js only hands argv over.

/** 0 done, 1 the input is wrong (an invalid pack, a stale file, an unreadable file), 2 the command line is, 3 it could not run (the database). */
export const EXIT = { ok: 0, invalid: 1, usage: 2, failed: 3 } as const

export interface CliIo {
  env: NodeJS.ProcessEnv
  out: (text: string) => void
  err: (text: string) => void
  now?: () => Date
}

export interface CommandContext {
  args: string[]
  flags: Flags
  db: Knex
  io: CliIo
  now: Date
  language: Language
}

export interface Command {
  group: string
  name: string
  /** Its arguments as --help shows them: `FILE`, `[FILE]`. */
  usage: string
  summary: string
  /** How many positional arguments it takes. */
  arity: [min: number, max: number]
  run: (ctx: CommandContext) => Promise<number>
}

export interface Flags {
  json: boolean
  help: boolean
  /** Imports: say what would change, store nothing. */
  dryRun: boolean
  by?: string
}

class UsageError extends Error {}

/** The file a command reads, as JSON; a file that is not there or not JSON is the input's fault (1). */
function readJson(path: string): unknown {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new InputError(`cannot read ${path}: ${(err as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new InputError(`${path} is not JSON: ${(err as Error).message}`)
  }
}

class InputError extends Error {}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

function describeChanges(c: PackChanges): string[] {
  const lines: string[] = []
  const codes = (sign: string, list: string[]) => (list.length === 0 ? [] : [`${sign} ${list.join(', ')}`])
  for (const l of c.lists) lines.push(`  ${l.level} ${l.list}: ${[...codes('+', l.added), ...codes('-', l.removed), ...codes('~', l.changed)].join('  ')}`)
  for (const p of c.parameters) lines.push(`  parameter ${p.name}: ${JSON.stringify(p.before)} → ${JSON.stringify(p.after)}`)
  for (const [name, d] of [['sectors', c.sectors], ['sources', c.sources]] as const) {
    const parts = [...codes('+', d.added), ...codes('-', d.removed), ...codes('~', d.changed)]
    if (parts.length > 0) lines.push(`  ${name}: ${parts.join('  ')}`)
  }
  const cal = c.calendar
  const years = [...codes('+', cal.yearsAdded.map(String)), ...codes('-', cal.yearsRemoved.map(String)), ...codes('~', cal.yearsChanged.map(String))]
  if (years.length > 0) lines.push(`  calendar years: ${years.join('  ')}`)
  if (c.other.length > 0) lines.push(`  also changed: ${c.other.join(', ')}`)
  return lines
}

function describePlan(plan: PublishPlan, done: 'published' | 'would publish'): string {
  const at = (r: { id: string; version: string }) => `${r.id} ${r.version}`
  if (plan.unchanged) return `unchanged: the file has the content of the pack in force (${at(plan.previous)}); nothing ${done === 'published' ? 'was' : 'would be'} stored\n`
  const lines = [`${done} ${at(plan.pack)} (${plan.pack.hash}), replacing ${at(plan.previous)}; the file's base is ${at(plan.base)}`]
  if (plan.pack.version !== plan.requestedVersion) lines.push(`  the file's version ${plan.requestedVersion} is taken: ${plan.pack.version} is the next free revision`)
  lines.push(...describeChanges(plan.changes))
  for (const c of plan.carried) lines.push(`  carried over (a leading group added it after the base): ${c.level} ${c.code} ${c.name}`)
  return `${lines.join('\n')}\n`
}

const packCommands: Command[] = [
  {
    group: 'pack',
    name: 'export',
    usage: '[FILE]',
    summary: 'write the pack in force as a file to edit (to stdout without FILE)',
    arity: [0, 1],
    run: async ({ args, db, io }) => {
      const text = json(await exportPack(db))
      if (args[0] === undefined) return io.out(text), EXIT.ok
      try {
        writeFileSync(args[0], text)
      } catch (err) {
        throw new InputError(`cannot write ${args[0]}: ${(err as Error).message}`)
      }
      return EXIT.ok
    }
  },
  {
    group: 'pack',
    name: 'validate',
    usage: 'FILE',
    summary: 'check a pack file: the schema, then codes, sectors, citations, calendar (every error with its path)',
    arity: [1, 1],
    run: async ({ args, db, io, now, flags }) => {
      const { plan } = await planPublish(db, readJson(args[0]!), chinaDate(now))
      io.out(flags.json ? json({ valid: true, ...plan }) : `valid: ${args[0]} (${plan.requestedVersion}) can be published\n`)
      return EXIT.ok
    }
  },
  {
    group: 'pack',
    name: 'diff',
    usage: 'FILE',
    summary: 'what publishing the file would add, remove and change against the pack in force',
    arity: [1, 1],
    run: async ({ args, db, io, now, flags }) => {
      const { plan } = await planPublish(db, readJson(args[0]!), chinaDate(now))
      io.out(flags.json ? json(plan) : describePlan(plan, 'would publish'))
      return EXIT.ok
    }
  },
  {
    group: 'pack',
    name: 'publish',
    usage: 'FILE [--by NAME]',
    summary: 'publish the file as a new version (nothing when it is unchanged); --by names who (default: the OS user)',
    arity: [1, 1],
    run: async ({ args, db, io, now, flags }) => {
      const user = flags.by ?? io.env.USER ?? userInfo().username
      const plan = await publishPack(db, readJson(args[0]!), { today: chinaDate(now), now: now.toISOString(), by: { via: 'cli', user } })
      io.out(flags.json ? json({ published: !plan.unchanged, ...plan }) : describePlan(plan, 'published'))
      return EXIT.ok
    }
  }
]

/** A file read as text; `.csv` is CSV, anything else JSON. */
function readImport(path: string): { csv: string } | { json: unknown } {
  if (!/\.csv$/i.test(path)) return { json: readJson(path) }
  try {
    return { csv: readFileSync(path, 'utf8') }
  } catch (err) {
    throw new InputError(`cannot read ${path}: ${(err as Error).message}`)
  }
}

const operator = (flags: Flags, io: CliIo) => `cli:${flags.by ?? io.env.USER ?? userInfo().username}`

const importCommands: Command[] = [
  {
    group: 'org',
    name: 'import',
    usage: 'FILE [--dry-run] [--by NAME]',
    summary: 'the org tree from CSV (id,kind,name,parentId,sector,closed) or JSON ({ units: [...] }): upsert by id, all or nothing',
    arity: [1, 1],
    run: async ({ args, db, io, now, flags }) => {
      const file = readImport(args[0]!)
      let units: ImportedUnits
      if ('csv' in file) units = unitsFromCsv(file.csv)
      else {
        const list = Array.isArray(file.json) ? file.json : (file.json as { units?: unknown } | null)?.units
        if (!Array.isArray(list)) throw new InputError(`${args[0]} must hold { "units": [...] } or an array of units`)
        units = unitsFromJson(list as ProposedUnit[])
      }
      // The operator of the database administers the whole tree.
      const changer = { sub: operator(flags, io), org: null, administersAll: true }
      const plan = await planTreeChanges({ db, packs: new CurrentPack(), now: () => now }, changer, units.rows, units.locate)
      if (!flags.dryRun) await applyTreePlan(db, plan, changer, now.toISOString())
      const view = planView(plan, flags.dryRun, units.rowOf)
      if (flags.json) return io.out(json(view)), EXIT.ok
      const lines = [`${flags.dryRun ? 'would import' : 'imported'}: ${view.summary.created} created, ${view.summary.updated} updated, ${view.summary.unchanged} unchanged`]
      for (const item of view.items) lines.push(`  ${item.outcome} ${item.id}${Object.entries(item.changes).map(([k, c]) => ` ${k}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`).join(';')}`)
      return io.out(`${lines.join('\n')}\n`), EXIT.ok
    }
  },
  {
    group: 'members',
    name: 'import',
    usage: 'FILE [--dry-run] [--by NAME]',
    summary: 'leading-group members from CSV (group,sub,name,homeDepartment,position) or JSON: upsert by group and sub, all or nothing',
    arity: [1, 1],
    run: async ({ args, db, io, now, flags }) => {
      const file = readImport(args[0]!)
      const rows = 'csv' in file ? rowsFromCsv(file.csv) : rowsFromJson(file.json)
      const report = await importMembers(db, rows, { dryRun: flags.dryRun, now: now.toISOString(), actor: { sub: operator(flags, io), role: 'admin' } })
      if (flags.json) return io.out(json(report)), EXIT.ok
      const s = report.summary
      const lines = [`${flags.dryRun ? 'would import' : 'imported'}: ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged`]
      for (const item of report.items) if (item.outcome !== 'unchanged') lines.push(`  ${item.outcome} ${item.group} ${item.sub}`)
      return io.out(`${lines.join('\n')}\n`), EXIT.ok
    }
  }
]

/** Every command, by group. */
export const COMMANDS: Command[] = [...packCommands, ...importCommands]

function help(): string {
  const rows = COMMANDS.map((c) => [`zhunru ${c.group} ${c.name} ${c.usage}`.trimEnd(), c.summary])
  const width = Math.max(...rows.map(([u]) => u!.length))
  return [
    'zhunru — the community work admission gate, for administrators',
    '',
    'Usage:',
    ...rows.map(([u, s]) => `  ${u!.padEnd(width)}  ${s}`),
    '',
    'Options: --json (machine-readable output), --dry-run (imports: what would change, nothing stored), --by NAME (who, in the history), --help',
    `The database is DATABASE_URL (default ${DEFAULT_DATABASE_URL}), migrated as the server migrates it.`,
    'Exit codes: 0 done, 1 the input is invalid (errors are listed), 2 the command line is wrong, 3 it could not run (the database).',
    ''
  ].join('\n')
}

function parse(argv: string[]): { positional: string[]; flags: Flags } {
  const flags: Flags = { json: false, help: false, dryRun: false }
  const positional: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--json') flags.json = true
    else if (a === '--help' || a === '-h') flags.help = true
    else if (a === '--dry-run') flags.dryRun = true
    else if (a === '--by') {
      if (argv[i + 1] === undefined) throw new UsageError('--by needs a name')
      flags.by = argv[++i]
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`)
    else positional.push(a)
  }
  return { positional, flags }
}

function problemText(p: Problem, language: Language): string {
  const lines = [p.detail[language]]
  for (const i of p.invalidParams) lines.push(`  ${i.field}: ${i.message[language]}`)
  return `${lines.join('\n')}\n`
}

/** Runs one command line; the exit code is returned, never thrown. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>
  let command: Command | undefined
  try {
    parsed = parse(argv)
    const [group, name, ...args] = parsed.positional
    if (group === undefined) {
      if (parsed.flags.help) return io.out(help()), EXIT.ok
      throw new UsageError('no command given')
    }
    command = COMMANDS.find((c) => c.group === group && c.name === name)
    if (command === undefined) throw new UsageError(`unknown command: ${[group, name].filter(Boolean).join(' ')}`)
    if (parsed.flags.help) return io.out(help()), EXIT.ok
    if (args.length < command.arity[0] || args.length > command.arity[1]) throw new UsageError(`usage: zhunru ${command.group} ${command.name} ${command.usage}`)
    parsed.positional = args
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${help()}`)
    return EXIT.usage
  }
  const language: Language = /^zh/i.test(io.env.LC_ALL || io.env.LANG || '') ? 'zh' : 'en'
  const failed = (err: unknown) => (io.err(`zhunru: ${(err as Error).message}\n`), EXIT.failed)
  let db: Knex
  try {
    db = (await openDatabase(io.env.DATABASE_URL ?? DEFAULT_DATABASE_URL)).knex
  } catch (err) {
    return failed(err)
  }
  let code: number
  try {
    // As the server plugin does: a database without a pack gets the default one.
    if ((await db('policy_packs').first('seq')) === undefined) await ensurePack(db, DEFAULT_PACK, new Date().toISOString())
    code = await command.run({ args: parsed.positional, flags: parsed.flags, db, io, now: (io.now ?? (() => new Date()))(), language })
  } catch (err) {
    if (err instanceof Problem) {
      if (parsed.flags.json) io.out(json(err.document(language)))
      else io.err(problemText(err, language))
      code = EXIT.invalid
    } else if (err instanceof InputError) {
      io.err(`${err.message}\n`)
      code = EXIT.invalid
    } else code = failed(err)
  }
  await db.destroy()
  return code
}
