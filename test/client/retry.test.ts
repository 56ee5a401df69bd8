import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMeetingChatClient, FeishuApiError } from '../../src/index.ts'
import { APP, CAL, CHAT, CHAT_PATH, EVT, INTERNAL_TOKEN, fail, ok, server, unbindEndpoint, useServer } from './support.ts'

useServer()
afterEach(() => vi.useRealTimers())
const ids = { calendarId: CAL, eventId: EVT, meetingChatId: CHAT }
const auth = { tenantAccessToken: 't-static-token' }
const quick = { maxAttempts: 3, baseDelayMs: 0 }
/** Lets real I/O (msw, streams) run without moving the fake clock, until `done()` or a bounded number of turns. */
async function settle(done: () => boolean = () => false): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setImmediate(resolve))
}
const caught = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection') }, (e: unknown) => e as FeishuApiError)

describe('what is retried', () => {
  it.each([
    ['HTTP 500 with 190003', () => fail(500, 190003, 'internal service error')],
    ['HTTP 429 with 99991400', () => fail(429, 99991400, 'request trigger frequency limit')],
    ['190004 method rate limited', () => fail(429, 190004, 'method rate limited')],
    ['190005 app rate limited', () => fail(429, 190005, 'app rate limited')],
    ['190010 operation rate limited', () => fail(429, 190010, 'current operation rate limited')],
    ['a rate-limit code under HTTP 400 (older APIs)', () => fail(400, 190004, 'method rate limited')],
    ['an HTML 502 from a gateway', () => new HttpResponse('<html>502 Bad Gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } })],
    ['an empty 503', () => new HttpResponse(null, { status: 503 })],
    ['a dropped connection', () => HttpResponse.error()],
  ])('retries %s, then succeeds', async (_name, failure) => {
    const unbind = unbindEndpoint((_r, n) => (n === 1 ? failure() : ok()))
    server.use(unbind.handler)
    await createMeetingChatClient({ auth, retry: quick }).unbindMeetingChat(ids)
    expect(unbind.seen).toHaveLength(2)
  })

  it.each([
    [400, 190002, 'invalid parameters in request'],
    [403, 195107, 'no permission unbind meeting chat'],
    [404, 193001, 'event not found'],
    [400, 195108, 'chat not match with event'],
  ])('never retries HTTP %i with %i', async (status, code, msg) => {
    const unbind = unbindEndpoint(() => fail(status, code, msg))
    server.use(unbind.handler)
    const error = await caught(createMeetingChatClient({ auth, retry: quick }).unbindMeetingChat(ids))
    expect(error.code).toBe(code)
    expect(error.attempts).toBe(1)
    expect(unbind.seen).toHaveLength(1)
  })

  it('stops after maxAttempts and reports how many were made', async () => {
    const unbind = unbindEndpoint(() => fail(500, 190003, 'internal service error'))
    server.use(unbind.handler)
    const error = await caught(createMeetingChatClient({ auth, retry: { maxAttempts: 4, baseDelayMs: 0 } }).unbindMeetingChat(ids))
    expect(error.attempts).toBe(4)
    expect(unbind.seen).toHaveLength(4)
  })

  it('makes a single attempt with retry: false', async () => {
    const unbind = unbindEndpoint(() => fail(500, 190003, 'internal service error'))
    server.use(unbind.handler)
    await expect(createMeetingChatClient({ auth, retry: false }).unbindMeetingChat(ids)).rejects.toMatchObject({ code: 190003, retryable: true })
    expect(unbind.seen).toHaveLength(1)
  })

  it('does not replay create (not idempotent) after a 500, since a chat may have been made', async () => {
    let calls = 0
    server.use(http.post(CHAT_PATH, () => { calls++; return fail(500, 190003, 'internal service error') }))
    await expect(createMeetingChatClient({ auth, retry: quick }).createMeetingChat({ calendarId: CAL, eventId: EVT })).rejects.toMatchObject({ code: 190003 })
    expect(calls).toBe(1)
  })

  it('does replay create after a rate-limit refusal, and after a 500 when retryUnsafe is set', async () => {
    let calls = 0
    server.use(http.post(CHAT_PATH, () => {
      calls++
      if (calls === 1) return fail(429, 190005, 'app rate limited')
      if (calls === 2) return fail(500, 190003, 'internal service error')
      return ok({ meeting_chat_id: CHAT, applink: 'https://applink.feishu.cn/client/chat/open?openChatId=' + CHAT })
    }))
    const chat = await createMeetingChatClient({ auth, retry: { ...quick, retryUnsafe: true } }).createMeetingChat({ calendarId: CAL, eventId: EVT })
    expect(chat.meetingChatId).toBe(CHAT)
    expect(calls).toBe(3)
  })
})

describe('how long it waits', () => {
  it.each([
    ['x-ogw-ratelimit-reset seconds', () => fail(429, 99991400, 'request trigger frequency limit', { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '2' }), 2000],
    ['Retry-After seconds when the rate-limit headers are absent', () => fail(429, 190004, 'method rate limited', { 'Retry-After': '3' }), 3000],
  ])('waits %s before the next attempt', async (_name, refusal, waitMs) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const unbind = unbindEndpoint((_r, n) => (n === 1 ? refusal() : ok()))
    server.use(unbind.handler)
    const done = createMeetingChatClient({ auth }).unbindMeetingChat(ids)
    await settle(() => unbind.seen.length === 1)
    await vi.advanceTimersByTimeAsync(waitMs - 1)
    await settle()
    expect(unbind.seen).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    await done
    expect(unbind.seen).toHaveLength(2)
  })

  it('backs off exponentially with jitter, within the cap', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const unbind = unbindEndpoint((_r, n) => (n < 3 ? fail(500, 190003, 'internal service error') : ok()))
    server.use(unbind.handler)
    const done = createMeetingChatClient({ auth, retry: { maxAttempts: 3, baseDelayMs: 100 } }).unbindMeetingChat(ids)
    await settle(() => unbind.seen.length === 1)
    await vi.advanceTimersByTimeAsync(99)
    await settle()
    expect(unbind.seen).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    await settle(() => unbind.seen.length === 2)
    expect(unbind.seen).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(199)
    await settle()
    expect(unbind.seen).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    await done
    expect(unbind.seen).toHaveLength(3)
    vi.restoreAllMocks()
  })

  it('fails at once, with retryAfterMs, when the reset is further than maxDelayMs', async () => {
    const unbind = unbindEndpoint(() => fail(429, 99991400, 'request trigger frequency limit', { 'x-ogw-ratelimit-reset': '45' }))
    server.use(unbind.handler)
    const error = await caught(createMeetingChatClient({ auth, retry: { maxAttempts: 3, maxDelayMs: 10_000 } }).unbindMeetingChat(ids))
    expect(error.kind).toBe('rate_limited')
    expect(error.retryAfterMs).toBe(45_000)
    expect(unbind.seen).toHaveLength(1)
  })

  it('gives up when the next wait would pass maxElapsedMs', async () => {
    const unbind = unbindEndpoint(() => fail(429, 99991400, 'request trigger frequency limit', { 'x-ogw-ratelimit-reset': '5' }))
    server.use(unbind.handler)
    const error = await caught(createMeetingChatClient({ auth, retry: { maxAttempts: 10, maxElapsedMs: 4000 } }).unbindMeetingChat(ids))
    expect(error.attempts).toBe(1)
  })
})

