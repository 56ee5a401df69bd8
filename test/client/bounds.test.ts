// Issue 11: every call ends within its deadline, reads at most maxResponseBytes, and puts no credential
// into an error whatever the server echoes; an id that no URL can carry is a typed error, not a URIError.
import { inspect } from 'node:util'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMeetingChatClient, DEFAULTS, FeishuApiError } from '../../src/index.ts'
import { APP, BASE, CAL, CHAT, CHAT_PATH, EVT, INTERNAL_TOKEN, ok, server, unbindEndpoint, useServer } from './support.ts'

useServer()
afterEach(() => vi.useRealTimers())
const ids = { calendarId: CAL, eventId: EVT, meetingChatId: CHAT }
const fakeClock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
async function settle(done: () => boolean = () => false): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setImmediate(resolve))
}
const unexpected = (): never => { throw new Error('expected a rejection') }
/** The call's outcome, and the fake time at which it settled. */
function track(call: Promise<unknown>) {
  const state: { settledAt: number | null; error: unknown } = { settledAt: null, error: undefined }
  const done = call.then(
    () => { state.settledAt = Date.now() },
    (e: unknown) => { state.settledAt = Date.now(); state.error = e },
  )
  return { state, done }
}

describe('a deadline per call', () => {
  it('has a documented default of 60 s', () => {
    expect(DEFAULTS.deadlineMs).toBe(60_000)
  })

  it('ends a call whose token source never settles, with nothing sent', async () => {
    fakeClock()
    const unbind = unbindEndpoint()
    server.use(unbind.handler)
    const start = Date.now()
    const client = createMeetingChatClient({ auth: { tenantAccessToken: () => new Promise<string>(() => {}) }, deadlineMs: 5000 })
    const call = track(client.unbindMeetingChat(ids))
    await vi.advanceTimersByTimeAsync(4999)
    expect(call.state.settledAt).toBeNull()
    await vi.advanceTimersByTimeAsync(1)
    await call.done
    expect(call.state.settledAt).toBe(start + 5000)
    expect(call.state.error).toBeInstanceOf(FeishuApiError)
    expect(call.state.error).toMatchObject({ kind: 'timeout', attempts: 0, operation: 'unbindMeetingChat' })
    expect((call.state.error as Error).message).toMatch(/no token within the call's deadline of 5000 ms/)
    expect(unbind.seen).toHaveLength(0)
  })

  it('ends a call whose store app appTicket() never settles, and the next call is not stuck behind it', async () => {
    // The app-credential flows load on demand: loaded first, their timers start on the fake clock, not after it moved.
    await import('../../src/client/auth/app.ts')
    fakeClock()
    let tickets = 0
    const appTicket = () => (++tickets === 1 ? new Promise<string>(() => {}) : 'ticket-2')
    server.use(
      http.post(`${BASE}/open-apis/auth/v3/app_access_token`, () => HttpResponse.json({ code: 0, msg: 'ok', app_access_token: 'a-1', expire: 7200 })),
      http.post(`${BASE}/open-apis/auth/v3/tenant_access_token`, () => HttpResponse.json({ code: 0, msg: 'ok', tenant_access_token: 't-store', expire: 7200 })),
    )
    const unbind = unbindEndpoint()
    server.use(unbind.handler)
    const client = createMeetingChatClient({ auth: { ...APP, appTicket, tenantKey: 'tk-1' }, deadlineMs: 3000 })
    const first = track(client.unbindMeetingChat(ids))
    await vi.advanceTimersByTimeAsync(3000)
    await first.done
    expect(first.state.error).toMatchObject({ kind: 'timeout' })
    expect(unbind.seen).toHaveLength(0)
    const second = track(client.unbindMeetingChat(ids))
    await settle(() => second.state.settledAt !== null)
    await second.done
    expect(second.state.error).toBeUndefined()
    expect(unbind.seen.map((s) => s.auth)).toEqual(['Bearer t-store'])
  })

  it('covers every attempt and every wait: a server that never answers ends the call at the deadline', async () => {
    fakeClock()
    const unbind = unbindEndpoint(() => new Promise<Response>(() => {}))
    server.use(unbind.handler)
    const start = Date.now()
    const client = createMeetingChatClient({ auth: { tenantAccessToken: 't-static' }, timeoutMs: 4000, deadlineMs: 10_000, retry: { maxAttempts: 10, baseDelayMs: 0 } })
    const call = track(client.unbindMeetingChat(ids))
    for (let i = 0; i < 20 && call.state.settledAt === null; i++) {
      await settle()
      await vi.advanceTimersByTimeAsync(1000)
    }
    await call.done
    expect(call.state.settledAt).toBe(start + 10_000)
    expect(call.state.error).toMatchObject({ kind: 'timeout', attempts: 3 })
    expect((call.state.error as Error).message).toMatch(/deadline of 10000 ms/)
    expect(unbind.seen).toHaveLength(3)
  })

  it('does not start a wait that would end past the deadline', async () => {
    const unbind = unbindEndpoint(() => HttpResponse.json({ code: 99991400, msg: 'request trigger frequency limit' }, { status: 429, headers: { 'x-ogw-ratelimit-reset': '3' } }))
    server.use(unbind.handler)
    const client = createMeetingChatClient({ auth: { tenantAccessToken: 't-static' }, deadlineMs: 2000 })
    await expect(client.unbindMeetingChat(ids)).rejects.toMatchObject({ kind: 'rate_limited', attempts: 1, retryAfterMs: 3000 })
    expect(unbind.seen).toHaveLength(1)
  })

  it('is checked like the other durations', () => {
    expect(() => createMeetingChatClient({ deadlineMs: 0 })).toThrow(/deadlineMs must be a number from 1/)
  })
})

describe('a response size limit', () => {
  it('has a documented default of 1 MiB', () => {
    expect(DEFAULTS.maxResponseBytes).toBe(1_048_576)
  })

  it('stops reading an endless body at the limit, cancels it, and fails with protocol, not retried', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20)
    let pulls = 0
    let cancelled = false
    const endless = () => new ReadableStream<Uint8Array>({
      pull(controller) { pulls++; controller.enqueue(chunk) },
      cancel() { cancelled = true },
    })
    const client = createMeetingChatClient({
      auth: { tenantAccessToken: 't-static' },
      maxResponseBytes: 256 * 1024,
      fetch: async () => new Response(endless(), { status: 502 }),
    })
    const error = await client.unbindMeetingChat(ids).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'protocol', httpStatus: 502, retryable: false, attempts: 1 })
    expect((error as Error).message).toMatch(/larger than maxResponseBytes \(262144 bytes\)/)
    expect(cancelled).toBe(true)
    expect(pulls).toBeLessThanOrEqual(6)
  })

  it('refuses a declared Content-Length over the limit without reading the body', async () => {
    let pulled = false
    // highWaterMark 0: the stream pulls only when someone reads.
    const body = new ReadableStream<Uint8Array>({ pull(c) { pulled = true; c.enqueue(new Uint8Array(10)); c.close() } }, { highWaterMark: 0 })
    const client = createMeetingChatClient({
      auth: { tenantAccessToken: 't-static' },
      fetch: async () => new Response(body, { status: 200, headers: { 'content-length': String(DEFAULTS.maxResponseBytes + 1) } }),
    })
    await expect(client.unbindMeetingChat(ids)).rejects.toMatchObject({ kind: 'protocol', attempts: 1 })
    expect(pulled).toBe(false)
  })

  it('reads an answer of exactly the limit', async () => {
    const text = JSON.stringify({ code: 0, msg: 'success', data: {} })
    const client = createMeetingChatClient({ auth: { tenantAccessToken: 't-static' }, maxResponseBytes: text.length, fetch: async () => new Response(text) })
    await expect(client.unbindMeetingChat(ids)).resolves.toEqual({ logId: null })
  })
})

