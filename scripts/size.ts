// Size budget of the client entry as a browser bundle (min+gzip, openapi-fetch included). Bundling for the
// browser platform also proves the entry imports no Node built-ins.
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

/** Bytes, min+gzip. The target is 6 kB; the bilingual error catalog alone is ~3.6 kB (see README). */
// 13.2 kB since the catalog gained the platform-wide 99991401, 99991403 and 99991665 (issue 12).
const BUDGET = 13_200

const result = await build({
  entryPoints: [new URL('../dist/index.js', import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  charset: 'utf8',
  write: false,
  metafile: true,
  logLevel: 'silent',
})
const code = result.outputFiles[0]?.contents ?? new Uint8Array()
const gzip = gzipSync(code, { level: 9 }).length
const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`
console.log(`client entry: ${kb(code.length)} min, ${kb(gzip)} min+gzip (budget ${kb(BUDGET)})`)
if (process.argv.includes('--json')) console.log(JSON.stringify({ min: code.length, gzip, budget: BUDGET }))
if (gzip > BUDGET) {
  console.error(`The client entry is over its budget by ${gzip - BUDGET} bytes. Find what grew with esbuild's metafile.`)
  process.exit(1)
}
