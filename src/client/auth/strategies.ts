// Auth strategies: where a request's token comes from, and what to do when the platform refuses it.
// The app secret and tokens live only in closures here: never on an object that can be logged.
import type { AppConfig, AppDeps } from './app.js'
import { refreshTokenCodes } from '../../generated/codes.js'
import { tokenPrefixes } from '../../generated/operations.js'
import { loadCatalogText } from '../errors.js'
import { loadChunk } from '../lazy.js'
import { ConfigError, type AuthOptions, type TokenSource } from '../options.js'

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
export const TENANT_TOKEN_INVALID = new Set(refreshTokenCodes)

export const describeSecret = (value: unknown): string =>
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

export function createAuthStrategy(auth: AuthOptions | undefined, deps: AppDeps, origin: string, deadlineMs: number): AuthStrategy | undefined {
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

  const common = { appId, appSecret, origin, deadlineMs }
  if (!('appTicket' in auth) && !('tenantKey' in auth)) return lazyAppStrategy({ ...common, kind: 'internal' }, deps)
  const { appTicket } = auth as Partial<{ appTicket: unknown }>
  if (typeof appTicket !== 'function') {
    throw new ConfigError(`auth.appTicket must be a function returning the latest app_ticket your event handler received; got ${describeSecret(appTicket)}.`)
  }
  const tenantKey = requireString((auth as { tenantKey?: unknown }).tenantKey, 'tenantKey', "the tenant's key, from the app's install event")
  return lazyAppStrategy({ ...common, kind: 'store', appTicket: appTicket as () => unknown, tenantKey }, deps)
}

/**
 * App credentials: their token flows load on the first token request, so that an app that passes its own
 * tokens never loads them (bundlers put ./app.js in a chunk of its own).
 */
function lazyAppStrategy(config: AppConfig, deps: AppDeps): AuthStrategy {
  let loaded: AuthStrategy | undefined
  let loading: Promise<AuthStrategy> | undefined
  const load = () => {
    // The text of errors loads beside the flows, which make errors of their own.
    void loadCatalogText()
    // A load that fails or outlasts the deadline is a network or timeout error, and is tried again next time.
    return (loading ??= loadChunk(() => import('./app.js'), 'the app-credential flows', config.deadlineMs).then(
      (m) => (loaded = m.appStrategy(config, deps)),
      (error: unknown) => {
        loading = undefined
        throw error
      },
    ))
  }
  return {
    identity: 'tenant',
    token: () => (loaded ? loaded.token() : load().then((s) => s.token())),
    refused: (token, code) => loaded?.refused(token, code) ?? false,
  }
}
