// 6. Where the client's time and memory go. A CPU profile (V8's sampling profiler, through node:inspector) of
// per-call work with fetch stubbed, summarised as the top functions by self time; the heap an idle client
// holds, and the heap each in-flight call holds (fetch never answering), from heapUsed after forced GCs; and
// what each client allocates per loopback call (V8's sampling heap profiler), the garbage it gives the collector.
import { Session } from 'node:inspector/promises'
import { basename } from 'node:path'
import { gcFunction } from '../lib/gc.ts'
import { round } from '../lib/stats.ts'
import { openapiFetchCall, ourCall, rawFetchCall, type Call, type OurModule } from '../lib/clients.ts'

export interface ProfileResult {
  readonly calls: number
  readonly sampledMs: number
  /** Top functions by self time, as a share of all samples taken during the calls. */
  readonly top: { readonly fn: string; readonly where: string; readonly selfMs: number; readonly share: number }[]
  readonly idleClientBytes: number
  readonly inFlightCallBytes: number
  /** Bytes allocated per call on the loopback server, collected or not, by client. */
  readonly allocatedPerCall: readonly { readonly client: string; readonly bytes: number }[]
}

interface SamplingNode {
  readonly selfSize: number
  readonly children: readonly SamplingNode[]
}

/**
 * Bytes `call` allocates per call, every object counted whether a collection freed it or not: V8's sampling
 * heap profiler (a sample every 256 bytes on average) over `n` calls, after a warm-up.
 */
async function allocatedPerCall(session: Session, call: Call, n: number): Promise<number> {
  for (let i = 0; i < n / 5; i++) await call()
  await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
  for (let i = 0; i < n; i++) await call()
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: SamplingNode } }
  const sum = (node: SamplingNode): number => node.children.reduce((total, child) => total + sum(child), node.selfSize)
  return Math.round(sum(profile.head) / n)
}

interface ProfileNode {
  readonly id: number
  readonly hitCount?: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
}


export async function profileSection(o: { ours: OurModule; baseUrl: string; calls: number; allocationCalls: number; log: (line: string) => void }): Promise<ProfileResult> {
  const { BENCH } = await import('../lib/fixtures.ts')
  const body = JSON.stringify({ code: 0, msg: 'success', data: {} })
  const stub = async (_request: Request) => new Response(body, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'x-tt-logid': 'bench' } })
  const base = 'http://127.0.0.1:9'
  const params = { calendarId: BENCH.calendarId, eventId: BENCH.eventId, meetingChatId: BENCH.meetingChatId }
  const client = o.ours.createMeetingChatClient({ domain: base, auth: { tenantAccessToken: BENCH.tenantAccessToken }, fetch: stub })
  for (let i = 0; i < o.calls / 5; i++) await client.unbindMeetingChat(params)

  // Memory: heapUsed deltas over many objects, after forced collections. The in-flight calls first, on a heap
  // the idle clients have not churned; each is counted only once its fetch was called (it waits there).
  const gc = gcFunction()
  const settle = () => { gc(); gc() }
  const n = 5000
  const pending: (() => void)[] = []
  const hanging = o.ours.createMeetingChatClient({
    domain: base,
    auth: { tenantAccessToken: BENCH.tenantAccessToken },
    retry: false,
    fetch: () => new Promise<Response>((resolve) => pending.push(() => resolve(new Response(body)))),
  })
  const turns = async () => { for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve)) }
  // One call through first, so that lazily made objects (the bound fetch, compiled code) are not counted.
  const warm = hanging.unbindMeetingChat(params)
  await turns()
  pending.splice(0).forEach((release) => release())
  await warm.catch(() => {})
  settle()
  const beforeCalls = process.memoryUsage().heapUsed
  const inFlight = Array.from({ length: n }, () => hanging.unbindMeetingChat(params))
  await turns()
  settle()
  if (pending.length !== n) throw new Error(`memory: ${pending.length} of ${n} calls reached fetch`)
  const inFlightCallBytes = Math.round((process.memoryUsage().heapUsed - beforeCalls) / n)
  for (const release of pending.splice(0)) release()
  await Promise.allSettled(inFlight)

  settle()
  const before = process.memoryUsage().heapUsed
  const clients = Array.from({ length: n }, () => o.ours.createMeetingChatClient({ domain: base, fetch: stub }))
  settle()
  const idleClientBytes = Math.round((process.memoryUsage().heapUsed - before) / clients.length)
  clients.length = 0

  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 50 })
  await session.post('Profiler.start')
  for (let i = 0; i < o.calls; i++) await client.unbindMeetingChat(params)
  const { profile } = (await session.post('Profiler.stop')) as { profile: { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] } }
  session.disconnect()

  const sampledMs = (profile.endTime - profile.startTime) / 1000
  const msPerSample = sampledMs / Math.max(1, profile.samples.length)
  const self = new Map<string, { fn: string; where: string; hits: number }>()
  let total = 0
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0
    total += hits
    const { functionName, url, lineNumber } = node.callFrame
    const fn = functionName || '(anonymous)'
    const where = url ? `${basename(url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : functionName.startsWith('(') ? '' : '(native)'
    const key = `${fn} ${where}`
    const entry = self.get(key) ?? { fn, where, hits: 0 }
    entry.hits += hits
    self.set(key, entry)
  }
  const top = [...self.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, 12)
    .map((e) => ({ fn: e.fn, where: e.where, selfMs: round(e.hits * msPerSample, 1), share: round(e.hits / Math.max(1, total), 3) }))
  for (const t of top) o.log(`  self ${String(t.selfMs).padStart(7)} ms ${(t.share * 100).toFixed(1).padStart(5)}%  ${t.fn} ${t.where}`)

  o.log(`  memory: ${idleClientBytes} B per idle client, ${inFlightCallBytes} B per in-flight call`)

  // Allocation per loopback call, each client in turn on the static server.
  const heap = new Session()
  heap.connect()
  await heap.post('HeapProfiler.enable')
  const allocating: [string, Call][] = [
    ['raw fetch', rawFetchCall(o.baseUrl)],
    ['openapi-fetch alone', await openapiFetchCall(o.baseUrl)],
    ['openapi-fetch + timeout', await openapiFetchCall(o.baseUrl, { timeout: true })],
    ['this package', ourCall(o.ours, o.baseUrl)],
  ]
  const allocated: { client: string; bytes: number }[] = []
  for (const [client, call] of allocating) {
    const bytes = await allocatedPerCall(heap, call, o.allocationCalls)
    allocated.push({ client, bytes })
    o.log(`  allocated per loopback call: ${client.padEnd(24)} ${bytes} B`)
  }
  heap.disconnect()
  return { calls: o.calls, sampledMs: round(sampledMs, 1), top, idleClientBytes, inFlightCallBytes, allocatedPerCall: allocated }
}
