// The official Node SDK (@larksuiteoapi/node-sdk), unmodified, against the sandbox over HTTP: the sandbox
// is the platform to any client that works on the platform. Its `domain` option is the only change.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as lark from '@larksuiteoapi/node-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import sdkPackage from '@larksuiteoapi/node-sdk/package.json' with { type: 'json' }
import { errorCatalog, type CatalogCode } from '../../src/generated/catalog.ts'
import { demo } from '../../src/fake/demo.ts'
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts'
import { fakeAnswers } from '../sandbox/fake-answers.ts'
import { statedVersion } from './readme.ts'
import { extra, freshCache, interopSeed, officialClient, seen, type Seen } from './support.ts'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: interopSeed() })
})
afterAll(() => sandbox.close())

const { calendars, events, chats, users } = demo
const path = (calendar_id: string, event_id: string) => ({ calendar_id, event_id })
const reached = new Set<number>()
const expectCode = (answer: Seen, code: CatalogCode) => {
  expect(answer).toMatchObject({ status: errorCatalog[code].status, code })
  reached.add(code)
}

it('is the version the README names', () => {
  expect(statedVersion('`@larksuiteoapi/node-sdk`')).toBe(sdkPackage.version)
})

describe('what the SDK sends on create and unbind', () => {
  it('is {} as application/json on both: a body the spec\'s NoParameters accepts', async () => {
    const seenRequests: { method: string; contentType: string | undefined; body: string }[] = []
    const recorder = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => { body += chunk.toString() })
      req.on('end', () => {
        seenRequests.push({ method: req.method ?? '', contentType: req.headers['content-type'], body })
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 0, msg: 'success', data: {} }))
      })
    })
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve))
    try {
      const client = officialClient(`http://127.0.0.1:${(recorder.address() as AddressInfo).port}`)
      const as = lark.withUserAccessToken(users.alice.userAccessToken)
      await client.calendar.v4.calendarEventMeetingChat.create({ path: path(calendars.alice, events.planning) }, as)
      await client.calendar.v4.calendarEventMeetingChat.delete({ path: path(calendars.alice, events.planning), params: { meeting_chat_id: chats.unbound } }, as)
    } finally {
      await new Promise((resolve) => recorder.close(resolve))
    }
    expect(seenRequests.map((r) => [r.method, r.contentType?.split(';')[0], r.body])).toEqual([
      ['POST', 'application/json', '{}'],
      ['DELETE', 'application/json', '{}'],
    ])
  })
})

describe('a self-built app, as the SDK documents it', () => {
  it('fetches its own tenant token once, creates the meeting chat, unbinds it, and sees 195108 on the second unbind', async () => {
    const client = officialClient(sandbox.url)
    const before = sandbox.fake.count('getTenantAccessTokenInternal')
    const where = { path: path(calendars.app, events.appStandup) }
    const unbindStandup = () => client.calendar.v4.calendarEventMeetingChat.delete({ ...where, params: { meeting_chat_id: chats.appStandup } })

    expect(await seen(unbindStandup())).toMatchObject({ status: 200, code: 0 })
    const created = await seen(client.calendar.v4.calendarEventMeetingChat.create(where))
    expect(created).toMatchObject({ status: 200, code: 0, data: { meeting_chat_id: expect.stringMatching(/^oc_[0-9a-f]{32}$/) } })
    const chatId = (created.data as { meeting_chat_id: string }).meeting_chat_id
    expect(sandbox.fake.chat(chatId)?.boundTo).toEqual({ calendarId: calendars.app, eventId: events.appStandup })

    const unbind = () => client.calendar.v4.calendarEventMeetingChat.delete({ ...where, params: { meeting_chat_id: chatId } })
    expect(await seen(unbind())).toMatchObject({ status: 200, code: 0 })
    expectCode(await seen(unbind()), 195108)
    expect(sandbox.fake.count('getTenantAccessTokenInternal') - before).toBe(1)
  })

  it('sees 10014 from its own token fetch with a wrong secret', async () => {
    const client = officialClient(sandbox.url, { appSecret: 'not-the-secret' })
    expectCode(await seen(client.calendar.v4.calendarEventMeetingChat.create({ path: path(calendars.app, events.appStandup) })), 10014)
  })

  it('sees 10003 from its own token fetch for an app the platform does not know', async () => {
    const client = officialClient(sandbox.url, { appId: 'cli_nobody' })
    expectCode(await seen(client.calendar.v4.calendarEventMeetingChat.create({ path: path(calendars.app, events.appStandup) })), 10003)
  })
})

