// The contract suite: every response the spec documents (operation x status x example), served by the
// example mock, driven through the real client, and what the client surfaces checked against the spec
// and its error catalog. The last test fails when a documented response went without a contract test.
import { describe, expect, it } from 'vitest'
import { createMeetingChatClient, FeishuApiError, type MeetingChatClient } from '../../src/index.ts'
import { errorCatalog, type CatalogCode } from '../../src/generated/catalog.ts'
import type { OperationId } from '../../src/generated/operations.ts'
import { createExampleMock, createFake, createHandlers, createManualClock, demo, demoSeed } from '../../src/msw/index.ts'
import { codeOf, documentedResponses, isObject, specOperations, type DocumentedResponse, type Json } from '../../src/contract/walk.ts'
import { bodyExample, parameterExample, useMswServer } from './support.ts'

const mock = createExampleMock()
const clock = createManualClock()
let fake = createFake(demoSeed(), { clock })
const SANDBOX = 'http://127.0.0.1:4010'
useMswServer(...createHandlers(mock), ...createHandlers({ handle: (request) => fake.handle(request) }, { baseUrl: SANDBOX }))

const key = (r: Pick<DocumentedResponse, 'operationId' | 'status' | 'exampleName'>) => `${r.operationId} ${r.status} ${r.exampleName}`
const covered = new Set<string>()

function requestBodyExample(operationId: string): Record<string, string> {
  const example = bodyExample(operationId)
  if (!isObject(example)) throw new Error(`no request example for ${operationId}`)
  return example as Record<string, string>
}

const ids = {
  calendarId: parameterExample('calendar_id'),
  eventId: parameterExample('event_id'),
  meetingChatId: parameterExample('meeting_chat_id'),
}

/** How each operation is called through the client; what a success resolves to, from the example. */
const drivers: Record<OperationId, { call: (client: MeetingChatClient) => Promise<unknown>; resolved: (example: Json, logId: string | undefined) => unknown }> = {
  unbindMeetingChat: {
    call: (client) => client.unbindMeetingChat(ids),
    resolved: (_example, logId) => ({ logId }),
  },
  createMeetingChat: {
    call: (client) => client.createMeetingChat({ calendarId: ids.calendarId, eventId: ids.eventId }),
    resolved: (example, logId) => {
      const data = isObject(example) && isObject(example.data) ? example.data : {}
      return { meetingChatId: data.meeting_chat_id, applink: data.applink, logId }
    },
  },
  getTenantAccessTokenInternal: {
    call: async (client) => (await client.api.POST('/open-apis/auth/v3/tenant_access_token/internal', { body: requestBodyExample('getTenantAccessTokenInternal') as { app_id: string; app_secret: string } })).data,
    resolved: (example) => example,
  },
  getAppAccessToken: {
    call: async (client) => (await client.api.POST('/open-apis/auth/v3/app_access_token', { body: requestBodyExample('getAppAccessToken') as { app_id: string; app_secret: string; app_ticket: string } })).data,
    resolved: (example) => example,
  },
  getTenantAccessToken: {
    call: async (client) => (await client.api.POST('/open-apis/auth/v3/tenant_access_token', { body: requestBodyExample('getTenantAccessToken') as { app_access_token: string; tenant_key: string } })).data,
    resolved: (example) => example,
  },
  resendAppTicket: {
    call: async (client) => (await client.api.POST('/open-apis/auth/v3/app_ticket/resend', { body: requestBodyExample('resendAppTicket') as { app_id: string; app_secret: string } })).data,
    resolved: (example) => example,
  },
}

// One attempt, so that a retryable answer surfaces as it is; a fixed tenant token, so no token fetch.
const client = createMeetingChatClient({ auth: { tenantAccessToken: 't-contract-suite' }, retry: false })

