// The token cache shared through Redis: one token request for a fleet that starts cold at once, a refused token
// dropped for every process, tokens stored encrypted, and each process on its own tokens while Redis fails (said
// once). Each "process" is a cache with its own Redis connection; Debian's redis-server on a free loopback port.
import { createHash } from 'node:crypto'
import { inspect } from 'node:util'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/client/options.js'
import { createMeetingChatClient, type IssuedToken } from '../../src/index.js'
import { createSharedTokenCache, type SharedTokenCache, type StoreFailure } from '../../src/limiter/index.js'
import { hasRedisServer, startRedisServer, type RedisServer } from '../fleet/redis-server.js'

const run = hasRedisServer || process.env.CI ? describe : describe.skip
if (!hasRedisServer && !process.env.CI) console.warn('test/limiter/token-cache: redis-server is not installed (apt-get install -y redis-server); skipping.')

const SECRET = 'app-SECRET-for-the-token-cache-000001'
const APP = { appId: 'cli_tokencache0000001', appSecret: SECRET }
const ids = { calendarId: 'feishu.cn_tc@group.calendar.feishu.cn', eventId: 'tc-event_0', meetingChatId: 'oc_0000000000000000000000000000c0de' }

let server: RedisServer | undefined
const clients: Redis[] = []
let prefixes = 0
beforeAll(async () => {
  if (!hasRedisServer && !process.env.CI) return
  server = await startRedisServer()
}, 20_000)
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect()
})
afterAll(async () => {
  await server?.stop()
})

function connect(port = server?.port): Redis {
  const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, retryStrategy: () => 50 })
  client.on('error', () => {})
  clients.push(client)
  return client
}

/** A token endpoint that counts its calls; each answer is a new token, after `delayMs`. */
function platform(delayMs = 0) {
  const state = { tokenRequests: 0 }
  const fetchToken = async (): Promise<IssuedToken> => {
    const n = ++state.tokenRequests
    await new Promise((resolve) => setTimeout(resolve, delayMs))
    return { token: `t-shared-token-${n}-${'x'.repeat(20)}`, expire: 7200 }
  }
  return { state, fetchToken }
}

/** `n` caches, as `n` processes would have: each its own connection, one key prefix. */
function fleet(n: number, options: { lockWaitMs?: number; secret?: string; onStoreFailure?: (f: StoreFailure) => void } = {}): SharedTokenCache[] {
  const keyPrefix = `tc-${++prefixes}`
  return Array.from({ length: n }, () => createSharedTokenCache({ redis: connect(), secret: options.secret ?? SECRET, keyPrefix, ...options }))
}

