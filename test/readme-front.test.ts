// The README's first screen: its example runs as written against a sandbox, and its comparison table quotes
// the benchmark tables of bench/README.md (which `npm run bench` rewrites) and package.json, figure for figure.
import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import { useReadmeSandbox } from './readme-sandbox.ts'
import { installedClosure } from '../bench/sections/size.ts'

const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> }
const front = readme.slice(0, readme.indexOf('\n## '))
const example = /<!-- example: front -->\n```ts\n([\s\S]*?)```/.exec(front)?.[1] ?? ''
const benchReadme = await readFile(new URL('../bench/README.md', import.meta.url), 'utf8')
const bench = /<!-- bench:table -->([\s\S]*?)<!-- \/bench:table -->/.exec(benchReadme)?.[1] ?? ''
const dir = new URL('./.readme-front/', import.meta.url)
const entry = new URL('../src/index.ts', import.meta.url).pathname
const root = fileURLToPath(new URL('../', import.meta.url))

/** The cells of the first table row (in `text`) whose cells start with `first`. */
function row(text: string, ...first: string[]): string[] {
  for (const line of text.split('\n')) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim())
    if (first.every((f, i) => cells[i] === f)) return cells
  }
  throw new Error(`no row starting ${first.join(' | ')}`)
}

/** What `npm install feishu-meeting-chat` puts on disk: the packed files, and its dependencies as installed here. */
async function installedFootprint(): Promise<{ bytes: number; docsBytes: number; dependencies: string[] }> {
  // The files `npm pack` would ship now; scripts off, so this reads what `npm run build` and `npm run docs` made.
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root })
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as [{ unpackedSize: number; files: { path: string; size: number }[] }]
  for (const file of ['dist/index.js', 'build/docs/index.html']) {
    expect(packed.files.map((f) => f.path), `${file} is missing: run npm run build and npm run docs`).toContain(file)
  }
  const closures = await Promise.all(Object.keys(pkg.dependencies).map((name) => installedClosure(root, name)))
  return {
    bytes: packed.unpackedSize + closures.reduce((sum, c) => sum + c.bytes, 0),
    docsBytes: packed.files.filter((f) => f.path.startsWith('build/docs/')).reduce((sum, f) => sum + f.size, 0),
    dependencies: [...new Set(closures.flatMap((c) => c.packages))].sort(),
  }
}

describe('the README front door', () => {
  useReadmeSandbox(dir)

  it('starts with the install line, then the example', () => {
    expect(front).toMatch(/```sh\nnpm install feishu-meeting-chat\n```\n\n<!-- example: front -->/)
    expect(example.trim().split('\n').length).toBeLessThanOrEqual(15)
  })

  it('runs its example: unbound the first time, the typed refusal with hint and log id the second', async () => {
    const printed: string[] = []
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => { printed.push(args.join(' ')) })
    try {
      for (const run of [1, 2]) {
        const file = new URL(`front-${run}.ts`, dir)
        await writeFile(file, example.replaceAll("from 'feishu-meeting-chat'", `from '${entry}'`))
        await import(/* @vite-ignore */ file.href)
      }
    } finally {
      log.mockRestore()
    }
    expect(printed[0]).toMatch(/^unbound \w{10,}$/)
    expect(printed[1]).toMatch(/^invalid_request 195108 The chat id does not match the event\S* .* \w{10,}$/)
    expect(printed).toHaveLength(2)
  })

  it('says what installing it puts on disk: its dependencies counted, its size measured from the packed files', async () => {
    const { bytes, docsBytes, dependencies } = await installedFootprint()
    const cell = row(front, 'installed')[1] ?? ''
    const [, bound, count, direct, names] = /^under \*\*(\d+(?:\.\d)?) MB\*\* on disk with its (\d+) dependencies \((\d+) direct: ([^)]+)\), most of it the HTML docs the sandbox serves$/.exec(cell) ?? []
    expect(cell, `measured ${bytes} B, ${docsBytes} B of docs; dependencies ${dependencies.join(', ')}`).toMatch(/^under/)
    // A bound that holds and says something: above the size, and less than 1 MB above it.
    expect(Number(bound) * 1e6).toBeGreaterThan(bytes)
    expect(Number(bound) * 1e6 - bytes).toBeLessThan(1e6)
    expect(docsBytes / bytes).toBeGreaterThan(0.5)
    const declared = Object.keys(pkg.dependencies).sort()
    expect([Number(count), Number(direct), names?.split(', ')]).toEqual([dependencies.length, declared.length, declared])
  }, 30_000)

  it('quotes the benchmark tables and package.json in its comparison table, and names no commit or machine', () => {
    expect(bench).toMatch(/Measured \d{4}-\d{2}-\d{2} /)
    expect(readme).not.toMatch(/\bcommit [0-9a-f]{7}\b|load average|issue \d+/i)
    const [, ours, theirs] = row(bench, '100')
    expect(row(front, 'token requests for 100 concurrent first calls')).toEqual(['token requests for 100 concurrent first calls', `**${ours}**`, theirs])
    const browserSize = row(bench, 'this package: an app importing only createMeetingChatClient', 'browser')[3]
    const sdkBrowser = row(bench, 'official SDK: an app importing Client and withTenantToken', 'browser')[2]
    expect(sdkBrowser).toMatch(/^fails: \d+ errors \(Could not resolve "fs"\)$/)
    expect(row(front, 'in a browser app (esbuild, min+gzip)')).toEqual(['in a browser app (esbuild, min+gzip)', `**${browserSize}**`, 'does not bundle: Could not resolve "fs"'])
    const installed = row(bench, 'official SDK installed in node_modules (with its 54 dependencies)')
    expect(row(front, 'installed')[2]).toBe(`${installed[2]?.replace(' on disk', '')} on disk, 54 dependencies`)
    const coldStart = bench.slice(bench.indexOf('**Cold start**'))
    const us = row(coldStart, 'this package')
    const sdk = row(coldStart, 'official SDK')
    expect(row(front, 'cold start: process start to first answer')).toEqual(['cold start: process start to first answer', `**${us[3]}** (import ${us[1]})`, `${sdk[3]} (import ${sdk[1]})`])
  })
})
