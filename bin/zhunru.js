#!/usr/bin/env node
// The `zhunru` command (package.json "bin"): `npx zhunru pack export`, … (src/cli.ts).
// In a checkout the TypeScript sources run through tsx, so no build is needed after npm ci
// (and a stale dist/ is never run); an installed package has no sources and runs dist/.
import { existsSync } from 'node:fs'
import { register } from 'tsx/esm/api'

const entry = [new URL('../dist/src/cli.js', import.meta.url), new URL('../src/cli.ts', import.meta.url)].filter((url) => existsSync(url)).at(-1)
register()
const { main } = await import(entry.href)
process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text)
})
