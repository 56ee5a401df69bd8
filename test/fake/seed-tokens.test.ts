// A seed holds only tokens the platform could have issued; a bad seed's error stays small.
import { describe, expect, it } from 'vitest'
import { createFake, SeedError, seedProblems, validateSeed, type Seed } from '../../src/msw/index.ts'

const CAL = (tenant: string) => `${tenant}_ann@group.calendar.feishu.cn`

/** Two tenants; a self-built app in each, a store app in both, and a store app in neither. */
const world = (): Seed => ({
  tenants: [{ tenantKey: 'a' }, { tenantKey: 'b' }],
  apps: [
    { appId: 'cli_in_a', appSecret: 's', tenants: ['a'] },
    { appId: 'cli_in_b', appSecret: 's', tenants: ['b'] },
    { appId: 'cli_store_ab', appSecret: 's', type: 'store', tenants: ['a', 'b'] },
    { appId: 'cli_store_none', appSecret: 's', type: 'store', tenants: [] },
  ],
  users: [
    { userId: 'ou_a', tenantKey: 'a' },
    { userId: 'ou_b', tenantKey: 'b' },
  ],
  calendars: ['a', 'b'].map((t) => ({ calendarId: CAL(t), owner: { userId: `ou_${t}` } })),
  events: ['a', 'b'].map((t) => ({ calendarId: CAL(t), eventId: 'e_0' })),
  chats: ['a', 'b'].map((t) => ({ chatId: `oc_${t}`, owner: { userId: `ou_${t}` }, boundTo: { calendarId: CAL(t), eventId: 'e_0' } })),
})

const apps = { cli_in_a: ['a'], cli_in_b: ['b'], cli_store_ab: ['a', 'b'], cli_store_none: [] } as Record<string, readonly string[]>

const pairings = Object.entries(apps).flatMap(([appId, installedIn]) =>
  ['a', 'b'].map((tenant) => ({ appId, tenant, installed: installedIn.includes(tenant) })),
)

const unbindOwnChat = (fake: ReturnType<typeof createFake>, token: string, tenant: string) =>
  fake.handle(
    new Request(`https://open.feishu.cn/open-apis/calendar/v4/calendars/${encodeURIComponent(CAL(tenant))}/events/e_0/meeting_chat?meeting_chat_id=oc_${tenant}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    }),
  )

describe('every identity, tenant and app', () => {
  it.each(pairings)("a user of tenant $tenant with a token of $appId: accepted only where the app is installed ($installed)", async ({ appId, tenant, installed }) => {
    const seed: Seed = { ...world(), userAccessTokens: [{ token: 'u-x', userId: `ou_${tenant}`, appId }] }
    if (!installed) {
      expect(seedProblems(seed)).toEqual([`/userAccessTokens/0: app ${appId} is not installed in tenant ${tenant} of user ou_${tenant}`])
      expect(() => createFake(seed)).toThrow(SeedError)
      return
    }
    expect(seedProblems(seed)).toEqual([])
    const answer = await unbindOwnChat(createFake(seed), 'u-x', tenant)
    expect(((await answer.json()) as { code: number }).code).toBe(0)
  })

  it.each(pairings)('a tenant token of $appId in tenant $tenant: accepted only where the app is installed ($installed)', ({ appId, tenant, installed }) => {
    const seed: Seed = { ...world(), tenantAccessTokens: [{ token: 't-x', appId, tenantKey: tenant }] }
    expect(seedProblems(seed)).toEqual(installed ? [] : [`/tenantAccessTokens/0: app ${appId} is not installed in tenant ${tenant}`])
  })

  it.each(Object.keys(apps))('an app token of %s needs no tenant', (appId) => {
    expect(seedProblems({ ...world(), appAccessTokens: [{ token: 'a-x', appId }] })).toEqual([])
  })
})

describe('a seed with many problems', () => {
  const bad = { tenants: [{ tenantKey: 'a' }], users: Array.from({ length: 5000 }, (_, i) => ({ userId: `ou_${i}`, tenantKey: 'nowhere' })) }

  it('lists the first 20 problems and counts the rest', () => {
    const error = (() => {
      try {
        validateSeed(bad)
      } catch (e) {
        return e as SeedError
      }
    })()
    expect(error?.problems).toHaveLength(20)
    expect(error?.moreProblems).toBe(4980)
    expect(error?.message.split('\n')).toHaveLength(22)
    expect(error?.message.split('\n').at(-1)).toBe('- and 4980 more problems')
    expect(error?.message.length).toBeLessThan(2000)
  })

  it('still lists every problem through seedProblems', () => {
    expect(seedProblems(bad)).toHaveLength(5000)
  })
})
