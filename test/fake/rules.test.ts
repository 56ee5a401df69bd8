// Each rule of the platform alone, on a small state: what it lets through, and each code it refuses with.
import { describe, expect, it } from 'vitest'
import { mockOperation } from '../../src/contract/operations.ts'
import { createManualClock, type ManualClock } from '../../src/fake/clock.ts'
import { Refusal } from '../../src/fake/refusal.ts'
import * as rule from '../../src/fake/rules.ts'
import type { Seed } from '../../src/fake/seed.ts'
import { PlatformState, type Caller } from '../../src/fake/state.ts'

const unbind = mockOperation('unbindMeetingChat')
const tokenEndpoint = mockOperation('getTenantAccessTokenInternal')
const CAL = 'acme_ann@group.calendar.feishu.cn'
const BOB = 'acme_bob@group.calendar.feishu.cn'

const seed = (): Seed => ({
  tenants: [
    { tenantKey: 'acme' },
    { tenantKey: 'other' },
    { tenantKey: 'moved', unit: 'sg' },
    { tenantKey: 'lostkey', deletedKey: 'encrypt' },
    { tenantKey: 'lostdecrypt', deletedKey: 'decrypt' },
  ],
  apps: [
    { appId: 'cli_bot', appSecret: 's', tenants: ['acme'], rateLimit: { perOperation: { perSecond: 2 }, perMethod: { perSecond: 3 }, perApp: { perSecond: 4 } } },
    { appId: 'cli_nobot', appSecret: 's', tenants: ['acme'], bot: false, scopes: ['im:chat'] },
    { appId: 'cli_store', appSecret: 'ss', type: 'store', tenants: ['acme', 'moved', 'lostkey', 'lostdecrypt'], appTickets: ['tk'] },
  ],
  users: [
    { userId: 'ou_ann', tenantKey: 'acme' },
    { userId: 'ou_bob', tenantKey: 'acme' },
    { userId: 'ou_gone', tenantKey: 'acme', inTenant: false },
    { userId: 'ou_kim', tenantKey: 'lostkey' },
    { userId: 'ou_dee', tenantKey: 'lostdecrypt' },
  ],
  calendars: [
    { calendarId: CAL, owner: { userId: 'ou_ann' }, access: [{ userId: 'ou_bob', role: 'writer' }] },
    { calendarId: BOB, owner: { userId: 'ou_bob' } },
    { calendarId: 'acme_deleted@group.calendar.feishu.cn', owner: { userId: 'ou_ann' }, deleted: true },
    { calendarId: 'acme_shared@group.calendar.feishu.cn', owner: { userId: 'ou_ann' }, type: 'shared' },
    { calendarId: 'other_x@group.calendar.feishu.cn', owner: { userId: 'ou_ann' }, tenantKey: 'other' },
    { calendarId: 'lostkey_kim@group.calendar.feishu.cn', owner: { userId: 'ou_kim' } },
    { calendarId: 'lostdecrypt_dee@group.calendar.feishu.cn', owner: { userId: 'ou_dee' } },
  ],
  events: [
    { calendarId: CAL, eventId: 'e-1_0', attendees: 3 },
    { calendarId: CAL, eventId: 'gone_0', deleted: true },
    { calendarId: CAL, eventId: 'solo_0', attendees: 1 },
    { calendarId: CAL, eventId: 'hidden_0', attendeeListHidden: true },
    { calendarId: CAL, eventId: 'busy_0', writeHoldSeconds: 2 },
    { calendarId: CAL, eventId: 'flaky_0', internalErrors: 2 },
    { calendarId: BOB, eventId: 'e-1_0', organizer: { userId: 'ou_ann' } },
    { calendarId: BOB, eventId: 'open_0', organizer: { userId: 'ou_ann' }, attendeeAbility: 'can_modify_event' },
  ],
  chats: [
    { chatId: 'oc_bound', owner: { userId: 'ou_ann' }, boundTo: { calendarId: CAL, eventId: 'e-1_0' } },
    { chatId: 'oc_loose', owner: { userId: 'ou_ann' } },
  ],
  tenantAccessTokens: [{ token: 't-bot', appId: 'cli_bot', tenantKey: 'acme' }, { token: 't-nobot', appId: 'cli_nobot', tenantKey: 'acme' }, { token: 't-old', appId: 'cli_bot', tenantKey: 'acme', expiresIn: 0 }],
  appAccessTokens: [{ token: 'a-store', appId: 'cli_store' }],
  userAccessTokens: [
    { token: 'u-ann', userId: 'ou_ann', appId: 'cli_bot' },
    { token: 'u-ann-old', userId: 'ou_ann', appId: 'cli_bot', expiresIn: 0 },
    { token: 'u-ann-noscope', userId: 'ou_ann', appId: 'cli_bot', scopes: ['im:chat'] },
  ],
})

