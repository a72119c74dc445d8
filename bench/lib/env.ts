import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** A benchmark's knob from the environment: a non-negative number (a whole one when `integer`), or the fallback. */
export function numberEnv(name: string, fallback: number, { integer = false } = {}): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!(integer ? Number.isInteger(n) : Number.isFinite(n)) || n < 0) throw new Error(`${name} must be a non-negative ${integer ? 'integer' : 'number'}, got "${raw}"`)
  return n
}

/** A git command's output in the checkout, or null where there is no git or no repository. */
export function git(root: string, args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

/** The installed version of a package, for the results; null when it is not installed. */
export function packageVersion(root: string, name: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return null
  }
}