describe('timeouts and aborts', () => {
  it('abandons an attempt that gets no answer and retries it', async () => {
    // Real timers with a short timeout: nothing here depends on how long it takes.
    const unbind = unbindEndpoint((_r, n) => (n === 1 ? new Promise<Response>(() => {}) : ok()))
    server.use(unbind.handler)
    await createMeetingChatClient({ auth, timeoutMs: 20, retry: quick }).unbindMeetingChat(ids)
    expect(unbind.seen).toHaveLength(2)
  })

  it('waits timeoutMs, not less, before abandoning an attempt', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const unbind = unbindEndpoint(() => new Promise<Response>(() => {}))
    server.use(unbind.handler)
    let settled = false
    const done = createMeetingChatClient({ auth, timeoutMs: 1000, retry: false }).unbindMeetingChat(ids).catch((e: unknown) => e).finally(() => { settled = true })
    await settle(() => unbind.seen.length === 1)
    await vi.advanceTimersByTimeAsync(999)
    await settle()
    expect(settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await done).toMatchObject({ kind: 'timeout' })
  })

  it('reports a timeout as kind timeout once attempts run out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const unbind = unbindEndpoint(() => new Promise<Response>(() => {}))
    server.use(unbind.handler)
    const done = caught(createMeetingChatClient({ auth, timeoutMs: 500, retry: false }).unbindMeetingChat(ids))
    await settle(() => unbind.seen.length === 1)
    await vi.advanceTimersByTimeAsync(500)
    const error = await done
    expect(error.kind).toBe('timeout')
    expect(error.message).toMatch(/500 ms/)
  })

  it('an abort during the backoff stops the retries and rejects with the abort reason', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const unbind = unbindEndpoint(() => fail(500, 190003, 'internal service error'))
    server.use(unbind.handler)
    const controller = new AbortController()
    const done = createMeetingChatClient({ auth, retry: { maxAttempts: 5, baseDelayMs: 1000 } })
      .unbindMeetingChat(ids, { signal: controller.signal })
      .catch((e: unknown) => e)
    await settle(() => unbind.seen.length === 1)
    expect(unbind.seen).toHaveLength(1)
    controller.abort(new Error('user left the page'))
    expect(await done).toMatchObject({ message: 'user left the page' })
    await vi.advanceTimersByTimeAsync(60_000)
    await settle()
    expect(unbind.seen).toHaveLength(1)
  })

  it('an abort while the attempt is in flight rejects at once with the abort reason', async () => {
    const unbind = unbindEndpoint(() => new Promise<Response>(() => {}))
    server.use(unbind.handler)
    const controller = new AbortController()
    const done = createMeetingChatClient({ auth, retry: quick }).unbindMeetingChat(ids, { signal: controller.signal }).catch((e: unknown) => e)
    await settle(() => unbind.seen.length === 1)
    controller.abort(new Error('cancelled by the user'))
    expect(await done).toMatchObject({ message: 'cancelled by the user' })
    expect(unbind.seen).toHaveLength(1)
  })

  it('an abort while the token is being fetched sends nothing', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => { release = resolve })
    const unbind = unbindEndpoint()
    server.use(http.post(INTERNAL_TOKEN, async () => {
      await gate
      return HttpResponse.json({ code: 0, msg: 'ok', tenant_access_token: 't-late', expire: 7200 })
    }), unbind.handler)
    const controller = new AbortController()
    const done = createMeetingChatClient({ auth: APP }).unbindMeetingChat(ids, { signal: controller.signal }).catch((e: unknown) => e)
    await settle()
    controller.abort(new Error('gave up waiting'))
    expect(await done).toMatchObject({ message: 'gave up waiting' })
    release()
    await settle()
    expect(unbind.seen).toHaveLength(0)
  })

  it('times out an injected fetch that ignores the signal', async () => {
    const client = createMeetingChatClient({ auth, timeoutMs: 20, retry: false, fetch: () => new Promise<Response>(() => {}) })
    expect(await caught(client.unbindMeetingChat(ids))).toMatchObject({ kind: 'timeout' })
  })

  it('an already-aborted signal sends nothing', async () => {
    const unbind = unbindEndpoint()
    server.use(unbind.handler)
    await expect(createMeetingChatClient({ auth }).unbindMeetingChat(ids, { signal: AbortSignal.abort() })).rejects.toThrow()
    expect(unbind.seen).toHaveLength(0)
  })
})

