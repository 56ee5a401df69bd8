// The rate limiter alone: budgets from the spec or options, the headroom, holds, aborts, and the fallback
// when Redis cannot be reached. Time is vitest's fake clock.
import { Redis } from 'ioredis'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ConfigError } from '../../src/client/options.js'
import { createRateLimiter, type StoreFailure } from '../../src/limiter/index.js'

const unbind = { key: 'cli_a', operation: 'unbindMeetingChat' }

beforeEach(() => {
  vi.useFakeTimers()
  // The limiter counts in calendar seconds and minutes: start the clock at the top of one.
  vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'))
})
afterEach(() => {
  vi.useRealTimers()
})

/** Starts `n` acquires and returns how many have resolved, read after each step of `advance`. */
function start(acquire: () => Promise<unknown>, n: number) {
  let done = 0
  const all = Array.from({ length: n }, () => acquire().then(() => { done++ }))
  return { done: () => done, all: Promise.all(all) }
}

describe('createRateLimiter', () => {
  it('lets the spec\'s 50/s for unbind through less a 10% headroom, and the rest a second later', async () => {
    const limiter = createRateLimiter()
    const run = start(() => limiter.acquire(unbind), 60)
    await vi.advanceTimersByTimeAsync(0)
    expect(run.done()).toBe(45)
    await vi.advanceTimersByTimeAsync(999)
    expect(run.done()).toBe(45)
    await vi.advanceTimersByTimeAsync(1)
    expect(run.done()).toBe(60)
  })

  it('holds calls past the per-minute budget until the minute is over', async () => {
    const limiter = createRateLimiter({ limits: { unbindMeetingChat: { perMinute: 10 } }, headroom: 0 })
    const run = start(() => limiter.acquire(unbind), 11)
    await vi.advanceTimersByTimeAsync(59_999)
    expect(run.done()).toBe(10)
    await vi.advanceTimersByTimeAsync(1)
    expect(run.done()).toBe(11)
  })

  it('counts a call whose wait for its second crossed into the next minute in the minute it is sent in', async () => {
    const limiter = createRateLimiter({ limits: { unbindMeetingChat: { perSecond: 1, perMinute: 2 } }, headroom: 0 })
    vi.setSystemTime(new Date('2026-01-01T00:00:59.850Z'))
    const first = start(() => limiter.acquire(unbind), 2) // both count in minute 0; the second waits for second 60
    await vi.advanceTimersByTimeAsync(1_150)
    expect(first.done()).toBe(2)
    const next = start(() => limiter.acquire(unbind), 2) // minute 1 already holds the one sent at 00:01:00
    await vi.advanceTimersByTimeAsync(58_999)
    expect(next.done()).toBe(1)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(next.done()).toBe(2)
  })

  it('counts in calendar seconds, and sends nothing in the last 100 ms of one', async () => {
    const limiter = createRateLimiter({ limits: { unbindMeetingChat: { perSecond: 10 } }, headroom: 0 })
    vi.setSystemTime(new Date('2026-01-01T00:00:00.850Z'))
    const early = start(() => limiter.acquire(unbind), 12)
    await vi.advanceTimersByTimeAsync(0)
    expect(early.done()).toBe(10) // 150 ms left of this second: its whole budget
    await vi.advanceTimersByTimeAsync(51) // 00:00:00.901, in the guard band
    const late = start(() => limiter.acquire({ ...unbind, key: 'cli_b' }), 1)
    await vi.advanceTimersByTimeAsync(0)
    expect(late.done()).toBe(0)
    await vi.advanceTimersByTimeAsync(99) // the next second
    expect([early.done(), late.done()]).toEqual([12, 1])
  })

  it('does not cut a longer hold short', async () => {
    const limiter = createRateLimiter()
    await limiter.hold(unbind, 5_000)
    await limiter.hold(unbind, 1_000)
    const run = start(() => limiter.acquire(unbind), 1)
    await vi.advanceTimersByTimeAsync(4_999)
    expect(run.done()).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(run.done()).toBe(1)
  })

  it('holds at most maxHoldMs, a minute by default, whatever reset the platform gave', async () => {
    const limiter = createRateLimiter()
    await limiter.hold(unbind, 3_600_000)
    const run = start(() => limiter.acquire(unbind), 1)
    await vi.advanceTimersByTimeAsync(59_999)
    expect(run.done()).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(run.done()).toBe(1)

    const short = createRateLimiter({ maxHoldMs: 5_000 })
    await short.hold(unbind, 3_600_000)
    const held = start(() => short.acquire(unbind), 1)
    await vi.advanceTimersByTimeAsync(4_999)
    expect(held.done()).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(held.done()).toBe(1)
  })

  it('does not start a wait that would not end within maxWaitMs: it answers that wait at once, taking nothing', async () => {
    const limiter = createRateLimiter({ limits: { unbindMeetingChat: { perSecond: 1, perMinute: 2 } }, headroom: 0 })
    expect(await limiter.acquire(unbind, undefined, 0)).toBeUndefined() // room now: no wait, granted
    // The second's budget is spent: the next second is 1000 ms away, not within 500 ms.
    expect(await limiter.acquire(unbind, undefined, 500)).toBe(1_000)
    expect(await limiter.acquire(unbind, undefined, 1_000)).toBe(1_000) // a wait that ends at the deadline leaves no time to send
    expect(Date.now()).toBe(new Date('2026-01-01T00:00:00.000Z').getTime())
    // Neither refused call kept the minute's point it took first: the minute still has room for one more.
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await limiter.acquire(unbind, undefined, 0)).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await limiter.acquire(unbind, undefined, 1_000)).toBe(58_000) // now the minute is spent

    await limiter.hold(unbind, 3_000)
    expect(await limiter.acquire(unbind, undefined, 2_999)).toBe(3_000)
    const run = start(() => limiter.acquire({ ...unbind, key: 'cli_other' }, undefined, 1_000), 1)
    await vi.advanceTimersByTimeAsync(0)
    expect(run.done()).toBe(1) // another app's budget is not held
  })

  it('counts each app and tenant apart', async () => {
    const limiter = createRateLimiter({ limits: { unbindMeetingChat: { perSecond: 2 } }, headroom: 0 })
    const a = start(() => limiter.acquire(unbind), 3)
    const b = start(() => limiter.acquire({ ...unbind, key: 'cli_b' }), 3)
    await vi.advanceTimersByTimeAsync(0)
    expect([a.done(), b.done()]).toEqual([2, 2])
  })

  it('does not hold operations without a documented limit (the token endpoints)', async () => {
    const limiter = createRateLimiter()
    const run = start(() => limiter.acquire({ key: 'cli_a', operation: 'getTenantAccessTokenInternal' }), 500)
    await vi.advanceTimersByTimeAsync(0)
    expect(run.done()).toBe(500)
  })

  it('holds every call of the budget for the time the platform asked', async () => {
    const limiter = createRateLimiter()
    await limiter.hold(unbind, 3_000)
    const run = start(() => limiter.acquire(unbind), 1)
    await vi.advanceTimersByTimeAsync(2_999)
    expect(run.done()).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(run.done()).toBe(1)
  })

  it('stops waiting with the signal\'s reason', async () => {
    const limiter = createRateLimiter({ limits: { unbindMeetingChat: { perSecond: 1 } }, headroom: 0 })
    await limiter.acquire(unbind)
    const controller = new AbortController()
    let settled = false
    const waiting = limiter.acquire(unbind, controller.signal).finally(() => { settled = true })
    waiting.catch(() => {})
    // Into the wait for the next second first, so that the abort reaches the sleep, not the check before it.
    await vi.advanceTimersByTimeAsync(100)
    expect(settled).toBe(false)
    controller.abort(new Error('stop'))
    await expect(waiting).rejects.toThrow('stop')
  })

  it('refuses bad options with a ConfigError', () => {
    expect(() => createRateLimiter({ headroom: 1 })).toThrow(ConfigError)
    expect(() => createRateLimiter({ keyPrefix: '' })).toThrow(ConfigError)
    expect(() => createRateLimiter({ limits: { unbindMeetingChat: { perSecond: 0.5 } } })).toThrow(ConfigError)
    expect(() => createRateLimiter({ redis: 'redis://x' as unknown as object })).toThrow(ConfigError)
    expect(() => createRateLimiter({ maxHoldMs: 0 })).toThrow(/maxHoldMs must be a positive number/)
    expect(() => createRateLimiter({ maxHoldMs: Infinity })).toThrow(ConfigError)
    expect(() => createRateLimiter({ commandTimeoutMs: -1 })).toThrow(/commandTimeoutMs must be a positive number/)
    expect(() => createRateLimiter({ connectTimeoutMs: Number.NaN })).toThrow(/connectTimeoutMs must be a positive number/)
  })
})

describe('with Redis unreachable', () => {
  it('paces with a local budget, and says so once', async () => {
    // Nothing listens on port 1; no offline queue and no reconnects, so every command fails at once.
    const redis = new Redis({ port: 1, host: '127.0.0.1', lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null })
    const failures: StoreFailure[] = []
    const limiter = createRateLimiter({ redis, limits: { unbindMeetingChat: { perSecond: 2 } }, headroom: 0, onStoreFailure: (f) => failures.push(f) })
    const run = start(() => limiter.acquire(unbind), 3)
    await vi.advanceTimersByTimeAsync(0)
    expect(run.done()).toBe(2)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(run.done()).toBe(3)
    expect(limiter.degraded).toBe(true)
    expect(failures.map((f) => f.state)).toEqual(['fallback'])
    redis.disconnect()
  })
})
