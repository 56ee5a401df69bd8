// The sandbox's banner, as a user reads it in the terminal: each credential with the ids it can act on, the
// demo app's own event included, and with --seed that seed's credentials, ids and `export` line. The lines
// are then used as printed: the `export` line as the environment, an `unbind` line as the CLI's flags.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demo } from '../../src/fake/demo.ts'
import type { Seed } from '../../src/fake/seed.ts'
import { sandboxBanner, shellQuote } from '../../src/sandbox/banner.ts'
import { cli, requireBuild, startSandboxProcess, type Running } from './support.ts'

requireBuild()

/** The environment of the banner's `export` line (values are plain or single-quoted, as a shell reads them). */
function exported(banner: string): Record<string, string> {
  const line = /^ {2}export (.*)$/m.exec(banner)?.[1]
  expect(line, banner).toBeDefined()
  return Object.fromEntries([...line!.matchAll(/(\w+)=('[^']*'|\S+)/g)].map((m) => [m[1]!, m[2]!.replace(/^'(.*)'$/, '$1')]))
}

/** The flags of the `unbind` lines under a credential's line. */
function unbindLines(banner: string, credential: string): string[][] {
  const lines = banner.split('\n')
  const start = lines.findIndex((l) => l.startsWith(`  ${credential}:`))
  expect(start, `${credential} in\n${banner}`).toBeGreaterThanOrEqual(0)
  const found: string[][] = []
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('    ')) break
    if (line.trimStart().startsWith('unbind ')) found.push(line.trim().split(/\s+/))
  }
  return found
}

const stop = async (running: Running) => {
  running.child.kill('SIGTERM')
  await running.exited
}

describe('with the demo seed', () => {
  let sandbox: Running
  beforeAll(async () => { sandbox = await startSandboxProcess() })
  afterAll(() => stop(sandbox))

  it("lists the app's own event and its chat under the app's credentials, Alice's under her token, and the refused ones with their code", () => {
    const out = sandbox.output()
    expect(out).toContain(`  app ${demo.app.appId}: FEISHU_APP_ID=${demo.app.appId} FEISHU_APP_SECRET=${demo.app.appSecret} (its tenant token: ${demo.app.tenantAccessToken})`)
    expect(unbindLines(out, `app ${demo.app.appId}`)).toEqual([['unbind', '--calendar-id', demo.calendars.app, '--event-id', demo.events.appStandup, '--chat-id', demo.chats.appStandup]])
    expect(unbindLines(out, `user ${demo.users.alice.userId}`)).toEqual([['unbind', '--calendar-id', demo.calendars.alice, '--event-id', demo.events.weeklySync, '--chat-id', demo.chats.weeklySync]])
    expect(out).toMatch(new RegExp(`FEISHU_USER_ACCESS_TOKEN=${demo.users.bob.userAccessToken} +refused: 191004 `))
    expect(out).toMatch(new RegExp(`FEISHU_APP_ID=${demo.noBotApp.appId} .* +refused: 190007 `))
    expect(out).toContain(`${sandbox.url}/docs/`)
  })

  it("works as printed: the export line and the app's unbind line, through the CLI", async () => {
    const env = exported(sandbox.output())
    expect(env).toEqual({ FEISHU_DOMAIN: sandbox.url, FEISHU_APP_ID: demo.app.appId, FEISHU_APP_SECRET: demo.app.appSecret })
    const [flags] = unbindLines(sandbox.output(), `app ${demo.app.appId}`)
    const first = await cli(flags!, env)
    expect(first.code, first.stderr).toBe(0)
    const again = await cli(flags!, env)
    expect(again.stderr).toMatch(/195108/)
  })
})

describe('with --seed FILE', () => {
  let dir = ''
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'fmc-banner-')) })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  const seed: Seed = {
    tenants: [{ tenantKey: 'acme' }],
    apps: [{ appId: 'cli_acme', appSecret: "it's secret", tenants: ['acme'] }],
    users: [{ userId: 'ou_zoe', tenantKey: 'acme' }],
    calendars: [{ calendarId: 'acme_zoe@group.calendar.feishu.cn', owner: { userId: 'ou_zoe' } }],
    events: [{ calendarId: 'acme_zoe@group.calendar.feishu.cn', eventId: 'retro_0', attendees: 5 }],
    chats: [{ chatId: 'oc_ac3e0000000000000000000000000001', owner: { userId: 'ou_zoe' }, boundTo: { calendarId: 'acme_zoe@group.calendar.feishu.cn', eventId: 'retro_0' } }],
    userAccessTokens: [{ token: 'u-zoe', userId: 'ou_zoe', appId: 'cli_acme' }],
  }

  it("prints that seed's credentials, ids and export line, which work as printed", async () => {
    const file = join(dir, 'acme.json')
    await writeFile(file, JSON.stringify(seed))
    const sandbox = await startSandboxProcess(['--port', '0', '--seed', file])
    try {
      const out = sandbox.output()
      expect(out).toContain(`Seed ${file}: 1 app, 1 calendar, 1 event, 1 chat.`)
      expect(out).not.toContain(demo.app.appId)
      // The app has no role on Zoe's calendar; Zoe's token acts on her event, so the export line selects it.
      expect(out).toMatch(/app cli_acme: FEISHU_APP_ID=cli_acme FEISHU_APP_SECRET='it'\\''s secret' +refused: 191002 /)
      const env = exported(out)
      expect(env).toEqual({ FEISHU_DOMAIN: sandbox.url, FEISHU_USER_ACCESS_TOKEN: 'u-zoe' })
      const [flags] = unbindLines(out, 'user ou_zoe')
      expect(flags).toEqual(['unbind', '--calendar-id', 'acme_zoe@group.calendar.feishu.cn', '--event-id', 'retro_0', '--chat-id', 'oc_ac3e0000000000000000000000000001'])
      const result = await cli(flags!, env)
      expect(result.code, result.stderr).toBe(0)
    } finally {
      await stop(sandbox)
    }
  })

  it('says so when the seed holds no credential', () => {
    const lines = sandboxBanner('http://127.0.0.1:1', { tenants: [{ tenantKey: 'acme' }] }, 'empty.json')
    expect(lines[0]).toBe('Seed empty.json: 0 apps, 0 calendars, 0 events, 0 chats. Each credential, and the ids it can act on:')
    expect(lines).toContain('  export FEISHU_DOMAIN=http://127.0.0.1:1')
    expect(lines.join('\n')).toMatch(/holds no app and no token/)
    expect(lines.at(-1)).toMatch(/^Sandbox listening on http:\/\/127\.0\.0\.1:1 /)
  })
})

it('quotes values a shell would split or expand, and leaves plain ones as they are', () => {
  expect(shellQuote('feishu.cn_demo_app@group.calendar.feishu.cn')).toBe('feishu.cn_demo_app@group.calendar.feishu.cn')
  expect(shellQuote("it's $HOME")).toBe(`'it'\\''s $HOME'`)
  expect(shellQuote('')).toBe("''")
})
