import { fileURLToPath } from 'node:url'
import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'

// Built into dist/console, which the server serves at /. No CDN: everything comes from the lockfile.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // The diagram library is loaded when a diagram is first shown, not with the first page.
    chunkSizeWarningLimit: 4000,
    modulePreload: { polyfill: false }
  }
})
