// feishu-meeting-chat/limiter: proactive pacing for the client, on rate-limiter-flexible. In memory by
// default; with a Redis client, every process using the same key prefix draws from one budget. Node only.
/**
 * `feishu-meeting-chat/limiter`: what a process, or a fleet sharing a Redis, needs to stay within the platform's
 * limits: {@link createRateLimiter} for the client's `rateLimiter` option, and {@link createSharedTokenCache} for its
 * `tokenCache` (one token request per fleet). Node only.
 *
 * @module feishu-meeting-chat/limiter
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts, type RateLimiterAbstract } from 'rate-limiter-flexible'
import type { CallLimiter, PacingRequest } from '../client/pacing.js'
import { describeValue } from '../client/describe.js'
import { ConfigError } from '../client/options.js'
import { sleep } from '../client/retry.js'
import { rateLimits } from '../generated/operations.js'
import { checkRedis, DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS, redisStore, storeError, type Store, type StoreFailure } from './store.js'

export type { CallLimiter, PacingRequest } from '../client/pacing.js'
export type { StoreFailure } from './store.js'
export { createSharedTokenCache, type SharedTokenCache, type SharedTokenCacheOptions } from './token-cache.js'

/** A budget: calls allowed per second and per minute (either may be left out). */
export interface RateBudget {
  /** Calls allowed in each second (null: no per-second window). */
  readonly perSecond?: number | null
  /** Calls allowed in each minute (null: no per-minute window). */
  readonly perMinute?: number | null
}

/** The options of {@link createRateLimiter}, each with its default. */
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

/** The prefix of the limiter's and the shared token cache's Redis keys, unless `keyPrefix` says another. */
export const DEFAULT_KEY_PREFIX = 'feishu-meeting-chat'
const DEFAULT_MAX_HOLD_MS = 60_000

const DEFAULT_HEADROOM = 0.1

/** A point taken, or refused, with the ms left in its window. */
interface Taken {
  readonly granted: boolean
  readonly left: number
  readonly giveBack: () => Promise<void>
}

/** Counts the calls of one window for each key: takes a point, or says how long until the window ends. */
type Counter = (key: string) => Promise<Taken>

interface Windows {
  readonly second: Counter | undefined
  readonly minute: Counter | undefined
  /** Set by hold(): while it stands, every call of the budget waits. */
  readonly hold: RateLimiterAbstract
}

const WINDOWS = [['second', 1_000, 'perSecond'], ['minute', 60_000, 'perMinute']] as const
/**
 * The platform counts in fixed windows (a 429 says how many seconds until the window resets): the limiter
 * counts in the same calendar seconds and minutes, and sends nothing in a window's last 100 ms, so that a call
 * taken near the end does not arrive in the next window. With Redis, on Redis's clock (WINDOW_SCRIPT): every
 * process of the fleet counts the same windows, whatever its own clock says; in memory, on the process's.
 */
const GUARD_MS = 100

/**
 * The count of a window in Redis, counted in the calendar window of Redis's own clock (TIME) in the same atomic step:
 * one hash per key holds the window's number and its count. KEYS[1] is the key; ARGV the points to take (-1 gives
 * one back), the window in seconds and the budget. A refusal takes nothing; a point given back goes only to the
 * window it was taken in, while it lasts. Answers the count (the budget plus one when refused) and the ms left in the
 * window. Run by EVAL on the user's client, not as rate-limiter-flexible's `customIncrTtlLuaScript`: with ioredis that
 * one is a `defineCommand('rlflxIncr')` on the client, which each RateLimiterRedis made on the client (the holds', or
 * the user's own) overwrites with its script.
 */
