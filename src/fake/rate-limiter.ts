// Fixed windows per second and per minute, counted per key (an app, or an app and an operation).
import type { RateLimit } from '../contract/operations.js'

const WINDOWS = [1000, 60_000] as const

export class RateLimiter {
  // One bucket per key and window size: bounded by the seed's apps times the spec's operations.
  readonly #buckets = new Map<string, { window: number; count: number }>()

  /** The limit a new request would exceed, with seconds until its window resets; undefined if none. */
  exceeded(key: string, limit: RateLimit | undefined, now: number): { limit: number; reset: number } | undefined {
    for (const [size, max] of [[WINDOWS[0], limit?.perSecond], [WINDOWS[1], limit?.perMinute]] as const) {
      if (max === undefined) continue
      const window = Math.floor(now / size)
      const bucket = this.#buckets.get(`${key}|${size}`)
      if (bucket && bucket.window === window && bucket.count >= max) {
        return { limit: max, reset: Math.max(1, Math.ceil(((window + 1) * size - now) / 1000)) }
      }
    }
    return undefined
  }

  record(key: string, now: number): void {
    for (const size of WINDOWS) {
      const window = Math.floor(now / size)
      const bucket = this.#buckets.get(`${key}|${size}`)
      if (bucket && bucket.window === window) bucket.count += 1
      else this.#buckets.set(`${key}|${size}`, { window, count: 1 })
    }
  }
}
