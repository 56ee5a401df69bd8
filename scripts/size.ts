// Size budgets of the client as browser bundles (min+gzip): what an app loads at start. The app-credential
// flows, the catalog's text and client.api's openapi-fetch are dynamic imports that bundlers split off and load
// on demand; they are measured apart (esbuild with code splitting: what loads at start is the entry chunk and
// its static imports). Bundling for the browser platform also proves no Node built-ins.
//   npm run size            check both budgets
//   npm run size -- --json  also print the figures as JSON (the bench reads them)
//   npm run size -- --breakdown  also where the bytes of the user-token app go, module by module
import { dirname, join, relative } from 'node:path'
import { readFile } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const ENTRY = new URL('../dist/index.js', import.meta.url).pathname

/**
 * The bundles and their budgets (bytes, min+gzip, of what loads at start): today's size plus a small margin,
 * so that growth fails CI. Issue 13's targets (9 kB and 6 kB) are reported by the bench: the entry's is met, the
 * user-token app's is stopped by the floor of its call path (see {@link callPathFloor}).
 */
export const bundlesFor = (entry: string) => [
  { name: 'client entry (everything it exports)', budget: 9_000, target: 9_000, contents: `export * from ${JSON.stringify(entry)}` },
  {
    name: 'an app that unbinds with a user token',
    budget: 9_000,
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
  /** Chunks loaded only on demand (app credentials, what a failure means and says, client.api with openapi-fetch). */
  readonly lazyGzip: number
  /**
   * The text of the messages in what loads at start, openapi-fetch's own left out: bytes, and min+gzip of that
   * text alone. A message thrown at once (a bad option or token) or when nothing else may load (a network failure)
   * cannot be a lazy chunk, so this much of the start bundle stays with every rule it explains; what a refused id
   * or a failed answer says loads with it.
   */
  readonly startProse: number
  readonly startProseGzip: number
}

interface Output {
  readonly contents: Uint8Array
  readonly imports: readonly { readonly path: string; readonly kind: string }[]
}

/** Bundles `contents` as a browser app with code splitting; what loads at start is the entry chunk and its static imports. */
async function measureApp(contents: string): Promise<Omit<BundleFigures, 'name' | 'budget' | 'target'>> {
  const outdir = join(process.cwd(), '.size-out')
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'js', sourcefile: 'app.js' },
    bundle: true, splitting: true, minify: true, format: 'esm', platform: 'browser', charset: 'utf8',
    outdir, write: false, metafile: true, logLevel: 'silent',
  })
  const outputs = new Map<string, Output>()
  for (const [path, meta] of Object.entries(result.metafile.outputs)) {
    const file = result.outputFiles.find((f) => f.path === join(process.cwd(), path))
    if (file) outputs.set(path, { contents: file.contents, imports: meta.imports })
  }
  const entry = Object.entries(result.metafile.outputs).find(([, meta]) => meta.entryPoint !== undefined)?.[0]
  if (entry === undefined) throw new Error('size: esbuild wrote no entry chunk')
  // The entry chunk and every chunk it imports statically, transitively.
  const start = new Set<string>()
  const visit = (path: string) => {
    if (start.has(path)) return
    start.add(path)
    for (const i of outputs.get(path)?.imports ?? []) if (i.kind === 'import-statement' && outputs.has(i.path)) visit(i.path)
  }
  visit(entry)
  const concat = (paths: string[]) => Buffer.concat(paths.map((p) => outputs.get(p)!.contents))
  const startCode = concat([...start])
  const lazy = [...outputs.keys()].filter((p) => !start.has(p))
  const theirs = new Set(await proseLiterals(await readFile(OPENAPI_FETCH, 'utf8')))
  const prose = (await proseLiterals(startCode.toString('utf8'))).filter((text) => !theirs.has(text)).join('\n')
  return {
    startProse: Buffer.byteLength(prose),
    startProseGzip: gzipSync(prose, { level: 9 }).length,
    startMin: startCode.length,
    startGzip: gzipSync(startCode, { level: 9 }).length,
    // Each lazy chunk is fetched on its own: the sum of their sizes.
    lazyGzip: lazy.reduce((sum, p) => sum + gzipSync(outputs.get(p)!.contents, { level: 9 }).length, 0),
  }
}

