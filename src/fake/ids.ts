// Random identifiers: log ids, chat ids and tokens. Web Crypto only, so the mocks also run in browsers.
import type { Clock } from './clock.js'

/** `n` random lowercase hex characters. */
export function randomHex(n: number): string {
  const bytes = new Uint8Array(Math.ceil(n / 2))
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('').slice(0, n)
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/**
 * Makes log ids shaped like the platform's (`20260101080000` + 12 upper-case hex, UTC here): a counter in
 * the tail keeps them unique within one mock even when the clock stands still.
 */
export function logIdFactory(clock: Clock): () => string {
  let counter = 0
  const salt = randomHex(6).toUpperCase()
  return () => {
    const d = new Date(clock.now())
    const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
    counter = (counter + 1) % 0x1000000
    return `${stamp}${salt}${counter.toString(16).toUpperCase().padStart(6, '0')}`
  }
}
