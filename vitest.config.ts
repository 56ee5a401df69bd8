import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The consumer projects' own suites: run by npm run test:consumers against the installed package.
    exclude: [...configDefaults.exclude, 'test/consumers/fixtures/**'],
    testTimeout: 20_000,
  },
})
