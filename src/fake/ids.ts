// Random identifiers: log ids, chat ids and tokens. Web Crypto only, so the mocks also run in browsers.
import type { Clock } from './clock.js'

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'))

// Random bytes drawn a pool at a time: a new chat id per created chat puts this on the sandbox's hot path,
// where one getRandomValues call per id costs more than the rest of the id.
const pool = new Uint8Array(4096)
let used = pool.length

/** `n` random lowercase hex characters. */
export function randomHex(n: number): string {
  const size = Math.ceil(n / 2)
  if (size > pool.length) throw new RangeError(`randomHex takes at most ${pool.length * 2} characters`)
  if (used + size > pool.length) {
    crypto.getRandomValues(pool)
    used = 0
  }
  let hex = ''
  for (let i = used; i < used + size; i++) hex += HEX[pool[i] ?? 0]
  used += size
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
  // The time part changes once a second: written then, not per id.
  let second = NaN
  let head = ''
  return () => {
    const now = clock.now()
    const s = Math.floor(now / 1000)
    if (s !== second) {
      second = s
      head = `${timeStamp(now)}${salt}`
    }
    counter = (counter + 1) % 0x1000000
    return `${head}${counter.toString(16).toUpperCase().padStart(6, '0')}`
  }
}

/** `20260101080000`: the UTC time to the second. */
function timeStamp(ms: number): string {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
}
