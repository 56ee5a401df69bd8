// The client's pacing hook: every attempt of an app-identity call waits for the limiter; user-token calls only
// when asked; a rate-limit answer's reset holds the whole budget.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMeetingChatClient, type CallLimiter, type PacingRequest } from '../../src/index.js'
import { createRateLimiter } from '../../src/limiter/index.js'

const params = { calendarId: 'feishu.cn_abc@group.calendar.feishu.cn', eventId: 'evt_0', meetingChatId: 'oc_a0553eda9014c201e6969b478895c230' }
const APP = { appId: 'cli_pace', appSecret: 'pace-secret' }

/** A fetch that answers the token endpoint and counts the unbinds it was sent. */
function platform(answer: (n: number) => Response = () => Response.json({ code: 0, msg: 'success', data: {} })) {
  const state = { unbinds: 0 }
  const fetch = async (request: Request) => {
    if (request.url.includes('tenant_access_token')) return Response.json({ code: 0, msg: 'ok', tenant_access_token: 't-pace', expire: 7200 })
    state.unbinds++
    return answer(state.unbinds)
  }
  return { state, fetch }
}

/** A limiter that records what the client asks of it. */
function recordingLimiter(userCalls = false) {
  const acquired: PacingRequest[] = []
  const held: Array<[PacingRequest, number]> = []
  const limiter: CallLimiter = {
    userCalls,
    acquire: async (request) => { acquired.push(request) },
    hold: async (request, ms) => { held.push([request, ms]) },
  }
  return { acquired, held, limiter }
}

