// Auth strategies: where a request's token comes from, and what to do when the platform refuses it. The app secret
// and tokens live only in closures here and in app.ts: never on an object that can be logged.
import { describeSecret } from '../describe.js'
import { ConfigError, type AuthOptions, type TokenSource } from '../options.js'
import { appStrategy, type AppDeps } from './app.js'
import { checkToken, TENANT_TOKEN_INVALID, type AuthStrategy } from './tokens.js'

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

const AUTH_SHAPES = 'auth must be { appId, appSecret }, { appId, appSecret, appTicket, tenantKey }, { tenantAccessToken } or { userAccessToken }.'

/** The strategy of the client's `auth` option, checked; undefined when every call passes its own token. */
export function createAuthStrategy(auth: AuthOptions | undefined, deps: AppDeps, origin: string, deadlineMs: number): AuthStrategy | undefined {
  if (auth === undefined) return undefined
  if (typeof auth !== 'object' || auth === null) throw new ConfigError(AUTH_SHAPES)
  if ('tenantAccessToken' in auth) return staticStrategy(auth.tenantAccessToken, 'tenant', 'tenantAccessToken')
  if ('userAccessToken' in auth) return staticStrategy(auth.userAccessToken, 'user', 'userAccessToken')
  if (!('appId' in auth) && !('appSecret' in auth)) throw new ConfigError(AUTH_SHAPES)
  const appId = requireString(auth.appId, 'appId', "the app's cli_... id")
  const appSecret = requireString(auth.appSecret, 'appSecret', "from the developer console's credentials page")

  const common = { appId, appSecret, origin, deadlineMs }
  if (!('appTicket' in auth) && !('tenantKey' in auth)) return appStrategy({ ...common, kind: 'internal' }, deps)
  const { appTicket } = auth as Partial<{ appTicket: unknown }>
  if (typeof appTicket !== 'function') {
    throw new ConfigError(`auth.appTicket must be a function returning the latest app_ticket your event handler received; got ${describeSecret(appTicket)}.`)
  }
  const tenantKey = requireString((auth as { tenantKey?: unknown }).tenantKey, 'tenantKey', "the tenant's key, from the app's install event")
  return appStrategy({ ...common, kind: 'store', appTicket: appTicket as () => unknown, tenantKey }, deps)
}
