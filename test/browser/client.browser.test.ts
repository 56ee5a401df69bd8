// The built client in a real browser: headless Chromium (Debian's package, driven by playwright-core) loads
// a page served from 127.0.0.1, which starts the real msw service worker (msw's mockServiceWorker.js) over
// the stateful fake and calls the client as a frontend would. The test reads what the page saw
// (`window.__results`) and what Chromium's network layer saw, and checks the Authorization header, the
// percent-encoded `@` of the calendar id in the path, the typed errors and the successes.
//
// "Built" means what `npm run build` writes to dist/ (scripts/build.ts), built here
// into a private temporary directory: the shared dist/ may be stale, missing, or being rewritten by a
// concurrent `npm run build` (which starts with rm -rf dist). The page imports the package by its own
// name; the bundler resolves it through package.json's `exports`, redirected from ./dist/ to that build.
//
// Chromium: CHROMIUM_PATH, else /usr/bin/chromium. Without it the test is skipped locally and FAILS in CI
// (CI set): install it with `apt-get install -y chromium`. No network: every host but 127.0.0.1 is
// unresolvable in the browser, so nothing can leave the machine.
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { errorCatalog } from '../../src/generated/catalog.ts'
import { demo } from '../../src/msw/index.ts'
import { buildJs } from '../../scripts/build.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const HERE = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const IN_CI = Boolean(process.env.CI) && !['0', 'false'].includes(process.env.CI!.toLowerCase())
const HAVE_CHROMIUM = existsSync(CHROMIUM)
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Loopback only: any other host fails to resolve, so a request the worker let through cannot go out.
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
]
// Bounds for each wait; the whole file takes well under these on 2 cores.
const BUILD_TIMEOUT_MS = 45_000
const BROWSER_TIMEOUT_MS = 15_000

if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(`[browser test] skipped: no Chromium at ${CHROMIUM} (install it with \`apt-get install -y chromium\`, or set CHROMIUM_PATH). In CI (CI set) this is a failure.`)
}

// The shape page.js leaves in window.__results.
interface Seen {
  method: string
  url: string
  origin: string
  path: string
  search: string
  authorization: string | null
  status: number | null
  code: number | null
  logId: string | null
  issuedToken: string | null
}
interface ErrorView {
  isFeishuApiError: boolean
  isError: boolean
  name: string | null
  message: string
  kind: string | null
  code: number | null
  msg: string | null
  httpStatus: number | null
  logId: string | null
  hint: { en: string; zh: string } | null
  retryable: boolean | null
  operation: string | null
  attempts: number | null
  toJSON: Record<string, unknown> | null
}
type Step = { ok: true; value: unknown } | { ok: false; error: ErrorView }
interface PageResults {
  done: boolean
  failure: { message: string; stack: string | null } | null
  controller: { scriptURL: string; state: string } | null
  seen: Seen[]
  steps: Record<string, Step>
}
// What Chromium's network layer reports for each API request of the page (DevTools' view).
interface NetworkEntry {
  method: string
  url: string
  authorization: string | null
  status: number
  fromServiceWorker: boolean
}

/** Builds the package's JavaScript into `outDir` as `npm run build` does (scripts/build.ts; no declarations: the bundle needs only the JS). */
const buildPackage = (outDir: string): Promise<void> => buildJs(outDir)

