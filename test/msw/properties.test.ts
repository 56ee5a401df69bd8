// Property-based tests (fast-check) over ids, tokens and bodies: whatever arrives, the mocks answer
// something the spec documents, and never throw.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { OperationId } from '../../src/generated/operations.ts'
import { createExampleMock, createFake, demo, demoSeed, type MockResponder, type Seed } from '../../src/msw/index.ts'
import { SpecValidator } from '../../scripts/lib/spec-ajv.ts'
import { specOperations, type Json } from '../../src/contract/walk.ts'
import { codeAndMsg, operationFor, read, specProblems, specRequest, type RequestParts } from './support.ts'

const validator = new SpecValidator()
const chatIdSchema = specOperations().find((o) => o.operationId === 'unbindMeetingChat')?.parameters.find((p) => p.name === 'meeting_chat_id')?.schema ?? {}
const alice = `Bearer ${demo.users.alice.userAccessToken}`

async function answer(mock: MockResponder, operationId: OperationId, parts: RequestParts) {
  const request = specRequest(operationId, parts)
  const answered = await read(await mock.handle(request))
  // `.` and `..` are dot segments: the URL no longer names the operation, and the gateway has no such path.
  if (operationFor(request.method, request.url) !== operationId) expect([answered.status, answered.text]).toEqual([404, '404 page not found'])
  else expect(specProblems(operationId, answered)).toEqual([])
  return codeAndMsg(answered)
}

// The spec's 50 requests a second would otherwise answer most generated requests with 190004.
function unlimitedDemo(): Seed {
  const seed = demoSeed()
  return { ...seed, apps: seed.apps?.map((a) => ({ ...a, rateLimit: { perOperation: { perSecond: 1e9, perMinute: 1e9 } } })) }
}

// Any string, including unicode, slashes, `%`, `.` and `..`, as fetch would send it once percent-encoded.
const anyId = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.constantFrom('.', '..', '%', '%2F', 'a/b', '@', ' '))
// What a header value can hold: visible ASCII, no leading or trailing space.
const headerSafe = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 80 })
const modes: [string, () => MockResponder][] = [
  ['examples mode', () => createExampleMock()],
  ['the fake', () => createFake(unlimitedDemo())],
]

describe.each(modes)('%s', (_name, make) => {
  const mock = make()

  it('answers any calendar and event id with a documented answer', async () => {
    await fc.assert(
      fc.asyncProperty(anyId.filter((s) => s.length > 0), anyId.filter((s) => s.length > 0), fc.constantFrom<OperationId>('unbindMeetingChat', 'createMeetingChat'), async (calendarId, eventId, operationId) => {
        const { code } = await answer(mock, operationId, { authorization: alice, params: { calendar_id: calendarId, event_id: eventId }, query: { meeting_chat_id: demo.chats.weeklySync } })
        const dotSegment = [calendarId, eventId].some((id) => id === '.' || id === '..')
        const tooLong = [calendarId, eventId].some((id) => id.length > 256)
        if (dotSegment) expect(code).toBeUndefined()
        else if (tooLong) expect(code).toBe(190002)
        else expect(code).not.toBe(190002)
      }),
      { numRuns: 150 },
    )
  })

  it('answers any meeting_chat_id: 190002 exactly when it breaks the schema', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^oc_[0-9A-Za-z_-]{1,70}$/)), async (chatId) => {
        const { code } = await answer(mock, 'unbindMeetingChat', { authorization: alice, params: { calendar_id: demo.calendars.alice, event_id: demo.events.weeklySync }, query: { meeting_chat_id: chatId } })
        expect(code === 190002).toBe(!validator.validate(chatIdSchema, chatId).valid)
      }),
      { numRuns: 200 },
    )
  })

  it('answers 99991671 to any bearer token that starts with neither t- nor u-', async () => {
    await fc.assert(
      fc.asyncProperty(headerSafe.filter((t) => !t.startsWith('t-') && !t.startsWith('u-')), fc.constantFrom<OperationId>('unbindMeetingChat', 'createMeetingChat'), async (token, operationId) => {
        expect((await answer(mock, operationId, { authorization: `Bearer ${token}` })).code).toBe(99991671)
      }),
      { numRuns: 200 },
    )
  })

  it('answers 99991671 to any Authorization that is not Bearer', async () => {
    await fc.assert(
      fc.asyncProperty(headerSafe.filter((s) => s.toLowerCase() !== 'bearer'), headerSafe, async (scheme, token) => {
        expect((await answer(mock, 'unbindMeetingChat', { authorization: `${scheme} ${token}` })).code).toBe(99991671)
      }),
      { numRuns: 100 },
    )
  })

  it('answers any token-endpoint body with a documented answer, 10003 when it breaks the schema', async () => {
    const body = fc.oneof(fc.jsonValue(), fc.record({ app_id: fc.string(), app_secret: fc.string() }, { requiredKeys: [] }), fc.dictionary(fc.string(), fc.jsonValue()))
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom<OperationId>('getTenantAccessTokenInternal', 'getAppAccessToken', 'getTenantAccessToken', 'resendAppTicket'), async (value, operationId) => {
        const schema = specOperations().find((o) => o.operationId === operationId)?.requestBodySchema ?? {}
        const { code } = await answer(mock, operationId, { body: value as Json })
        if (!validator.validate(schema, value).valid) expect(code).toBe(10003)
      }),
      { numRuns: 200 },
    )
  })
})

describe('the fake', () => {
  it('answers 99991663 to any tenant token it did not issue', async () => {
    const fake = createFake(unlimitedDemo())
    await fc.assert(
      fc.asyncProperty(headerSafe.map((s) => `t-${s}`).filter((t) => !fake.tokens.some((k) => k.token === t)), async (token) => {
        expect((await answer(fake, 'createMeetingChat', { authorization: `Bearer ${token}` })).code).toBe(99991663)
      }),
      { numRuns: 150 },
    )
  })

  it('answers 99991668 to any user token it does not know', async () => {
    const fake = createFake(unlimitedDemo())
    await fc.assert(
      fc.asyncProperty(headerSafe.map((s) => `u-${s}`).filter((t) => !fake.tokens.some((k) => k.token === t)), async (token) => {
        expect((await answer(fake, 'unbindMeetingChat', { authorization: `Bearer ${token}` })).code).toBe(99991668)
      }),
      { numRuns: 150 },
    )
  })

  it('gives every created chat a distinct oc_ + 32 hex id', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), async (n) => {
        const events = Array.from({ length: n }, (_, i) => ({ calendarId: demo.calendars.alice, eventId: `generated-${i}_0`, attendees: 2 }))
        const seed = demoSeed()
        const fake = createFake({ ...seed, events: [...(seed.events ?? []), ...events] })
        const ids = new Set<string>()
        for (const e of events) {
          const response = await read(await fake.handle(specRequest('createMeetingChat', { authorization: alice, params: { calendar_id: e.calendarId, event_id: e.eventId } })))
          const id = (response.json as { data: { meeting_chat_id: string } }).data.meeting_chat_id
          expect(id).toMatch(/^oc_[0-9a-f]{32}$/)
          ids.add(id)
        }
        expect(ids.size).toBe(n)
      }),
      { numRuns: 20 },
    )
  })
})
