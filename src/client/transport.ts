// The fetch that openapi-fetch calls: it adds the token, sends each attempt with a timeout, turns every
// failure into a FeishuApiError, replays once with a fresh token, and retries what the policy allows.
import { operations, tokenPrefixes } from '../generated/operations.js'
import { checkToken, type AuthStrategy } from './auth/strategies.js'
import { FeishuApiError, errorFromEnvelope } from './errors.js'
import { ConfigError, type Normalized } from './options.js'
import { backoffMs, requestedWaitMs, shouldRetry, sleep } from './retry.js'

interface OperationMatch {
  readonly id: string
  readonly method: string
  readonly pattern: RegExp
  readonly secured: boolean
  readonly idempotent: boolean
}

const MATCHERS: readonly OperationMatch[] = Object.entries(operations).map(([id, op]) => ({
  id,
  method: op.method,
  pattern: new RegExp(op.pattern),
  secured: op.secured,
  idempotent: op.idempotent,
}))

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])

export interface TransportDeps {
  readonly options: Normalized
  readonly auth: () => AuthStrategy | undefined
  /** Pacing (issue 14): the budget key of this client's calls (see pacing.ts). */
  readonly pacingKey?: string
  readonly now?: () => number
  readonly random?: () => number
}

const logIdOf = (headers: Headers): string | null => headers.get('x-tt-logid') ?? headers.get('x-request-id')

/** Replaces any secret that slipped into platform text (an echoed token, say) before it reaches an error. */
const redact = (text: string, secrets: readonly string[]): string =>
  secrets.reduce((out, secret) => (secret.length >= 4 ? out.split(secret).join('[redacted]') : out), text)

/** The same, through the strings of a JSON value (the body's `error` details). */
function redactDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redact(value, secrets)
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets))
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)]))
  }
  return value
}

/** Credentials a token request carries in its JSON body: they must not come back in an error either. */
const BODY_SECRETS = ['app_secret', 'app_ticket', 'app_access_token']
function bodySecrets(body: ArrayBuffer | undefined): string[] {
  if (!body) return []
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body))
    if (typeof parsed !== 'object' || parsed === null) return []
    return BODY_SECRETS.map((k) => (parsed as Record<string, unknown>)[k]).filter((v): v is string => typeof v === 'string')
  } catch {
    return []
  }
}

/** A network error's cause, kept to its name and redacted message: the original may reference the request. */
const plainCause = (error: unknown, secrets: readonly string[]): Error => {
  const e = new Error(redact(error instanceof Error ? error.message : String(error), secrets))
  e.name = error instanceof Error ? error.name : 'Error'
  return e
}

/** Settles with the signal's reason once it aborts: a fetch or a token wait that ignores it cannot hang the call. */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason)
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
}

async function raceAbort<T>(work: Promise<T>, signal: AbortSignal | null): Promise<T> {
  if (!signal) return work
  return Promise.race([work, whenAborted(signal)])
}

