// The docs site as `npm run docs` builds it (build/docs/): publishable as it is, so every link and script
// between its pages is relative, nothing is loaded from another host, and the reference's page carries the
// spec with every operation's code samples. (test/browser/docs.browser.test.ts drives it in Chromium.)
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { spec } from '../../src/generated/spec.ts'

const DOCS = fileURLToPath(new URL('../../build/docs/', import.meta.url))
const IN_CI = Boolean(process.env.CI) && !['0', 'false'].includes(process.env.CI!.toLowerCase())

async function htmlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((e) => e.isFile() && e.name.endsWith('.html')).map((e) => join(e.parentPath, e.name))
}

describe.skipIf(!existsSync(join(DOCS, 'index.html')) && !IN_CI)('build/docs', () => {
  it('links its pages to each other by relative links that lead to files of the site, and loads nothing from another host', async () => {
    const pages = await htmlFiles(DOCS)
    expect(pages.map((p) => relative(DOCS, p))).toEqual(expect.arrayContaining(['index.html', 'errors.html', 'api/index.html']))
    let internal = 0
    for (const page of pages) {
      const html = await readFile(page, 'utf8')
      // What a page loads (scripts, styles, images) is always its own file.
      for (const [, src] of html.matchAll(/<(?:script|img|iframe)\b[^>]*\bsrc="([^"]+)"/g)) expect(src, `${relative(DOCS, page)} loads ${src}`).not.toMatch(/^([a-z]+:|\/\/)/i)
      for (const [, href] of html.matchAll(/<link\b[^>]*\bhref="([^"]+)"/g)) expect(href, `${relative(DOCS, page)} loads ${href}`).toMatch(/^(?!\/\/)(?![a-z]+:)|^data:/i)
      for (const [, href] of html.matchAll(/<a\b[^>]*\bhref="([^"]+)"/g)) {
        const link = href!.replaceAll('&amp;', '&')
        if (/^([a-z]+:|#)/i.test(link)) continue // another site, or a place on the page
        expect(link, `${relative(DOCS, page)} links to ${link}`).not.toMatch(/^\//)
        const target = join(dirname(page), decodeURIComponent(link.split(/[#?]/)[0]!))
        expect(existsSync(target), `${relative(DOCS, page)} links to ${link}, which the site does not hold`).toBe(true)
        internal++
      }
    }
    expect(internal).toBeGreaterThan(10)
  })

  it("runs the reference on Scalar's browser build and the page's own script, both files of the site, without a source map to miss", async () => {
    const index = await readFile(join(DOCS, 'index.html'), 'utf8')
    expect([...index.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1])).toEqual(['scalar/api-reference.js', 'console.js'])
    const scalar = await readFile(join(DOCS, 'scalar/api-reference.js'), 'utf8')
    expect(scalar).toMatch(/createApiReference/)
    expect(scalar).not.toMatch(/sourceMappingURL/)
    expect(await readFile(join(DOCS, 'scalar/NOTICE.txt'), 'utf8')).toMatch(/@scalar\/api-reference \d+\.\d+\.\d+ .*MIT/s)
  })

  it('carries the spec in the page, with the code samples of every operation', async () => {
    const index = await readFile(join(DOCS, 'index.html'), 'utf8')
    const json = /<script id="openapi" type="application\/json">(.*?)<\/script>/s.exec(index)?.[1]
    expect(json).toBeDefined()
    const inPage = JSON.parse(json!) as { paths: Record<string, Record<string, { operationId: string; 'x-codeSamples'?: unknown[] }>> }
    const samples = (doc: typeof inPage) => Object.fromEntries(Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => [op.operationId, op['x-codeSamples']])))
    const fromSpec = samples(spec as unknown as typeof inPage)
    expect(Object.keys(fromSpec).length).toBeGreaterThan(0)
    expect(samples(inPage)).toEqual(fromSpec)
  })
})
