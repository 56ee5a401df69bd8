// Examples mode: every documented response can be asked for, by example name or by error code, and is
// sent as the spec writes it. The list comes from the spec, so a new example is checked without a new test.
import { getResponse } from 'msw'
import { beforeEach, describe, expect, it } from 'vitest'
import { errorCatalog, type CatalogCode } from '../../src/generated/catalog.ts'
import type { OperationId } from '../../src/generated/operations.ts'
import { createExampleMock, createHandlers, createManualClock, type ExampleMock } from '../../src/msw/index.ts'
import { codeOf, documentedResponses, specOperations } from '../../src/contract/walk.ts'
import { GATEWAY_RATE_LIMITED } from '../../src/fake/rules.ts'
import { call, codeAndMsg, expectError, FEISHU, LARK, specRateLimit, specRequest, useMswServer } from './support.ts'

let mock: ExampleMock = createExampleMock()
useMswServer(...createHandlers({ handle: (request) => mock.handle(request) }))
beforeEach(() => {
  mock = createExampleMock()
})

const documented = documentedResponses().map((r) => [`${r.operationId} ${r.status} ${r.exampleName}`, r] as const)

describe('every documented response', () => {
  it.each(documented)('%s is answered by its example name, as documented', async (_name, doc) => {
    mock.respond(doc.operationId as OperationId, { example: doc.exampleName, status: doc.status })
    const answer = await call(doc.operationId as OperationId)
    expect(answer.status).toBe(doc.status)
    expect(answer.headers.get('content-type')?.split(';')[0]).toBe(doc.mediaType)
    if (typeof doc.value === 'string') expect(answer.text).toBe(doc.value)
    else expect(answer.json).toEqual(doc.value)
    expect(answer.headers.get('x-tt-logid')).toBeTruthy()
    // Every documented header; the rate-limit ones only on the gateway's 429 (the calendar service's send none).
    const rateLimitHeader = (name: string) => name.toLowerCase().startsWith('x-ogw-ratelimit-')
    for (const header of doc.headers) {
      if (rateLimitHeader(header) && codeOf(doc.value) !== GATEWAY_RATE_LIMITED) expect(answer.headers.get(header), header).toBeNull()
      else expect(answer.headers.get(header), header).not.toBeNull()
    }
  })

  const errors = documentedResponses().flatMap((r) => {
    const code = codeOf(r.value)
    return code === undefined ? [] : [[`${r.operationId} ${code}`, r.operationId as OperationId, code as CatalogCode] as const]
  })

  it.each(errors)('%s is answered by its code, with the catalog\'s status and msg', async (_name, operationId, code) => {
    mock.respond(operationId, { code })
    expectError(await call(operationId), code)
  })
})

