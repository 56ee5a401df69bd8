// When to retry and how long to wait: the platform's own rate-limit headers first, else backoff with jitter.
import type { FeishuApiErrorInit } from './errors.js'
import type { NormalizedRetry } from './options.js'

/** Exponential backoff with full jitter: a random wait in [0, base * 2^(attempt-1)], capped. */
export function backoffMs(attempt: number, policy: NormalizedRetry, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(ceiling * random())
}

/**
 * Whether a failed attempt should be sent again. Rate-limit refusals are always safe to replay (nothing
 * was done); other retryable failures only for operations whose replay is safe, unless retryUnsafe.
 */
export function shouldRetry(error: Pick<FeishuApiErrorInit, 'kind' | 'retryable'>, idempotent: boolean, policy: NormalizedRetry): boolean {
  if (error.retryable !== true) return false
  return error.kind === 'rate_limited' || idempotent || policy.retryUnsafe
}

export interface RetryState {
  /** Attempts made so far, the failed one included. */
  readonly attempts: number
  readonly idempotent: boolean
  /** The wait the answer asked for, if any. */
  readonly waitMs: number | null
  /** Time since the first attempt. */
  readonly elapsedMs: number
  /** Time left before the call's deadline. */
  readonly remainingMs: number
}

/** The wait before the next attempt, or null when the failure must surface now. */
export function nextDelayMs(
  error: Pick<FeishuApiErrorInit, 'kind' | 'retryable'>,
  state: RetryState,
  policy: NormalizedRetry,
  random: () => number,
): number | null {
  if (state.attempts >= policy.maxAttempts || !shouldRetry(error, state.idempotent, policy)) return null
  const delay = state.waitMs ?? backoffMs(state.attempts, policy, random)
  if (delay > policy.maxDelayMs || state.elapsedMs + delay > policy.maxElapsedMs || delay >= state.remainingMs) return null
  return delay
}

/** A wait that ends early, with the signal's reason, when the caller aborts. */
export function sleep(ms: number, signal: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
