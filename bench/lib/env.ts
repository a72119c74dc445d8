/** A benchmark's knob from the environment: a non-negative number (a whole one when `integer`), or the fallback. */
export function numberEnv(name: string, fallback: number, { integer = false } = {}): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!(integer ? Number.isInteger(n) : Number.isFinite(n)) || n < 0) throw new Error(`${name} must be a non-negative ${integer ? 'integer' : 'number'}, got "${raw}"`)
  return n
}
