// The build (scripts/build.ts, what `npm run build` writes to dist/): the client entry is one module of ours that
// holds the whole client, every other entry imports the client's classes from the client entry (one
// FeishuApiError, one ConfigError), and files read beside the package (the spec, package.json) resolve from the
// chunks too. Built here into a private folder laid out as the package.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildJs, entryPoints } from '../scripts/build.ts'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
let pkg: string
let dist: string

beforeAll(async () => {
  pkg = mkdtempSync(join(tmpdir(), 'fmc-build-'))
  dist = join(pkg, 'dist')
  await buildJs(dist)
  copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'))
  mkdirSync(join(pkg, 'openapi'))
  copyFileSync(join(ROOT, 'openapi/openapi.yaml'), join(pkg, 'openapi/openapi.yaml'))
  // Dependencies resolve from the repository's node_modules, as from an install.
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'))
}, 60_000)
afterAll(() => rmSync(pkg, { recursive: true, force: true }))

/** The files of dist/ a module loads statically (itself included), read from esbuild's import statements. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen
  seen.add(file)
  const code = readFileSync(file, 'utf8')
  for (const m of code.matchAll(/^(?:import|export)\b[^;]*?from\s*"(\.{1,2}\/[^"]+)"|^import\s*"(\.{1,2}\/[^"]+)"/gms)) {
    staticClosure(join(dirname(file), (m[1] ?? m[2])!), seen)
  }
  return seen
}
/** The source modules esbuild bundled into a file (it writes `// src/…` before each one). */
const sourcesOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^\/\/ (src\/\S+)$/gm)].map((m) => m[1]!)

describe('the build', () => {
  it('builds every target of the exports map and the bin', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | { default: string }>; bin: Record<string, string> }
    const targets = [...Object.values(manifest.exports).map((t) => (typeof t === 'string' ? t : t.default)), ...Object.values(manifest.bin)]
      .filter((t) => t.endsWith('.js'))
    for (const t of targets) expect(() => readFileSync(join(pkg, t)), t).not.toThrow()
    expect(entryPoints().map((e) => relative(ROOT, e))).toContain('src/index.ts')
  })

  it('the client entry is one file of ours that holds the whole client, loads nothing on demand, and carries no mock or sandbox code', () => {
    const entry = join(dist, 'index.js')
    expect([...staticClosure(entry)]).toEqual([entry])
    const code = readFileSync(entry, 'utf8')
    const sources = sourcesOf(entry)
    for (const module of ['src/client/transport.ts', 'src/client/auth/app.ts', 'src/client/classify.ts', 'src/generated/catalog-text.ts']) expect(sources).toContain(module)
    expect(sources.filter((s) => /^src\/(mock|fake|sandbox|msw|cli|contract)\//.test(s))).toEqual([])
    expect(code).toMatch(/^import\b[^;]*?from\s*["']openapi-fetch["']/m)
    expect(code).not.toMatch(/\bimport\s*\(/)
  })

  it('other entries import the client\'s classes from the client entry: one FeishuApiError and one ConfigError', async () => {
    const root = await import(pathToFileURL(join(dist, 'index.js')).href)
    const bulk = await import(pathToFileURL(join(dist, 'bulk/index.js')).href)
    const limiter = await import(pathToFileURL(join(dist, 'limiter/index.js')).href)
    // Refused by /bulk's own option check, and by /limiter's.
    const bulkConfig = await bulk.unbindMeetingChats([], { concurrency: 0 }).next().catch((e: unknown) => e)
    expect(bulkConfig).toBeInstanceOf(root.ConfigError)
    expect(() => limiter.createRateLimiter({ headroom: 2 })).toThrow(root.ConfigError)
    // An item /bulk refuses before sending: its error is the client entry's FeishuApiError.
    const results = []
    for await (const r of bulk.unbindMeetingChats([{ calendarId: 'c', eventId: 'e', meetingChatId: 'not-a-chat' }], { auth: { tenantAccessToken: 't-x' }, rateLimiter: false })) results.push(r)
    expect(results).toHaveLength(1)
    expect(results[0].error).toBeInstanceOf(root.FeishuApiError)
    // No client module of the client entry is bundled again into the other entries' chunks.
    const rootFiles = staticClosure(join(dist, 'index.js'))
    const elsewhere = [...staticClosure(join(dist, 'bulk/index.js')), ...staticClosure(join(dist, 'limiter/index.js'))].filter((f) => !rootFiles.has(f)).flatMap(sourcesOf)
    expect(elsewhere).toContain('src/bulk/index.ts')
    for (const shared of ['src/client/errors.ts', 'src/client/options.ts', 'src/client/client.ts', 'src/client/auth/token-cache.ts']) expect(elsewhere).not.toContain(shared)
  })

  it('the CLI, bundled, reads package.json and the spec beside its dist/', () => {
    const version = execFileSync(process.execPath, [join(dist, 'cli/bin.js'), '--version'], { encoding: 'utf8', timeout: 30_000 }).trim()
    expect(version).toContain((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version)
  })

  it('runs as a script from a folder whose path has a space and non-ASCII (import.meta.url is percent-encoded)', () => {
    const root = mkdtempSync(join(tmpdir(), 'fmc build é '))
    try {
      mkdirSync(join(root, 'scripts'))
      copyFileSync(join(ROOT, 'scripts/build.ts'), join(root, 'scripts/build.ts'))
      copyFileSync(join(ROOT, 'package.json'), join(root, 'package.json'))
      symlinkSync(join(ROOT, 'src'), join(root, 'src'))
      symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'))
      execFileSync(process.execPath, [join(root, 'scripts/build.ts'), join(root, 'out')], { encoding: 'utf8', timeout: 60_000 })
      expect(() => readFileSync(join(root, 'out/index.js'))).not.toThrow()
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  }, 60_000)

  it('the sandbox, from its chunk, reads the spec beside dist/', async () => {
    const { startSandbox } = await import(pathToFileURL(join(dist, 'sandbox/server.js')).href)
    const sandbox = await startSandbox({ port: 0, host: '127.0.0.1' })
    try {
      const answer = await fetch(`${sandbox.url}/openapi.yaml`)
      expect(answer.status).toBe(200)
      expect(await answer.text()).toBe(readFileSync(join(ROOT, 'openapi/openapi.yaml'), 'utf8'))
    } finally {
      await sandbox.close()
    }
  })
})
