// feishu-meeting-chat/bulk: unbind many meeting chats within the platform's rate limits, each item ending in
// exactly one result. Node only (the pacing comes from feishu-meeting-chat/limiter).
/**
 * `feishu-meeting-chat/bulk`: {@link unbindMeetingChats} unbinds many meeting chats, paced within the platform's
 * rate limits (50/s and 1,000/min per app and tenant), each item ending in exactly one result. Node only.
 *
 * @module feishu-meeting-chat/bulk
 */
import { createMeetingChatClient, type CallOptions, type MeetingChatClient, type UnbindMeetingChatParams } from '../client/client.js'
import { FeishuApiError } from '../client/errors.js'
import { describeValue } from '../client/describe.js'
import { ConfigError, type MeetingChatClientOptions } from '../client/options.js'
import type { CallLimiter } from '../client/pacing.js'
import { createRateLimiter } from '../limiter/index.js'

/** One item's outcome: `ok` with the answer's log id, or the error that ended it (a FeishuApiError, a ConfigError for a bad id, or the abort reason). */
export type UnbindResult<T> =
  | {
      /** The item, as it was taken from `items`. */
      readonly item: T
      /** It was unbound. */
      readonly ok: true
      /** The answer's log id. */
      readonly logId: string | null
      readonly error?: undefined
    }
  | {
      /** The item, as it was taken from `items`. */
      readonly item: T
      /** It was not unbound. */
      readonly ok: false
      /** Why: a FeishuApiError (its code, kind, hint, logId), or the abort's reason. */
      readonly error: Error
    }

/** How far a run is, told to `onProgress` after each result. */
export interface BulkProgress {
  /** Items taken from the source so far. */
  readonly started: number
  /** Items with a result. */
  readonly done: number
  /** Items unbound. */
  readonly succeeded: number
  /** Items that ended in an error. */
  readonly failed: number
  /** The number of items when the source is an array, else undefined. */
  readonly total: number | undefined
}

/** The options of {@link unbindMeetingChats}: every client option, and those of the run. */
export interface UnbindMeetingChatsOptions extends Omit<MeetingChatClientOptions, 'rateLimiter'> {
  /** Calls in flight at once (default 10). The rate limiter decides when each is sent. */
  readonly concurrency?: number
  /**
   * Pacing: by default a limiter in this process within each operation's documented budget (the spec's
   * `x-rate-limit`, 50/s and 1000/min for unbind), user-token calls included; pass `createRateLimiter({ redis })`
   * to share the budget with other processes, or `false` to send as fast as `concurrency` allows.
   */
  readonly rateLimiter?: CallLimiter | false
  /** Stops taking items and aborts the calls in flight: each of them ends with the signal's reason. */
  readonly signal?: AbortSignal
  /**
   * Time allowed for each item, pacing waits and retries included; past it the item ends with `kind: 'timeout'`, and an
   * item whose wait for the rate budget would end past it ends at once as `rate_limited` with `retryAfterMs` (with a
   * given `client`, that client's own `deadlineMs` decides this). None by default (the client's `deadlineMs`).
   */
  readonly deadlineMs?: number
  /** The identity of every call (`userAccessToken` or `tenantAccessToken`), else the client's `auth`. */
  readonly callOptions?: Omit<CallOptions, 'signal'>
  /** Called after each result. */
  readonly onProgress?: (progress: BulkProgress) => void
  /** A client to use instead of one made from these options (its own rateLimiter then applies). */
  readonly client?: MeetingChatClient
}

