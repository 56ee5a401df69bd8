// App credentials (self-built and store apps): the client fetches tenant tokens itself, caches them and
// shares one fetch among concurrent callers. The app secret and tokens live only in closures here: never on
// an object that can be logged.
import type { Client } from 'openapi-fetch'
import type { OperationId } from '../../generated/operations.js'
import type { paths } from '../../generated/schema.js'
import { describeSecret } from '../describe.js'
import { FeishuApiError } from '../errors.js'
import { ConfigError, type AuthOptions, type CallOptions } from '../options.js'
import type { Fetch } from '../transport.js'
import { checkSignal } from '../validate.js'
import { TokenCache, type IssuedToken, type TokenCacheLike } from './token-cache.js'
import { TENANT_TOKEN_INVALID, type AuthStrategy } from './tokens.js'

const APP_TOKEN_INVALID = 99991664

export type AppConfig = { readonly appId: string; readonly appSecret: string; readonly origin: string; readonly deadlineMs: number } & (
  | { readonly kind: 'internal' }
  | { readonly kind: 'store'; readonly appTicket: () => unknown; readonly tenantKey: string }
)

export interface AppDeps {
  /** The client's openapi-fetch client: token requests go through it, and so through its middleware. */
  readonly api: Client<paths, `${string}/${string}`>
  /** The transport's fetch for one operation (see transport.ts). */
  readonly fetchFor: (operation: OperationId) => Fetch
  /** The cache to share; by default one per client. */
  readonly cache: TokenCacheLike | undefined
}

/** Unwraps the token endpoint's answer (the transport already turned non-zero codes into errors). */
function issued(data: object | undefined, field: 'tenant_access_token' | 'app_access_token', operation: OperationId) {
  const token = (data as Record<string, unknown> | undefined)?.[field]
  const expire = (data as Record<string, unknown> | undefined)?.expire
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

export function appStrategy(config: AppConfig, deps: AppDeps): AuthStrategy {
  const { api, fetchFor } = deps
  const cache = deps.cache ?? new TokenCache()
  const { appId, appSecret, origin, deadlineMs } = config
  if (config.kind === 'internal') {
    const key = `${origin} internal ${appId}`
    const fetchToken = async () => {
      const operation = 'getTenantAccessTokenInternal'
      const { data } = await api.POST('/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: appId, app_secret: appSecret }, fetch: fetchFor(operation) })
      return issued(data, 'tenant_access_token', operation)
    }
    return cachedTenantStrategy(cache, key, fetchToken)
  }

  const { appTicket, tenantKey } = config
  const appKey = `${origin} app ${appId}`
  const tenantCacheKey = `${origin} tenant ${appId} ${tenantKey}`

  const fetchAppToken = async () => {
    const ticket = await within(Promise.resolve().then(appTicket), deadlineMs, 'auth.appTicket()', 'getAppAccessToken')
    if (typeof ticket !== 'string' || ticket === '') {
      throw new ConfigError(`auth.appTicket() must return the latest app_ticket string; got ${describeSecret(ticket)}. Trigger a push with client.resendAppTicket() if you have none.`)
    }
    const operation = 'getAppAccessToken'
    const { data } = await api.POST('/open-apis/auth/v3/app_access_token', { body: { app_id: appId, app_secret: appSecret, app_ticket: ticket }, fetch: fetchFor(operation) })
    return issued(data, 'app_access_token', operation)
  }
  const fetchTenantToken = async () => {
    for (let replay = 0; ; replay++) {
      const appToken = await cache.get(appKey, fetchAppToken)
      try {
        const operation = 'getTenantAccessToken'
        const { data } = await api.POST('/open-apis/auth/v3/tenant_access_token', { body: { app_access_token: appToken, tenant_key: tenantKey }, fetch: fetchFor(operation) })
        return issued(data, 'tenant_access_token', operation)
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
function cachedTenantStrategy(cache: TokenCacheLike, key: string, fetchToken: () => Promise<IssuedToken>): AuthStrategy {
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

/** client.resendAppTicket: asks the platform to push a new app_ticket, with the app credentials of `auth`. */
export async function resendAppTicket(auth: AuthOptions | undefined, deps: Pick<AppDeps, 'api' | 'fetchFor'>, callOptions: Pick<CallOptions, 'signal'> | undefined): Promise<Response> {
  const app = auth as (AuthOptions & { appId?: unknown; appSecret?: unknown }) | undefined
  if (typeof app?.appId !== 'string' || typeof app.appSecret !== 'string') {
    throw new ConfigError('resendAppTicket needs app credentials: create the client with auth: { appId, appSecret, ... }.')
  }
  const signal = checkSignal(callOptions?.signal)
  const { response } = await deps.api.POST('/open-apis/auth/v3/app_ticket/resend', {
    body: { app_id: app.appId, app_secret: app.appSecret },
    ...(signal && { signal }),
    fetch: deps.fetchFor('resendAppTicket'),
  })
  return response
}
