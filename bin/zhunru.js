#!/usr/bin/env node
// The `zhunru` command (package.json "bin"): `npx zhunru pack export`, … (src/cli.ts).
// In a checkout the TypeScript sources run through tsx, so no build is needed after npm ci;
// an installed package has no sources and runs the compiled dist/.
import { existsSync } from 'node:fs'

const sources = new URL('../src/cli.ts', import.meta.url)
let cli
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api')
  register()
  cli = await import(sources.href)
} else {
  cli = await import('../dist/src/cli.js')
}
process.exitCode = await cli.main(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text)
})