/** openapi-fetch's module, as bundles resolve it. */
const OPENAPI_FETCH = fileURLToPath(import.meta.resolve('openapi-fetch'))

/**
 * The prose in JavaScript `code`: the text of each string literal and each literal part of a template that holds
 * a word after a space (a message, not a key, a header name or a path). TypeScript's parser reads it.
 */
export async function proseLiterals(code: string): Promise<string[]> {
  const { default: ts } = await import('typescript')
  const file = ts.createSourceFile('bundle.js', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS)
  const texts: string[] = []
  const visit = (node: import('typescript').Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) texts.push(node.text)
    else if (ts.isTemplateExpression(node)) texts.push(node.head.text, ...node.templateSpans.map((span) => span.literal.text))
    ts.forEachChild(node, visit)
  }
  visit(file)
  return texts.filter((text) => / \S/.test(text))
}

/** Figures of both bundles, built from `entry` (the package's dist/index.js by default). */
export async function measure(entry = ENTRY): Promise<BundleFigures[]> {
  const out: BundleFigures[] = []
  for (const b of bundlesFor(entry)) out.push({ name: b.name, budget: b.budget, target: b.target, ...(await measureApp(b.contents)) })
  return out
}

/**
 * Where the bytes of the user-token app go: the same app bundled from src/, minified, with each module's
 * bytes in the output (before gzip, which does not split by module). The lazy chunks are left out.
 */
