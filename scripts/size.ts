// Size budgets of the client as browser bundles (min+gzip, openapi-fetch included): what an app loads at
// start. The app-credential flows and the catalog's text are dynamic imports that bundlers split off and load
// on demand; they are measured apart. Bundling for the browser platform also proves no Node built-ins.
//   npm run size            check both budgets
//   npm run size -- --json  also print the figures as JSON (the bench reads them)
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const ENTRY = new URL('../dist/index.js', import.meta.url).pathname

/**
 * The bundles and their budgets (bytes, min+gzip, of what loads at start): today's size plus a small margin,
 * so that growth fails CI. Issue 13's targets (9 kB and 6 kB) are reported by the bench as not met.
 */
export const bundlesFor = (entry: string) => [
  { name: 'client entry (everything it exports)', budget: 15_500, target: 9_000, contents: `export * from ${JSON.stringify(entry)}` },
  {
    name: 'an app that unbinds with a user token',
    budget: 11_900,
    target: 6_000,
    contents: `import { createMeetingChatClient } from ${JSON.stringify(entry)}
const client = createMeetingChatClient()
export const unbind = (ids, userAccessToken) => client.unbindMeetingChat(ids, { userAccessToken })`,
  },
]

export interface BundleFigures {
  readonly name: string
  readonly budget: number
  /** Issue 13's target, reported by the bench. */
  readonly target: number
  /** What loads at start: the entry chunk and its static imports. */
  readonly startMin: number
  readonly startGzip: number
  /** Chunks loaded only on demand (app credentials, the catalog's text). */
  readonly lazyGzip: number
}

/** Modules the client imports dynamically, on demand (app-credential flows, the catalog's text): as imported, and in dist/. */
const ON_DEMAND = ['./app.js', '../generated/catalog-text.js']
const ON_DEMAND_FILES = ['client/auth/app.js', 'generated/catalog-text.js']

async function minGzip(options: Parameters<typeof build>[0]): Promise<{ min: number; gzip: number }> {
  const result = await build({ ...options, bundle: true, minify: true, format: 'esm', platform: 'browser', charset: 'utf8', write: false, logLevel: 'silent' })
  const code = result.outputFiles?.[0]?.contents ?? new Uint8Array()
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length }
}

/** Figures of both bundles, built from `entry` (the package's dist/index.js by default). */
export async function measure(entry = ENTRY): Promise<BundleFigures[]> {
  const dist = dirname(entry)
  // What loads on demand, bundled on its own (it shares a few small modules with the start bundle).
  const lazy = await minGzip({ stdin: { contents: ON_DEMAND_FILES.map((f, i) => `export * as m${i} from ${JSON.stringify(join(dist, f))}`).join('\n'), resolveDir: process.cwd(), loader: 'js' } })
  const out: BundleFigures[] = []
  for (const b of bundlesFor(entry)) {
    // The dynamic imports stay imports: what an app loads at start is the rest.
    const start = await minGzip({ stdin: { contents: b.contents, resolveDir: process.cwd(), loader: 'js' }, external: ON_DEMAND })
    out.push({ name: b.name, budget: b.budget, target: b.target, startMin: start.min, startGzip: start.gzip, lazyGzip: lazy.gzip })
  }
  return out
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`
  const figures = await measure()
  let over = false
  for (const f of figures) {
    console.log(`${f.name}: ${kb(f.startMin)} min, ${kb(f.startGzip)} min+gzip at start (budget ${kb(f.budget)}); ${kb(f.lazyGzip)} min+gzip loaded on demand`)
    if (f.startGzip > f.budget) {
      over = true
      console.error(`  over its budget by ${f.startGzip - f.budget} bytes. Find what grew with esbuild's metafile.`)
    }
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify(figures))
  if (over) process.exit(1)
}
