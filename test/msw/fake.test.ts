// The stateful fake, rule by rule, through msw and fetch. Every answer is also checked against the spec
// by the server (support.ts), so each test here also shows that what the fake says is documented.
import { beforeEach, describe, expect, it } from 'vitest'
import { createFake, createHandlers, createManualClock, demo, demoSeed, type Fake, type FakeOptions, type Seed } from '../../src/msw/index.ts'
import { call, expectError, FEISHU, LARK, rawOperation, specRateLimit, useMswServer, type Answered, type RequestParts } from './support.ts'

const SANDBOX = 'http://127.0.0.1:4010'
const clock = createManualClock()
let fake: Fake

function reset(seed: Seed = demoSeed(), options: FakeOptions = {}) {
  clock.set(Date.UTC(2026, 0, 1, 9, 0, 0))
  fake = createFake(seed, { clock, ...options })
}

// Handlers are created once and pass every request to the current fake, so each test can start afresh.
const current = { handle: (request: Request) => fake.handle(request) }
useMswServer(...createHandlers(current), ...createHandlers(current, { baseUrl: SANDBOX }))
beforeEach(() => reset())

const bearer = (token: string) => `Bearer ${token}`
const { alice, bob, carol, dave } = demo.users

function unbind(token: string, calendarId: string, eventId: string, chatId: string, parts: RequestParts = {}) {
  return call('unbindMeetingChat', { authorization: bearer(token), params: { calendar_id: calendarId, event_id: eventId }, query: { meeting_chat_id: chatId }, ...parts })
}
function create(token: string, calendarId: string, eventId: string, parts: RequestParts = {}) {
  return call('createMeetingChat', { authorization: bearer(token), params: { calendar_id: calendarId, event_id: eventId }, ...parts })
}
const tenantToken = (appId: string, appSecret: string) => call('getTenantAccessTokenInternal', { body: { app_id: appId, app_secret: appSecret } })
const appToken = (appId: string, appSecret: string, appTicket: string) => call('getAppAccessToken', { body: { app_id: appId, app_secret: appSecret, app_ticket: appTicket } })
const storeTenantToken = (appAccessToken: string, tenantKey: string) => call('getTenantAccessToken', { body: { app_access_token: appAccessToken, tenant_key: tenantKey } })
const field = (answer: Answered, name: string): unknown => (answer.json as Record<string, unknown>)[name]
const data = (answer: Answered) => field(answer, 'data') as { meeting_chat_id: string; applink: string }

const unbindWeeklySync = (token: string = alice.userAccessToken) => unbind(token, demo.calendars.alice, demo.events.weeklySync, demo.chats.weeklySync)

describe('the Authorization header', () => {
  it('answers 99991661 when it is missing', async () => {
    expectError(await unbind('x', demo.calendars.alice, demo.events.weeklySync, demo.chats.weeklySync, { authorization: null }), 99991661)
  })

  it('answers 99991661 when Bearer has no token', async () => {
    expectError(await unbind('', demo.calendars.alice, demo.events.weeklySync, demo.chats.weeklySync, { authorization: 'Bearer' }), 99991661)
  })

  it('answers 99991671 for another scheme', async () => {
    expectError(await unbind('', demo.calendars.alice, demo.events.weeklySync, demo.chats.weeklySync, { authorization: `Basic ${alice.userAccessToken}` }), 99991671)
  })

  it('answers 99991671 for a token that is neither t- nor u-', async () => {
    expectError(await unbind('a-app-token', demo.calendars.alice, demo.events.weeklySync, demo.chats.weeklySync), 99991671)
  })
})

describe('tokens', () => {
  it('answers 99991663 for an unknown tenant token', async () => {
    expectError(await unbind('t-never-issued', demo.calendars.app, demo.events.appStandup, demo.chats.appStandup), 99991663)
  })

  it('answers 99991668 for an unknown user token', async () => {
    expectError(await unbindWeeklySync('u-never-issued'), 99991668)
  })

  it('answers 99991677 for a user token that has expired', async () => {
    expectError(await unbindWeeklySync(demo.expiredUserAccessToken), 99991677)
  })

  it('lets a seeded user token expire with the clock', async () => {
    reset({ ...demoSeed(), userAccessTokens: [{ token: 'u-short', userId: alice.userId, appId: demo.app.appId, expiresIn: 60 }] })
    clock.advance(59_999)
    expect(field(await create('u-short', demo.calendars.alice, demo.events.planning), 'code')).toBe(0)
    clock.advance(1)
    expectError(await create('u-short', demo.calendars.alice, demo.events.planning), 99991677)
  })

  it('answers 99991672, naming the scopes, when the app has none of the operation\'s scopes', async () => {
    const seed = demoSeed()
    reset({ ...seed, apps: seed.apps?.map((a) => (a.appId === demo.app.appId ? { ...a, scopes: ['contact:user.base:readonly'] } : a)) })
    const answer = await unbindWeeklySync(demo.app.tenantAccessToken)
    expectError(answer, 99991672)
    const required = rawOperation('unbindMeetingChat')['x-required-scopes-any-of'] as string[]
    expect(required.length).toBeGreaterThan(0)
    expect(field(answer, 'error')).toMatchObject({ permission_violations: required.map((subject) => ({ type: 'action_scope_required', subject })) })
  })

  it('accepts an app that has one of the operation\'s scopes', async () => {
    const seed = demoSeed()
    reset({ ...seed, apps: seed.apps?.map((a) => (a.appId === demo.app.appId ? { ...a, scopes: ['calendar:calendar.event:update'] } : a)) })
    expect(field(await create(demo.app.tenantAccessToken, demo.calendars.app, demo.events.appStandup), 'code')).toBe(0)
  })

  it('answers 99991679 when the user did not grant the scope', async () => {
    const seed = demoSeed()
    reset({ ...seed, userAccessTokens: [{ token: 'u-no-scope', userId: alice.userId, appId: demo.app.appId, scopes: ['contact:user.base:readonly'] }] })
    expectError(await unbindWeeklySync('u-no-scope'), 99991679)
  })
})

