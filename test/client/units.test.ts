// The transport's units, each alone: find the operation, send one attempt, classify the answer, decide the retry,
// redact. And the request as sent: every call goes through openapi-fetch, and so through its middleware.
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { parseEnvelope, readBody, TooLarge, type Answer } from '../../src/client/answer.ts'
import { NoAnswer, sendAttempt } from '../../src/client/attempt.ts'
import { failureOf, quoteHeader } from '../../src/client/classify.ts'
import { findOperation } from '../../src/client/operation.ts'
import { normalizeOptions } from '../../src/client/options.ts'
import { redactHeaders, redactInit, Secrets, MAX_SECRETS } from '../../src/client/redact.ts'
import { nextDelayMs } from '../../src/client/retry.ts'
import { createMeetingChatClient } from '../../src/index.ts'

const answer = (status: number, text: string, headers: Record<string, string> = {}): Answer => ({
  status, redirected: false, headers: new Headers(headers), bytes: new TextEncoder().encode(text), text, envelope: parseEnvelope(text),
})
const policy = normalizeOptions({}).retry

describe('findOperation', () => {
  it('finds each operation by method and path', () => {
    expect(findOperation('DELETE', '/open-apis/calendar/v4/calendars/c%40x/events/e_0/meeting_chat')?.id).toBe('unbindMeetingChat')
    expect(findOperation('POST', '/open-apis/calendar/v4/calendars/c/events/e/meeting_chat')?.id).toBe('createMeetingChat')
    expect(findOperation('POST', '/open-apis/auth/v3/tenant_access_token/internal')?.id).toBe('getTenantAccessTokenInternal')
  })
  it('returns null off the spec', () => {
    expect(findOperation('GET', '/open-apis/calendar/v4/calendars/c/events/e/meeting_chat')).toBeNull()
    expect(findOperation('DELETE', '/open-apis/calendar/v4/calendars/c/x/events/e/meeting_chat')).toBeNull()
  })
})

describe('failureOf', () => {
  it('a code under HTTP 200 is the same error as under its status', () => {
    const a = failureOf(answer(200, '{"code":195107,"msg":"no permission"}'), 'unbindMeetingChat', 'https://o', [], 0)
    const b = failureOf(answer(403, '{"code":195107,"msg":"no permission"}'), 'unbindMeetingChat', 'https://o', [], 0)
    expect(a).toMatchObject({ ok: false, error: { kind: 'permission', code: 195107 } })
    expect(b).toMatchObject({ ok: false, error: { kind: 'permission', code: 195107 } })
  })
  it('a rate limit carries the wait its headers ask for', () => {
    expect(failureOf(answer(429, '{"code":99991400,"msg":"x"}', { 'x-ogw-ratelimit-reset': '2' }), null, 'https://o', [], 0)).toMatchObject({ ok: false, waitMs: 2000, error: { kind: 'rate_limited' } })
  })
  it('a redirect is a protocol error, never followed', () => {
    expect(failureOf({ ...answer(302, ''), redirected: false }, null, 'https://o', [], 0)).toMatchObject({ ok: false, error: { kind: 'protocol', retryable: false } })
  })
  it('redacts what it quotes', () => {
    const v = failureOf(answer(502, '<html>', { 'content-type': 'text/html; t-secret-1', 'x-tt-logid': 'id t-secret-1' }), null, 'https://o', ['t-secret-1'], 0)
    expect(JSON.stringify(v)).not.toContain('t-secret-1')
  })
})

describe('readBody', () => {
  it('reads up to the limit and stops past it', async () => {
    await expect(readBody(new Response('x'.repeat(10)), 10)).resolves.toEqual(new TextEncoder().encode('x'.repeat(10)))
    await expect(readBody(new Response('x'.repeat(11)), 10)).rejects.toBeInstanceOf(TooLarge)
  })
})

describe('sendAttempt', () => {
  it('gives up after its timeout on a fetch that ignores the signal', async () => {
    const attempt = sendAttempt(new Request('https://o/x'), undefined, { timeoutMs: 5, maxResponseBytes: 10, signal: null, fetch: () => new Promise<Response>(() => {}) })
    await expect(attempt).rejects.toMatchObject({ timedOut: true })
    await expect(attempt).rejects.toBeInstanceOf(NoAnswer)
  })
})

