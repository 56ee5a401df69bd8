// A ready scenario with one case for each rule of the fake, and the ids to refer to them by name.
import type { Seed } from './seed.js'

/** The names in {@link demoSeed}: use them in tests instead of repeating ids. */
export const demo = {
  tenantKey: 'demo-tenant',
  /** A self-built app with the bot capability, installed in the demo tenant. */
  app: { appId: 'cli_demo_custom', appSecret: 'demo-custom-secret', tenantAccessToken: 't-demo-custom-app' },
  /** A store app installed in the demo tenant, with one pushed ticket. */
  storeApp: { appId: 'cli_demo_store', appSecret: 'demo-store-secret', appTicket: 'demo-app-ticket' },
  /** A self-built app without the bot capability (190007 with its tenant token). */
  noBotApp: { appId: 'cli_demo_nobot', appSecret: 'demo-nobot-secret', tenantAccessToken: 't-demo-nobot-app' },
  users: {
    /** Owns her primary calendar and the weekly sync's meeting chat. */
    alice: { userId: 'ou_demo_alice', userAccessToken: 'u-demo-alice' },
    /**
     * Invited to Alice's weekly sync, which is on his own calendar too: he may not edit it (193002). He can
     * read Alice's calendar, which is not his primary calendar (191004).
     */
    bob: { userId: 'ou_demo_bob', userAccessToken: 'u-demo-bob' },
    /** Has left the tenant (195100). */
    carol: { userId: 'ou_demo_carol', userAccessToken: 'u-demo-carol' },
    /** In the tenant, with no role on Alice's calendar (191002). */
    dave: { userId: 'ou_demo_dave', userAccessToken: 'u-demo-dave' },
  },
  /** Alice's user token that expired when the fake was created (99991677). */
  expiredUserAccessToken: 'u-demo-alice-expired',
  calendars: {
    /** Alice's primary calendar. The app may write to it and Bob may read it, but it is neither's own (191004). */
    alice: 'feishu.cn_demo_alice@group.calendar.feishu.cn',
    /** Bob's primary calendar, with his invitation to the weekly sync. */
    bob: 'feishu.cn_demo_bob@group.calendar.feishu.cn',
    /** The app's own primary calendar. */
    app: 'feishu.cn_demo_app@group.calendar.feishu.cn',
    /** A shared calendar Alice owns: not primary (191004). */
    shared: 'feishu.cn_demo_team@group.calendar.feishu.cn',
    /** Alice's deleted calendar (191003). */
    deleted: 'feishu.cn_demo_old@group.calendar.feishu.cn',
  },
  events: {
    /** On Alice's calendar, 4 attendees, its meeting chat owned by Alice; on Bob's as his invitation (193002). */
    weeklySync: 'demo-weekly-sync_0',
    /** On Alice's calendar, 3 attendees, no meeting chat yet. */
    planning: 'demo-planning_0',
    /** On Alice's calendar, 1 attendee (195109). */
    solo: 'demo-solo_0',
    /** On Alice's calendar, attendee list hidden (195109). */
    private: 'demo-private_0',
    /** On Alice's calendar, deleted (193003). */
    cancelled: 'demo-cancelled_0',
    /** On the app's calendar, its meeting chat owned by the app. */
    appStandup: 'demo-app-standup_0',
    /** On the app's calendar, 3 attendees, no meeting chat yet. */
    appPlanning: 'demo-app-planning_0',
    /** On the app's calendar, its meeting chat owned by Alice (195107 when the app unbinds it). */
    appReview: 'demo-app-review_0',
  },
  chats: {
    /** The meeting chat of the weekly sync. */
    weeklySync: 'oc_a0553eda9014c201e6969b478895c230',
    /** The meeting chat of the app's standup. */
    appStandup: 'oc_5ce6d572455d361153b7cb51da133945',
    /** The meeting chat of the app's review, owned by Alice. */
    appReview: 'oc_7e2b1c9d4a6f48e0b3d5c1a2f9e8d7c6',
    /** Alice's ordinary chat, bound to no event (195108). */
    unbound: 'oc_0123456789abcdef0123456789abcdef',
  },
} as const