describe('an unbind whose first answer was lost', () => {
  it('says the chat may already be unbound when the replay answers 195108', async () => {
    const unbind = unbindEndpoint((_r, n) => (n === 1 ? HttpResponse.error() : fail(400, 195108, 'chat not match with event')))
    server.use(unbind.handler)
    const error = await caught(createMeetingChatClient({ auth, retry: quick }).unbindMeetingChat(ids))
    expect(error.code).toBe(195108)
    expect(error.earlierAttemptOutcomeUnknown).toBe(true)
    expect(error.message).toMatch(/may already be unbound/)
  })

  it('does not say so when the earlier attempt was refused before it was sent (connection refused)', async () => {
    let n = 0
    const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' })
    const fetch = async () => {
      if (++n === 1) throw new TypeError('fetch failed', { cause: refused() })
      return Response.json({ code: 195108, msg: 'chat not match with event' }, { status: 400 })
    }
    const error = await caught(createMeetingChatClient({ auth, retry: quick, fetch }).unbindMeetingChat(ids))
    expect(error.code).toBe(195108)
    expect(error.earlierAttemptOutcomeUnknown).toBe(false)
  })

  it('does not say so of a token request, which changes nothing', async () => {
    const fetch = async () => { throw new TypeError('fetch failed') }
    const client = createMeetingChatClient({ auth: APP, retry: quick, fetch })
    const error = await caught(client.unbindMeetingChat(ids))
    expect(error).toMatchObject({ kind: 'network', operation: 'getTenantAccessTokenInternal', earlierAttemptOutcomeUnknown: false })
  })

  it('does not say so when every earlier attempt was answered', async () => {
    const unbind = unbindEndpoint((_r, n) => (n === 1 ? fail(500, 190003, 'internal service error') : fail(400, 195108, 'chat not match with event')))
    server.use(unbind.handler)
    const error = await caught(createMeetingChatClient({ auth, retry: quick }).unbindMeetingChat(ids))
    expect(error.earlierAttemptOutcomeUnknown).toBe(false)
    expect(error.message).not.toMatch(/may already/)
  })
})
