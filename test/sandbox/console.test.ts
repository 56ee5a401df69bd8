// /docs/sandbox.json: what makes the docs page a console of the sandbox serving it (src/sandbox/console.ts).
import { describe, expect, it } from 'vitest'
import { demo, demoSeed } from '../../src/fake/demo.ts'
import { consoleInfo, type ConsoleInfo } from '../../src/sandbox/console.ts'
import { seedGuide } from '../../src/sandbox/guide.ts'
import { startSandbox } from '../../src/sandbox/server.ts'

describe('with the demo seed', () => {
  it("fills in the app's tenant token and its own event, and the token operations' bodies from the demo apps", () => {
    const info = consoleInfo('http://127.0.0.1:1', demoSeed())
    expect(info).toMatchObject({
      sandbox: 'feishu-meeting-chat',
      url: 'http://127.0.0.1:1',
      prefill: {
        label: `app ${demo.app.appId}`,
        scheme: 'tenant_access_token',
        token: demo.app.tenantAccessToken,
        parameters: { calendar_id: demo.calendars.app, event_id: demo.events.appStandup, meeting_chat_id: demo.chats.appStandup },
      },
      bodies: {
        getTenantAccessTokenInternal: { app_id: demo.app.appId, app_secret: demo.app.appSecret },
        getAppAccessToken: { app_id: demo.storeApp.appId, app_secret: demo.storeApp.appSecret, app_ticket: demo.storeApp.appTicket },
        getTenantAccessToken: { tenant_key: demo.tenantKey },
        resendAppTicket: { app_id: demo.storeApp.appId, app_secret: demo.storeApp.appSecret },
      },
    })
    expect(info.credentials).toEqual(seedGuide(demoSeed()).credentials)
  })

  it('is served by the sandbox at /docs/sandbox.json, with its own URL, never cached', async () => {
    const sandbox = await startSandbox({ port: 0 })
    try {
      const answer = await fetch(`${sandbox.url}/docs/sandbox.json`)
      expect(answer.status).toBe(200)
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/)
      expect(answer.headers.get('cache-control')).toBe('no-store')
      const info = (await answer.json()) as ConsoleInfo
      expect(info.url).toBe(sandbox.url)
      expect(info.prefill?.token).toBe(demo.app.tenantAccessToken)
      // Not a request to the platform: the fake saw nothing.
      expect(sandbox.fake.calls).toEqual([])
    } finally {
      await sandbox.close()
    }
  })
})

it("with another seed, fills in that seed's ids; with no token that can act, fills in none", async () => {
  const tenants = [{ tenantKey: 'tk' }]
  const cal = 'cal_zoe@group.calendar.feishu.cn'
  const seed = {
    tenants,
    users: [{ userId: 'ou_zoe', tenantKey: 'tk' }],
    calendars: [{ calendarId: cal, owner: { userId: 'ou_zoe' } }],
    events: [{ calendarId: cal, eventId: 'retro_0', attendees: 3 }],
    chats: [{ chatId: `oc_${'e'.repeat(32)}`, owner: { userId: 'ou_zoe' }, boundTo: { calendarId: cal, eventId: 'retro_0' } }],
    userAccessTokens: [{ token: 'u-zoe', userId: 'ou_zoe', appId: 'cli_x' }],
    apps: [{ appId: 'cli_x', appSecret: 'x-secret', tenants: ['tk'] }],
  }
  const sandbox = await startSandbox({ port: 0, seed })
  try {
    const info = (await (await fetch(`${sandbox.url}/docs/sandbox.json`)).json()) as ConsoleInfo
    expect(info.prefill).toEqual({ label: 'user ou_zoe', scheme: 'user_access_token', token: 'u-zoe', parameters: { calendar_id: cal, event_id: 'retro_0', meeting_chat_id: `oc_${'e'.repeat(32)}` } })
    expect(info.bodies).toEqual({ getTenantAccessTokenInternal: { app_id: 'cli_x', app_secret: 'x-secret' } })
  } finally {
    await sandbox.close()
  }
  expect(consoleInfo('http://127.0.0.1:1', { tenants })).toMatchObject({ prefill: null, bodies: {}, credentials: [] })
})
