// Every rule of a call, the client's own or openapi-fetch's (through the fetch client.api gives it): it adds the
// token, sends each attempt (sendAttempt), reads what an answer that is not a success means (verdict.ts, loaded
// with the first such answer), replays once with a fresh token,
// retries what the policy allows (nextDelayMs), and throws every failure as a FeishuApiError redacted in one place
// (redactInit), all within the call's deadline.
import { tokenPrefixes, type OperationId } from '../generated/operations.js'
import { succeeded, TooLarge, type Answer, type Envelope, type Failure } from './answer.js'
import { neverSent, NoAnswer, sendAttempt, type AttemptRequest } from './attempt.js'
import { checkToken, type AuthStrategy } from './auth/strategies.js'
import { FeishuApiError, loadCatalogText, RETRYABLE, type FeishuApiErrorInit } from './errors.js'
import { OPERATIONS, type Operation } from './operation.js'
import { ConfigError, type Normalized } from './options.js'
import type { CallLimiter, PacingRequest } from './pacing.js'
import { plainCause, redactInit, redactText } from './redact.js'
import { awaitWithin, raceWithin } from './lazy.js'
import { nextDelayMs, sleep } from './retry.js'

export interface TransportDeps {
  readonly options: Normalized
  readonly auth: () => AuthStrategy | undefined
  /** Pacing (issue 14): the budget key of this client's calls (see pacing.ts). */
  readonly pacingKey?: string
  readonly now?: () => number
  readonly random?: () => number
}

/**
 * A request as the transport sends it. The client's own calls build one (call.ts); a Request that openapi-fetch
 * built for `client.api`, a token flow or a call with middleware is read into one by the reader client.api's chunk
 * installs (request.ts): its body read once, the operation found from its method and path, its origin checked.
 * What the client's own calls build is never handed to user code, and its URL, made from the normalized base URL
 * and the checked, encoded ids, is not parsed here: fetch parses it. The attempt gives the parts to fetch, which
 * builds the one Request sent; building one here as well cost a second undici Request per call (about 4 µs, and
 * 3-6 µs more for fetch to copy it).
 */
export interface Outgoing extends AttemptRequest {
  /** The operation of the spec, null for a path the spec does not have. */
  readonly id: OperationId | null
  /** Whether it needs a token (a path the spec does not have does). */
  readonly secured: boolean
  /** Whether a replay is safe. */
  readonly idempotent: boolean
  /** The credentials the request carries in its body (the token endpoints' JSON), redacted from every error. */
  readonly secrets: readonly string[]
  /** The caller's signal. */
  readonly signal: AbortSignal | null
}

/** Reads a Request openapi-fetch built into what the transport sends; `known` is the operation when the caller named it. */
export type ReadRequest = (request: Request, known: Operation | undefined) => Outgoing | Promise<Outgoing>

/** Marks what the client's own calls build (call.ts): no Request, whatever its class or properties, passes for one. */
export const BUILT = Symbol('built')

/** What the client's own calls hand the transport. */
export type Built = Outgoing & { readonly [BUILT]: true }

/** What the transport's fetches take: a Request from openapi-fetch, or what the client's own calls build. */
export type Fetch = (request: Request | Built) => Promise<Response>

export interface Transport {
  /**
   * Sends a request with every rule of the client, and resolves with its successful answer. `known` is the
   * operation when the caller named it; else a Request's reader finds it (see {@link Outgoing}).
   */
  send(request: Request | Built, known?: Operation, onEnvelope?: (envelope: Envelope) => void): Promise<Answer>
  /**
   * For one operation whose success carries nothing the caller reads (call it with parseAs: 'stream'): no lookup,
   * and openapi-fetch does not parse the answer a second time.
   */
  bound(operation: OperationId): Fetch
  /**
   * For one call of an operation whose success the caller reads: a fetch as {@link bound}'s, and the envelope of
   * its success, kept apart from the Response, which middleware may replace.
   */
  capture(operation: OperationId): { readonly fetch: Fetch; envelope(): Envelope | undefined }
  /**
   * Called when middleware is added to the openapi-fetch client: from then on a bound success is a new, body-less
   * Response that middleware may clone or read. Until then nothing but the client's own methods sees it, and
   * the Response as fetched is handed back as it is.
   */
  observed(): void
  /** Installed by client.api's chunk, which is loaded before openapi-fetch hands the transport any Request. */
  readRequests(read: ReadRequest): void
}

/**
 * Runs a step that the call waits on (the token, the limiter's budget, recording a hold) until the deadline; past
 * it, or on the caller's abort, the call stops waiting and the step's signal aborts. The step is raced, so one that
 * ignores its signal (a shared token fetch, a limiter's store) cannot hold the call either.
 */