describe('token endpoints', () => {
  it('issues a tenant token with its lifetime to a self-built app', async () => {
    reset({ ...demoSeed(), tenantAccessTokens: [] })
    const answer = await tenantToken(demo.app.appId, demo.app.appSecret)
    expect(field(answer, 'code')).toBe(0)
    expect(field(answer, 'tenant_access_token')).toMatch(/^t-[0-9a-f]{40}$/)
    expect(field(answer, 'expire')).toBe(7200)
    expect(field(await create(String(field(answer, 'tenant_access_token')), demo.calendars.app, demo.events.appStandup), 'code')).toBe(0)
  })

  it('returns the same tenant token while more than 30 minutes are left, with the seconds left', async () => {
    reset({ ...demoSeed(), tenantAccessTokens: [] })
    const first = await tenantToken(demo.app.appId, demo.app.appSecret)
    clock.advance(1000 * (7200 - 1801))
    const second = await tenantToken(demo.app.appId, demo.app.appSecret)
    expect(field(second, 'tenant_access_token')).toBe(field(first, 'tenant_access_token'))
    expect(field(second, 'expire')).toBe(1801)
  })

  it('issues a new tenant token in the last 30 minutes; the old one works until it expires', async () => {
    reset({ ...demoSeed(), tenantAccessTokens: [] })
    const old = String(field(await tenantToken(demo.app.appId, demo.app.appSecret), 'tenant_access_token'))
    clock.advance(1000 * (7200 - 1800))
    const renewed = await tenantToken(demo.app.appId, demo.app.appSecret)
    expect(field(renewed, 'tenant_access_token')).not.toBe(old)
    expect(field(renewed, 'expire')).toBe(7200)
    expect(field(await create(old, demo.calendars.app, demo.events.appStandup), 'code')).toBe(0)
    clock.advance(1000 * 1800)
    expectError(await create(old, demo.calendars.app, demo.events.appStandup), 99991663)
  })

  it('honours a configured token lifetime', async () => {
    reset({ ...demoSeed(), tenantAccessTokens: [] }, { tokenTtlSeconds: 600 })
    expect(field(await tenantToken(demo.app.appId, demo.app.appSecret), 'expire')).toBe(600)
  })

  it('answers 10014 for a wrong app secret', async () => {
    expectError(await tenantToken(demo.app.appId, 'not-the-secret'), 10014)
  })

  it('answers 10003 for an unknown app', async () => {
    expectError(await tenantToken('cli_unknown', 'whatever'), 10003)
  })

  it('answers 10003 when a store app asks the self-built endpoint', async () => {
    expectError(await tenantToken(demo.storeApp.appId, demo.storeApp.appSecret), 10003)
  })

  it('issues an app token to a store app for a valid ticket', async () => {
    const answer = await appToken(demo.storeApp.appId, demo.storeApp.appSecret, demo.storeApp.appTicket)
    expect(field(answer, 'code')).toBe(0)
    expect(field(answer, 'app_access_token')).toMatch(/^a-/)
    expect(field(answer, 'expire')).toBe(7200)
  })

  it('answers 10012 for an app ticket that was never pushed', async () => {
    expectError(await appToken(demo.storeApp.appId, demo.storeApp.appSecret, 'stale-ticket'), 10012)
  })

  it('answers 10014 for a store app with a wrong secret', async () => {
    expectError(await appToken(demo.storeApp.appId, 'wrong', demo.storeApp.appTicket), 10014)
  })

  it('answers 10003 when a self-built app asks for a store app token', async () => {
    expectError(await appToken(demo.app.appId, demo.app.appSecret, 'any-ticket'), 10003)
  })

  it('exchanges a store app token and tenant key for a tenant token that works on the calendar API', async () => {
    const app = String(field(await appToken(demo.storeApp.appId, demo.storeApp.appSecret, demo.storeApp.appTicket), 'app_access_token'))
    const answer = await storeTenantToken(app, demo.tenantKey)
    expect(field(answer, 'tenant_access_token')).toMatch(/^t-/)
    // The store app has no role on Alice's calendar: the token is accepted, the calendar refused.
    expectError(await create(String(field(answer, 'tenant_access_token')), demo.calendars.alice, demo.events.planning), 191002)
  })

  it('answers 99991664 for an unknown app token', async () => {
    expectError(await storeTenantToken('a-never-issued', demo.tenantKey), 99991664)
  })

  it('answers 99991664 for an expired app token', async () => {
    const app = String(field(await appToken(demo.storeApp.appId, demo.storeApp.appSecret, demo.storeApp.appTicket), 'app_access_token'))
    clock.advance(7200 * 1000)
    expectError(await storeTenantToken(app, demo.tenantKey), 99991664)
  })

  it('answers 10003 for a tenant the store app is not installed in', async () => {
    const app = String(field(await appToken(demo.storeApp.appId, demo.storeApp.appSecret, demo.storeApp.appTicket), 'app_access_token'))
    expectError(await storeTenantToken(app, 'another-tenant'), 10003)
  })

  it('records a ticket push on resend, and accepts the pushed ticket', async () => {
    const answer = await call('resendAppTicket', { body: { app_id: demo.storeApp.appId, app_secret: demo.storeApp.appSecret } })
    expect(answer.json).toEqual({ code: 0, msg: 'ok' })
    expect(fake.ticketPushes).toEqual([{ appId: demo.storeApp.appId, ticket: expect.any(String), at: clock.now() }])
    const pushed = fake.ticketPushes[0]?.ticket ?? ''
    expect(field(await appToken(demo.storeApp.appId, demo.storeApp.appSecret, pushed), 'code')).toBe(0)
  })

  it('answers 10014 to a resend with a wrong secret, and pushes nothing', async () => {
    expectError(await call('resendAppTicket', { body: { app_id: demo.storeApp.appId, app_secret: 'wrong' } }), 10014)
    expect(fake.ticketPushes).toEqual([])
  })

  it('answers 10003 to a resend for a self-built app', async () => {
    expectError(await call('resendAppTicket', { body: { app_id: demo.app.appId, app_secret: demo.app.appSecret } }), 10003)
  })

  it('counts token requests', async () => {
    await tenantToken(demo.app.appId, demo.app.appSecret)
    await tenantToken(demo.app.appId, 'wrong')
    expect(fake.count('getTenantAccessTokenInternal')).toBe(2)
    expect(fake.count('getAppAccessToken')).toBe(0)
  })

  it('lists every token it knows, seeded and issued', async () => {
    reset({ ...demoSeed(), tenantAccessTokens: [] })
    const issued = String(field(await tenantToken(demo.app.appId, demo.app.appSecret), 'tenant_access_token'))
    expect(fake.tokens).toContainEqual({ token: issued, kind: 'tenant', appId: demo.app.appId, tenantKey: demo.tenantKey, userId: undefined, expiresAt: clock.now() + 7200_000 })
    expect(fake.tokens.map((t) => t.token)).toContain(alice.userAccessToken)
  })
})

