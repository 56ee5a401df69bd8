// Issue 11: ids built to break URLs (lone surrogates, % sequences, `..` in many encodings, backslashes,
// control characters). Seeded and bounded. Whatever the id, the client throws nothing but FeishuApiError or
// ConfigError, and any request it sends stays on the operation's path at the configured origin, with each
// id in exactly one path segment that decodes back to it.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ConfigError, createMeetingChatClient, FeishuApiError } from '../../src/index.ts'

const BASE = 'https://open.feishu.cn/prefix'
const CHAT = 'oc_a0553eda9014c201e6969b478895c230'
const RUNS = { seed: 20261125, numRuns: 1500 }

const dots = ['..', '.', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '%252e%252e', '..%2f', '..%5c', '..\\', '..;', '\uff0e\uff0e', '%c0%ae%c0%ae', '..%00', '..\u2215']
const nasty = ['%', '%%', '%zz', '%2', '%00', '%2f', '%5C', '\\', '/', '?', '#', '@', '\u0000', '\u0007', '\r\n', '\u007f', '\u0085', '\u2028', '\uD800', '\uDC00', '\uDBFF\uDFFF', '\uD83D\uDE00', ' ', '\t', ':', ';', '&', '=', '+']
const piece = fc.oneof(
  fc.constantFrom(...dots, ...nasty),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), maxLength: 3 }),
  fc.constantFrom('feishu.cn_abc@group.calendar.feishu.cn', 'evt_0', 'oc_x'),
)
const id = fc.array(piece, { maxLength: 5 }).map((parts) => parts.join(''))

describe('fuzzed ids', () => {
  it('throw only typed errors and never leave the path or the origin', async () => {
    const sent: string[] = []
    const client = createMeetingChatClient({
      domain: BASE,
      auth: { tenantAccessToken: 't-fuzz-token' },
      retry: false,
      fetch: async (request) => {
        sent.push(request.url)
        return Response.json({ code: 0, msg: 'success', data: { meeting_chat_id: CHAT, applink: 'https://applink.feishu.cn/x' } })
      },
    })
    await fc.assert(
      fc.asyncProperty(id, id, fc.oneof(id, fc.constant(CHAT)), fc.boolean(), async (calendarId, eventId, meetingChatId, create) => {
        sent.length = 0
        try {
          if (create) await client.createMeetingChat({ calendarId, eventId })
          else await client.unbindMeetingChat({ calendarId, eventId, meetingChatId })
        } catch (error) {
          if (!(error instanceof FeishuApiError) && !(error instanceof ConfigError)) throw error
          expect(sent).toHaveLength(0)
          return
        }
        expect(sent).toHaveLength(1)
        const url = new URL(sent[0] as string)
        expect(url.origin).toBe('https://open.feishu.cn')
        const segments = url.pathname.split('/')
        expect(segments.slice(0, 6)).toEqual(['', 'prefix', 'open-apis', 'calendar', 'v4', 'calendars'])
        expect(segments.slice(7)).toEqual(['events', segments[8], 'meeting_chat'])
        expect(segments).toHaveLength(10)
        expect(decodeURIComponent(segments[6] as string)).toBe(calendarId)
        expect(decodeURIComponent(segments[8] as string)).toBe(eventId)
        if (!create) expect(url.searchParams.get('meeting_chat_id')).toBe(meetingChatId)
      }),
      RUNS,
    )
  })

  it('through client.api too: only typed errors, never off the path or origin', async () => {
    const sent: string[] = []
    const client = createMeetingChatClient({
      domain: BASE,
      auth: { tenantAccessToken: 't-fuzz-token' },
      retry: false,
      fetch: async (request) => {
        sent.push(request.url)
        return Response.json({ code: 0, msg: 'success', data: {} })
      },
    })
    await fc.assert(
      fc.asyncProperty(id, id, id, async (calendarId, eventId, meetingChatId) => {
        sent.length = 0
        try {
          await client.api.DELETE('/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat', {
            params: { path: { calendar_id: calendarId, event_id: eventId }, query: { meeting_chat_id: meetingChatId } },
          })
        } catch (error) {
          if (!(error instanceof FeishuApiError) && !(error instanceof ConfigError)) throw error
          return
        }
        expect(sent).toHaveLength(1)
        const url = new URL(sent[0] as string)
        expect(url.origin).toBe('https://open.feishu.cn')
        const segments = url.pathname.split('/')
        expect(segments).toHaveLength(10)
        expect([segments[5], segments[7], segments[9]]).toEqual(['calendars', 'events', 'meeting_chat'])
        expect(decodeURIComponent(segments[6] as string)).toBe(calendarId)
        expect(decodeURIComponent(segments[8] as string)).toBe(eventId)
      }),
      { ...RUNS, numRuns: 500 },
    )
  })
})