describe('withUserAccessToken', () => {
  it('acts as Alice: unbinds her weekly sync chat, then is refused 195108', async () => {
    const client = officialClient(sandbox.url)
    const as = lark.withUserAccessToken(users.alice.userAccessToken)
    const unbind = () => client.calendar.v4.calendarEventMeetingChat.delete({ path: path(calendars.alice, events.weeklySync), params: { meeting_chat_id: chats.weeklySync } }, as)
    expect(await seen(unbind())).toMatchObject({ status: 200, code: 0 })
    expectCode(await seen(unbind()), 195108)
  })
})

describe('withTenantToken', () => {
  it('sends the given tenant token when the SDK\'s token cache is off (with the cache on, the SDK replaces it)', async () => {
    const client = officialClient(sandbox.url, { disableTokenCache: true })
    const where = { path: path(calendars.app, events.appStandup) }
    expectCode(await seen(client.calendar.v4.calendarEventMeetingChat.create(where, lark.withTenantToken(demo.noBotApp.tenantAccessToken))), 190007)
    expect(await seen(client.calendar.v4.calendarEventMeetingChat.create(where, lark.withTenantToken(demo.app.tenantAccessToken)))).toMatchObject({ status: 200, code: 0 })
  })
})

describe('a store app: app ticket -> app_access_token -> tenant_access_token', () => {
  it('asks for a ticket, gets it by the app_ticket event, then calls with the tenant token of the tenant it names', async () => {
    const cache = freshCache()
    const client = officialClient(sandbox.url, { appId: demo.storeApp.appId, appSecret: demo.storeApp.appSecret, appType: lark.AppType.ISV, cache })
    const where = { path: path(calendars.alice, events.planning) }
    const asTenant = lark.withTenantKey(demo.tenantKey)

    // No ticket yet: the SDK asks the platform to push one (app_ticket/resend) and sends the call without a token.
    expectCode(await seen(client.calendar.v4.calendarEventMeetingChat.create(where, asTenant)), 99991661)
    const push = sandbox.fake.ticketPushes.findLast((p) => p.appId === demo.storeApp.appId)
    expect(push).toBeDefined()

    // The platform's app_ticket event, delivered to the SDK's own dispatcher (sharing the client's cache).
    const dispatcher = new lark.EventDispatcher({ cache, logger: { error() {}, warn() {}, info() {}, debug() {}, trace() {} }, loggerLevel: lark.LoggerLevel.fatal })
    await dispatcher.invoke({ uuid: 'interop-1', type: 'event_callback', event: { type: 'app_ticket', app_id: demo.storeApp.appId, app_ticket: push?.ticket } }, { needCheck: false })

    const before = { app: sandbox.fake.count('getAppAccessToken'), tenant: sandbox.fake.count('getTenantAccessToken') }
    const created = await seen(client.calendar.v4.calendarEventMeetingChat.create(where, asTenant))
    // The store app has no role on Alice's calendar: the platform's 191002 proves the tenant token was accepted.
    expectCode(created, 191002)
    expect([sandbox.fake.count('getAppAccessToken') - before.app, sandbox.fake.count('getTenantAccessToken') - before.tenant]).toEqual([1, 1])
    const issued = sandbox.fake.tokens.filter((t) => t.appId === demo.storeApp.appId && t.kind === 'tenant')
    expect(issued.map((t) => t.tenantKey)).toEqual([demo.tenantKey])
  })

  it('sees 10012 with a ticket the platform never pushed', async () => {
    const cache = freshCache()
    await cache.set(lark.CAppTicket, 'a-stale-ticket', undefined, { namespace: demo.storeApp.appId })
    const client = officialClient(sandbox.url, { appId: demo.storeApp.appId, appSecret: demo.storeApp.appSecret, appType: lark.AppType.ISV, cache })
    expectCode(await seen(client.calendar.v4.calendarEventMeetingChat.create({ path: path(calendars.alice, events.planning) }, lark.withTenantKey(demo.tenantKey))), 10012)
  })

  it('sees 99991664 when it exchanges an app token the platform does not know', async () => {
    const client = officialClient(sandbox.url)
    expectCode(await seen(client.auth.v3.tenantAccessToken.create({ data: { app_access_token: 'a-unknown', tenant_key: demo.tenantKey } })), 99991664)
  })
})

