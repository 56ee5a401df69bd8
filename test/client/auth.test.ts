import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { createMeetingChatClient, FeishuApiError, TokenCache } from '../../src/index.ts'
import { APP, BASE, CAL, CHAT, EVT, fail, ok, server, tokenEndpoint, unbindEndpoint, useServer } from './support.ts'

useServer()
const ids = { calendarId: CAL, eventId: EVT, meetingChatId: CHAT }

describe('self-built app credentials', () => {
  it('fetches a tenant_access_token from the internal endpoint and sends it as Bearer', async () => {
    const token = tokenEndpoint()
    const unbind = unbindEndpoint()
    server.use(token.handler, unbind.handler)
    await createMeetingChatClient({ auth: APP }).unbindMeetingChat(ids)
    expect(token.state.bodies).toEqual([{ app_id: APP.appId, app_secret: APP.appSecret }])
    expect(unbind.seen.map((s) => s.auth)).toEqual(['Bearer t-1'])
  })

  it('caches the token across calls', async () => {
    const token = tokenEndpoint()
    const unbind = unbindEndpoint()
    server.use(token.handler, unbind.handler)
    const client = createMeetingChatClient({ auth: APP })
    await client.unbindMeetingChat(ids)
    await client.unbindMeetingChat(ids)
    expect(token.state.calls).toBe(1)
    expect(unbind.seen.map((s) => s.auth)).toEqual(['Bearer t-1', 'Bearer t-1'])
  })

  it('shares one in-flight token fetch among concurrent first calls', async () => {
    const token = tokenEndpoint()
    const unbind = unbindEndpoint()
    server.use(token.handler, unbind.handler)
    const client = createMeetingChatClient({ auth: APP })
    await Promise.all(Array.from({ length: 25 }, () => client.unbindMeetingChat(ids)))
    expect(token.state.calls).toBe(1)
    expect(new Set(unbind.seen.map((s) => s.auth))).toEqual(new Set(['Bearer t-1']))
  })

  it('refreshes the token a margin before it expires, trusting expire', async () => {
    let now = 1_000_000
    const token = tokenEndpoint(3600)
    const unbind = unbindEndpoint()
    server.use(token.handler, unbind.handler)
    const client = createMeetingChatClient({ auth: APP, tokenCache: new TokenCache({ now: () => now, refreshMarginMs: 5 * 60_000 }) })
    await client.unbindMeetingChat(ids)
    now += (3600 - 5 * 60 - 1) * 1000
    await client.unbindMeetingChat(ids)
    expect(token.state.calls).toBe(1)
    now += 2000
    await client.unbindMeetingChat(ids)
    expect(token.state.calls).toBe(2)
    expect(unbind.seen.map((s) => s.auth)).toEqual(['Bearer t-1', 'Bearer t-1', 'Bearer t-2'])
  })

  it('shares a token cache between clients of the same app', async () => {
    const token = tokenEndpoint()
    server.use(token.handler, unbindEndpoint().handler)
    const tokenCache = new TokenCache()
    await createMeetingChatClient({ auth: APP, tokenCache }).unbindMeetingChat(ids)
    await createMeetingChatClient({ auth: APP, tokenCache }).unbindMeetingChat(ids)
    expect(token.state.calls).toBe(1)
  })

  it.each([99991663, 99991664, 99991671])('on %i drops the cached token, fetches a fresh one and replays once', async (code) => {
    const token = tokenEndpoint()
    const unbind = unbindEndpoint((request) => (request.headers.get('authorization') === 'Bearer t-1' ? fail(400, code, 'token refused') : ok()))
    server.use(token.handler, unbind.handler)
    await createMeetingChatClient({ auth: APP, retry: false }).unbindMeetingChat(ids)
    expect(unbind.seen.map((s) => s.auth)).toEqual(['Bearer t-1', 'Bearer t-2'])
  })

  it('replays only once when the fresh token is refused too', async () => {
    const token = tokenEndpoint()
    const unbind = unbindEndpoint(() => fail(400, 99991663, 'Invalid access token for authorization'))
    server.use(token.handler, unbind.handler)
    const error = await createMeetingChatClient({ auth: APP }).unbindMeetingChat(ids).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FeishuApiError)
    expect((error as FeishuApiError).kind).toBe('auth')
    expect(unbind.seen).toHaveLength(2)
    expect(token.state.calls).toBe(2)
  })

  it('turns a refused app secret into an auth error naming the fix, without the secret', async () => {
    server.use(http.post(`${BASE}/open-apis/auth/v3/tenant_access_token/internal`, () => fail(400, 10014, 'app secret invalid')))
    const error = (await createMeetingChatClient({ auth: APP }).unbindMeetingChat(ids).catch((e: unknown) => e)) as FeishuApiError
    expect(error.code).toBe(10014)
    expect(error.kind).toBe('auth')
    expect(error.operation).toBe('getTenantAccessTokenInternal')
    expect(error.message).not.toContain(APP.appSecret)
  })
})