describe('rate limits', () => {
  // The unbound chat answers 195108 without changing anything, so a request can be repeated at will.
  const probe = (token: string = alice.userAccessToken) => unbind(token, demo.calendars.alice, demo.events.weeklySync, demo.chats.unbound)

  it("answers the gateway's 99991400 with x-ogw-ratelimit-* headers past the spec's per-second limit of an operation", async () => {
    const { perSecond } = specRateLimit('unbindMeetingChat')
    for (let i = 0; i < perSecond; i++) expect(field(await probe(), 'code')).toBe(195108)
    const limited = await probe()
    expectError(limited, 99991400)
    expect(limited.headers.get('x-ogw-ratelimit-limit')).toBe(String(perSecond))
    expect(limited.headers.get('x-ogw-ratelimit-reset')).toBe('1')
  })

  it('opens again in the next window, and limited requests use none of it', async () => {
    reset(withAppLimits({ perOperation: { perSecond: 2 } }))
    await probe()
    await probe()
    expectError(await probe(), 99991400)
    expectError(await probe(), 99991400)
    clock.advance(1000)
    expect(field(await probe(), 'code')).toBe(195108)
    expect(field(await probe(), 'code')).toBe(195108)
    expectError(await probe(), 99991400)
  })

  it('applies a per-minute limit, with the seconds left in the minute', async () => {
    reset(withAppLimits({ perOperation: { perMinute: 3 } }))
    clock.advance(15_000)
    for (let i = 0; i < 3; i++) {
      await probe()
      clock.advance(1000)
    }
    const limited = await probe()
    expectError(limited, 99991400)
    expect(limited.headers.get('x-ogw-ratelimit-limit')).toBe('3')
    expect(limited.headers.get('x-ogw-ratelimit-reset')).toBe('42')
  })

  it("answers the calendar service's 190004 past its per-operation limit, without the gateway's headers", async () => {
    reset(withAppLimits({ perMethod: { perSecond: 1 } }))
    await probe()
    const limited = await probe()
    expectError(limited, 190004)
    expect([limited.headers.get('x-ogw-ratelimit-limit'), limited.headers.get('x-ogw-ratelimit-reset')]).toEqual([null, null])
    expect(field(await create(alice.userAccessToken, demo.calendars.alice, demo.events.planning), 'code')).toBe(0)
  })

  it("answers the calendar service's 190005 past a per-app limit, across operations, without the gateway's headers", async () => {
    reset(withAppLimits({ perApp: { perSecond: 2 } }))
    await probe()
    await create(alice.userAccessToken, demo.calendars.alice, demo.events.solo)
    const limited = await create(alice.userAccessToken, demo.calendars.alice, demo.events.planning)
    expectError(limited, 190005)
    expect(limited.headers.get('x-ogw-ratelimit-limit')).toBeNull()
  })

  it("checks the gateway's limit before the calendar service's", async () => {
    reset(withAppLimits({ perOperation: { perSecond: 1 }, perMethod: { perSecond: 1 } }))
    await probe()
    expectError(await probe(), 99991400)
  })

  it('counts each app apart', async () => {
    reset(withAppLimits({ perOperation: { perSecond: 1 } }))
    await probe()
    expectError(await probe(), 99991400)
    expect(field(await unbind(demo.noBotApp.tenantAccessToken, demo.calendars.app, demo.events.appStandup, demo.chats.appStandup), 'code')).toBe(190007)
  })

  it('checks the rate before the parameters', async () => {
    reset(withAppLimits({ perOperation: { perSecond: 1 } }))
    await probe()
    expectError(await unbind(alice.userAccessToken, demo.calendars.alice, demo.events.weeklySync, 'not-a-chat-id'), 99991400)
  })

  function withAppLimits(rateLimit: NonNullable<NonNullable<Seed['apps']>[number]['rateLimit']>): Seed {
    const seed = demoSeed()
    return { ...seed, apps: seed.apps?.map((a) => (a.appId === demo.app.appId ? { ...a, rateLimit } : a)) }
  }
})