export function createTransport(deps: TransportDeps): (request: Request) => Promise<Response> {
  const { options } = deps
  const now = deps.now ?? Date.now
  const random = deps.random ?? Math.random

  return async function feishuFetch(input: Request): Promise<Response> {
    const url = new URL(input.url)
    if (url.origin !== options.origin) {
      // Credentials only ever go to the configured origin: a per-request baseUrl override is refused.
      throw new ConfigError(`Refusing to send a request to ${url.origin}: this client is configured for ${options.origin}. Create another client for that origin.`)
    }
    const path = url.pathname.startsWith(options.basePath) ? url.pathname.slice(options.basePath.length) : url.pathname
    const op = MATCHERS.find((m) => m.method === input.method && m.pattern.test(path))
    const operation = op?.id ?? null
    const secured = op?.secured ?? true
    const idempotent = op?.idempotent ?? SAFE_METHODS.has(input.method)
    const explicit = input.headers.get('authorization')
    const callerSignal = input.signal
    const body = input.body === null ? undefined : await input.arrayBuffer()
    const requestSecrets = bodySecrets(body)
    const started = now()
    let attempts = 0
    let tokenReplayed = false
    let earlierUnknown = false

    for (;;) {
      callerSignal?.throwIfAborted()
      attempts++
      const headers = new Headers(input.headers)
      let token: string | undefined
      let strategy: AuthStrategy | undefined
      if (secured) {
        if (explicit !== null) {
          const match = /^Bearer (.*)$/.exec(explicit)
          const value = match?.[1] ?? ''
          checkToken(value, value.startsWith(tokenPrefixes.user_access_token) ? 'user' : 'tenant', 'The Authorization header')
        } else {
          strategy = deps.auth()
          if (!strategy) {
            throw new ConfigError(`${operation ?? 'This request'} needs a token: configure auth on the client, or pass { userAccessToken } or { tenantAccessToken } to the call.`)
          }
          // A shared token fetch goes on for other callers; this caller stops waiting when it aborts.
          token = await raceAbort(strategy.token(), callerSignal)
          headers.set('authorization', `Bearer ${token}`)
        }
      }
      callerSignal?.throwIfAborted()
      // Pacing (issue 14): each attempt of an app-identity call waits for the app's rate budget before it is
      // sent (user-token calls only if the limiter asks); the attempt's timeout starts after the wait.
      const limiter = options.rateLimiter
      const userCall = strategy ? strategy.identity === 'user' : explicit?.startsWith(`Bearer ${tokenPrefixes.user_access_token}`)
      const pacing = limiter && operation && secured && (limiter.userCalls || !userCall) ? { key: deps.pacingKey ?? 'default', operation } : undefined
      if (pacing) await limiter?.acquire(pacing, callerSignal ?? undefined)
      const secrets = [token, explicit?.slice(7), ...requestSecrets].filter((s): s is string => typeof s === 'string')

      const controller = new AbortController()
      let timedOut = false
      const timer = setTimeout(() => {
        timedOut = true
        controller.abort(new DOMException(`No answer within ${options.timeoutMs} ms`, 'TimeoutError'))
      }, options.timeoutMs)
      const onCallerAbort = () => controller.abort(callerSignal?.reason)
      callerSignal?.addEventListener('abort', onCallerAbort, { once: true })

      let error: FeishuApiError
      let waitMs: number | null = null
      let unknownOutcome = false
      try {
        const fetchImpl = options.fetch ?? globalThis.fetch
        // Raced against the signal too: an injected fetch that ignores it still times out.
        const response = await raceAbort(
          fetchImpl(new Request(input.url, { method: input.method, headers, body, signal: controller.signal, redirect: 'manual' })),
          controller.signal,
        )
        const text = await raceAbort(response.text(), controller.signal)
        const logId = logIdOf(response.headers)
        let parsed: unknown
        try {
          parsed = text === '' ? undefined : JSON.parse(text)
        } catch {
          parsed = undefined
        }
        const envelope = typeof parsed === 'object' && parsed !== null && typeof (parsed as { code?: unknown }).code === 'number'
          ? (parsed as { code: number; msg?: unknown; error?: unknown })
          : undefined

        if (response.ok && envelope?.code === 0) {
          return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers })
        }
        if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
          error = new FeishuApiError({
            kind: 'protocol',
            msg: `the server answered with a redirect (HTTP ${response.status || 'opaque'}), which is not followed so that the token never leaves ${options.origin}`,
            httpStatus: response.status || null,
            logId,
            operation,
            retryable: false,
          })
        } else if (!envelope) {
          const retryable = response.status >= 500 || response.status === 429
          error = new FeishuApiError({
            // A 429 is a rate limit whatever its body; other non-JSON answers are not the platform's protocol.
            kind: response.status === 429 ? 'rate_limited' : 'protocol',
            msg: `HTTP ${response.status} with ${text === '' ? 'an empty body' : `a body that is not the platform's JSON (${response.headers.get('content-type') ?? 'no content type'})`}`,
            httpStatus: response.status,
            logId,
            operation,
            retryable,
          })
        } else {
          error = errorFromEnvelope(envelope, response.status, logId)
          error = error.with({ msg: redact(error.msg, secrets), detail: redactDeep(error.detail, secrets), operation })
          if (strategy && token !== undefined && !tokenReplayed && error.code !== null && strategy.refused(token, error.code)) {
            tokenReplayed = true
            attempts--
            continue
          }
        }
        if (error.retryable) waitMs = requestedWaitMs(response.headers, now())
        // Pacing (issue 14): the platform's reset overrides the limiter's count: every call of the app waits it out.
        if (pacing && error.kind === 'rate_limited' && waitMs !== null) await limiter?.hold(pacing, waitMs)
      } catch (thrown) {
        if (thrown instanceof FeishuApiError) throw thrown
        if (callerSignal?.aborted) throw callerSignal.reason
        unknownOutcome = true
        error = new FeishuApiError({
          kind: timedOut ? 'timeout' : 'network',
          msg: timedOut ? `no answer within ${options.timeoutMs} ms` : 'the request failed before an answer arrived',
          operation,
          retryable: true,
          cause: plainCause(thrown, secrets),
        })
      } finally {
        clearTimeout(timer)
        callerSignal?.removeEventListener('abort', onCallerAbort)
      }

      const final = (extra: { retryAfterMs?: number | null } = {}) =>
        error.with({ attempts, earlierAttemptOutcomeUnknown: earlierUnknown, retryAfterMs: waitMs, ...extra })
      if (attempts >= options.retry.maxAttempts || !shouldRetry(error, idempotent, options.retry)) throw final()
      const delay = waitMs ?? backoffMs(attempts, options.retry, random)
      if (delay > options.retry.maxDelayMs || now() - started + delay > options.retry.maxElapsedMs) throw final()
      await sleep(delay, callerSignal)
      earlierUnknown ||= unknownOutcome
    }
  }
}