const fresh = (clock: ManualClock = createManualClock()) => new PlatformState(seed(), clock)
const code = (result: unknown) => (result instanceof Refusal ? result.code : 'passed')
const ann: Caller = { kind: 'user', appId: 'cli_bot', tenantKey: 'acme', userId: 'ou_ann', inTenant: true, ref: { userId: 'ou_ann' } }
const bot: Caller = { kind: 'app', appId: 'cli_bot', tenantKey: 'acme', ref: { appId: 'cli_bot' } }
const bob: Caller = { ...ann, userId: 'ou_bob', ref: { userId: 'ou_bob' } }
const store = (tenantKey: string): Caller => ({ kind: 'app', appId: 'cli_store', tenantKey, ref: { appId: 'cli_store' } })
const user = (userId: string, tenantKey: string): Caller => ({ kind: 'user', appId: 'cli_store', tenantKey, userId, inTenant: true, ref: { userId } })

describe('1. gateway', () => {
  it.each([
    [null, 99991661],
    ['Bearer', 99991661],
    ['Basic dTpw', 99991671],
    ['Bearer x-abc', 99991671],
  ])('refuses the header %j with %i', (header, expected) => {
    expect(code(rule.gateway(unbind, header))).toBe(expected)
  })

  it('reads the token and the scheme its prefix names', () => {
    expect(rule.gateway(unbind, 'bearer  u-abc ')).toEqual({ scheme: 'user_access_token', prefix: 'u-', value: 'u-abc' })
  })

  it('lets an operation without security through without a token', () => {
    expect(rule.gateway(tokenEndpoint, null)).toBeUndefined()
  })
})

describe('2. token', () => {
  const bearer = (value: string) => ({ scheme: value.startsWith('u-') ? 'user_access_token' : 'tenant_access_token', prefix: value.slice(0, 2), value })

  it.each([
    ['t-unknown', 99991663],
    ['t-old', 99991663],
    ['u-unknown', 99991668],
    ['u-ann-old', 99991677],
  ])('refuses %s with %i', (token, expected) => {
    expect(code(rule.token(fresh(), bearer(token)))).toBe(expected)
  })

  it('names the caller of a live token', () => {
    expect(rule.token(fresh(), bearer('u-ann'))).toEqual(ann)
    expect(rule.token(fresh(), bearer('t-bot'))).toEqual(bot)
  })

  it('lets a token expire with the clock', () => {
    const clock = createManualClock()
    const state = fresh(clock)
    clock.advance(7200_000)
    expect(code(rule.token(state, bearer('t-bot')))).toBe(99991663)
  })
})

describe('3. scope', () => {
  const bearer = { scheme: 'user_access_token', prefix: 'u-', value: 'u-ann' }

  it('lets an app with one of the scopes, and a user who granted one, through', () => {
    expect(rule.scope(fresh(), unbind, ann, bearer)).toBeUndefined()
  })

  it('refuses an app without the scopes with 99991672, naming each', () => {
    const refusal = rule.scope(fresh(), unbind, { ...bot, appId: 'cli_nobot', ref: { appId: 'cli_nobot' } }, { ...bearer, value: 't-nobot' })
    expect(refusal?.code).toBe(99991672)
    expect(refusal?.details.permissionViolations?.map((v) => v.subject)).toEqual(unbind.requiredScopes)
  })

  it('refuses a user who granted none of the scopes with 99991679', () => {
    expect(code(rule.scope(fresh(), unbind, ann, { ...bearer, value: 'u-ann-noscope' }))).toBe(99991679)
  })
})

