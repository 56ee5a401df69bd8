// Request validation: both modes refuse a request that breaks the spec with the platform's answer.
import { describe, expect, it } from 'vitest'
import { createExampleMock, createFake, createHandlers, demo, demoSeed, type MockResponder } from '../../src/msw/index.ts'
import type { OperationId } from '../../src/generated/operations.ts'
import { specOperations } from '../../src/contract/walk.ts'
import { mockOperation } from '../../src/contract/operations.ts'
import { checkInput } from '../../src/mock/validate.ts'
import { call, expectError, FEISHU, specRequest, useMswServer, type RequestParts } from './support.ts'

const modes: [string, () => MockResponder][] = [
  ['examples mode', () => createExampleMock()],
  ['the fake', () => createFake(demoSeed())],
]

let mock: MockResponder = createExampleMock()
useMswServer(...createHandlers({ handle: (request) => mock.handle(request) }))

const alice = `Bearer ${demo.users.alice.userAccessToken}`
const unbindParts = (parts: RequestParts = {}): RequestParts => ({
  authorization: alice,
  params: { calendar_id: demo.calendars.alice, event_id: demo.events.weeklySync },
  query: { meeting_chat_id: demo.chats.weeklySync },
  ...parts,
})

describe.each(modes)('%s', (_name, make) => {
  const use = () => {
    mock = make()
  }

  describe('Authorization', () => {
    it('answers 99991661 without the header', async () => {
      use()
      expectError(await call('unbindMeetingChat', unbindParts({ authorization: null })), 99991661)
      expectError(await call('createMeetingChat', { authorization: null }), 99991661)
    })

    it.each(['Token t-abc', 'Basic dTpw', 'Bearer abc', 'Bearer a-app-token', 'Bearer T-upper', 't-abc'])('answers 99991671 to "%s"', async (authorization) => {
      use()
      expectError(await call('unbindMeetingChat', unbindParts({ authorization })), 99991671)
    })
  })

  describe('parameters', () => {
    it('answers 190002 without the required meeting_chat_id', async () => {
      use()
      expectError(await call('unbindMeetingChat', unbindParts({ query: { meeting_chat_id: undefined } })), 190002)
    })

    it('answers 190002 to an empty meeting_chat_id', async () => {
      use()
      expectError(await call('unbindMeetingChat', unbindParts({ query: { meeting_chat_id: '' } })), 190002)
    })

    it('answers 190002 to a meeting_chat_id over 64 characters', async () => {
      use()
      expectError(await call('unbindMeetingChat', unbindParts({ query: { meeting_chat_id: `oc_${'a'.repeat(62)}` } })), 190002)
    })

    it('answers 190002 to a meeting_chat_id that is not oc_...', async () => {
      use()
      const answer = await call('unbindMeetingChat', unbindParts({ query: { meeting_chat_id: 'chat_123456' } }))
      expectError(answer, 190002)
      expect(answer.json).toMatchObject({ error: { field_violations: [{ field: 'meeting_chat_id', description: expect.stringContaining('pattern') }] } })
    })

    // Ids of the shape the platform issues, `length` characters long.
    const DOMAIN = '@group.calendar.feishu.cn'
    const shaped = { calendar_id: (length: number) => `${'x'.repeat(length - DOMAIN.length)}${DOMAIN}`, event_id: (length: number) => `${'x'.repeat(length - 2)}_0` }
    it.each([['calendar_id', 191001], ['event_id', 193000]] as const)('answers unbind\'s %s over 256 characters with its own code, %i, and accepts 256', async (name, code) => {
      use()
      const params = { calendar_id: demo.calendars.alice, event_id: demo.events.weeklySync }
      expect(shaped[name](257)).toHaveLength(257)
      const answer = await call('unbindMeetingChat', unbindParts({ params: { ...params, [name]: shaped[name](257) } }))
      expectError(answer, code)
      expect(answer.json).toMatchObject({ error: { field_violations: [{ field: name, description: expect.stringMatching(/must NOT have more than 256 characters/) }] } })
      const atLimit = await call('unbindMeetingChat', unbindParts({ params: { ...params, [name]: shaped[name](256) } }))
      expect((atLimit.json as { code: number }).code).not.toBe(code)
    })

    it.each([['calendar_id', 'feishu.cn_xxx', 191001], ['event_id', '75d28f9b-e35c-4230-8a83-123', 193000]] as const)('answers unbind\'s %s %j, not of the shape the platform issues, with %i', async (name, value, code) => {
      use()
      const answer = await call('unbindMeetingChat', unbindParts({ params: { calendar_id: demo.calendars.alice, event_id: demo.events.weeklySync, [name]: value } }))
      expectError(answer, code)
    })

    it('answers create\'s event_id over 256 characters with 190002: create documents no 193000', async () => {
      use()
      expectError(await call('createMeetingChat', { authorization: alice, params: { calendar_id: demo.calendars.alice, event_id: shaped.event_id(257) } }), 190002)
    })

    it('answers 190002 to a path that is not valid percent-encoding: a malformed request, before any id is read', async () => {
      use()
      const url = `${FEISHU}/open-apis/calendar/v4/calendars/%E0%A4%A/events/${demo.events.weeklySync}/meeting_chat`
      const response = await fetch(url, { method: 'POST', headers: { Authorization: alice } })
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ code: 190002, error: { field_violations: [{ field: 'calendar_id', description: 'calendar_id is not valid percent-encoding' }] } })
    })
  })

  describe('token endpoint bodies', () => {
    const credentials = { app_id: demo.app.appId, app_secret: demo.app.appSecret }

    it('answer 10003 to a body that is not JSON', async () => {
      use()
      expectError(await call('getTenantAccessTokenInternal', { rawBody: '{"app_id": "cli_', contentType: 'application/json' }), 10003)
    })

    it('answer 10003 to a JSON body sent as another content type', async () => {
      use()
      const answer = await call('getTenantAccessTokenInternal', { body: credentials, contentType: 'text/plain' })
      expectError(answer, 10003)
      expect(answer.json).toMatchObject({ error: { field_violations: [{ field: 'Content-Type' }] } })
    })

    it('answer 10003 to a form-encoded body', async () => {
      use()
      expectError(await call('getTenantAccessTokenInternal', { rawBody: 'app_id=cli_1&app_secret=s', contentType: 'application/x-www-form-urlencoded' }), 10003)
    })

    it('answer 10003 to an empty body', async () => {
      use()
      expectError(await call('getTenantAccessTokenInternal', { rawBody: '', contentType: 'application/json' }), 10003)
    })

    it('answer 10003, naming the field, to a missing property', async () => {
      use()
      const answer = await call('getAppAccessToken', { body: credentials })
      expectError(answer, 10003)
      expect(answer.json).toMatchObject({ error: { field_violations: [{ field: 'app_ticket' }] } })
    })

    it('answer 10003, naming the field, to a property of the wrong type', async () => {
      use()
      const answer = await call('getTenantAccessTokenInternal', { body: { ...credentials, app_secret: 42 } })
      expectError(answer, 10003)
      expect(answer.json).toMatchObject({ error: { field_violations: [{ field: 'app_secret' }] } })
    })

    it('accept and ignore an unknown property: the spec decides so (issue 12), as nothing shows the platform refusing one', async () => {
      use()
      const answer = await call('getTenantAccessTokenInternal', { body: { ...credentials, extra: true } })
      expect(answer.status).toBe(200)
    })

    it('answer 10003 to a JSON array', async () => {
      use()
      expectError(await call('getTenantAccessToken', { body: [] }), 10003)
    })
  })
  describe('the optional body of create and unbind', () => {
    // What clients send: the official Node SDK `{}` as JSON, the source document's C# and PHP samples `null`, curl nothing.
    const accepted: [string, RequestParts][] = [
      ['no body', { rawBody: undefined }],
      ['an empty body with a JSON content type', { rawBody: '', contentType: 'application/json' }],
      ['{} as JSON (the official Node SDK)', { body: {} }],
      ['null as JSON (the C# and PHP samples)', { rawBody: 'null' }],
      ['an object with a property it ignores', { body: { ignored: true } }],
    ]
    it.each(accepted)('accepts %s', async (_name, parts) => {
      use()
      const answer = await call('unbindMeetingChat', unbindParts(parts))
      expect(answer.status).toBe(200)
    })

    const refused: [string, RequestParts][] = [
      ['a JSON string', { body: 'x' }],
      ['a JSON array', { body: [] }],
      ['a number', { rawBody: '1' }],
      ['malformed JSON', { rawBody: '{' }],
      ['a form-encoded body', { rawBody: 'a=1', contentType: 'application/x-www-form-urlencoded' }],
    ]
    it.each(refused)('answers 190002 to %s', async (_name, parts) => {
      use()
      expectError(await call('unbindMeetingChat', unbindParts(parts)), 190002)
      expectError(await call('createMeetingChat', { authorization: alice, params: { calendar_id: demo.calendars.alice, event_id: demo.events.planning }, ...parts }), 190002)
    })
  })
})


describe('a request that conforms', () => {
  it('is answered with success in examples mode, for every operation, from the spec\'s own examples', async () => {
    mock = createExampleMock()
    for (const op of specOperations()) {
      const answer = await call(op.operationId as OperationId)
      expect([op.operationId, answer.status]).toEqual([op.operationId, 200])
    }
  })
})

describe('a body where the spec has none', () => {
  it('is refused with the operation\'s invalid-input code, as Prism refuses it', async () => {
    const real = mockOperation('unbindMeetingChat')
    const op = { ...real, spec: { ...real.spec, requestBodySchema: undefined, requestBodyRequired: false } }
    const request = specRequest('unbindMeetingChat', { rawBody: '{}' })
    const checked = await checkInput(op, request, op.match(request.method, new URL(request.url).pathname) ?? {})
    expect(checked).toMatchObject({ ok: false, rejection: { code: 190002, details: { fieldViolations: [{ field: 'body' }] } } })
    const empty = specRequest('unbindMeetingChat', { rawBody: '' })
    expect(await checkInput(op, empty, op.match(empty.method, new URL(empty.url).pathname) ?? {})).toMatchObject({ ok: true })
  })
})