describe('redaction of everything that goes into an error', () => {
  const token = 't-ECHOED-secret-token-77'
  const surfaces = (error: FeishuApiError): string[] => {
    const out = [String(error), String(error.stack), JSON.stringify(error), inspect(error, { depth: 10, showHidden: true })]
    for (let c: unknown = error.cause; c instanceof Error; c = c.cause) out.push(String(c), String(c.stack), inspect(c))
    return out
  }

  it('the token echoed in X-Tt-Logid and Content-Type', async () => {
    server.use(http.delete(CHAT_PATH, ({ request }) => new HttpResponse('<html>oops</html>', {
      status: 400,
      headers: { 'X-Tt-Logid': `log ${request.headers.get('authorization')}`, 'Content-Type': `text/html; echo=${request.headers.get('authorization')}` },
    })))
    const error = await createMeetingChatClient({ auth: { tenantAccessToken: token } }).unbindMeetingChat(ids).then(unexpected, (e: FeishuApiError) => e)
    expect(error.kind).toBe('protocol')
    expect(error.logId).toBe('log Bearer [redacted]')
    expect(error.message).toContain('echo=Bearer [redacted]')
    for (const text of surfaces(error)) expect(text).not.toContain(token)
  })

  it('the app secret echoed by the token endpoint in X-Tt-Logid', async () => {
    server.use(http.post(INTERNAL_TOKEN, async ({ request }) => {
      const { app_secret } = (await request.json()) as { app_secret: string }
      return HttpResponse.json({ code: 10014, msg: 'app secret invalid' }, { status: 400, headers: { 'X-Tt-Logid': app_secret } })
    }))
    const error = await createMeetingChatClient({ auth: APP }).unbindMeetingChat(ids).then(unexpected, (e: FeishuApiError) => e)
    expect(error.code).toBe(10014)
    for (const text of surfaces(error)) expect(text).not.toContain(APP.appSecret)
  })

  it('the token in the body log id and in the keys of the details', async () => {
    server.use(http.delete(CHAT_PATH, ({ request }) => {
      const auth = String(request.headers.get('authorization'))
      return HttpResponse.json({ code: 190002, msg: 'invalid parameters in request', error: { log_id: auth, [auth]: 'echo' } }, { status: 400 })
    }))
    const error = await createMeetingChatClient({ auth: { tenantAccessToken: token } }).unbindMeetingChat(ids).then(unexpected, (e: FeishuApiError) => e)
    for (const text of surfaces(error)) expect(text).not.toContain(token)
  })

  it('the token in a network failure message from an injected fetch', async () => {
    const client = createMeetingChatClient({
      auth: { tenantAccessToken: token },
      retry: false,
      fetch: async (request) => { throw new TypeError(`failed with ${request.headers.get('authorization')}`) },
    })
    const error = await client.unbindMeetingChat(ids).then(unexpected, (e: FeishuApiError) => e)
    expect(error.kind).toBe('network')
    expect(String((error.cause as Error).message)).toContain('[redacted]')
    for (const text of surfaces(error)) expect(text).not.toContain(token)
  })

  it('cuts a huge log id short', async () => {
    server.use(http.delete(CHAT_PATH, () => HttpResponse.json({ code: 190002, msg: 'x' }, { status: 400, headers: { 'X-Tt-Logid': 'L'.repeat(5000) } })))
    const error = await createMeetingChatClient({ auth: { tenantAccessToken: token } }).unbindMeetingChat(ids).then(unexpected, (e: FeishuApiError) => e)
    expect(error.logId?.length).toBeLessThanOrEqual(201)
  })
})

