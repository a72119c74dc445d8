// Child processes for the benchmark: spawn node on a compiled entry point, or on a TypeScript
// one under `--import tsx` (so the pid we watch is the server itself, not a wrapper), wait
// for it to answer, sample its memory, and stop it. Every child is remembered so that nothing is left running.

import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

const live = new Set<ChildProcess>()

/** Kills whatever is still running: called on exit, on SIGINT/SIGTERM and on a crash. */
export function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL')
    } catch {
      // already gone
    }
  }
  live.clear()
}

process.once('exit', killAll)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll()
    process.exit(130)
  })
}

/** A port the kernel says is free right now (a small race is possible, and tolerated). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export interface Memory {
  /** Largest VmRSS seen by the 200 ms sampler, in kB. */
  maxSampledRssKb: number
  /** The kernel's own high-water mark (VmHWM) at the last read before the process ended, in kB. */
  hwmKb: number
  /** max of the two, in MB (1 MB = 1024 kB). */
  peakMb: number
  samples: number
}

function readStatus(pid: number): { rss: number; hwm: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8')
    const rss = /VmRSS:\s+(\d+) kB/.exec(text)
    const hwm = /VmHWM:\s+(\d+) kB/.exec(text)
    if (!rss || !hwm) return null
    return { rss: Number(rss[1]), hwm: Number(hwm[1]) }
  } catch {
    return null
  }
}

export interface Proc {
  name: string
  pid: number
  url: string
  port: number
  memory(): Memory
  /** The last lines the process printed, for error messages. */
  output(): string
  /** SIGTERM, then SIGKILL after a grace period; resolves with the final memory figures. */
  stop(): Promise<Memory>
}

export interface StartOptions {
  name: string
  script: string
  cwd: string
  env: Record<string, string>
  /** Flags for node itself (heap limits), before the script. */
  nodeArgs?: string[]
  /** Path answered with a 2xx once the process is ready. */
  readyPath: string
  timeoutMs?: number
  sampleMs?: number
}

export async function startNode(opts: StartOptions): Promise<Proc> {
  const port = Number(opts.env.PORT)
  const url = `http://127.0.0.1:${port}`
  const loader = opts.script.endsWith('.ts') ? ['--import', 'tsx'] : []
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...loader, opts.script], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  live.add(child)
  let tail = ''
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal }
      live.delete(child)
      resolve()
    })
  )
  const pid = child.pid!
  const mem = { maxSampledRssKb: 0, hwmKb: 0, samples: 0 }
  const sample = () => {
    const s = readStatus(pid)
    if (s === null) return
    mem.samples++
    mem.maxSampledRssKb = Math.max(mem.maxSampledRssKb, s.rss)
    mem.hwmKb = Math.max(mem.hwmKb, s.hwm)
  }
  const sampler = setInterval(sample, opts.sampleMs ?? 200)
  sampler.unref()
  const memory = (): Memory => ({ ...mem, peakMb: round(Math.max(mem.maxSampledRssKb, mem.hwmKb) / 1024, 1) })

  const deadline = Date.now() + (opts.timeoutMs ?? 60_000)
  for (;;) {
    if (exited !== null) {
      clearInterval(sampler)
      throw new Error(`${opts.name} exited before it was ready (${JSON.stringify(exited)}):\n${tail}`)
    }
    try {
      const res = await fetch(url + opts.readyPath, { signal: AbortSignal.timeout(2000) })
      if (res.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      clearInterval(sampler)
      child.kill('SIGKILL')
      throw new Error(`${opts.name} was not ready after ${opts.timeoutMs ?? 60_000} ms:\n${tail}`)
    }
    await sleep(100)
  }

  return {
    name: opts.name,
    pid,
    url,
    port,
    memory,
    output: () => tail,
    async stop() {
      sample()
      clearInterval(sampler)
      if (exited === null) {
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exit
        clearTimeout(killer)
      }
      return memory()
    }
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export const round = (n: number, digits = 2): number => {
  const f = 10 ** digits
  return Math.round(n * f) / f
}
