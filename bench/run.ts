// npm run bench: this package vs raw fetch vs the official SDK, and the sandbox vs Prism, on one machine in
// one run, everything on 127.0.0.1. Prints Markdown tables; writes bench/results/<timestamp>.json and
// bench/results/latest.json, and puts the table in bench/README.md. See bench/README.md for what is measured and the targets.
//   npm run bench                 full run (a few minutes)
//   npm run bench -- --quick      fewer and shorter runs, for trying the bench itself (no results written)
//   npm run bench -- --only=latency,size   some sections (latency, cold, size, tokens, servers, profile, bulk)
import { execFileSync } from 'node:child_process'
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { arch, cpus, availableParallelism, freemem, loadavg, release, totalmem, type as osType } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadLark, loadOurs, type ClientName } from './lib/clients.ts'
import { readyLine, run, start } from './lib/proc.ts'
import { bytes, int, ms, ratio } from './lib/stats.ts'
import { coldSection, COLD_LABELS } from './sections/cold.ts'
import { cpuSection, latencySection, type Mode } from './sections/latency.ts'
import { PAIR_EVENTS, serversSection, type RequestKind } from './sections/servers.ts'
import { profileSection } from './sections/profile.ts'
import { sizeSection } from './sections/size.ts'
import { breakdown as sizeBreakdown, measure as measureClientBundles } from '../scripts/size.ts'
import { buildJs } from '../scripts/build.ts'
import { tokenSection } from './sections/tokens.ts'
import { bulkSection, bulkTable, bulkTarget } from './sections/bulk.ts'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const DIST = join(ROOT, 'build/bench/dist')
const ENTRY = join(DIST, 'index.js')
const SECTIONS = ['latency', 'cold', 'size', 'tokens', 'servers', 'profile', 'bulk'] as const
type Section = (typeof SECTIONS)[number]

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const onlyArg = args.find((a) => a.startsWith('--only='))?.slice(7)
const only = new Set<Section>(onlyArg ? (onlyArg.split(',') as Section[]) : SECTIONS)
for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`unknown section ${s}; choose from ${SECTIONS.join(', ')}`)

const config = {
  // Many short runs with the clients' order rotated, ratios paired within each: a burst of noise from the
  // machine's neighbours lands on one run of one client, and the median over runs sets it aside.
  runs: quick ? 2 : 15,
  modes: [
    { name: 'sequential', concurrency: 1, calls: quick ? 300 : 600, warmup: quick ? 100 : 100 },
    { name: 'concurrency 50', concurrency: 50, calls: quick ? 1000 : 2500, warmup: quick ? 200 : 300 },
  ] satisfies Mode[],
  /** Any single measurement stops here even if its count is not reached. */
  timeLimitMs: 20_000,
  cpuCalls: quick ? 2000 : 4000,
  profileCalls: quick ? 5000 : 20_000,
  allocationCalls: quick ? 500 : 3000,
  coldRuns: quick ? 3 : 9,
  tokenNs: [1, 10, 100],
  tokenTrials: quick ? 1 : 3,
  serverRuns: quick ? 2 : 5,
  serverSeconds: quick ? 1 : 3,
  // Prism's requests/s climbs for its first seconds under load (its JIT): each server gets this much load,
  // untimed, before each request's runs.
  serverWarmUpSeconds: quick ? 1 : 5,
  serverConnections: 50,
  bulk: { items: quick ? 60 : 500, limit: { perSecond: 20, perMinute: quick ? 1000 : 300 }, concurrency: 20, alignToMinute: !quick },
}

