// A rate-limit reset far past the deadline (one 429 with x-ogw-ratelimit-reset: 3600) against a client paced by
// the limiter: the call that got it fails at once (the platform's reset), and so does every call of the budget
// after it, as `rate_limited` with `retryAfterMs` and nothing sent, never as a late `timeout`; the hold itself is
// capped, so that one absurd reset stops the budget for a minute, not an hour. The loopback fault server, on the
// fake clock.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { unbindMeetingChats, type UnbindResult } from '../../src/bulk/index.ts'
import { createMeetingChatClient, FeishuApiError } from '../../src/index.ts'
import { createRateLimiter } from '../../src/limiter/index.ts'
import { startFaultServer, type FaultServer } from './server.ts'

const APP = { appId: 'cli_hold000000000001', appSecret: 'hold-APP-SECRET-value-0001' }
const DEADLINE_MS = 3_000
const item = (i: number) => ({ calendarId: 'feishu.cn_hold@group.calendar.feishu.cn', eventId: `hold-${i}_0`, meetingChatId: `oc_${i.toString(16).padStart(32, '0')}` })

let server: FaultServer
beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(async () => {
  await server.close()
})
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'))
})
afterEach(() => {
  vi.useRealTimers()
})

/** Event-loop turns for real loopback I/O, without moving the fake clock. */
async function turns(done: () => boolean, count = 100): Promise<void> {
  for (let i = 0; i < count && !done(); i++) await new Promise((resolve) => setImmediate(resolve))
}

/** Runs `work` to its end, moving the fake clock only when nothing else can happen; returns its outcome and the fake time it took. */
async function settle<T>(work: () => Promise<T>): Promise<{ value?: T; error?: unknown; tookMs: number }> {
  const start = Date.now()
  let outcome: { value?: T; error?: unknown; at: number } | undefined
  work().then((value) => { outcome = { value, at: Date.now() } }, (error: unknown) => { outcome = { error, at: Date.now() } })
  for (let step = 0; step < 400 && !outcome; step++) {
    await turns(() => outcome !== undefined)
    if (!outcome) await vi.advanceTimersToNextTimerAsync()
  }
  if (!outcome) throw new Error('did not settle')
  return { ...outcome, tookMs: outcome.at - start }
}

describe('a rate-limit reset an hour away, with a rateLimiter', () => {
  it('fails every later call of the budget at once as rate_limited with retryAfterMs, nothing sent; the hold lasts a minute', async () => {
    server.script('unbind', (n) => (n === 1 ? 'rate-limited-1h' : 'ok'))
    const before = server.requests.unbind
    const client = createMeetingChatClient({ domain: server.url, auth: APP, deadlineMs: DEADLINE_MS, rateLimiter: createRateLimiter() })

    const first = await settle(() => client.unbindMeetingChat(item(0)))
    expect(first.error).toBeInstanceOf(FeishuApiError)
    expect(first.error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3_600_000, attempts: 1 })
    expect(server.requests.unbind - before).toBe(1)

    const second = await settle(() => client.unbindMeetingChat(item(1)))
    expect(second.error).toBeInstanceOf(FeishuApiError)
    // The hold is capped at a minute (maxHoldMs): that is the wait the call is told.
    expect(second.error).toMatchObject({ kind: 'rate_limited', attempts: 0, retryAfterMs: 60_000, msg: "no rate budget within the call's deadline of 3000 ms" })
    expect(second.tookMs).toBe(0)
    expect(server.requests.unbind - before).toBe(1)

    // A bulk run of 20 items on that client: 20 rate_limited at once, nothing sent.
    const bulk = await settle(async () => {
      const results: UnbindResult<ReturnType<typeof item>>[] = []
      for await (const r of unbindMeetingChats(Array.from({ length: 20 }, (_, i) => item(i + 2)), { client })) results.push(r)
      return results
    })
    expect(bulk.tookMs).toBe(0)
    expect(bulk.value?.map((r) => (r.ok ? 'ok' : (r.error as FeishuApiError).kind))).toEqual(Array(20).fill('rate_limited'))
    expect(server.requests.unbind - before).toBe(1)

    // A minute later the budget is open again.
    vi.setSystemTime(Date.now() + 60_000)
    const later = await settle(() => client.unbindMeetingChat(item(30)))
    expect(later.error).toBeUndefined()
    expect(server.requests.unbind - before).toBe(2)
  })

  it('with the default deadline (60 s) and timeoutMs (10 s): a call a second after the hold does not wait 59 s of its 60 for it', async () => {
    server.script('unbind', () => 'rate-limited-1h')
    const before = server.requests.unbind
    const client = createMeetingChatClient({ domain: server.url, auth: APP, rateLimiter: createRateLimiter() })
    const first = await settle(() => client.unbindMeetingChat(item(0)))
    expect(first.error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3_600_000 })
    vi.setSystemTime(Date.now() + 1_000)
    const second = await settle(() => client.unbindMeetingChat(item(1)))
    expect(second.error).toMatchObject({ kind: 'rate_limited', attempts: 0, retryAfterMs: 59_000 })
    expect(second.tookMs).toBe(0)
    expect(server.requests.unbind - before).toBe(1)
  })

  it('bulk with its own per-item deadlineMs: items held past it end rate_limited at once, not as timeouts', async () => {
    server.script('unbind', () => 'ok')
    const before = server.requests.unbind
    const rateLimiter = createRateLimiter()
    await rateLimiter.hold({ key: APP.appId, operation: 'unbindMeetingChat' }, 10_000)
    const bulk = await settle(async () => {
      const results: UnbindResult<ReturnType<typeof item>>[] = []
      for await (const r of unbindMeetingChats(Array.from({ length: 20 }, (_, i) => item(i)), { domain: server.url, auth: APP, rateLimiter, deadlineMs: DEADLINE_MS })) results.push(r)
      return results
    })
    expect(bulk.tookMs).toBe(0)
    expect(bulk.value?.map((r) => (r.ok ? 'ok' : `${(r.error as FeishuApiError).kind} ${(r.error as FeishuApiError).retryAfterMs}`))).toEqual(Array(20).fill('rate_limited 10000'))
    expect(server.requests.unbind - before).toBe(0)
  })
})
