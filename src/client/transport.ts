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
  pattern: new RegExp(`^${op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  secured: op.secured,
  idempotent: op.idempotent,
}))

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])

export interface TransportDeps {
  readonly options: Normalized
  readonly auth: () => AuthStrategy | undefined
  readonly now?: () => number
  readonly random?: () => number
}

const logIdOf = (headers: Headers): string | null => headers.get('x-tt-logid') ?? headers.get('x-request-id')

/** Replaces any secret that slipped into platform text (an echoed token, say) before it reaches an error. */
const redact = (text: string, secrets: readonly string[]): string =>
  secrets.reduce((out, secret) => (secret.length >= 8 ? out.split(secret).join('[redacted]') : out), text)

/** A network error's cause, kept to its name and message: the original may reference the request and its headers. */
const plainCause = (error: unknown): Error => {
  const e = new Error(error instanceof Error ? error.message : String(error))
  e.name = error instanceof Error ? error.name : 'Error'
  return e
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
          token = await strategy.token()
          headers.set('authorization', `Bearer ${token}`)
        }
      }
      const secrets = [token, explicit?.slice(7)].filter((s): s is string => typeof s === 'string')

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
        const response = await fetchImpl(
          new Request(input.url, { method: input.method, headers, body, signal: controller.signal, redirect: 'manual' }),
        )
        const text = await response.text()
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
            kind: 'protocol',
            msg: `HTTP ${response.status} with ${text === '' ? 'an empty body' : `a body that is not the platform's JSON (${response.headers.get('content-type') ?? 'no content type'})`}`,
            httpStatus: response.status,
            logId,
            operation,
            retryable,
          })
        } else {
          error = errorFromEnvelope(envelope, response.status, logId)
          if (typeof envelope.msg === 'string') error = error.with({ msg: redact(envelope.msg, secrets) })
          error = error.with({ operation })
          if (strategy && token !== undefined && !tokenReplayed && error.code !== null && strategy.refused(token, error.code)) {
            tokenReplayed = true
            attempts--
            continue
          }
        }
        if (error.retryable) waitMs = requestedWaitMs(response.headers, now())
      } catch (thrown) {
        if (thrown instanceof FeishuApiError) throw thrown
        if (callerSignal?.aborted) throw callerSignal.reason
        unknownOutcome = true
        error = new FeishuApiError({
          kind: timedOut ? 'timeout' : 'network',
          msg: timedOut ? `no answer within ${options.timeoutMs} ms` : 'the request failed before an answer arrived',
          operation,
          retryable: true,
          cause: plainCause(thrown),
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
