// Fixed windows per second and per minute, counted per key (an app, or an app and an operation).
import type { RateLimit } from '../contract/operations.js'

const SECOND = 1000
const MINUTE = 60_000

/** The requests counted in one window (`window`: its number, since the epoch, in window sizes). */
interface Bucket {
  window: number
  count: number
}

export class RateLimiter {
  // One pair of buckets per key: bounded by the seed's apps times the spec's operations.
  readonly #buckets = new Map<string, { readonly second: Bucket; readonly minute: Bucket }>()

  /** The limit a new request would exceed, with seconds until its window resets; undefined if none. */
  exceeded(key: string, limit: RateLimit | undefined, now: number): { limit: number; reset: number } | undefined {
    const buckets = this.#buckets.get(key)
    return full(buckets?.second, SECOND, limit?.perSecond, now) ?? full(buckets?.minute, MINUTE, limit?.perMinute, now)
  }

  record(key: string, now: number): void {
    let buckets = this.#buckets.get(key)
    if (!buckets) this.#buckets.set(key, (buckets = { second: { window: NaN, count: 0 }, minute: { window: NaN, count: 0 } }))
    count(buckets.second, SECOND, now)
    count(buckets.minute, MINUTE, now)
  }
}

function full(bucket: Bucket | undefined, size: number, max: number | undefined, now: number): { limit: number; reset: number } | undefined {
  if (max === undefined || bucket === undefined) return undefined
  const window = Math.floor(now / size)
  if (bucket.window !== window || bucket.count < max) return undefined
  return { limit: max, reset: Math.max(1, Math.ceil(((window + 1) * size - now) / 1000)) }
}

function count(bucket: Bucket, size: number, now: number): void {
  const window = Math.floor(now / size)
  if (bucket.window === window) bucket.count += 1
  else {
    bucket.window = window
    bucket.count = 1
  }
}
