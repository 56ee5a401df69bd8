import { inspect } from 'node:util'
import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { errorCatalog } from '../../src/catalog.ts'
import { createMeetingChatClient, FeishuApiError } from '../../src/index.ts'
import { APP, BASE, CAL, CHAT, CHAT_PATH, EVT, fail, server, unbindEndpoint, useServer } from './support.ts'

useServer()
const ids = { calendarId: CAL, eventId: EVT, meetingChatId: CHAT }
const auth = { tenantAccessToken: 't-static-token-1234' }
const caught = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection') }, (e: unknown) => e as FeishuApiError)

describe('the error a caller sees', () => {
  it('is the same for HTTP 200 with a code and HTTP 4xx with that code', async () => {
    server.use(unbindEndpoint(() => HttpResponse.json({ code: 195107, msg: 'no permission unbind meeting chat' }, { status: 200, headers: { 'X-Tt-Logid': 'L1' } })).handler)
    const from200 = await caught(createMeetingChatClient({ auth }).unbindMeetingChat(ids))
    server.use(unbindEndpoint(() => fail(403, 195107, 'no permission unbind meeting chat', { 'X-Tt-Logid': 'L1' })).handler)
    const from403 = await caught(createMeetingChatClient({ auth }).unbindMeetingChat(ids))
    expect(from200).toBeInstanceOf(FeishuApiError)
    const { httpStatus: s1, message: m1, ...rest200 } = from200.toJSON() as Record<string, unknown>
    const { httpStatus: s2, message: m2, ...rest403 } = from403.toJSON() as Record<string, unknown>
    expect(rest200).toEqual(rest403)
    expect([s1, s2]).toEqual([200, 403])
  })

  it('carries code, msg, status, log id, the catalog hint, retryable and kind', async () => {
    server.use(unbindEndpoint(() => fail(400, 195108, 'chat not match with event', { 'X-Tt-Logid': '20261124-abc' })).handler)
    const error = await caught(createMeetingChatClient({ auth }).unbindMeetingChat(ids))
    const entry = errorCatalog[195108]
    expect(error).toMatchObject({ code: 195108, msg: entry.msg, httpStatus: 400, logId: '20261124-abc', hint: entry.hint, retryable: false, kind: entry.kind, operation: 'unbindMeetingChat' })
    expect(error.message).toContain(entry.hint.en)
    expect(error.message).toContain('20261124-abc')
  })

  it("takes the log id from the body's error.log_id when the header is missing", async () => {
    server.use(http.delete(CHAT_PATH, () => HttpResponse.json({ code: 190002, msg: 'invalid parameters in request', error: { log_id: 'body-log-7', field_violations: [{ field: 'meeting_chat_id' }] } }, { status: 400 })))
    const error = await caught(createMeetingChatClient({ auth }).unbindMeetingChat(ids))
    expect(error.logId).toBe('body-log-7')
    expect(error.detail).toMatchObject({ field_violations: [{ field: 'meeting_chat_id' }] })
  })

  it('falls back to X-Request-Id for the log id', async () => {
    server.use(http.delete(CHAT_PATH, () => HttpResponse.json({ code: 193001, msg: 'event not found' }, { status: 404, headers: { 'X-Request-Id': 'rid-1' } })))
    expect((await caught(createMeetingChatClient({ auth }).unbindMeetingChat(ids))).logId).toBe('rid-1')
  })

  it('turns a gateway HTML page into a protocol error with the status, not a parse crash', async () => {
    server.use(http.delete(CHAT_PATH, () => new HttpResponse('<html><body>504 Gateway Time-out</body></html>', { status: 504, headers: { 'Content-Type': 'text/html', 'X-Tt-Logid': 'gw-1' } })))
    const error = await caught(createMeetingChatClient({ auth, retry: false }).unbindMeetingChat(ids))
    expect(error).toMatchObject({ kind: 'protocol', httpStatus: 504, code: null, logId: 'gw-1', retryable: true })
    expect(error.message).toMatch(/text\/html/)
  })

  it('turns an empty body into a protocol error', async () => {
    server.use(http.delete(CHAT_PATH, () => new HttpResponse(null, { status: 200 })))
    expect(await caught(createMeetingChatClient({ auth }).unbindMeetingChat(ids))).toMatchObject({ kind: 'protocol', httpStatus: 200, retryable: false })
  })

  it('falls back to the catalog msg when the platform sends an empty one', async () => {
    server.use(http.delete(CHAT_PATH, () => HttpResponse.json({ code: 195108, msg: '' }, { status: 400 })))
    const error = await caught(createMeetingChatClient({ auth }).unbindMeetingChat(ids))
    expect(error.msg).toBe(errorCatalog[195108].msg)
  })

  it('treats a 429 whose body is not JSON as a rate limit', async () => {
    server.use(http.delete(CHAT_PATH, () => new HttpResponse('Too Many Requests', { status: 429 })))
    expect(await caught(createMeetingChatClient({ auth, retry: false }).unbindMeetingChat(ids))).toMatchObject({ kind: 'rate_limited', retryable: true, httpStatus: 429 })
  })

  it('turns JSON without a code into a protocol error', async () => {
    server.use(http.delete(CHAT_PATH, () => HttpResponse.json({ hello: 'world' })))
    expect(await caught(createMeetingChatClient({ auth }).unbindMeetingChat(ids))).toMatchObject({ kind: 'protocol' })
  })

  it('gives a code outside the catalog a kind from its status and a generic hint', async () => {
    server.use(http.delete(CHAT_PATH, () => HttpResponse.json({ code: 1234567, msg: 'something new' }, { status: 404 })))
    const error = await caught(createMeetingChatClient({ auth }).unbindMeetingChat(ids))
    expect(error).toMatchObject({ code: 1234567, msg: 'something new', kind: 'not_found', retryable: false })
    expect(error.hint.en.length).toBeGreaterThan(0)
  })

  it('gives a network failure kind network, with the cause', async () => {
    server.use(http.delete(CHAT_PATH, () => HttpResponse.error()))
    const error = await caught(createMeetingChatClient({ auth, retry: false }).unbindMeetingChat(ids))
    expect(error).toMatchObject({ kind: 'network', code: null, httpStatus: null, retryable: true })
    expect(error.cause).toBeInstanceOf(Error)
  })

  it('rejects create with a protocol error when data lacks the chat id', async () => {
    server.use(http.post(CHAT_PATH, () => HttpResponse.json({ code: 0, msg: 'success', data: {} })))
    await expect(createMeetingChatClient({ auth }).createMeetingChat({ calendarId: CAL, eventId: EVT })).rejects.toMatchObject({ kind: 'protocol' })
  })

  it('reads the rate-limit wait into retryAfterMs when it gives up', async () => {
    server.use(unbindEndpoint(() => fail(429, 99991400, 'request trigger frequency limit', { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '7' })).handler)
    const error = await caught(createMeetingChatClient({ auth, retry: false }).unbindMeetingChat(ids))
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 })
  })
})

