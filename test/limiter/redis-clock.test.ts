// With Redis, the limiter counts its windows on Redis's clock (TIME, in the same script as the count), not on the
// process's: processes whose clocks differ count the same windows. Debian's redis-server on a free loopback port;
// the process's clock is set years away from Redis's, and the windows the store holds are those of Redis's time.
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createRateLimiter } from '../../src/limiter/index.js'
import { hasRedisServer, startRedisServer, type RedisServer } from '../fleet/redis-server.js'

const run = hasRedisServer || process.env.CI ? describe : describe.skip
if (!hasRedisServer && !process.env.CI) console.warn('test/limiter/redis-clock: redis-server is not installed (apt-get install -y redis-server); skipping.')

let server: RedisServer | undefined
let client: Redis
beforeAll(async () => {
  if (!hasRedisServer && !process.env.CI) return
  server = await startRedisServer()
  client = new Redis({ host: '127.0.0.1', port: server.port })
}, 20_000)
afterEach(() => {
  vi.useRealTimers()
})
afterAll(async () => {
  client?.disconnect()
  await server?.stop()
})

/** Redis's clock, in ms. */
async function redisNow(): Promise<number> {
  const [s, us] = await client.time()
  return Number(s) * 1000 + Math.floor(Number(us) / 1000)
}

run('the Redis clock', () => {
  it('counts each window on Redis\'s TIME: a process clock years off changes nothing in the store', async () => {
    // Only Date is faked: the process says 2031, Redis says now. Timers and I/O run for real.
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2031-06-01T00:00:30.500Z'))
    const limiter = createRateLimiter({ redis: client, keyPrefix: 'clock-a', limits: { unbindMeetingChat: { perSecond: 100, perMinute: 1000 } } })
    const before = await redisNow()
    await limiter.acquire({ key: 'cli_clock', operation: 'unbindMeetingChat' })
    const after = await redisNow()
    const [second, minute] = await Promise.all(['second', 'minute'].map((w) => client.hgetall(`clock-a:unbindMeetingChat:${w}:cli_clock`)))
    expect(second?.n).toBe('1')
    expect(Number(second?.w)).toBeGreaterThanOrEqual(Math.floor(before / 1000))
    expect(Number(second?.w)).toBeLessThanOrEqual(Math.floor(after / 1000))
    expect(Number(minute?.w)).toBeGreaterThanOrEqual(Math.floor(before / 60_000))
    expect(Number(minute?.w)).toBeLessThanOrEqual(Math.floor(after / 60_000))
    expect(Number(second?.w)).not.toBe(Math.floor(Date.now() / 1000))
    // Each key expires on Redis's clock, a window after its own ends.
    expect(await client.pttl('clock-a:unbindMeetingChat:second:cli_clock')).toBeLessThanOrEqual(2_000)
  })

  it('refuses past the budget of Redis\'s window, taking nothing for a refusal; a point given back goes only to its own window', async () => {
    const request = { key: 'cli_budget', operation: 'unbindMeetingChat' }
    const key = 'clock-b:unbindMeetingChat:minute:cli_budget'
    // Each try within one minute of Redis's clock (a try that straddles two is made again).
    for (let attempt = 0; ; attempt++) {
      await client.del(key, 'clock-b:unbindMeetingChat:second:cli_budget')
      const limiter = createRateLimiter({ redis: client, keyPrefix: 'clock-b', limits: { unbindMeetingChat: { perSecond: 2, perMinute: 3 } }, headroom: 0 })
      const start = await redisNow()
      // A count left by an earlier minute is not this minute's.
      await client.hset(key, 'w', Math.floor(start / 60_000) - 1, 'n', 3)
      const first = await limiter.acquire(request, undefined, 0)
      const second = await limiter.acquire(request, undefined, 0)
      // The second's budget (2) is spent: the minute's point this call took is given back.
      const third = await limiter.acquire(request, undefined, 0)
      const n = await client.hget(key, 'n')
      const end = await redisNow()
      if (Math.floor(start / 60_000) !== Math.floor(end / 60_000) && attempt < 3) continue
      expect([first, second]).toEqual([undefined, undefined])
      expect(third).toBeGreaterThan(0)
      expect(third).toBeLessThanOrEqual(1_000)
      expect(n).toBe('2')
      // A refusal of the minute itself answers the wait to the end of Redis's minute and takes nothing.
      await client.hset(key, 'n', 3)
      const refused = await limiter.acquire(request, undefined, 0)
      const left = 60_000 - ((await redisNow()) % 60_000)
      if (left > 59_000 && attempt < 3) continue
      expect(refused).toBeGreaterThanOrEqual(left)
      expect(refused).toBeLessThanOrEqual(left + 1_000)
      expect(await client.hget(key, 'n')).toBe('3')
      return
    }
  })
})
