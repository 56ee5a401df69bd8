// Prism, validating every request and answer against the spec, between the sandbox and both clients (this
// package's client and the official Node SDK) for the whole flow: no violation either way. The controls
// show it is watching: an off-spec answer from the sandbox and an off-spec request are both reported.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as lark from '@larksuiteoapi/node-sdk'
import { parse, stringify } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeetingChatClient, FeishuApiError } from '../../src/index.ts'
import { demo } from '../../src/fake/demo.ts'
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts'
import prismPackage from '@stoplight/prism-cli/package.json' with { type: 'json' }
import { startPrismProxy, type PrismProxy } from './prism.ts'
import { statedVersion } from './readme.ts'
import { freshCache, interopSeed, officialClient, seen } from './support.ts'

let sandbox: Sandbox
let prism: PrismProxy
const start = async () => {
  sandbox = await startSandbox({ port: 0, seed: interopSeed() })
  prism = await startPrismProxy(sandbox.url)
}
const stop = async () => {
  await prism?.stop()
  await sandbox?.close()
}

const { calendars, events, chats, users } = demo
const codeOf = async (promise: Promise<unknown>) => promise.then(() => 0, (error: unknown) => (error instanceof FeishuApiError ? error.code : error))

it('is the Prism version the README names', () => {
  expect(statedVersion('**Prism**')).toBe(prismPackage.version)
})

describe('through Prism, the whole flow', () => {
  beforeAll(start, 40_000)
  afterAll(stop)

  it('this package\'s client: token fetch, create, unbind, 195108, a user token, the store-app flow', async () => {
    const app = createMeetingChatClient({ domain: prism.url, auth: { appId: demo.app.appId, appSecret: demo.app.appSecret }, retry: false })
    const created = await app.createMeetingChat({ calendarId: calendars.app, eventId: events.appStandup })
    const ids = { calendarId: calendars.app, eventId: events.appStandup, meetingChatId: created.meetingChatId }
    expect(await codeOf(app.unbindMeetingChat(ids))).toBe(0)
    expect(await codeOf(app.unbindMeetingChat(ids))).toBe(195108)

    const alice = createMeetingChatClient({ domain: prism.url, auth: { userAccessToken: users.alice.userAccessToken }, retry: false })
    const planning = await alice.createMeetingChat({ calendarId: calendars.alice, eventId: events.planning })
    expect(await codeOf(alice.unbindMeetingChat({ calendarId: calendars.alice, eventId: events.planning, meetingChatId: planning.meetingChatId }))).toBe(0)
    expect(await codeOf(alice.createMeetingChat({ calendarId: calendars.alice, eventId: events.solo }))).toBe(195109)

    const store = createMeetingChatClient({
      domain: prism.url,
      auth: { appId: demo.storeApp.appId, appSecret: demo.storeApp.appSecret, appTicket: () => demo.storeApp.appTicket, tenantKey: demo.tenantKey },
      retry: false,
    })
    await store.resendAppTicket()
    expect(await codeOf(store.createMeetingChat({ calendarId: calendars.alice, eventId: events.planning }))).toBe(191002)
  })

  it('the official Node SDK: its token fetch, create, unbind, 195108, withUserAccessToken, the store-app flow', async () => {
    const client = officialClient(prism.url)
    const meetingChat = client.calendar.v4.calendarEventMeetingChat
    const where = { path: { calendar_id: calendars.app, event_id: events.appStandup } }
    const created = await seen(meetingChat.create(where))
    expect(created).toMatchObject({ status: 200, code: 0 })
    const params = { meeting_chat_id: (created.data as { meeting_chat_id: string }).meeting_chat_id }
    expect(await seen(meetingChat.delete({ ...where, params }))).toMatchObject({ status: 200, code: 0 })
    expect(await seen(meetingChat.delete({ ...where, params }))).toMatchObject({ status: 400, code: 195108 })

    const asAlice = lark.withUserAccessToken(users.alice.userAccessToken)
    const weekly = { path: { calendar_id: calendars.alice, event_id: events.weeklySync }, params: { meeting_chat_id: chats.weeklySync } }
    expect(await seen(meetingChat.delete(weekly, asAlice))).toMatchObject({ status: 200, code: 0 })
    expect(await seen(meetingChat.delete(weekly, asAlice))).toMatchObject({ status: 400, code: 195108 })

    const cache = freshCache()
    await cache.set(lark.CAppTicket, demo.storeApp.appTicket, undefined, { namespace: demo.storeApp.appId })
    const store = officialClient(prism.url, { appId: demo.storeApp.appId, appSecret: demo.storeApp.appSecret, appType: lark.AppType.ISV, cache })
    const asTenant = lark.withTenantKey(demo.tenantKey)
    expect(await seen(store.calendar.v4.calendarEventMeetingChat.create({ path: { calendar_id: calendars.alice, event_id: events.planning } }, asTenant))).toMatchObject({ status: 403, code: 191002 })
  })

  it('Prism reported no request and no response violation for either client (its whole log, once stopped)', async () => {
    const forwarded = sandbox.fake.calls.length
    expect(forwarded).toBeGreaterThanOrEqual(20)
    expect(await prism.stop()).toEqual({ request: [], response: [] })
  })
})