run('createSharedTokenCache', () => {
  it('a fleet that starts cold at once makes one token request, and every process gets that token', async () => {
    const { state, fetchToken } = platform(100)
    const caches = fleet(5)
    const tokens = await Promise.all(caches.flatMap((c) => [c.get('app', fetchToken), c.get('app', fetchToken)]))
    expect(state.tokenRequests).toBe(1)
    expect(new Set(tokens)).toEqual(new Set(['t-shared-token-1-xxxxxxxxxxxxxxxxxxxx']))
    // Later calls read it from Redis.
    expect(await fleet(1)[0]!.get('other-app', fetchToken)).toBe('t-shared-token-2-xxxxxxxxxxxxxxxxxxxx')
    expect(await caches[3]!.get('app', fetchToken)).toBe(tokens[0])
    expect(state.tokenRequests).toBe(2)
  })

  it('stores no token in clear: Redis holds it sealed (AES-GCM) under a hashed key; another secret cannot open it', async () => {
    const { fetchToken } = platform()
    const [cache] = fleet(1)
    const token = await cache!.get('https://open.feishu.cn internal cli_x', fetchToken)
    const redis = connect()
    const keys = await redis.keys(`tc-${prefixes}:*`)
    expect(keys).toHaveLength(1)
    expect(keys[0]).toMatch(new RegExp(`^tc-${prefixes}:token:[0-9a-f]{32}$`))
    const value = (await redis.get(keys[0]!)) ?? ''
    expect(value).toMatch(/^v1\.[\w-]{22}\.[A-Za-z0-9+/=]+$/)
    expect(value).not.toContain(token)
    expect(value).not.toContain(Buffer.from(token).toString('base64'))
    expect(value).not.toContain(SECRET)
    // A cache with another secret finds nothing it can use, and fetches its own.
    const other = platform()
    const stranger = createSharedTokenCache({ redis: connect(), secret: 'another-secret', keyPrefix: `tc-${prefixes}` })
    await stranger.get('https://open.feishu.cn internal cli_x', other.fetchToken)
    expect(other.state.tokenRequests).toBe(1)
  })

  it('a token the platform refused is dropped for every process; one fetches the next', async () => {
    const { state, fetchToken } = platform(50)
    const caches = fleet(3)
    const first = await caches[0]!.get('app', fetchToken)
    expect(await caches[1]!.get('app', fetchToken)).toBe(first)
    caches[1]!.invalidate('app', first)
    const next = await Promise.all(caches.map((c) => c.get('app', fetchToken)))
    expect(state.tokenRequests).toBe(2)
    expect(new Set(next)).toEqual(new Set(['t-shared-token-2-xxxxxxxxxxxxxxxxxxxx']))
    // A late refusal of the old token does not drop the new one.
    caches[2]!.invalidate('app', first)
    expect(await caches[0]!.get('app', fetchToken)).toBe(next[0])
    expect(state.tokenRequests).toBe(2)
    // Each process had the refused token in hand; none stored it back, whichever took the lock.
    for (let round = 0; round < 5; round++) {
      caches[round % 3]!.invalidate('app', (await caches[round % 3]!.get('app', fetchToken)))
      const after = await Promise.all(caches.map((c) => c.get('app', fetchToken)))
      expect(new Set(after)).toEqual(new Set([`t-shared-token-${3 + round}-xxxxxxxxxxxxxxxxxxxx`]))
    }
    expect(state.tokenRequests).toBe(7)
  })

  it('waits for a lock holder at most lockWaitMs: a holder that died does not stop the fleet', async () => {
    const { state, fetchToken } = platform()
    const [cache] = fleet(1, { lockWaitMs: 300 })
    // The lock of the key, as a process that died holding it left it.
    const hashed = createHash('sha256').update('app').digest('hex').slice(0, 32)
    await connect().set(`tc-${prefixes}:token:${hashed}:lock`, 'dead-process', 'PX', 60_000)
    expect(await cache!.get('app', fetchToken)).toBe('t-shared-token-1-xxxxxxxxxxxxxxxxxxxx')
    expect(state.tokenRequests).toBe(1)
  })

  it('while Redis is down, each process keeps its own token (no new request), says so once, and shares again once Redis answers', async () => {
    const own = await startRedisServer()
    const failures: StoreFailure[] = []
    const redis = connect(own.port)
    const cache = createSharedTokenCache({ redis, secret: SECRET, keyPrefix: 'tc-down', onStoreFailure: (f) => failures.push(f) })
    const { state, fetchToken } = platform()
    const token = await cache.get('app', fetchToken)
    await own.stop()
    for (let i = 0; i < 5; i++) expect(await cache.get('app', fetchToken)).toBe(token)
    expect(cache.peek('app')).toBe(token)
    expect(state.tokenRequests).toBe(1)
    expect(cache.degraded).toBe(true)
    expect(failures.map((f) => f.state)).toEqual(['fallback'])
    expect(failures[0]?.error.message).toMatch(/Redis connection is not ready|ECONNREFUSED|did not answer/)
    // A refusal while down: the process fetches its own next token.
    cache.invalidate('app', token)
    const second = await cache.get('app', fetchToken)
    expect(second).toBe('t-shared-token-2-xxxxxxxxxxxxxxxxxxxx')
    expect(failures.map((f) => f.state)).toEqual(['fallback'])
    // Redis back (on the same port): the next calls find it again, said once; the token it gets is shared again.
    const again = await startRedisServer([], own.port)
    try {
      for (let i = 0; i < 200 && cache.degraded; i++) {
        await cache.get('app', fetchToken)
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
      expect(failures.map((f) => f.state)).toEqual(['fallback', 'recovered'])
      // Redis came back empty: the token this process kept is shared, not a new one asked for.
      expect(await cache.get('app', fetchToken)).toBe(second)
      const other = createSharedTokenCache({ redis: connect(own.port), secret: SECRET, keyPrefix: 'tc-down' })
      expect(await other.get('app', fetchToken)).toBe(second)
      expect(state.tokenRequests).toBe(2)
    } finally {
      await again.stop()
    }
  }, 20_000)

  it('refuses bad options with a ConfigError that never quotes the secret', () => {
    expect(() => createSharedTokenCache({ redis: connect(), secret: '' })).toThrow(ConfigError)
    expect(() => createSharedTokenCache({ redis: {}, secret: SECRET })).toThrow(/redis must be an ioredis client/)
    expect(() => createSharedTokenCache({ redis: connect(), secret: SECRET, lockWaitMs: -1 })).toThrow(/lockWaitMs must be a positive number/)
    expect(() => createSharedTokenCache(undefined as never)).toThrow(/options object/)
    try {
      createSharedTokenCache({ redis: connect(), secret: 42 as unknown as string })
    } catch (error) {
      expect((error as Error).message).toMatch(/secret must be a non-empty string.*got number/)
    }
  })

  it('shows no token or secret in toJSON or inspect', async () => {
    const { fetchToken } = platform()
    const [cache] = fleet(1)
    const token = await cache!.get('app', fetchToken)
    for (const shown of [JSON.stringify(cache), inspect(cache, { depth: 5, showHidden: true })]) {
      expect(shown).not.toContain(token)
      expect(shown).not.toContain(SECRET)
    }
    expect(cache!.toJSON()).toEqual({ store: 'redis', degraded: false, localTokens: 1 })
  })

  it('serves the client as its tokenCache: two clients (two processes) of one app, one token request; a 99991663 drops it for both', async () => {
    const seen = { tokenRequests: 0, unbinds: [] as string[] }
    let refuse = ''
    const fetch = async (request: Request) => {
      if (request.url.includes('tenant_access_token')) {
        seen.tokenRequests++
        return Response.json({ code: 0, msg: 'ok', tenant_access_token: `t-client-${seen.tokenRequests}-${'y'.repeat(20)}`, expire: 7200 })
      }
      const auth = request.headers.get('authorization') ?? ''
      seen.unbinds.push(auth)
      if (auth === `Bearer ${refuse}`) return Response.json({ code: 99991663, msg: 'Invalid access token for authorization' }, { status: 400 })
      return Response.json({ code: 0, msg: 'success', data: {} })
    }
    const caches = fleet(2)
    const [a, b] = caches.map((tokenCache) => createMeetingChatClient({ auth: APP, tokenCache, fetch, retry: false }))
    await Promise.all([a!.unbindMeetingChat(ids), b!.unbindMeetingChat(ids), a!.unbindMeetingChat(ids), b!.unbindMeetingChat(ids)])
    expect(seen.tokenRequests).toBe(1)
    refuse = 't-client-1-yyyyyyyyyyyyyyyyyyyy'
    await a!.unbindMeetingChat(ids) // refused, dropped, replayed with a new token
    await b!.unbindMeetingChat(ids) // reads the new token: the refused one is never sent again
    expect(seen.tokenRequests).toBe(2)
    expect(seen.unbinds.slice(4)).toEqual([`Bearer ${refuse}`, 'Bearer t-client-2-yyyyyyyyyyyyyyyyyyyy', 'Bearer t-client-2-yyyyyyyyyyyyyyyyyyyy'])
  })
})
