// A scenario with a state for every code the fake answers: the demo's cases, plus what the demo leaves to your own
// seeds (scopes, rate limits, units, a tenant's deleted key, a write that holds its event, a seeded fault). The codes
// table (codes.test.ts) and the interop suites run against it.
import { demo, demoSeed } from '../../src/fake/demo.ts'
import type { Seed, SeedApp } from '../../src/fake/seed.ts'

/** The ids this scenario adds to the demo's. */
export const everyCode = {
  /** A self-built app granted no scope (99991672). */
  noScopeApp: { appId: 'cli_every_noscope', appSecret: 'every-noscope-secret', tenantAccessToken: 't-every-noscope' },
  /** Alice's user token with no scope granted (99991679). */
  noScopeUserAccessToken: 'u-every-alice-noscope',
  /** The gateway lets it one call a minute of each operation (99991400). */
  gatewayLimitedApp: { appId: 'cli_every_gateway', appSecret: 'every-gateway-secret', tenantAccessToken: 't-every-gateway' },
  /** The calendar service lets it one call a minute of each operation (190004). */
  methodLimitedApp: { appId: 'cli_every_method', appSecret: 'every-method-secret', tenantAccessToken: 't-every-method' },
  /** The calendar service lets it one call a minute in all (190005). */
  appLimitedApp: { appId: 'cli_every_app', appSecret: 'every-app-secret', tenantAccessToken: 't-every-app' },
  /** Served from the unit `lark-sg`, installed in the demo tenant (unit `feishu`): 190006. */
  otherUnitApp: { appId: 'cli_every_unit', appSecret: 'every-unit-secret', tenantAccessToken: 't-every-unit' },
  /** Tenants that deleted their own key, each with an app and its primary calendar and event (190011, 190012). */
  deletedKey: {
    encrypt: { tenantKey: 'every-key-encrypt', appId: 'cli_every_key_encrypt', appSecret: 'every-key-secret', tenantAccessToken: 't-every-key-encrypt', calendarId: 'feishu.cn_every_key_encrypt@group.calendar.feishu.cn', eventId: 'every-key-encrypt_0' },
    decrypt: { tenantKey: 'every-key-decrypt', appId: 'cli_every_key_decrypt', appSecret: 'every-key-secret', tenantAccessToken: 't-every-key-decrypt', calendarId: 'feishu.cn_every_key_decrypt@group.calendar.feishu.cn', eventId: 'every-key-decrypt_0' },
  },
  events: {
    /** On Alice's calendar: each write holds it 60 s, so a second write at once answers 190010. */
    busy: 'every-code-busy_0',
    /** On Alice's calendar: its next write fails with 190003. */
    flaky: 'every-code-flaky_0',
  },
} as const

const custom = (app: { appId: string; appSecret: string }, tenantKey: string, more: Partial<SeedApp> = {}): SeedApp => ({ appId: app.appId, appSecret: app.appSecret, type: 'custom', tenants: [tenantKey], ...more })
const tenantToken = (app: { appId: string; tenantAccessToken: string }, tenantKey: string = demo.tenantKey) => ({ token: app.tenantAccessToken, appId: app.appId, tenantKey })

/** The demo scenario, plus a state for every code the demo leaves to your own seeds. */
export function everyCodeSeed(): Seed {
  const seed = demoSeed()
  const { noScopeApp, gatewayLimitedApp, methodLimitedApp, appLimitedApp, otherUnitApp, deletedKey, events } = everyCode
  const keys = [
    ['encrypt', deletedKey.encrypt],
    ['decrypt', deletedKey.decrypt],
  ] as const
  const alice = { userId: demo.users.alice.userId }
  return {
    ...seed,
    tenants: [...seed.tenants, ...keys.map(([state, k]) => ({ tenantKey: k.tenantKey, deletedKey: state }))],
    apps: [
      ...(seed.apps ?? []),
      custom(noScopeApp, demo.tenantKey, { scopes: [] }),
      custom(gatewayLimitedApp, demo.tenantKey, { rateLimit: { perOperation: { perMinute: 1 } } }),
      custom(methodLimitedApp, demo.tenantKey, { rateLimit: { perMethod: { perMinute: 1 } } }),
      custom(appLimitedApp, demo.tenantKey, { rateLimit: { perApp: { perMinute: 1 } } }),
      custom(otherUnitApp, demo.tenantKey, { unit: 'lark-sg' }),
      ...keys.map(([, k]) => custom(k, k.tenantKey)),
    ],
    calendars: [...(seed.calendars ?? []), ...keys.map(([, k]) => ({ calendarId: k.calendarId, owner: { appId: k.appId } }))],
    events: [
      ...(seed.events ?? []),
      ...keys.map(([, k]) => ({ calendarId: k.calendarId, eventId: k.eventId, attendees: 3 })),
      { calendarId: demo.calendars.alice, eventId: events.busy, attendees: 3, writeHoldSeconds: 60 },
      { calendarId: demo.calendars.alice, eventId: events.flaky, attendees: 3, internalErrors: 1 },
    ],
    tenantAccessTokens: [
      ...(seed.tenantAccessTokens ?? []),
      ...[noScopeApp, gatewayLimitedApp, methodLimitedApp, appLimitedApp, otherUnitApp].map((app) => tenantToken(app)),
      ...keys.map(([, k]) => tenantToken(k, k.tenantKey)),
    ],
    userAccessTokens: [...(seed.userAccessTokens ?? []), { token: everyCode.noScopeUserAccessToken, userId: alice.userId, appId: demo.app.appId, scopes: [] }],
  }
}
