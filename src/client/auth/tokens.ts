// What every auth strategy is, and the check a token passes before it goes into a header. The transport and
// the strategies both read it, so it sits below them.
import { refreshTokenCodes } from '../../generated/codes.js'
import { tokenPrefixes } from '../../generated/operations.js'
import { describeSecret } from '../describe.js'
import { ConfigError } from '../options.js'

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
export const TENANT_TOKEN_INVALID: ReadonlySet<number> = new Set(refreshTokenCodes)

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
