// The sandbox under bad clients: disconnects mid-body, malformed HTTP (fuzzed, seeded), slow partial
// requests, then a short load run. Bounded in count; the sandbox runs in this process to watch its log.
import { ServerResponse } from 'node:http'
import { connect } from 'node:net'
import autocannon from 'autocannon'
import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { errorCatalog } from '../../src/generated/catalog.ts'
import { demo } from '../../src/fake/demo.ts'
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts'

let sandbox: Sandbox
let port: number
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 })
  port = sandbox.port
})
afterAll(() => sandbox.close())
afterEach(() => vi.restoreAllMocks())

/** Sends raw bytes, half-closes, and resolves with everything the server sent before it closed. */
const raw = (bytes: string | Buffer) =>
  new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes))
    let data = ''
    socket.on('data', (d) => { data += d.toString('latin1') })
    socket.on('close', () => resolve(data))
    socket.on('error', () => resolve(data))
  })

/** A request that completes after the ones before it: by then the sandbox has finished with them. */
const stillServing = async () => (await fetch(`${sandbox.url}/openapi.json`)).status

const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal'

describe("a client's disconnect is the client's", () => {
  it.each([
    ['a body shorter than its Content-Length, then a close', `POST ${TOKEN_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"app_id":`],
    ['bad chunked encoding', `POST ${TOKEN_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`],
  ])('%s: nothing logged, nothing written to the dead socket', async (_name, bytes) => {
    const logged = vi.spyOn(console, 'error')
    const written = vi.spyOn(ServerResponse.prototype, 'writeHead')
    const before = sandbox.fake.calls.length
    const answer = await raw(bytes)
    expect(await stillServing()).toBe(200)
    expect(logged).not.toHaveBeenCalled()
    // Only the /openapi.json answer above was written; the cut request reached neither the fake nor a 500.
    expect(written.mock.calls.map((c) => c[0])).toEqual([200])
    expect(answer).not.toMatch(/190003|HTTP\/1\.1 5/)
    expect(sandbox.fake.calls.length).toBe(before)
  })
})

describe('malformed HTTP over raw sockets (fuzzed, seeded)', () => {
  const methods = fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'TRACE', 'CONNECT', 'G\x00T', '', 'POST POST')
  const paths = fc.constantFrom(
    TOKEN_PATH,
    '/open-apis/calendar/v4/calendars/c%40x/events/e_0/meeting_chat?meeting_chat_id=oc_1',
    '/open-apis/calendar/v4/calendars/%/events/%%/meeting_chat',
    '/open-apis/calendar/v4/calendars/..%2f..%2f/events/%c0%ae/meeting_chat',
    '*',
    'http://evil.example/open-apis/x',
    '/\u00ff\u0001',
    '',
  )
  const headers = fc.array(
    fc.constantFrom(
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      'Content-Length: 5',
      'Content-Length: -1',
      'Content-Length: 99999999999999999999',
      'Content-Length: 2\r\nContent-Length: 3',
      'Transfer-Encoding: chunked',
      'Transfer-Encoding: gzip, chunked',
      'Authorization: Bearer u-demo-alice',
      'Authorization: Bearer \u00ff',
      'X-Bad\u0000Header: 1',
      ' folded: header',
      `X-Long: ${'a'.repeat(20_000)}`,
      'NoColon',
    ),
    { maxLength: 5 },
  )
  const bodies = fc.constantFrom('', '{}', '{"app_id":"x","app_secret":"y"}', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\n', '\x00\x01\x02')
  const versions = fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9', 'FOO')

  it('answers each with a status below 500 and a catalog code, or closes; and keeps serving', async () => {
    const logged = vi.spyOn(console, 'error')
    await fc.assert(
      fc.asyncProperty(methods, paths, versions, headers, bodies, async (method, path, version, hs, body) => {
        const answer = await raw(`${method} ${path} ${version}\r\n${hs.join('\r\n')}${hs.length ? '\r\n' : ''}\r\n${body}`)
        for (const status of answer.matchAll(/^HTTP\/1\.[01] (\d{3})/gm)) expect(Number(status[1])).toBeLessThan(500)
        for (const code of answer.matchAll(/"code":(\d+)/g)) expect(Number(code[1]) === 0 || Object.hasOwn(errorCatalog, Number(code[1]))).toBe(true)
      }),
      { seed: 20261125, numRuns: 150 },
    )
    expect(await stillServing()).toBe(200)
    expect(logged).not.toHaveBeenCalled()
  })
})

describe('slow partial requests (slowloris, bounded)', () => {
  it('keep answering others while 100 connections hold half-sent headers', async () => {
    const sockets = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        new Promise<ReturnType<typeof connect>>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.write(`POST ${TOKEN_PATH} HTTP/1.1\r\nHost: x\r\nX-Slow-${i}: `)
            resolve(socket)
          })
          socket.on('error', () => undefined)
        }),
      ),
    )
    try {
      const statuses = await Promise.all(Array.from({ length: 20 }, () => stillServing()))
      expect(statuses).toEqual(Array(20).fill(200))
      for (const socket of sockets) socket.write('a')
      expect(await stillServing()).toBe(200)
    } finally {
      for (const socket of sockets) socket.destroy()
    }
  })
})

describe('a short load run', () => {
  it('has 0 errors and only answers the catalog knows, with their statuses', async () => {
    const answers: { status: number; code: number | undefined }[] = []
    const record = (status: number, body: string) => {
      let code: number | undefined
      try {
        code = (JSON.parse(body) as { code?: number }).code
      } catch {
        code = undefined
      }
      answers.push({ status, code })
    }
    const cal = encodeURIComponent(demo.calendars.alice)
    const auth = { authorization: `Bearer ${demo.users.bob.userAccessToken}` }
    const result = await autocannon({
      url: sandbox.url,
      connections: 10,
      amount: 3000,
      requests: [
        { method: 'POST', path: TOKEN_PATH, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ app_id: demo.app.appId, app_secret: demo.app.appSecret }), onResponse: record },
        { method: 'DELETE', path: `/open-apis/calendar/v4/calendars/${cal}/events/${demo.events.weeklySync}/meeting_chat?meeting_chat_id=${demo.chats.weeklySync}`, headers: auth, onResponse: record },
        { method: 'POST', path: `/open-apis/calendar/v4/calendars/${cal}/events/${demo.events.planning}/meeting_chat`, headers: auth, onResponse: record },
        { method: 'GET', path: '/open-apis/nothing', onResponse: record },
      ],
    })
    expect(result.errors).toBe(0)
    expect(result.timeouts).toBe(0)
    expect(answers).toHaveLength(3000)
    const outside = answers.filter(({ status, code }) =>
      code === undefined ? status !== 404 : code === 0 ? status !== 200 : !Object.hasOwn(errorCatalog, code) || errorCatalog[code as keyof typeof errorCatalog].status !== status,
    )
    expect(outside).toEqual([])
  })
})
