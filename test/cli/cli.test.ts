import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demo } from '../../src/msw/index.ts'
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts'
import { EXIT } from '../../src/cli/main.ts'
import { BIN, cli, requireBuild } from '../sandbox/support.ts'

requireBuild()

// The CLI runs as a real process; the sandbox it talks to runs in this process, on loopback.
let sandbox: Sandbox
let appEnv: Record<string, string>
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 })
  appEnv = { FEISHU_DOMAIN: sandbox.url, FEISHU_APP_ID: demo.app.appId, FEISHU_APP_SECRET: demo.app.appSecret }
})
afterAll(() => sandbox.close())

const alice = () => ({ FEISHU_DOMAIN: sandbox.url, FEISHU_USER_ACCESS_TOKEN: demo.users.alice.userAccessToken })
const chatArgs = (chat: string, calendar: string = demo.calendars.alice, event: string = demo.events.weeklySync) =>
  ['--calendar-id', calendar, '--event-id', event, '--chat-id', chat]

describe('unbind and create', () => {
  it('creates a meeting chat, unbinds it, and a second unbind is refused with the hint and log id', async () => {
    const created = await cli(['create', '--calendar-id', demo.calendars.alice, '--event-id', demo.events.planning], alice())
    expect(created.code).toBe(0)
    const chatId = /Created meeting chat (oc_[0-9a-f]{32})/.exec(created.stdout)?.[1]
    expect(chatId).toBeDefined()
    expect(created.stdout).toMatch(/applink: https:\/\/applink\.feishu\.cn\/client\/chat\/open\?openChatId=oc_/)

    const unbound = await cli(['unbind', ...chatArgs(chatId ?? '', demo.calendars.alice, demo.events.planning)], alice())
    expect(unbound.code).toBe(0)
    expect(unbound.stdout).toMatch(/✔ Unbound meeting chat oc_\w+ from event demo-planning_0 \(log id \w+\)/)

    const refused = await cli(['unbind', ...chatArgs(chatId ?? '', demo.calendars.alice, demo.events.planning)], alice())
    expect(refused.code).toBe(6)
    expect(refused.stderr).toContain('✘ Refused: 195108 chat not match with event (HTTP 400)')
    expect(refused.stderr).toMatch(/hint: The chat id does not match the event/)
    expect(refused.stderr).toMatch(/提示: 传入的群 ID 和日程不匹配/)
    expect(refused.stderr).toMatch(/log id: \w{10,}/)
  })

  it('prints one JSON object with --json', async () => {
    const result = await cli(['unbind', '--json', ...chatArgs(demo.chats.unbound)], alice())
    expect(result.code).toBe(6)
    const parsed = JSON.parse(result.stdout) as { ok: boolean; error: { code: number; kind: string; hint: { zh: string }; logId: string } }
    expect(parsed.ok).toBe(false)
    expect(parsed.error).toMatchObject({ code: 195108, kind: 'invalid_request' })
    expect(parsed.error.logId).toBeTruthy()
  })

  it.each([
    ['permission: the app does not own Alice’s chat', () => appEnv, chatArgs(demo.chats.appReview, demo.calendars.app, demo.events.appReview), 4, /195107/],
    ['not found: an unknown event', () => alice(), chatArgs(demo.chats.weeklySync, demo.calendars.alice, 'no-such-event_0'), 5, /193001/],
    ['auth: an unknown user token', () => ({ FEISHU_DOMAIN: sandbox.url, FEISHU_USER_ACCESS_TOKEN: 'u-nobody' }), chatArgs(demo.chats.weeklySync), 3, /99991668/],
    ['invalid request: a chat id that is not oc_', () => alice(), chatArgs('chat-1'), 6, /does not look like a meeting_chat_id/],
  ])('exits with the code of its kind — %s', async (_name, env, args, code, message) => {
    const result = await cli(['unbind', ...args], env())
    expect(result.code).toBe(code)
    expect(result.stderr).toMatch(message)
  })

  it.each([
    ['7, rate limited', { code: 190004 }, 7, /Refused: 190004 method rate limited \(HTTP 429\)/],
    ['8, server', { code: 190003 }, 8, /Refused: 190003 internal service error \(HTTP 500\)/],
    ['11, protocol: a gateway page', { status: 502 }, 11, /protocol error/],
  ] as const)('exits %s', async (_name, answer, code, message) => {
    sandbox.fake.respond('unbindMeetingChat', answer, { times: 1 })
    const result = await cli(['unbind', '--no-retry', ...chatArgs(demo.chats.weeklySync)], alice())
    expect(result.code).toBe(code)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).toMatch(/hint: /)
  })

  it('exits 10 when no answer comes in --timeout', async () => {
    sandbox.fake.respond('unbindMeetingChat', { response: () => new Promise<Response>(() => {}) }, { times: 1 })
    const result = await cli(['unbind', '--no-retry', '--timeout', '300', ...chatArgs(demo.chats.weeklySync)], alice())
    expect(result.code).toBe(10)
    expect(result.stderr).toMatch(/no answer within 300 ms/)
    expect(result.stderr).toMatch(/hint: No answer in time: retry, or raise --timeout\./)
    expect(result.stderr).not.toMatch(/timeoutMs/)
  })

  it('Ctrl-C during a call: one line, exit 130', async () => {
    // A platform that takes the request and never answers; the interrupt comes once the request is in.
    const silent = createServer(() => {})
    silent.listen(0, '127.0.0.1')
    await once(silent, 'listening')
    const { port } = silent.address() as AddressInfo
    try {
      const child = spawn(process.execPath, [BIN, 'unbind', '--no-retry', ...chatArgs(demo.chats.weeklySync)], {
        env: { PATH: process.env.PATH ?? '', FEISHU_DOMAIN: `http://127.0.0.1:${port}`, FEISHU_USER_ACCESS_TOKEN: 'u-demo-alice' },
      })
      let stderr = ''
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
      await once(silent, 'request')
      child.kill('SIGINT')
      expect(await exited).toEqual([130, null])
      expect(stderr).toBe('✘ Interrupted (Ctrl-C): the call may or may not have reached the platform.\n')
    } finally {
      silent.closeAllConnections()
      silent.close()
    }
  })

  it('exits 9 on a network failure, naming the kind', async () => {
    const closed = await startSandbox({ port: 0 })
    const url = closed.url
    await closed.close()
    const result = await cli(['unbind', '--no-retry', ...chatArgs(demo.chats.weeklySync)], { FEISHU_DOMAIN: url, FEISHU_USER_ACCESS_TOKEN: 'u-demo-alice' })
    expect(result.code).toBe(9)
    expect(result.stderr).toMatch(/network error/)
  })
})

