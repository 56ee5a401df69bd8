// The fetch openapi-fetch is given: every rule of a call. It checks where the request goes, adds the token, waits for
// the rate budget, sends each attempt (attempt.ts), reads what an answer that is not a success means (classify.ts),
// replays once with a fresh token, retries what the policy allows (retry.ts), and throws every failure as a
// FeishuApiError redacted of every secret the client has sent (redact.ts), all within the call's deadline.
import { secretFields, tokenPrefixes, type OperationId } from '../generated/operations.js'
import { succeeded, TooLarge, type Failure } from './answer.js'
import { neverSent, NoAnswer, sendAttempt } from './attempt.js'
import { checkToken, type AuthStrategy } from './auth/tokens.js'
import { failureOf } from './classify.js'
import { FeishuApiError, type FeishuApiErrorInit } from './errors.js'
import { findOperation, OPERATIONS, type Operation } from './operation.js'
import { ConfigError, type Normalized } from './options.js'
import { plainCause, redactHeaders, redactInit, type Secrets } from './redact.js'
import { nextDelayMs, sleep } from './retry.js'

export interface TransportDeps {
  readonly options: Normalized
  /** The client's auth strategy (made after the transport: its token requests go through it). */
  readonly auth: () => AuthStrategy | undefined
  /** Every secret the client has sent, to redact from what it reports; the transport adds what it sends. */
  readonly secrets: Secrets
  /** The budget key of this client's calls (see pacing.ts). */
  readonly pacingKey: string
  readonly now?: () => number
  readonly random?: () => number
}

export type Fetch = (request: Request) => Promise<Response>

export interface Transport {
  /** For any request of the spec: its operation is found from its method and path. */
  readonly fetch: Fetch
  /** For requests of one operation, no lookup: the client's own calls and token requests pass it to openapi-fetch per call. */
  fetchFor(operation: OperationId): Fetch
}

/** Methods whose replay is safe, for a path the spec does not have. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])

/** The credentials in a request body (the token requests' JSON fields the spec marks x-secret). */
function bodySecrets(body: ArrayBuffer): string[] {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body))
    if (typeof parsed !== 'object' || parsed === null) return []
    return secretFields.map((k) => (parsed as Record<string, unknown>)[k]).filter((v): v is string => typeof v === 'string')
  } catch {
    return []
  }
}

/**
 * Waits for a step the call depends on (the token, the rate budget, recording a hold) at most `ms`, and not past
 * the caller's abort; then the step's own signal aborts and the call stops waiting, whatever the step does (a
 * token provider or a limiter's store that ignores its signal cannot hold the call).
 */
function within<T>(step: (stop: AbortSignal) => Promise<T>, ms: number, signal: AbortSignal, late: () => FeishuApiError): Promise<T> {
  signal.throwIfAborted()
  const stop = new AbortController()
  return new Promise<T>((resolve, reject) => {
    const end = <V>(settle: (value: V) => void) => (value: V) => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      settle(value)
    }
    const onAbort = () => {
      stop.abort(signal.reason)
      end(reject)(signal.reason)
    }
    const timer = setTimeout(() => {
      stop.abort()
      end(reject)(late())
    }, Math.max(0, ms))
    signal.addEventListener('abort', onAbort, { once: true })
    step(stop.signal).then(end(resolve), end(reject))
  })
}

