// The published docs (build/docs/, made by `npm run docs`) in headless Chromium at 1280 x 800, served by the
// sandbox as an installed package serves them: the error catalog's hint columns are on screen, the HTTP
// reference and the TypeScript reference link to each other, and the envelope's `code` lists the codes.
// A screenshot of each page goes to build/screenshots/. Without the docs or Chromium the test is skipped
// locally and FAILS in CI (CI runs `npm run docs` before `npm test`).
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { errorCatalog } from '../../src/generated/catalog.ts'
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts'

const DOCS = fileURLToPath(new URL('../../build/docs/', import.meta.url))
const SHOTS = fileURLToPath(new URL('../../build/screenshots/', import.meta.url))
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const IN_CI = Boolean(process.env.CI) && !['0', 'false'].includes(process.env.CI!.toLowerCase())
const READY = existsSync(CHROMIUM) && existsSync(`${DOCS}index.html`)
const VIEWPORT = { width: 1280, height: 800 }

// Redoc renders a 2.5 MB page: on a loaded 2-core machine that alone can take more than the default 20 s.
describe.skipIf(!READY && !IN_CI)('the docs site in a 1280 px window', { timeout: 90_000 }, () => {
  let browser: Browser
  let sandbox: Sandbox
  let page: Page

  beforeAll(async () => {
    if (!READY) throw new Error(`Needs Chromium (${CHROMIUM}) and the built docs (npm run docs)`)
    await mkdir(SHOTS, { recursive: true })
    sandbox = await startSandbox({ port: 0 })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'],
      timeout: 15_000,
    })
    page = await browser.newPage({ viewport: VIEWPORT })
  }, 30_000)

  afterAll(async () => {
    await browser?.close()
    await sandbox?.close()
  })

  it('shows the error catalog with both hint columns on screen, nothing scrolled sideways', async () => {
    await page.goto(`${sandbox.url}/docs/errors.html`)
    await page.screenshot({ path: `${SHOTS}errors-1280.png` })
    for (const id of ['#hint', '#hint-zh']) {
      const box = await page.locator(id).boundingBox()
      expect(box, id).not.toBeNull()
      expect(box!.x).toBeGreaterThanOrEqual(0)
      expect(box!.x + box!.width).toBeLessThanOrEqual(VIEWPORT.width)
      expect(box!.width).toBeGreaterThanOrEqual(200)
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT.width)
    const codes = await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.id)))
    expect(codes.sort((a, b) => a - b)).toEqual(Object.keys(errorCatalog).map(Number).sort((a, b) => a - b))
    // A hint is readable where it stands: its cell is inside the window, not clipped to nothing.
    const hint = await page.locator('tr[id="195108"] td').nth(5).boundingBox()
    expect(hint!.x + hint!.width).toBeLessThanOrEqual(VIEWPORT.width)
    expect(hint!.height).toBeGreaterThan(10)
  })

  it('renders the HTTP reference with the catalog unclipped in the window and the envelope code as the catalog codes', async () => {
    await page.goto(`${sandbox.url}/docs`)
    // The menu shows first; Redoc renders the catalog's section after it, slowly on a loaded machine, and at
    // times only once it is navigated to: the reader's way there is the menu's entry.
    const menuEntry = page.locator('li').filter({ hasText: /^\s*Error catalog\s*$/ }).first()
    await menuEntry.waitFor()
    const entry = page.locator('li', { hasText: '195108' }).first()
    await entry.waitFor({ timeout: 10_000 }).catch(() => menuEntry.click())
    await entry.waitFor({ timeout: 60_000 })
    await page.screenshot({ path: `${SHOTS}api-1280.png` })
    await entry.scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SHOTS}api-catalog-1280.png` })
    const box = await entry.boundingBox()
    expect(box!.x + box!.width).toBeLessThanOrEqual(VIEWPORT.width)
    // Nothing of it is cut off: the entry and every box around it are as wide as their content.
    expect(await entry.evaluate((el) => {
      const clipped: string[] = []
      for (let node: Element | null = el; node; node = node.parentElement) if (node.scrollWidth > node.clientWidth + 1) clipped.push(node.tagName)
      return clipped
    })).toEqual([])
    const text = await page.evaluate(() => document.body.innerText)
    // Before: one "<msg> (any) or ..." per code, where the envelope's `code` is described.
    expect(text).not.toMatch(/\(any\) or /)
    expect(text).toMatch(/190002/)
  })

  it('links the HTTP reference, the error catalog and the TypeScript reference both ways', async () => {
    await page.goto(`${sandbox.url}/docs/`)
    await page.locator('a[href="api/index.html"]').first().click()
    await page.waitForURL(/\/docs\/api\/index\.html$/)
    await page.screenshot({ path: `${SHOTS}typescript-1280.png` })
    expect(await page.locator('text=createMeetingChatClient').count()).toBeGreaterThan(0)
    await page.locator('a[href="../index.html"]').first().click()
    await page.waitForURL(/\/docs\/index\.html$/)
    await page.locator('a[href="errors.html"]').first().click()
    await page.waitForURL(/\/docs\/errors\.html$/)
    await page.locator('a[href="api/index.html"]').first().click()
    await page.waitForURL(/\/docs\/api\/index\.html$/)
  })
})
