// A token cache shared by every process of a fleet through Redis: one token request for the whole fleet, even when
// every process starts cold at once (one takes a lock and asks the platform; the others wait for its token, a bounded
// time); a token the platform refuses is dropped for all; tokens are stored encrypted. While Redis fails, each
// process uses its own tokens, said once, as the rate limiter does. Node only: the client's `tokenCache` option.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, randomUUID } from 'node:crypto'
import type { IssuedToken, TokenCacheLike } from '../client/auth/token-cache.js'
import { describeSecret, describeValue } from '../client/describe.js'
import { ConfigError } from '../client/options.js'
import { sleep } from '../client/retry.js'
import { checkRedis, DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS, redisStore, type Store, type StoreFailure } from './store.js'

/** The options of {@link createSharedTokenCache}, each with its default. */
export interface SharedTokenCacheOptions {
  /**
   * The Redis client the fleet shares: ioredis, or node-redis v4+ (`createClient()`, connected); the same one the
   * rate limiter takes will do.
   */
  readonly redis: object
  /**
   * What the tokens are encrypted with in Redis (AES-256-GCM, the key derived from it by HKDF-SHA256): every process
   * of the fleet passes the same. The app secret is the natural choice: whoever holds it can get tokens anyway, so
   * a Redis dump without it shows no usable token.
   */
  readonly secret: string
  /** Prefix of every key in Redis (default `feishu-meeting-chat`, as the rate limiter's). */
  readonly keyPrefix?: string
  /** Refresh this long before a token expires (default 5 minutes; at most half of a token's lifetime). */
  readonly refreshMarginMs?: number
  /**
   * How long a process waits for the token another process is fetching (default 5000 ms): past it, it asks the
   * platform itself. Also how long the lock lasts when its holder dies.
   */
  readonly lockWaitMs?: number
  /** Told when Redis fails (each process then fetches and keeps its own tokens) and when it answers again. Default: a `console.warn` line each. */
  readonly onStoreFailure?: (failure: StoreFailure) => void
  /** How long the first calls wait for a Redis client that is still connecting (default 2000 ms). */
  readonly connectTimeoutMs?: number
  /** How long a Redis command may take (default 1000 ms): one that does not answer in time is a store failure, as a Redis that is down is. */
  readonly commandTimeoutMs?: number
}

/** A token cache in Redis, for the client's `tokenCache` option. */
export interface SharedTokenCache extends TokenCacheLike {
  /** Whether Redis failed and this process uses its own tokens until it answers again. */
  readonly degraded: boolean
  /** What it holds, never a token: `{ store, degraded, localTokens }`. */
  toJSON(): Record<string, unknown>
}

const DEFAULT_KEY_PREFIX = 'feishu-meeting-chat'
const DEFAULT_MARGIN_MS = 5 * 60_000
const DEFAULT_LOCK_WAIT_MS = 5_000
/** How often a process waiting for another's token looks for it. */
const POLL_MS = 50
const VERSION = 'v1'

/** The value and the ms it has left to live (-2 when absent), in one step. */
const READ = "return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}"
/** Deletes a lock if it holds exactly ARGV[1] (its holder's id). */
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`
/**
 * A refused token: if the value starts with ARGV[1] (`v1.<fingerprint>.`), it becomes ARGV[2] (`refused.<fingerprint>`)
 * for the time the token had left, so that every process learns it is refused (and none stores its own copy of it
 * back); a newer token is left alone.
 */
const REFUSE = `local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, 1, string.len(ARGV[1])) ~= ARGV[1] then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl) else redis.call('DEL', KEYS[1]) end
return 1`

function positiveMs(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number of milliseconds; got ${describeValue(value)}.`)
  return value
}

interface Local {
  readonly token: string
  /** When to stop using it, on this process's clock. */
  readonly refreshAt: number
}

class RedisTokenCache implements SharedTokenCache {
  readonly #store: Store
  readonly #prefix: string
  readonly #margin: number
  readonly #lockWaitMs: number
  readonly #sealKey: Buffer
  readonly #markKey: Buffer
  /** This process's copy of each token: what it uses while Redis fails. */
  readonly #local = new Map<string, Local>()
  /** One get at a time per key in this process. */
  readonly #pending = new Map<string, Promise<string>>()
  /** The fingerprint of the last token of each key this process saw refused: never taken from Redis again. */
  readonly #refused = new Map<string, string>()

