// Size budget of the client as a browser bundle (esbuild, minified, gzip level 9): the whole client entry in one
// file, openapi-fetch and the spec's hints included, which is what an app that uses it loads. Bundling for the
// browser platform also proves no Node built-ins. A user-token app is measured beside it, for orientation.
//   npm run size                 check the budget
//   npm run size -- --json       also print the figures as JSON (the bench reads them)
//   npm run size -- --breakdown  also where the bytes of the whole client go, module by module
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const ENTRY = new URL('../dist/index.js', import.meta.url).pathname

/** The bundles measured, and their budgets in bytes (min+gzip); null where none is set. */
export const bundlesFor = (entry: string) => [
  { name: 'the whole client (everything the entry exports)', budget: 15_500 as number | null, contents: `export * from ${JSON.stringify(entry)}` },
  {
    name: 'an app that unbinds with a user token',
    budget: null as number | null,
    contents: `import { createMeetingChatClient } from ${JSON.stringify(entry)}
const client = createMeetingChatClient()
export const unbind = (ids, userAccessToken) => client.unbindMeetingChat(ids, { userAccessToken })`,
  },
]

export interface BundleFigures {
  readonly name: string
  readonly budget: number | null
  readonly min: number
  readonly gzip: number
}

/** `contents` bundled for the browser into one file, minified; with the metafile for the breakdown. */
function bundle(contents: string, resolveDir: string) {
  return build({
    stdin: { contents, resolveDir, loader: 'js', sourcefile: 'app.js' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', charset: 'utf8', write: false, metafile: true, logLevel: 'silent',
  })
}

/** Figures of each bundle, built from `entry` (the package's dist/index.js by default). */
export async function measure(entry = ENTRY): Promise<BundleFigures[]> {
  const out: BundleFigures[] = []
  for (const b of bundlesFor(entry)) {
    const code = (await bundle(b.contents, process.cwd())).outputFiles[0]!.contents
    out.push({ name: b.name, budget: b.budget, min: code.length, gzip: gzipSync(code, { level: 9 }).length })
  }
  return out
}

/**
 * Where the bytes of the whole client go: the entry bundled from src/, minified, with each module's bytes in the
 * output (before gzip, which does not split by module).
 */
export async function breakdown(root = dirname(dirname(ENTRY))): Promise<{ module: string; minBytes: number }[]> {
  const whole = bundlesFor(join(root, 'src/index.ts'))[0]!
  const result = await bundle(whole.contents, root)
  const output = Object.values(result.metafile.outputs)[0]
  return Object.entries(output?.inputs ?? {})
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .map(([module, { bytesInOutput }]) => ({ module: module.replace(/^(\.\.\/)*node_modules\//, ''), minBytes: bytesInOutput }))
    .sort((a, b) => b.minBytes - a.minBytes)
}

// Run as a script (not imported): the URL of argv[1], percent-encoded as import.meta.url is (spaces, non-ASCII).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`
  const figures = await measure()
  let over = false
  for (const f of figures) {
    console.log(`${f.name}: ${kb(f.min)} min, ${kb(f.gzip)} min+gzip${f.budget === null ? '' : ` (budget ${kb(f.budget)})`}`)
    if (f.budget !== null && f.gzip > f.budget) {
      over = true
      console.error(`  over its budget by ${f.gzip - f.budget} bytes. Find what grew with npm run size -- --breakdown.`)
    }
  }
  if (process.argv.includes('--breakdown')) {
    console.log('where the bytes of the whole client go (minified, before gzip):')
    for (const row of await breakdown()) console.log(`  ${String(row.minBytes).padStart(6)}  ${row.module}`)
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify({ bundles: figures }))
  if (over) process.exit(1)
}
