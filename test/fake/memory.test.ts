// Bounded memory: what a long-running fake keeps does not grow with the number of requests it answers.
import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/fake/clock.ts'
import { demo, demoSeed } from '../../src/fake/demo.ts'
import { createPlatform } from '../../src/fake/platform.ts'
import { createExampleMock, createFake } from '../../src/msw/index.ts'

const FEISHU = 'https://open.feishu.cn'
// Without seeded tenant tokens, every token the fake hands out is one it issued.
const noTenantTokens = () => ({ ...demoSeed(), tenantAccessTokens: [] })
const notFound = () => new Request(`${FEISHU}/open-apis/nowhere`)
const tokenRequest = () =>
  new Request(`${FEISHU}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ app_id: demo.app.appId, app_secret: demo.app.appSecret }),
  })
const resendRequest = () =>
  new Request(`${FEISHU}/open-apis/auth/v3/app_ticket/resend`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ app_id: demo.storeApp.appId, app_secret: demo.storeApp.appSecret }),
  })
const appTokenRequest = (ticket: string) =>
  new Request(`${FEISHU}/open-apis/auth/v3/app_access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ app_id: demo.storeApp.appId, app_secret: demo.storeApp.appSecret, app_ticket: ticket }),
  })

describe('the call log', () => {
  it('keeps the latest maxCalls answers, and count() still counts every request', async () => {
    const fake = createFake(demoSeed(), { maxCalls: 3 })
    for (let i = 0; i < 4; i++) await fake.handle(tokenRequest())
    await fake.handle(notFound())
    expect(fake.calls.map((c) => c.operationId)).toEqual(['getTenantAccessTokenInternal', 'getTenantAccessTokenInternal', undefined])
    expect(fake.count('getTenantAccessTokenInternal')).toBe(4)
  })

  it('keeps 1000 by default, in the fake and in the examples mode', async () => {
    for (const mock of [createFake(demoSeed()), createExampleMock()]) {
      for (let i = 0; i < 2100; i++) await mock.handle(notFound())
      expect(mock.calls).toHaveLength(1000)
      expect(mock.calls.at(-1)?.logId).toBeDefined()
    }
  })

  it('can be turned off', async () => {
    const fake = createFake(demoSeed(), { maxCalls: 0 })
    await fake.handle(tokenRequest())
    expect([fake.calls.length, fake.count('getTenantAccessTokenInternal')]).toEqual([0, 1])
  })

  it('refuses a maxCalls that is not a count', () => {
    expect(() => createFake(demoSeed(), { maxCalls: -1 })).toThrow(/maxCalls/)
  })
})

describe('tokens', () => {
  it('drops issued tokens past their life when it issues another, and keeps seeded ones', () => {
    const clock = createManualClock()
    const platform = createPlatform(noTenantTokens(), clock, { tokenTtlSeconds: 60, refreshWindowSeconds: 30 })
    const seeded = platform.state.tokens.size
    for (let i = 0; i < 50; i++) {
      platform.state.issue('tenant', demo.app.appId, demo.tenantKey)
      clock.advance(61_000)
    }
    expect(platform.state.tokens.size).toBe(seeded + 1)
    expect(platform.state.tokens.has(demo.expiredUserAccessToken)).toBe(true)
  })

  it('lists only live issued tokens', async () => {
    const clock = createManualClock()
    const fake = createFake(noTenantTokens(), { clock, tokenTtlSeconds: 60 })
    await fake.handle(tokenRequest())
    const issued = () => fake.tokens.filter((t) => t.kind === 'tenant')
    expect(issued()).toHaveLength(1)
    clock.advance(60_000)
    expect(issued()).toHaveLength(0)
  })
})

describe('app tickets', () => {
  it('keeps the newest ticketsPerApp tickets of a store app: the oldest answers 10012', async () => {
    const fake = createFake(demoSeed(), { ticketsPerApp: 2 })
    for (let i = 0; i < 3; i++) await fake.handle(resendRequest())
    const [first, second, third] = fake.ticketPushes.map((p) => p.ticket)
    expect(fake.ticketPushes).toHaveLength(2)
    const codeFor = async (ticket: string | undefined) => ((await (await fake.handle(appTokenRequest(ticket ?? ''))).json()) as { code: number }).code
    expect(await codeFor(demo.storeApp.appTicket)).toBe(10012)
    expect([await codeFor(first), await codeFor(second), third]).toEqual([0, 0, undefined])
  })

  it('keeps 16 by default', async () => {
    const fake = createFake(demoSeed())
    for (let i = 0; i < 40; i++) await fake.handle(resendRequest())
    expect(fake.ticketPushes).toHaveLength(16)
    expect(fake.snapshot().apps?.find((a) => a.appId === demo.storeApp.appId)?.appTickets).toHaveLength(16)
  })
})