describe('nextDelayMs', () => {
  const state = { attempts: 1, idempotent: true, waitMs: null, elapsedMs: 0, remainingMs: 60_000 }
  const retryable = { kind: 'server' as const, retryable: true }
  it('backs off with jitter', () => {
    expect(nextDelayMs(retryable, state, policy, () => 1)).toBe(policy.baseDelayMs)
  })
  it('never retries what is not retryable, or an unsafe replay', () => {
    expect(nextDelayMs({ kind: 'auth', retryable: false }, state, policy, () => 1)).toBeNull()
    expect(nextDelayMs(retryable, { ...state, idempotent: false }, policy, () => 1)).toBeNull()
    expect(nextDelayMs({ kind: 'rate_limited', retryable: true }, { ...state, idempotent: false }, policy, () => 1)).toBe(policy.baseDelayMs)
  })
  it('does not start a wait past the deadline or maxElapsedMs', () => {
    expect(nextDelayMs(retryable, { ...state, waitMs: 5000, remainingMs: 5000 }, policy, () => 1)).toBeNull()
    expect(nextDelayMs(retryable, { ...state, waitMs: 5000, elapsedMs: policy.maxElapsedMs - 4999 }, policy, () => 1)).toBeNull()
  })
})

describe('redactInit', () => {
  it('covers msg, log id, detail keys and values, and the cause', () => {
    const out = redactInit({ kind: 'server', msg: 'a SECRET-1', logId: 'SECRET-1', detail: { SECRET_1: ['SECRET-1'] }, cause: new Error('x SECRET-1') }, ['SECRET-1', 'SECRET_1'])
    expect(JSON.stringify(out) + String((out.cause as Error).message)).not.toMatch(/SECRET/)
  })
  it('cuts a quoted header short', () => {
    expect(quoteHeader('x'.repeat(500), [])?.length).toBe(201)
  })
  it('hands back the headers as they are when they hold no secret, else a copy without it', () => {
    const headers = new Headers({ 'x-tt-logid': 'log-1', 'content-type': 'application/json' })
    expect(redactHeaders(headers, ['t-secret-1'])).toBe(headers)
    const echoed = new Headers({ 'x-tt-logid': 'auth=Bearer t-secret-1' })
    expect(redactHeaders(echoed, ['t-secret-1']).get('x-tt-logid')).toBe('auth=Bearer [redacted]')
    expect(echoed.get('x-tt-logid')).toBe('auth=Bearer t-secret-1')
  })
})

describe('Secrets', () => {
  it('keeps the latest MAX_SECRETS used, the one used again counted as new', () => {
    const secrets = new Secrets()
    secrets.add('app-secret-kept')
    for (let i = 0; i < MAX_SECRETS - 1; i++) secrets.add(`u-token-${i}`)
    secrets.add('app-secret-kept')
    secrets.add('u-token-new')
    const kept = [...secrets]
    expect(kept).toHaveLength(MAX_SECRETS)
    expect(kept).toContain('app-secret-kept')
    expect(kept).not.toContain('u-token-0')
    expect(JSON.stringify(secrets)).toBe(`{"secrets":${MAX_SECRETS}}`)
  })
})

