// Random identifiers: log ids, chat ids and tokens. Web Crypto only, so the mocks also run in browsers.
import type { Clock } from './clock.js'

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'))

/** `n` random lowercase hex characters. */
export function randomHex(n: number): string {
  const bytes = new Uint8Array(Math.ceil(n / 2))
  crypto.getRandomValues(bytes)
  // A table and a loop: a new chat id per created chat puts this on the sandbox's hot path.
  let hex = ''
  for (const b of bytes) hex += HEX[b]
  return hex.slice(0, n)
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
