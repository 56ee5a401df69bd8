import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fleet tests count 429s across processes: they run alone (npm run test:fleet), not beside 30 other files.
    exclude: [...configDefaults.exclude, 'test/fleet/**'],
    testTimeout: 20_000,
  },
})