describe('secrets never show', () => {
  const secretToken = 't-SECRET-token-value-42'
  const surfaces = (error: FeishuApiError) => [
    error.message,
    String(error.stack),
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
  ]

  it('not the app secret, even when the token endpoint echoes it', async () => {
    server.use(http.post(`${BASE}/open-apis/auth/v3/tenant_access_token/internal`, async ({ request }) => {
      const { app_secret } = (await request.json()) as { app_secret: string }
      return HttpResponse.json({ code: 10014, msg: `app secret invalid: ${app_secret}`, error: { field_violations: [{ field: 'app_secret', value: app_secret }] } }, { status: 400 })
    }))
    const error = await caught(createMeetingChatClient({ auth: APP }).unbindMeetingChat(ids))
    expect(error.code).toBe(10014)
    for (const text of surfaces(error)) expect(text).not.toContain(APP.appSecret)
  })

  it('not the token, when the platform echoes it in the error details', async () => {
    server.use(http.delete(CHAT_PATH, ({ request }) => HttpResponse.json({ code: 99991663, msg: 'Invalid access token for authorization', error: { field_violations: [{ field: 'Authorization', value: request.headers.get('authorization') }] } }, { status: 400 })))
    const error = await caught(createMeetingChatClient({ auth: { tenantAccessToken: secretToken } }).unbindMeetingChat(ids))
    expect(JSON.stringify(error.detail)).toContain('[redacted]')
    for (const text of surfaces(error)) expect(text).not.toContain(secretToken)
  })

  it('not a malformed token the token endpoint hands out', async () => {
    const weird = 't-SECRET with spaces'
    server.use(http.post(`${BASE}/open-apis/auth/v3/tenant_access_token/internal`, () => HttpResponse.json({ code: 0, msg: 'ok', tenant_access_token: weird, expire: 7200 })))
    const error = await caught(createMeetingChatClient({ auth: APP }).unbindMeetingChat(ids))
    expect(error.kind).toBe('protocol')
    for (const text of surfaces(error)) expect(text).not.toContain('SECRET')
  })

  it('not the token, even when the platform echoes it in msg', async () => {
    server.use(http.delete(CHAT_PATH, ({ request }) => fail(400, 99991663, `Invalid access token for authorization: ${request.headers.get('authorization')}`)))
    const error = await caught(createMeetingChatClient({ auth: { tenantAccessToken: secretToken } }).unbindMeetingChat(ids))
    expect(error.msg).toContain('[redacted]')
    for (const text of surfaces(error)) expect(text).not.toContain(secretToken)
  })

  it('not the token of a network failure', async () => {
    server.use(http.delete(CHAT_PATH, () => HttpResponse.error()))
    const error = await caught(createMeetingChatClient({ auth: { tenantAccessToken: secretToken }, retry: false }).unbindMeetingChat(ids))
    for (const text of surfaces(error)) expect(text).not.toContain(secretToken)
  })

  it('not in a configuration error about a malformed token', () => {
    const bad = 'Bearer u-SECRET-user-token'
    let thrown: unknown
    try {
      createMeetingChatClient({ auth: { userAccessToken: bad } })
    } catch (e) {
      thrown = e
    }
    expect(String((thrown as Error).message)).not.toContain('SECRET')
    expect(String((thrown as Error).message)).toMatch(/without "Bearer "/)
  })

  it('not in inspect output of the client', async () => {
    const client = createMeetingChatClient({ auth: APP })
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(APP.appSecret)
    expect(JSON.stringify(client)).not.toContain(APP.appSecret)
  })
})
