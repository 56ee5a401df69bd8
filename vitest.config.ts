import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Run elsewhere: the consumer projects' own suites (npm run test:consumers, against the installed package), and
    // the fleet tests, which count 429s across processes and so run alone (npm run test:fleet).
    exclude: [...configDefaults.exclude, 'test/consumers/fixtures/**', 'test/fleet/**'],
    testTimeout: 20_000,
  },
})