describe('unbound chats', () => {
  const path = `${FEISHU}/open-apis/calendar/v4/calendars/${encodeURIComponent(demo.calendars.app)}/events/${demo.events.appStandup}/meeting_chat`
  const headers = { authorization: `Bearer ${demo.app.tenantAccessToken}` }
  const codeOf = async (response: Response) => ((await response.json()) as { code: number; data?: { meeting_chat_id?: string } })
  /** Unbinds the standup's chat `chatId`, then creates the next: the id of the new one. */
  const cycle = async (fake: ReturnType<typeof createFake>, chatId: string): Promise<string> => {
    expect((await codeOf(await fake.handle(new Request(`${path}?meeting_chat_id=${chatId}`, { method: 'DELETE', headers })))).code).toBe(0)
    const created = await codeOf(await fake.handle(new Request(path, { method: 'POST', headers })))
    expect(created.code).toBe(0)
    return created.data?.meeting_chat_id ?? ''
  }

  it('keeps the latest unboundChatsKept of those created and unbound, and the seed\'s own: a forgotten one still answers 195108', async () => {
    const fake = createFake(demoSeed(), { unboundChatsKept: 2 })
    const seeded = fake.chats.map((c) => c.chatId)
    let chat: string = demo.chats.appStandup
    const created: string[] = []
    for (let i = 0; i < 5; i++) created.push((chat = await cycle(fake, chat)))
    // The seed's chats (the standup's now unbound), the latest two created and unbound, and the bound one.
    expect(fake.chats.map((c) => c.chatId).sort()).toEqual([...seeded, created[2], created[3], created[4]].sort())
    expect(fake.chat(created[0]!)).toBeUndefined()
    const again = await codeOf(await fake.handle(new Request(`${path}?meeting_chat_id=${created[0]}`, { method: 'DELETE', headers })))
    expect(again.code).toBe(195108)
    expect(fake.chat(created[3]!)?.boundTo).toBeUndefined()
  })

  it('forgets the oldest first through many rounds of the kept ones, and keeps none when told 0', async () => {
    const fake = createFake(demoSeed(), { unboundChatsKept: 3 })
    const seeded = fake.chats.map((c) => c.chatId)
    let chat: string = demo.chats.appStandup
    const created: string[] = []
    for (let i = 0; i < 11; i++) {
      created.push((chat = await cycle(fake, chat)))
      // The latest three unbound (the one just created is bound), at every step.
      const unbound = created.slice(0, -1).slice(-3)
      expect(fake.chats.map((c) => c.chatId).sort()).toEqual([...seeded, ...unbound, chat].sort())
    }
    const none = createFake(demoSeed(), { unboundChatsKept: 0 })
    let last: string = demo.chats.appStandup
    for (let i = 0; i < 3; i++) last = await cycle(none, last)
    expect(none.chats.map((c) => c.chatId).sort()).toEqual([...seeded, last].sort())
  })

  it('keeps 10,000 by default, and refuses a count that is not one', async () => {
    // The app's rate limits raised: 20,000 requests at once.
    const unlimited = { perSecond: 1_000_000, perMinute: 1_000_000 }
    const seed = demoSeed()
    const fake = createFake({ ...seed, apps: seed.apps?.map((a) => (a.appId === demo.app.appId ? { ...a, rateLimit: { perOperation: unlimited, perApp: unlimited } } : a)) })
    let chat: string = demo.chats.appStandup
    for (let i = 0; i < 10_010; i++) chat = await cycle(fake, chat)
    // The seed's own, 10,000 unbound and the bound one.
    expect(fake.chats).toHaveLength((seed.chats?.length ?? 0) + 10_000 + 1)
    expect(() => createFake(demoSeed(), { unboundChatsKept: -1 })).toThrow(/unboundChatsKept/)
    expect(() => createFake(demoSeed(), { unboundChatsKept: 1.5 })).toThrow(/unboundChatsKept/)
  })
})