describe('4. rate limits', () => {
  it("refuses past the gateway's limit per operation with 99991400 and the window, counting only what passed", () => {
    const state = fresh()
    expect([1, 2, 3].map(() => code(rule.rateLimit(state, unbind, bot)))).toEqual(['passed', 'passed', 99991400])
    expect(rule.rateLimit(state, unbind, bot)?.details.rateLimit).toEqual({ limit: 2, reset: 1 })
  })

  it("counts the gateway's limit per tenant: a store app's other tenant has its own budget", () => {
    const state = new PlatformState({ ...seed(), apps: seed().apps?.map((a) => (a.appId === 'cli_store' ? { ...a, rateLimit: { perOperation: { perSecond: 1 } } } : a)) }, createManualClock())
    expect([store('acme'), store('acme'), store('moved')].map((caller) => code(rule.rateLimit(state, unbind, caller)))).toEqual(['passed', 99991400, 'passed'])
  })

  it("refuses past the calendar service's own limits, per operation with 190004 and per app with 190005, without the gateway's window", () => {
    const limited = seed().apps?.map((a) => (a.appId === 'cli_bot' ? { ...a, rateLimit: { perMethod: { perSecond: 3 }, perApp: { perSecond: 4 } } } : a))
    const state = new PlatformState({ ...seed(), apps: limited }, createManualClock())
    const create = mockOperation('createMeetingChat')
    expect([unbind, unbind, unbind, unbind].map((op) => code(rule.rateLimit(state, op, bot)))).toEqual(['passed', 'passed', 'passed', 190004])
    expect(rule.rateLimit(state, unbind, bot)?.details.rateLimit).toBeUndefined()
    expect([create, create].map((op) => code(rule.rateLimit(state, op, bot)))).toEqual(['passed', 190005])
  })

  it('opens again in the next window', () => {
    const clock = createManualClock()
    const state = fresh(clock)
    rule.rateLimit(state, unbind, bot)
    rule.rateLimit(state, unbind, bot)
    clock.advance(1000)
    expect(rule.rateLimit(state, unbind, bot)).toBeUndefined()
  })
})

describe('6. identity', () => {
  it('refuses an app served from another unit than the tenant with 190006, for the app and its users alike', () => {
    expect(code(rule.identity(fresh(), store('moved')))).toBe(190006)
    expect(code(rule.identity(fresh(), user('ou_moved', 'moved')))).toBe(190006)
    expect(code(rule.identity(fresh(), store('acme')))).toBe('passed')
  })

  it('refuses an app without the bot capability with 190007', () => {
    expect(code(rule.identity(fresh(), { ...bot, appId: 'cli_nobot' }))).toBe(190007)
  })

  it('refuses a user who left the tenant with 195100', () => {
    expect(code(rule.identity(fresh(), { ...ann, inTenant: false }))).toBe(195100)
  })

  it('lets a bot app and a user in the tenant through', () => {
    expect([rule.identity(fresh(), bot), rule.identity(fresh(), ann)]).toEqual([undefined, undefined])
  })
})

describe('7. calendar', () => {
  it.each([
    ['acme_unknown@group.calendar.feishu.cn', 191000],
    ['other_x@group.calendar.feishu.cn', 191000],
    ['acme_deleted@group.calendar.feishu.cn', 191003],
    ['acme_shared@group.calendar.feishu.cn', 191004],
  ])('refuses the calendar %s with %i', (calendarId, expected) => {
    expect(code(rule.calendar(fresh(), ann, calendarId))).toBe(expected)
  })

  it('refuses an identity without a role with 191002', () => {
    expect(code(rule.calendar(fresh(), bot, CAL))).toBe(191002)
  })

  it("refuses another identity's primary calendar with 191004, even to a writer on it", () => {
    expect(code(rule.calendar(fresh(), bob, CAL))).toBe(191004)
  })

  it("refuses the calendars of a tenant whose own key was deleted: 190011 (encrypt), 190012 (decrypt-only)", () => {
    expect(code(rule.calendar(fresh(), user('ou_kim', 'lostkey'), 'lostkey_kim@group.calendar.feishu.cn'))).toBe(190011)
    expect(code(rule.calendar(fresh(), user('ou_dee', 'lostdecrypt'), 'lostdecrypt_dee@group.calendar.feishu.cn'))).toBe(190012)
  })

  it("gives the caller's own primary calendar", () => {
    expect(rule.calendar(fresh(), ann, CAL)).toMatchObject({ calendarId: CAL, type: 'primary' })
    expect(rule.calendar(fresh(), bob, BOB)).toMatchObject({ calendarId: BOB })
  })
})

