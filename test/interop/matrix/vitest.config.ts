// The interop matrix (bash test/interop/matrix/run.sh, which installs what it runs first): one sandbox for every
// file (global-setup.ts), the files one after the other, as they start processes (the MCP server, the drivers).
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../../../', import.meta.url)),
    include: ['test/interop/matrix/*.matrix.ts'],
    globalSetup: ['test/interop/matrix/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
})