async function within<T>(step: (stop: AbortSignal) => Promise<T>, ms: number, signal: AbortSignal | null, onLate: () => Promise<FeishuApiError>): Promise<T> {
  const stop = new AbortController()
  const result = await raceWithin(step(stop.signal), ms, signal, LATE).catch((thrown: unknown) => {
    stop.abort(signal?.reason)
    throw thrown
  })
  if (result !== LATE) return result
  stop.abort()
  throw await onLate()
}

/** What `within` resolves to once its time is up. */
const LATE = Symbol('late')

/** What verdict.ts needs of the modules loaded at start. */
const VERDICT_DEPS = { redactText, redactInit, retryable: RETRYABLE }

export function createTransport(deps: TransportDeps): Transport {
  const { options } = deps
  const now = deps.now ?? Date.now
  const random = deps.random ?? Math.random
  let observed = false

  /**
   * What an answer that is not a success means (verdict.ts), loaded with the catalog's text on the first one, within
   * the call's deadline and not past the caller's abort. If it does not load in time (a chunk a browser cannot
   * fetch, or one that stalls), the attempt counts as one that got no usable answer: retryable while time is left,
   * a timeout once the deadline has passed.
   */
  const judge = async (answer: Answer, operation: OperationId | null, secrets: readonly string[], deadline: number, signal: AbortSignal | null): Promise<Failure> => {
    const loaded = await awaitWithin(Promise.all([import('./verdict.js'), loadCatalogText()]), deadline - now(), signal)
    return loaded
      ? loaded[0].failureOf(answer, operation, options.origin, secrets, now(), VERDICT_DEPS)
      : { ok: false, waitMs: null, error: { kind: now() < deadline ? 'network' : 'timeout', msg: `HTTP ${answer.status}: what it means did not load in time`, httpStatus: answer.status, operation, retryable: true } }
  }

  let read: ReadRequest | undefined

  async function call<T>(input: Request | Built, known: Operation | undefined, onEnvelope: ((envelope: Envelope) => void) | undefined, finish: (answer: Answer) => T): Promise<T> {
    let started = now()
    const deadline = started + options.deadlineMs
    let request: Outgoing
    if (BUILT in input) {
      request = input
    } else {
      // Cannot happen: openapi-fetch hands the transport a Request only once client.api's chunk has installed the reader.
      if (!read) throw new Error('feishu-meeting-chat: client.api not loaded')
      const reading = read(input, known)
      request = 'then' in reading ? await reading : reading
    }
    const { url, method, headers, body, signal, secured } = request
    const operation = request.id
    const requestSecrets = request.secrets
    const explicit = headers.get('authorization')
    // A request without a body is sent as openapi-fetch built it on the first attempt.
    let reusable = request.prepared
    // The token as checked is the secret redacted; a header that is not `Bearer <token>` is kept secret whole.
    const explicitToken = explicit === null ? undefined : /^Bearer (.*)$/.exec(explicit)?.[1] ?? explicit
    const strategy = secured && explicit === null ? deps.auth() : undefined
    if (secured) {
      if (explicitToken !== undefined) {
        const value = explicit?.startsWith('Bearer ') ? explicitToken : ''
        checkToken(value, value.startsWith(tokenPrefixes.user_access_token) ? 'user' : 'tenant', 'The Authorization header')
      } else if (!strategy) {
        throw new ConfigError(`${operation ?? 'This request'} needs a token: configure auth on the client, or pass { userAccessToken } or { tenantAccessToken } to the call.`)
      }
    }
    /** The error to throw: the attempt's facts, redacted of every secret the request carried, with its text loaded. */
    const failure = async (init: FeishuApiErrorInit, secrets: readonly string[]) => {
      // Within the deadline: past it (a timeout), no wait.
      await awaitWithin(loadCatalogText(), deadline - now(), signal)
      return new FeishuApiError(redactInit(init, secrets))
    }
    /** A timeout; with `retryAfterMs`, the rate limiter's refusal of a wait it could not end in time (issue 31). */
    const lateError = (attempts: number, earlierUnknown: boolean, what: string, retryAfterMs?: number) => failure({
      kind: retryAfterMs ? 'rate_limited' : 'timeout',
      msg: `${what} within the call's deadline of ${options.deadlineMs} ms`,
      operation,
      attempts,
      retryable: true,
      earlierAttemptOutcomeUnknown: earlierUnknown,
      retryAfterMs,
    }, requestSecrets)

    // Pacing (issue 14): app-identity calls (user-token calls only if the limiter asks) wait for the rate budget.
    const limiter = options.rateLimiter
    const userCall = strategy ? strategy.identity === 'user' : explicitToken?.startsWith(tokenPrefixes.user_access_token)
    const pacing = limiter && operation && secured && (limiter.userCalls || !userCall) ? { key: deps.pacingKey ?? 'default', operation } : undefined

    let attempts = 0
    let tokenReplayed = false
    let earlierUnknown = false
    for (;;) {
      signal?.throwIfAborted()
      let token: string | undefined
      if (strategy) {
        const given = strategy.token()
        // A token at hand costs no timer; a pending one is awaited only until the deadline.
        token = typeof given === 'string'
          ? given
          : await within(() => given, Math.max(0, deadline - now()), signal, () => lateError(attempts, earlierUnknown, 'no token'))
        headers.set('authorization', `Bearer ${token}`)
        signal?.throwIfAborted()
      }
      const secrets = token !== undefined ? [token, ...requestSecrets] : explicitToken !== undefined ? [explicitToken, ...requestSecrets] : requestSecrets
      if (pacing && limiter) {
        // Pacing (issue 14): each attempt waits for the budget before it is sent, within the call's deadline; the
        // wait is not counted in maxElapsedMs. A wait that would not leave the attempt its timeoutMs (or half the
        // time left, when less than twice that is left) is not started: the limiter says how long it would be, and
        // the call fails at once as rate_limited (issue 31).
        const waitStarted = now()
        const left = Math.max(0, deadline - waitStarted)
        const wait = await within((stop) => limiter.acquire(pacing, stop, left - Math.min(options.timeoutMs, left / 2)), left, signal, () => lateError(attempts, earlierUnknown, 'no rate budget'))
        if ((wait ?? 0) > 0) throw await lateError(attempts, earlierUnknown, 'no rate budget', wait as number)
        started += now() - waitStarted
        // An abort that lands as the wait ends: the attempt's listener would not hear it.
        signal?.throwIfAborted()
      }
      const remaining = deadline - now()
      if (remaining <= 0) throw await lateError(attempts, earlierUnknown, 'no answer')
      const timeoutMs = Math.min(options.timeoutMs, remaining)
      attempts++

      let verdict: Failure
      let unknownOutcome = false
      try {
        // Every attempt is sent from this one line: anything that must run before each send goes just above it.
        const attempt = sendAttempt(
          { url, method, headers, body, prepared: reusable },
          { timeoutMs, maxResponseBytes: options.maxResponseBytes, signal, fetch: options.fetch },
        )
        // The prepared Request and its controller serve one attempt: a retry or a replay builds its own.
        reusable = undefined
        const answer = await attempt
        if (succeeded(answer)) {
          onEnvelope?.(answer.envelope!)
          return finish(answer)
        }
        verdict = await judge(answer, operation, secrets, deadline, signal)
      } catch (thrown) {
        if (signal?.aborted) throw signal.reason
        if (thrown instanceof TooLarge) {
          throw await failure({ kind: 'protocol', msg: thrown.message, httpStatus: thrown.status, operation, attempts, retryable: false, earlierAttemptOutcomeUnknown: earlierUnknown }, secrets)
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
      // Pacing (issue 14): the platform's reset overrides the limiter's count: every call of the budget waits it out.
      if (pacing && limiter && error.kind === 'rate_limited' && waitMs !== null) {
        await within(() => limiter.hold(pacing, waitMs), Math.max(0, deadline - now()), signal, () => lateError(attempts, earlierUnknown, 'no answer from the rate limiter'))
      }
      if (strategy && token !== undefined && !tokenReplayed && typeof error.code === 'number' && strategy.refused(token, error.code)) {
        // The token was refused, not the request: one replay with a fresh token, not counted as an attempt.
        tokenReplayed = true
        attempts--
        continue
      }
      const delay = nextDelayMs(error, { attempts, idempotent: request.idempotent, waitMs, elapsedMs: now() - started, remainingMs: deadline - now() }, options.retry, random)
      if (delay === null) {
        throw await failure({ ...error, attempts, earlierAttemptOutcomeUnknown: earlierUnknown, retryAfterMs: waitMs }, secrets)
      }
      await sleep(delay, signal)
      earlierUnknown ||= unknownOutcome
    }
  }

  /**
   * The caller asks for parseAs: 'stream' and has the envelope already. With no middleware, only it sees the
   * answer: the Response as fetched, its body read. With middleware, one with the status and headers as they
   * came and no body, so that a middleware that clones or reads it gets an empty body, not a TypeError.
   */
  const respond = (answer: Answer): Response => observed ? new Response(null, { status: answer.status, headers: answer.headers }) : answer.response

  const boundFetches = new Map<OperationId, Fetch>()
  return {
    send: (request, known, onEnvelope) => call(request, known, onEnvelope, (answer) => answer),
    bound(id) {
      let bound = boundFetches.get(id)
      if (!bound) {
        const op = OPERATIONS[id]
        bound = (request) => call(request, op, undefined, respond)
        boundFetches.set(id, bound)
      }
      return bound
    },
    capture(id) {
      const op = OPERATIONS[id]
      let envelope: Envelope | undefined
      return {
        fetch: (request) => call(request, op, (answered) => { envelope = answered }, respond),
        envelope: () => envelope,
      }
    },
    observed() {
      observed = true
    },
    readRequests(reader) {
      read = reader
    },
  }
}
