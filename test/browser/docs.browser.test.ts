// The published docs (build/docs/, made by `npm run docs`) in headless Chromium at 1280 x 800, served by the
// sandbox as an installed package serves them: the HTTP reference opens with every operation, shows each
// operation's code samples, and is a console of the sandbox (an unbind sent from the page is answered by it,
// its log id shown); nothing is requested from another host. The same folder served as plain files under a
// sub-path stays a reference that says how to get the console. The error catalog's hint columns are on
// screen, and the HTTP reference, the error catalog and the TypeScript reference link to each other.
// A screenshot of each page goes to build/screenshots/. Without the docs or Chromium the test is skipped
// locally and FAILS in CI (`npm test` builds the docs before vitest runs).
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { errorCatalog } from '../../src/generated/catalog.ts'
import { spec } from '../../src/generated/spec.ts'
import { demo } from '../../src/fake/demo.ts'
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts'

const DOCS = fileURLToPath(new URL('../../build/docs/', import.meta.url))
const SHOTS = fileURLToPath(new URL('../../build/screenshots/', import.meta.url))
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const IN_CI = Boolean(process.env.CI) && !['0', 'false'].includes(process.env.CI!.toLowerCase())
const READY = existsSync(CHROMIUM) && existsSync(`${DOCS}index.html`)
const VIEWPORT = { width: 1280, height: 800 }

const UNBIND_PATH = '/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat'
const summaries = Object.values(spec.paths as Record<string, Record<string, { summary?: string }>>).flatMap((item) => Object.values(item).flatMap((op) => (op.summary ? [op.summary] : [])))