// Each rule of the fake the SDK can reach, with the identity that breaks it; the code is what the SDK's caller sees.
type Call = (client: lark.Client) => Promise<unknown>
const create = (calendarId: string, eventId: string, options?: Parameters<lark.Client['calendar']['v4']['calendarEventMeetingChat']['create']>[1]): Call =>
  (client) => client.calendar.v4.calendarEventMeetingChat.create({ path: path(calendarId, eventId) }, options)
const unbind = (calendarId: string, eventId: string, chatId: string, options?: Parameters<lark.Client['calendar']['v4']['calendarEventMeetingChat']['delete']>[1]): Call =>
  (client) => client.calendar.v4.calendarEventMeetingChat.delete({ path: path(calendarId, eventId), params: { meeting_chat_id: chatId } }, options)
const asUser = (token: string) => lark.withUserAccessToken(token)
const asTenant = (token: string) => lark.withTenantToken(token)

const rules: [string, CatalogCode, Call][] = [
  ['no Authorization header', 99991661, create(calendars.app, events.appStandup)],
  ['a token without the t-/u- prefix', 99991671, create(calendars.app, events.appStandup, asTenant('x-not-a-token'))],
  ['a tenant token the platform never issued', 99991663, create(calendars.app, events.appStandup, asTenant('t-never-issued'))],
  ['a user token the platform never issued', 99991668, create(calendars.alice, events.planning, asUser('u-never-issued'))],
  ['an expired user token', 99991677, create(calendars.alice, events.planning, asUser(demo.expiredUserAccessToken))],
  ['an app granted no scope', 99991672, create(calendars.app, events.appStandup, asTenant(extra.noScopeApp.tenantAccessToken))],
  ['a user who granted no scope', 99991679, create(calendars.alice, events.planning, asUser(extra.noScopeUserAccessToken))],
  ['an app without the bot capability', 190007, create(calendars.app, events.appStandup, asTenant(demo.noBotApp.tenantAccessToken))],
  ['a user who left the tenant', 195100, create(calendars.alice, events.planning, asUser(users.carol.userAccessToken))],
  ['a calendar that does not exist', 191000, create('feishu.cn_nobody@group.calendar.feishu.cn', events.planning, asUser(users.alice.userAccessToken))],
  ['a deleted calendar', 191003, create(calendars.deleted, events.planning, asUser(users.alice.userAccessToken))],
  ['a calendar the caller has no role on', 191002, create(calendars.alice, events.planning, asUser(users.dave.userAccessToken))],
  ['a calendar that is not primary', 191004, create(calendars.shared, events.weeklySync, asUser(users.alice.userAccessToken))],
  ['an event that does not exist', 193001, create(calendars.alice, 'no-such-event_0', asUser(users.alice.userAccessToken))],
  ['a deleted event', 193003, create(calendars.alice, events.cancelled, asUser(users.alice.userAccessToken))],
  ["another identity's primary calendar", 191004, create(calendars.alice, events.planning, asTenant(demo.app.tenantAccessToken))],
  ['an invitation to an event someone else organized', 193002, create(calendars.bob, events.weeklySync, asUser(users.bob.userAccessToken))],
  ['a calendar id that cannot be one', 191001, create('feishu.cn_xxx', events.planning, asUser(users.alice.userAccessToken))],
  ['an event id that cannot be one (unbind)', 193000, unbind(calendars.alice, 'demo-weekly-sync', chats.weeklySync, asUser(users.alice.userAccessToken))],
  ['an app served from another unit than its tenant', 190006, create(calendars.app, events.appStandup, asTenant(extra.otherUnitApp.tenantAccessToken))],
  ['a tenant that deleted its own key (encrypt and decrypt)', 190011, create(extra.deletedKey.encrypt.calendarId, extra.deletedKey.encrypt.eventId, asTenant(extra.deletedKey.encrypt.tenantAccessToken))],
  ['a tenant that deleted its own key (decrypt only)', 190012, create(extra.deletedKey.decrypt.calendarId, extra.deletedKey.decrypt.eventId, asTenant(extra.deletedKey.decrypt.tenantAccessToken))],
  ['a seeded fault', 190003, create(calendars.alice, extra.events.flaky, asUser(users.alice.userAccessToken))],
  ['a second write while the first holds the event', 190010, async (client) => {
    const created = (await create(calendars.alice, extra.events.busy, asUser(users.alice.userAccessToken))(client)) as { data: { meeting_chat_id: string } }
    return unbind(calendars.alice, extra.events.busy, created.data.meeting_chat_id, asUser(users.alice.userAccessToken))(client)
  }],
  ['an event with one attendee', 195109, create(calendars.alice, events.solo, asUser(users.alice.userAccessToken))],
  ['an event whose attendee list is hidden', 195109, create(calendars.alice, events.private, asUser(users.alice.userAccessToken))],
  ['a chat bound to no event', 195108, unbind(calendars.alice, events.planning, chats.unbound, asUser(users.alice.userAccessToken))],
  ['a meeting chat the caller does not own', 195107, unbind(calendars.app, events.appReview, chats.appReview, asTenant(demo.app.tenantAccessToken))],
  ['a meeting_chat_id that is not oc_...', 190002, unbind(calendars.alice, events.weeklySync, 'chat_123', asUser(users.alice.userAccessToken))],
]

