// llms.txt: made from the README's opening, the spec and the error catalog (scripts/llms.ts), committed at the
// package's root (and shipped), written by `npm run docs` at the docs site's root. Stale is a failure, as for
// the generated files; every link of each copy leads to a file that is there.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { errorCatalog } from '../../src/generated/catalog.ts'
import { kindHints } from '../../src/generated/catalog-text.ts'
import { spec } from '../../src/generated/spec.ts'
import { llmsText, readmeOpening } from '../../scripts/llms.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const DOCS = join(ROOT, 'build/docs/')
const read = (file: string) => readFile(join(ROOT, file), 'utf8')
const operationIds = Object.values(spec.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((item) => Object.values(item).flatMap((op) => (op.operationId ? [op.operationId] : [])))
const linksOf = (text: string) => [...text.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!)

describe('llms.txt at the package root', () => {
  it('is what the README, the spec and the catalog make now (`npm run generate` writes it)', async () => {
    expect(await read('llms.txt'), 'llms.txt is stale: run `npm run generate`').toBe(llmsText('package'))
  })

  it("says what the package is in the README's words, and lists every operation and every kind of error with its codes", async () => {
    const text = llmsText('package')
    expect(text.split('\n')[0]).toBe('# feishu-meeting-chat')
    expect(text).toContain(`> ${readmeOpening(await read('README.md'))}`)
    expect(readmeOpening(await read('README.md'))).toMatch(/meeting chat/i)
    for (const id of operationIds) expect(text).toContain(`(\`${id}\`)`)
    for (const kind of Object.keys(kindHints)) expect(text).toMatch(new RegExp(`^- \`${kind}\`: `, 'm'))
    for (const code of Object.keys(errorCatalog)) expect(text).toContain(code)
  })

  it('ships in the package, and links only to files the package holds', async () => {
    const manifest = JSON.parse(await read('package.json')) as { files: string[] }
    expect(manifest.files).toContain('llms.txt')
    const links = linksOf(llmsText('package'))
    expect(links.length).toBeGreaterThan(4)
    for (const link of links) {
      expect(link, 'relative').not.toMatch(/^(\/|[a-z]+:)/)
      expect(manifest.files.some((f) => link === f || link.startsWith(`${f}/`)) || link === 'README.md', `${link} is in package.json files`).toBe(true)
      if (link.startsWith('build/docs/') && existsSync(DOCS)) expect(existsSync(join(ROOT, link)), link).toBe(true)
      else if (!link.startsWith('build/')) expect(existsSync(join(ROOT, link)), link).toBe(true)
    }
  })

  it('`npm run check:generated` fails on a stale copy and names the fix', { timeout: 30_000 }, async () => {
    const tree = await mkdtemp(join(tmpdir(), 'fmc-llms-'))
    try {
      for (const path of ['scripts/llms.ts', 'src/generated', 'README.md', 'package.json']) await cp(join(ROOT, path), join(tree, path), { recursive: true })
      await writeFile(join(tree, 'llms.txt'), llmsText('package'))
      const check = () => promisify(execFile)(process.execPath, ['scripts/llms.ts', '--check'], { cwd: tree })
      await expect(check()).resolves.toMatchObject({ stdout: 'llms.txt is fresh.\n' })
      const readme = await readFile(join(tree, 'README.md'), 'utf8')
      await writeFile(join(tree, 'README.md'), readme.replace(/^(# .*\n\n)/m, '$1A new opening.\n\n'))
      await expect(check()).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/llms\.txt is stale: run `npm run generate`/) })
    } finally {
      await rm(tree, { recursive: true, force: true })
    }
  })
})

describe.skipIf(!existsSync(join(DOCS, 'index.html')))('llms.txt at the docs root (npm run docs)', () => {
  it('is the docs copy, its links relative to the site and all there', async () => {
    const text = await readFile(join(DOCS, 'llms.txt'), 'utf8')
    expect(text).toBe(llmsText('docs'))
    for (const link of linksOf(text)) {
      expect(link).not.toMatch(/^(\/|[a-z]+:|\.\.)/)
      expect(existsSync(join(DOCS, link)), link).toBe(true)
    }
  })
})