describe('parameters', () => {
  it('answers 191001, naming the field, for a calendar id over 256 characters: it cannot be one', async () => {
    const answer = await unbind(alice.userAccessToken, 'c'.repeat(257), demo.events.weeklySync, demo.chats.weeklySync)
    expectError(answer, 191001)
    expect(field(answer, 'error')).toMatchObject({ log_id: answer.headers.get('x-tt-logid'), field_violations: [{ field: 'calendar_id' }] })
  })

  it.each([
    ['without @group.calendar.', 'feishu.cn_demo_alice'],
    ['of another domain', 'feishu.cn_demo_alice@group.calendar.example.com'],
    ['with a space', 'feishu.cn demo@group.calendar.feishu.cn'],
  ])('answers 191001 for a calendar id %s, on create and unbind alike', async (_name, calendarId) => {
    const unbound = await unbind(alice.userAccessToken, calendarId, demo.events.weeklySync, demo.chats.weeklySync)
    expectError(unbound, 191001)
    expect(field(unbound, 'error')).toMatchObject({ field_violations: [{ field: 'calendar_id', description: expect.stringMatching(/not of the shape the platform issues/) }] })
    expectError(await create(alice.userAccessToken, calendarId, demo.events.planning), 191001)
  })

  it('answers 191000, not 191001, for a well-formed calendar id no calendar has', async () => {
    expectError(await unbind(alice.userAccessToken, 'feishu.cn_nobody@group.calendar.feishu.cn', demo.events.weeklySync, demo.chats.weeklySync), 191000)
  })

  it('reads an @ sent raw or percent-encoded alike', async () => {
    const raw = await call('unbindMeetingChat', { authorization: bearer(alice.userAccessToken), rawPath: { calendar_id: demo.calendars.alice, event_id: demo.events.weeklySync }, query: { meeting_chat_id: demo.chats.unbound } })
    expectError(raw, 195108)
  })

  it.each([
    ['without the _N suffix', 'demo-weekly-sync'],
    ['with a suffix that is not a number', 'demo-weekly-sync_x'],
    ['over 256 characters', `${'e'.repeat(255)}_0`],
  ])('answers 193000 on unbind for an event id %s', async (_name, eventId) => {
    const answer = await unbind(alice.userAccessToken, demo.calendars.alice, eventId, demo.chats.weeklySync)
    expectError(answer, 193000)
    expect(field(answer, 'error')).toMatchObject({ field_violations: [{ field: 'event_id' }] })
  })

  it("answers create's 193001 for an event id of the wrong shape (its page has no 193000), and 190002 for one over 256 characters", async () => {
    expectError(await create(alice.userAccessToken, demo.calendars.alice, 'demo-planning'), 193001)
    expectError(await create(alice.userAccessToken, demo.calendars.alice, `${'e'.repeat(255)}_0`), 190002)
  })

  it('answers the first bad id\'s code and names every bad field', async () => {
    const answer = await unbind(alice.userAccessToken, 'not-a-calendar', 'not-an-event', 'not-a-chat')
    expectError(answer, 191001)
    expect((field(answer, 'error') as { field_violations: { field: string }[] }).field_violations.map((v) => v.field)).toEqual(['calendar_id', 'event_id', 'meeting_chat_id'])
  })

  it('answers 190002 for a missing meeting_chat_id', async () => {
    const answer = await unbind(alice.userAccessToken, demo.calendars.alice, demo.events.weeklySync, '', { query: { meeting_chat_id: undefined } })
    expectError(answer, 190002)
    expect(field(answer, 'error')).toMatchObject({ field_violations: [{ field: 'meeting_chat_id', description: 'meeting_chat_id is required' }] })
  })

  it('checks the token before the parameters', async () => {
    expectError(await unbind('t-unknown', 'c'.repeat(257), demo.events.weeklySync, 'bad'), 99991663)
  })
})

describe('the caller', () => {
  it('answers 190007 to an app without the bot capability', async () => {
    expectError(await unbind(demo.noBotApp.tenantAccessToken, demo.calendars.app, demo.events.appStandup, demo.chats.appStandup), 190007)
  })

  it('answers 195100 to a user who left the tenant', async () => {
    expectError(await unbindWeeklySync(carol.userAccessToken), 195100)
  })
})

describe('calendars', () => {
  it('answers 191000 for an unknown calendar', async () => {
    expectError(await unbind(alice.userAccessToken, 'feishu.cn_nope@group.calendar.feishu.cn', demo.events.weeklySync, demo.chats.weeklySync), 191000)
  })

  it('answers 191000 for another tenant\'s calendar', async () => {
    const seed = demoSeed()
    reset({
      ...seed,
      tenants: [...seed.tenants, { tenantKey: 'other' }],
      // A user token comes from an app installed in the user's tenant.
      apps: [...(seed.apps ?? []), { appId: 'cli_other', appSecret: 'other-secret', tenants: ['other'] }],
      users: [...(seed.users ?? []), { userId: 'ou_other', tenantKey: 'other' }],
      userAccessTokens: [{ token: 'u-other', userId: 'ou_other', appId: 'cli_other' }],
      calendars: [...(seed.calendars ?? []), { calendarId: 'other_x@group.calendar.feishu.cn', owner: { userId: 'ou_other' } }],
    })
    expectError(await unbindWeeklySync('u-other'), 191000)
  })

  it('answers 191003 for a deleted calendar', async () => {
    expectError(await unbind(alice.userAccessToken, demo.calendars.deleted, demo.events.weeklySync, demo.chats.weeklySync), 191003)
  })

  it('answers 191002 to an identity with no role on the calendar', async () => {
    expectError(await unbindWeeklySync(dave.userAccessToken), 191002)
  })

  it('answers 191004 for a calendar that is not primary', async () => {
    expectError(await unbind(alice.userAccessToken, demo.calendars.shared, demo.events.weeklySync, demo.chats.weeklySync), 191004)
  })

  it("answers 191004 for another identity's primary calendar, to a writer (the app) and a reader (Bob) alike", async () => {
    expectError(await unbindWeeklySync(demo.app.tenantAccessToken), 191004)
    expectError(await create(demo.app.tenantAccessToken, demo.calendars.alice, demo.events.planning), 191004)
    expectError(await unbindWeeklySync(bob.userAccessToken), 191004)
    expect(fake.chat(demo.chats.weeklySync)?.boundTo).toEqual({ calendarId: demo.calendars.alice, eventId: demo.events.weeklySync })
  })

  it("answers 190011 / 190012 on a calendar of a tenant that deleted its own key, and the other tenants' calendars still work", async () => {
    for (const [deletedKey, code] of [['encrypt', 190011], ['decrypt', 190012]] as const) {
      const seed = demoSeed()
      reset({ ...seed, tenants: seed.tenants.map((t) => ({ ...t, deletedKey })) })
      expectError(await unbindWeeklySync(), code)
      expectError(await create(demo.app.tenantAccessToken, demo.calendars.app, demo.events.appStandup), code)
    }
    reset()
    expect(field(await unbindWeeklySync(), 'code')).toBe(0)
  })
})

