import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/fake/clock.ts'
import { logIdFactory, randomHex } from '../../src/fake/ids.ts'

describe('randomHex', () => {
  it('gives n lowercase hex characters, odd n included', () => {
    for (const n of [1, 6, 31, 32, 40]) expect(randomHex(n)).toMatch(new RegExp(`^[0-9a-f]{${n}}$`))
  })

  it('keeps giving distinct ids across refills of its pool of random bytes', () => {
    // 16 bytes an id, 4096 a pool: 1,000 ids refill it several times.
    const ids = new Set(Array.from({ length: 1000 }, () => randomHex(32)))
    expect(ids.size).toBe(1000)
  })

  it('refuses more characters than one pool holds, rather than padding with zeros', () => {
    expect(() => randomHex(8194)).toThrow(RangeError)
    expect(randomHex(8192)).toMatch(/^[0-9a-f]{8192}$/)
  })
})

describe('logIdFactory', () => {
  it('stamps each id with the clock\'s UTC second, written anew when the second changes, and counts in the tail', () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1, 8, 0, 0, 0))
    const next = logIdFactory(clock)
    const a = next()
    clock.advance(999)
    const b = next()
    clock.advance(1)
    const c = next()
    clock.set(Date.UTC(2027, 11, 31, 23, 59, 59, 500))
    const d = next()
    clock.set(Date.UTC(2026, 0, 1, 8, 0, 0, 0)) // a clock set back is read too
    const e = next()
    for (const id of [a, b, c, d, e]) expect(id).toMatch(/^\d{14}[0-9A-F]{12}$/)
    expect([a, b, c, d, e].map((id) => id.slice(0, 14))).toEqual(['20260101080000', '20260101080000', '20260101080001', '20271231235959', '20260101080000'])
    expect(new Set([a, b, c, d, e].map((id) => id.slice(14, 20))).size).toBe(1) // one salt per factory
    expect([a, b, c, d, e].map((id) => parseInt(id.slice(20), 16))).toEqual([1, 2, 3, 4, 5])
  })
})
