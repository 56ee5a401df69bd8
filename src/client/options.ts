// Client options, normalised once, with their documented defaults.
import type { TokenCacheLike } from './auth/token-cache.js'
import type { CallLimiter } from './pacing.js'
import { describeValue } from './describe.js'

/** `'feishu'` (https://open.feishu.cn), `'lark'` (https://open.larksuite.com), or a base URL such as a proxy's. */
export type Domain = 'feishu' | 'lark' | (string & {})

/** A token, or a function that returns one (called for each request, and again after the platform refused one). */
export type TokenSource = string | (() => string | Promise<string>)

/** Self-built (custom) app: the client fetches and caches a tenant_access_token. */
export interface AppCredentials {
  /** The app's id, `cli_...`. */
  readonly appId: string
  /** The app's secret, from the developer console's credentials page. Never send it to a browser. */
  readonly appSecret: string
}
/** Store (isv) app: app_access_token from the latest app_ticket, then the tenant's tenant_access_token. */
export interface StoreAppCredentials extends AppCredentials {
  /** The latest app_ticket your event handler received (the platform pushes one every hour). */
  readonly appTicket: () => string | Promise<string>
  /** The tenant to act for (from the app's install event or a callback). */
  readonly tenantKey: string
}
/** App identity with a tenant_access_token you get yourself. */
export interface TenantTokenAuth {
  /** A `t-...` token, or a function returning the current one. */
  readonly tenantAccessToken: TokenSource
}
/** User identity: every call is made as this user. */
export interface UserTokenAuth {
  /** A `u-...` token, or a function returning the current one. */
  readonly userAccessToken: TokenSource
}
/** How the client gets the token of its calls (see the README's Auth). */
export type AuthOptions = AppCredentials | StoreAppCredentials | TenantTokenAuth | UserTokenAuth

/** When and how long the client waits before sending a failed call again. Every field has a default. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 3). */
  readonly maxAttempts?: number
  /** First backoff step; later ones double, with full jitter (default 300 ms). */
  readonly baseDelayMs?: number
  /** Longest single wait. A rate-limit reset further away fails at once with `retryAfterMs` (default 10 s). */
  readonly maxDelayMs?: number
  /** Give up once this much time has passed since the first attempt (default 30 s). */
  readonly maxElapsedMs?: number
  /**
   * Also retry operations whose replay is not safe (create meeting chat) on 5xx, network failures and
   * timeouts. Off by default: a lost answer may mean the chat was created. Rate-limit answers are always retried.
   */
  readonly retryUnsafe?: boolean
}

/** Options of one call. */
export interface CallOptions {
  /** Call as this user (user identity); sent exactly as given, never replaced by a cached token. */
  readonly userAccessToken?: string
  /** Call with this tenant_access_token (app identity) instead of the client's auth. */
  readonly tenantAccessToken?: string
  /** Aborts the call, and any retry still to come. */
  readonly signal?: AbortSignal
}

/**
 * The options of {@link createMeetingChatClient}, each with its default.
 *
 * @example
 * ```ts
 * createMeetingChatClient({ domain: 'lark', auth: { appId, appSecret }, retry: { maxAttempts: 5 }, deadlineMs: 20_000 })
 * ```
 */
export interface MeetingChatClientOptions {
  /** 'feishu' (https://open.feishu.cn, default), 'lark' (https://open.larksuite.com) or a base URL (https, or http on loopback). */
  readonly domain?: Domain
  /** Credentials; may be left out when every call passes its own token. */
  readonly auth?: AuthOptions
  /** Retry policy, or false for a single attempt. */
  readonly retry?: RetryOptions | false
  /** Per-attempt timeout in ms (default 10 000). The caller's AbortSignal is honoured on top of it. */
  readonly timeoutMs?: number
  /**
   * The whole call's deadline in ms (default 60 000): getting the token, every attempt and every wait.
   * No call outlives it, whatever the token source or the server does; past it the call fails with `kind: 'timeout'`.
   */
  readonly deadlineMs?: number
  /** The largest answer body read, in bytes (default 1 MiB); a bigger answer fails with `kind: 'protocol'`, not retried. */
  readonly maxResponseBytes?: number
  /** A fetch to use; by default globalThis.fetch, looked up at each call (so mocks installed later apply). */
  readonly fetch?: (request: Request) => Promise<Response>
  /**
   * A token cache to share among clients (`createTokenCache()`), or among processes (`createSharedTokenCache()` from
   * `feishu-meeting-chat/limiter`, in Redis); by default each client has its own.
   */
  readonly tokenCache?: TokenCacheLike
  /**
   * Holds every app-identity call until the app's rate budget allows it (`createRateLimiter()` from
   * `feishu-meeting-chat/limiter`, in memory or shared through Redis). None by default: the client only
   * reacts to rate-limit answers.
   */
  readonly rateLimiter?: CallLimiter
}

