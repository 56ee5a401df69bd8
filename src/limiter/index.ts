// feishu-meeting-chat/limiter: proactive pacing for the client, on rate-limiter-flexible. In memory by
// default; with a Redis client, every process using the same key prefix draws from one budget. Node only.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import type { CallLimiter, PacingRequest } from '../client/pacing.js'
import { ConfigError, describeValue } from '../client/options.js'
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
   * Default: a `console.warn` line for each change.
   */
  readonly onStoreFailure?: (failure: StoreFailure) => void
}

/** A CallLimiter with what it was built with, for messages and tests. */
export interface RateLimiter extends CallLimiter {
  /** `redis` or `memory`. */
  readonly store: 'redis' | 'memory'
  /** Whether the last store call failed and the local fallback is in use. */
  readonly degraded: boolean
}

export const DEFAULT_KEY_PREFIX = 'feishu-meeting-chat'
const DEFAULT_HEADROOM = 0.1

interface Windows {
  readonly second: RateLimiterAbstract | undefined
  readonly minute: RateLimiterAbstract | undefined
}

const WINDOWS = [['second', 1, 'perSecond'], ['minute', 60, 'perMinute']] as const

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
 * rate-limit reset.
 *
 * @example
 * import Redis from 'ioredis'
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
    const make = (window: (typeof WINDOWS)[number]) => {
      const [name, duration, field] = window
      const limit = checkBudget(`limits.${operation}.${field}`, budget?.[field])
      if (limit === undefined) return undefined
      const opts = { points: Math.max(1, Math.floor(limit * (1 - headroom))), duration, keyPrefix: `${prefix}:${operation}:${name}` }
      // Fails at once when the connection is not ready, instead of queueing commands: the fallback takes over.
      return store === 'redis' ? new RateLimiterRedis({ ...opts, storeClient: redis, rejectIfRedisNotReady: true }) : new RateLimiterMemory(opts)
    }
    return { second: make(WINDOWS[0]), minute: make(WINDOWS[1]) }
  }
  const windowsOf = (operation: string, store: 'redis' | 'memory') => {
    const map = store === 'redis' ? shared : local
    let w = map.get(operation)
    if (!w) map.set(operation, (w = build(operation, store)))
    return w
  }

  let degraded = false
  /** Runs a store call; on a store failure switches to the local budget (and says so), on success back. */
  async function withStore<T>(operation: string, call: (w: Windows) => Promise<T>): Promise<T> {
    if (redis === undefined) return call(windowsOf(operation, 'memory'))
    try {
      const result = await call(windowsOf(operation, 'redis'))
      if (degraded) {
        degraded = false
        report({ state: 'recovered', error: new Error('Redis answers again') })
      }
      return result
    } catch (error) {
      if (!(error instanceof Error)) throw error
      if (!degraded) {
        degraded = true
        report({ state: 'fallback', error })
      }
      return call(windowsOf(operation, 'memory'))
    }
  }

  /** 0 if a point was taken, else the ms until the window has room. A store failure rejects with an Error. */
  const take = async (limiter: RateLimiterAbstract, key: string): Promise<number> => {
    try {
      await limiter.consume(key)
      return 0
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) return Math.max(1, refusal.msBeforeNext)
      throw refusal instanceof Error ? refusal : new Error(String(refusal))
    }
  }

  return {
    store: redis === undefined ? 'memory' : 'redis',
    get degraded() {
      return degraded
    },
    userCalls: options.userCalls === true,

    async acquire(request: PacingRequest, signal?: AbortSignal): Promise<void> {
      // The minute's point first, kept while waiting for the second's: a refused second never wastes a minute point.
      for (const name of ['minute', 'second'] as const) {
        for (;;) {
          signal?.throwIfAborted()
          const wait = await withStore(request.operation, (w) => (w[name] ? take(w[name], request.key) : Promise.resolve(0)))
          if (wait === 0) break
          await sleep(wait, signal ?? null)
        }
      }
    },

    async hold(request: PacingRequest, ms: number): Promise<void> {
      if (!(ms > 0)) return
      // Stores count whole seconds; blocking the per-second window holds every call of the budget.
      await withStore(request.operation, async (w) => {
        await (w.second ?? w.minute)?.block(request.key, Math.ceil(ms / 1000))
      })
    },
  }
}
