// The mocks must run in a browser with msw's worker: bundling the entry for the browser fails on any
// Node built-in it reaches, and the entry reaches nothing of the client.
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import { expect, it } from 'vitest'

it('bundles for the browser, without Node built-ins or the client', async () => {
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('../../src/msw/index.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    external: ['msw'],
    logLevel: 'silent',
  })
  const inputs = Object.keys(result.metafile.inputs)
  expect(inputs.filter((file) => file.startsWith('node:') || /src\/client\//.test(file))).toEqual([])
  expect(inputs.some((file) => file.endsWith('src/mock/fake.ts'))).toBe(true)
})
