// unbindMeetingChats on a stubbed platform: one result per item whatever happens, the concurrency bound,
// aborts, an early break, the per-item deadline and a failing source.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { unbindMeetingChats, type UnbindResult } from '../../src/bulk/index.js'
import { FeishuApiError } from '../../src/client/errors.js'
import { bulkItems, type BulkItem } from './support.js'

const auth = { appId: 'cli_bulk', appSecret: 'bulk-secret' }

/** A platform whose unbind answer is chosen per event id; tracks the calls in flight. */
function platform(answer: (eventId: string) => Response | Promise<Response> = () => Response.json({ code: 0, msg: 'success', data: {} })) {
  const state = { inFlight: 0, maxInFlight: 0, sent: [] as string[] }
  const fetch = async (request: Request) => {
    if (request.url.includes('tenant_access_token')) return Response.json({ code: 0, msg: 'ok', tenant_access_token: 't-bulk', expire: 7200 })
    const eventId = decodeURIComponent(new URL(request.url).pathname.split('/')[7] ?? '')
    state.sent.push(eventId)
    state.inFlight++
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight)
    try {
      await new Promise((resolve) => setImmediate(resolve))
      return await answer(eventId)
    } finally {
      state.inFlight--
    }
  }
  return { state, fetch }
}

async function collect<T>(results: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const r of results) out.push(r)
  return out
}

const forbidden = () => Response.json({ code: 195107, msg: 'no permission to unbind meeting chat' }, { status: 403, headers: { 'X-Tt-Logid': 'log-1' } })