describe('user and tenant tokens', () => {
  it.each([99991668, 99991677])('surfaces user-token error %i as an auth error without a replay', async (code) => {
    const unbind = unbindEndpoint(() => fail(400, code, 'user token refused'))
    server.use(unbind.handler)
    const error = (await createMeetingChatClient({ auth: { userAccessToken: 'u-abcdefgh' } }).unbindMeetingChat(ids).catch((e: unknown) => e)) as FeishuApiError
    expect(error.kind).toBe('auth')
    expect(error.code).toBe(code)
    expect(unbind.seen).toHaveLength(1)
  })

  it('sends a per-call userAccessToken as given, never replaced by the cached app token', async () => {
    const token = tokenEndpoint()
    const unbind = unbindEndpoint()
    server.use(token.handler, unbind.handler)
    const client = createMeetingChatClient({ auth: APP })
    await client.unbindMeetingChat(ids)
    await client.unbindMeetingChat(ids, { userAccessToken: 'u-per-call-token' })
    expect(unbind.seen.map((s) => s.auth)).toEqual(['Bearer t-1', 'Bearer u-per-call-token'])
    expect(token.state.calls).toBe(1)
  })

  it('does not replace a per-call token even when the platform refuses it', async () => {
    const token = tokenEndpoint()
    const unbind = unbindEndpoint(() => fail(400, 99991663, 'Invalid access token for authorization'))
    server.use(token.handler, unbind.handler)
    await expect(createMeetingChatClient({ auth: APP }).unbindMeetingChat(ids, { tenantAccessToken: 't-explicit' })).rejects.toMatchObject({ code: 99991663 })
    expect(unbind.seen.map((s) => s.auth)).toEqual(['Bearer t-explicit'])
    expect(token.state.calls).toBe(0)
  })

  it('asks a tenant token provider again after a token-invalid answer', async () => {
    const handed: string[] = []
    const unbind = unbindEndpoint((request) => (request.headers.get('authorization') === 'Bearer t-old' ? fail(400, 99991663, 'Invalid access token for authorization') : ok()))
    server.use(unbind.handler)
    const tokens = ['t-old', 't-new']
    await createMeetingChatClient({ auth: { tenantAccessToken: () => { const t = tokens.shift() ?? 't-none'; handed.push(t); return t } } }).unbindMeetingChat(ids)
    expect(handed).toEqual(['t-old', 't-new'])
    expect(unbind.seen.map((s) => s.auth)).toEqual(['Bearer t-old', 'Bearer t-new'])
  })

  it('refuses a call with no token at all, before sending anything', async () => {
    const unbind = unbindEndpoint()
    server.use(unbind.handler)
    await expect(createMeetingChatClient().unbindMeetingChat(ids)).rejects.toThrow(/needs a token/)
    expect(unbind.seen).toHaveLength(0)
  })

  it('refuses swapped tokens with a clear error', async () => {
    expect(() => createMeetingChatClient({ auth: { userAccessToken: 't-looks-like-tenant' } })).toThrow(/start with "u-"/)
    const unbind = unbindEndpoint()
    server.use(unbind.handler)
    await expect(createMeetingChatClient().unbindMeetingChat(ids, { userAccessToken: 't-x' })).rejects.toThrow(/user_access_token/)
    expect(unbind.seen).toHaveLength(0)
  })
})