const started = performance.now()
const log = (line: string) => console.error(line)
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`

// --- build: the package's sources compiled as `npm run build` does, into a folder of the bench's own ---
log(`bench: building src/ into ${DIST} (scripts/build.ts, as npm run build)`)
await buildJs(DIST)
// The sandbox and the CLI read the spec and package.json beside their dist/, as in the package.
await mkdir(join(DIST, '../openapi'), { recursive: true })
await copyFile(join(ROOT, 'openapi/openapi.yaml'), join(DIST, '../openapi/openapi.yaml'))
await copyFile(join(ROOT, 'package.json'), join(DIST, '../package.json'))

// --- the machine ---
const versionOf = async (pkg: string) => (JSON.parse(await readFile(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version
const git = (...a: string[]) => {
  try {
    return execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim()
  } catch {
    return null
  }
}
const machine = {
  cpuModel: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  availableParallelism: availableParallelism(),
  memoryBytes: totalmem(),
  freeMemoryBytes: freemem(),
  loadAverage: loadavg(),
  node: process.version,
  os: `${osType()} ${release()} ${arch()}`,
}
const software = {
  commit: git('rev-parse', 'HEAD'),
  uncommittedChanges: (git('status', '--porcelain', '--untracked-files=no') ?? '') !== '',
  officialSdk: await versionOf('@larksuiteoapi/node-sdk'),
  prism: await versionOf('@stoplight/prism-cli'),
  autocannon: await versionOf('autocannon'),
  esbuild: await versionOf('esbuild'),
  openapiFetch: await versionOf('openapi-fetch'),
}
log(`bench: ${machine.cpuModel}, ${machine.cores} cores, ${(machine.memoryBytes / 2 ** 30).toFixed(0)} GiB, Node ${machine.node}, ${machine.os}`)

const results: Record<string, unknown> = {}
const failures: Record<string, string> = {}
async function section<T>(name: Section, body: () => Promise<T>): Promise<T | undefined> {
  if (!only.has(name)) return undefined
  log(`bench: ${name} (${elapsed()})`)
  try {
    const value = await body()
    results[name] = value
    return value
  } catch (error) {
    failures[name] = error instanceof Error ? (error.stack ?? error.message) : String(error)
    log(`bench: ${name} failed: ${failures[name]}`)
    return undefined
  }
}

// --- sections 1-4 share one static server in its own process ---
const ours = await loadOurs(ENTRY)
const lark = await loadLark()
const needsStatic = ['latency', 'cold', 'profile', 'tokens'].some((s) => only.has(s as Section))
const staticServer = needsStatic ? start(process.execPath, [fileURLToPath(new URL('servers/static.ts', import.meta.url))], { pipeStdout: true }) : undefined
const baseUrl = staticServer ? (await readyLine<{ url: string }>(staticServer, 15_000)).url : ''

const latency = await section('latency', async () => ({
  ...(await latencySection({ baseUrl, ours, lark, runs: config.runs, modes: config.modes, timeLimitMs: config.timeLimitMs, log })),
  noNetwork: await cpuSection({ ours, runs: config.runs, calls: config.cpuCalls, log }),
}))
const cold = await section('cold', () => coldSection({ baseUrl, entry: ENTRY, runs: config.coldRuns, log }))
const size = await section('size', async () => ({ ...(await sizeSection({ root: ROOT, entry: ENTRY, log })), client: await measureClientBundles(ENTRY), breakdown: await sizeBreakdown(ROOT) }))
const profile = await section('profile', () => profileSection({ ours, baseUrl, calls: config.profileCalls, allocationCalls: config.allocationCalls, log }))
const tokens = await section('tokens', () => tokenSection({ baseUrl, ours, lark, ns: config.tokenNs, trials: config.tokenTrials, log }))
await staticServer?.stop()

// --- section 5: the sandbox vs Prism ---
const { demo } = await import(join(DIST, 'msw/index.js')) as typeof import('../src/msw/index.ts')
const appCalendar = `/open-apis/calendar/v4/calendars/${encodeURIComponent(demo.calendars.app)}/events`
let pairEvent = 0
const requests: RequestKind[] = [
  {
    name: 'create + unbind (pairs)',
    method: 'POST',
    path: '',
    headers: {},
    // Every answer a success: each pair (autocannon resets a connection's context after its sequence) takes
    // the next event of the pool, creates its meeting chat and unbinds that chat. The pool is far larger
    // than the pairs in flight, so no two share an event. Prism answers its documented examples, also 200.
    sequence: () => {
      const headers = { authorization: `Bearer ${demo.app.tenantAccessToken}` }
      return [
        {
          method: 'POST',
          headers,
          setupRequest: (request, context) => {
            context.event ??= PAIR_EVENTS[pairEvent++ % PAIR_EVENTS.length]
            return { ...request, method: 'POST', headers, path: `${appCalendar}/${String(context.event)}/meeting_chat` }
          },
          onResponse: (_status, body, context) => {
            context.chat = (JSON.parse(body) as { data?: { meeting_chat_id?: string } }).data?.meeting_chat_id
          },
        },
        {
          method: 'DELETE',
          headers,
          setupRequest: (request, context) => ({ ...request, method: 'DELETE', headers, path: `${appCalendar}/${String(context.event)}/meeting_chat?meeting_chat_id=${String(context.chat)}` }),
        },
      ]
    },
  },
  {
    name: 'unbind (DELETE)',
    method: 'DELETE',
    // The app's own standup chat: the first call unbinds it (200), every later one answers 195108 (not bound
    // to this event) after the same checks. Prism answers the documented 200 example every time.
    path: `/open-apis/calendar/v4/calendars/${encodeURIComponent(demo.calendars.app)}/events/${encodeURIComponent(demo.events.appStandup)}/meeting_chat?meeting_chat_id=${demo.chats.appStandup}`,
    headers: { authorization: `Bearer ${demo.app.tenantAccessToken}` },
  },
  {
    name: 'tenant token (POST)',
    method: 'POST',
    path: '/open-apis/auth/v3/tenant_access_token/internal',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ app_id: demo.app.appId, app_secret: demo.app.appSecret }),
  },
]
const servers = await section('servers', () => serversSection({ dist: DIST, requests, runs: config.serverRuns, durationSeconds: config.serverSeconds, warmUpSeconds: config.serverWarmUpSeconds, connections: config.serverConnections, log }))

// --- section 6: bulk runs paced and not (bench/sections/bulk.ts) ---
const bulk = await section('bulk', () => bulkSection({ dist: DIST, ...config.bulk, log }))

// --- the tables ---
const totalSeconds = Math.round((performance.now() - started) / 1000)
const date = new Date()
const out: string[] = []
out.push(`Measured ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine.cpuModel} (${machine.cores} cores), ${(machine.memoryBytes / 2 ** 30).toFixed(0)} GiB, Node ${machine.node}, ${machine.os}; commit ${software.commit?.slice(0, 7) ?? 'unknown'}${software.uncommittedChanges ? ' with uncommitted changes' : ''}; load average ${machine.loadAverage.map((l) => l.toFixed(2)).join(' ')} at the start; official SDK ${software.officialSdk}, Prism ${software.prism}. The run took ${totalSeconds} s${quick ? ' (--quick)' : ''}.`)

if (latency) {
  out.push('', `**Per call**: \`unbindMeetingChat\` against one static loopback server; medians of ${config.runs} runs of ${config.modes.map((m) => `${int(m.calls)} calls (${m.name})`).join(' and ')}; sequentially the calls of the clients that use the global fetch are interleaved one by one in an order shuffled each round and the official SDK has a block of its own, at concurrency 50 each client has a block of its own, the order rotated per run; ratios paired within each run. Client CPU per call: the bench process's CPU time (user and system, all its threads, garbage collection included) over the calls; the server is a process of its own.`, '')
  out.push('| mode | client | p50 latency | p99 latency | calls/s | client CPU per call | latency vs raw fetch | latency vs openapi-fetch alone | throughput vs raw fetch | errors |')
  out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const s of latency.summary) out.push(`| ${s.mode} | ${s.client} | ${ms(s.p50Ms)} | ${ms(s.p99Ms)} | ${int(s.callsPerSecond)} | ${int(s.cpuMicrosPerCall)} µs | ${ratio(s.latencyRatio)} | ${ratio(s.openapiFetchRatio)} | ${ratio(s.throughputRatio)} | ${s.errors} |`)
  out.push('', `**Client work per call, no network**: the same call with \`fetch\` stubbed by a function returning a ready Response; mean of ${int(config.cpuCalls)} sequential calls, median of ${config.runs} runs. (The official SDK sends through axios and takes no fetch: no row.)`, '')
  out.push('| client | µs per call |')
  out.push('| --- | ---: |')
  for (const s of latency.noNetwork) out.push(`| ${s.client} | ${s.microsPerCall.toFixed(1)} |`)
}
if (cold) {
  out.push('', `**Cold start**: a new Node process imports the library, creates a client with app credentials and makes the first unbind (token request + call); medians of ${config.coldRuns}.`, '')
  out.push('| | import | first call | process start to answer | spawn to exit |')
  out.push('| --- | ---: | ---: | ---: | ---: |')
  for (const s of cold.summary) {
    const calls = s.variant !== 'empty'
    out.push(`| ${COLD_LABELS[s.variant]} | ${s.variant === 'raw' ? '—' : ms(s.importMs)} | ${calls ? ms(s.firstCallMs) : '—'} | ${calls ? ms(s.totalMs) : '—'} | ${ms(s.wallMs)} |`)
  }
}
if (size) {
  out.push('', '**Size**: esbuild bundle, minified, gzip level 9, everything in one file (this package loads nothing on demand).', '')
  out.push('| bundle | platform | min | min+gzip |')
  out.push('| --- | --- | ---: | ---: |')
  for (const b of size.client) out.push(`| this package: ${b.name} (npm run size) | browser | ${bytes(b.min)} | ${bytes(b.gzip)} |`)
  for (const b of size.bundles) out.push(`| ${b.what} | ${b.platform} | ${b.ok ? bytes(b.minBytes ?? NaN) : `fails: ${b.errors} errors (${(b.firstError ?? '').replace(/\|/g, '\\|')})`} | ${b.ok ? bytes(b.gzipBytes ?? NaN) : '—'} |`)
  out.push(`| official SDK installed in node_modules (with its ${size.sdkInstalled.packages.length - 1} dependencies) | — | ${bytes(size.sdkInstalled.bytes)} on disk | — |`)
  const total = size.breakdown.reduce((n, r) => n + r.minBytes, 0)
  out.push('', `**Where the bytes go**: the whole client, built from src/ and minified, module by module (bytes before gzip, which does not split by module; ${bytes(total)} in all). \`npm run size -- --breakdown\` prints the same.`, '')
  out.push('| module | min | share |')
  out.push('| --- | ---: | ---: |')
  for (const r of size.breakdown.filter((r) => r.minBytes >= 500)) out.push(`| ${r.module} | ${bytes(r.minBytes)} | ${((r.minBytes / total) * 100).toFixed(1)}% |`)
  const rest = size.breakdown.filter((r) => r.minBytes < 500)
  if (rest.length) out.push(`| ${rest.length} smaller modules | ${bytes(rest.reduce((n, r) => n + r.minBytes, 0))} | ${((rest.reduce((n, r) => n + r.minBytes, 0) / total) * 100).toFixed(1)}% |`)
}
if (tokens) {
  out.push('', `**Token sharing**: N concurrent first calls on a new client with app credentials and an empty cache; token requests the server received (${config.tokenTrials} trial${config.tokenTrials > 1 ? 's' : ''} each, all shown).`, '')
  out.push('| N | this package | official SDK |')
  out.push('| ---: | ---: | ---: |')
  for (const n of config.tokenNs) {
    const cell = (client: string) => {
      const ts = tokens.filter((t) => t.n === n && t.client === client)
      const failed = ts.reduce((k, t) => k + t.failed, 0)
      return `${[...new Set(ts.map((t) => t.tokenRequests))].join(', ')}${failed ? ` (${failed} calls failed)` : ''}`
    }
    out.push(`| ${n} | ${cell('this package')} | ${cell('official SDK')} |`)
  }
}
if (servers) {
  out.push('', `**Mock servers**: requests per second with autocannon (in the bench's process), ${config.serverConnections} connections, medians of ${config.serverRuns} runs of ${config.serverSeconds} s after ${config.serverWarmUpSeconds} s of untimed load on each server; server CPU per request: the server process's user and system time over the run (from /proc) over the requests it answered; the sandbox is \`feishu-meeting-chat sandbox\` (the package's CLI, built from this commit) with the demo seed, its app's rate limits raised; Prism ${servers.prism.version ?? ''} is \`prism mock\` of openapi/openapi.yaml with per-request logging off; the node:http floor answers every request with one fixed body (bench/servers/floor.ts), the most any server here can do. \`create + unbind (pairs)\`: each pair creates the meeting chat of a chat-less event of the bench seed and unbinds it, so every sandbox answer is a success.`, '')
  if (!servers.prism.started) out.push(`Prism did not start: ${servers.prism.error ?? 'unknown error'}`, '')
  out.push("| request | server | requests/s | p50 latency | p99 latency | server CPU per request | requests/s vs Prism | CPU per request, Prism's over this one's | answers (status: count) |")
  out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
  for (const s of servers.summary) out.push(`| ${s.request} | ${s.server} | ${int(s.requestsPerSecond ?? NaN)} | ${s.p50Ms ?? 'n/a'} ms | ${s.p99Ms ?? 'n/a'} ms | ${s.cpuMicrosPerRequest === null ? 'n/a' : `${s.cpuMicrosPerRequest} µs`} | ${s.ratioToPrism === null ? 'n/a' : ratio(s.ratioToPrism)} | ${s.cpuRatioToPrism === null ? 'n/a' : ratio(s.cpuRatioToPrism)} | ${Object.entries(s.statusCodes).map(([c, n]) => `${c}: ${int(n)}`).join(', ')} |`)
}

