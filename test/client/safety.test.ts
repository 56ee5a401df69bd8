import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import fc from 'fast-check'
import { http } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeetingChatClient, ConfigError, FeishuApiError } from '../../src/index.ts'
import { operations } from '../../src/generated/operations.ts'
import { BASE, CAL, CHAT, CHAT_PATH, EVT, ok, server, unbindEndpoint, useServer } from './support.ts'

useServer()
const auth = { tenantAccessToken: 't-static-token-1234' }
const ids = { calendarId: CAL, eventId: EVT, meetingChatId: CHAT }

describe('inputs are checked before anything is sent', () => {
  const maxCal = operations.unbindMeetingChat.params.calendar_id.maxLength
  it.each([
    ['an empty calendarId', { ...ids, calendarId: '' }, /calendarId must not be empty/],
    ['a non-string eventId', { ...ids, eventId: 42 }, /eventId must be a string; got number 42/],
    ['a missing meetingChatId', { calendarId: CAL, eventId: EVT }, /meetingChatId must be a string/],
    ['an over-long calendarId', { ...ids, calendarId: 'x'.repeat(maxCal + 1) }, new RegExp(`at most ${maxCal}`)],
    ['a control character', { ...ids, eventId: 'abc\r\nX-Injected: 1' }, /control characters/],
    ['"." as a path id', { ...ids, calendarId: '.' }, /URL normalisation/],
    ['".." as a path id', { ...ids, eventId: '..' }, /URL normalisation/],
    ['surrounding whitespace', { ...ids, calendarId: ` ${CAL}` }, /whitespace/],
    ['a chat id that is not oc_', { ...ids, meetingChatId: 'chat-1' }, /does not look like a meeting_chat_id/],
  ])('%s', async (_name, params, message) => {
    const unbind = unbindEndpoint()
    server.use(unbind.handler)
    const error = await createMeetingChatClient({ auth }).unbindMeetingChat(params as typeof ids).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FeishuApiError)
    expect((error as FeishuApiError).kind).toBe('invalid_request')
    expect((error as FeishuApiError).message).toMatch(message)
    expect(unbind.seen).toHaveLength(0)
  })

  it('checks create inputs too', async () => {
    await expect(createMeetingChatClient({ auth }).createMeetingChat({ calendarId: '..', eventId: EVT })).rejects.toThrow(/URL normalisation/)
  })
})

describe('the request', () => {
  it('percent-encodes the @ of calendar ids and sends DELETE without a body', async () => {
    const unbind = unbindEndpoint()
    server.use(unbind.handler)
    await createMeetingChatClient({ auth }).unbindMeetingChat(ids)
    expect(unbind.seen[0]?.url).toBe(`${BASE}/open-apis/calendar/v4/calendars/feishu.cn_abc%40group.calendar.feishu.cn/events/${EVT}/meeting_chat?meeting_chat_id=${CHAT}`)
    expect(unbind.seen[0]?.body).toBe('')
  })

  it('no id can move the request off the operation path or origin (property)', async () => {
    const seen: URL[] = []
    server.use(http.all('*', ({ request }) => { seen.push(new URL(request.url)); return ok() }))
    const client = createMeetingChatClient({ auth, retry: false })
    const id = fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }).filter((s) => s !== '.' && s !== '..' && s.trim() === s && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s))
    await fc.assert(
      fc.asyncProperty(id, id, async (calendarId, eventId) => {
        seen.length = 0
        await client.unbindMeetingChat({ calendarId, eventId, meetingChatId: CHAT })
        expect(seen).toHaveLength(1)
        const url = seen[0] as URL
        expect(url.origin).toBe(BASE)
        const parts = url.pathname.split('/')
        expect(parts).toHaveLength(9)
        expect(parts.slice(0, 5)).toEqual(['', 'open-apis', 'calendar', 'v4', 'calendars'])
        expect(decodeURIComponent(parts[5] ?? '')).toBe(calendarId)
        expect(parts[6]).toBe('events')
        expect(decodeURIComponent(parts[7] ?? '')).toBe(eventId)
        expect(parts[8]).toBe('meeting_chat')
        expect(url.searchParams.get('meeting_chat_id')).toBe(CHAT)
        expect([...url.searchParams.keys()]).toEqual(['meeting_chat_id'])
      }),
      { numRuns: 200 },
    )
  })

  it('looks fetch up at call time, so a fetch installed after the client is used', async () => {
    const client = createMeetingChatClient({ auth })
    const original = globalThis.fetch
    const calls: string[] = []
    globalThis.fetch = async (input: RequestInfo | URL) => {
      calls.push(input instanceof Request ? input.url : String(input))
      return Response.json({ code: 0, msg: 'success', data: {} })
    }
    try {
      await client.unbindMeetingChat(ids)
    } finally {
      globalThis.fetch = original
    }
    expect(calls).toHaveLength(1)
  })

  it('uses an injected fetch', async () => {
    const calls: Request[] = []
    const client = createMeetingChatClient({ auth, fetch: async (request) => { calls.push(request); return Response.json({ code: 0, msg: 'success', data: {} }) } })
    await client.unbindMeetingChat(ids)
    expect(calls[0]?.headers.get('authorization')).toBe('Bearer t-static-token-1234')
  })

  it('refuses a per-request baseUrl pointing elsewhere, so the token stays home', async () => {
    const client = createMeetingChatClient({ auth })
    await expect(
      client.api.DELETE('/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat', {
        baseUrl: 'https://attacker.example',
        params: { path: { calendar_id: CAL, event_id: EVT }, query: { meeting_chat_id: CHAT } },
      }),
    ).rejects.toThrow(/Refusing to send a request to https:\/\/attacker.example/)
  })

  it('refuses a Request a middleware hands back for another origin, whatever its properties: none passes for what the client\'s own calls build', async () => {
    const calls: Request[] = []
    const client = createMeetingChatClient({ auth, fetch: async (request) => { calls.push(request); return Response.json({ code: 0, msg: 'success', data: {} }) } })
    // A Request with the fields of what the client's own calls build (url, secrets, id, ...), pointing elsewhere.
    class Lookalike extends Request {
      readonly secrets: string[] = []
      readonly id = 'unbindMeetingChat'
      readonly secured = true
      readonly idempotent = true
      override readonly body = null
    }
    client.api.use({ onRequest: ({ request }) => new Lookalike(request.url.replace(/^https:\/\/open\.feishu\.cn/, 'https://attacker.example'), request) })
    await expect(client.unbindMeetingChat(ids)).rejects.toThrow(/Refusing to send a request to https:\/\/attacker.example/)
    expect(calls).toEqual([])
  })

  it('reads the body of a Request a middleware hands back whose arrayBuffer() gives a thenable, not a native Promise', async () => {
    const bodies: string[] = []
    const client = createMeetingChatClient({ auth, fetch: async (request) => { bodies.push(await request.text()); return Response.json({ code: 0, msg: 'success', data: {} }) } })
    class ThenableBody extends Request {
      override arrayBuffer(): Promise<ArrayBuffer> {
        const read = super.arrayBuffer()
        const thenable = (p: Promise<unknown>): PromiseLike<unknown> => ({ then: (ok, fail) => thenable(p.then(ok, fail)) as never })
        return thenable(read) as Promise<ArrayBuffer>
      }
    }
    client.api.use({ onRequest: ({ request }) => new ThenableBody(request) })
    await client.api.POST('/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: 'cli_x', app_secret: 'secret-value' } })
    expect(bodies).toEqual([JSON.stringify({ app_id: 'cli_x', app_secret: 'secret-value' })])
  })
})