describe('store app', () => {
  const store = { ...APP, appTicket: () => 'ticket-1', tenantKey: 'tenant-9' }

  function storeEndpoints(options: { ticketInvalid?: boolean; staleAppToken?: string } = {}) {
    const state = { app: [] as unknown[], tenant: [] as unknown[], resend: [] as unknown[] }
    server.use(
      http.post(`${BASE}/open-apis/auth/v3/app_access_token`, async ({ request }) => {
        state.app.push(await request.json())
        if (options.ticketInvalid) return fail(400, 10012, 'app ticket invalid')
        return HttpResponse.json({ code: 0, msg: 'ok', app_access_token: `a-${state.app.length}`, expire: 7200 })
      }),
      http.post(`${BASE}/open-apis/auth/v3/tenant_access_token`, async ({ request }) => {
        const body = (await request.json()) as { app_access_token: string }
        state.tenant.push(body)
        if (body.app_access_token === options.staleAppToken) return fail(400, 99991664, 'invalid app token')
        return HttpResponse.json({ code: 0, msg: 'ok', tenant_access_token: `t-store-${state.tenant.length}`, expire: 7200 })
      }),
      http.post(`${BASE}/open-apis/auth/v3/app_ticket/resend`, async ({ request }) => {
        state.resend.push(await request.json())
        return HttpResponse.json({ code: 0, msg: 'ok' })
      }),
    )
    return state
  }

  it('gets the app token from the ticket, then the tenant token, and caches both', async () => {
    const state = storeEndpoints()
    const unbind = unbindEndpoint()
    server.use(unbind.handler)
    const client = createMeetingChatClient({ auth: store })
    await client.unbindMeetingChat(ids)
    await client.unbindMeetingChat(ids)
    expect(state.app).toEqual([{ app_id: APP.appId, app_secret: APP.appSecret, app_ticket: 'ticket-1' }])
    expect(state.tenant).toEqual([{ app_access_token: 'a-1', tenant_key: 'tenant-9' }])
    expect(unbind.seen.map((s) => s.auth)).toEqual(['Bearer t-store-1', 'Bearer t-store-1'])
  })

  it('says to re-push the ticket on 10012, and can trigger the push', async () => {
    const state = storeEndpoints({ ticketInvalid: true })
    const client = createMeetingChatClient({ auth: store })
    const error = (await client.unbindMeetingChat(ids).catch((e: unknown) => e)) as FeishuApiError
    expect(error.code).toBe(10012)
    expect(error.kind).toBe('auth')
    expect(error.hint.en).toMatch(/app_ticket\/resend/)
    await client.resendAppTicket()
    expect(state.resend).toEqual([{ app_id: APP.appId, app_secret: APP.appSecret }])
  })

  it('fetches a fresh app token once when the tenant endpoint calls it invalid', async () => {
    const state = storeEndpoints({ staleAppToken: 'a-1' })
    server.use(unbindEndpoint().handler)
    await createMeetingChatClient({ auth: store }).unbindMeetingChat(ids)
    expect(state.app).toHaveLength(2)
    expect(state.tenant.map((b) => (b as { app_access_token: string }).app_access_token)).toEqual(['a-1', 'a-2'])
  })

  it('explains a missing ticket instead of sending an empty one', async () => {
    const state = storeEndpoints()
    const client = createMeetingChatClient({ auth: { ...store, appTicket: () => '' } })
    await expect(client.unbindMeetingChat(ids)).rejects.toThrow(/resendAppTicket/)
    expect(state.app).toHaveLength(0)
  })
})
