// 5. Requests per second of the sandbox (the stateful fake over node:http) vs Prism mocking the same spec,
// each in its own process, loaded by autocannon (50 connections, fixed duration) from this process, and
// the CPU time each server spends per request.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { freePort, readyLine, start, waitForHttp, type Child } from '../lib/proc.ts'
import { median, round } from '../lib/stats.ts'

/** One request of a sequence each autocannon connection sends in turn; `context` is the connection's own. */
export interface SequenceStep {
  readonly method: string
  readonly headers?: Record<string, string>
  readonly setupRequest: (request: { path?: string }, context: Record<string, unknown>) => { path: string; method: string; headers?: Record<string, string> }
  readonly onResponse?: (status: number, body: string, context: Record<string, unknown>) => void
}

/** What the bench uses of autocannon. */
type Autocannon = (options: {
  url: string
  method?: string
  headers?: Record<string, string>
  body?: string
  requests?: readonly SequenceStep[]
  connections: number
  duration: number
  pipelining?: number
}) => Promise<{ requests: { total: number }; duration: number; errors: number; timeouts: number; non2xx: number; statusCodeStats: Record<string, { count: number }>; latency: { p50: number; p99: number } }>

/**
 * Events of the bench seed, on the app's calendar, without a chat: a connection creates a meeting chat
 * for its own event and unbinds it, again and again, so that every answer is a success.
 */
export const PAIR_EVENTS = Array.from({ length: 4096 }, (_, i) => `bench-pair-${i}_0`)

export type ServerName = 'sandbox' | 'Prism' | 'node:http floor'

export interface RequestKind {
  readonly name: string
  readonly method: string
  readonly path: string
  readonly headers: Record<string, string>
  readonly body?: string
  /** Instead of one request: a sequence each connection sends in turn (the path and method above are unused). */
  readonly sequence?: () => readonly SequenceStep[]
}

export interface ServerRun {
  readonly run: number
  readonly server: ServerName
  readonly request: string
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** The server process's CPU time (user and system) over the run, per request answered; null off Linux. */
  readonly cpuMicrosPerRequest: number | null
  readonly errors: number
  readonly statusCodes: Record<string, number>
}

export interface ServerSummary {
  readonly server: ServerName
  readonly request: string
  readonly requestsPerSecond: number | null
  readonly p50Ms: number | null
  readonly p99Ms: number | null
  readonly cpuMicrosPerRequest: number | null
  readonly statusCodes: Record<string, number>
  /** This server's rps over Prism's, paired by run. */
  readonly ratioToPrism: number | null
  /** Prism's CPU time per request over this server's, paired by run. */
  readonly cpuRatioToPrism: number | null
}

export interface ServersResult {
  readonly sandbox: { readonly command: string; readonly startMs: number | null }
  readonly prism: { readonly started: boolean; readonly startMs: number | null; readonly error: string | undefined; readonly version: string | undefined }
  readonly runs: ServerRun[]
  readonly summary: ServerSummary[]
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** The CPU time (user and system, ms) a process has used so far, from /proc; undefined off Linux. */
let clockTicks: number | undefined
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name, which is in parentheses and may hold spaces: state is the 3rd field,
    // utime the 14th and stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks
  } catch {
    return undefined
  }
}