export async function breakdown(root = dirname(dirname(ENTRY))): Promise<{ module: string; minBytes: number }[]> {
  const app = bundlesFor(join(root, 'src/index.ts'))[1]!
  const result = await build({
    stdin: { contents: app.contents, resolveDir: root, loader: 'js', sourcefile: 'app.js' },
    bundle: true, splitting: true, minify: true, format: 'esm', platform: 'browser', charset: 'utf8',
    outdir: join(root, '.size-out'), write: false, metafile: true, logLevel: 'silent',
  })
  const entry = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined)
  const inputs: Record<string, number> = {}
  const add = (o: (typeof result.metafile.outputs)[string] | undefined, seen: Set<typeof o>) => {
    if (!o || seen.has(o)) return
    seen.add(o)
    for (const [path, { bytesInOutput }] of Object.entries(o.inputs)) inputs[path] = (inputs[path] ?? 0) + bytesInOutput
    for (const i of o.imports) if (i.kind === 'import-statement') add(result.metafile.outputs[i.path], seen)
  }
  add(entry, new Set())
  return Object.entries(inputs)
    .filter(([, n]) => n > 0)
    .map(([module, minBytes]) => ({ module: module.replace(/^(\.\.\/)*node_modules\//, ''), minBytes }))
    .sort((a, b) => b.minBytes - a.minBytes)
}

/** What one call of the user-token app runs, bundled alone: see {@link callPathFloor}. */
export interface FloorFigures {
  readonly min: number
  readonly gzip: number
  /** The text of its messages, as {@link BundleFigures}' startProse. */
  readonly prose: number
  readonly proseGzip: number
  /** The source modules in it, relative to the root. */
  readonly modules: readonly string[]
}

/**
 * The floor of the user-token app's size in this code: the modules one unbind with a user token runs (the options
 * normalised, the ids, token and signal checked, the request built, the transport's deadline, timeouts, retries,
 * redaction and typed errors), bundled from src/ alone, with what they load on demand (what a failed answer means,
 * what a refused id says, the catalog's text) left out. It is the user-token app without the client object around the call (its other methods, client.api, the
 * app-credential checks): no packaging gets the app below it; only fewer rules on the call path, or smaller ones.
 */
export async function callPathFloor(root = dirname(dirname(ENTRY))): Promise<FloorFigures> {
  const { code, modules } = await buildCallPathFloor(root)
  const prose = (await proseLiterals(Buffer.from(code).toString('utf8'))).join('\n')
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length, prose: Buffer.byteLength(prose), proseGzip: gzipSync(prose, { level: 9 }).length, modules }
}

/**
 * The bundle {@link callPathFloor} measures: an ES module exporting `unbind(ids, userAccessToken)`, which runs the
 * call path with the default options and the global fetch (a test runs it), built with code splitting as an app
 * is: `code` is what loads at start (the entry chunk and its static imports), `files` every chunk by its name (what
 * loads on demand too, so that the bundle runs once written to a folder), `modules` the source modules at start.
 */
export async function buildCallPathFloor(root: string): Promise<{ code: Uint8Array; files: Record<string, Uint8Array>; modules: string[] }> {
  const src = (path: string) => JSON.stringify(join(root, 'src/client', path))
  const contents = `import { normalizeOptions } from ${src('options.ts')}
import { createTransport } from ${src('transport.ts')}
import { checkCall, MEETING_CHAT, refuse, sendDirect } from ${src('call.ts')}
const options = normalizeOptions({})
const fetch = createTransport({ options, auth: () => undefined }).bound('unbindMeetingChat')
export const unbind = async (ids, userAccessToken) => {
  const call = checkCall('unbindMeetingChat', ids, { userAccessToken })
  return 'problem' in call ? refuse(call, options.deadlineMs) : sendDirect(options.baseUrl + MEETING_CHAT, 'unbindMeetingChat', call, fetch)
}`
  const outdir = join(root, '.size-out/floor')
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js', sourcefile: 'floor.js' },
    bundle: true, splitting: true, minify: true, format: 'esm', platform: 'browser', charset: 'utf8', write: false, logLevel: 'silent', metafile: true,
    absWorkingDir: root, outdir, entryNames: 'floor',
  })
  const outputs = result.metafile.outputs
  const entry = Object.keys(outputs).find((path) => outputs[path]!.entryPoint !== undefined)
  if (entry === undefined) throw new Error('size: esbuild wrote no entry chunk for the floor')
  const start: string[] = []
  const visit = (path: string) => {
    if (start.includes(path) || !outputs[path]) return
    start.push(path)
    for (const i of outputs[path].imports) if (i.kind === 'import-statement') visit(i.path)
  }
  visit(entry)
  const file = (path: string) => result.outputFiles.find((f) => f.path === join(root, path))!.contents
  const modules = start.flatMap((path) => Object.entries(outputs[path]!.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([m]) => m))
  const files = Object.fromEntries(Object.keys(outputs).map((path) => [relative(outdir, join(root, path)), file(path)]))
  return { code: Buffer.concat(start.map(file)), files, modules }
}

// Run as a script (not imported): the URL of argv[1], percent-encoded as import.meta.url is (spaces, non-ASCII).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`
  const figures = await measure()
  let over = false
  for (const f of figures) {
    console.log(`${f.name}: ${kb(f.startMin)} min, ${kb(f.startGzip)} min+gzip at start (budget ${kb(f.budget)}); ${kb(f.lazyGzip)} min+gzip loaded on demand; the text of its messages ${kb(f.startProse)}, ${kb(f.startProseGzip)} min+gzip alone`)
    if (f.startGzip > f.budget) {
      over = true
      console.error(`  over its budget by ${f.startGzip - f.budget} bytes. Find what grew with esbuild's metafile.`)
    }
  }
  const floor = await callPathFloor()
  console.log(`the call path of the user-token app alone (its floor in this code): ${kb(floor.min)} min, ${kb(floor.gzip)} min+gzip; the text of its messages ${kb(floor.prose)}, ${kb(floor.proseGzip)} min+gzip alone`)
  if (process.argv.includes('--breakdown')) {
    console.log('where the bytes of the user-token app go (minified, before gzip):')
    for (const row of await breakdown()) console.log(`  ${String(row.minBytes).padStart(6)}  ${row.module}`)
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify({ bundles: figures, floor }))
  if (over) process.exit(1)
}