describe('the request as sent', () => {
  const ids = { calendarId: 'cal_1', eventId: 'evt_1_0', meetingChatId: 'oc_5ce6d572455d361153b7cb51da133945' }
  const ok = () => new Response(JSON.stringify({ code: 0, msg: 'success', data: {} }), { headers: { 'content-type': 'application/json' } })
  const path = '/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat' as const

  it('with the global fetch: the Request openapi-fetch built, with the attempt\'s signal beside it and redirects not followed', async () => {
    const seen: [Request, RequestInit | undefined][] = []
    const original = globalThis.fetch
    globalThis.fetch = (async (input: Request, init?: RequestInit) => { seen.push([input, init]); return ok() }) as typeof fetch
    try {
      const caller = new AbortController()
      const client = createMeetingChatClient({ domain: 'https://open.feishu.cn', auth: { tenantAccessToken: 't-abc' } })
      await client.unbindMeetingChat(ids, { signal: caller.signal })
      await client.api.DELETE(path, { params: { path: { calendar_id: ids.calendarId, event_id: ids.eventId }, query: { meeting_chat_id: ids.meetingChatId } }, signal: caller.signal })
      expect(seen).toHaveLength(2)
      for (const [request, init] of seen) {
        expect(request).toBeInstanceOf(Request)
        expect(request.url).toBe('https://open.feishu.cn/open-apis/calendar/v4/calendars/cal_1/events/evt_1_0/meeting_chat?meeting_chat_id=oc_5ce6d572455d361153b7cb51da133945')
        expect(request.method).toBe('DELETE')
        expect(request.headers.get('authorization')).toBe('Bearer t-abc')
        expect(init?.redirect).toBe('manual')
        // The attempt's own signal (its timeout and the caller's abort), not the caller's.
        expect(init?.signal).toBeInstanceOf(AbortSignal)
        expect(init?.signal).not.toBe(caller.signal)
      }
    } finally {
      globalThis.fetch = original
    }
  })

  it('the client\'s own call goes to the domain as normalized (case, default port, path), not refused as another origin', async () => {
    const seen: string[] = []
    const client = createMeetingChatClient({ domain: 'HTTPS://Open.FEISHU.cn:443/proxy/./feishu/', auth: { tenantAccessToken: 't-abc' }, fetch: async (request) => { seen.push(request.url); return ok() } })
    await client.unbindMeetingChat({ ...ids, calendarId: 'feishu.cn_x@group.calendar.feishu.cn' })
    expect(seen).toEqual(['https://open.feishu.cn/proxy/feishu/open-apis/calendar/v4/calendars/feishu.cn_x%40group.calendar.feishu.cn/events/evt_1_0/meeting_chat?meeting_chat_id=oc_5ce6d572455d361153b7cb51da133945'])
  })

  it('encodes every character a path segment cannot carry as it is', async () => {
    const seen: string[] = []
    const client = createMeetingChatClient({ auth: { tenantAccessToken: 't-abc' }, fetch: async (request) => { seen.push(request.url); return ok() } })
    await client.unbindMeetingChat({ ...ids, eventId: 'a/b?c#d %e' })
    expect(seen).toEqual([`https://open.feishu.cn/open-apis/calendar/v4/calendars/cal_1/events/a%2Fb%3Fc%23d%20%25e/meeting_chat?meeting_chat_id=${ids.meetingChatId}`])
  })

  it('with a fetch option: one Request, which carries the attempt\'s signal; the caller\'s abort reaches it', async () => {
    const seen: Request[] = []
    const caller = new AbortController()
    const client = createMeetingChatClient({
      domain: 'https://open.feishu.cn',
      auth: { tenantAccessToken: 't-abc' },
      retry: false,
      fetch: (request) => {
        seen.push(request)
        return new Promise<Response>((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason)))
      },
    })
    const call = client.unbindMeetingChat(ids, { signal: caller.signal })
    await new Promise((resolve) => setImmediate(resolve))
    caller.abort(new Error('stop'))
    await expect(call).rejects.toThrow('stop')
    expect(seen).toHaveLength(1)
    expect(seen[0]!.signal.aborted).toBe(true)
    expect(seen[0]!.redirect).toBe('manual')
  })

  it('every call of the client goes through openapi-fetch: its own, with or without middleware', async () => {
    const created = () => new Response(JSON.stringify({ code: 0, msg: 'success', data: { meeting_chat_id: 'oc_1', applink: 'https://applink.feishu.cn/x' } }))
    const answers = [ok(), created(), ok()]
    const client = createMeetingChatClient({ domain: 'https://open.feishu.cn', auth: { tenantAccessToken: 't-abc' }, fetch: async () => answers.shift() ?? ok() })
    const api = { DELETE: vi.spyOn(client.api, 'DELETE'), POST: vi.spyOn(client.api, 'POST') }
    await client.unbindMeetingChat(ids)
    await expect(client.createMeetingChat(ids)).resolves.toEqual({ meetingChatId: 'oc_1', applink: 'https://applink.feishu.cn/x', logId: null })
    const seen: Request[] = []
    client.api.use({ onRequest({ request }) { seen.push(request) } })
    await client.unbindMeetingChat(ids)
    expect([api.DELETE.mock.calls.length, api.POST.mock.calls.length, seen.length]).toEqual([2, 1, 1])
  })

  it('what the client\'s own calls send is what client.api sends for the same ids (URL, method, headers), for any ids they accept', async () => {
    const id = fc.string({ unit: fc.oneof(fc.constantFrom('@', '.', '_', '-', '/', '?', '#', '%', '&', '=', '+', ' ', '~', '!', '*', "'", '(', ')'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 20 })
      .filter((value) => value.trim() === value && value !== '.' && value !== '..' && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value))
    const chat = fc.string({ unit: fc.constantFrom(...'abcXYZ019_-'), minLength: 1, maxLength: 20 }).map((tail) => `oc_${tail}`)
    const as = (request: Request) => ({ url: request.url, method: request.method, headers: [...request.headers], body: request.body })
    await fc.assert(fc.asyncProperty(id, id, chat, fc.constantFrom('https://open.feishu.cn', 'https://Open.Larksuite.com:443/a%20b/./proxy/', 'http://127.0.0.1:8080/x'),
      async (calendarId, eventId, meetingChatId, domain) => {
        const sent: Request[] = []
        const answer = (request: Request) => {
          sent.push(request)
          const data = request.method === 'POST' ? { meeting_chat_id: 'oc_1', applink: 'https://applink.feishu.cn/x' } : {}
          return Promise.resolve(new Response(JSON.stringify({ code: 0, msg: 'success', data })))
        }
        const client = createMeetingChatClient({ domain, auth: { tenantAccessToken: 't-abc' }, fetch: answer })
        await client.unbindMeetingChat({ calendarId, eventId, meetingChatId })
        await client.createMeetingChat({ calendarId, eventId })
        const params = { path: { calendar_id: calendarId, event_id: eventId } }
        await client.api.DELETE(path, { params: { ...params, query: { meeting_chat_id: meetingChatId } } })
        await client.api.POST(path, { params })
        expect(sent.slice(0, 2).map(as)).toEqual(sent.slice(2).map(as))
      }), { numRuns: 300 })
  })

  for (const via of ['a fetch option', 'the global fetch'] as const) {
    it(`a middleware may hand back a Request it built with the global Request class, with ${via}`, async () => {
      const sent: Request[] = []
      const send = async (input: RequestInfo | URL, init?: RequestInit) => { sent.push(new Request(input, init)); return ok() }
      const original = globalThis.fetch
      if (via === 'the global fetch') globalThis.fetch = send as typeof fetch
      try {
        const client = createMeetingChatClient({ domain: 'https://open.feishu.cn', auth: { tenantAccessToken: 't-abc' }, ...(via === 'a fetch option' && { fetch: send }) })
        client.api.use({
          onRequest({ request }) {
            const replaced = new Request(request)
            replaced.headers.set('x-trace', 'from-middleware')
            return replaced
          },
        })
        await client.unbindMeetingChat(ids)
        await client.api.DELETE(path, {
          params: { path: { calendar_id: ids.calendarId, event_id: ids.eventId }, query: { meeting_chat_id: ids.meetingChatId } },
        })
      } finally {
        globalThis.fetch = original
      }
      expect(sent.map((request) => request.headers.get('x-trace'))).toEqual(['from-middleware', 'from-middleware'])
      expect(sent.map((request) => request.headers.get('authorization'))).toEqual(['Bearer t-abc', 'Bearer t-abc'])
    })
  }

  it('a middleware that sends the request to another origin is refused: credentials never leave the configured one', async () => {
    const sent: string[] = []
    const client = createMeetingChatClient({ auth: { tenantAccessToken: 't-abc' }, fetch: async (request) => { sent.push(request.url); return ok() } })
    client.api.use({ onRequest: ({ request }) => new Request(request.url.replace('open.feishu.cn', 'evil.example'), request) })
    await expect(client.unbindMeetingChat(ids)).rejects.toThrow(/Refusing to send a request to https:\/\/evil\.example/)
    expect(sent).toEqual([])
  })
})