describe('units', () => {
  it('answers 190006 to an app served from another unit than its tenant, for the app and its users', async () => {
    const seed = demoSeed()
    reset({ ...seed, apps: seed.apps?.map((a) => (a.appId === demo.app.appId ? { ...a, unit: 'lark-sg' } : a)) })
    expectError(await create(demo.app.tenantAccessToken, demo.calendars.app, demo.events.appStandup), 190006)
    // Alice's token is of the same app.
    expectError(await unbindWeeklySync(), 190006)
  })

  it('lets an app and a tenant of the same unit through, whatever the unit', async () => {
    const seed = demoSeed()
    reset({ ...seed, tenants: seed.tenants.map((t) => ({ ...t, unit: 'lark-sg' })), apps: seed.apps?.map((a) => ({ ...a, unit: 'lark-sg' })) })
    expect(field(await unbindWeeklySync(), 'code')).toBe(0)
  })
})

describe('events', () => {
  it('answers 193001 for an unknown event', async () => {
    expectError(await unbind(alice.userAccessToken, demo.calendars.alice, 'no-such-event_0', demo.chats.weeklySync), 193001)
  })

  it('answers 193001 for an event of another calendar', async () => {
    expectError(await unbind(alice.userAccessToken, demo.calendars.alice, demo.events.appStandup, demo.chats.appStandup), 193001)
  })

  it('answers 193003 for a deleted event', async () => {
    expectError(await unbind(alice.userAccessToken, demo.calendars.alice, demo.events.cancelled, demo.chats.weeklySync), 193003)
  })

  it('answers 193002 on the invitee\'s own calendar to an event someone else organized', async () => {
    expectError(await unbind(bob.userAccessToken, demo.calendars.bob, demo.events.weeklySync, demo.chats.weeklySync), 193002)
    expectError(await create(bob.userAccessToken, demo.calendars.bob, demo.events.weeklySync), 193002)
  })

  it("lets the invitee create its meeting chat when the organizer lets attendees modify the event", async () => {
    const seed = demoSeed()
    reset({ ...seed, events: seed.events?.map((e) => (e.calendarId === demo.calendars.bob ? { ...e, attendeeAbility: 'can_modify_event' as const } : e)) })
    const created = await create(bob.userAccessToken, demo.calendars.bob, demo.events.weeklySync)
    expect(field(created, 'code')).toBe(0)
    expect(fake.chat(data(created).meeting_chat_id)?.owner).toEqual({ userId: bob.userId })
  })
})

describe('writes that contend for one event', () => {
  const held = (seconds: number): Seed => {
    const seed = demoSeed()
    return { ...seed, events: seed.events?.map((e) => (e.eventId === demo.events.planning ? { ...e, writeHoldSeconds: seconds } : e)) }
  }

  it('answers 190010 to a second write within the hold, changing nothing, and lets it through once the hold ends', async () => {
    reset(held(2))
    const chatId = data(await create(alice.userAccessToken, demo.calendars.alice, demo.events.planning)).meeting_chat_id
    expectError(await unbind(alice.userAccessToken, demo.calendars.alice, demo.events.planning, chatId), 190010)
    expect(fake.chat(chatId)?.boundTo).toEqual({ calendarId: demo.calendars.alice, eventId: demo.events.planning })
    clock.advance(2000)
    expect(field(await unbind(alice.userAccessToken, demo.calendars.alice, demo.events.planning, chatId), 'code')).toBe(0)
  })

  it('answers 190010 to one of two writes sent at once', async () => {
    reset(held(1))
    const answers = await Promise.all([create(alice.userAccessToken, demo.calendars.alice, demo.events.planning), create(alice.userAccessToken, demo.calendars.alice, demo.events.planning)])
    expect(answers.map((a) => field(a, 'code')).sort()).toEqual([0, 190010])
  })

  it('holds nothing by default, and only the event written', async () => {
    const chatId = data(await create(alice.userAccessToken, demo.calendars.alice, demo.events.planning)).meeting_chat_id
    expect(field(await unbind(alice.userAccessToken, demo.calendars.alice, demo.events.planning, chatId), 'code')).toBe(0)
    reset(held(60))
    await create(alice.userAccessToken, demo.calendars.alice, demo.events.planning)
    expect(field(await unbindWeeklySync(), 'code')).toBe(0)
  })
})

describe('a seeded fault', () => {
  it('answers 190003 to the next writes that pass every check, changing nothing, then recovers', async () => {
    const seed = demoSeed()
    reset({ ...seed, events: seed.events?.map((e) => (e.eventId === demo.events.weeklySync && e.calendarId === demo.calendars.alice ? { ...e, internalErrors: 2 } : e)) })
    // A refusal uses no fault: the chat is not bound to the event.
    expectError(await unbind(alice.userAccessToken, demo.calendars.alice, demo.events.weeklySync, demo.chats.unbound), 195108)
    expectError(await unbindWeeklySync(), 190003)
    expectError(await unbindWeeklySync(), 190003)
    expect(fake.chat(demo.chats.weeklySync)?.boundTo).toBeDefined()
    expect(field(await unbindWeeklySync(), 'code')).toBe(0)
  })

  it('keeps the faults left in a snapshot', async () => {
    const seed = demoSeed()
    reset({ ...seed, events: seed.events?.map((e) => (e.eventId === demo.events.planning ? { ...e, internalErrors: 3 } : e)) })
    expectError(await create(alice.userAccessToken, demo.calendars.alice, demo.events.planning), 190003)
    expect(fake.snapshot().events?.find((e) => e.eventId === demo.events.planning)?.internalErrors).toBe(2)
  })
})

