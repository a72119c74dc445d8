import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

// The server sends the console's files as built; compressing them once here, at the highest
// levels, lets it send the .br or .gz beside each file to a browser that takes it (preCompressed).
const dir = new URL('../dist/console/assets/', import.meta.url)
let files = 0
for (const name of readdirSync(dir)) {
  if (!/\.(js|css)$/.test(name)) continue
  const body = readFileSync(new URL(name, dir))
  writeFileSync(new URL(`${name}.br`, dir), brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }))
  writeFileSync(new URL(`${name}.gz`, dir), gzipSync(body, { level: 9 }))
  files += 1
}
console.log(`compressed ${files} console files`)
