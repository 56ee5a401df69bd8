import { describe, expect, it } from 'vitest'
import { randomHex } from '../../src/fake/ids.ts'

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
