// A fleet of CLIs: three `feishu-meeting-chat unbind --from FILE --redis URL` processes started at once against one
// sandbox at low limits share one tenant token (counted at the sandbox: 1 request) and one budget (0 x 429), each item
// unbound once; the same with their clocks skewed by Debian's faketime (-0.4 s, 0, +0.4 s), the windows being
// counted on Redis's clock; and with Redis stopped mid-run and started again: nothing lost, nothing done twice, the
// fallback said once by each process. Counts only, no timings.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Seed } from '../../src/fake/seed.js'
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js'
import { APP, bulkItems, bulkSeed, type BulkItem } from '../bulk/support.js'
import { BIN, requireBuild } from '../sandbox/support.js'
import { hasRedisServer, startRedisServer, type RedisServer } from './redis-server.js'

const hasFaketime = spawnSync('faketime', ['-f', '+0s', 'true']).status === 0
// CI installs redis-server and faketime (.ci/run); elsewhere these tests say why they do not run.
const run = (hasRedisServer && hasFaketime) || process.env.CI ? describe : describe.skip
if (!(hasRedisServer && hasFaketime) && !process.env.CI) console.warn('test/fleet/cli-fleet: redis-server or faketime is not installed (apt-get install -y redis-server faketime); skipping.')

const ITEMS = 60
const PER_PROCESS = ITEMS / 3

let redis: RedisServer | undefined
let sandbox: Sandbox | undefined
beforeAll(async () => {
  if (!(hasRedisServer && hasFaketime) && !process.env.CI) return
  requireBuild()
  redis = await startRedisServer()
}, 20_000)
afterEach(async () => {
  await sandbox?.close()
  sandbox = undefined
})
afterAll(async () => {
  await redis?.stop()
})

/** The bulk scenario with the app's limits per second (per operation and across operations) at `perSecond`. */
function seed(perSecond: number): Seed {
  const base = bulkSeed(ITEMS, { perSecond, perMinute: 60_000 })
  return { ...base, apps: (base.apps ?? []).map((app) => ({ ...app, rateLimit: { perOperation: { perSecond, perMinute: 60_000 }, perApp: { perSecond, perMinute: 60_000 } } })) }
}