/** build/docs/ as plain files under /published/docs/, as a static host would publish the folder. */
function staticHost(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const rel = path.slice('/published/docs/'.length)
    if (!path.startsWith('/published/docs/') || rel.split('/').includes('..')) return void res.writeHead(404).end()
    const file = join(DOCS, rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel)
    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.txt': 'text/plain', '.yaml': 'application/yaml' }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    )
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

describe.skipIf(!READY && !IN_CI)('the docs site in a 1280 px window', { timeout: 90_000 }, () => {
  let browser: Browser
  let sandbox: Sandbox
  let page: Page
  /** Every request the pages made, to check that none left the origin that served them. */
  const requested: string[] = []

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
    page.on('request', (r) => requested.push(r.url()))
  }, 30_000)

  afterAll(async () => {
    await browser?.close()
    await sandbox?.close()
  })

  /** The reference, loaded and rendered (its script has asked whether a sandbox serves it). */
  async function openReference(url: string): Promise<void> {
    await page.goto(url)
    await page.locator('html[data-console]').waitFor()
    await page.getByRole('heading', { name: spec.info.title, level: 1 }).waitFor({ timeout: 60_000 })
  }

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

  it('opens the HTTP reference with every operation there, none folded behind "Show more", reading down the page', async () => {
    await openReference(`${sandbox.url}/docs/`)
    await page.screenshot({ path: `${SHOTS}api-1280.png` })
    const main = page.locator('main')
    const seen = new Set<string>()
    // Scalar draws the sections as they near the window: read the page down as a reader scrolls it.
    for (let i = 0; i < 60 && seen.size < summaries.length; i++) {
      for (const s of summaries) if (await main.getByRole('heading', { name: s, exact: true }).count()) seen.add(s)
      expect(await main.getByRole('button', { name: /^Show (more|all)/i }).count()).toBe(0)
      await page.mouse.wheel(0, 700)
      await page.waitForTimeout(100)
    }
    expect([...seen].sort()).toEqual([...summaries].sort())
    // The catalog as a list in the reference, each code linking to its row of errors.html.
    expect(await page.locator('a[href="errors.html#195108"]').count()).toBeGreaterThan(0)
  })

  it("shows each operation's code samples: curl, this client, its CLI and the official Node SDK", async () => {
    await openReference(`${sandbox.url}/docs/`)
    const section = page.locator(`section[id$="/DELETE${UNBIND_PATH}"]`)
    await page.locator('aside, nav').getByText(summaries.find((s) => s.startsWith('Unbind'))!).first().click()
    await section.waitFor()
    await section.getByRole('button', { name: /Change code sample language/ }).first().click()
    const options = await page.getByRole('option').allTextContents()
    expect(options.map((o) => o.trim())).toEqual(expect.arrayContaining(['curl', 'feishu-meeting-chat', 'CLI', '@larksuiteoapi/node-sdk']))
    await page.getByRole('option', { name: 'feishu-meeting-chat' }).click()
    await expect.poll(() => section.innerText()).toContain('client.unbindMeetingChat(')
    await page.screenshot({ path: `${SHOTS}api-samples-1280.png` })
  })

  it('sends an unbind from the page to the sandbox serving it, prefilled with the demo ids and token, and shows the answer and its log id', async () => {
    await openReference(`${sandbox.url}/docs/`)
    expect(await page.locator('html').getAttribute('data-console')).toBe('on')
    await page.locator('aside, nav').getByText(summaries.find((s) => s.startsWith('Unbind'))!).first().click()
    const section = page.locator(`section[id$="/DELETE${UNBIND_PATH}"]`)
    await section.getByRole('button', { name: /Test Request/ }).click()
    const send = page.getByRole('button', { name: /^Send/ }).first()
    await send.waitFor()
    await page.screenshot({ path: `${SHOTS}console-1280.png` })
    const before = sandbox.fake.calls.length
    await send.click()
    const bar = page.locator('#console-answer:not([hidden])')
    await bar.waitFor()
    await page.screenshot({ path: `${SHOTS}console-answer-1280.png` })
    // The sandbox answered the request the page sent: the app's unbind of its own event, with its token.
    const calls = sandbox.fake.calls.slice(before)
    expect(calls).toHaveLength(1)
    expect(calls[0]).toMatchObject({ operationId: 'unbindMeetingChat', method: 'DELETE', status: 200, code: 0 })
    expect(decodeURIComponent(calls[0]!.url)).toContain(`/calendars/${demo.calendars.app}/events/${demo.events.appStandup}/meeting_chat?meeting_chat_id=${demo.chats.appStandup}`)
    expect(sandbox.fake.chat(demo.chats.appStandup)?.boundTo).toBeUndefined()
    expect(await bar.textContent()).toBe(`HTTP 200 · code 0 success · log id ${calls[0]!.logId}`)
    // The answer itself, in Scalar's response panel.
    await expect.poll(() => page.getByText('200 OK').count()).toBeGreaterThan(0)
    // Sent again: the chat is no longer bound.
    await send.click()
    await expect.poll(() => bar.textContent()).toMatch(/^HTTP 400 · code 195108 /)
  })

  it('requests nothing from another host: no CDN, fonts, telemetry or proxy', () => {
    const origin = new URL(sandbox.url).origin
    expect(requested.length).toBeGreaterThan(0)
    expect(requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))).toEqual([])
  })

  it('links the HTTP reference, the error catalog and the TypeScript reference both ways', async () => {
    await openReference(`${sandbox.url}/docs/`)
    await page.locator('a[href="api/index.html"]').first().click()
    await page.waitForURL(/\/docs\/api\/index\.html$/)
    await page.screenshot({ path: `${SHOTS}typescript-1280.png` })
    expect(await page.locator('text=createMeetingChatClient').count()).toBeGreaterThan(0)
    await page.locator('a[href="../index.html"]').first().click()
    await page.waitForURL(/\/docs\/index\.html$/)
    await page.locator('html[data-console]').waitFor()
    await page.locator('a[href="errors.html"]').first().click()
    await page.waitForURL(/\/docs\/errors\.html$/)
    await page.locator('a[href="index.html"]').first().click()
    await page.waitForURL(/\/docs\/index\.html$/)
    await page.locator('html[data-console]').waitFor()
    await page.goto(`${sandbox.url}/docs/errors.html`)
    await page.locator('a[href="api/index.html"]').first().click()
    await page.waitForURL(/\/docs\/api\/index\.html$/)
  })

  it('published as plain files under another path, stays a reference: no request buttons, and says how to get the console', async () => {
    const host = await staticHost()
    try {
      const base = `http://127.0.0.1:${(host.address() as AddressInfo).port}/published/docs/`
      await openReference(base)
      expect(await page.locator('html').getAttribute('data-console')).toBe('off')
      await expect.poll(() => page.locator('main').innerText()).toContain('npx feishu-meeting-chat sandbox')
      await page.locator('aside, nav').getByText(summaries.find((s) => s.startsWith('Unbind'))!).first().click()
      const section = page.locator(`section[id$="/DELETE${UNBIND_PATH}"]`)
      await section.getByRole('button', { name: /Change code sample language/ }).first().waitFor()
      expect(await section.getByRole('button', { name: /Test Request/ }).count()).toBe(0)
      await page.locator('a[href="errors.html"]').first().click()
      await page.waitForURL(`${base}errors.html`)
      expect(await page.locator('tbody tr').count()).toBe(Object.keys(errorCatalog).length)
    } finally {
      await new Promise((resolve) => host.close(resolve))
    }
  })
})
