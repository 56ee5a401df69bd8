// npm run test:fleet: the fleet tests (three processes, one Redis-backed budget, one sandbox), on their own so
// that no other test file's load delays the sandbox past a rate-limit window.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/fleet/**/*.test.ts'],
    testTimeout: 30_000,
  },
})