describe('unbindMeetingChats', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('gives each item one result, failures typed, with at most `concurrency` calls in flight', async () => {
    const { state, fetch } = platform((eventId) => (eventId.endsWith('3_0') ? forbidden() : Response.json({ code: 0, msg: 'success', data: {} })))
    const items = bulkItems(40)
    const results = await collect(unbindMeetingChats(items, { auth, fetch, concurrency: 4, rateLimiter: false }))
    expect(results).toHaveLength(40)
    expect(new Set(results.map((r) => r.item))).toEqual(new Set(items))
    const failed = results.filter((r) => !r.ok)
    expect(failed.map((r) => r.item.eventId).sort()).toEqual(['bulk-13_0', 'bulk-23_0', 'bulk-33_0', 'bulk-3_0'])
    expect(failed[0]?.error).toBeInstanceOf(FeishuApiError)
    expect(failed[0]?.error).toMatchObject({ code: 195107, kind: 'permission', logId: 'log-1' })
    expect(state.sent).toHaveLength(40)
    expect(state.maxInFlight).toBe(4)
  })

  it('takes items from an async source, and a bad id ends its item without stopping the rest', async () => {
    const { fetch } = platform()
    async function* source(): AsyncGenerator<BulkItem> {
      yield* bulkItems(3)
      yield { calendarId: 'c', eventId: 'e_0', meetingChatId: 'not-a-chat' }
    }
    const results = await collect(unbindMeetingChats(source(), { auth, fetch, rateLimiter: false }))
    expect(results.map((r) => r.ok).sort()).toEqual([false, true, true, true])
    expect(results.find((r) => !r.ok)?.error.message).toMatch(/meetingChatId/)
  })

  it('on abort, ends the calls in flight with the reason and takes no further item', async () => {
    const controller = new AbortController()
    let taken = 0
    function* source(): Generator<BulkItem> {
      for (const item of bulkItems(100)) {
        taken++
        yield item
      }
    }
    const { fetch } = platform(async (eventId) => {
      if (eventId === 'bulk-5_0') controller.abort(new Error('operator stopped'))
      return Response.json({ code: 0, msg: 'success', data: {} })
    })
    const results = await collect(unbindMeetingChats(source(), { auth, fetch, concurrency: 3, rateLimiter: false, signal: controller.signal }))
    expect(results).toHaveLength(taken)
    expect(taken).toBeLessThan(100)
    expect(results.some((r) => !r.ok && r.error.message === 'operator stopped')).toBe(true)
  })

  it('stops taking items when the caller breaks out of the loop', async () => {
    const { state, fetch } = platform()
    let seen = 0
    for await (const _ of unbindMeetingChats(bulkItems(100), { auth, fetch, concurrency: 2, rateLimiter: false })) {
      if (++seen === 5) break
    }
    expect(state.sent.length).toBeLessThan(10)
  })

  it('takes at most about 2 × concurrency items ahead of a slow consumer', async () => {
    // The platform answers on setImmediate, faked here: runAllTimersAsync drives the run until nothing is left to
    // do, which without backpressure means until every item of the source has been taken and unbound.
    vi.useFakeTimers({ toFake: ['setImmediate'] })
    const { state, fetch } = platform()
    let taken = 0
    function* source(): Generator<BulkItem> {
      for (const item of bulkItems(1000)) {
        taken++
        yield item
      }
    }
    const concurrency = 3
    const results = unbindMeetingChats(source(), { auth, fetch, concurrency, rateLimiter: false })
    for (let read = 1; read <= 4; read++) {
      const next = results.next()
      await vi.runAllTimersAsync()
      expect((await next).done).toBe(false)
      await vi.runAllTimersAsync()
      expect(taken).toBeLessThanOrEqual(read + 2 * concurrency)
      expect(state.sent.length).toBeLessThanOrEqual(taken)
    }
    // Reading on ends every item taken in exactly one result, and a break stops taking.
    const seen = new Set<string>()
    for (;;) {
      const next = results.next()
      await vi.runAllTimersAsync()
      const r = await next
      if (r.done) break
      seen.add(r.value.item.eventId)
      if (seen.size === 20) break
    }
    const takenAtBreak = taken
    await results.return()
    await vi.runAllTimersAsync()
    expect(taken).toBe(takenAtBreak)
    expect(taken).toBeLessThanOrEqual(24 + 2 * concurrency)
  })

  it('ends a broken-out loop while the source\'s next() is pending', async () => {
    const { fetch } = platform()
    const [first] = bulkItems(1)
    let calls = 0
    let returned = false
    const source: AsyncIterableIterator<BulkItem> = {
      [Symbol.asyncIterator]() { return this },
      next: () => (++calls === 1 ? Promise.resolve({ done: false, value: first! }) : new Promise<IteratorResult<BulkItem>>(() => {})),
      return: () => {
        returned = true
        return Promise.resolve({ done: true, value: undefined })
      },
    }
    const seen: UnbindResult<BulkItem>[] = []
    for await (const r of unbindMeetingChats(source, { auth, fetch, concurrency: 2, rateLimiter: false })) {
      seen.push(r)
      break
    }
    expect(seen).toHaveLength(1)
    expect(seen[0]?.ok).toBe(true)
    expect(calls).toBe(2)
    expect(returned).toBe(true)
  })

  it('ends an item past its deadline with kind timeout', async () => {
    const { fetch } = platform((eventId) => (eventId === 'bulk-1_0' ? new Promise<Response>(() => {}) : Response.json({ code: 0, msg: 'success', data: {} })))
    const results: UnbindResult<BulkItem>[] = await collect(unbindMeetingChats(bulkItems(3), { auth, fetch, rateLimiter: false, deadlineMs: 50 }))
    expect(results).toHaveLength(3)
    expect(results.find((r) => r.item.eventId === 'bulk-1_0')?.error).toMatchObject({ kind: 'timeout' })
  })

  it('reports a failing source after the results of the items it gave', async () => {
    const { fetch } = platform()
    async function* source(): AsyncGenerator<BulkItem> {
      yield* bulkItems(2)
      throw new Error('file vanished')
    }
    const seen: boolean[] = []
    await expect((async () => {
      for await (const r of unbindMeetingChats(source(), { auth, fetch, concurrency: 1, rateLimiter: false })) seen.push(r.ok)
    })()).rejects.toThrow('file vanished')
    expect(seen).toEqual([true, true])
  })

  it('refuses a bad concurrency before sending anything', async () => {
    const { state, fetch } = platform()
    await expect(collect(unbindMeetingChats(bulkItems(1), { auth, fetch, concurrency: 0 }))).rejects.toThrow(/concurrency/)
    expect(state.sent).toEqual([])
  })
})