/** The defaults of {@link unbindMeetingChats}' own options. */
export const BULK_DEFAULTS = { concurrency: 10 } as const

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a positive integer; got ${describeValue(value)}.`)
  return value
}

const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)))

/**
 * Unbinds the meeting chat of every item, `concurrency` at a time, paced within the platform's rate limits.
 * Yields one result per item taken, in the order they finish; after an abort (or a `break` out of the
 * loop) no further item is taken from `items`.
 *
 * @example
 * for await (const r of unbindMeetingChats(items, { auth: { appId, appSecret } })) {
 *   if (!r.ok) console.error(r.item.eventId, r.error.message)
 * }
 */
export async function* unbindMeetingChats<T extends UnbindMeetingChatParams>(
  items: Iterable<T> | AsyncIterable<T>,
  options: UnbindMeetingChatsOptions = {},
): AsyncGenerator<UnbindResult<T>, void, undefined> {
  const concurrency = positiveInteger('concurrency', options.concurrency, BULK_DEFAULTS.concurrency)
  const deadlineMs = options.deadlineMs === undefined ? undefined : positiveInteger('deadlineMs', options.deadlineMs, 1)
  const { concurrency: _c, rateLimiter: _r, signal: outer, deadlineMs: _d, callOptions, onProgress, client: given, ...clientOptions } = options
  const rateLimiter = options.rateLimiter === false ? undefined : (options.rateLimiter ?? createRateLimiter({ userCalls: true }))
  // The item's deadline is its call's: the client then knows it, and fails a wait for the budget that would end past
  // it at once (rate_limited, with retryAfterMs) instead of waiting it out. The timer in run() stays for a given client.
  const client = given ?? createMeetingChatClient({ ...clientOptions, ...(rateLimiter && { rateLimiter }), ...(deadlineMs !== undefined && { deadlineMs }) })
  const source: Iterator<T> | AsyncIterator<T> = Symbol.asyncIterator in Object(items)
    ? (items as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (items as Iterable<T>)[Symbol.iterator]()

  const stop = new AbortController()
  const signal = outer ? AbortSignal.any([outer, stop.signal]) : stop.signal
  const total = Array.isArray(items) ? items.length : undefined
  const counts = { started: 0, done: 0, succeeded: 0, failed: 0 }
  const ready: UnbindResult<T>[] = []
  let running = concurrency
  let sourceError: { error: unknown } | undefined
  let wake: (() => void) | undefined

  // Items are pulled one at a time: an async iterator need not support overlapping next() calls. Once the
  // run is stopped (the consumer stopped reading, or the source failed) no further next() is called.
  let pulling: Promise<unknown> = Promise.resolve()
  let pullsPending = 0
  const pull = (): Promise<IteratorResult<T>> => {
    pullsPending++
    const next = pulling
      .then(() => (stop.signal.aborted ? { done: true as const, value: undefined } : source.next()))
      .finally(() => { pullsPending-- })
    pulling = next.catch(() => undefined)
    return next
  }
  /** A pull, or undefined as soon as the run is stopped: a stopped worker no longer waits on a pending next(). */
  const pullUnlessStopped = (): Promise<IteratorResult<T> | undefined> => new Promise((resolve, reject) => {
    if (stop.signal.aborted) return resolve(undefined)
    const onStop = () => resolve(undefined)
    stop.signal.addEventListener('abort', onStop, { once: true })
    pull().then(
      (next) => { stop.signal.removeEventListener('abort', onStop); resolve(next) },
      (error: unknown) => { stop.signal.removeEventListener('abort', onStop); reject(error) },
    )
  })

  // Backpressure: a worker takes no further item while `concurrency` results wait for the consumer, so at most
  // about 2 × concurrency items are taken ahead of it. Woken when the consumer takes a result, or on abort.
  let roomWaiters: (() => void)[] = []
  const freeRoom = () => {
    const waiters = roomWaiters
    roomWaiters = []
    for (const w of waiters) w()
  }
  const room = () => new Promise<void>((resolve) => { roomWaiters.push(resolve) })
  signal.addEventListener('abort', freeRoom, { once: true })

  async function run(item: T): Promise<UnbindResult<T>> {
    const deadline = new AbortController()
    const timer = deadlineMs === undefined ? undefined : setTimeout(() => deadline.abort(new DOMException(`no result within ${deadlineMs} ms`, 'TimeoutError')), deadlineMs)
    try {
      const params = { calendarId: item.calendarId, eventId: item.eventId, meetingChatId: item.meetingChatId }
      const { logId } = await client.unbindMeetingChat(params, { ...callOptions, signal: AbortSignal.any([signal, deadline.signal]) })
      return { item, ok: true, logId }
    } catch (error) {
      if (deadline.signal.aborted && !signal.aborted) {
        return { item, ok: false, error: new FeishuApiError({ kind: 'timeout', msg: `no result within the item's deadline of ${deadlineMs} ms`, operation: 'unbindMeetingChat' }) }
      }
      return { item, ok: false, error: toError(error) }
    } finally {
      clearTimeout(timer)
    }
  }

  async function worker(): Promise<void> {
    try {
      while (!signal.aborted) {
        if (ready.length >= concurrency) {
          await room()
          continue
        }
        let next: IteratorResult<T> | undefined
        try {
          next = await pullUnlessStopped()
        } catch (error) {
          sourceError ??= { error }
          stop.abort(toError(error))
          return
        }
        if (next === undefined || next.done) return
        counts.started++
        const result = await run(next.value)
        counts.done++
        if (result.ok) counts.succeeded++
        else counts.failed++
        ready.push(result)
        onProgress?.({ ...counts, total })
        wake?.()
      }
    } finally {
      running--
      wake?.()
    }
  }

  const workers = Array.from({ length: concurrency }, worker)
  try {
    for (;;) {
      const result = ready.shift()
      if (result) {
        freeRoom()
        yield result
        continue
      }
      if (running === 0) break
      await new Promise<void>((resolve) => {
        wake = resolve
      })
      wake = undefined
    }
    if (sourceError) throw sourceError.error
  } finally {
    // A consumer that stops early (break, throw) aborts what is in flight; the source is closed either way.
    stop.abort(new DOMException('the caller stopped reading the results', 'AbortError'))
    freeRoom()
    await Promise.allSettled(workers)
    // A next() may still be pending (a stopped worker stops waiting on it). return() is called anyway, so that
    // the source can release what it holds, but is awaited only when no next() is pending: an async generator
    // answers return() only after its pending next() settles, which may be never.
    if (pullsPending === 0) await source.return?.()
    else new Promise((resolve) => resolve(source.return?.())).catch(() => undefined)
  }
}