describe('ids that no URL can carry', () => {
  it.each([
    ['a lone high surrogate in eventId', { ...ids, eventId: 'evt\uD800' }],
    ['a lone low surrogate in calendarId', { ...ids, calendarId: '\uDC00cal' }],
  ])('%s is an invalid_request error, nothing sent', async (_name, params) => {
    const unbind = unbindEndpoint()
    server.use(unbind.handler)
    const error = await createMeetingChatClient({ auth: { tenantAccessToken: 't-static' } }).unbindMeetingChat(params).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FeishuApiError)
    expect(error).toMatchObject({ kind: 'invalid_request', operation: 'unbindMeetingChat' })
    expect((error as Error).message).toMatch(/lone surrogate/)
    expect(unbind.seen).toHaveLength(0)
  })

  it('through client.api too, in a path or a query parameter', async () => {
    const unbind = unbindEndpoint()
    server.use(unbind.handler)
    const api = createMeetingChatClient({ auth: { tenantAccessToken: 't-static' } }).api
    const path = '/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat' as const
    for (const params of [
      { path: { calendar_id: '\uD83D', event_id: EVT }, query: { meeting_chat_id: CHAT } },
      { path: { calendar_id: CAL, event_id: EVT }, query: { meeting_chat_id: `oc_\uDE00` } },
    ]) {
      const error = await api.DELETE(path, { params }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(FeishuApiError)
      expect(error).toMatchObject({ kind: 'invalid_request' })
    }
    expect(unbind.seen).toHaveLength(0)
  })

  it('a well-formed pair (an emoji) is sent, percent-encoded', async () => {
    const unbind = unbindEndpoint(() => ok())
    server.use(unbind.handler)
    await createMeetingChatClient({ auth: { tenantAccessToken: 't-static' } }).unbindMeetingChat({ ...ids, eventId: 'evt\uD83D\uDE00' })
    expect(unbind.seen[0]?.url).toContain('evt%F0%9F%98%80')
  })
})
