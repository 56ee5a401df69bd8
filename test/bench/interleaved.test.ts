// The bench's sequential mode: the clients' calls interleaved one by one, each call's outcome put to its client.
// (What it measures is the bench's business; here only who is called when, and what is counted for whom.)
import { describe, expect, it } from 'vitest'
import { interleaved, mulberry32, sequentialPlan } from '../../bench/sections/latency.ts'
import { CLIENT_NAMES } from '../../bench/lib/clients.ts'

const logging = (log: string[], names: readonly string[], failing: readonly string[] = []) =>
  names.map((name) => async () => {
    log.push(name)
    if (failing.includes(name)) throw new TypeError(`${name} failed`)
  })

const rounds = (log: readonly string[], k: number) => Array.from({ length: log.length / k }, (_, i) => log.slice(i * k, (i + 1) * k))

describe('interleaved', () => {
  it('calls every client once per round and counts each call for its own client', async () => {
    const log: string[] = []
    const results = await interleaved(logging(log, ['a', 'b', 'c'], ['b']), 4, 60_000)
    expect(log).toHaveLength(12)
    for (const round of rounds(log, 3)) expect([...round].sort()).toEqual(['a', 'b', 'c'])
    expect(results.map((r) => r.calls)).toEqual([4, 4, 4])
    expect(results.map((r) => r.errors)).toEqual([0, 4, 0])
    expect(results.map((r) => r.firstError)).toEqual([undefined, 'TypeError: b failed', undefined])
    for (const r of results) expect(Number.isFinite(r.p50Ms) && r.p50Ms >= 0).toBe(true)
  })

  it('shuffles the order at each round, so that no client always follows the same one', async () => {
    const names = ['a', 'b', 'c', 'd', 'e']
    const log: string[] = []
    await interleaved(logging(log, names), 200, 60_000)
    const predecessors = new Map(names.map((n) => [n, new Set<string>()]))
    log.forEach((name, i) => { if (i > 0) predecessors.get(name)!.add(log[i - 1]!) })
    // A rotation gives every client one predecessor; a shuffle gives each all four others over 200 rounds.
    for (const name of names) expect([...predecessors.get(name)!].filter((p) => p !== name).sort()).toEqual(names.filter((n) => n !== name))
    const firsts = new Set(rounds(log, 5).map((r) => r[0]))
    expect(firsts.size).toBe(5)
  })

  it('repeats its order for the same seed and changes it for another', async () => {
    const order = async (seed: number) => {
      const log: string[] = []
      await interleaved(logging(log, ['a', 'b', 'c', 'd']), 20, 60_000, seed)
      return log.join('')
    }
    expect(await order(7)).toBe(await order(7))
    expect(await order(7)).not.toBe(await order(8))
  })

  it('draws uniform floats in [0, 1) from its seed', () => {
    const random = mulberry32(42)
    const draws = Array.from({ length: 10_000 }, random)
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true)
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02)
    expect(Array.from({ length: 5 }, mulberry32(42))).toEqual(draws.slice(0, 5))
  })

  it('lets what a call leaves for the next turn of the event loop run before the next call starts', async () => {
    const log: string[] = []
    const leaving = (name: string) => async () => {
      log.push(name)
      setImmediate(() => log.push(`${name}'s leftover`))
    }
    await interleaved([leaving('a'), leaving('b')], 3, 60_000)
    expect(log).toHaveLength(12)
    for (let i = 0; i < log.length; i += 2) expect(log[i + 1]).toBe(`${log[i]}'s leftover`)
  })

  it('stops at the time limit', async () => {
    let calls = 0
    const results = await interleaved([async () => { calls++ }], 1000, 0)
    expect(calls).toBe(0)
    expect(results[0]!.calls).toBe(0)
  })
})

describe('sequentialPlan', () => {
  it('interleaves the fetch clients and runs the official SDK apart, before them in odd runs and after them in even ones', () => {
    const odd = sequentialPlan(CLIENT_NAMES, 1)
    expect(odd).toEqual([
      { interleave: false, clients: ['official SDK'] },
      { interleave: true, clients: CLIENT_NAMES.filter((c) => c !== 'official SDK') },
    ])
    const even = sequentialPlan(CLIENT_NAMES, 2)
    expect(even).toEqual([...odd].reverse())
  })

  it('keeps the order it is given among the interleaved clients, and leaves out an empty step', () => {
    expect(sequentialPlan(['this package', 'raw fetch'], 3)).toEqual([{ interleave: true, clients: ['this package', 'raw fetch'] }])
    expect(sequentialPlan(['official SDK'], 4)).toEqual([{ interleave: false, clients: ['official SDK'] }])
  })
})
