// What makes the CLI one process of a fleet: the rate budget (--per-second, --per-minute) and, with --redis URL (or
// REDIS_URL), the budget and the tenant token shared with every other process using that Redis. When Redis fails,
// the process goes on alone (its own budget and token), said once, and shares again when Redis answers.
import { Redis } from 'ioredis'
import type { MeetingChatClientOptions } from '../index.js'
import type { OperationId } from '../generated/operations.js'
import { rateLimits } from '../generated/operations.js'
import { createRateLimiter, createSharedTokenCache, type RateBudget, type StoreFailure } from '../limiter/index.js'
import { UsageError, type Env, type Io } from './output.js'

export interface FleetFlags {
  readonly redis?: string | undefined
  readonly 'per-second'?: string | undefined
  readonly 'per-minute'?: string | undefined
}

export interface Fleet {
  /** The client options of this process: its rateLimiter and, with Redis and app credentials, its tokenCache. */
  readonly options: Pick<MeetingChatClientOptions, 'rateLimiter' | 'tokenCache'>
  /** Where the budget lives, for the summary: `redis://host:port` (never a password) or `this process`. */
  readonly where: string
  /** Closes the Redis connection (a process with one open would not exit). */
  close(): void
}

/** `--per-second N`: a whole number of calls from 1 up, or undefined when not given. */
function budgetFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${flag} must be a whole number of calls from 1 up; got "${value}".`)
  return n
}

/** The URL of --redis or REDIS_URL, checked; described without its password. */
function redisUrl(value: string): { url: string; where: string } {
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    throw new UsageError('--redis (or REDIS_URL) must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379.')
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError(`--redis (or REDIS_URL) must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379; got a ${parsed.protocol} URL.`)
  }
  return { url: value, where: `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}` }
}

export function fleetFrom(values: FleetFlags, env: Env, io: Pick<Io, 'err'>, operation: OperationId, auth: MeetingChatClientOptions['auth']): Fleet {
  const perSecond = budgetFlag('per-second', values['per-second'])
  const perMinute = budgetFlag('per-minute', values['per-minute'])
  const documented: RateBudget = rateLimits[operation as keyof typeof rateLimits] ?? {}
  const budget: RateBudget = { ...documented, ...(perSecond !== undefined && { perSecond }), ...(perMinute !== undefined && { perMinute }) }
  const given = values.redis ?? (env.REDIS_URL === '' ? undefined : env.REDIS_URL)
  if (given === undefined) {
    return { options: { rateLimiter: createRateLimiter({ userCalls: true, limits: { [operation]: budget } }) }, where: 'this process', close: () => {} }
  }
  const { url, where } = redisUrl(given)
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000, retryStrategy: (times) => Math.min(times * 200, 2_000) })
  redis.on('error', () => {}) // each failure reaches the user once, through onStoreFailure
  // The limiter and the token cache each notice a failure and a recovery: the process says the first failure and the
  // last recovery, once each.
  let down = 0
  const onStoreFailure = (f: StoreFailure) => {
    if (f.state === 'fallback') {
      if (down++ === 0) io.err(`⚠ Redis at ${where} failed (${f.error.message}): this process goes on alone, with its own rate budget and token, until Redis answers again.`)
    } else if (--down === 0) io.err(`✔ Redis at ${where} answers again: the rate budget and the token are shared again.`)
  }
  const secret = auth !== undefined && 'appSecret' in auth && typeof auth.appSecret === 'string' ? auth.appSecret : undefined
  return {
    options: {
      rateLimiter: createRateLimiter({ redis, userCalls: true, limits: { [operation]: budget }, onStoreFailure }),
      // The token is shared when the CLI gets it itself (app credentials); sealed with the app secret.
      ...(secret !== undefined && { tokenCache: createSharedTokenCache({ redis, secret, onStoreFailure }) }),
    },
    where,
    close: () => redis.disconnect(),
  }
}