describe('answers', () => {
  it.each(specOperations().map((o) => [o.operationId as OperationId]))('%s answers its success example by default', async (operationId) => {
    const success = documentedResponses().find((r) => r.operationId === operationId && r.status === 200)
    expect((await call(operationId)).json).toEqual(success?.value)
  })

  it('answers code 0 with the success example', async () => {
    mock.respond('createMeetingChat', { code: 0 })
    expect((await call('createMeetingChat')).status).toBe(200)
  })

  it('answers by status', async () => {
    mock.respond('unbindMeetingChat', { status: 502 })
    const answer = await call('unbindMeetingChat')
    expect([answer.status, answer.headers.get('content-type')]).toEqual([502, 'text/html; charset=utf-8'])
  })

  it('answers a queued answer the given number of times, then the standing one', async () => {
    mock.respond('unbindMeetingChat', { code: 190003 }, { times: 2 })
    expect(mock.pending()).toEqual({ unbindMeetingChat: 2 })
    expectError(await call('unbindMeetingChat'), 190003)
    expectError(await call('unbindMeetingChat'), 190003)
    expect((await call('unbindMeetingChat')).status).toBe(200)
    expect(mock.pending()).toEqual({})
  })

  it('uses queued answers in order, before a standing answer', async () => {
    mock.respond('unbindMeetingChat', { code: 195108 })
    mock.respond('unbindMeetingChat', { code: 190004 }, { times: 1 })
    mock.respond('unbindMeetingChat', { code: 190003 }, { times: 1 })
    const codes = []
    for (let i = 0; i < 4; i++) codes.push(codeAndMsg(await call('unbindMeetingChat')).code)
    expect(codes).toEqual([190004, 190003, 195108, 195108])
  })

  it('replaces a standing answer with a later one', async () => {
    mock.respond('unbindMeetingChat', { code: 195108 })
    mock.respond('unbindMeetingChat', { code: 195107 })
    expectError(await call('unbindMeetingChat'), 195107)
  })

  it('goes back to the success example on reset, for one operation or all', async () => {
    mock.respond('unbindMeetingChat', { code: 195108 })
    mock.respond('createMeetingChat', { code: 195109 })
    mock.reset('unbindMeetingChat')
    expect((await call('unbindMeetingChat')).status).toBe(200)
    expectError(await call('createMeetingChat'), 195109)
    mock.reset()
    expect((await call('createMeetingChat')).status).toBe(200)
  })

  it('keeps answers apart per operation', async () => {
    mock.respond('unbindMeetingChat', { code: 195108 })
    expect((await call('createMeetingChat')).status).toBe(200)
  })

  it('gives the gateway\'s 429 (99991400) the spec\'s rate-limit headers: the operation\'s per-second limit by default', async () => {
    mock.respond('unbindMeetingChat', { code: 99991400 })
    const answer = await call('unbindMeetingChat')
    expect(answer.headers.get('x-ogw-ratelimit-limit')).toBe(String(specRateLimit('unbindMeetingChat').perSecond))
    expect(answer.headers.get('x-ogw-ratelimit-reset')).toBe('1')
  })

  it('gives the gateway\'s 429 the rate-limit values asked for', async () => {
    mock.respond('getTenantAccessTokenInternal', { code: 99991400 }, { rateLimit: { limit: 5, reset: 30 } })
    const answer = await call('getTenantAccessTokenInternal')
    expect([answer.headers.get('x-ogw-ratelimit-limit'), answer.headers.get('x-ogw-ratelimit-reset')]).toEqual(['5', '30'])
  })

  it.each([190004, 190005, 190010] as const)('gives the calendar service\'s 429 %i no gateway headers', async (code) => {
    mock.respond('unbindMeetingChat', { code })
    const answer = await call('unbindMeetingChat')
    expect(answer.status).toBe(429)
    expect([answer.headers.get('x-ogw-ratelimit-limit'), answer.headers.get('x-ogw-ratelimit-reset')]).toEqual([null, null])
  })

  it('adds the headers asked for', async () => {
    mock.respond('unbindMeetingChat', { code: 190003 }, { headers: { 'Retry-After': '3' } })
    expect((await call('unbindMeetingChat')).headers.get('retry-after')).toBe('3')
  })

  it('drops the connection on networkError', async () => {
    mock.respond('createMeetingChat', { networkError: true }, { times: 1 })
    await expect(call('createMeetingChat')).rejects.toThrow(TypeError)
    expect((await call('createMeetingChat')).status).toBe(200)
  })

  it('sends a custom Response', async () => {
    mock.respond('createMeetingChat', { response: () => new Response('<html>504</html>', { status: 502, headers: { 'Content-Type': 'text/html', 'X-Tt-Logid': 'custom-1' } }) })
    expect((await call('createMeetingChat')).text).toBe('<html>504</html>')
  })

  it('still validates the request when an answer is chosen', async () => {
    mock.respond('unbindMeetingChat', { code: 195108 })
    expectError(await call('unbindMeetingChat', { authorization: null }), 99991661)
    expectError(await call('unbindMeetingChat', { query: { meeting_chat_id: undefined } }), 190002)
  })

  it('logs every call', async () => {
    const clock = createManualClock(Date.UTC(2026, 5, 1))
    mock = createExampleMock({ clock })
    mock.respond('unbindMeetingChat', { code: 195108 })
    const answer = await call('unbindMeetingChat')
    expect(mock.calls).toEqual([
      { operationId: 'unbindMeetingChat', method: 'DELETE', url: specRequest('unbindMeetingChat').url, status: 400, code: 195108, logId: answer.headers.get('x-tt-logid'), at: clock.now() },
    ])
    expect(answer.headers.get('x-tt-logid')).toMatch(/^20260601000000[0-9A-F]{12}$/)
  })
})