if (profile) {
  out.push('', `**Where the time goes**: V8's sampling profiler over ${int(profile.calls)} sequential \`unbindMeetingChat\` calls with fetch stubbed (${ms(profile.sampledMs)} sampled); the top functions by self time.`, '')
  out.push('| function | where | self time | share |')
  out.push('| --- | --- | ---: | ---: |')
  for (const t of profile.top) out.push(`| \`${t.fn}\` | ${t.where || '—'} | ${ms(t.selfMs)} | ${(t.share * 100).toFixed(1)}% |`)
  out.push('', `**Memory**: heap held by an idle client (no auth, fetch stubbed): ${bytes(profile.idleClientBytes)}; by each in-flight call (fetch pending): ${bytes(profile.inFlightCallBytes)}; from heapUsed after forced collections, over 5,000 of each, before the profile runs. Allocated per loopback call (V8's sampling heap profiler, every object counted whether collected or not, ${int(config.allocationCalls)} sequential calls on the static server): ${profile.allocatedPerCall.map((a) => `${a.client} ${bytes(a.bytes)}`).join(', ')}.`)
}

if (bulk) out.push(...bulkTable(bulk))

// --- targets: stated, reported, never asserted ---
const targets: { target: string; result: string; met: boolean | null }[] = []
if (latency) {
  const worst = Math.max(...latency.summary.filter((s) => s.client === 'this package').map((s) => s.latencyRatio))
  const worstMode = latency.summary.find((s) => s.client === 'this package' && s.latencyRatio === worst)?.mode
  const floorOf = (client: ClientName) => latency.summary.find((s) => s.client === client && s.mode === worstMode)?.latencyRatio ?? NaN
  // What this package is built on sits between raw fetch and it: when that alone is over 1.10x, so is any client on it.
  targets.push({ target: 'median overhead over raw fetch within 10%', result: `p50 latency ${ratio(worst)} raw fetch's in the worse mode (${worstMode}); the floor in that mode: openapi-fetch alone ${ratio(floorOf('openapi-fetch alone'))}, openapi-fetch with a timeout-only fetch ${ratio(floorOf('openapi-fetch + timeout'))}`, met: worst <= 1.1 })
  const faster = config.modes.every((m) => {
    const of = (c: string) => latency.summary.find((s) => s.mode === m.name && s.client === c)?.p50Ms ?? NaN
    return of('this package') < of('official SDK')
  })
  targets.push({ target: 'faster than the official SDK (per call)', result: config.modes.map((m) => { const of = (c: string) => latency.summary.find((s) => s.mode === m.name && s.client === c)?.p50Ms ?? NaN; return `${m.name}: ${ratio(of('official SDK') / of('this package'))} faster` }).join('; '), met: faster })
}
if (cold) {
  const of = (v: string) => cold.summary.find((s) => s.variant === v)?.totalMs ?? NaN
  targets.push({ target: 'faster than the official SDK (cold start)', result: `${ms(of('ours'))} vs ${ms(of('sdk'))}`, met: of('ours') < of('sdk') })
}
if (tokens) {
  const ourCounts = tokens.filter((t) => t.client === 'this package')
  targets.push({ target: 'exactly one token request for any N', result: `this package: ${[...new Set(ourCounts.map((t) => t.tokenRequests))].join(', ')} for N = ${config.tokenNs.join(', ')}`, met: ourCounts.every((t) => t.tokenRequests === 1 && t.failed === 0) })
}
if (servers) {
  const pairs = servers.summary.find((s) => s.server === 'sandbox' && s.request === 'create + unbind (pairs)')
  const floorPairs = servers.summary.find((s) => s.server === 'node:http floor' && s.request === 'create + unbind (pairs)')
  const successOnly = pairs !== undefined && Object.keys(pairs.statusCodes).every((code) => code === '200')
  targets.push({
    target: 'sandbox requests/s 5× Prism or more, on success answers',
    result: pairs?.ratioToPrism == null ? 'Prism did not run' : `${ratio(pairs.ratioToPrism)} (create + unbind pairs, p50 ${pairs.p50Ms} ms, p99 ${pairs.p99Ms} ms${successOnly ? ', every answer 200' : ', NOT all answers 200'}; in CPU per request ${pairs.cpuRatioToPrism === null ? 'n/a' : ratio(pairs.cpuRatioToPrism)}); the floor, bare node:http with a fixed answer: ${ratio(floorPairs?.ratioToPrism ?? NaN)} (in CPU per request ${floorPairs?.cpuRatioToPrism == null ? 'n/a' : ratio(floorPairs.cpuRatioToPrism)})`,
    met: pairs?.ratioToPrism == null ? null : successOnly && pairs.ratioToPrism >= 5,
  })
}
// The client's budgets, each against the floor it is stated on.
if (latency) {
  const ours = latency.summary.filter((s) => s.client === 'this package')
  const worst = Math.max(...ours.map((s) => s.openapiFetchRatio))
  const timed = latency.summary.filter((s) => s.client === 'openapi-fetch + timeout')
  targets.push({
    target: 'p50 per call vs openapi-fetch alone <= 1.10x, both modes',
    result: `${ours.map((s) => `${s.mode}: ${ratio(s.openapiFetchRatio)}`).join('; ')}; the floor, openapi-fetch with a timeout-only fetch: ${timed.map((s) => `${s.mode}: ${ratio(s.openapiFetchRatio)}`).join('; ')}; the floor of one path that judges the answer below openapi-fetch (a timeout, the body read, parsed and handed on as a new Response): ${latency.summary.filter((s) => s.client === 'openapi-fetch + judge').map((s) => `${s.mode}: ${ratio(s.openapiFetchRatio)}`).join('; ')}; this package over that floor, paired per run: ${ours.map((s) => `${s.mode}: ${ratio(s.timeoutFloorRatio)}`).join('; ')}; client CPU per call, this package vs that floor: ${ours.map((s) => `${s.mode}: ${int(s.cpuMicrosPerCall)} vs ${int(timed.find((t) => t.mode === s.mode)?.cpuMicrosPerCall ?? NaN)} µs`).join('; ')}`,
    met: worst <= 1.1,
  })
  const cpu = (c: string) => latency.noNetwork.find((s) => s.client === c)?.microsPerCall ?? NaN
  targets.push({
    target: 'client CPU work per call <= openapi-fetch alone + 15 µs',
    result: `${cpu('this package').toFixed(1)} µs vs ${cpu('openapi-fetch alone').toFixed(1)} + 15 µs (openapi-fetch with a timeout-only fetch: ${cpu('openapi-fetch + timeout').toFixed(1)} µs; with a fetch that also judges the answer: ${cpu('openapi-fetch + judge').toFixed(1)} µs)`,
    met: cpu('this package') <= cpu('openapi-fetch alone') + 15,
  })
}
if (size) {
  const whole = size.client.find((b) => b.budget !== null)
  if (whole) targets.push({ target: `the whole client in one file, min+gzip <= ${bytes(whole.budget ?? NaN)}`, result: `${bytes(whole.gzip)} (openapi-fetch and the spec's hints included; where it goes: the table above)`, met: whole.gzip <= (whole.budget ?? 0) })
}
if (cold) {
  const imp = (v: string) => cold.summary.find((s) => s.variant === v)?.importMs ?? NaN
  targets.push({ target: 'import time <= 10 ms', result: `${ms(imp('ours'))} (the floor: an empty module ${ms(imp('empty'))}, openapi-fetch alone ${ms(imp('openapi-fetch'))})`, met: imp('ours') <= 10 })
}
if (bulk) targets.push(bulkTarget(bulk))
// The README's headline: a few rows of the tables above, with nothing of the machine or the commit.
const headline: string[] = []
if (latency && size && cold && !quick) {
  const p50 = (mode: string, client: string) => latency.summary.find((r) => r.mode === mode && r.client === client)?.p50Ms ?? NaN
  const cpu = (client: string) => latency.noNetwork.find((r) => r.client === client)?.microsPerCall ?? NaN
  const start = (variant: string) => cold.summary.find((r) => r.variant === variant)?.totalMs ?? NaN
  const whole = size.client.find((b) => b.budget !== null)
  headline.push('| | this package | openapi-fetch alone | official SDK |', '| --- | ---: | ---: | ---: |')
  for (const m of config.modes) headline.push(`| p50 per call, ${m.name} | ${ms(p50(m.name, 'this package'))} | ${ms(p50(m.name, 'openapi-fetch alone'))} | ${ms(p50(m.name, 'official SDK'))} |`)
  headline.push(`| client work per call, fetch stubbed | ${cpu('this package').toFixed(1)} µs | ${cpu('openapi-fetch alone').toFixed(1)} µs | — |`)
  headline.push(`| process start to first answer | ${ms(start('ours'))} | ${ms(start('openapi-fetch'))} | ${ms(start('sdk'))} |`)
  headline.push(`| the whole client in a browser bundle, min+gzip | ${bytes(whole?.gzip ?? NaN)} | — | does not bundle |`)
}
if (targets.length) {
  out.push('', '**Targets** (stated in bench/README.md, not asserted):', '')
  out.push('| target | result | met |')
  out.push('| --- | --- | --- |')
  for (const t of targets) out.push(`| ${t.target} | ${t.result} | ${t.met === null ? '—' : t.met ? 'yes' : '**no**'} |`)
}
for (const [name, error] of Object.entries(failures)) out.push('', `Section ${name} failed: ${error.split('\n')[0]}`)