/** A fresh copy of the demo scenario: every rule of the fake has a case in it (see {@link demo}). */
export function demoSeed(): Seed {
  const { tenantKey, app, storeApp, noBotApp, users, calendars, events, chats } = demo
  const alice = { userId: users.alice.userId }
  return {
    tenants: [{ tenantKey, platform: 'feishu' }],
    apps: [
      { appId: app.appId, appSecret: app.appSecret, type: 'custom', tenants: [tenantKey] },
      { appId: storeApp.appId, appSecret: storeApp.appSecret, type: 'store', tenants: [tenantKey], appTickets: [storeApp.appTicket] },
      { appId: noBotApp.appId, appSecret: noBotApp.appSecret, type: 'custom', tenants: [tenantKey], bot: false },
    ],
    users: [
      { userId: users.alice.userId, tenantKey },
      { userId: users.bob.userId, tenantKey },
      { userId: users.carol.userId, tenantKey, inTenant: false },
      { userId: users.dave.userId, tenantKey },
    ],
    calendars: [
      {
        calendarId: calendars.alice,
        owner: alice,
        type: 'primary',
        access: [
          { appId: app.appId, role: 'writer' },
          { userId: users.bob.userId, role: 'reader' },
          { userId: users.carol.userId, role: 'writer' },
        ],
      },
      { calendarId: calendars.bob, owner: { userId: users.bob.userId }, type: 'primary' },
      { calendarId: calendars.app, owner: { appId: app.appId }, type: 'primary', access: [{ appId: noBotApp.appId, role: 'writer' }] },
      { calendarId: calendars.shared, owner: alice, type: 'shared' },
      { calendarId: calendars.deleted, owner: alice, type: 'primary', deleted: true },
    ],
    events: [
      { calendarId: calendars.alice, eventId: events.weeklySync, attendees: 4 },
      { calendarId: calendars.alice, eventId: events.planning, attendees: 3 },
      { calendarId: calendars.alice, eventId: events.solo, attendees: 1 },
      { calendarId: calendars.alice, eventId: events.private, attendees: 5, attendeeListHidden: true },
      { calendarId: calendars.alice, eventId: events.cancelled, attendees: 3, deleted: true },
      { calendarId: calendars.shared, eventId: events.weeklySync, attendees: 4 },
      { calendarId: calendars.bob, eventId: events.weeklySync, attendees: 4, organizer: alice, attendeeAbility: 'can_see_others' },
      { calendarId: calendars.app, eventId: events.appStandup, attendees: 3 },
      { calendarId: calendars.app, eventId: events.appPlanning, attendees: 3 },
      { calendarId: calendars.app, eventId: events.appReview, attendees: 3 },
    ],
    chats: [
      { chatId: chats.weeklySync, owner: alice, boundTo: { calendarId: calendars.alice, eventId: events.weeklySync } },
      { chatId: chats.appStandup, owner: { appId: app.appId }, boundTo: { calendarId: calendars.app, eventId: events.appStandup } },
      { chatId: chats.appReview, owner: alice, boundTo: { calendarId: calendars.app, eventId: events.appReview } },
      { chatId: chats.unbound, owner: alice },
    ],
    tenantAccessTokens: [
      { token: app.tenantAccessToken, appId: app.appId, tenantKey },
      { token: noBotApp.tenantAccessToken, appId: noBotApp.appId, tenantKey },
    ],
    userAccessTokens: [
      { token: users.alice.userAccessToken, userId: users.alice.userId, appId: app.appId },
      { token: users.bob.userAccessToken, userId: users.bob.userId, appId: app.appId },
      { token: users.carol.userAccessToken, userId: users.carol.userId, appId: app.appId },
      { token: users.dave.userAccessToken, userId: users.dave.userId, appId: app.appId },
      { token: demo.expiredUserAccessToken, userId: users.alice.userId, appId: app.appId, expiresIn: 0 },
    ],
  }
}