async function outcome(promise: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> {
  try {
    return { value: await promise }
  } catch (error) {
    return { error }
  }
}

describe('every documented response, through the client', () => {
  it.each(documentedResponses().map((r) => [key(r), r] as const))('%s', async (_name, doc) => {
    const operationId = doc.operationId as OperationId
    mock.respond(operationId, { example: doc.exampleName, status: doc.status }, { times: 1 })
    const { value, error } = await outcome(drivers[operationId].call(client))
    const answered = mock.calls.at(-1)
    expect(answered?.operationId).toBe(operationId)
    expect(answered?.status).toBe(doc.status)
    const code = codeOf(doc.value)

    if (doc.status >= 200 && doc.status < 300) {
      expect(error).toBeUndefined()
      expect(value).toEqual(drivers[operationId].resolved(doc.value, answered?.logId))
    } else if (code !== undefined) {
      const entry = errorCatalog[code as CatalogCode]
      expect(error).toBeInstanceOf(FeishuApiError)
      const e = error as FeishuApiError
      expect({ code: e.code, msg: e.msg, httpStatus: e.httpStatus, hint: e.hint, retryable: e.retryable, kind: e.kind, logId: e.logId }).toEqual({
        code,
        msg: isObject(doc.value) ? doc.value.msg : undefined,
        httpStatus: doc.status,
        hint: entry.hint,
        retryable: entry.retryable,
        kind: entry.kind,
        logId: answered?.logId,
      })
      expect(e.operation).toBe(operationId)
      if (isObject(doc.value) && doc.value.error !== undefined) expect(e.detail).toEqual(doc.value.error)
    } else {
      // A documented answer that is not the platform's JSON (the gateway's HTML page).
      expect(error).toBeInstanceOf(FeishuApiError)
      const e = error as FeishuApiError
      expect({ kind: e.kind, code: e.code, httpStatus: e.httpStatus, retryable: e.retryable, logId: e.logId }).toEqual({
        kind: 'protocol',
        code: null,
        httpStatus: doc.status,
        retryable: doc.status >= 500 || doc.status === 429,
        logId: answered?.logId,
      })
    }
    expect(mock.pending()).toEqual({})
    covered.add(key(doc))
  })
})

describe('the coverage of the contract suite', () => {
  it('has a driver for every operation of the spec', () => {
    expect(Object.keys(drivers).sort()).toEqual(specOperations().map((o) => o.operationId).sort())
  })

  // Tests of a file run in order: by now each documented response's test has run, and recorded it if it passed.
  it('has a passing contract test for every documented response', () => {
    const missing = documentedResponses().map(key).filter((k) => !covered.has(k))
    expect(missing, 'documented responses without a passing contract test').toEqual([])
    expect(covered.size).toBe(documentedResponses().length)
  })
})

describe('the client against the stateful fake', () => {
  const fakeClient = (auth: Parameters<typeof createMeetingChatClient>[0] = {}) =>
    createMeetingChatClient({ domain: SANDBOX, auth: { appId: demo.app.appId, appSecret: demo.app.appSecret }, retry: { maxAttempts: 3, baseDelayMs: 0 }, ...auth })
  const weeklySync = { calendarId: demo.calendars.alice, eventId: demo.events.weeklySync, meetingChatId: demo.chats.weeklySync }

  it('creates and unbinds with a user token; a second unbind surfaces 195108', async () => {
    fake = createFake(demoSeed(), { clock })
    const c = fakeClient()
    const options = { userAccessToken: demo.users.alice.userAccessToken }
    const chat = await c.createMeetingChat({ calendarId: demo.calendars.alice, eventId: demo.events.planning }, options)
    expect(fake.chat(chat.meetingChatId)?.boundTo?.eventId).toBe(demo.events.planning)
    await c.unbindMeetingChat({ calendarId: demo.calendars.alice, eventId: demo.events.planning, meetingChatId: chat.meetingChatId }, options)
    await expect(c.unbindMeetingChat({ calendarId: demo.calendars.alice, eventId: demo.events.planning, meetingChatId: chat.meetingChatId }, options)).rejects.toMatchObject({ code: 195108, kind: 'invalid_request' })
    expect(fake.count('getTenantAccessTokenInternal')).toBe(0)
  })

  it('fetches one tenant token for concurrent calls with app credentials', async () => {
    fake = createFake({ ...demoSeed(), tenantAccessTokens: [] }, { clock })
    const c = fakeClient()
    const results = await Promise.allSettled([1, 2, 3].map(() => c.createMeetingChat({ calendarId: demo.calendars.app, eventId: demo.events.appStandup })))
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled'])
    expect(fake.count('getTenantAccessTokenInternal')).toBe(1)
  })

  it('retries a 500 once and succeeds', async () => {
    fake = createFake(demoSeed(), { clock })
    fake.respond('unbindMeetingChat', { code: 190003 }, { times: 1 })
    await fakeClient().unbindMeetingChat(weeklySync, { userAccessToken: demo.users.alice.userAccessToken })
    expect(fake.calls.filter((c) => c.operationId === 'unbindMeetingChat').map((c) => c.status)).toEqual([500, 200])
  })

  it('retries a rate-limited call after the reset the fake announces', async () => {
    fake = createFake(demoSeed(), { clock })
    fake.respond('unbindMeetingChat', { code: 190004 }, { times: 1, rateLimit: { limit: 50, reset: 0 } })
    await fakeClient().unbindMeetingChat(weeklySync, { userAccessToken: demo.users.alice.userAccessToken })
    expect(fake.calls.map((c) => c.code)).toEqual([190004, 0])
  })

  it('says the chat may already be unbound when a lost answer is followed by 195108', async () => {
    fake = createFake(demoSeed(), { clock })
    // The first unbind takes effect but its answer is lost; the replay then meets the unbound chat.
    fake.respond('unbindMeetingChat', {
      response: async (request) => {
        await fake.handle(new Request(request.url, { method: 'DELETE', headers: request.headers }))
        return Response.error()
      },
    }, { times: 1 })
    const error = await fakeClient().unbindMeetingChat(weeklySync, { userAccessToken: demo.users.alice.userAccessToken }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 195108, earlierAttemptOutcomeUnknown: true })
    expect(fake.chat(demo.chats.weeklySync)?.boundTo).toBeUndefined()
  })

  it('surfaces the 502 gateway page as a protocol error once retries are spent', async () => {
    fake = createFake(demoSeed(), { clock })
    fake.respond('unbindMeetingChat', { status: 502 })
    const error = await fakeClient().unbindMeetingChat(weeklySync, { userAccessToken: demo.users.alice.userAccessToken }).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'protocol', httpStatus: 502, attempts: 3 })
  })

  it('replaces a tenant token the fake has let expire, once', async () => {
    fake = createFake({ ...demoSeed(), tenantAccessTokens: [] }, { clock })
    const c = fakeClient()
    await c.createMeetingChat({ calendarId: demo.calendars.app, eventId: demo.events.appStandup })
    // The client caches until `expire` by its own clock; expire the fake's token behind its back.
    clock.advance(7200 * 1000)
    await c.createMeetingChat({ calendarId: demo.calendars.app, eventId: demo.events.appStandup })
    expect(fake.calls.map((call) => [call.operationId, call.code])).toEqual([
      ['getTenantAccessTokenInternal', 0],
      ['createMeetingChat', 0],
      ['createMeetingChat', 99991663],
      ['getTenantAccessTokenInternal', 0],
      ['createMeetingChat', 0],
    ])
  })

  it('gets a store app\'s tenant token through its ticket', async () => {
    fake = createFake(demoSeed(), { clock })
    const c = fakeClient({ auth: { appId: demo.storeApp.appId, appSecret: demo.storeApp.appSecret, appTicket: () => demo.storeApp.appTicket, tenantKey: demo.tenantKey } })
    await expect(c.createMeetingChat({ calendarId: demo.calendars.alice, eventId: demo.events.planning })).rejects.toMatchObject({ code: 191002 })
    expect([fake.count('getAppAccessToken'), fake.count('getTenantAccessToken')]).toEqual([1, 1])
  })

  it('surfaces 10012 for a stale ticket, and resendAppTicket makes the fake push a new one', async () => {
    fake = createFake(demoSeed(), { clock })
    let ticket = 'stale-ticket'
    const c = fakeClient({ auth: { appId: demo.storeApp.appId, appSecret: demo.storeApp.appSecret, appTicket: () => ticket, tenantKey: demo.tenantKey } })
    await expect(c.createMeetingChat({ calendarId: demo.calendars.alice, eventId: demo.events.planning })).rejects.toMatchObject({ code: 10012, kind: 'auth' })
    await c.resendAppTicket()
    ticket = fake.ticketPushes[0]?.ticket ?? ''
    await expect(c.createMeetingChat({ calendarId: demo.calendars.alice, eventId: demo.events.planning })).rejects.toMatchObject({ code: 191002 })
  })
})
