// The fetch that openapi-fetch calls: it adds the token, sends each attempt (sendAttempt), classifies the
// answer (classify), replays once with a fresh token, retries what the policy allows (nextDelayMs), and
// throws every failure as a FeishuApiError redacted in one place (redactInit), all within the call's deadline.
import { tokenPrefixes, type OperationId } from '../generated/operations.js'
import { classify, TooLarge, type Answer, type Envelope, type Verdict } from './answer.js'
import { neverSent, NoAnswer, sendAttempt } from './attempt.js'
import { checkToken, type AuthStrategy } from './auth/strategies.js'
import { FeishuApiError, loadCatalogText, type FeishuApiErrorInit } from './errors.js'
import { findOperation, OPERATIONS, safeMethod, type Operation } from './operation.js'
import { ConfigError, type Normalized } from './options.js'
import type { CallLimiter, PacingRequest } from './pacing.js'
import { bodySecrets, plainCause, redactInit } from './redact.js'
import { nextDelayMs, sleep } from './retry.js'

export interface TransportDeps {
  readonly options: Normalized
  readonly auth: () => AuthStrategy | undefined
  /** Pacing (issue 14): the budget key of this client's calls (see pacing.ts). */
  readonly pacingKey?: string
  readonly now?: () => number
  readonly random?: () => number
}

export type Fetch = (request: Request) => Promise<Response>

/**
 * A Request as openapi-fetch built it for this client, the caller's signal apart. With `controller`, it
 * follows that controller's signal (for a `fetch` option, which takes one Request); without, it has no signal
 * of its own and the attempt gives fetch one beside it (`fetch(request, { signal })`): a Request that follows a
 * signal costs undici a listener, a WeakRef and a finalizer, and fetch follows the attempt's signal anyway.
 */
export interface PreparedRequest extends Request {
  readonly controller: AbortController | null
  readonly callerSignal: AbortSignal | null
}

type PreparedClass = new (input: RequestInfo | URL, init?: RequestInit) => PreparedRequest
const preparedClasses: { signalled?: PreparedClass; plain?: PreparedClass } = {}
/** Marks a PreparedRequest: `instanceof` cannot tell one (see preparedRequestClass). */
const PREPARED = Symbol('prepared')

/**
 * The Request class openapi-fetch builds this client's requests with, so that the first attempt sends the
 * request as it is instead of building a second Request. `signalled` for a client with a `fetch` option.
 * Made on first use: touching the global Request at import would load the runtime's fetch implementation
 * (undici) with the module. Any Request is an instance of it: openapi-fetch checks what an onRequest middleware
 * hands back against the class it was given, and a middleware builds with the global Request.
 */
export function preparedRequestClass(signalled: boolean): PreparedClass {
  if (signalled) {
    return (preparedClasses.signalled ??= class extends Request implements PreparedRequest {
      static override [Symbol.hasInstance](value: unknown): boolean { return value instanceof Request }
      readonly [PREPARED] = true
      readonly controller: AbortController | null
      readonly callerSignal: AbortSignal | null
      constructor(input: RequestInfo | URL, init?: RequestInit) {
        const controller = new AbortController()
        super(input, { ...init, signal: controller.signal, redirect: 'manual' })
        this.controller = controller
        this.callerSignal = init?.signal ?? (input instanceof Request ? input.signal : null)
      }
    })
  }
  return (preparedClasses.plain ??= class extends Request implements PreparedRequest {
    static override [Symbol.hasInstance](value: unknown): boolean { return value instanceof Request }
    readonly [PREPARED] = true
    readonly controller = null
    readonly callerSignal: AbortSignal | null
    constructor(input: RequestInfo | URL, init?: RequestInit) {
      super(input, { ...init, signal: null, redirect: 'manual' })
      this.callerSignal = init?.signal ?? (input instanceof Request ? input.signal : null)
    }
  })
}

/**
 * What the client's own calls that have no body send while no middleware can see a request (client.ts builds it
 * as openapi-fetch would): the URL, the method, the headers and the caller's signal. The URL, built from the
 * normalized base URL and the checked, encoded parameters, is not parsed here: fetch parses it, and the origin
 * check holds on the string (a URL that starts with `origin/` has that origin). The attempt gives them to fetch,
 * which builds the one Request that is sent; building one here as well cost a second undici Request per call
 * (about 4 µs, and 3-6 µs more for fetch to copy it). Never handed to user code: `client.api` and every request a
 * middleware may see are real Requests.
 */
export class DirectRequest {
  readonly body = null
  readonly url: string
  readonly method: string
  readonly headers: Headers
  readonly callerSignal: AbortSignal | null
  constructor(url: string, init: { readonly method: string; readonly headers: Headers; readonly signal: AbortSignal | undefined }) {
    this.url = url
    this.method = init.method
    this.headers = init.headers
    this.callerSignal = init.signal ?? null
  }
}

const isPrepared = (input: Request): input is PreparedRequest => PREPARED in input

export interface Transport {
  /** For any request of the spec (client.api): finds the operation from the method and path. */
  readonly fetch: Fetch
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
}

/**
 * Runs a step that the call waits on (the token, the limiter's budget, recording a hold) until the deadline; past
 * it, or on the caller's abort, the call stops waiting and the step's signal aborts. The step is raced, so one that
 * ignores its signal (a shared token fetch, a limiter's store) cannot hold the call either.
 */