/** The base URL of each named `domain`. */
export const DOMAINS = { feishu: 'https://open.feishu.cn', lark: 'https://open.larksuite.com' } as const

/** The defaults of the client's options: durations in ms, sizes in bytes. */
export const DEFAULTS = {
  timeoutMs: 10_000,
  deadlineMs: 60_000,
  maxResponseBytes: 1_048_576,
  maxAttempts: 3,
  baseDelayMs: 300,
  maxDelayMs: 10_000,
  maxElapsedMs: 30_000,
} as const

export interface NormalizedRetry {
  readonly maxAttempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly maxElapsedMs: number
  readonly retryUnsafe: boolean
}

export interface Normalized {
  /** No trailing slash. */
  readonly baseUrl: string
  readonly origin: string
  /** The base URL's path prefix, '' for none. */
  readonly basePath: string
  readonly retry: NormalizedRetry
  readonly timeoutMs: number
  readonly deadlineMs: number
  readonly maxResponseBytes: number
  readonly fetch: ((request: Request) => Promise<Response>) | undefined
  readonly rateLimiter: CallLimiter | undefined
}

/**
 * A bad option, token or call argument, refused before anything is sent (a `TypeError`): its message names the
 * option and the fix, and never shows a secret.
 */
export class ConfigError extends TypeError {
  /** `FeishuConfigError`, in stacks and logs. */
  override readonly name = 'FeishuConfigError'
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

export function normalizeBaseUrl(domain: Domain | undefined): { baseUrl: string; origin: string; basePath: string } {
  const raw = domain ?? 'feishu'
  if (typeof raw !== 'string' || raw === '') {
    throw new ConfigError(`domain must be 'feishu', 'lark' or a base URL such as 'https://open.feishu.cn'; got ${describeValue(raw)}.`)
  }
  const known = (DOMAINS as Record<string, string>)[raw]
  let url: URL
  try {
    url = new URL(known ?? raw)
  } catch {
    throw new ConfigError(`domain "${raw}" is neither 'feishu', 'lark' nor an absolute URL. Use e.g. 'https://open.feishu.cn'.`)
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
    throw new ConfigError(`domain "${url.origin}" must use https (plain http is allowed only on loopback, for a local sandbox).`)
  }
  if (url.username || url.password) throw new ConfigError('domain must not carry credentials (user:password@): pass them as auth.')
  if (url.search || url.hash) throw new ConfigError(`domain "${raw}" must not have a query or fragment.`)
  const basePath = url.pathname.replace(/\/+$/, '')
  return { baseUrl: `${url.origin}${basePath}`, origin: url.origin, basePath }
}

/** The longest delay timers can wait (2^31 - 1 ms, about 24.8 days); beyond it they fire at once. */
const MAX_TIMER_MS = 2_147_483_647

function positive(name: string, value: unknown, fallback: number, min = 1, unit = 'ms'): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > MAX_TIMER_MS) {
    throw new ConfigError(`${name} must be a number from ${min} to ${MAX_TIMER_MS} (${unit}); got ${describeValue(value)}.`)
  }
  return value
}

export function normalizeOptions(options: MeetingChatClientOptions): Normalized {
  if (typeof options !== 'object' || options === null) throw new ConfigError('createMeetingChatClient needs an options object, e.g. { auth: { appId, appSecret } }.')
  const where = normalizeBaseUrl(options.domain)
  const r = options.retry
  if (r !== undefined && r !== false && (typeof r !== 'object' || r === null)) {
    throw new ConfigError(`retry must be an object such as { maxAttempts: 3 } or false; got ${describeValue(r)}.`)
  }
  const retry: NormalizedRetry = r === false
    ? { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxElapsedMs: 0, retryUnsafe: false }
    : {
        maxAttempts: Math.floor(positive('retry.maxAttempts', r?.maxAttempts, DEFAULTS.maxAttempts, 1, 'attempts')),
        baseDelayMs: positive('retry.baseDelayMs', r?.baseDelayMs, DEFAULTS.baseDelayMs, 0),
        maxDelayMs: positive('retry.maxDelayMs', r?.maxDelayMs, DEFAULTS.maxDelayMs, 0),
        maxElapsedMs: positive('retry.maxElapsedMs', r?.maxElapsedMs, DEFAULTS.maxElapsedMs, 0),
        retryUnsafe: r?.retryUnsafe === true,
      }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new ConfigError(`fetch must be a function (request: Request) => Promise<Response>; got ${describeValue(options.fetch)}.`)
  }
  return {
    ...where,
    retry,
    timeoutMs: positive('timeoutMs', options.timeoutMs, DEFAULTS.timeoutMs),
    deadlineMs: positive('deadlineMs', options.deadlineMs, DEFAULTS.deadlineMs),
    maxResponseBytes: Math.floor(positive('maxResponseBytes', options.maxResponseBytes, DEFAULTS.maxResponseBytes, 1, 'bytes')),
    fetch: options.fetch,
    rateLimiter: options.rateLimiter,
  }
}