describe('domains', () => {
  it.each([
    ['feishu', 'https://open.feishu.cn'],
    ['lark', 'https://open.larksuite.com'],
    [undefined, 'https://open.feishu.cn'],
    ['https://proxy.example.com/feishu/', 'https://proxy.example.com/feishu'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
    ['http://localhost:3000', 'http://localhost:3000'],
  ])('%s -> %s', (domain, baseUrl) => {
    expect(createMeetingChatClient(domain === undefined ? {} : { domain }).baseUrl).toBe(baseUrl)
  })

  it.each([
    ['http://open.feishu.cn', /must use https/],
    ['http://10.0.0.5', /must use https/],
    ['open.feishu.cn', /neither 'feishu', 'lark' nor an absolute URL/],
    ['https://user:pw@open.feishu.cn', /must not carry credentials/],
    ['https://open.feishu.cn/?x=1', /query or fragment/],
    ['', /domain must be/],
  ])('refuses %s', (domain, message) => {
    expect(() => createMeetingChatClient({ domain })).toThrow(ConfigError)
    expect(() => createMeetingChatClient({ domain })).toThrow(message)
  })

  it('sends lark calls to larksuite', async () => {
    const hosts: string[] = []
    server.use(http.delete(CHAT_PATH.replace(BASE, 'https://open.larksuite.com'), ({ request }) => { hosts.push(new URL(request.url).host); return ok() }))
    await createMeetingChatClient({ domain: 'lark', auth }).unbindMeetingChat(ids)
    expect(hosts).toEqual(['open.larksuite.com'])
  })
})

describe('options', () => {
  it.each([
    [{ timeoutMs: 0 }, /timeoutMs must be a number from 1 to 2147483647/],
    [{ timeoutMs: 2 ** 31 }, /timeoutMs must be a number from 1 to 2147483647/],
    [{ retry: { maxDelayMs: 1e12 } }, /retry.maxDelayMs must be a number from 0/],
    [{ retry: { maxAttempts: 0 } }, /retry.maxAttempts/],
    // A count, not a duration.
    [{ retry: { maxAttempts: 0 } }, /^retry\.maxAttempts must be a number from 1 to 2147483647 \(attempts\); got number 0\.$/],
    [{ retry: 'yes' }, /retry must be an object/],
    [{ fetch: 'no' }, /fetch must be a function/],
    [{ auth: { appId: '', appSecret: 'x' } }, /auth.appId must be a non-empty string/],
    [{ auth: { appId: 'cli_x' } }, /auth.appSecret must be a non-empty string/],
    [{ auth: { appId: 'cli_x', appSecret: 's', tenantKey: 'k' } }, /auth.appTicket must be a function/],
    [{ auth: { foo: 1 } }, /auth must be/],
  ])('refuses %j with a clear error', (options, message) => {
    expect(() => createMeetingChatClient(options as never)).toThrow(message)
  })
})

describe('redirects are not followed with the token', () => {
  let elsewhere: Server
  let redirector: Server
  let hits = 0
  let redirectorUrl = ''

  beforeAll(async () => {
    server.close()
    elsewhere = createServer((_req, res) => { hits++; res.end('{"code":0,"msg":"success","data":{}}') })
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve))
    const target = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/steal`
    redirector = createServer((_req, res) => { res.writeHead(302, { Location: target }); res.end() })
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve))
    redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`
  })
  afterAll(() => {
    elsewhere.close()
    redirector.close()
    server.listen({ onUnhandledFrame: 'error' })
  })

  it('answers a redirect with a protocol error and never calls the target', async () => {
    const error = await createMeetingChatClient({ domain: redirectorUrl, auth }).unbindMeetingChat(ids).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'protocol', httpStatus: 302 })
    expect(hits).toBe(0)
  })
})