describe('each rule of the fake the SDK can reach', () => {
  it.each(rules)('%s: the SDK sees %i', async (_name, code, call) => {
    const client = officialClient(sandbox.url, { disableTokenCache: true })
    expectCode(await seen(call(client)), code)
  })

  it.each([
    ["of the gateway, per operation", 99991400, extra.gatewayLimitedApp.tenantAccessToken],
    ["of the calendar service, per operation", 190004, extra.methodLimitedApp.tenantAccessToken],
    ["of the calendar service, per app", 190005, extra.appLimitedApp.tenantAccessToken],
  ] as const)('a rate limit %s: the SDK sees %i', async (_name, code, token) => {
    const client = officialClient(sandbox.url, { disableTokenCache: true })
    const call = create(calendars.app, events.appStandup, asTenant(token))
    // One call a minute: of the two after the first, at least one falls in the first one's minute.
    const answers = [await seen(call(client)), await seen(call(client)), await seen(call(client))]
    const limited = answers.slice(1).find((a) => a.code === code)
    expect(limited).toBeDefined()
    if (limited) expectCode(limited, code)
  })
})

// Runs last: the codes above, against every code the fake answers (its rules' @answers).
it('reached every code the fake answers', () => {
  const answered = [...fakeAnswers().keys()]
  expect(answered.length).toBeGreaterThan(30)
  expect(answered.filter((code) => !reached.has(code))).toEqual([])
})
