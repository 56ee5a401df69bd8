// The proof of issue 14's first point: 500 unbinds against the sandbox, whose seed scales the app's limit down
// to 20/s and 300/min, end exactly once each with no 429 — and without the limiter the same run meets 429s.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { unbindMeetingChats, type UnbindResult } from '../../src/bulk/index.js'
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js'
import { APP, bulkItems, bulkSeed, type BulkItem } from './support.js'
import { useVirtualTime, type VirtualTime } from './virtual-time.js'

const COUNT = 500
const LIMIT = { perSecond: 20, perMinute: 300 }

let sandbox: Sandbox
let time: VirtualTime
beforeEach(async () => {
  sandbox = await startSandbox({ port: 0, seed: bulkSeed(COUNT, LIMIT) })
  await fetch(`${sandbox.url}/openapi.json`) // loads fetch's internals before the clock is faked
  time = useVirtualTime()
  // Both the sandbox and the limiter count in calendar seconds and minutes: start at the top of a minute.
  vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'))
})
afterEach(async () => {
  vi.useRealTimers()
  await sandbox.close()
})

async function collect(results: AsyncIterable<UnbindResult<BulkItem>>): Promise<UnbindResult<BulkItem>[]> {
  const out: UnbindResult<BulkItem>[] = []
  for await (const r of results) out.push(r)
  return out
}

const unbindCalls = () => sandbox.fake.calls.filter((c) => c.operationId === 'unbindMeetingChat')
// The limiter's budget is the seed's: the client does not know the sandbox's scaled-down limit otherwise.
const limits = { unbindMeetingChat: LIMIT }

describe('unbindMeetingChats against the sandbox at 20/s and 300/min', () => {
  it('ends every one of 500 items exactly once, and the sandbox answers no 429', async () => {
    const { createRateLimiter } = await import('../../src/limiter/index.js')
    const items = bulkItems(COUNT)
    const progress: number[] = []
    const { value: results, elapsedMs } = await time.run(collect(unbindMeetingChats(items, {
      domain: sandbox.url,
      auth: APP,
      fetch: time.fetch,
      concurrency: 20,
      rateLimiter: createRateLimiter({ limits }),
      onProgress: (p) => progress.push(p.done),
    })))

    expect(results).toHaveLength(COUNT)
    expect(new Set(results.map((r) => r.item)).size).toBe(COUNT)
    expect(results.filter((r) => !r.ok).map((r) => r.error?.message)).toEqual([])
    expect(unbindCalls().filter((c) => c.status === 429)).toHaveLength(0)
    expect(unbindCalls()).toHaveLength(COUNT)
    expect(items.every((it) => sandbox.fake.chat(it.meetingChatId)?.boundTo === undefined)).toBe(true)
    expect(progress).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1))
    // By the fake clock: within 10% of the fastest schedule the limits allow (300 in the first minute, then
    // 200 at 20/s from the 60th second: the last call at 69.95 s).
    expect(elapsedMs).toBeLessThanOrEqual(69_950 * 1.1)
  })

  it('without pacing, the same run meets the sandbox\'s 429s', async () => {
    const items = bulkItems(100)
    const { value: results } = await time.run(collect(unbindMeetingChats(items, {
      domain: sandbox.url,
      auth: APP,
      fetch: time.fetch,
      concurrency: 20,
      rateLimiter: false,
    })))
    expect(results).toHaveLength(100)
    expect(unbindCalls().filter((c) => c.status === 429).length).toBeGreaterThan(0)
  })
})