export async function serversSection(o: {
  dist: string
  requests: readonly RequestKind[]
  runs: number
  durationSeconds: number
  warmUpSeconds: number
  connections: number
  log: (line: string) => void
}): Promise<ServersResult> {
  const autocannon = (await import('autocannon' as string)).default as Autocannon
  /** One run of `kind` against `url`. */
  const load = async (url: string, kind: RequestKind, seconds: number) => {
    const r = kind.sequence
      ? await autocannon({ url, requests: kind.sequence(), connections: o.connections, duration: seconds })
      : await autocannon({ url: `${url}${kind.path}`, method: kind.method, headers: kind.headers, ...(kind.body !== undefined && { body: kind.body }), connections: o.connections, duration: seconds })
    const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, v]) => [code, v.count]))
    return { requests: r.requests.total, seconds: r.duration, errors: r.errors + r.timeouts, p50Ms: r.latency.p50, p99Ms: r.latency.p99, statusCodes }
  }
  const servers: Partial<Record<ServerName, { url: string; child: Child }>> = {}
  let sandboxInfo: ServersResult['sandbox'] = { command: 'not started', startMs: null }
  let prism: ServersResult['prism'] = { started: false, startMs: null, error: undefined, version: undefined }
  try {
    // The sandbox as users run it: the package's CLI (`feishu-meeting-chat sandbox`) from the build, with
    // the demo seed whose self-built app has its rate limits raised, so that load measures the fake's
    // rules rather than its 429 answer.
    const msw = (await import(pathToFileURL(join(o.dist, 'msw/index.js')).href)) as typeof import('../../src/msw/index.ts')
    const unlimited = { perSecond: 1_000_000_000, perMinute: 1_000_000_000 }
    const demoSeed = msw.demoSeed()
    const seed = {
      ...demoSeed,
      apps: (demoSeed.apps ?? []).map((app) => (app.appId === msw.demo.app.appId ? { ...app, rateLimit: { perOperation: unlimited, perApp: unlimited } } : app)),
      events: [...(demoSeed.events ?? []), ...PAIR_EVENTS.map((eventId) => ({ calendarId: msw.demo.calendars.app, eventId, attendees: 2 }))],
    }
    const seedPath = join(o.dist, '..', 'sandbox-seed.json')
    await writeFile(seedPath, `${JSON.stringify(seed, null, 2)}\n`)
    const sandboxPort = await freePort()
    const sandbox = start(process.execPath, [join(o.dist, 'cli/bin.js'), 'sandbox', '--port', String(sandboxPort), '--seed', seedPath], { cwd: ROOT })
    const sandboxUrl = `http://127.0.0.1:${sandboxPort}`
    const sandboxStartMs = await waitForHttp(`${sandboxUrl}/`, 30_000, sandbox)
    servers.sandbox = { url: sandboxUrl, child: sandbox }
    sandboxInfo = { command: `node build/bench/dist/cli/bin.js sandbox --port ${sandboxPort} --seed build/bench/sandbox-seed.json`, startMs: round(sandboxStartMs, 0) }
    o.log(`  sandbox on ${sandboxUrl} (ready after ${Math.round(sandboxStartMs)} ms)`)

    try {
      const port = await freePort()
      const prismCli = join(ROOT, 'node_modules/@stoplight/prism-cli/dist/index.js')
      const version = { default: JSON.parse(await readFile(join(ROOT, 'node_modules/@stoplight/prism-cli/package.json'), 'utf8')) as { version: string } }
      // Per-request logging off (`-v warn`): Prism at its fastest. Requests are validated, as by default.
      const child = start(process.execPath, [prismCli, 'mock', '-h', '127.0.0.1', '-p', String(port), '-v', 'warn', 'openapi/openapi.yaml'], { cwd: ROOT })
      const url = `http://127.0.0.1:${port}`
      const startMs = await waitForHttp(`${url}/`, 60_000, child)
      servers.Prism = { url, child }
      prism = { started: true, startMs: round(startMs, 0), error: undefined, version: version.default.version }
      o.log(`  Prism ${version.default.version} on ${url} (ready after ${Math.round(startMs)} ms)`)
    } catch (error) {
      prism = { started: false, startMs: null, error: error instanceof Error ? error.message : String(error), version: undefined }
      o.log(`  Prism did not start: ${prism.error}`)
    }

    // The floor: bare node:http with a fixed answer, what no mock server can beat here.
    const floor = start(process.execPath, [fileURLToPath(new URL('../servers/floor.ts', import.meta.url))], { pipeStdout: true })
    servers['node:http floor'] = { url: (await readyLine<{ url: string }>(floor, 15_000)).url, child: floor }

    const names = (Object.keys(servers) as ServerName[])
    const fire = async (server: ServerName, kind: RequestKind, seconds: number) => {
      const target = servers[server]
      if (!target) throw new Error(`no ${server}`)
      const pid = target.child.process.pid
      const cpuBefore = processCpuMs(pid)
      const r = await load(target.url, kind, seconds)
      const cpuAfter = processCpuMs(pid)
      const cpuMicrosPerRequest = cpuBefore !== undefined && cpuAfter !== undefined && r.requests > 0 ? ((cpuAfter - cpuBefore) * 1000) / r.requests : null
      return { ...r, cpuMicrosPerRequest }
    }
    const runs: ServerRun[] = []
    for (const kind of o.requests) {
      for (const server of names) await fire(server, kind, o.warmUpSeconds) // warm-up: JIT, sockets
      for (let run = 1; run <= o.runs; run++) {
        for (const server of run % 2 === 1 ? names : [...names].reverse()) {
          const r = await fire(server, kind, o.durationSeconds)
          const rps = round(r.requests / r.seconds, 0)
          runs.push({ run, server, request: kind.name, requestsPerSecond: rps, p50Ms: r.p50Ms, p99Ms: r.p99Ms, cpuMicrosPerRequest: r.cpuMicrosPerRequest === null ? null : round(r.cpuMicrosPerRequest, 1), errors: r.errors, statusCodes: r.statusCodes })
          if (r.errors > 0) {
            const child = servers[server]?.child.process
            o.log(`  ${server}: ${r.errors} connection errors or timeouts; process ${child?.exitCode === null && child.signalCode === null ? 'still running' : `exited (${child?.exitCode ?? child?.signalCode})`}; its stderr: ${servers[server]?.child.output().slice(-500) || '(empty)'}`)
          }
          o.log(`  run ${run} ${server.padEnd(15)} ${kind.name.padEnd(24)} ${String(rps).padStart(6)} req/s  p50 ${round(r.p50Ms, 2)} ms  CPU ${r.cpuMicrosPerRequest === null ? '?' : round(r.cpuMicrosPerRequest, 1)} µs/req  ${JSON.stringify(r.statusCodes)}`)
        }
      }
    }
    const summary: ServerSummary[] = []
    for (const kind of o.requests) {
      for (const server of names) {
        const rs = runs.filter((r) => r.server === server && r.request === kind.name)
        const prismRuns = new Map(runs.filter((r) => r.server === 'Prism' && r.request === kind.name).map((r) => [r.run, r.requestsPerSecond]))
        const ratios = rs.flatMap((r) => {
          const p = prismRuns.get(r.run)
          return p ? [r.requestsPerSecond / p] : []
        })
        const prismCpu = new Map(runs.filter((r) => r.server === 'Prism' && r.request === kind.name).map((r) => [r.run, r.cpuMicrosPerRequest]))
        const cpuRatios = rs.flatMap((r) => {
          const p = prismCpu.get(r.run)
          return p != null && r.cpuMicrosPerRequest ? [p / r.cpuMicrosPerRequest] : []
        })
        const cpus = rs.flatMap((r) => (r.cpuMicrosPerRequest === null ? [] : [r.cpuMicrosPerRequest]))
        const statusCodes: Record<string, number> = {}
        for (const r of rs) for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n
        summary.push({
          server,
          request: kind.name,
          requestsPerSecond: round(median(rs.map((r) => r.requestsPerSecond)), 0),
          p50Ms: round(median(rs.map((r) => r.p50Ms)), 2),
          p99Ms: round(median(rs.map((r) => r.p99Ms)), 2),
          cpuMicrosPerRequest: cpus.length ? round(median(cpus), 1) : null,
          statusCodes,
          ratioToPrism: ratios.length ? round(median(ratios), 2) : null,
          cpuRatioToPrism: cpuRatios.length ? round(median(cpuRatios), 2) : null,
        })
      }
    }
    return { sandbox: sandboxInfo, prism, runs, summary }
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.child.stop()))
  }
}