describe('unbinding', () => {
  it('unbinds the meeting chat of its owner, and the chat remains', async () => {
    const answer = await unbindWeeklySync()
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual({ code: 0, msg: 'success', data: {} })
    expect(fake.chat(demo.chats.weeklySync)).toEqual({ chatId: demo.chats.weeklySync, owner: { userId: alice.userId }, boundTo: undefined })
  })

  it('answers 195108 to a second unbind of the same chat', async () => {
    await unbindWeeklySync()
    expectError(await unbindWeeklySync(), 195108)
  })

  it('answers 195108 for a chat bound to another event', async () => {
    expectError(await unbind(alice.userAccessToken, demo.calendars.alice, demo.events.weeklySync, demo.chats.appStandup), 195108)
  })

  it('answers 195108 for a chat bound to no event', async () => {
    expectError(await unbind(alice.userAccessToken, demo.calendars.alice, demo.events.weeklySync, demo.chats.unbound), 195108)
  })

  it('answers 195108 for an unknown chat', async () => {
    expectError(await unbind(alice.userAccessToken, demo.calendars.alice, demo.events.weeklySync, 'oc_ffffffffffffffffffffffffffffffff'), 195108)
  })

  it('answers 195107 to a caller on its own calendar who does not own the chat, and leaves it bound', async () => {
    expectError(await unbind(demo.app.tenantAccessToken, demo.calendars.app, demo.events.appReview, demo.chats.appReview), 195107)
    expect(fake.chat(demo.chats.appReview)?.boundTo).toEqual({ calendarId: demo.calendars.app, eventId: demo.events.appReview })
  })

  it('lets an app unbind the chat it owns with a token it fetched', async () => {
    const token = String(field(await tenantToken(demo.app.appId, demo.app.appSecret), 'tenant_access_token'))
    expect(field(await unbind(token, demo.calendars.app, demo.events.appStandup, demo.chats.appStandup), 'code')).toBe(0)
  })
})