describe('a client with a rateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z')) // the top of a second: the limiter's windows are calendar seconds
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('sends app-identity calls only as fast as the budget allows', async () => {
    const { state, fetch } = platform()
    const rateLimiter = createRateLimiter({ limits: { unbindMeetingChat: { perSecond: 2 } }, headroom: 0 })
    const client = createMeetingChatClient({ auth: APP, fetch, rateLimiter })
    const calls = Promise.all(Array.from({ length: 5 }, () => client.unbindMeetingChat(params)))
    await vi.advanceTimersByTimeAsync(0)
    expect(state.unbinds).toBe(2)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(state.unbinds).toBe(4)
    await vi.advanceTimersByTimeAsync(1_000)
    await calls
    expect(state.unbinds).toBe(5)
  })

  it('fails a call whose wait for the budget would end past its deadline at once, as rate_limited with the wait, nothing sent', async () => {
    const { state, fetch } = platform()
    const rateLimiter = createRateLimiter({ limits: { unbindMeetingChat: { perSecond: 1 } }, headroom: 0 })
    const client = createMeetingChatClient({ auth: APP, fetch, rateLimiter, deadlineMs: 500 })
    const settledAt: number[] = []
    const outcomes = Promise.allSettled([1, 2, 3].map(() => client.unbindMeetingChat(params).finally(() => settledAt.push(Date.now()))))
    await vi.advanceTimersByTimeAsync(0)
    const settled = await outcomes
    expect(settled.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected'])
    // The next second starts in 1000 ms, past the deadline of 500 ms: no wait at all.
    for (const o of settled.slice(1)) expect(o.status === 'rejected' && o.reason).toMatchObject({ kind: 'rate_limited', attempts: 0, retryAfterMs: 1_000, retryable: true, msg: "no rate budget within the call's deadline of 500 ms" })
    expect(settledAt).toEqual([0, 0, 0].map(() => new Date('2026-01-01T00:00:00.000Z').getTime()))
    expect(state.unbinds).toBe(1)
  })

  it('waits for the budget when the wait leaves the attempt its time (timeoutMs, or half the time left)', async () => {
    const { state, fetch } = platform()
    const rateLimiter = createRateLimiter({ limits: { unbindMeetingChat: { perSecond: 1 } }, headroom: 0 })
    const client = createMeetingChatClient({ auth: APP, fetch, rateLimiter, deadlineMs: 2_100 }) // may wait 1050 ms
    const calls = Promise.all([1, 2].map(() => client.unbindMeetingChat(params)))
    await vi.advanceTimersByTimeAsync(999)
    expect(state.unbinds).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    await calls
    expect(state.unbinds).toBe(2)
  })

  it('passes the limiter the time left less what the attempt needs, and fails the call with the wait it answers', async () => {
    const { state, fetch } = platform()
    const asked: Array<number | undefined> = []
    const limiter: CallLimiter = { acquire: async (_request, _signal, maxWaitMs) => { asked.push(maxWaitMs); return 42_000 }, hold: async () => {} }
    const ask = async (deadlineMs: number, timeoutMs: number) => {
      const client = createMeetingChatClient({ auth: APP, fetch, rateLimiter: limiter, deadlineMs, timeoutMs })
      await expect(client.unbindMeetingChat(params)).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 42_000, attempts: 0 })
    }
    await ask(60_000, 10_000) // the time left less timeoutMs
    await ask(7_000, 10_000) // half the time left, when less than twice timeoutMs is left
    expect(asked).toEqual([50_000, 3_500])
    expect(state.unbinds).toBe(0)
  })

  it('does not start a wait that would leave the attempt too little time: a minute\'s budget spent 5 s into it', async () => {
    const { state, fetch } = platform()
    const rateLimiter = createRateLimiter({ limits: { unbindMeetingChat: { perMinute: 1 } }, headroom: 0 })
    const client = createMeetingChatClient({ auth: APP, fetch, rateLimiter }) // deadlineMs 60 s, timeoutMs 10 s
    vi.setSystemTime(new Date('2026-01-01T00:00:05.000Z'))
    await client.unbindMeetingChat(params)
    // The next minute is 55 s away: the attempt would have 5 s of its 10.
    await expect(client.unbindMeetingChat(params)).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 55_000, attempts: 0 })
    vi.setSystemTime(new Date('2026-01-01T00:00:15.000Z'))
    const waited = client.unbindMeetingChat(params) // 45 s away: it waits
    await vi.advanceTimersByTimeAsync(45_000)
    await waited
    expect(state.unbinds).toBe(2)
  })

  it('ends a call held by a limiter that never grants and ignores its signal, at the deadline', async () => {
    const { state, fetch } = platform()
    const limiter: CallLimiter = { acquire: () => new Promise<void>(() => {}), hold: async () => {} }
    const client = createMeetingChatClient({ auth: APP, fetch, rateLimiter: limiter, deadlineMs: 1_000 })
    const outcome = client.unbindMeetingChat(params).then(() => 'sent', (e: unknown) => e)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await outcome).toMatchObject({ kind: 'timeout' })
    expect(state.unbinds).toBe(0)
  })

  it('ends a call at its deadline when the limiter never finishes recording the platform\'s hold', async () => {
    const { state, fetch } = platform(() => Response.json({ code: 99991400, msg: 'request trigger frequency limit' }, { status: 429, headers: { 'x-ogw-ratelimit-reset': '1' } }))
    const limiter: CallLimiter = { acquire: async () => {}, hold: () => new Promise<void>(() => {}) }
    const client = createMeetingChatClient({ auth: APP, fetch, rateLimiter: limiter, deadlineMs: 300 })
    const outcome = client.unbindMeetingChat(params).then(() => 'sent', (e: unknown) => e)
    await vi.advanceTimersByTimeAsync(300)
    expect(await outcome).toMatchObject({ kind: 'timeout' })
    expect(state.unbinds).toBe(1)
  })

  it('asks the limiter before every attempt, under the app\'s key, and passes on the platform\'s reset', async () => {
    const { fetch } = platform((n) => n === 1
      ? Response.json({ code: 99991400, msg: 'request trigger frequency limit' }, { status: 429, headers: { 'x-ogw-ratelimit-reset': '2' } })
      : Response.json({ code: 0, msg: 'success', data: {} }))
    const { acquired, held, limiter } = recordingLimiter()
    const client = createMeetingChatClient({ auth: APP, fetch, rateLimiter: limiter })
    const call = client.unbindMeetingChat(params)
    await vi.advanceTimersByTimeAsync(2_000)
    await call
    const request = { key: 'cli_pace', operation: 'unbindMeetingChat' }
    expect(acquired).toEqual([request, request])
    expect(held).toEqual([[request, 2_000]])
  })

  it('does not pace user-token calls unless the limiter asks for them', async () => {
    const { fetch } = platform()
    const off = recordingLimiter(false)
    await createMeetingChatClient({ fetch, rateLimiter: off.limiter }).unbindMeetingChat(params, { userAccessToken: 'u-alice' })
    expect(off.acquired).toEqual([])
    const on = recordingLimiter(true)
    await createMeetingChatClient({ fetch, rateLimiter: on.limiter }).unbindMeetingChat(params, { userAccessToken: 'u-alice' })
    expect(on.acquired).toHaveLength(1)
  })
})