async function within<T>(step: (stop: AbortSignal) => Promise<T>, ms: number, signal: AbortSignal | null, onLate: () => FeishuApiError): Promise<T> {
  const stop = new AbortController()
  let late = false
  const timer = setTimeout(() => { late = true; stop.abort() }, ms)
  const onAbort = () => stop.abort(signal?.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    return await new Promise<T>((resolve, reject) => {
      stop.signal.addEventListener('abort', () => reject(stop.signal.reason), { once: true })
      step(stop.signal).then(resolve, reject)
    })
  } catch (thrown) {
    if (late) throw onLate()
    throw signal?.aborted ? signal.reason : thrown
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
}

export function createTransport(deps: TransportDeps): Transport {
  const { options } = deps
  const now = deps.now ?? Date.now
  const random = deps.random ?? Math.random
  const originSlash = `${options.origin}/`
  let observed = false

  async function call(request: Request, known: Operation | undefined, onEnvelope?: (envelope: Envelope) => void): Promise<Response> {
    let started = now()
    const deadline = started + options.deadlineMs
    const input = request as Request | DirectRequest
    const url = input.url
    if (!url.startsWith(originSlash)) {
      // Credentials only ever go to the configured origin: a per-request baseUrl override is refused.
      throw new ConfigError(`Refusing to send a request to ${new URL(url).origin}: this client is configured for ${options.origin}. Create another client for that origin.`)
    }
    const method = input.method
    const op = known ?? findOperation(method, pathOf(url))
    const operation = op?.id ?? null
    const secured = op?.secured ?? true
    const idempotent = op?.idempotent ?? safeMethod(method)
    const headers = input.headers
    const explicit = headers.get('authorization')
    const direct = input instanceof DirectRequest
    const prepared = !direct && isPrepared(input) ? input : undefined
    const signal = direct ? input.callerSignal : prepared ? prepared.callerSignal : (input.signal as AbortSignal | null)
    // A request without a body is sent as openapi-fetch built it on the first attempt (a body is read here, once).
    let reusable = prepared && prepared.body === null ? { request: prepared, controller: prepared.controller } : undefined
    const body = input.body === null ? undefined : await input.arrayBuffer()
    const requestSecrets = bodySecrets(body)
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
    /** The error to throw: the attempt's facts, redacted of every secret the request carried. */
    const failure = (init: FeishuApiErrorInit, secrets: readonly string[]) => new FeishuApiError(redactInit(init, secrets))
    const lateError = (attempts: number, earlierUnknown: boolean, what: string) => failure({
      kind: 'timeout',
      msg: `${what} within the call's deadline of ${options.deadlineMs} ms`,
      operation,
      attempts,
      retryable: true,
      earlierAttemptOutcomeUnknown: earlierUnknown,
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
        // Pacing (issue 14): each attempt waits for the budget before it is sent, within the call's deadline
        // (a hold of an hour after a 429 must not keep a call waiting past it); the wait is not counted in maxElapsedMs.
        const waitStarted = now()
        await within((stop) => limiter.acquire(pacing, stop), Math.max(0, deadline - waitStarted), signal, () => lateError(attempts, earlierUnknown, 'no rate budget'))
        started += now() - waitStarted
        // An abort that lands as the wait ends: the attempt's listener would not hear it.
        signal?.throwIfAborted()
      }
      const remaining = deadline - now()
      if (remaining <= 0) throw lateError(attempts, earlierUnknown, 'no answer')
      const timeoutMs = Math.min(options.timeoutMs, remaining)
      attempts++

      let verdict: Verdict
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
        if (answer.envelope !== undefined && answer.envelope.code !== 0) await loadCatalogText()
        verdict = classify(answer, operation, options.origin, secrets, now())
        if (verdict.ok) {
          onEnvelope?.(verdict.envelope)
          return respond(answer, known !== undefined)
        }
      } catch (thrown) {
        if (signal?.aborted) throw signal.reason
        if (thrown instanceof TooLarge) {
          throw failure({ kind: 'protocol', msg: thrown.message, httpStatus: thrown.status, operation, attempts, retryable: false, earlierAttemptOutcomeUnknown: earlierUnknown }, secrets)
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
      const delay = nextDelayMs(error, { attempts, idempotent, waitMs, elapsedMs: now() - started, remainingMs: deadline - now() }, options.retry, random)
      if (delay === null) {
        throw failure({ ...error, attempts, earlierAttemptOutcomeUnknown: earlierUnknown, retryAfterMs: waitMs }, secrets)
      }
      await sleep(delay, signal)
      earlierUnknown ||= unknownOutcome
    }
  }

  function pathOf(url: string): string {
    let end = url.length
    const query = url.indexOf('?', originSlash.length)
    if (query !== -1) end = query
    const path = url.slice(options.origin.length, end)
    return options.basePath !== '' && path.startsWith(options.basePath) ? path.slice(options.basePath.length) : path
  }

  function respond(answer: Answer, bound: boolean): Response {
    if (!bound) return new Response(answer.text, { status: answer.status, headers: answer.headers })
    // The caller asks for parseAs: 'stream' and has the envelope already. With no middleware, only it sees the
    // answer: the Response as fetched, its body read. With middleware, one with the status and headers as they
    // came and no body, so that a middleware that clones or reads it gets an empty body, not a TypeError.
    return observed ? new Response(null, { status: answer.status, headers: answer.headers }) : answer.response
  }

  const boundFetches = new Map<OperationId, Fetch>()
  return {
    fetch: (request) => call(request, undefined),
    bound(id) {
      let bound = boundFetches.get(id)
      if (!bound) {
        const op = OPERATIONS[id]
        bound = (request) => call(request, op)
        boundFetches.set(id, bound)
      }
      return bound
    },
    capture(id) {
      const op = OPERATIONS[id]
      let envelope: Envelope | undefined
      return {
        fetch: (request) => call(request, op, (answered) => { envelope = answered }),
        envelope: () => envelope,
      }
    },
    observed() {
      observed = true
    },
  }
}