describe('token', () => {
  it('gets a tenant token with the app credentials and shows it masked', async () => {
    const result = await cli(['token'], appEnv)
    expect(result.code).toBe(0)
    const full = sandbox.fake.tokens.map((t) => t.token)
    expect(result.stdout).toMatch(/✔ Got a tenant_access_token t-\S+… ?\S* for cli_demo_custom, valid for \d+ s/)
    for (const token of full) expect(result.stdout).not.toContain(token)
  })

  it('explains that token is for self-built apps', async () => {
    const result = await cli(['token'], { ...appEnv, FEISHU_APP_TICKET: 'ticket', FEISHU_TENANT_KEY: 'tk' })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/self-built app/)
  })

  it('never prints the app secret when it is refused', async () => {
    const result = await cli(['token'], { ...appEnv, FEISHU_APP_SECRET: 'wrong-secret-value-xyz' })
    expect(result.code).toBe(3)
    expect(result.stderr).toMatch(/10014/)
    expect(result.stdout + result.stderr).not.toContain('wrong-secret-value-xyz')
  })
})

describe('usage', () => {
  it.each([
    [['--help'], 0, /Usage:/],
    [[], 2, /Usage:/],
    [['frobnicate'], 2, /Unknown command "frobnicate"/],
    [['unbind', '--event-id', 'e', '--chat-id', 'oc_x'], 2, /unbind needs --calendar-id/],
    [['unbind', '--bogus'], 2, /^✘ Unknown flag --bogus\. See feishu-meeting-chat --help for the flags\.\n$/],
    [['create', '--calendar-id', 'c', '--event-id', 'e', '--timeout', 'soon'], 2, /--timeout must be a number/],
  ])('%j exits %i', async (args, code, message) => {
    const result = await cli(args, { FEISHU_USER_ACCESS_TOKEN: 'u-x' })
    expect(result.code).toBe(code)
    expect(result.stdout + result.stderr).toMatch(message)
  })

  it('a bad seed file points at the README section that explains seeds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fmc-cli-seed-'))
    try {
      const file = join(dir, 'seed.json')
      writeFileSync(file, JSON.stringify({ tenants: [{ tenantKey: 'tk' }], apps: [{ appId: 'a' }] }))
      const result = await cli(['sandbox', '--port', '0', '--seed', file])
      expect(result.code).toBe(2)
      const [, section, parent] = /See the README, "([^"]+)" \(under "([^"]+)"\)/.exec(result.stderr) ?? []
      const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
      const headings = readme.split('\n').filter((line) => line.startsWith('#'))
      const at = headings.indexOf(`### ${section}`)
      expect(at, result.stderr).toBeGreaterThan(-1)
      expect(headings.slice(0, at).filter((h) => h.startsWith('## ')).at(-1)).toBe(`## ${parent}`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('lists exit 130 (interrupted) in --help and every exit code in the README\'s table', async () => {
    expect((await cli(['--help'])).stdout).toMatch(/130 interrupted/)
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    const table = readme.slice(readme.indexOf('| exit code | meaning |')).split('\n\n')[0] ?? ''
    const listed = table.split('\n').slice(2).flatMap((row) => (row.split('|')[1] ?? '').split('/').map((c) => Number(c.trim())))
    expect(listed.sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b))
  })

  it('prints the package version with --version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    for (const flag of ['--version', '-v']) {
      const result = await cli([flag])
      expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
    }
  })

  it('says a chat id is too short, with the spec\'s limit, and that nothing was sent', async () => {
    const result = await cli(['unbind', ...chatArgs('foo')], alice())
    expect(result.code).toBe(6)
    expect(result.stderr).toMatch(/--chat-id is too short: 3 characters; the platform accepts at least 4/)
    expect(result.stderr).toMatch(/hint: Pass --chat-id as the platform returned it/)
    expect(result.stderr).not.toMatch(/meetingChatId/)
    expect(result.stderr).toMatch(/nothing was sent/)
    expect(result.stderr).not.toMatch(/attempts/)
  })

  it.each([
    ['an unknown flag', ['--bogus'], /^Unknown flag --bogus\. See feishu-meeting-chat --help/],
    ['an unknown short flag', ['-x'], /^Unknown flag -x\./],
    ['a negative timeout', ['--timeout', '-5'], /^--timeout must be a number of milliseconds >= 1; got "-5"\.$/],
    ['a flag without its value', ['--timeout'], /^--timeout needs a value: --timeout VALUE \(or --timeout=VALUE\)\.$/],
    ['a flag whose value is another flag', ['--timeout', '--no-retry'], /^--timeout needs a value/],
    ['a value for a switch', ['--no-retry=yes'], /^--no-retry takes no value; got "yes"\.$/],
    ['a repeated flag', ['--event-id', 'other'], /^--event-id is given twice: give it once\.$/],
  ])('%s: one line naming the flag, exit 2, and JSON with --json', async (_name, extra, message) => {
    const args = ['create', '--calendar-id', 'c', '--event-id', 'e', ...extra]
    const text = await cli(args, alice())
    expect(text.code).toBe(2)
    expect(text.stdout).toBe('')
    expect(text.stderr.split('\n').filter(Boolean)).toHaveLength(1)
    expect(text.stderr.replace(/^✘ /, '').trim()).toMatch(message)
    const json = await cli([...args, '--json'], alice())
    expect(json.code).toBe(2)
    expect(json.stderr).toBe('')
    const parsed = JSON.parse(json.stdout) as { ok: boolean; error: { kind: string; message: string } }
    expect(parsed).toMatchObject({ ok: false, error: { kind: 'usage' } })
    expect(parsed.error.message).toMatch(message)
  })

  it('names the flag, not the API field, in --json too', async () => {
    const result = await cli(['unbind', '--json', ...chatArgs('foo')], alice())
    expect(result.code).toBe(6)
    const { error } = JSON.parse(result.stdout) as { error: { msg: string; message: string; hint: { en: string; zh: string } } }
    expect(error.msg).toBe('--chat-id is too short: 3 characters; the platform accepts at least 4')
    expect(JSON.stringify(error)).not.toMatch(/meetingChatId/)
  })

  it('explains missing credentials', async () => {
    const result = await cli(['unbind', ...chatArgs(demo.chats.weeklySync)], { FEISHU_DOMAIN: sandbox.url })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/No credentials: set FEISHU_APP_ID and FEISHU_APP_SECRET/)
  })

  it('refuses a plain-http domain that is not loopback', async () => {
    const result = await cli(['unbind', '--domain', 'http://example.com', ...chatArgs(demo.chats.weeklySync)], alice())
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/must use https/)
  })
})

describe('when it cannot write its output', () => {
  /** Runs the CLI with stdout or stderr on /dev/full (every write fails with ENOSPC). */
  function runFull(args: readonly string[], full: 'stdout' | 'stderr'): Promise<{ code: number | null; other: string }> {
    const fd = openSync('/dev/full', 'w')
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', full === 'stdout' ? fd : 'pipe', full === 'stderr' ? fd : 'pipe'],
    })
    closeSync(fd)
    let other = ''
    ;(full === 'stdout' ? child.stderr : child.stdout)?.on('data', (d: Buffer) => { other += d.toString() })
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, other })))
  }

  it.each([[['--help']], [['sandbox', '--print-seed']], [['--version']]])('%j to a full disk exits 1 and says so, without a stack', async (args) => {
    const { code, other } = await runFull(args, 'stdout')
    expect(code).toBe(1)
    expect(other).toBe('✘ Cannot write the output: ENOSPC\n')
  })

  it('keeps the usage exit code (2) when stderr cannot be written', async () => {
    const { code, other } = await runFull(['frobnicate'], 'stderr')
    expect(code).toBe(2)
    expect(other).toBe('')
  })
})
