// A limiter shared through a Redis that misbehaves: one that sleeps (DEBUG SLEEP) is a store failure after
// commandTimeoutMs, as one that is down: the calls fall back to the local budget at once and are sent, and no call
// waits on Redis until it answers again; one that refuses the password or the connection says why (WRONGPASS,
// ECONNREFUSED) through onStoreFailure. Debian's redis-server on a free loopback port, as test/fleet starts it; the
// client's side runs on the fake clock while Redis sleeps.
import { Redis, type RedisOptions } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createMeetingChatClient } from '../../src/index.ts'
import { createRateLimiter, type StoreFailure } from '../../src/limiter/index.ts'
import { hasRedisServer, startRedisServer, type RedisServer } from '../fleet/redis-server.ts'
import { refusedUrl } from './server.ts'

const APP = { appId: 'cli_redis00000000001', appSecret: 'redis-APP-SECRET-value-0001' }
const ids = { calendarId: 'feishu.cn_redis@group.calendar.feishu.cn', eventId: 'redis-event_0', meetingChatId: 'oc_0000000000000000000000000000beef' }
const request = { key: APP.appId, operation: 'unbindMeetingChat' }

// CI installs redis-server (.ci/run); elsewhere these tests say why they do not run.
const run = hasRedisServer || process.env.CI ? describe : describe.skip
if (!hasRedisServer && !process.env.CI) console.warn('test/faults/redis: redis-server is not installed (apt-get install -y redis-server); skipping.')

let server: RedisServer | undefined
const clients: Redis[] = []
beforeAll(async () => {
  if (!hasRedisServer && !process.env.CI) return
  server = await startRedisServer(['--enable-debug-command', 'local'])
}, 20_000)
afterEach(() => {
  vi.useRealTimers()
  for (const c of clients.splice(0)) c.disconnect()
})
afterAll(async () => {
  await server?.stop('SIGKILL')
})

function redisClient(options: RedisOptions): Redis {
  const client = new Redis({ host: '127.0.0.1', ...options })
  client.on('error', () => {})
  clients.push(client)
  return client
}

const ready = (client: Redis) => (client.status === 'ready' ? Promise.resolve() : new Promise<void>((resolve) => client.once('ready', () => resolve())))

/** A platform that answers every call: the unbinds it got are counted. */
function platform() {
  const state = { unbinds: 0 }
  const fetch = async (input: Request | string | URL) => {
    const url = input instanceof Request ? input.url : String(input)
    if (url.includes('tenant_access_token')) return Response.json({ code: 0, msg: 'ok', tenant_access_token: 't-redis', expire: 7200 })
    state.unbinds++
    return Response.json({ code: 0, msg: 'success', data: {} })
  }
  return { state, fetch }
}

/** Event-loop turns for real I/O, without moving the fake clock. */
async function turns(done: () => boolean, count = 100): Promise<void> {
  for (let i = 0; i < count && !done(); i++) await new Promise((resolve) => setImmediate(resolve))
}

run('a slow Redis', () => {
  it('a command with no answer within commandTimeoutMs is a store failure: calls fall back at once and are sent, none waits on Redis after', async () => {
    const redis = redisClient({ port: server!.port })
    await ready(redis)
    const failures: StoreFailure[] = []
    const rateLimiter = createRateLimiter({ redis, keyPrefix: `slow-${process.pid}`, onStoreFailure: (f) => failures.push(f) })
    const { state, fetch } = platform()
    const client = createMeetingChatClient({ auth: APP, fetch, rateLimiter, deadlineMs: 5_000 })
    await client.unbindMeetingChat(ids)
    expect(rateLimiter.degraded).toBe(false)

    // Redis sleeps 5 s: every command sent to it meanwhile waits. A moment of real time, so that it is asleep.
    const sleeper = redisClient({ port: server!.port })
    await ready(sleeper)
    let awake = false
    const sleeping = sleeper.call('DEBUG', 'SLEEP', '5').then(() => { awake = true })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(awake).toBe(false)

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const start = Date.now()
    let done = false
    const calls = Promise.all(Array.from({ length: 10 }, () => client.unbindMeetingChat(ids))).finally(() => { done = true })
    for (let step = 0; step < 50 && !done; step++) {
      await turns(() => done)
      if (!done) await vi.advanceTimersToNextTimerAsync()
    }
    await calls
    // One commandTimeoutMs on the fake clock (not the call's 5 s deadline), then the local budget: all ten sent.
    // (A call that reached Redis a moment after the others waits its own commandTimeoutMs, no more.)
    const tookMs = Date.now() - start
    expect(tookMs).toBeGreaterThanOrEqual(1_000)
    expect(tookMs).toBeLessThan(2_000)
    expect(state.unbinds).toBe(11)
    expect(failures).toHaveLength(1)
    expect(failures[0]).toMatchObject({ state: 'fallback', error: { message: 'Redis did not answer within 1000 ms' } })
    expect(rateLimiter.degraded).toBe(true)

    // In fallback, a call does not wait on Redis at all: it is sent with the clock standing still.
    const before = Date.now()
    let more = false
    const another = client.unbindMeetingChat(ids).then(() => { more = true })
    await turns(() => more, 1000)
    expect(more).toBe(true)
    await another
    expect(Date.now()).toBe(before)
    expect(awake).toBe(false) // all of it while Redis still slept

    // Redis wakes: the next call's probe gets an answer, and the budget is shared again.
    vi.useRealTimers()
    await sleeping
    await client.unbindMeetingChat(ids)
    await vi.waitFor(() => expect(failures.map((f) => f.state)).toEqual(['fallback', 'recovered']))
    expect(rateLimiter.degraded).toBe(false)
    expect(state.unbinds).toBe(13)
  }, 20_000)
})

run('a Redis that refuses', () => {
  it('the password (WRONGPASS): onStoreFailure says so, the secret not', async () => {
    const locked = await startRedisServer(['--requirepass', 'the-right-password'])
    try {
      const redis = redisClient({ port: locked.port, password: 'a-wrong-password' })
      const failures: StoreFailure[] = []
      const limiter = createRateLimiter({ redis, connectTimeoutMs: 300, onStoreFailure: (f) => failures.push(f) })
      expect(await limiter.acquire(request)).toBeUndefined() // paced locally
      expect(failures).toHaveLength(1)
      expect(failures[0]?.state).toBe('fallback')
      expect(failures[0]?.error.message).toMatch(/^Redis connection is not ready: WRONGPASS/)
      expect(failures[0]?.error.message).not.toContain('a-wrong-password')
    } finally {
      await locked.stop()
    }
  })

  it('the connection (ECONNREFUSED): onStoreFailure says so, and the default warning too', async () => {
    const port = Number(new URL(await refusedUrl()).port)
    const redis = redisClient({ port, retryStrategy: () => 50 })
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const limiter = createRateLimiter({ redis, connectTimeoutMs: 300 })
      expect(await limiter.acquire(request)).toBeUndefined()
      expect(limiter.degraded).toBe(true)
      expect(warn).toHaveBeenCalledTimes(1)
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/Redis store failed \(Redis connection is not ready: connect ECONNREFUSED 127\.0\.0\.1:\d+\)/)
    } finally {
      warn.mockRestore()
    }
  })
})
