// The bench's sequential mode: the clients' calls interleaved one by one, each call's outcome put to its client.
// (What it measures is the bench's business; here only who is called when, and what is counted for whom.)
import { describe, expect, it } from 'vitest'
import { interleaved } from '../../bench/sections/latency.ts'

describe('interleaved', () => {
  it('calls the clients one by one, the order rotated at each round, and counts each call for its own client', async () => {
    const log: string[] = []
    const client = (name: string, fail = false) => async () => {
      log.push(name)
      if (fail) throw new TypeError(`${name} failed`)
    }
    const results = await interleaved([client('a'), client('b', true), client('c')], 4, 60_000)
    expect(log).toEqual(['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b', 'a', 'b', 'c'])
    expect(results.map((r) => r.calls)).toEqual([4, 4, 4])
    expect(results.map((r) => r.errors)).toEqual([0, 4, 0])
    expect(results.map((r) => r.firstError)).toEqual([undefined, 'TypeError: b failed', undefined])
    for (const r of results) expect(Number.isFinite(r.p50Ms) && r.p50Ms >= 0).toBe(true)
  })

  it('stops at the time limit', async () => {
    let calls = 0
    const results = await interleaved([async () => { calls++ }], 1000, 0)
    expect(calls).toBe(0)
    expect(results[0]!.calls).toBe(0)
  })
})