  constructor(options: SharedTokenCacheOptions) {
    if (typeof options !== 'object' || options === null) throw new ConfigError('createSharedTokenCache takes an options object: { redis, secret }.')
    const notRedis = checkRedis(options.redis)
    if (notRedis) throw new ConfigError(`redis must be ${notRedis}; got ${describeValue(options.redis)}.`)
    const { secret } = options
    if (typeof secret !== 'string' || secret.length === 0) {
      throw new ConfigError(`secret must be a non-empty string, the same in every process (the app secret will do); got ${describeSecret(secret)}.`)
    }
    const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX
    if (typeof prefix !== 'string' || prefix === '' || /\s/.test(prefix)) throw new ConfigError(`keyPrefix must be a non-empty string without spaces; got ${describeValue(prefix)}.`)
    this.#prefix = prefix
    this.#margin = positiveMs('refreshMarginMs', options.refreshMarginMs, DEFAULT_MARGIN_MS)
    this.#lockWaitMs = positiveMs('lockWaitMs', options.lockWaitMs, DEFAULT_LOCK_WAIT_MS)
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'feishu-meeting-chat token cache', info, 32))
    this.#sealKey = derive(`${VERSION} aes-256-gcm`)
    this.#markKey = derive(`${VERSION} fingerprint`)
    const report = options.onStoreFailure ?? ((f: StoreFailure) => {
      console.warn(f.state === 'fallback'
        ? `feishu-meeting-chat: the shared token cache's Redis store failed (${f.error.message}); this process gets and keeps its own tokens until it answers again.`
        : 'feishu-meeting-chat: the shared token cache\'s Redis store answers again; sharing tokens through it.')
    })
    this.#store = redisStore(options.redis, {
      connectTimeoutMs: positiveMs('connectTimeoutMs', options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS),
      commandTimeoutMs: positiveMs('commandTimeoutMs', options.commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS),
      report,
    })
  }

  get degraded(): boolean {
    return this.#store.degraded
  }

  /** Only while Redis fails: else every call reads Redis, so that a token dropped by one process is dropped for all at once. */
  peek(key: string): string | undefined {
    if (!this.#store.degraded) return undefined
    this.#store.checkRecovery()
    return this.#localToken(key)
  }

  get(key: string, fetchToken: () => Promise<IssuedToken>): Promise<string> {
    const pending = this.#pending.get(key)
    if (pending) return pending
    const getting = this.#store
      .run(() => this.#shared(key, fetchToken), () => this.#fetchLocal(key, fetchToken))
      .finally(() => this.#pending.delete(key))
    this.#pending.set(key, getting)
    return getting
  }

  invalidate(key: string, token: string): void {
    if (this.#local.get(key)?.token === token) this.#local.delete(key)
    const mark = this.#mark(token)
    this.#refused.set(key, mark)
    // Dropped for every process, unless another one already replaced it. Sent before any later read of this process.
    void this.#store.run(() => this.#store.command(['EVAL', REFUSE, 1, this.#redisKey(key), `${VERSION}.${mark}.`, `refused.${mark}`]), async () => 0)
  }

  toJSON(): Record<string, unknown> {
    return { store: 'redis', degraded: this.degraded, localTokens: this.#local.size }
  }

  /** The key of a cache key in Redis: a hash, so that it has no spaces and says nothing of the origin. */
  #redisKey(key: string): string {
    return `${this.#prefix}:token:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`
  }

  /** A token's fingerprint: tells tokens apart without revealing them (an HMAC whose key is not in Redis). */
  #mark(token: string): string {
    return createHmac('sha256', this.#markKey).update(token).digest('base64url').slice(0, 22)
  }

  /** `v1.<fingerprint>.<iv, ciphertext and tag, base64>`; the Redis key is the additional data, so a value cannot be moved to another key. */
  #seal(redisKey: string, token: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#sealKey, iv)
    cipher.setAAD(Buffer.from(redisKey))
    const sealed = Buffer.concat([iv, cipher.update(token, 'utf8'), cipher.final(), cipher.getAuthTag()])
    return `${VERSION}.${this.#mark(token)}.${sealed.toString('base64')}`
  }

  /** The token in a value, or undefined for one this secret cannot open (another secret, a damaged or foreign value). */
  #open(redisKey: string, value: string): string | undefined {
    const [version, mark, body] = value.split('.')
    if (version !== VERSION || mark === undefined || body === undefined) return undefined
    const bytes = Buffer.from(body, 'base64')
    if (bytes.length < 12 + 16 + 1) return undefined
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#sealKey, bytes.subarray(0, 12))
      decipher.setAAD(Buffer.from(redisKey))
      decipher.setAuthTag(bytes.subarray(bytes.length - 16))
      return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8')
    } catch {
      return undefined
    }
  }

  #localToken(key: string): string | undefined {
    const local = this.#local.get(key)
    return local && Date.now() < local.refreshAt ? local.token : undefined
  }

  #refreshIn(issued: IssuedToken): number {
    const lifetime = issued.expire * 1000
    return lifetime - Math.min(this.#margin, lifetime / 2)
  }

  /** While Redis fails: this process's own token, or one fetched for it alone. */
  async #fetchLocal(key: string, fetchToken: () => Promise<IssuedToken>): Promise<string> {
    const cached = this.#localToken(key)
    if (cached) return cached
    const started = Date.now()
    const issued = await fetchToken()
    this.#local.set(key, { token: issued.token, refreshAt: started + this.#refreshIn(issued) })
    return issued.token
  }

  /** The token Redis holds for `key` if it is good and not refused here; kept as this process's copy too. */
  async #read(key: string, redisKey: string): Promise<string | undefined> {
    const answer = await this.#store.command(['EVAL', READ, 1, redisKey])
    const [value, ttl] = Array.isArray(answer) ? answer : []
    if (typeof value !== 'string' || !(Number(ttl) > 0)) return undefined
    if (value.startsWith('refused.')) {
      // Another process saw this token refused: this one must not use its own copy of it, nor store it back.
      const mark = value.slice('refused.'.length)
      this.#refused.set(key, mark)
      const own = this.#local.get(key)
      if (own && this.#mark(own.token) === mark) this.#local.delete(key)
      return undefined
    }
    const token = this.#open(redisKey, value)
    if (token === undefined || this.#refused.get(key) === this.#mark(token)) return undefined
    this.#local.set(key, { token, refreshAt: Date.now() + Number(ttl) })
    return token
  }

  /** Asks the platform, keeps the token here, then stores it for the fleet until its refresh is due. */
  async #fetchAndShare(key: string, redisKey: string, fetchToken: () => Promise<IssuedToken>): Promise<string> {
    const started = Date.now()
    const issued = await fetchToken()
    const refreshAt = started + this.#refreshIn(issued)
    // Kept first: if Redis fails now, the fallback uses this token instead of asking again.
    this.#local.set(key, { token: issued.token, refreshAt })
    const ttl = Math.floor(refreshAt - Date.now())
    if (ttl > 0) await this.#store.command(['SET', redisKey, this.#seal(redisKey, issued.token), 'PX', ttl])
    return issued.token
  }

  /** Stores this process's copy of the token for the fleet, if it has one still good and not refused here. */
  async #shareOwn(key: string, redisKey: string): Promise<string | undefined> {
    const own = this.#local.get(key)
    const ttl = own ? Math.floor(own.refreshAt - Date.now()) : 0
    if (!own || ttl <= 0 || this.#refused.get(key) === this.#mark(own.token)) return undefined
    await this.#store.command(['SET', redisKey, this.#seal(redisKey, own.token), 'PX', ttl])
    return own.token
  }

  /**
   * The token in Redis; when there is none, one process takes the lock and fetches it while the others wait for it
   * (at most lockWaitMs, then each fetches its own). A Redis failure rejects with a StoreError (the fallback then runs).
   */
  async #shared(key: string, fetchToken: () => Promise<IssuedToken>): Promise<string> {
    const redisKey = this.#redisKey(key)
    const lockKey = `${redisKey}:lock`
    const waitUntil = Date.now() + this.#lockWaitMs
    for (;;) {
      const found = await this.#read(key, redisKey)
      if (found !== undefined) return found
      const id = randomUUID()
      if ((await this.#store.command(['SET', lockKey, id, 'NX', 'PX', Math.ceil(this.#lockWaitMs)])) === 'OK') {
        try {
          // Stored by the holder before us, between our read and our lock; else this process's own copy, still good
          // (Redis lost it: restarted, flushed); else a new one from the platform.
          return (await this.#read(key, redisKey)) ?? (await this.#shareOwn(key, redisKey)) ?? (await this.#fetchAndShare(key, redisKey, fetchToken))
        } finally {
          // Released for the next fetch (it expires anyway); only ours. Not waited for: a failing Redis must not hold the token.
          this.#store.command(['EVAL', UNLOCK, 1, lockKey, id]).catch(() => undefined)
        }
      }
      if (Date.now() >= waitUntil) return this.#fetchAndShare(key, redisKey, fetchToken)
      await sleep(POLL_MS, null)
    }
  }
}

/**
 * Creates a token cache shared by every process of the app through Redis, for the client's `tokenCache` option: the
 * whole fleet makes one token request, even when every process starts at once, and a token the platform refuses is
 * dropped for all. Tokens are stored encrypted with a key derived from `secret`.
 *
 * @example
 * const redis = new Redis(process.env.REDIS_URL) // ioredis: your dependency, not this package's
 * const client = createMeetingChatClient({
 *   auth: { appId, appSecret },
 *   tokenCache: createSharedTokenCache({ redis, secret: appSecret }),
 *   rateLimiter: createRateLimiter({ redis }),
 * })
 */
export function createSharedTokenCache(options: SharedTokenCacheOptions): SharedTokenCache {
  return new RedisTokenCache(options)
}
