// Fleets: three processes share one budget through Redis (Debian's redis-server, started here on a free
// loopback port) and the sandbox answers no 429; paced alone, the same three overrun it.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRateLimiter } from '../../src/limiter/index.js'
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js'
import { bulkItems, bulkSeed, type BulkItem } from '../bulk/support.js'
import { requireBuild } from '../sandbox/support.js'
import { hasRedisServer, startRedisServer, type RedisServer } from './redis-server.js'

const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url))
const PER_SECOND = 20

// CI installs redis-server (.ci/run); elsewhere these tests say why they do not run.
const run = hasRedisServer || process.env.CI ? describe : describe.skip
if (!hasRedisServer && !process.env.CI) console.warn('test/fleet: redis-server is not installed (apt-get install -y redis-server); skipping the fleet tests.')

let redis: RedisServer
beforeAll(async () => {
  if (!hasRedisServer && !process.env.CI) return
  requireBuild()
  redis = await startRedisServer()
}, 20_000)
afterAll(async () => {
  await redis?.stop()
})

function worker(url: string, redisPort: string, items: readonly BulkItem[]): Promise<{ ok: number; failed: number; degraded: boolean; store: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [WORKER, url, redisPort, JSON.stringify(items), String(PER_SECOND)], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`))
      else resolve(JSON.parse(stdout.trim()))
    })
  })
}

async function fleet(redisPort: string): Promise<{ sandbox: Sandbox; reports: Awaited<ReturnType<typeof worker>>[] }> {
  const items = bulkItems(60)
  const sandbox = await startSandbox({ port: 0, seed: bulkSeed(60, { perSecond: PER_SECOND, perMinute: 60_000 }) })
  const reports = await Promise.all([0, 1, 2].map((i) => worker(sandbox.url, redisPort, items.slice(i * 20, i * 20 + 20))))
  await sandbox.close()
  return { sandbox, reports }
}

const unbinds = (s: Sandbox) => s.fake.calls.filter((c) => c.operationId === 'unbindMeetingChat')

run('three processes against one sandbox', () => {
  it('sharing a Redis-backed limiter: every item done, 0 x 429 in total', async () => {
    const { sandbox, reports } = await fleet(String(redis.port))
    expect(reports).toEqual(Array(3).fill({ ok: 20, failed: 0, degraded: false, store: 'redis' }))
    expect(unbinds(sandbox).filter((c) => c.status === 429)).toHaveLength(0)
    expect(unbinds(sandbox)).toHaveLength(60)
  }, 30_000)

  it('each pacing alone: together they overrun the budget', async () => {
    const { sandbox } = await fleet('local')
    expect(unbinds(sandbox).filter((c) => c.status === 429).length).toBeGreaterThan(0)
  }, 30_000)
})

run('key prefixes', () => {
  it('limiters with the same prefix draw from one budget; another prefix has its own', async () => {
    const client = new Redis({ port: redis.port, host: '127.0.0.1' })
    const request = { key: 'cli_x', operation: 'unbindMeetingChat' }
    const limits = { unbindMeetingChat: { perMinute: 100 } }
    await createRateLimiter({ redis: client, keyPrefix: 'team-a', limits }).acquire(request)
    await createRateLimiter({ redis: client, keyPrefix: 'team-a', limits }).acquire(request)
    await createRateLimiter({ redis: client, keyPrefix: 'team-b', limits }).acquire(request)
    // One hash per app and window size: the window's number (on Redis's clock) and its count.
    const counted = async (prefix: string) => Number(await client.hget(`${prefix}:unbindMeetingChat:minute:cli_x`, 'n'))
    expect(await counted('team-a')).toBe(2)
    expect(await counted('team-b')).toBe(1)
    client.disconnect()
  })

  it('when Redis stops, falls back to a local budget and says so', async () => {
    const server = await startRedisServer()
    const client = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null })
    const states: string[] = []
    const limiter = createRateLimiter({ redis: client, onStoreFailure: (f) => states.push(f.state) })
    const request = { key: 'cli_x', operation: 'unbindMeetingChat' }
    await limiter.acquire(request)
    expect(limiter.degraded).toBe(false)
    await server.stop()
    await limiter.acquire(request)
    expect(limiter.degraded).toBe(true)
    expect(states).toEqual(['fallback'])
    client.disconnect()
  })
})