describe('asking for what is not documented', () => {
  it('throws for a code the operation does not document, listing what it does', () => {
    expect(() => mock.respond('unbindMeetingChat', { code: 195109 })).toThrow(/unbindMeetingChat documents no response with code 195109[\s\S]*400 chatNotMatchWithEvent \(code 195108\)/)
  })

  it('throws for an unknown example name, listing the names', () => {
    expect(() => mock.respond('createMeetingChat', { example: 'chatNotMatchWithEvent' })).toThrow(/createMeetingChat documents no response with example "chatNotMatchWithEvent"[\s\S]*eventNotSupportChatCreation/)
  })

  it('throws for a status the operation does not document', () => {
    expect(() => mock.respond('getTenantAccessTokenInternal', { status: 404 })).toThrow(/status 404/)
  })

  it('throws for an example under the wrong status', () => {
    expect(() => mock.respond('unbindMeetingChat', { example: 'success', status: 400 })).toThrow(/under status 400/)
  })

  it('throws for an unknown operation, listing the operations', () => {
    expect(() => mock.respond('deleteCalendar' as OperationId, { code: 0 })).toThrow(/Unknown operation "deleteCalendar"\. Operations: createMeetingChat, unbindMeetingChat/)
  })

  it('throws for times that are not a positive integer', () => {
    expect(() => mock.respond('unbindMeetingChat', { code: 0 }, { times: 0 })).toThrow(RangeError)
  })

  it('has every catalog code documented somewhere, so none is unreachable', () => {
    const reachable = new Set(documentedResponses().map((r) => codeOf(r.value)))
    expect(Object.keys(errorCatalog).map(Number).filter((c) => !reachable.has(c))).toEqual([])
  })
})

describe('origins and routes', () => {
  const handlers = (baseUrl?: string | string[]) => createHandlers(createExampleMock(), baseUrl === undefined ? {} : { baseUrl })

  it('answers on Feishu and Lark by default, not elsewhere', async () => {
    expect((await getResponse(handlers(), specRequest('createMeetingChat', { origin: FEISHU })))?.status).toBe(200)
    expect((await getResponse(handlers(), specRequest('createMeetingChat', { origin: LARK })))?.status).toBe(200)
    expect(await getResponse(handlers(), specRequest('createMeetingChat', { origin: 'https://open.example.com' }))).toBeUndefined()
  })

  it('answers on the configured base URLs only', async () => {
    const local = handlers(['http://127.0.0.1:4010', 'http://localhost:4011/'])
    expect((await getResponse(local, specRequest('createMeetingChat', { origin: 'http://127.0.0.1:4010' })))?.status).toBe(200)
    expect((await getResponse(local, specRequest('createMeetingChat', { origin: 'http://localhost:4011' })))?.status).toBe(200)
    expect(await getResponse(local, specRequest('createMeetingChat', { origin: FEISHU }))).toBeUndefined()
  })

  it('has one handler per operation and origin', () => {
    expect(handlers()).toHaveLength(specOperations().length * 2)
  })

  it('refuses to make handlers without a mock, saying what to pass', () => {
    expect(() => createHandlers(undefined as never)).toThrow(/createHandlers\(mock\) needs the mock that answers: createHandlers\(createFake\(demoSeed\(\)\)\)/)
  })

  it('with msw 3 on a runtime without Set.prototype.intersection (Node < 22.12), says to use msw 2', () => {
    const descriptor = Object.getOwnPropertyDescriptor(Set.prototype, 'intersection')
    expect(descriptor, 'this suite runs msw 3 on Node >= 22.12').toBeDefined()
    delete (Set.prototype as { intersection?: unknown }).intersection
    try {
      expect(() => createHandlers(createExampleMock())).toThrow(/^msw 3 needs Node >= 22\.12 .*npm install -D msw@2/)
    } finally {
      Object.defineProperty(Set.prototype, 'intersection', descriptor!)
    }
    expect(createHandlers(createExampleMock()).length).toBeGreaterThan(0)
  })

  it('refuses a base URL with a path, or no URL at all', () => {
    expect(() => handlers('https://example.com/api')).toThrow(/origin without a path/)
    expect(() => handlers('example.com')).toThrow(/absolute URL/)
  })

  it('answers 404 from handle() for a path or method the spec does not have', async () => {
    const notFound = await mock.handle(new Request(`${FEISHU}/open-apis/calendar/v4/calendars`))
    expect([notFound.status, await notFound.text()]).toEqual([404, '404 page not found'])
    expect(notFound.headers.get('x-tt-logid')).toBeTruthy()
    const get = await mock.handle(new Request(specRequest('unbindMeetingChat').url))
    expect(get.status).toBe(404)
  })
})