describe('the controls: Prism reports what is off the spec', () => {
  beforeAll(start, 40_000)
  afterAll(stop)

  it('an answer without the created chat\'s id is a response violation, and the client sees Prism\'s 500, not a chat', async () => {
    sandbox.fake.respond('createMeetingChat', { response: () => Response.json({ code: 0, msg: 'success', data: {} }) }, { times: 1 })
    const client = officialClient(prism.url)
    const answer = await seen(client.calendar.v4.calendarEventMeetingChat.create({ path: { calendar_id: calendars.app, event_id: events.appStandup } }))
    expect(answer.status).toBe(500)
    const { response } = await prism.until((v) => v.response.length > 0)
    expect(response).toHaveLength(1)
    expect(response[0]).toMatch(/#VIOLATIONS/)
  })

  it('an answer with a status the spec does not document is reported, though Prism lets it through', async () => {
    const before = prism.violations().response.length
    sandbox.fake.respond('createMeetingChat', { response: () => Response.json({ code: 0, msg: 'success', data: {} }, { status: 418 }) }, { times: 1 })
    const client = officialClient(prism.url)
    const answer = await seen(client.calendar.v4.calendarEventMeetingChat.create({ path: { calendar_id: calendars.app, event_id: events.appStandup } }))
    expect(answer.status).toBe(418)
    const { response } = await prism.until((v) => v.response.length > before)
    expect(response.at(-1)).toMatch(/Violation: response Unable to match the returned status code/)
  })

  it('a body the spec does not allow is a request violation, refused before the sandbox sees it', async () => {
    const before = sandbox.fake.calls.length
    const url = `${prism.url}/open-apis/calendar/v4/calendars/${encodeURIComponent(calendars.app)}/events/${events.appStandup}/meeting_chat`
    const answer = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${demo.app.tenantAccessToken}`, 'content-type': 'application/json' }, body: '"not an object"' })
    expect(answer.status).toBe(422)
    expect((await prism.until((v) => v.request.length > 0)).request).toHaveLength(1)
    expect(sandbox.fake.calls.length).toBe(before)
  })
})

describe('a spec without the optional body on create and unbind (the contract before issue 12)', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'feishu-meeting-chat-prism-'))
    const document = parse(await readFile(new URL('../../openapi/openapi.yaml', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, { requestBody?: unknown }>> }
    for (const item of Object.values(document.paths)) for (const op of [item.post, item.delete]) if (op && op.requestBody) delete op.requestBody
    const path = join(dir, 'openapi.yaml')
    await writeFile(path, stringify(document))
    sandbox = await startSandbox({ port: 0, seed: interopSeed() })
    prism = await startPrismProxy(sandbox.url, path)
  }, 40_000)
  afterAll(async () => {
    await stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('makes Prism refuse the official SDK\'s unbind (its {} body): the suite above would fail', async () => {
    const client = officialClient(prism.url)
    const answer = await seen(client.calendar.v4.calendarEventMeetingChat.delete({ path: { calendar_id: calendars.app, event_id: events.appStandup }, params: { meeting_chat_id: chats.appStandup } }))
    expect(answer.status).toBe(422)
    expect((await prism.until((v) => v.request.length > 0)).request).toHaveLength(1)
  })
})
