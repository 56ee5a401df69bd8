// Auth strategies: where a request's token comes from, and what to do when the platform refuses it.
// The app secret and tokens live only in closures here: never on an object that can be logged.
import type { Client } from 'openapi-fetch'
import type { Transport } from '../transport.js'
import { errorCatalog } from '../../generated/catalog.js'
import { tokenPrefixes, type OperationId } from '../../generated/operations.js'
import type { paths } from '../../generated/schema.js'
import { FeishuApiError } from '../errors.js'
import { ConfigError, type AuthOptions, type TokenSource } from '../options.js'
import type { IssuedToken, TokenCache } from './token-cache.js'

export interface AuthStrategy {
  /** What kind of token this strategy sends. */
  readonly identity: 'tenant' | 'user'
  /** The token for the next request: at once when it is at hand, else a promise. */
  token(): string | Promise<string>
  /**
   * The platform refused `token` with `code`. Returns true when a fresh token may now be tried
   * (the request is then replayed once); false when the refusal must surface.
   */
  refused(token: string, code: number): boolean
}

/** Codes that mean "this tenant/app token is no longer good": drop it, get another, replay once (the catalog's x-refresh-token). */
const TENANT_TOKEN_INVALID = new Set(Object.entries(errorCatalog).filter(([, e]) => e.refreshToken).map(([code]) => Number(code)))
const APP_TOKEN_INVALID = 99991664

type Api = Client<paths, `${string}/${string}`>

const describeSecret = (value: unknown): string =>
  typeof value === 'string' ? `a string of ${value.length} characters` : value === null ? 'null' : typeof value

/** Checks a token before it goes into a header: a bad one is a clear local error, never a request. */
export function checkToken(token: unknown, identity: 'tenant' | 'user', from: string): string {
  const name = identity === 'tenant' ? 'tenant_access_token' : 'user_access_token'
  const prefix = tokenPrefixes[name]
  if (typeof token !== 'string' || token.length === 0) {
    throw new ConfigError(`${from} must be a non-empty ${name} string; got ${describeSecret(token)}.`)
  }
  // A header carries printable ASCII only: anything else would make fetch throw a TypeError of its own.
  if (/[^\x21-\x7e]/.test(token) || token.length > 2048) {
    throw new ConfigError(`${from} is not a valid ${name}: it contains whitespace or control characters (or others a header cannot carry), or is too long. Pass the token alone, without "Bearer ".`)
  }
  if (!token.startsWith(prefix)) {
    throw new ConfigError(`${from} is not a ${name}: those start with "${prefix}". Check that the tenant and user tokens are not swapped.`)
  }
  return token
}

function staticStrategy(source: TokenSource, identity: 'tenant' | 'user', name: string): AuthStrategy {
  if (typeof source === 'string') checkToken(source, identity, `auth.${name}`)
  else if (typeof source !== 'function') throw new ConfigError(`auth.${name} must be a string or a function returning one; got ${describeSecret(source)}.`)
  const check = (token: unknown) => checkToken(token, identity, `auth.${name}()`)
  return {
    identity,
    token() {
      if (typeof source === 'string') return source
      const given = source()
      return typeof given === 'string' ? check(given) : Promise.resolve(given).then(check)
    },
    // A provider function may hand out a fresh tenant token; a fixed string, or any user token, cannot be renewed here.
    refused: (_token, code) => identity === 'tenant' && typeof source === 'function' && TENANT_TOKEN_INVALID.has(code),
  }
}

function requireString(value: unknown, name: string, example: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(`auth.${name} must be a non-empty string (${example}); got ${describeSecret(value)}.`)
  }
  return value
}

/** Unwraps the token endpoint's answer (the transport already turned non-zero codes into errors). */
function issued(data: Record<string, unknown> | undefined, field: 'tenant_access_token' | 'app_access_token', operation: OperationId) {
  const token = data?.[field]
  const expire = data?.expire
  const malformed = typeof token !== 'string' || token === '' || token.length > 2048 || /[\s\u0000-\u001f\u007f]/.test(token)
  if (malformed || typeof expire !== 'number' || !(expire > 0)) {
    // Never quote the token: it may be real even when its envelope is wrong.
    throw new FeishuApiError({ kind: 'protocol', msg: `the token endpoint answered without a usable ${field} and expire`, operation })
  }
  return { token, expire }
}

