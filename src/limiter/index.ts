// feishu-meeting-chat/limiter: proactive pacing for the client, on rate-limiter-flexible. In memory by
// default; with a Redis client, every process using the same key prefix draws from one budget. Node only.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts, type RateLimiterAbstract } from 'rate-limiter-flexible'
import type { CallLimiter, PacingRequest } from '../client/pacing.js'
import { describeValue } from '../client/describe.js'
import { ConfigError } from '../client/options.js'
import { sleep } from '../client/retry.js'
import { rateLimits } from '../generated/operations.js'

export type { CallLimiter, PacingRequest } from '../client/pacing.js'

/** A budget: calls allowed per second and per minute (either may be left out). */
export interface RateBudget {
  readonly perSecond?: number | null
  readonly perMinute?: number | null
}

/** Why the limiter is using its local fallback, and since when. */
export interface StoreFailure {
  /**
   * What failed: the Redis client's own error when it is not connected (e.g. `WRONGPASS ...`, `connect ECONNREFUSED
   * ...`, after "Redis connection is not ready: "), or "Redis did not answer within N ms" (`commandTimeoutMs`).
   */
  readonly error: Error
  /** `fallback`: Redis failed, calls are paced by this process alone; `recovered`: Redis answers again. */
  readonly state: 'fallback' | 'recovered'
}

export interface RateLimiterOptions {
  /**
   * A Redis client to share the budget with every process of the app: ioredis, or node-redis v4+
   * (`createClient()`, connected). Left out: the budget lives in this process.
   */
  readonly redis?: object
  /** Prefix of every key in the store (default `feishu-meeting-chat`). Processes that share a budget use the same one. */
  readonly keyPrefix?: string
  /** Budgets by operationId (default: each operation's documented limit, the spec's `x-rate-limit`). */
  readonly limits?: Readonly<Record<string, RateBudget>>
  /** Share of each budget left unused as a margin for clock offset and latency (default 0.1: 45 of 50/s, 900 of 1000/min). */
  readonly headroom?: number
  /** Also pace calls made with a user_access_token (default false: only app-identity calls). */
  readonly userCalls?: boolean
  /**
   * Told when Redis fails (the limiter then paces with a local budget: each process alone, so a fleet may
   * overrun; the client's retries on rate-limit answers still apply) and when it answers again.
   * Default: a `console.warn` line for each change. To say why, the limiter listens to the client's `error` events.
   */
  readonly onStoreFailure?: (failure: StoreFailure) => void
  /** How long the first calls wait for a Redis client that is still connecting before using the local budget (default 2000 ms). */
  readonly connectTimeoutMs?: number
  /**
   * How long a Redis command may take (default 1000 ms): one that does not answer in time is a store failure, as
   * a Redis that is down is. While in fallback no call waits on Redis: one command at a time asks whether it answers again.
   */
  readonly commandTimeoutMs?: number
  /**
   * The longest hold a rate-limit answer sets (default 60000 ms: the platform's longest window is a minute). A reset
   * further away holds the budget this long; the calls sent after it learn from the platform whether it still stands.
   */
  readonly maxHoldMs?: number
}

/** A CallLimiter with what it was built with, for messages and tests. */
export interface RateLimiter extends CallLimiter {
  /** `redis` or `memory`. */
  readonly store: 'redis' | 'memory'
  /** Whether the last store call failed and the local fallback is in use. */
  readonly degraded: boolean
}

export const DEFAULT_KEY_PREFIX = 'feishu-meeting-chat'
const DEFAULT_CONNECT_TIMEOUT_MS = 2_000
const DEFAULT_MAX_HOLD_MS = 60_000
const DEFAULT_COMMAND_TIMEOUT_MS = 1_000

/** The client's state, as ioredis (`status`) and node-redis (`isReady`) tell it, and its events. */
interface RedisLike {
  readonly status?: string
  readonly isReady?: boolean
  on?(event: string, listener: (error?: unknown) => void): unknown
  once?(event: string, listener: () => void): unknown
  off?(event: string, listener: () => void): unknown
}

/** The last error each Redis client emitted since it was last ready: one listener per client, whatever the number of limiters. */
const clientErrors = new WeakMap<object, { error?: Error }>()

/** Remembers the client's errors (a refused password, a refused connection): rate-limiter-flexible only says "not ready". */
function watchErrors(redis: object): { readonly error?: Error } {
  let state = clientErrors.get(redis)
  if (!state) {
    const watched: { error?: Error } = {}
    const r = redis as RedisLike
    r.on?.('error', (error) => { watched.error = error instanceof Error ? error : new Error(String(error)) })
    r.on?.('ready', () => { watched.error = undefined })
    clientErrors.set(redis, (state = watched))
  }
  return state
}

/** Resolves once a client made just before is ready, or after `ms`: commands fail fast while it is not (the fallback takes them). */
function firstConnection(redis: object, ms: number): Promise<void> {
  const r = redis as RedisLike
  const connecting = r.status === 'connecting' || r.status === 'connect' || r.isReady === false
  if (!connecting || typeof r.once !== 'function') return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      r.off?.('ready', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    r.once?.('ready', done)
  })
}
const DEFAULT_HEADROOM = 0.1

