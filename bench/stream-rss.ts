// Peak memory (max RSS) of `feishu-meeting-chat unbind --from FILE` as the file grows: the built CLI on files of
// 100,000 and 1,000,000 lines, read whole and nothing sent (--strict, the last line bad), resumed from a journal that
// records every item done (the file read three times, the journal of two lines an item once, nothing sent; the last
// line is bad, hence exit 2), and a run that sends 10,000 items to the sandbox. Each run's peak is what the kernel
// reports for the process (process.resourceUsage().maxRSS, printed at exit by a preloaded hook), with V8's default
// heap (which lets garbage pile up before it collects) and with a 48 MB old space (what the run keeps alive).
//
//   npm run build && node bench/stream-rss.ts            (about three minutes on the project's 2-core machine)
import { spawn } from 'node:child_process'
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startSandbox } from '../dist/sandbox/server.js'

const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url))
const HOOK = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxrss '+process.resourceUsage().maxRSS+'\\n'))`
const APP = { appId: 'cli_bench_stream', appSecret: 'bench-stream-secret' }
const CALENDAR = 'feishu.cn_stream@group.calendar.feishu.cn'
const chat = (i: number) => `oc_${i.toString(16).padStart(32, '0')}`
const dir = mkdtempSync(join(tmpdir(), 'fmc-stream-rss-'))

/** Writes `lines` lines through a stream (the bench itself holds none of them). */
async function write(file: string, lines: number, line: (i: number) => string): Promise<number> {
  const out = createWriteStream(file)
  for (let i = 0; i < lines; i++) {
    if (!out.write(line(i))) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  await new Promise<void>((resolve) => out.end(resolve))
  return statSync(file).size
}

const item = (i: number) => ({ calendar_id: CALENDAR, event_id: `stream-${i}_0`, meeting_chat_id: chat(i) })
const jsonlLine = (i: number) => `${JSON.stringify(item(i))}\n`
const ids = (i: number) => ({ calendarId: CALENDAR, eventId: `stream-${i}_0`, meetingChatId: chat(i) })
const journalLines = (i: number) => `${JSON.stringify({ at: 'start', ...ids(i) })}\n${JSON.stringify({ at: 'end', ...ids(i), ok: true, final: true })}\n`

/** `heap`: V8's old-space limit in MB, which makes the collector run before the heap grows past it (live data only). */
function cli(args: string[], env: Record<string, string>, heap?: number): Promise<{ code: number | null; maxRssMb: number; seconds: number; stdout: string }> {
  const started = performance.now()
  const child = spawn(process.execPath, [...(heap ? [`--max-old-space-size=${heap}`] : []), '--import', HOOK, BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout = (stdout + d.toString()).slice(-4096) })
  child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4096) })
  return new Promise((resolve) => child.once('close', (code) => {
    const kb = Number(/maxrss (\d+)/.exec(stderr)?.[1] ?? NaN)
    resolve({ code, maxRssMb: Math.round(kb / 1024), seconds: (performance.now() - started) / 1000, stdout })
  }))
}

const rows: string[] = []
const env = { FEISHU_DOMAIN: 'http://127.0.0.1:9', FEISHU_APP_ID: APP.appId, FEISHU_APP_SECRET: APP.appSecret }
/** The same run with V8's default heap and with a 48 MB old space: "peak / peak with a 48 MB heap". */
async function both(args: string[], environment: Record<string, string>) {
  const free = await cli(args, environment)
  const capped = await cli(args, environment, 48)
  return { ...free, rss: `${free.maxRssMb} MB / ${capped.code === free.code ? `${capped.maxRssMb} MB` : `failed (exit ${capped.code})`}` }
}
const help = await cli(['--help'], env)
rows.push(`| \`--help\` (the CLI loaded, nothing read) | ${help.maxRssMb} MB | ${help.seconds.toFixed(1)} s | exit ${help.code} |`)
for (const lines of [100_000, 1_000_000]) {
  const file = join(dir, `items-${lines}.jsonl`)
  // The last line is bad: --strict reads the file (twice) and sends nothing.
  const bytes = await write(file, lines + 1, (i) => (i === lines ? '{"calendar_id": "bad"}\n' : jsonlLine(i)))
  const strict = await both(['unbind', '--from', file, '--strict', '--json'], env)
  rows.push(`| ${lines.toLocaleString('en')} lines (${(bytes / 1e6).toFixed(0)} MB), \`--strict\`, nothing sent | ${strict.rss} | ${strict.seconds.toFixed(1)} s | exit ${strict.code} |`)
  const journal = join(dir, `journal-${lines}.jsonl`)
  const journalBytes = await write(journal, lines, journalLines)
  const resumed = await both(['unbind', '--from', file, '--journal', journal, '--json'], env)
  const summary = JSON.parse(resumed.stdout.trim().split('\n').at(-1) ?? '{}') as { skippedFromJournal?: number }
  rows.push(`| ${lines.toLocaleString('en')} lines, resumed from a journal of ${(2 * lines).toLocaleString('en')} lines (${(journalBytes / 1e6).toFixed(0)} MB), every item done | ${resumed.rss} | ${resumed.seconds.toFixed(1)} s | ${summary.skippedFromJournal?.toLocaleString('en')} skipped, exit ${resumed.code} |`)
  rmSync(journal)
  rmSync(file)
}

// A run that sends: 10,000 items to the sandbox at roomy limits.
const sent = 10_000
const sandbox = await startSandbox({
  port: 0,
  seed: {
    tenants: [{ tenantKey: 'stream' }],
    apps: [{ ...APP, tenants: ['stream'], rateLimit: { perOperation: { perSecond: 100_000, perMinute: 6_000_000 } } }],
    calendars: [{ calendarId: CALENDAR, owner: { appId: APP.appId } }],
    events: Array.from({ length: sent }, (_, i) => ({ calendarId: CALENDAR, eventId: `stream-${i}_0` })),
    chats: Array.from({ length: sent }, (_, i) => ({ chatId: chat(i), owner: { appId: APP.appId }, boundTo: { calendarId: CALENDAR, eventId: `stream-${i}_0` } })),
  },
})
const file = join(dir, 'sent.jsonl')
await write(file, sent, jsonlLine)
const run = await both(['unbind', '--from', file, '--json', '--concurrency', '20', '--per-second', '100000', '--per-minute', '6000000', '--journal', join(dir, 'sent.journal')], { ...env, FEISHU_DOMAIN: sandbox.url })
await sandbox.close()
const done = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { succeeded?: number }
rows.push(`| ${sent.toLocaleString('en')} lines sent to the sandbox, with a journal | ${run.rss} | ${run.seconds.toFixed(1)} s | ${done.succeeded?.toLocaleString('en')} unbound, exit ${run.code} |`)
rmSync(dir, { recursive: true, force: true })

console.log(`| run of \`unbind --from\` (built CLI, Node ${process.versions.node}) | peak RSS: V8's default heap / a 48 MB old space | wall time (default heap) | outcome |`)
console.log('| --- | --- | --- | --- |')
for (const row of rows) console.log(row)