/** `work`, or a timeout error once `ms` have passed: a token source that never settles cannot hold a shared fetch. */
function within<T>(work: Promise<T>, ms: number, what: string, operation: OperationId): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FeishuApiError({ kind: 'timeout', msg: `${what} did not settle within ${ms} ms`, operation, attempts: 0, retryable: true })), ms)
  })
  return Promise.race([work, late]).finally(() => clearTimeout(timer))
}

export function createAuthStrategy(auth: AuthOptions | undefined, api: Api, transport: Transport, cache: TokenCache, origin: string, deadlineMs: number): AuthStrategy | undefined {
  if (auth === undefined) return undefined
  if (typeof auth !== 'object' || auth === null) {
    throw new ConfigError('auth must be { appId, appSecret }, { appId, appSecret, appTicket, tenantKey }, { tenantAccessToken } or { userAccessToken }.')
  }
  if ('tenantAccessToken' in auth) return staticStrategy(auth.tenantAccessToken, 'tenant', 'tenantAccessToken')
  if ('userAccessToken' in auth) return staticStrategy(auth.userAccessToken, 'user', 'userAccessToken')
  if (!('appId' in auth) && !('appSecret' in auth)) {
    throw new ConfigError('auth must be { appId, appSecret }, { appId, appSecret, appTicket, tenantKey }, { tenantAccessToken } or { userAccessToken }.')
  }
  const appId = requireString(auth.appId, 'appId', "the app's cli_... id")
  const appSecret = requireString(auth.appSecret, 'appSecret', "from the developer console's credentials page")

  if (!('appTicket' in auth) && !('tenantKey' in auth)) {
    const key = `${origin} internal ${appId}`
    const fetchToken = async () => {
      const operation = 'getTenantAccessTokenInternal'
      const { response } = await api.POST('/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: appId, app_secret: appSecret }, fetch: transport.bound(operation), parseAs: 'stream' })
      return issued(transport.envelopeOf(response), 'tenant_access_token', operation)
    }
    return cachedTenantStrategy(cache, key, fetchToken)
  }

  const { appTicket } = auth as Partial<{ appTicket: unknown }>
  if (typeof appTicket !== 'function') {
    throw new ConfigError(`auth.appTicket must be a function returning the latest app_ticket your event handler received; got ${describeSecret(appTicket)}.`)
  }
  const tenantKey = requireString((auth as { tenantKey?: unknown }).tenantKey, 'tenantKey', "the tenant's key, from the app's install event")
  const appKey = `${origin} app ${appId}`
  const tenantCacheKey = `${origin} tenant ${appId} ${tenantKey}`

  const fetchAppToken = async () => {
    const ticket = await within(Promise.resolve().then(appTicket as () => unknown), deadlineMs, 'auth.appTicket()', 'getAppAccessToken')
    if (typeof ticket !== 'string' || ticket === '') {
      throw new ConfigError(`auth.appTicket() must return the latest app_ticket string; got ${describeSecret(ticket)}. Trigger a push with client.resendAppTicket() if you have none.`)
    }
    const operation = 'getAppAccessToken'
    const { response } = await api.POST('/open-apis/auth/v3/app_access_token', { body: { app_id: appId, app_secret: appSecret, app_ticket: ticket }, fetch: transport.bound(operation), parseAs: 'stream' })
    return issued(transport.envelopeOf(response), 'app_access_token', operation)
  }
  const fetchTenantToken = async () => {
    for (let replay = 0; ; replay++) {
      const appToken = await cache.get(appKey, fetchAppToken)
      try {
        const operation = 'getTenantAccessToken'
        const { response } = await api.POST('/open-apis/auth/v3/tenant_access_token', { body: { app_access_token: appToken, tenant_key: tenantKey }, fetch: transport.bound(operation), parseAs: 'stream' })
        return issued(transport.envelopeOf(response), 'tenant_access_token', operation)
      } catch (error) {
        // The app token went stale before its expiry: drop it and try once with a fresh one.
        if (replay > 0 || !(error instanceof FeishuApiError) || error.code !== APP_TOKEN_INVALID) throw error
        cache.invalidate(appKey, appToken)
      }
    }
  }
  return cachedTenantStrategy(cache, tenantCacheKey, fetchTenantToken)
}

/** A tenant token the client fetches itself: cached, and dropped when the platform refuses it. */
function cachedTenantStrategy(cache: TokenCache, key: string, fetchToken: () => Promise<IssuedToken>): AuthStrategy {
  return {
    identity: 'tenant',
    token: () => cache.peek(key) ?? cache.get(key, fetchToken),
    refused(token, code) {
      if (!TENANT_TOKEN_INVALID.has(code)) return false
      cache.invalidate(key, token)
      return true
    },
  }
}
