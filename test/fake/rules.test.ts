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

const seed = (): Seed => ({
  tenants: [{ tenantKey: 'acme' }, { tenantKey: 'other' }],
  apps: [
    { appId: 'cli_bot', appSecret: 's', tenants: ['acme'], rateLimit: { perOperation: { perSecond: 2 }, perApp: { perSecond: 3 } } },
    { appId: 'cli_nobot', appSecret: 's', tenants: ['acme'], bot: false, scopes: ['im:chat'] },
    { appId: 'cli_store', appSecret: 'ss', type: 'store', tenants: ['acme'], appTickets: ['tk'] },
  ],
  users: [
    { userId: 'ou_ann', tenantKey: 'acme' },
    { userId: 'ou_bob', tenantKey: 'acme' },
    { userId: 'ou_gone', tenantKey: 'acme', inTenant: false },
  ],
  calendars: [
    { calendarId: CAL, owner: { userId: 'ou_ann' }, access: [{ userId: 'ou_bob', role: 'reader' }] },
    { calendarId: 'deleted', owner: { userId: 'ou_ann' }, deleted: true },
    { calendarId: 'shared', owner: { userId: 'ou_ann' }, type: 'shared' },
    { calendarId: 'theirs', owner: { userId: 'ou_ann' }, tenantKey: 'other' },
  ],
  events: [
    { calendarId: CAL, eventId: 'e1', attendees: 3 },
    { calendarId: CAL, eventId: 'gone', deleted: true },
    { calendarId: CAL, eventId: 'solo', attendees: 1 },
    { calendarId: CAL, eventId: 'hidden', attendeeListHidden: true },
  ],
  chats: [
    { chatId: 'oc_bound', owner: { userId: 'ou_ann' }, boundTo: { calendarId: CAL, eventId: 'e1' } },
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

describe('4. rate limit', () => {
  it('refuses past the per-operation limit with 190004 and the window, counting only what passed', () => {
    const state = fresh()
    expect([1, 2, 3].map(() => code(rule.rateLimit(state, unbind, bot)))).toEqual(['passed', 'passed', 190004])
    expect(rule.rateLimit(state, unbind, bot)?.details.rateLimit).toEqual({ limit: 2, reset: 1 })
  })

  it('refuses past the per-app limit with 190005, across operations', () => {
    const state = fresh()
    const create = mockOperation('createMeetingChat')
    const results = [unbind, unbind, create, create].map((op) => code(rule.rateLimit(state, op, bot)))
    expect(results).toEqual(['passed', 'passed', 'passed', 190005])
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

describe('5. identity', () => {
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

describe('6. calendar', () => {
  it.each([
    ['unknown', 191000],
    ['theirs', 191000],
    ['deleted', 191003],
    ['shared', 191004],
  ])('refuses the calendar %s with %i', (calendarId, expected) => {
    expect(code(rule.calendar(fresh(), ann, calendarId))).toBe(expected)
  })

  it('refuses an identity without a role with 191002', () => {
    expect(code(rule.calendar(fresh(), bot, CAL))).toBe(191002)
  })

  it("gives the owner's and a reader's role", () => {
    const roleOf = (caller: Caller) => {
      const found = rule.calendar(fresh(), caller, CAL)
      return found instanceof Refusal ? found.code : found.role
    }
    expect(roleOf(ann)).toBe('owner')
    expect(roleOf({ ...ann, userId: 'ou_bob', ref: { userId: 'ou_bob' } })).toBe('reader')
  })
})

describe('7. event', () => {
  it.each([
    ['e2', 'owner', 193001],
    ['gone', 'owner', 193003],
    ['e1', 'reader', 193002],
  ] as const)('refuses the event %s for a %s with %i', (eventId, role, expected) => {
    expect(code(rule.event(fresh(), CAL, eventId, role))).toBe(expected)
  })

  it('gives the event to a writer', () => {
    expect(rule.event(fresh(), CAL, 'e1', 'writer')).toMatchObject({ eventId: 'e1', attendees: 3 })
  })
})

describe('8. chat binding', () => {
  const e1 = () => {
    const state = fresh()
    return { state, event: state.events.get(`${CAL}\ne1`) ?? expect.unreachable() }
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

  it.each(['solo', 'hidden'])('refuses to create a chat for the event %s with 195109', (eventId) => {
    const event = fresh().events.get(`${CAL}\n${eventId}`) ?? expect.unreachable()
    expect(code(rule.chatAllowed(event))).toBe(195109)
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
