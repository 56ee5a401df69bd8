// The guide behind the sandbox's banner and its docs console: each credential of a seed and the ids it can
// act on. Every id it lists is checked against a real sandbox over HTTP, and every refusal it names too.
import { describe, expect, it } from 'vitest'
import { errorCatalog } from '../../src/generated/catalog.ts'
import { demo, demoSeed } from '../../src/fake/demo.ts'
import type { Seed } from '../../src/fake/seed.ts'
import { MAX_CREDENTIALS, MAX_TARGETS, seedGuide, type GuideCredential } from '../../src/sandbox/guide.ts'
import { startSandbox } from '../../src/sandbox/server.ts'

const { app, calendars, events, chats, users } = demo

/** The bearer token a credential sends, got from the sandbox as the CLI gets it. */
async function bearer(url: string, c: GuideCredential): Promise<string> {
  if (c.token) return c.token.value
  const post = async (path: string, body: object) => (await (await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as Record<string, string>
  const { FEISHU_APP_ID: app_id, FEISHU_APP_SECRET: app_secret, FEISHU_APP_TICKET: app_ticket, FEISHU_TENANT_KEY: tenant_key } = c.env
  if (app_ticket === undefined) return (await post('/open-apis/auth/v3/tenant_access_token/internal', { app_id, app_secret })).tenant_access_token ?? ''
  const appToken = (await post('/open-apis/auth/v3/app_access_token', { app_id, app_secret, app_ticket })).app_access_token ?? ''
  return (await post('/open-apis/auth/v3/tenant_access_token', { app_access_token: appToken, tenant_key })).tenant_access_token ?? ''
}

const meetingChat = (calendarId: string, eventId: string) => `/open-apis/calendar/v4/calendars/${encodeURIComponent(calendarId)}/events/${encodeURIComponent(eventId)}/meeting_chat`

/** Sends every unbind and create the guide lists for each credential, each to a fresh sandbox; returns the codes. */
async function tryAll(seed: Seed): Promise<{ label: string; what: string; code: number }[]> {
  const results: { label: string; what: string; code: number }[] = []
  for (const c of seedGuide(seed).credentials) {
    const tries = [
      ...c.unbind.map((t) => ({ what: `unbind ${t.eventId}`, method: 'DELETE', path: `${meetingChat(t.calendarId, t.eventId)}?meeting_chat_id=${t.meetingChatId}` })),
      ...c.create.map((t) => ({ what: `create ${t.eventId}`, method: 'POST', path: meetingChat(t.calendarId, t.eventId) })),
    ]
    for (const t of tries) {
      const sandbox = await startSandbox({ port: 0, seed })
      try {
        const token = await bearer(sandbox.url, c)
        const answer = await fetch(`${sandbox.url}${t.path}`, { method: t.method, headers: { authorization: `Bearer ${token}` } })
        results.push({ label: c.label, what: t.what, code: ((await answer.json()) as { code: number }).code })
      } finally {
        await sandbox.close()
      }
    }
  }
  return results
}

describe('the demo seed', () => {
  const guide = seedGuide(demoSeed())
  const byLabel = (label: string, token?: string) => guide.credentials.find((c) => c.label === label && (token === undefined || c.token?.value === token))

  it("lists the app's own event with its chat, and what Alice can act on", () => {
    expect(byLabel(`app ${app.appId}`)).toMatchObject({
      env: { FEISHU_APP_ID: app.appId, FEISHU_APP_SECRET: app.appSecret },
      token: { scheme: 'tenant_access_token', value: app.tenantAccessToken },
      unbind: [{ calendarId: calendars.app, eventId: events.appStandup, meetingChatId: chats.appStandup }],
      create: [{ calendarId: calendars.app, eventId: events.appPlanning }],
      refusal: undefined,
    })
    expect(byLabel(`user ${users.alice.userId}`, users.alice.userAccessToken)).toMatchObject({
      env: { FEISHU_USER_ACCESS_TOKEN: users.alice.userAccessToken },
      unbind: [{ calendarId: calendars.alice, eventId: events.weeklySync, meetingChatId: chats.weeklySync }],
      create: [{ calendarId: calendars.alice, eventId: events.planning }],
    })
  })

  it('names the refusal of each credential that can act on nothing', () => {
    const refused = Object.fromEntries(guide.credentials.filter((c) => c.refusal !== undefined).map((c) => [Object.values(c.env).join(' '), c.refusal]))
    expect(refused).toEqual({
      [`${demo.storeApp.appId} ${demo.storeApp.appSecret} ${demo.storeApp.appTicket} ${demo.tenantKey}`]: 191002,
      [`${demo.noBotApp.appId} ${demo.noBotApp.appSecret}`]: 190007,
      [users.bob.userAccessToken]: 191004,
      [users.carol.userAccessToken]: 195100,
      [users.dave.userAccessToken]: 191002,
      [demo.expiredUserAccessToken]: 99991677,
    })
  })

  it('leaves the seed it reads as it was', () => {
    const seed = demoSeed()
    seedGuide(seed)
    expect(seed).toEqual(demoSeed())
  })

  it('lists only calls the sandbox accepts: each one sent over HTTP answers code 0', { timeout: 30_000 }, async () => {
    const results = await tryAll(demoSeed())
    expect(results.length).toBe(4)
    expect(results.filter((r) => r.code !== 0)).toEqual([])
  })

  it('names the code the sandbox answers to a refused credential', async () => {
    const bob = byLabel(`user ${users.bob.userId}`)!
    const sandbox = await startSandbox({ port: 0 })
    try {
      const answer = await fetch(`${sandbox.url}${meetingChat(calendars.alice, events.weeklySync)}?meeting_chat_id=${chats.weeklySync}`, { method: 'DELETE', headers: { authorization: `Bearer ${bob.token!.value}` } })
      expect(((await answer.json()) as { code: number }).code).toBe(bob.refusal)
    } finally {
      await sandbox.close()
    }
  })
})

describe('another seed', () => {
  const tenantKey = 'tk'
  const cal = (n: number) => `cal_${n}@group.calendar.feishu.cn`
  const chat = (n: number) => `oc_${n.toString(16).padStart(32, '0')}`
  const seed = (): Seed => ({
    tenants: [{ tenantKey }],
    apps: [
      { appId: 'cli_own', appSecret: 'own-secret', tenants: [tenantKey] },
      { appId: 'cli_shop', appSecret: 'shop-secret', type: 'store', tenants: [tenantKey], appTickets: ['old-ticket', 'new-ticket'] },
    ],
    users: [{ userId: 'ou_erin', tenantKey }],
    // Each identity acts on its own primary calendar only, as the platform asks.
    calendars: [
      { calendarId: cal(1), owner: { appId: 'cli_shop' } },
      { calendarId: cal(2), owner: { appId: 'cli_own' } },
      { calendarId: cal(3), owner: { userId: 'ou_erin' } },
    ],
    events: [
      ...[1, 2, 3, 4, 5, 6].map((n) => ({ calendarId: cal(1), eventId: `e${n}_0`, attendees: 3 })),
      { calendarId: cal(2), eventId: 'own_0', attendees: 2 },
      ...[7, 8, 9, 10, 11, 12].map((n) => ({ calendarId: cal(3), eventId: `e${n}_0`, attendees: 3 })),
    ],
    chats: [
      { chatId: chat(1), owner: { userId: 'ou_erin' }, boundTo: { calendarId: cal(3), eventId: 'e7_0' } },
      { chatId: chat(2), owner: { appId: 'cli_shop' }, boundTo: { calendarId: cal(1), eventId: 'e2_0' } },
    ],
    userAccessTokens: [{ token: 'u-erin', userId: 'ou_erin', appId: 'cli_own' }],
  })

  it("gives a store app its newest ticket, finds each identity's chats, and stops listing at MAX_TARGETS", () => {
    const guide = seedGuide(seed())
    expect(guide.credentials.map((c) => c.label)).toEqual(['app cli_own', `store app cli_shop in ${tenantKey}`, 'user ou_erin'])
    const [own, shop, erin] = guide.credentials
    expect(own).toMatchObject({ token: undefined, unbind: [], create: [{ calendarId: cal(2), eventId: 'own_0' }], more: false })
    expect(shop).toMatchObject({ env: { FEISHU_APP_TICKET: 'new-ticket', FEISHU_TENANT_KEY: tenantKey }, unbind: [{ eventId: 'e2_0', meetingChatId: chat(2) }], more: true })
    expect(shop!.create).toHaveLength(MAX_TARGETS)
    expect(erin).toMatchObject({ unbind: [{ eventId: 'e7_0', meetingChatId: chat(1) }], more: true })
  })

  it('lists only calls the sandbox accepts', { timeout: 30_000 }, async () => {
    const results = await tryAll(seed())
    expect(results.length).toBeGreaterThan(5)
    expect(results.filter((r) => r.code !== 0)).toEqual([])
  })

  it('says what refuses a store app whose ticket the platform does not hold', () => {
    const s = seed()
    const shop = seedGuide({ ...s, apps: s.apps!.map((a) => (a.type === 'store' ? { ...a, appTickets: [] } : a)) }).credentials[1]!
    expect(shop).toMatchObject({ unbind: [], create: [], refusal: 10012 })
    expect(errorCatalog[10012]).toBeDefined()
  })

  it(`lists at most ${MAX_CREDENTIALS} credentials and counts the rest`, () => {
    const guide = seedGuide({ ...seed(), userAccessTokens: Array.from({ length: 30 }, (_, i) => ({ token: `u-erin-${i}`, userId: 'ou_erin', appId: 'cli_own' })) })
    expect(guide.credentials).toHaveLength(MAX_CREDENTIALS)
    expect(guide.moreCredentials).toBe(2 + 30 - MAX_CREDENTIALS)
  })

  it('is empty for a seed with no app and no token', () => {
    expect(seedGuide({ tenants: [{ tenantKey }] })).toEqual({ credentials: [], moreCredentials: 0 })
  })
})