interface Windows {
  readonly second: RateLimiterAbstract | undefined
  readonly minute: RateLimiterAbstract | undefined
  /** Set by hold(): while it stands, every call of the budget waits. */
  readonly hold: RateLimiterAbstract
}

const WINDOWS = [['second', 1_000, 'perSecond'], ['minute', 60_000, 'perMinute']] as const
/** The key the fallback's probe reads (a GET of a key that is never set). */
const PROBE_KEY = 'probe'
/**
 * The platform counts in fixed windows (a 429 says how many seconds until the window resets): the limiter
 * counts in the same calendar seconds and minutes of the system clock, and sends nothing in a window's last
 * 100 ms, so that a call taken near the end does not arrive in the next window.
 */
const GUARD_MS = 100

function checkMs(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive number of milliseconds; got ${describeValue(value)}.`)
  }
  return value
}

function checkBudget(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ConfigError(`${name} must be a positive integer (calls); got ${describeValue(value)}.`)
  }
  return value
}

/**
 * Creates a rate limiter to pass as the client's `rateLimiter`: it holds every app-identity call until the
 * operation's budget (per app and tenant) allows it, and holds them all when the platform answers with a
 * rate-limit reset (at most `maxHoldMs`). A wait that would end past what the call may wait is not started.
 *
 * @example
 * // Redis: the default export of the ioredis package (your dependency, not this package's)
 * const rateLimiter = createRateLimiter({ redis: new Redis(process.env.REDIS_URL) })
 * const client = createMeetingChatClient({ auth, rateLimiter })
 */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  if (typeof options !== 'object' || options === null) throw new ConfigError('createRateLimiter takes an options object, e.g. { redis }.')
  const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX
  if (typeof prefix !== 'string' || prefix === '' || /\s/.test(prefix)) {
    throw new ConfigError(`keyPrefix must be a non-empty string without spaces; got ${describeValue(prefix)}.`)
  }
  const headroom = options.headroom ?? DEFAULT_HEADROOM
  if (typeof headroom !== 'number' || !(headroom >= 0 && headroom < 1)) {
    throw new ConfigError(`headroom must be a number from 0 to below 1; got ${describeValue(headroom)}.`)
  }
  const maxHoldMs = checkMs('maxHoldMs', options.maxHoldMs, DEFAULT_MAX_HOLD_MS)
  const connectTimeoutMs = checkMs('connectTimeoutMs', options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS)
  const commandTimeoutMs = checkMs('commandTimeoutMs', options.commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS)
  const redis = options.redis
  if (redis !== undefined && (typeof redis !== 'object' || redis === null)) {
    throw new ConfigError(`redis must be a connected ioredis or node-redis client; got ${describeValue(redis)}.`)
  }
  const budgets: Record<string, RateBudget> = { ...rateLimits, ...options.limits }
  for (const [op, b] of Object.entries(options.limits ?? {})) {
    checkBudget(`limits.${op}.perSecond`, b.perSecond)
    checkBudget(`limits.${op}.perMinute`, b.perMinute)
  }
  const report = options.onStoreFailure ?? ((f: StoreFailure) => {
    console.warn(f.state === 'fallback'
      ? `feishu-meeting-chat: the rate limiter's Redis store failed (${f.error.message}); pacing with a local budget until it answers again.`
      : 'feishu-meeting-chat: the rate limiter\'s Redis store answers again; pacing with the shared budget.')
  })

  const shared = new Map<string, Windows>()
  const local = new Map<string, Windows>()
  const build = (operation: string, store: 'redis' | 'memory'): Windows => {
    const budget = budgets[operation]
    // Fails at once when the connection is not ready, instead of queueing commands, and after commandTimeoutMs when
    // a command gets no answer: the fallback takes over.
    const limiter = (opts: { points: number; duration: number; keyPrefix: string }): RateLimiterAbstract =>
      store === 'redis'
        ? new RLWrapperTimeouts({ limiter: new RateLimiterRedis({ ...opts, storeClient: redis, rejectIfRedisNotReady: true }), timeoutMs: commandTimeoutMs })
        : new RateLimiterMemory(opts)
    const make = (window: (typeof WINDOWS)[number]) => {
      const [name, size, field] = window
      const limit = checkBudget(`limits.${operation}.${field}`, budget?.[field])
      if (limit === undefined) return undefined
      // One key per window (its number is in the key); it outlives its window whenever it was first used.
      return limiter({ points: Math.max(1, Math.floor(limit * (1 - headroom))), duration: (2 * size) / 1000, keyPrefix: `${prefix}:${operation}:${name}` })
    }
    return { second: make(WINDOWS[0]), minute: make(WINDOWS[1]), hold: limiter({ points: 1, duration: 1, keyPrefix: `${prefix}:${operation}:hold` }) }
  }
  const windowsOf = (operation: string, store: 'redis' | 'memory') => {
    const map = store === 'redis' ? shared : local
    let w = map.get(operation)
    if (!w) map.set(operation, (w = build(operation, store)))
    return w
  }

  let degraded = false
  let probing = false
  const connected = redis === undefined ? undefined : firstConnection(redis, connectTimeoutMs)
  const errors = redis === undefined ? undefined : watchErrors(redis)

  /** A store failure as onStoreFailure tells it: with the client's own reason, or how long Redis was waited for. */
  const why = (error: Error): Error => {
    // RLWrapperTimeouts' words for a command that got no answer in time.
    if (error.message === 'Operation timed out') return new Error(`Redis did not answer within ${commandTimeoutMs} ms`, { cause: error })
    if (!/not ready/i.test(error.message)) return error
    const last = errors?.error
    const status = (redis as RedisLike).status
    if (last) return new Error(`${error.message}: ${last.message}`, { cause: last })
    return typeof status === 'string' ? new Error(`${error.message} (status: ${status})`, { cause: error }) : error
  }

  /** While in fallback: one command at a time, that no call waits on, asks whether Redis answers again. */
  const probe = (operation: string) => {
    if (probing) return
    probing = true
    windowsOf(operation, 'redis').hold.get(PROBE_KEY).then(
      () => {
        if (!degraded) return
        degraded = false
        report({ state: 'recovered', error: new Error('Redis answers again') })
      },
      () => undefined,
    ).finally(() => { probing = false })
  }

  /** Runs a store call in Redis; on a store failure switches to the local budget (and says so) until a probe gets an answer. */
  async function withStore<T>(operation: string, call: (w: Windows) => Promise<T>): Promise<T> {
    if (redis === undefined) return call(windowsOf(operation, 'memory'))
    await connected
    if (degraded) {
      probe(operation)
      return call(windowsOf(operation, 'memory'))
    }
    try {
      return await call(windowsOf(operation, 'redis'))
    } catch (error) {
      if (!(error instanceof Error)) throw error
      if (!degraded) {
        degraded = true
        report({ state: 'fallback', error: why(error) })
      }
      return call(windowsOf(operation, 'memory'))
    }
  }

  /** Whether a point was taken (true when the window has no budget). A store failure rejects with an Error. */
  const take = async (limiter: RateLimiterAbstract | undefined, key: string): Promise<boolean> => {
    if (!limiter) return true
    try {
      await limiter.consume(key)
      return true
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) return false
      throw refusal instanceof Error ? refusal : new Error(String(refusal))
    }
  }

  return {
    store: redis === undefined ? 'memory' : 'redis',
    get degraded() {
      return degraded
    },
    userCalls: options.userCalls === true,

    async acquire(request: PacingRequest, signal?: AbortSignal, maxWaitMs = Infinity): Promise<number | undefined> {
      const { key, operation } = request
      // The call's deadline on this clock: a wait that would not end before it is not started, its length is returned.
      const until = Date.now() + Math.max(0, maxWaitMs)
      const wait = async (ms: number): Promise<number | undefined> => {
        if (Date.now() + ms >= until) return ms
        await sleep(ms, signal ?? null)
        return undefined
      }
      for (;;) {
        signal?.throwIfAborted()
        const held = await withStore(operation, async (w) => (await w.hold.get(key))?.msBeforeNext ?? 0)
        if (held <= 0) break
        const late = await wait(held)
        if (late !== undefined) return late
      }
      // The minute's point first, kept while waiting for the second's: a refused second never wastes a minute point.
      // If that wait crosses into the next minute, the call is counted again in the minute it is sent in.
      for (;;) {
        let minute: number | undefined
        let sent = false
        try {
          for (const [name, size, field] of WINDOWS.slice().reverse()) {
            if (budgets[operation]?.[field] == null) continue
            for (;;) {
              signal?.throwIfAborted()
              const now = Date.now()
              const window = Math.floor(now / size)
              const left = (window + 1) * size - now
              const granted = left > GUARD_MS && (await withStore(operation, (w) => take(w[name], `${key}:${window}`)))
              if (granted) {
                if (size === 60_000) minute = window
                break
              }
              const late = await wait(Math.max(1, (window + 1) * size - Date.now()))
              if (late !== undefined) return late
            }
          }
          sent = true
        } finally {
          // A call that will not be sent (its wait for the second would end past its deadline, or it was aborted)
          // gives its minute's point back.
          if (!sent && minute !== undefined) {
            const taken = minute
            await withStore(operation, async (w) => { await w.minute?.reward(`${key}:${taken}`) }).catch(() => undefined)
          }
        }
        if (minute === undefined || Math.floor(Date.now() / 60_000) === minute) return undefined
      }
    },

    async hold(request: PacingRequest, ms: number): Promise<void> {
      if (!(ms > 0)) return
      // At most maxHoldMs: one absurd reset must not stop every process of the app for an hour.
      const capped = Math.min(ms, maxHoldMs)
      // Stores count whole seconds; a shorter hold already in place is extended, never a longer one cut.
      await withStore(request.operation, async (w) => {
        const current = (await w.hold.get(request.key))?.msBeforeNext ?? 0
        if (current < capped) await w.hold.block(request.key, Math.ceil(capped / 1000))
      })
    },
  }
}