const table = out.join('\n')
console.log(table)

if (!quick) {
  const report = { date: date.toISOString(), durationSeconds: totalSeconds, machine, software, config, targets, failures, results, table }
  const dir = join(ROOT, 'bench/results')
  await mkdir(dir, { recursive: true })
  const stamp = date.toISOString().replace(/[:.]/g, '-')
  const text = `${JSON.stringify(report, null, 2)}\n`
  await writeFile(join(dir, `${stamp}.json`), text)
  await writeFile(join(dir, 'latest.json'), text)
  // The latest tables between their markers in bench/README.md; the headline (no machine, no commit) in the README.
  const write = async (file: string, marker: string, text: string) => {
    const marked = new RegExp(`(<!-- ${marker} -->\\n)[\\s\\S]*?(<!-- /${marker} -->)`)
    const path = join(ROOT, file)
    const readme = await readFile(path, 'utf8')
    if (marked.test(readme)) await writeFile(path, readme.replace(marked, (_, open: string, close: string) => `${open}${text}\n${close}`))
  }
  await write('bench/README.md', 'bench:table', table)
  if (headline.length) await write('README.md', 'bench:headline', headline.join('\n'))
  log(`bench: wrote bench/results/${stamp}.json, bench/results/latest.json, the tables in bench/README.md and the headline in README.md (${elapsed()})`)
}
process.exitCode = Object.keys(failures).length ? 1 : 0
