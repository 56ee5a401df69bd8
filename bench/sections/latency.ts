// 1. Per-call latency and throughput of the clients against the same static server: sequential (the fetch clients'
// calls interleaved one by one, in a shuffled order each round, the official SDK in a block of its own) and at
// concurrency 50 (blocks in rotating order), several runs, reported as ratios to raw fetch and to openapi-fetch
// alone, paired within each run.
import { judgingFetch, larkCall, openapiFetchCall, ourCall, rawFetchCall, timeoutOnlyFetch, CLIENT_NAMES, type Call, type ClientName, type LarkModule, type OurModule } from '../lib/clients.ts'
import { gcFunction } from '../lib/gc.ts'
import { median, percentile, round } from '../lib/stats.ts'

export interface LoadResult {
  readonly calls: number
  readonly errors: number
  readonly firstError: string | undefined
  readonly elapsedMs: number
  readonly callsPerSecond: number
  /** The bench process's CPU time (user + system, every thread) over the calls made: the client's work per call, the server's apart. */
  readonly cpuMicrosPerCall: number
  readonly p50Ms: number
  readonly p90Ms: number
  readonly p99Ms: number
}

/** Runs `call` `count` times with `concurrency` in flight, stopping early at `timeLimitMs`. */
export async function load(call: Call, count: number, concurrency: number, timeLimitMs: number): Promise<LoadResult> {
  const latencies = new Float64Array(count)
  let issued = 0
  let done = 0
  let errors = 0
  let firstError: string | undefined
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const deadline = started + timeLimitMs
  const worker = async () => {
    while (issued < count && performance.now() < deadline) {
      const i = issued++
      const t0 = performance.now()
      try {
        await call()
      } catch (error) {
        errors++
        firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      }
      latencies[i] = performance.now() - t0
      done++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsedMs = performance.now() - started
  const cpu = process.cpuUsage(cpuBefore)
  const sample = latencies.subarray(0, done)
  return {
    calls: done,
    errors,
    firstError,
    elapsedMs: round(elapsedMs, 1),
    callsPerSecond: round((done / elapsedMs) * 1000, 0),
    cpuMicrosPerCall: round((cpu.user + cpu.system) / Math.max(1, done), 1),
    p50Ms: round(percentile(sample, 50), 4),
    p90Ms: round(percentile(sample, 90), 4),
    p99Ms: round(percentile(sample, 99), 4),
  }
}

/**
 * Sequential calls of several clients interleaved call by call, stopping early at `timeLimitMs`: every client meets
 * the same moments of the machine's noise, which blocks of one client's calls do not (a burst of a neighbour's work
 * lands on one block of one client). The order is shuffled at each round (seeded, so a run can be repeated): a fixed
 * rotation gives each client the same predecessor in every round, and what a call leaves behind (its socket's
 * bookkeeping, its garbage) then always lands on the same neighbour, which moved a client's p50 by 5-10%. For the
 * same reason a turn of the event loop, untimed, follows each call before the next one starts. Latency is timed
 * around the call alone; CPU is read around the call and that turn, outside the timed span, so what a call leaves
 * behind is counted for the client that left it and reading it costs no client time.
 */
export async function interleaved(calls: readonly Call[], count: number, timeLimitMs: number, seed = 1): Promise<LoadResult[]> {
  const latencies = calls.map(() => new Float64Array(count))
  const cpuMicros = calls.map(() => 0)
  const errors = calls.map(() => 0)
  const firstErrors: (string | undefined)[] = calls.map(() => undefined)
  const deadline = performance.now() + timeLimitMs
  const random = mulberry32(seed)
  const order = calls.map((_, c) => c)
  let done = 0
  for (; done < count && performance.now() < deadline; done++) {
    shuffle(order, random)
    for (const c of order) {
      const cpuBefore = process.cpuUsage()
      const t0 = performance.now()
      try {
        await calls[c]!()
      } catch (error) {
        errors[c]!++
        firstErrors[c] ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      }
      latencies[c]![done] = performance.now() - t0
      await new Promise(setImmediate)
      const cpu = process.cpuUsage(cpuBefore)
      cpuMicros[c]! += cpu.user + cpu.system
    }
  }
  return calls.map((_, c) => {
    const sample = latencies[c]!.subarray(0, done)
    const elapsedMs = sample.reduce((sum, ms) => sum + ms, 0)
    return {
      calls: done,
      errors: errors[c]!,
      firstError: firstErrors[c],
      elapsedMs: round(elapsedMs, 1),
      // As if the client ran alone: one call after the other.
      callsPerSecond: round((done / elapsedMs) * 1000, 0),
      cpuMicrosPerCall: round(cpuMicros[c]! / Math.max(1, done), 1),
      p50Ms: round(percentile(sample, 50), 4),
      p90Ms: round(percentile(sample, 90), 4),
      p99Ms: round(percentile(sample, 99), 4),
    }
  })
}

/** A small seeded PRNG (mulberry32): uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Fisher-Yates, in place. */
function shuffle(items: number[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const item = items[i]!
    items[i] = items[j]!
    items[j] = item
  }
}

export interface Mode {
  readonly name: 'sequential' | 'concurrency 50'
  readonly concurrency: number
  readonly calls: number
  readonly warmup: number
}

export interface LatencyRun {
  readonly run: number
  readonly mode: Mode['name']
  readonly client: ClientName
  readonly result: LoadResult
}

export interface LatencySummary {
  readonly mode: Mode['name']
  readonly client: ClientName
  /** Medians over runs. */
  readonly p50Ms: number
  readonly p99Ms: number
  readonly callsPerSecond: number
  /** CPU time of the bench process per call, median over runs. */
  readonly cpuMicrosPerCall: number
  /** p50 latency over raw fetch's in the same run, median over runs (1 = the floor). */
  readonly latencyRatio: number
  /** p50 vs openapi-fetch alone's, paired within each run. */
  readonly openapiFetchRatio: number
  /** p50 vs the floor's (openapi-fetch + timeout), paired within each run: 1 = no cost beyond a timeout's. */
  readonly timeoutFloorRatio: number
  /** Throughput over raw fetch's in the same run, median over runs. */
  readonly throughputRatio: number
  readonly errors: number
}

export interface LatencyOptions {
  readonly baseUrl: string
  readonly ours: OurModule
  readonly lark: LarkModule
  readonly runs: number
  readonly modes: readonly Mode[]
  readonly timeLimitMs: number
  readonly log: (line: string) => void
}

/**
 * The sequential mode's steps in one run: the clients that send through the global fetch interleaved (`interleave`),
 * the official SDK apart, in a block of its own, before them in odd runs and after them in even ones. Interleaved
 * with them, the SDK raised every other client's p50 by about 100 µs on this machine (its calls' leftovers land on
 * the next call, whatever client makes it; its own connection is kept alive, so it is not a new connection's cost),
 * which pulled every ratio towards 1.
 */
export function sequentialPlan(order: readonly ClientName[], run: number): { readonly interleave: boolean; readonly clients: readonly ClientName[] }[] {
  const apart: ClientName[] = order.filter((client) => client === 'official SDK')
  const together = order.filter((client) => client !== 'official SDK')
  const steps = [{ interleave: true, clients: together }, ...apart.map((client) => ({ interleave: false, clients: [client] }))]
  return (run % 2 === 1 ? steps.reverse() : steps).filter((step) => step.clients.length > 0)
}

export async function latencySection(o: LatencyOptions): Promise<{ runs: LatencyRun[]; summary: LatencySummary[] }> {
  const bare = await openapiFetchCall(o.baseUrl)
  const timed = await openapiFetchCall(o.baseUrl, { timeout: true })
  const judged = await openapiFetchCall(o.baseUrl, { judge: true })
  const make: Record<ClientName, () => Call> = {
    'raw fetch': () => rawFetchCall(o.baseUrl),
    'openapi-fetch alone': () => bare,
    'openapi-fetch + timeout': () => timed,
    'openapi-fetch + judge': () => judged,
    'this package': () => ourCall(o.ours, o.baseUrl),
    'official SDK': () => larkCall(o.lark, o.baseUrl),
  }
  // Untimed, once: JIT, undici's lazy load, sockets. Each run still warms up its own client afterwards.
  for (const mode of o.modes) for (const client of CLIENT_NAMES) await load(make[client](), mode.warmup * 3, mode.concurrency, o.timeLimitMs)
  const runs: LatencyRun[] = []
  for (let run = 1; run <= o.runs; run++) {
    // Rotate the order so that no client always goes first (or right after the most garbage).
    const order = CLIENT_NAMES.map((_, i) => CLIENT_NAMES[(i + run - 1) % CLIENT_NAMES.length] as ClientName)
    for (const mode of o.modes) {
      if (mode.concurrency === 1) {
        // Sequential: the fetch clients' calls interleaved one by one, in a shuffled order seeded by the run (see
        // interleaved); the official SDK in a block of its own (see sequentialPlan).
        for (const step of sequentialPlan(order, run)) {
          const calls = step.clients.map((client) => make[client]())
          let results: LoadResult[]
          if (step.interleave) {
            await interleaved(calls, mode.warmup, o.timeLimitMs, 1000 + run)
            results = await interleaved(calls, mode.calls, o.timeLimitMs, run)
          } else {
            // A block of one client, timed by the same rules (the untimed turn after each call, throughput as if alone).
            results = []
            for (const call of calls) {
              await interleaved([call], mode.warmup, o.timeLimitMs, 1000 + run)
              results.push(...(await interleaved([call], mode.calls, o.timeLimitMs, run)))
            }
          }
          step.clients.forEach((client, i) => {
            const result = results[i]!
            runs.push({ run, mode: mode.name, client, result })
            o.log(`  run ${run} ${mode.name.padEnd(14)} ${client.padEnd(12)} p50 ${(result.p50Ms * 1000).toFixed(0).padStart(5)} µs  ${String(result.callsPerSecond).padStart(6)} calls/s${result.errors ? `  ${result.errors} errors: ${result.firstError}` : ''}`)
          })
        }
        continue
      }
      for (const client of order) {
        const call = make[client]()
        await load(call, mode.warmup, mode.concurrency, o.timeLimitMs)
        const result = await load(call, mode.calls, mode.concurrency, o.timeLimitMs)
        runs.push({ run, mode: mode.name, client, result })
        o.log(`  run ${run} ${mode.name.padEnd(14)} ${client.padEnd(12)} p50 ${(result.p50Ms * 1000).toFixed(0).padStart(5)} µs  ${String(result.callsPerSecond).padStart(6)} calls/s${result.errors ? `  ${result.errors} errors: ${result.firstError}` : ''}`)
      }
    }
  }
  const summary: LatencySummary[] = []
  for (const mode of o.modes) {
    const of = (client: ClientName) => runs.filter((r) => r.mode === mode.name && r.client === client)
    const floor = new Map(of('raw fetch').map((r) => [r.run, r.result]))
    const library = new Map(of('openapi-fetch alone').map((r) => [r.run, r.result]))
    const timeoutFloor = new Map(of('openapi-fetch + timeout').map((r) => [r.run, r.result]))
    for (const client of CLIENT_NAMES) {
      const rs = of(client)
      // Ratios are paired within a run (same minute, same server state), then the median over runs is taken.
      const paired = (f: (r: LoadResult, floor: LoadResult) => number) =>
        median(rs.flatMap((r) => {
          const base = floor.get(r.run)
          return base ? [f(r.result, base)] : []
        }))
      summary.push({
        mode: mode.name,
        client,
        p50Ms: round(median(rs.map((r) => r.result.p50Ms)), 4),
        p99Ms: round(median(rs.map((r) => r.result.p99Ms)), 4),
        callsPerSecond: round(median(rs.map((r) => r.result.callsPerSecond)), 0),
        cpuMicrosPerCall: round(median(rs.map((r) => r.result.cpuMicrosPerCall)), 1),
        latencyRatio: round(paired((r, b) => r.p50Ms / b.p50Ms), 3),
        openapiFetchRatio: round(median(rs.flatMap((r) => {
          const base = library.get(r.run)
          return base ? [r.result.p50Ms / base.p50Ms] : []
        })), 3),
        timeoutFloorRatio: round(median(rs.flatMap((r) => {
          const base = timeoutFloor.get(r.run)
          return base ? [r.result.p50Ms / base.p50Ms] : []
        })), 3),
        throughputRatio: round(paired((r, b) => r.callsPerSecond / b.callsPerSecond), 3),
        errors: rs.reduce((n, r) => n + r.result.errors, 0),
      })
    }
  }
  return { runs, summary }
}

export interface CpuSummary {
  readonly client: 'raw fetch' | 'openapi-fetch alone' | 'openapi-fetch + timeout' | 'openapi-fetch + judge' | 'this package'
  /** Median over runs of the mean time per call, in µs. */
  readonly microsPerCall: number
  readonly runs: number[]
}

/**
 * Where the per-call overhead goes: the same call with `fetch` replaced by a function that returns a ready
 * Response (no network, no server), so only the client's own work is timed. openapi-fetch alone (which this
 * package builds on) shows how much of it is that library's. The official SDK sends through axios, which
 * takes no fetch, so it has no row here.
 */
export async function cpuSection(o: { ours: OurModule; runs: number; calls: number; log: (line: string) => void }): Promise<CpuSummary[]> {
  const { BENCH } = await import('../lib/fixtures.ts')
  const createClient = (await import('openapi-fetch')).default
  const body = JSON.stringify({ code: 0, msg: 'success', data: {} })
  const stub = async (_request: Request) => new Response(body, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'x-tt-logid': 'bench' } })
  const base = 'http://127.0.0.1:9'
  const path = '/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat' as const
  const bare = createClient<import('../../src/generated/schema.ts').paths>({ baseUrl: base, fetch: stub })
  // The stub as a fetch that takes (request, { signal }) does: it builds the Request it sends, following the signal
  // (as undici's fetch does), so the floor pays what a timeout costs with a real fetch.
  const timed = createClient<import('../../src/generated/schema.ts').paths>({ baseUrl: base, fetch: timeoutOnlyFetch((request, init) => stub(new Request(request, init))) })
  const judged = createClient<import('../../src/generated/schema.ts').paths>({ baseUrl: base, fetch: judgingFetch((request, init) => stub(new Request(request, init))) })
  const ours = o.ours.createMeetingChatClient({ domain: base, auth: { tenantAccessToken: BENCH.tenantAccessToken }, fetch: stub })
  const params = { calendarId: BENCH.calendarId, eventId: BENCH.eventId, meetingChatId: BENCH.meetingChatId }
  const calls: Record<CpuSummary['client'], Call> = {
    'raw fetch': async () => {
      const url = `${base}/open-apis/calendar/v4/calendars/${encodeURIComponent(BENCH.calendarId)}/events/${encodeURIComponent(BENCH.eventId)}/meeting_chat?meeting_chat_id=${encodeURIComponent(BENCH.meetingChatId)}`
      const response = await stub(new Request(url, { method: 'DELETE', headers: { authorization: `Bearer ${BENCH.tenantAccessToken}` } }))
      const answer = (await response.json()) as { code?: unknown }
      if (answer.code !== 0) throw new Error('stub answered an error')
    },
    'openapi-fetch alone': async () => {
      const { data } = await bare.DELETE(path, {
        params: { path: { calendar_id: BENCH.calendarId, event_id: BENCH.eventId }, query: { meeting_chat_id: BENCH.meetingChatId } },
        headers: { authorization: `Bearer ${BENCH.tenantAccessToken}` },
      })
      if (data?.code !== 0) throw new Error('stub answered an error')
    },
    'openapi-fetch + timeout': async () => {
      const { data } = await timed.DELETE(path, {
        params: { path: { calendar_id: BENCH.calendarId, event_id: BENCH.eventId }, query: { meeting_chat_id: BENCH.meetingChatId } },
        headers: { authorization: `Bearer ${BENCH.tenantAccessToken}` },
      })
      if (data?.code !== 0) throw new Error('stub answered an error')
    },
    'openapi-fetch + judge': async () => {
      const { data } = await judged.DELETE(path, {
        params: { path: { calendar_id: BENCH.calendarId, event_id: BENCH.eventId }, query: { meeting_chat_id: BENCH.meetingChatId } },
        headers: { authorization: `Bearer ${BENCH.tenantAccessToken}` },
      })
      if (data?.code !== 0) throw new Error('stub answered an error')
    },
    'this package': async () => {
      await ours.unbindMeetingChat(params)
    },
  }
  const names = Object.keys(calls) as CpuSummary['client'][]
  const perRun: Record<string, number[]> = {}
  // Every client warmed once (JIT) before any is timed; then each run rotates the order, and a full collection
  // before each timed block leaves every client the garbage of its own calls only.
  for (const name of names) for (let i = 0; i < o.calls / 2; i++) await calls[name]()
  const gc = gcFunction()
  for (let run = 1; run <= o.runs; run++) {
    for (const name of names.map((_, i) => names[(i + run - 1) % names.length]!)) {
      const call = calls[name]
      for (let i = 0; i < o.calls / 5; i++) await call()
      gc()
      const t0 = performance.now()
      for (let i = 0; i < o.calls; i++) await call()
      ;(perRun[name] ??= []).push(round(((performance.now() - t0) / o.calls) * 1000, 2))
    }
  }
  const summary = names.map((client) => ({ client, microsPerCall: round(median(perRun[client] ?? []), 1), runs: perRun[client] ?? [] }))
  for (const s of summary) o.log(`  no network: ${s.client.padEnd(20)} ${s.microsPerCall} µs/call`)
  return summary
}
