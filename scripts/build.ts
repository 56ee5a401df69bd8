// `npm run build`: dist/ as the package ships it. esbuild bundles the entry points (the `exports` map, the
// CLI's bin, and the demo seed the scripts read) and tsc writes the declarations, one .d.ts per source file,
// which the `exports` map's `types` point to. Dependencies (openapi-fetch, msw, csv-parse…) and Node
// built-ins stay imports, resolved by the user's install.
//
// Two builds, for import time and for one copy of each class:
// - the client entry (dist/index.js) and dist/catalog.js, each one file: a Node import of the client reads
//   one module of ours, not twenty;
// - every other entry (msw, sandbox, limiter, bulk, the CLI), with code splitting among them. Where their
//   sources import the client's public modules (FeishuApiError, ConfigError, createMeetingChatClient…), the
//   import goes to dist/index.js itself, so that `instanceof FeishuApiError` holds for an error from /bulk
//   and there is one token cache class. They import only names the client entry exports: a link error
//   otherwise, which the tests that import each entry catch.
//   npm run build                   dist/ (JavaScript, source maps, declarations)
//   node scripts/build.ts <outdir>  JavaScript only, into another folder (the bench's build)
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build, type BuildOptions, type Plugin } from 'esbuild'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

/**
 * The source of every file the package runs from dist/: the `exports` map's and `bin`'s targets, mapped
 * back to src/, and the demo seed (scripts/demo.ts and the soak test import dist/fake/demo.js).
 */
export function entryPoints(root = ROOT): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { default?: string }>
    bin: Record<string, string>
  }
  const targets = [
    ...Object.values(manifest.exports).map((t) => (typeof t === 'string' ? t : t.default)),
    ...Object.values(manifest.bin),
  ].filter((t): t is string => typeof t === 'string' && /^\.?\/?dist\/.*\.js$/.test(t))
  const sources = targets.map((t) => join(root, t.replace(/^\.?\/?dist\//, 'src/').replace(/\.js$/, '.ts')))
  return [...new Set([...sources, join(root, 'src/fake/demo.ts')])]
}

/** Entries built as one file each, one folder up from every other entry. */
const OWN_FILE = ['src/index.ts', 'src/catalog.ts']

/**
 * The client's modules that hold classes or state, with the client entry that exports them: imported by
 * another entry, they resolve to dist/index.js. Any other client module another entry imports (the id
 * checks, `sleep`, the generated tables) is pure and bundled into it.
 */
const SHARED_FROM_CLIENT_ENTRY = ['src/index.ts', 'src/client/client.ts', 'src/client/errors.ts', 'src/client/options.ts', 'src/client/auth/token-cache.ts']

/**
 * Chunks go to dist/_chunks/, one folder down like every entry but the two of OWN_FILE, so that the client
 * entry is `../index.js` from all of them and a file of the package read by `new URL('../../…',
 * import.meta.url)` (src/sandbox/server.ts, src/cli/main.ts) resolves the same from an entry and a chunk.
 */
export const CHUNK_NAMES = '_chunks/[name]-[hash]'

function clientEntryImports(root: string): Plugin {
  const shared = new Set(SHARED_FROM_CLIENT_ENTRY.map((f) => join(root, f)))
  return {
    name: 'client-entry-imports',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = join(args.resolveDir, args.path).replace(/\.js$/, '.ts')
        return shared.has(target) ? { path: '../index.js', external: true } : undefined
      })
    },
  }
}

export async function buildJs(outdir: string, options: { sourcemap?: boolean; root?: string } = {}): Promise<void> {
  const root = options.root ?? ROOT
  const src = join(root, 'src')
  const entries = entryPoints(root)
  const ownFile = new Set(OWN_FILE.map((f) => join(root, f)))
  const others = entries.filter((e) => !ownFile.has(e))
  for (const entry of others) {
    if (relative(src, dirname(entry)).split(sep).length !== 1 || dirname(entry) === src) {
      throw new Error(`build: ${relative(root, entry)} must sit one folder below src/, where \`../index.js\` is the client entry`)
    }
  }
  rmSync(outdir, { recursive: true, force: true })
  const common: BuildOptions = {
    outbase: src,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: CHUNK_NAMES,
    sourcemap: options.sourcemap ?? false,
    // src/ ships in the package: the maps point to it instead of copying it.
    sourcesContent: false,
    logLevel: 'warning',
  }
  // One build per own-file entry, so that they share no chunk.
  for (const entry of entries.filter((e) => ownFile.has(e))) await build({ ...common, entryPoints: [entry] })
  await build({ ...common, entryPoints: others, plugins: [clientEntryImports(root)] })
}

// Run as a script (not imported): the URL of argv[1], percent-encoded as import.meta.url is (spaces, non-ASCII).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outdir = process.argv[2]
  if (outdir) {
    await buildJs(outdir)
  } else {
    const dist = join(ROOT, 'dist')
    await buildJs(dist, { sourcemap: true })
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--emitDeclarationOnly'], { cwd: ROOT, stdio: 'inherit' })
    console.error(`build: ${relative(process.cwd(), dist) || '.'}/ written (esbuild: ${entryPoints().length} entries; tsc: declarations)`)
  }
}
