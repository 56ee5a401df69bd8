// Bench section "bulk": unbindMeetingChats over N items against the sandbox with the app's limit scaled down,
// paced (the default limiter, told the sandbox's budget) vs not paced (only the client's reactive retries).
// The paced run's wall time is read against the floor: the fastest schedule the sandbox's windows allow.
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { APP, bulkItems, bulkSeed } from '../../test/bulk/support.ts'

export interface BulkLimit {
  readonly perSecond: number
  readonly perMinute: number
}

export interface BulkRun {
  readonly mode: 'paced' | 'not paced'
  readonly items: number
  readonly succeeded: number
  readonly failed: number
  /** Unbind requests the sandbox received (retries included). */
  readonly requests: number
  readonly answered429: number
  readonly wallMs: number
  /** ms into the calendar minute when the run started. */
  readonly startPhaseMs: number
  /** The fastest the sandbox's windows allow from that start (time of the last request). */
  readonly floorMs: number
}

/**
 * The earliest time of the last of `n` requests from `t0`, sending whenever the current calendar second and
 * minute (the sandbox's windows) have room.
 */
export function floorMs(n: number, limit: BulkLimit, t0: number): number {
  const perSecond = new Map<number, number>()
  const perMinute = new Map<number, number>()
  let t = t0
  for (let i = 0; i < n; i++) {
    for (;;) {
      const s = Math.floor(t / 1000)
      const m = Math.floor(t / 60_000)
      if ((perMinute.get(m) ?? 0) >= limit.perMinute) t = (m + 1) * 60_000
      else if ((perSecond.get(s) ?? 0) >= limit.perSecond) t = (s + 1) * 1000
      else {
        perSecond.set(s, (perSecond.get(s) ?? 0) + 1)
        perMinute.set(m, (perMinute.get(m) ?? 0) + 1)
        break
      }
    }
  }
  return t - t0
}

export interface BulkSectionOptions {
  readonly dist: string
  readonly items: number
  readonly limit: BulkLimit
  readonly concurrency: number
  /** Start the paced run at the top of a minute (the phase the README's figure is for). */
  readonly alignToMinute: boolean
  readonly log: (line: string) => void
}

export async function bulkSection(o: BulkSectionOptions): Promise<{ runs: BulkRun[]; limit: BulkLimit; concurrency: number }> {
  const { startSandbox } = await import(join(o.dist, 'sandbox/server.js')) as typeof import('../../src/sandbox/server.ts')
  const { unbindMeetingChats } = await import(join(o.dist, 'bulk/index.js')) as typeof import('../../src/bulk/index.ts')
  const { createRateLimiter } = await import(join(o.dist, 'limiter/index.js')) as typeof import('../../src/limiter/index.ts')

  async function run(mode: BulkRun['mode']): Promise<BulkRun> {
    const sandbox = await startSandbox({ port: 0, seed: bulkSeed(o.items, o.limit) })
    try {
      if (mode === 'paced' && o.alignToMinute) await sleep(60_000 - (Date.now() % 60_000))
      const t0 = Date.now()
      let succeeded = 0
      let failed = 0
      const rateLimiter = mode === 'paced' ? createRateLimiter({ limits: { unbindMeetingChat: o.limit } }) : false
      for await (const r of unbindMeetingChats(bulkItems(o.items), { domain: sandbox.url, auth: APP, concurrency: o.concurrency, rateLimiter })) {
        if (r.ok) succeeded++
        else failed++
      }
      const wallMs = Date.now() - t0
      const calls = sandbox.fake.calls.filter((c) => c.operationId === 'unbindMeetingChat')
      const result = { mode, items: o.items, succeeded, failed, requests: calls.length, answered429: calls.filter((c) => c.status === 429).length, wallMs, startPhaseMs: t0 % 60_000, floorMs: floorMs(o.items, o.limit, t0) }
      o.log(`bench: bulk ${mode}: ${succeeded}/${o.items} in ${(wallMs / 1000).toFixed(1)} s (floor ${(result.floorMs / 1000).toFixed(1)} s), ${result.answered429} x 429`)
      return result
    } finally {
      await sandbox.close()
    }
  }

  // Not paced first: it needs no particular start, and the paced run may wait for the top of a minute.
  const unpaced = await run('not paced')
  const paced = await run('paced')
  return { runs: [paced, unpaced], limit: o.limit, concurrency: o.concurrency }
}

export function bulkTable(result: Awaited<ReturnType<typeof bulkSection>>): string[] {
  const { limit, concurrency } = result
  const first = result.runs[0]
  const out = [
    '',
    `**Bulk**: \`unbindMeetingChats\` over ${first?.items ?? 0} items, ${concurrency} in flight, against the sandbox with the app's limit scaled down to ${limit.perSecond}/s and ${limit.perMinute}/min; paced by the default limiter told that budget, or not paced (the client's retries only: 3 attempts, waits from \`x-ogw-ratelimit-reset\`). The floor is the fastest schedule the sandbox's windows allow from the same start.`,
    '',
    '| run | start (s into the minute) | succeeded | failed | requests | 429 answers | wall time | floor | vs floor |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const r of result.runs) {
    out.push(`| ${r.mode} | ${(r.startPhaseMs / 1000).toFixed(1)} | ${r.succeeded} | ${r.failed} | ${r.requests} | ${r.answered429} | ${(r.wallMs / 1000).toFixed(1)} s | ${(r.floorMs / 1000).toFixed(1)} s | ${r.failed === 0 ? `${(r.wallMs / r.floorMs).toFixed(2)}×` : `— (${r.failed} failed)`} |`)
  }
  return out
}

export function bulkTarget(result: Awaited<ReturnType<typeof bulkSection>>): { target: string; result: string; met: boolean } {
  const paced = result.runs.find((r) => r.mode === 'paced')
  const ratio = paced ? paced.wallMs / paced.floorMs : NaN
  return {
    target: 'bulk run within 10% of the floor, no 429, every item done',
    result: paced ? `${(ratio).toFixed(2)}× the floor, ${paced.answered429} x 429, ${paced.succeeded}/${paced.items} done` : 'not run',
    met: paced !== undefined && ratio <= 1.1 && paced.answered429 === 0 && paced.succeeded === paced.items,
  }
}
