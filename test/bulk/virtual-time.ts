// Runs real loopback HTTP under vitest's fake clock: time jumps to the next timer only while no request is in
// flight, so the sandbox and the client's limiter see the same instants and no test waits in real time.
import { vi } from 'vitest'

export interface VirtualTime {
  /** A fetch that counts requests in flight (the answer is read in full before it counts as done). */
  readonly fetch: (request: Request) => Promise<Response>
  /** Drives time until `work` settles, and returns its value and the virtual ms it took. */
  run<T>(work: Promise<T>): Promise<{ value: T; elapsedMs: number }>
}

const realTick = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Call after any server has started: fakes setTimeout, clearTimeout and Date (not I/O, not setImmediate). */
export function useVirtualTime(): VirtualTime {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  let inFlight = 0
  const realFetch = globalThis.fetch
  return {
    async fetch(request) {
      inFlight++
      try {
        const response = await realFetch(request)
        const body = await response.arrayBuffer()
        return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers })
      } finally {
        inFlight--
      }
    },
    async run(work) {
      const started = Date.now()
      let settled = false
      work.then(() => { settled = true }, () => { settled = true })
      // Bounded: each turn either waits for I/O or fires at least one timer. Time moves only after nothing
      // was in flight for several turns of the real event loop: a call about to send gets to send first.
      let idle = 0
      for (let turn = 0; turn < 1_000_000 && !settled; turn++) {
        await realTick()
        idle = inFlight === 0 ? idle + 1 : 0
        if (!settled && idle >= 5 && vi.getTimerCount() > 0) {
          vi.advanceTimersToNextTimer()
          idle = 0
        }
      }
      const value = await work
      return { value, elapsedMs: Date.now() - started }
    },
  }
}