/** Bundles page.js for the browser, with `feishu-meeting-chat[/msw]` resolved by package.json's exports into `outDir`. */
async function bundlePage(outDir: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { name: string; exports: Record<string, { default?: string } | string> }
  const built = (subpath: string): string => {
    const target = pkg.exports[subpath]
    const file = typeof target === 'string' ? target : target?.default
    if (!file?.startsWith('./dist/')) throw new Error(`package.json exports["${subpath}"] should point into ./dist/, got ${JSON.stringify(target)}`)
    const path = join(outDir, file.slice('./dist/'.length))
    if (!existsSync(path)) throw new Error(`the build has no ${file.slice(2)} (exports["${subpath}"])`)
    return path
  }
  const result = await esbuild.build({
    entryPoints: [join(HERE, 'page.js')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    // The build lives in a temporary directory: its bare imports (openapi-fetch, ajv, msw) come from here.
    nodePaths: [join(ROOT, 'node_modules')],
    plugins: [{
      name: 'the-built-package',
      setup(build) {
        build.onResolve({ filter: new RegExp(`^${pkg.name}(/.*)?$`) }, (args) => ({ path: built(`.${args.path.slice(pkg.name.length)}`) }))
      },
    }],
  })
  const [file] = result.outputFiles
  if (!file) throw new Error('esbuild wrote no bundle')
  return file.text
}

function serve(files: Record<string, { type: string; body: string }>, requests: string[]): Promise<Server> {
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    const file = files[new URL(req.url ?? '/', 'http://127.0.0.1').pathname]
    if (!file || req.method !== 'GET') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found')
      return
    }
    res.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-store' }).end(file.body)
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)('the built client in headless Chromium with the msw service worker', () => {
  let workDir: string | undefined
  let server: Server | undefined
  let browser: Browser | undefined
  let origin = ''
  let results: PageResults
  const served: string[] = []
  const network: NetworkEntry[] = []
  const problems: string[] = []

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}, and CI requires the browser test: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`)
    }
    workDir = await mkdtemp(join(tmpdir(), 'feishu-meeting-chat-browser-'))
    const outDir = join(workDir, 'dist')
    // The build and Chromium's start are independent: overlap them.
    const [build, launch] = await Promise.allSettled([
      buildPackage(outDir),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: BROWSER_TIMEOUT_MS }),
    ])
    if (launch.status === 'fulfilled') browser = launch.value
    if (build.status === 'rejected') throw build.reason
    if (launch.status === 'rejected') {
      const reason = launch.reason instanceof Error ? launch.reason.message : String(launch.reason)
      throw new Error(`could not start Chromium at ${CHROMIUM} (is it Debian's chromium package?): ${reason}`)
    }
    if (!browser) throw new Error('unreachable: no browser')
    const [bundle, html, worker] = await Promise.all([
      bundlePage(outDir),
      readFile(join(HERE, 'index.html'), 'utf8'),
      readFile(require.resolve('msw/mockServiceWorker.js'), 'utf8'),
    ])
    server = await serve({
      '/': { type: 'text/html; charset=utf-8', body: html },
      '/page.js': { type: 'text/javascript; charset=utf-8', body: bundle },
      // At the origin's root, so its scope covers the page.
      '/mockServiceWorker.js': { type: 'text/javascript; charset=utf-8', body: worker },
    }, served)
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

    const context = await browser.newContext({ serviceWorkers: 'allow' })
    const page = await context.newPage()
    page.setDefaultTimeout(BROWSER_TIMEOUT_MS)
    page.on('console', (message) => {
      // Chromium logs every 4xx/5xx answer so; the refusals are expected, and checked below.
      if (/^Failed to load resource: the server responded with a status of [45]\d\d\b/.test(message.text())) return
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`)
    })
    page.on('pageerror', (error) => problems.push(`page error: ${error.stack ?? error.message}`))
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.method()} ${request.url()}: ${request.failure()?.errorText ?? '?'}`))
    page.on('response', (response) => {
      const request = response.request()
      if (!new URL(request.url()).pathname.startsWith('/open-apis/')) return
      network.push({
        method: request.method(),
        url: request.url(),
        authorization: request.headers()['authorization'] ?? null,
        status: response.status(),
        fromServiceWorker: response.fromServiceWorker(),
      })
    })

    const explain = (what: string, error?: unknown) => {
      const lines = [
        `${what}${error === undefined ? '' : `: ${error instanceof Error ? error.message : String(error)}`}`,
        `console and page errors:${problems.length ? `\n  ${problems.join('\n  ')}` : ' none'}`,
        `requests to the page's server: ${served.join(', ') || 'none'}`,
      ]
      return new Error(lines.join('\n'))
    }
    try {
      await page.goto(`${origin}/`, { waitUntil: 'load' })
      await page.waitForFunction(() => (window as unknown as { __results?: PageResults }).__results?.done === true)
    } catch (error) {
      const partial = await page.evaluate(() => JSON.stringify((window as unknown as { __results?: unknown }).__results ?? null)).catch(() => 'unavailable')
      throw explain(`the page did not finish its scenario (partial window.__results: ${partial})`, error)
    }
    results = await page.evaluate(() => (window as unknown as { __results: PageResults }).__results)
    if (results.failure) throw explain(`the page's scenario broke: ${results.failure.stack ?? results.failure.message}`)
    if (problems.length) throw explain('the page reported errors')
    // Chromium's network events come over the DevTools pipe: wait until each request the worker saw has one.
    await vi.waitFor(() => {
      if (network.length < results.seen.length) throw explain(`Chromium reported ${network.length} API responses, the worker answered ${results.seen.length}`)
    }, { timeout: 5_000, interval: 20 })
  }, BUILD_TIMEOUT_MS + 3 * BROWSER_TIMEOUT_MS)

  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
    if (workDir) await rm(workDir, { recursive: true, force: true })
  })

  const { calendars, events, chats, users } = demo
  const meetingChatPath = (calendarId: string, eventId: string) =>
    `/open-apis/calendar/v4/calendars/${encodeURIComponent(calendarId)}/events/${eventId}/meeting_chat`
  const seenAt = (method: string, path: string) => results.seen.filter((s) => s.origin === origin && s.method === method && s.path === path)
  const failed = (name: string): ErrorView => {
    const step = results.steps[name]
    if (!step) throw new Error(`the page ran no step "${name}"`)
    if (step.ok) throw new Error(`step "${name}" succeeded, expected a refusal`)
    return step.error
  }

  it('is the real msw service worker that answers: nothing reaches the server or the network', () => {
    expect(results.controller?.scriptURL).toBe(`${origin}/mockServiceWorker.js`)
    expect(network.length).toBe(results.seen.length)
    for (const entry of network) expect(entry, `${entry.method} ${entry.url}`).toMatchObject({ fromServiceWorker: true })
    // The page's server served the page, its script and the worker; no API request got past the worker.
    expect(served.filter((r) => r.includes('/open-apis/'))).toEqual([])
    expect(new Set(served)).toEqual(new Set(['GET /', 'GET /page.js', 'GET /mockServiceWorker.js']))
  })

  it('sends the tenant token it fetched, and a per-call user token, in the Authorization header', () => {
    const tokenCalls = seenAt('POST', '/open-apis/auth/v3/tenant_access_token/internal')
    expect(tokenCalls).toHaveLength(1) // fetched once, then cached
    const [tokenCall] = tokenCalls
    expect(tokenCall).toMatchObject({ authorization: null, status: 200, code: 0 })
    const issued = tokenCall!.issuedToken
    expect(issued).toMatch(/^t-/)

    const create = seenAt('POST', meetingChatPath(calendars.app, events.appPlanning))
    expect(create.map((s) => s.authorization)).toEqual([`Bearer ${issued}`])
    const userCalls = results.seen.filter((s) => s.origin === origin && s.method === 'DELETE' && s.search.includes(chats.unbound))
    expect(userCalls.map((s) => s.authorization)).toEqual([`Bearer ${users.alice.userAccessToken}`])

    // Chromium's own record of the requests (what DevTools shows) has the same headers.
    const sent = network.filter((n) => n.url.startsWith(origin)).map((n) => `${n.method} ${new URL(n.url).pathname} ${n.authorization ?? '-'}`)
    expect(sent).toEqual([
      'POST /open-apis/auth/v3/tenant_access_token/internal -',
      `POST ${meetingChatPath(calendars.app, events.appPlanning)} Bearer ${issued}`,
      `DELETE ${meetingChatPath(calendars.app, events.appPlanning)} Bearer ${issued}`,
      `DELETE ${meetingChatPath(calendars.app, events.appReview)} Bearer ${issued}`,
      `DELETE ${meetingChatPath(calendars.alice, events.weeklySync)} Bearer ${users.alice.userAccessToken}`,
      `DELETE ${meetingChatPath(calendars.alice, events.weeklySync)} Bearer ${users.alice.userAccessToken}`,
    ])
  })

  it('percent-encodes the @ of the calendar id in the path the worker sees', () => {
    const calendarCalls = results.seen.filter((s) => s.path.startsWith('/open-apis/calendar/'))
    expect(calendarCalls.length).toBeGreaterThan(0)
    for (const call of calendarCalls) {
      expect(call.path).toMatch(/^\/open-apis\/calendar\/v4\/calendars\/feishu\.cn_demo_(alice|app)%40group\.calendar\.feishu\.cn\/events\/[^/]+\/meeting_chat$/)
      expect(call.url).not.toContain('@')
      // Routed to the operation, not answered with the gateway's 404 page.
      expect(call.status).not.toBe(404)
    }
    // Chromium's record of the URLs the page requested says the same.
    const requested = network.filter((n) => n.url.includes('/open-apis/calendar/'))
    expect(requested).toHaveLength(calendarCalls.length)
    for (const n of requested) expect(n.url).toMatch(/\/calendars\/feishu\.cn_demo_(alice|app)%40group\.calendar\.feishu\.cn\/events\//)
  })

  it('rejects a refused call with a FeishuApiError: code, kind, hint and the log id of the answer', () => {
    const cases = [
      { step: 'appUnbindsAlicesChat', code: 195107, kind: 'permission', httpStatus: 403, search: chats.appReview, auth: 'Bearer t-' },
      { step: 'userUnbindsUnboundChat', code: 195108, kind: 'invalid_request', httpStatus: 400, search: chats.unbound, auth: 'Bearer u-' },
    ] as const
    for (const c of cases) {
      const error = failed(c.step)
      const entry = errorCatalog[c.code]
      const answer = results.seen.find((s) => s.origin === origin && s.code === c.code && s.search.includes(c.search) && s.authorization?.startsWith(c.auth))
      expect(answer, `the worker answered ${c.code}`).toBeDefined()
      expect(error).toMatchObject({
        isFeishuApiError: true,
        isError: true,
        name: 'FeishuApiError',
        code: c.code,
        kind: c.kind,
        httpStatus: c.httpStatus,
        msg: entry.msg,
        hint: entry.hint,
        retryable: false,
        operation: 'unbindMeetingChat',
        attempts: 1,
        logId: answer!.logId,
      })
      expect(error.logId).toMatch(/^\d{14}[0-9A-F]{12}$/)
      expect(error.message).toContain(String(c.code))
      expect(error.message).toContain(entry.hint.en)
      expect(error.message).toContain(`log id ${error.logId}`)
      // No token in anything a frontend might log.
      expect(JSON.stringify(error)).not.toMatch(/Bearer|[tu]-demo|t-[0-9a-f]{8}/)
    }
  })

  it('creates a meeting chat, then unbinds it; the owner unbinds her own', () => {
    const create = results.steps['create']
    expect(create).toEqual({ ok: true, value: { meetingChatId: expect.stringMatching(/^oc_[0-9a-f]{32}$/), applink: expect.any(String), logId: expect.any(String) } })
    const chatId = (create as { value: { meetingChatId: string } }).value.meetingChatId
    // A success carries its log id: the one the sandbox's answer had.
    const unbound = results.steps['unbindCreated'] as { ok: true; value: { logId: string } }
    expect(unbound).toEqual({ ok: true, value: { logId: expect.any(String) } })
    expect(results.steps['userUnbindsOwnChat']).toEqual({ ok: true, value: { logId: expect.any(String) } })
    const unbind = results.seen.find((s) => s.origin === origin && s.method === 'DELETE' && s.search === `?meeting_chat_id=${chatId}`)
    expect(unbind).toMatchObject({ path: meetingChatPath(calendars.app, events.appPlanning), status: 200, code: 0, logId: unbound.value.logId })
  })

  // Note: a response the service worker constructs is not CORS-filtered by Chromium, so this proves the
  // client's side only; whether the real platform answers a browser's cross-origin call is another matter.
  it('does the same against the platform origin, cross-origin from the page (the default domain)', () => {
    const error = failed('crossOriginRefused')
    const answer = results.seen.find((s) => s.origin === 'https://open.feishu.cn')
    expect(answer).toMatchObject({
      method: 'DELETE',
      path: meetingChatPath(calendars.alice, events.planning),
      authorization: `Bearer ${users.alice.userAccessToken}`,
      code: 195108,
    })
    expect(error).toMatchObject({ isFeishuApiError: true, code: 195108, kind: 'invalid_request', httpStatus: 400, logId: answer!.logId })
    expect(network.find((n) => n.url.startsWith('https://open.feishu.cn/'))).toMatchObject({ fromServiceWorker: true, status: 400 })
  })
})
