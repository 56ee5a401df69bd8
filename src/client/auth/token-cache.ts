// Caches tokens until a margin before they expire, and shares one in-flight fetch among concurrent callers
// (the official SDKs fetch once per caller on a cold start).

/** A token as the platform issued it, for a cache to keep. */
export interface IssuedToken {
  /** The token. */
  readonly token: string
  /** Lifetime in seconds, as the platform's `expire` says. */
  readonly expire: number
}

/** The options of {@link createTokenCache}, each with its default. */
export interface TokenCacheOptions {
  /** Refresh this long before expiry (default 5 minutes; at most half of a token's lifetime). */
  readonly refreshMarginMs?: number
  /** The clock, in ms since the epoch (default Date.now). */
  readonly now?: () => number
}

/**
 * What the client asks of its `tokenCache`: a {@link TokenCache}, or one shared by several processes, such as
 * `createSharedTokenCache()` from `feishu-meeting-chat/limiter` (in Redis).
 */
export interface TokenCacheLike {
  /** The cached token for `key` if it is good now, without waiting for anything; undefined to make the client call get(). */
  peek(key: string): string | undefined
  /** The cached token for `key`, or the result of one shared call of `fetchToken`. */
  get(key: string, fetchToken: () => Promise<IssuedToken>): Promise<string>
  /** The platform refused `token`: drop it, unless a newer one already replaced it. */
  invalidate(key: string, token: string): void
}

interface Entry {
  readonly token: string
  readonly refreshAt: number
}

export class TokenCache implements TokenCacheLike {
  readonly #tokens = new Map<string, Entry>()
  readonly #pending = new Map<string, Promise<string>>()
  readonly #margin: number
  readonly #now: () => number

  constructor(options: TokenCacheOptions = {}) {
    this.#margin = options.refreshMarginMs ?? 5 * 60_000
    this.#now = options.now ?? Date.now
  }

  /** The cached token for `key` if it is still good, without waiting for anything. */
  peek(key: string): string | undefined {
    const cached = this.#tokens.get(key)
    return cached && this.#now() < cached.refreshAt ? cached.token : undefined
  }

  /** The cached token for `key`, or the result of one shared call of `fetchToken`. */
  get(key: string, fetchToken: () => Promise<IssuedToken>): Promise<string> {
    const cached = this.#tokens.get(key)
    if (cached && this.#now() < cached.refreshAt) return Promise.resolve(cached.token)
    const pending = this.#pending.get(key)
    if (pending) return pending
    const started = this.#now()
    const fetching = fetchToken().then(
      ({ token, expire }) => {
        const lifetime = expire * 1000
        this.#tokens.set(key, { token, refreshAt: started + lifetime - Math.min(this.#margin, lifetime / 2) })
        this.#pending.delete(key)
        return token
      },
      (error: unknown) => {
        this.#pending.delete(key)
        throw error
      },
    )
    this.#pending.set(key, fetching)
    return fetching
  }

  /** Drops `token` (the platform refused it), unless a newer one already replaced it. */
  invalidate(key: string, token: string): void {
    if (this.#tokens.get(key)?.token === token) this.#tokens.delete(key)
  }

  /** Drops every cached token. */
  clear(): void {
    this.#tokens.clear()
  }

  /** How many tokens it holds, never the tokens: what logs and inspection show. */
  toJSON(): Record<string, unknown> {
    return { cachedTokens: this.#tokens.size }
  }
}

/** A cache to share among clients (of the same apps), e.g. one per process. */
export function createTokenCache(options?: TokenCacheOptions): TokenCache {
  return new TokenCache(options)
}