describe('creating', () => {
  it('creates a chat with a fresh oc_ id and its applink, binds it and makes the caller its owner', async () => {
    const answer = await create(alice.userAccessToken, demo.calendars.alice, demo.events.planning)
    expect(answer.status).toBe(200)
    const { meeting_chat_id: chatId, applink } = data(answer)
    expect(chatId).toMatch(/^oc_[0-9a-f]{32}$/)
    expect(applink).toBe(`https://applink.feishu.cn/client/chat/open?openChatId=${chatId}`)
    expect(fake.chat(chatId)).toEqual({ chatId, owner: { userId: alice.userId }, boundTo: { calendarId: demo.calendars.alice, eventId: demo.events.planning } })
    expect(field(await unbind(alice.userAccessToken, demo.calendars.alice, demo.events.planning, chatId), 'code')).toBe(0)
  })

  it('gives each new chat its own id', async () => {
    await unbindWeeklySync()
    const first = data(await create(alice.userAccessToken, demo.calendars.alice, demo.events.planning)).meeting_chat_id
    const second = data(await create(alice.userAccessToken, demo.calendars.alice, demo.events.weeklySync)).meeting_chat_id
    expect(first).not.toBe(second)
    expect(second).not.toBe(demo.chats.weeklySync)
  })

  it('answers with the bound chat when the event already has one', async () => {
    expect(data(await create(alice.userAccessToken, demo.calendars.alice, demo.events.weeklySync)).meeting_chat_id).toBe(demo.chats.weeklySync)
    expect(fake.chats).toHaveLength(demoSeed().chats?.length ?? 0)
  })

  it('answers 195109 for an event with fewer than 2 attendees', async () => {
    expectError(await create(alice.userAccessToken, demo.calendars.alice, demo.events.solo), 195109)
    expect(fake.chats).toHaveLength(demoSeed().chats?.length ?? 0)
  })

  it('answers 195109 for an event whose attendee list is hidden', async () => {
    expectError(await create(alice.userAccessToken, demo.calendars.alice, demo.events.private), 195109)
  })

  it('gives a Lark applink on the Lark origin', async () => {
    const { meeting_chat_id: chatId, applink } = data(await create(alice.userAccessToken, demo.calendars.alice, demo.events.planning, { origin: LARK }))
    expect(applink).toBe(`https://applink.larksuite.com/client/chat/open?openChatId=${chatId}`)
  })

  it('gives the tenant\'s platform applink on another origin', async () => {
    const seed = demoSeed()
    reset({ ...seed, tenants: [{ tenantKey: demo.tenantKey, platform: 'lark' }] })
    expect(data(await create(alice.userAccessToken, demo.calendars.alice, demo.events.planning, { origin: SANDBOX })).applink).toMatch(/^https:\/\/applink\.larksuite\.com\//)
    reset()
    expect(data(await create(alice.userAccessToken, demo.calendars.alice, demo.events.planning, { origin: SANDBOX })).applink).toMatch(/^https:\/\/applink\.feishu\.cn\//)
  })
})

describe('scripted faults', () => {
  it('answers a fault the given number of times, then by the rules again', async () => {
    fake.respond('unbindMeetingChat', { code: 190003 }, { times: 1 })
    expectError(await unbindWeeklySync(), 190003)
    expect(fake.chat(demo.chats.weeklySync)?.boundTo).toBeDefined()
    expect(field(await unbindWeeklySync(), 'code')).toBe(0)
    expect(fake.pending()).toEqual({})
  })

  it('answers the gateway\'s HTML page for 502', async () => {
    fake.respond('createMeetingChat', { status: 502 }, { times: 1 })
    const answer = await create(alice.userAccessToken, demo.calendars.alice, demo.events.planning)
    expect(answer.status).toBe(502)
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/)
    expect(answer.text).toContain('502 Bad Gateway')
  })

  it('drops the connection on networkError', async () => {
    fake.respond('getTenantAccessTokenInternal', { networkError: true }, { times: 1 })
    await expect(tenantToken(demo.app.appId, demo.app.appSecret)).rejects.toThrow(TypeError)
    expect(field(await tenantToken(demo.app.appId, demo.app.appSecret), 'code')).toBe(0)
  })

  it('answers a rate-limit fault with the headers', async () => {
    fake.respond('unbindMeetingChat', { code: 99991400 }, { times: 1, rateLimit: { limit: 10, reset: 7 } })
    const answer = await unbindWeeklySync()
    expectError(answer, 99991400)
    expect([answer.headers.get('x-ogw-ratelimit-limit'), answer.headers.get('x-ogw-ratelimit-reset')]).toEqual(['10', '7'])
  })

  it('still refuses a malformed request before a scripted fault, and keeps the fault', async () => {
    fake.respond('unbindMeetingChat', { code: 190003 }, { times: 1 })
    expectError(await unbind('', demo.calendars.alice, demo.events.weeklySync, demo.chats.weeklySync, { authorization: null }), 99991661)
    expect(fake.pending()).toEqual({ unbindMeetingChat: 1 })
  })

  it('keeps a standing answer until reset', async () => {
    fake.respond('unbindMeetingChat', { code: 190010 })
    expectError(await unbindWeeklySync(), 190010)
    expectError(await unbindWeeklySync(), 190010)
    fake.resetAnswers()
    expect(field(await unbindWeeklySync(), 'code')).toBe(0)
  })

  it('answers 190003 if a custom answer throws, instead of failing the request', async () => {
    fake.respond('unbindMeetingChat', {
      response: () => {
        throw new Error('a bug in a test helper')
      },
    })
    const quiet = console.error
    console.error = () => {}
    try {
      expectError(await unbindWeeklySync(), 190003)
    } finally {
      console.error = quiet
    }
  })
})

describe('the order of checks, where a request fails two', () => {
  // Each test fails two adjacent checks of the order (README, "The fake"); the earlier one must answer.
  type SeedApp = NonNullable<Seed['apps']>[number]
  const NO_SCOPES = ['contact:user.base:readonly']
  function withApp(changes: Partial<SeedApp>, seed: Seed = demoSeed()): Seed {
    return { ...seed, apps: seed.apps?.map((a) => (a.appId === demo.app.appId ? { ...a, ...changes } : a)) }
  }
  const appStandup = (token: string) => unbind(token, demo.calendars.app, demo.events.appStandup, demo.chats.appStandup)

  it('token before scopes: an expired tenant token of an app without the scopes answers 99991663', async () => {
    const seed = withApp({ scopes: NO_SCOPES })
    reset({ ...seed, tenantAccessTokens: [{ token: 't-expired', appId: demo.app.appId, tenantKey: demo.tenantKey, expiresIn: 0 }] })
    expectError(await appStandup('t-expired'), 99991663)
  })

  it('token before scopes: an expired user token the user granted no scope answers 99991677', async () => {
    reset({ ...demoSeed(), userAccessTokens: [{ token: 'u-expired', userId: alice.userId, appId: demo.app.appId, expiresIn: 0, scopes: NO_SCOPES }] })
    expectError(await unbindWeeklySync('u-expired'), 99991677)
  })

  it('scopes before the rate limit: an app without the scopes answers 99991672 past its limit, and uses none of it', async () => {
    reset(withApp({ scopes: NO_SCOPES, rateLimit: { perOperation: { perSecond: 1 }, perApp: { perSecond: 1 } } }))
    for (let i = 0; i < 3; i++) expectError(await appStandup(demo.app.tenantAccessToken), 99991672)
  })

  it('scopes before the rate limit: a user who granted no scope answers 99991679 while the app is over its limit', async () => {
    const seed = withApp({ rateLimit: { perOperation: { perSecond: 1 } } })
    reset({ ...seed, userAccessTokens: [...(seed.userAccessTokens ?? []), { token: 'u-no-scope', userId: bob.userId, appId: demo.app.appId, scopes: NO_SCOPES }] })
    expect(field(await unbind(alice.userAccessToken, demo.calendars.alice, demo.events.weeklySync, demo.chats.unbound), 'code')).toBe(195108)
    expectError(await unbindWeeklySync(alice.userAccessToken), 99991400)
    expectError(await unbindWeeklySync('u-no-scope'), 99991679)
  })

  // The rate limits before the parameters: 'checks the rate before the parameters' under 'rate limits'; the
  // gateway's before the calendar service's: "checks the gateway's limit before the calendar service's".

  it('parameters before scripted answers: bad parameters answer 190002, and the scripted answer waits', async () => {
    fake.respond('unbindMeetingChat', { code: 190003 }, { times: 1 })
    expectError(await unbind(alice.userAccessToken, demo.calendars.alice, demo.events.weeklySync, 'not-a-chat'), 190002)
    expect(fake.pending()).toEqual({ unbindMeetingChat: 1 })
    expectError(await unbindWeeklySync(), 190003)
  })

  it('ids before the caller: a calendar id that cannot be one answers 191001 to an app without the bot capability', async () => {
    expectError(await unbind(demo.noBotApp.tenantAccessToken, 'not-a-calendar', demo.events.appStandup, demo.chats.appStandup), 191001)
  })

  it('unit before bot: an app of another unit without the bot capability answers 190006', async () => {
    reset(withApp({ unit: 'lark-sg', bot: false }))
    expectError(await appStandup(demo.app.tenantAccessToken), 190006)
  })

  it('scripted answers before the caller: an app without the bot capability gets the scripted answer', async () => {
    fake.respond('unbindMeetingChat', { code: 190003 }, { times: 1 })
    expectError(await appStandup(demo.noBotApp.tenantAccessToken), 190003)
    expectError(await appStandup(demo.noBotApp.tenantAccessToken), 190007)
  })

  it('caller before calendar: an app without the bot capability on an unknown calendar answers 190007', async () => {
    expectError(await unbind(demo.noBotApp.tenantAccessToken, 'feishu.cn_nope@group.calendar.feishu.cn', demo.events.appStandup, demo.chats.appStandup), 190007)
  })

  it('caller before calendar: a user who left the tenant, on a deleted calendar, answers 195100', async () => {
    expectError(await unbind(carol.userAccessToken, demo.calendars.deleted, demo.events.weeklySync, demo.chats.weeklySync), 195100)
  })

  it("calendar before its tenant's key: an unknown calendar of a tenant whose key was deleted answers 191000", async () => {
    reset({ ...demoSeed(), tenants: demoSeed().tenants.map((t) => ({ ...t, deletedKey: 'encrypt' as const })) })
    expectError(await unbind(alice.userAccessToken, 'feishu.cn_nope@group.calendar.feishu.cn', demo.events.weeklySync, demo.chats.weeklySync), 191000)
  })

  it("the tenant's key before the rest of the calendar: a deleted calendar of a tenant whose key was deleted answers 190012", async () => {
    reset({ ...demoSeed(), tenants: demoSeed().tenants.map((t) => ({ ...t, deletedKey: 'decrypt' as const })) })
    expectError(await unbind(alice.userAccessToken, demo.calendars.deleted, demo.events.weeklySync, demo.chats.weeklySync), 190012)
  })

  it('no role before not primary: Dave on a shared calendar he has no role on answers 191002', async () => {
    expectError(await unbind(dave.userAccessToken, demo.calendars.shared, demo.events.weeklySync, demo.chats.weeklySync), 191002)
  })

  it('calendar before event: an unknown event on a deleted calendar answers 191003', async () => {
    expectError(await unbind(alice.userAccessToken, demo.calendars.deleted, 'no-such-event_0', demo.chats.weeklySync), 191003)
  })

  it('event before chat: an unknown event with a chat bound to no event answers 193001', async () => {
    expectError(await unbind(alice.userAccessToken, demo.calendars.alice, 'no-such-event_0', demo.chats.unbound), 193001)
  })

  it('event before chat: creating for a deleted event with too few attendees answers 193003', async () => {
    reset({ ...demoSeed(), events: [...(demoSeed().events ?? []), { calendarId: demo.calendars.alice, eventId: 'gone-solo_0', attendees: 1, deleted: true }] })
    expectError(await create(alice.userAccessToken, demo.calendars.alice, 'gone-solo_0'), 193003)
  })

  it('contention before chat: a second unbind of a held event answers 190010, not 195108', async () => {
    reset({ ...demoSeed(), events: demoSeed().events?.map((e) => (e.eventId === demo.events.weeklySync && e.calendarId === demo.calendars.alice ? { ...e, writeHoldSeconds: 5 } : e)) })
    expect(field(await unbindWeeklySync(), 'code')).toBe(0)
    expectError(await unbindWeeklySync(), 190010)
  })

  it('chat before the fault: an unbind of a chat not bound answers 195108 and uses no seeded fault', async () => {
    reset({ ...demoSeed(), events: demoSeed().events?.map((e) => (e.eventId === demo.events.solo ? { ...e, internalErrors: 1 } : e)) })
    expectError(await create(alice.userAccessToken, demo.calendars.alice, demo.events.solo), 195109)
    expect(fake.snapshot().events?.find((e) => e.eventId === demo.events.solo)?.internalErrors).toBe(1)
  })
})

describe('every answer', () => {
  it('carries an X-Tt-Logid, new each time, also in the call log', async () => {
    const answers = [await unbindWeeklySync(), await unbindWeeklySync(), await tenantToken('x', 'y')]
    const ids = answers.map((a) => a.headers.get('x-tt-logid'))
    expect(new Set(ids).size).toBe(3)
    expect(fake.calls.map((c) => c.logId)).toEqual(ids)
    expect(fake.calls.map((c) => [c.operationId, c.status, c.code])).toEqual([
      ['unbindMeetingChat', 200, 0],
      ['unbindMeetingChat', 400, 195108],
      ['getTenantAccessTokenInternal', 400, 10003],
    ])
  })

  it('is answered on the Feishu, Lark and configured origins alike', async () => {
    for (const origin of [FEISHU, LARK, SANDBOX]) {
      reset()
      expect(field(await unbind(alice.userAccessToken, demo.calendars.alice, demo.events.weeklySync, demo.chats.weeklySync, { origin }), 'code')).toBe(0)
    }
  })
})

describe('state', () => {
  it('snapshots to a valid seed that recreates the same state', async () => {
    await unbindWeeklySync()
    const created = data(await create(alice.userAccessToken, demo.calendars.alice, demo.events.planning)).meeting_chat_id
    const snapshot = JSON.parse(JSON.stringify(fake.snapshot())) as Seed
    const again = createFake(snapshot, { clock })
    expect(again.chats).toEqual(fake.chats)
    expect(again.chat(created)?.boundTo).toEqual({ calendarId: demo.calendars.alice, eventId: demo.events.planning })
    expect(again.tokens).toEqual(fake.tokens)
  })
})