interface Process {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** One CLI of the fleet on its share of the items; `offset`: its clock, through faketime (e.g. "-0.4s"). */
function unbind(url: string, items: readonly BulkItem[], args: readonly string[], offset: string | undefined): Promise<Process> {
  const file = join(mkdtempSync(join(tmpdir(), 'fmc-fleet-')), 'items.jsonl')
  writeFileSync(file, items.map((it) => JSON.stringify({ calendar_id: it.calendarId, event_id: it.eventId, meeting_chat_id: it.meetingChatId })).join('\n'))
  const argv = [BIN, 'unbind', '--from', file, '--json', ...args]
  const [command, ...rest] = offset === undefined ? [process.execPath, ...argv] : ['faketime', '-f', offset, process.execPath, ...argv]
  const child = spawn(command!, rest, { env: { PATH: process.env.PATH ?? '', FEISHU_DOMAIN: url, FEISHU_APP_ID: APP.appId, FEISHU_APP_SECRET: APP.appSecret } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const killer = setTimeout(() => child.kill('SIGKILL'), 40_000)
  return new Promise((resolve) => child.once('close', (code) => {
    clearTimeout(killer)
    resolve({ code, stdout, stderr })
  }))
}

/** Three at once, each on a third of the items. */
function fleet(url: string, args: readonly string[], offsets: readonly (string | undefined)[] = [undefined, undefined, undefined]): Promise<Process[]> {
  const items = bulkItems(ITEMS)
  return Promise.all(offsets.map((offset, i) => unbind(url, items.slice(i * PER_PROCESS, (i + 1) * PER_PROCESS), args, offset)))
}

const calls = (s: Sandbox, operationId: string) => s.fake.calls.filter((c) => c.operationId === operationId)
const summary = (p: Process) => JSON.parse(p.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>

/** Successful unbinds the sandbox answered, per chat id: each item's count. */
function unbindsPerChat(s: Sandbox): number[] {
  const out = new Map<string, number>()
  for (const c of calls(s, 'unbindMeetingChat')) {
    if (c.status !== 200) continue
    const chat = new URL(c.url).searchParams.get('meeting_chat_id') ?? ''
    out.set(chat, (out.get(chat) ?? 0) + 1)
  }
  return bulkItems(ITEMS).map((it) => out.get(it.meetingChatId) ?? 0)
}

run('three CLIs with --redis against one sandbox at low limits', () => {
  const limits = ['--per-second', '20']

  it('started at once: 1 token request in total, 0 x 429, every item unbound exactly once', async () => {
    sandbox = await startSandbox({ port: 0, seed: seed(20) })
    const processes = await fleet(sandbox.url, ['--redis', `redis://127.0.0.1:${redis!.port}/0`, ...limits, '--concurrency', '5'])
    for (const p of processes) {
      expect(p.code, `${p.stderr}${p.stdout.split('\n').filter((l) => l.includes('"ok":false')).join('\n')}`).toBe(0)
      expect(summary(p)).toMatchObject({ succeeded: PER_PROCESS, failed: 0 })
      expect(p.stderr).toBe('')
    }
    expect(calls(sandbox, 'getTenantAccessTokenInternal')).toHaveLength(1)
    expect(calls(sandbox, 'unbindMeetingChat').filter((c) => c.status === 429)).toHaveLength(0)
    expect(unbindsPerChat(sandbox)).toEqual(Array(ITEMS).fill(1))
  }, 60_000)

  it('with clocks skewed by -0.4 s, 0 and +0.4 s (faketime): the windows are Redis\'s, 0 x 429, 1 token request', async () => {
    sandbox = await startSandbox({ port: 0, seed: seed(20) })
    // Another Redis database: nothing left by the run before.
    const processes = await fleet(sandbox.url, ['--redis', `redis://127.0.0.1:${redis!.port}/1`, ...limits, '--concurrency', '5'], ['-0.4s', '+0s', '+0.4s'])
    for (const p of processes) {
      expect(p.code, `${p.stderr}${p.stdout.split('\n').filter((l) => l.includes('"ok":false')).join('\n')}`).toBe(0)
      expect(summary(p)).toMatchObject({ succeeded: PER_PROCESS, failed: 0 })
    }
    expect(calls(sandbox, 'getTenantAccessTokenInternal')).toHaveLength(1)
    expect(calls(sandbox, 'unbindMeetingChat').filter((c) => c.status === 429)).toHaveLength(0)
    expect(unbindsPerChat(sandbox)).toEqual(Array(ITEMS).fill(1))
  }, 60_000)

  it('Redis stopped mid-run and started again: nothing lost, nothing done twice, the fallback said once by each process', async () => {
    // Room for three processes pacing alone (3 x 18/s) and for the unbinds the gate held, let go at once: the fallback
    // overruns nothing.
    sandbox = await startSandbox({ port: 0, seed: seed(100) })
    const own = await startRedisServer()
    const s = sandbox
    // The unbinds wait at the sandbox until every process has sent one (so each holds the token, and each is mid-run
    // when Redis stops); the answers the sandbox gave are counted here.
    const chats = bulkItems(ITEMS).map((it) => it.meetingChatId)
    const chatOf = (url: string) => new URL(url, 'http://x').searchParams.get('meeting_chat_id') ?? ''
    const senders = new Set<number>()
    const answered: { chat: string; status: number }[] = []
    let open = () => {}
    const gate = new Promise<void>((resolve) => { open = resolve })
    // A loopback proxy in front of the sandbox that holds the unbinds until the gate opens.
    const proxy = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        void (async () => {
          const unbind = req.method === 'DELETE'
          if (unbind) {
            senders.add(Math.floor(chats.indexOf(chatOf(req.url ?? '')) / PER_PROCESS))
            await gate
          }
          const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && k !== 'host' && k !== 'content-length')) as Record<string, string>
          const answer = await fetch(`${s.url}${req.url ?? ''}`, { method: req.method ?? 'GET', headers, ...(chunks.length > 0 && { body: Buffer.concat(chunks) }) })
          if (unbind) answered.push({ chat: chatOf(req.url ?? ''), status: answer.status })
          res.writeHead(answer.status, Object.fromEntries(answer.headers))
          res.end(Buffer.from(await answer.arrayBuffer()))
        })()
      })
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    const address = proxy.address()
    const proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 3_000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const running = fleet(proxyUrl, ['--redis', `redis://127.0.0.1:${own.port}`, ...limits, '--concurrency', '5'])
    await until(() => senders.size === 3)
    await own.stop()
    open()
    await until(() => answered.length >= ITEMS / 2)
    const again = await startRedisServer([], own.port)
    const processes = await running
    await again.stop()
    proxy.close()

    expect(senders.size).toBe(3)
    for (const p of processes) {
      expect(p.code, `${p.stderr}${p.stdout.split('\n').filter((l) => l.includes('"ok":false')).join('\n')}`).toBe(0)
      expect(summary(p)).toMatchObject({ succeeded: PER_PROCESS, failed: 0 })
      // Each process was mid-run: it says the fallback once, and the recovery at most once (it may end first).
      expect(p.stderr.match(/⚠ Redis at redis:\/\/127\.0\.0\.1:\d+ failed \(.+\): this process goes on alone/g)).toHaveLength(1)
      expect(p.stderr.match(/answers again/g)?.length ?? 0).toBeLessThanOrEqual(1)
    }
    const done = new Map<string, number>()
    for (const a of answered) if (a.status === 200) done.set(a.chat, (done.get(a.chat) ?? 0) + 1)
    expect(chats.map((c) => done.get(c) ?? 0)).toEqual(Array(ITEMS).fill(1))
    expect(answered.filter((a) => a.status === 429)).toHaveLength(0)
    // Each process held the token when Redis stopped: it went on with it, and shared it again after (not a new one).
    expect(calls(s, 'getTenantAccessTokenInternal')).toHaveLength(1)
  }, 60_000)
})