export function createTransport(deps: TransportDeps): Transport {
  const { options, secrets } = deps
  const now = deps.now ?? Date.now
  const random = deps.random ?? Math.random
  const originSlash = `${options.origin}/`

  /** The path below the base URL, for the operation lookup. */
  const pathOf = (url: string): string => {
    const query = url.indexOf('?', originSlash.length)
    const path = url.slice(options.origin.length, query === -1 ? url.length : query)
    return options.basePath !== '' && path.startsWith(options.basePath) ? path.slice(options.basePath.length) : path
  }

  async function call(request: Request, known: Operation | undefined): Promise<Response> {
    let started = now()
    const deadline = started + options.deadlineMs
    const { url, method, headers } = request
    if (!url.startsWith(originSlash)) {
      // Credentials only ever go to the configured origin: a per-request baseUrl, or a middleware's new URL, is refused.
      throw new ConfigError(`Refusing to send a request to ${new URL(url).origin}: this client is configured for ${options.origin}. Create another client for that origin.`)
    }
    const op = known ?? findOperation(method, pathOf(url))
    const operation = op?.id ?? null
    const secured = op?.secured ?? true
    const idempotent = op?.idempotent ?? SAFE_METHODS.has(method)
    // The caller's signal, which openapi-fetch gave the Request.
    const signal = request.signal
    // Read once, so that a retry can send it again.
    const body = request.body === null ? undefined : await request.arrayBuffer()
    if (body !== undefined) for (const secret of bodySecrets(body)) secrets.add(secret)

    const explicit = headers.get('authorization')
    // The token as checked is the secret redacted; a header that is not `Bearer <token>` is kept secret whole.
    const explicitToken = explicit === null ? undefined : /^Bearer (.*)$/.exec(explicit)?.[1] ?? explicit
    const strategy = secured && explicit === null ? deps.auth() : undefined
    if (explicitToken !== undefined) secrets.add(explicitToken)
    if (secured) {
      if (explicitToken !== undefined) {
        const value = explicit?.startsWith('Bearer ') ? explicitToken : ''
        checkToken(value, value.startsWith(tokenPrefixes.user_access_token) ? 'user' : 'tenant', 'The Authorization header')
      } else if (!strategy) {
        throw new ConfigError(`${operation ?? 'This request'} needs a token: configure auth on the client, or pass { userAccessToken } or { tenantAccessToken } to the call.`)
      }
    }
    const failure = (init: FeishuApiErrorInit) => new FeishuApiError(redactInit(init, secrets))
    /** A timeout; with `retryAfterMs`, the rate limiter's refusal of a wait it could not end in time. */
    const late = (attempts: number, earlierUnknown: boolean, what: string, retryAfterMs?: number) => failure({
      kind: retryAfterMs ? 'rate_limited' : 'timeout',
      msg: `${what} within the call's deadline of ${options.deadlineMs} ms`,
      operation,
      attempts,
      retryable: true,
      earlierAttemptOutcomeUnknown: earlierUnknown,
      retryAfterMs,
    })

    // App-identity calls (user-token calls only if the limiter asks) wait for the rate budget.
    const limiter = options.rateLimiter
    const userCall = strategy ? strategy.identity === 'user' : explicitToken?.startsWith(tokenPrefixes.user_access_token)
    const pacing = limiter && operation && secured && (limiter.userCalls || !userCall) ? { key: deps.pacingKey, operation } : undefined

    let attempts = 0
    let tokenReplayed = false
    let earlierUnknown = false
    for (;;) {
      signal.throwIfAborted()
      let token: string | undefined
      if (strategy) {
        const given = strategy.token()
        // A token at hand costs no timer; a pending one is awaited only until the deadline.
        token = typeof given === 'string' ? given : await within(() => given, deadline - now(), signal, () => late(attempts, earlierUnknown, 'no token'))
        secrets.add(token)
        headers.set('authorization', `Bearer ${token}`)
      }
      if (pacing && limiter) {
        // Each attempt waits for the budget before it is sent; the wait is not counted in maxElapsedMs. A wait that would
        // not leave the attempt its timeoutMs (or half the time left, when less than twice that is left) is not started:
        // the limiter says how long it would be, and the call fails at once as rate_limited.
        const waitStarted = now()
        const left = Math.max(0, deadline - waitStarted)
        const wait = await within((stop) => limiter.acquire(pacing, stop, left - Math.min(options.timeoutMs, left / 2)), left, signal, () => late(attempts, earlierUnknown, 'no rate budget'))
        if ((wait ?? 0) > 0) throw late(attempts, earlierUnknown, 'no rate budget', wait as number)
        started += now() - waitStarted
      }
      // An abort that lands as a wait ends: the attempt's listener would not hear it.
      signal.throwIfAborted()
      const remaining = deadline - now()
      if (remaining <= 0) throw late(attempts, earlierUnknown, 'no answer')
      const timeoutMs = Math.min(options.timeoutMs, remaining)
      attempts++

      let verdict: Failure
      let unknownOutcome = false
      try {
        // Every attempt is sent from this one line: anything that must run before each send goes just above it.
        const answer = await sendAttempt(request, body, { timeoutMs, maxResponseBytes: options.maxResponseBytes, signal, fetch: options.fetch })
        if (succeeded(answer)) return new Response(answer.bytes, { status: answer.status, headers: redactHeaders(answer.headers, secrets) })
        verdict = failureOf(answer, operation, options.origin, secrets, now())
      } catch (thrown) {
        if (signal.aborted) throw signal.reason
        if (thrown instanceof TooLarge) {
          throw failure({ kind: 'protocol', msg: thrown.message, httpStatus: thrown.status, operation, attempts, retryable: false, earlierAttemptOutcomeUnknown: earlierUnknown })
        }
        if (!(thrown instanceof NoAnswer)) throw thrown
        // Only a meeting-chat call that may have reached the platform leaves its outcome unknown (token requests change nothing).
        unknownOutcome = secured && !neverSent(thrown.cause)
        const cut = timeoutMs < options.timeoutMs
        verdict = {
          ok: false,
          waitMs: null,
          error: {
            kind: thrown.timedOut ? 'timeout' : 'network',
            msg: thrown.timedOut
              ? cut ? `no answer within the call's deadline of ${options.deadlineMs} ms` : `no answer within ${options.timeoutMs} ms`
              : 'the request failed before an answer arrived',
            operation,
            retryable: true,
            cause: plainCause(thrown.cause, secrets),
          },
        }
      }
      const { error, waitMs } = verdict
      // The platform's reset overrides the limiter's count: every call of the budget waits it out.
      if (pacing && limiter && error.kind === 'rate_limited' && waitMs !== null) {
        await within(() => limiter.hold(pacing, waitMs), deadline - now(), signal, () => late(attempts, earlierUnknown, 'no answer from the rate limiter'))
      }
      if (strategy && token !== undefined && !tokenReplayed && typeof error.code === 'number' && strategy.refused(token, error.code)) {
        // The token was refused, not the request: one replay with a fresh token, not counted as an attempt.
        tokenReplayed = true
        attempts--
        continue
      }
      const delay = nextDelayMs(error, { attempts, idempotent, waitMs, elapsedMs: now() - started, remainingMs: deadline - now() }, options.retry, random)
      if (delay === null) throw failure({ ...error, attempts, earlierAttemptOutcomeUnknown: earlierUnknown, retryAfterMs: waitMs })
      await sleep(delay, signal)
      earlierUnknown ||= unknownOutcome
    }
  }

  const fetches = new Map<OperationId, Fetch>()
  return {
    fetch: (request) => call(request, undefined),
    fetchFor(id) {
      let bound = fetches.get(id)
      if (!bound) {
        const op = OPERATIONS[id]
        bound = (request) => call(request, op)
        fetches.set(id, bound)
      }
      return bound
    },
  }
}
