// The CLI's budget and fleet flags: --per-second / --per-minute set the operation's budget (an app with a smaller
// quota than the documented 50/s gets no 429 with the flag, and 429s without it); --redis (or REDIS_URL) must be a
// redis URL; misuses are usage errors naming the fix.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { run } from '../../src/cli/main.js'
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js'
import { APP, bulkItems, bulkSeed } from '../bulk/support.js'
import { cli, requireBuild } from '../sandbox/support.js'

beforeAll(() => requireBuild())

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.close()
  sandbox = undefined
})

const env = (url: string) => ({ FEISHU_DOMAIN: url, FEISHU_APP_ID: APP.appId, FEISHU_APP_SECRET: APP.appSecret })

async function inProcess(argv: string[], environment: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  const code = await run(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: { FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: 'secret-x', ...environment } })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('--per-second and --per-minute', () => {
  it('an app whose quota is 5/s: with --per-second 5 no call is refused; with the documented 50/s the platform refuses some', async () => {
    const count = 12
    const file = join(mkdtempSync(join(tmpdir(), 'fmc-flags-')), 'items.jsonl')
    writeFileSync(file, bulkItems(count).map((it) => JSON.stringify({ calendar_id: it.calendarId, event_id: it.eventId, meeting_chat_id: it.meetingChatId })).join('\n'))
    const refusals = (s: Sandbox) => s.fake.calls.filter((c) => c.operationId === 'unbindMeetingChat' && c.status === 429).length

    sandbox = await startSandbox({ port: 0, seed: bulkSeed(count, { perSecond: 5, perMinute: 60_000 }) })
    const paced = await cli(['unbind', '--from', file, '--json', '--per-second', '5'], env(sandbox.url))
    expect(JSON.parse(paced.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({ succeeded: count, failed: 0 })
    expect(refusals(sandbox)).toBe(0)
    await sandbox.close()

    sandbox = await startSandbox({ port: 0, seed: bulkSeed(count, { perSecond: 5, perMinute: 60_000 }) })
    await cli(['unbind', '--from', file, '--json', '--no-retry'], env(sandbox.url))
    expect(refusals(sandbox)).toBeGreaterThan(0)
  }, 30_000)

  it.each([
    [['unbind', '--from', 'x.jsonl', '--per-second', '0'], '--per-second must be a whole number of calls from 1 up; got "0".'],
    [['unbind', '--from', 'x.jsonl', '--per-minute', '1.5'], '--per-minute must be a whole number of calls from 1 up; got "1.5".'],
    [['unbind', '--from', 'x.jsonl', '--per-second', 'fast'], '--per-second must be a whole number of calls from 1 up; got "fast".'],
    [['unbind', '--from', 'x.jsonl', '--redis', 'localhost:6379'], '--redis (or REDIS_URL) must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379; got a localhost: URL.'],
    [['create', '--calendar-id', 'c', '--event-id', 'e', '--redis', 'http://x'], '--redis (or REDIS_URL) must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379; got a http: URL.'],
    [['token', '--redis', 'redis://127.0.0.1:6379'], '--redis applies to unbind and create, not token.'],
    [['sandbox', '--per-second', '5'], '--per-second applies to unbind and create, not sandbox.'],
  ])('%j is a usage error: %s', async (argv, message) => {
    const { code, err } = await inProcess(argv)
    expect(code).toBe(2)
    expect(err).toBe(`✘ ${message}`)
  })

  it('REDIS_URL is checked as --redis is, and never printed with its password', async () => {
    const { code, err } = await inProcess(['unbind', '--from', 'x.jsonl'], { REDIS_URL: 'not a url :pass@' })
    expect(code).toBe(2)
    expect(err).toBe('✘ --redis (or REDIS_URL) must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379.')
  })

  it('the help names the flags and their defaults', async () => {
    const { out } = await inProcess(['--help'])
    expect(out).toMatch(/--per-second N .*documented one/s)
    expect(out).toMatch(/--redis URL .*\$REDIS_URL/s)
  })
})