const WINDOW_SCRIPT = `if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local size = tonumber(ARGV[2]) * 1000
local window = math.floor(now / size)
local left = size - (now - window * size)
local points = tonumber(ARGV[1])
local budget = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'w', 'n')
local current = tonumber(state[1]) == window
local n = current and (tonumber(state[2]) or 0) or 0
if points < 0 then
  if current then
    n = math.max(0, n + points)
    redis.call('HSET', KEYS[1], 'n', n)
  end
  return {n, left}
end
if left <= ${GUARD_MS} or n + points > budget then return {budget + 1, left} end
n = n + points
redis.call('HSET', KEYS[1], 'w', window, 'n', n)
redis.call('PEXPIRE', KEYS[1], left + size)
return {n, left}`

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
  const notRedis = redis === undefined ? undefined : checkRedis(redis)
  if (notRedis) throw new ConfigError(`redis must be ${notRedis}; got ${describeValue(redis)}.`)
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

  const store: Store | undefined = redis === undefined ? undefined : redisStore(redis, { connectTimeoutMs, commandTimeoutMs, report })
  const shared = new Map<string, Windows>()
  const local = new Map<string, Windows>()
  const build = (operation: string, kind: 'redis' | 'memory'): Windows => {
    const budget = budgets[operation]
    const make = ([name, size, field]: (typeof WINDOWS)[number]): Counter | undefined => {
      const limit = checkBudget(`limits.${operation}.${field}`, budget?.[field])
      if (limit === undefined) return undefined
      const points = Math.max(1, Math.floor(limit * (1 - headroom)))
      const keyPrefix = `${prefix}:${operation}:${name}`
      if (store) {
        // Redis: one key per app and window size; the script counts on Redis's clock.
        const count = async (key: string, take: 1 | -1) => {
          const answer = await store.command(['EVAL', WINDOW_SCRIPT, 1, `${keyPrefix}:${key}`, take, size / 1000, points])
          const [n, left] = Array.isArray(answer) ? answer.map(Number) : []
          if (n === undefined || left === undefined || !Number.isFinite(n) || !Number.isFinite(left)) throw storeError(new Error(`Redis answered the window script with ${describeValue(answer)}`))
          return { n, left }
        }
        if (kind === 'redis') {
          return async (key) => {
            const { n, left } = await count(key, 1)
            return { granted: n <= points, left, giveBack: async () => { await count(key, -1) } }
          }
        }
      }
      // Memory: one key per window of this process's clock (its number is in the key), which outlives its window
      // whenever it was first used.
      const memory = new RateLimiterMemory({ points, duration: (2 * size) / 1000, keyPrefix })
      return async (key) => {
        const now = Date.now()
        const window = Math.floor(now / size)
        const left = (window + 1) * size - now
        const none = async () => {}
        if (left <= GUARD_MS) return { granted: false, left, giveBack: none }
        const windowKey = `${key}:${window}`
        try {
          await memory.consume(windowKey)
          return { granted: true, left, giveBack: async () => { await memory.reward(windowKey) } }
        } catch (refusal) {
          if (refusal instanceof RateLimiterRes) return { granted: false, left, giveBack: none }
          throw refusal
        }
      }
    }
    // Holds are durations, not windows: rate-limiter-flexible's block and get (a key with a TTL) serve both stores.
    // A Redis command of its own fails at once when the connection is not ready, and after commandTimeoutMs.
    const holdOptions = { points: 1, duration: 1, keyPrefix: `${prefix}:${operation}:hold` }
    const hold: RateLimiterAbstract = kind === 'redis'
      ? new RLWrapperTimeouts({ limiter: new RateLimiterRedis({ ...holdOptions, storeClient: redis, rejectIfRedisNotReady: true }), timeoutMs: commandTimeoutMs })
      : new RateLimiterMemory(holdOptions)
    return { second: make(WINDOWS[0]), minute: make(WINDOWS[1]), hold }
  }
  const windowsOf = (operation: string, kind: 'redis' | 'memory') => {
    const map = kind === 'redis' ? shared : local
    let w = map.get(operation)
    if (!w) map.set(operation, (w = build(operation, kind)))
    return w
  }

  /** Runs a store call in Redis; on a store failure switches to the local budget (said once) until Redis answers again. */
  function withStore<T>(operation: string, call: (w: Windows) => Promise<T>): Promise<T> {
    const inMemory = () => call(windowsOf(operation, 'memory'))
    if (!store) return inMemory()
    // Every failure of a call on Redis is the store's: the windows and holds refuse by their answers, not by throwing.
    return store.run(() => call(windowsOf(operation, 'redis')).catch((error: unknown) => { throw storeError(error) }), inMemory)
  }

  return {
    store: store ? 'redis' : 'memory',
    get degraded() {
      return store?.degraded ?? false
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
      // If that wait crosses into the next minute, the call is counted again in the minute it is sent in. The store
      // says how long its window lasts; that time is measured here, so a clock set differently does not matter.
      for (;;) {
        let minute: { readonly until: number; readonly giveBack: () => Promise<void> } | undefined
        let sent = false
        try {
          for (const [name, , field] of WINDOWS.slice().reverse()) {
            if (budgets[operation]?.[field] == null) continue
            for (;;) {
              signal?.throwIfAborted()
              const taken = await withStore(operation, async (w) => (await w[name]?.(key)) ?? { granted: true, left: Infinity, giveBack: async () => {} })
              if (taken.granted) {
                if (name === 'minute') minute = { until: Date.now() + taken.left, giveBack: taken.giveBack }
                break
              }
              const late = await wait(Math.max(1, taken.left))
              if (late !== undefined) return late
            }
          }
          sent = true
        } finally {
          // A call that will not be sent (its wait for the second would end past its deadline, or it was aborted)
          // gives its minute's point back, while that minute lasts.
          if (!sent && minute !== undefined && Date.now() < minute.until) await minute.giveBack().catch(() => undefined)
        }
        if (minute === undefined || Date.now() < minute.until) return undefined
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
