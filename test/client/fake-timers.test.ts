// A user's test as they write it: fake timers switched on before the client's first call (nothing preloaded, no
// real clock needed), msw answering, and time advanced through a retry's wait. The client loads nothing on demand,
// so nothing it awaits needs real time.
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { createMeetingChatClient } from '../../src/index.ts'

const BASE = 'https://open.feishu.cn'
const ids = { calendarId: 'feishu.cn_abc@group.calendar.feishu.cn', eventId: '75d28f9b-e35c-4230-8a83-123_0', meetingChatId: 'oc_a0553eda9014c201e6969b478895c230' }
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
afterAll(() => server.close())

it('a call made under fake timers waits out a 429\'s reset in fake time, then succeeds', async () => {
  vi.useFakeTimers()
  try {
    let unbinds = 0
    server.use(
      http.post(`${BASE}/open-apis/auth/v3/tenant_access_token/internal`, () => HttpResponse.json({ code: 0, msg: 'ok', tenant_access_token: 't-fake-timers', expire: 7200 })),
      http.delete(`${BASE}/open-apis/calendar/v4/calendars/:calendar/events/:event/meeting_chat`, () => {
        unbinds++
        return unbinds === 1
          ? HttpResponse.json({ code: 99991400, msg: 'request trigger frequency limit' }, { status: 429, headers: { 'x-ogw-ratelimit-reset': '2' } })
          : HttpResponse.json({ code: 0, msg: 'success', data: {} }, { headers: { 'X-Tt-Logid': 'log-after-wait' } })
      }),
    )
    const client = createMeetingChatClient({ auth: { appId: 'cli_a1b2c3d4e5f6a7b8', appSecret: 'secret-for-fake-timers' } })
    let result: unknown
    void client.unbindMeetingChat(ids).then((value) => { result = value })
    // Well before the reset has passed, only the first attempt was sent.
    await vi.advanceTimersByTimeAsync(1_500)
    expect([unbinds, result]).toEqual([1, undefined])
    // The 2 s reset counts from the 429's arrival, a moment after the start as msw answers.
    await vi.advanceTimersByTimeAsync(1_000)
    expect([unbinds, result]).toEqual([2, { logId: 'log-after-wait' }])
  } finally {
    vi.useRealTimers()
  }
})