describe('8. event', () => {
  it.each([
    ['e-2_0', 193001],
    ['gone_0', 193003],
  ] as const)('refuses the event %s with %i', (eventId, expected) => {
    expect(code(rule.event(fresh(), CAL, eventId, ann))).toBe(expected)
  })

  it('refuses an invitation someone else organized with 193002, unless its attendees may modify it', () => {
    expect(code(rule.event(fresh(), BOB, 'e-1_0', bob))).toBe(193002)
    expect(rule.event(fresh(), BOB, 'open_0', bob)).toMatchObject({ eventId: 'open_0' })
  })

  it('gives the event to its organizer', () => {
    expect(rule.event(fresh(), CAL, 'e-1_0', ann)).toMatchObject({ eventId: 'e-1_0', attendees: 3 })
  })
})

describe('9. contention', () => {
  it('refuses a write while the last one holds the event with 190010, and lets it through once the hold ends', () => {
    const state = fresh()
    const event = state.events.get(`${CAL}\nbusy_0`) ?? expect.unreachable()
    expect(code(rule.contention(state, event))).toBe('passed')
    event.heldUntil = state.clock.now() + 2000
    expect(code(rule.contention(state, event))).toBe(190010)
    ;(state.clock as ManualClock).advance(2000)
    expect(code(rule.contention(state, event))).toBe('passed')
  })
})

describe('10. chat binding', () => {
  const e1 = () => {
    const state = fresh()
    return { state, event: state.events.get(`${CAL}\ne-1_0`) ?? expect.unreachable() }
  }

  it.each(['oc_loose', 'oc_unknown'])('refuses to unbind %s, not bound to the event, with 195108', (chatId) => {
    const { state, event } = e1()
    expect(code(rule.boundChat(state, event, chatId, ann))).toBe(195108)
  })

  it('refuses to unbind for someone other than the owner with 195107', () => {
    const { state, event } = e1()
    expect(code(rule.boundChat(state, event, 'oc_bound', bot))).toBe(195107)
  })

  it("gives the owner the event's bound chat", () => {
    const { state, event } = e1()
    expect(rule.boundChat(state, event, 'oc_bound', ann)).toMatchObject({ chatId: 'oc_bound' })
  })

  it.each(['solo_0', 'hidden_0'])('refuses to create a chat for the event %s with 195109', (eventId) => {
    const event = fresh().events.get(`${CAL}\n${eventId}`) ?? expect.unreachable()
    expect(code(rule.chatAllowed(event))).toBe(195109)
  })
})

describe('11. the write', () => {
  it('fails with 190003 while the event has seeded faults left, one a write, then goes through', () => {
    const event = fresh().events.get(`${CAL}\nflaky_0`) ?? expect.unreachable()
    expect([1, 2, 3].map(() => code(rule.fault(event)))).toEqual([190003, 190003, 'passed'])
  })
})

describe('token endpoints', () => {
  it.each([
    ['cli_none', 's', 'custom', 10003],
    ['cli_bot', 'wrong', 'custom', 10014],
    ['cli_store', 'ss', 'custom', 10003],
    ['cli_bot', 's', 'store', 10003],
    ['cli_bot', 's', 'custom', 'passed'],
  ] as const)('app %s with secret %s as a %s app: %s', (appId, secret, type, expected) => {
    expect(code(rule.appCredentials(fresh(), appId, secret, type))).toBe(expected)
  })

  it('accepts only a pushed ticket (10012)', () => {
    const app = fresh().apps.get('cli_store') ?? expect.unreachable()
    expect([code(rule.appTicket(app, 'tk')), code(rule.appTicket(app, 'nope'))]).toEqual(['passed', 10012])
  })

  it('exchanges a live app token only for a tenant the app is installed in', () => {
    expect(code(rule.appInstalled(fresh(), 'a-none', 'acme'))).toBe(99991664)
    expect(code(rule.appInstalled(fresh(), 'a-store', 'other'))).toBe(10003)
    expect(code(rule.appInstalled(fresh(), 'a-store', 'acme'))).toBe('passed')
  })
})
