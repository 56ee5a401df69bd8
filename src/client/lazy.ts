// What the client loads on demand (a chunk of text or rules, client.api's openapi-fetch, the app-credential flows),
// waited for so that it never holds a call: within the call's deadline, and not past the caller's abort.
import { FeishuApiError, loadCatalogText } from './errors.js'

/** The longest delay timers can wait (2^31 - 1 ms); beyond it they fire at once. */
const MAX_TIMER_MS = 2_147_483_647

/**
 * `work`'s value, or `late` once `ms` have passed (no timer for Infinity); rejects with `work`'s error when it fails,
 * and with the signal's reason once `signal` aborts. Whatever `work` does, the wait ends.
 */
export function raceWithin<T, L>(work: Promise<T>, ms: number, signal: AbortSignal | null | undefined, late: L): Promise<T | L> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      // `work` has started: its outcome is nobody's now, and must not surface as an unhandled rejection.
      work.catch(() => {})
      return reject(signal.reason)
    }
    // The first of the three ends the wait and drops the others' hooks (a stalled `work` keeps no listener).
    const end = <V>(settle: (value: V) => void) => (value: V) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      settle(value)
    }
    const onAbort = () => end(reject)(signal?.reason)
    const timer = ms < MAX_TIMER_MS ? setTimeout(end(resolve), Math.max(0, ms), late) : undefined
    signal?.addEventListener('abort', onAbort, { once: true })
    work.then(end(resolve), end(reject))
  })
}

/**
 * `load`'s value, waited for at most `ms` and not past an abort of `signal` (which rejects with its reason); undefined
 * when it fails or does not come in time. For what a failure path loads on demand (text, rules): a chunk that
 * stalls must not hold a call past its deadline.
 */
export const awaitWithin = <T>(load: Promise<T>, ms: number, signal?: AbortSignal | null): Promise<T | undefined> =>
  raceWithin(load.catch(() => undefined), ms, signal, undefined)

/**
 * A chunk of this package loaded on demand, within `limitMs` (the client's deadline): a load that fails rejects with a
 * retryable network FeishuApiError, one that outlasts the limit (a chunk request that hangs) with a timeout; `what`
 * names the chunk in the message.
 */
export async function loadChunk<T extends object>(load: () => Promise<T>, what: string, limitMs: number): Promise<T> {
  const started = Date.now()
  let failed: { readonly error: unknown } | undefined
  const chunk = await awaitWithin(load().catch((error: unknown) => { failed = { error }; throw error }), limitMs)
  if (chunk) return chunk
  // The text of a network error's hint within what is left of the limit; a timeout's, only if it loaded before.
  if (failed) await awaitWithin(loadCatalogText(), limitMs - (Date.now() - started))
  throw failed
    ? new FeishuApiError({ kind: 'network', msg: `${what} could not load (a dynamic import of a chunk of this package)`, retryable: true, cause: failed.error })
    : new FeishuApiError({ kind: 'timeout', msg: `${what} could not load within the client's deadline of ${limitMs} ms`, retryable: true })
}