describe('the caller\'s abort', () => {
  it('aborted while the rate limiter lets the call go: nothing is sent', async () => {
    const caller = new AbortController()
    const sent: string[] = []
    const client = createMeetingChatClient({
      domain: 'https://open.feishu.cn',
      auth: { tenantAccessToken: 't-abc' },
      rateLimiter: {
        acquire() {
          const granted = Promise.resolve()
          // The abort lands just after the wait for the budget has ended, before the attempt starts.
          void granted.then(() => undefined).then(() => caller.abort(new Error('stop')))
          return granted
        },
        hold: async () => {},
      },
      fetch: async (request) => {
        sent.push(request.url)
        return new Response(JSON.stringify({ code: 0, msg: 'success', data: {} }), { headers: { 'content-type': 'application/json' } })
      },
    })
    await expect(client.unbindMeetingChat({ calendarId: 'cal_1', eventId: 'evt_1_0', meetingChatId: 'oc_1' }, { signal: caller.signal })).rejects.toThrow('stop')
    expect(sent).toEqual([])
  })
})

describe('middleware on the client\'s own calls', () => {
  const body = JSON.stringify({ code: 0, msg: 'success', data: { meeting_chat_id: 'oc_1', applink: 'https://applink.feishu.cn/x' } })
  const chat = { meetingChatId: 'oc_1', applink: 'https://applink.feishu.cn/x', logId: 'log-1' }

  it('an onResponse middleware may clone and read the answer, and the call still gets its result and log id', async () => {
    const client = createMeetingChatClient({
      domain: 'https://open.feishu.cn',
      auth: { tenantAccessToken: 't-abc' },
      fetch: async () => new Response(body, { headers: { 'content-type': 'application/json', 'x-tt-logid': 'log-1' } }),
    })
    const seen: { status: number; logId: string | null; body: string }[] = []
    client.api.use({ async onResponse({ response }) { seen.push({ status: response.status, logId: response.headers.get('x-tt-logid'), body: await response.clone().text() }) } })
    await expect(client.createMeetingChat({ calendarId: 'cal_1', eventId: 'evt_1_0' })).resolves.toEqual(chat)
    await expect(client.unbindMeetingChat({ calendarId: 'cal_1', eventId: 'evt_1_0', meetingChatId: 'oc_1' })).resolves.toEqual({ logId: 'log-1' })
    expect(seen).toEqual([{ status: 200, logId: 'log-1', body }, { status: 200, logId: 'log-1', body }])
  })

  it('what an onResponse middleware hands back is what the call reads, as openapi-fetch does: an empty answer is a protocol error', async () => {
    const client = createMeetingChatClient({ auth: { tenantAccessToken: 't-abc' }, fetch: async () => new Response(body, { headers: { 'x-tt-logid': 'log-1' } }) })
    client.api.use({ onResponse: ({ response }) => new Response(null, { status: response.status, headers: response.headers }) })
    await expect(client.createMeetingChat({ calendarId: 'cal_1', eventId: 'evt_1_0' })).rejects.toMatchObject({ kind: 'protocol', logId: 'log-1', operation: 'createMeetingChat' })
  })

  it('an onError middleware that hands back an answer that is not a success does not pass for one', async () => {
    const client = createMeetingChatClient({ auth: { tenantAccessToken: 't-abc' }, retry: false, fetch: async () => Response.json({ code: 195108, msg: 'chat not match with event' }, { status: 400 }) })
    client.api.use({ onError: () => new Response('{}', { status: 418 }) })
    await expect(client.unbindMeetingChat({ calendarId: 'cal_1', eventId: 'evt_1_0', meetingChatId: 'oc_1' })).rejects.toMatchObject({ kind: 'protocol', httpStatus: 418 })
  })

  it('the token requests go through openapi-fetch too, and so through the middleware', async () => {
    const tokenBody = JSON.stringify({ code: 0, msg: 'ok', tenant_access_token: 't-fresh', expire: 7200 })
    const client = createMeetingChatClient({
      auth: { appId: 'cli_a', appSecret: 's3cret-value' },
      fetch: async (request) => new Response(request.url.endsWith('/internal') ? tokenBody : body, { headers: { 'content-type': 'application/json' } }),
    })
    const seen: string[] = []
    client.api.use({ onRequest({ request, schemaPath }) { seen.push(`${request.method} ${schemaPath} ${request.headers.get('authorization') ?? ''}`) } })
    await client.createMeetingChat({ calendarId: 'cal_1', eventId: 'evt_1_0' })
    expect(seen).toEqual([
      'POST /open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat ',
      'POST /open-apis/auth/v3/tenant_access_token/internal ',
    ])
  })
})
