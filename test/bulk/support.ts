// A scenario for bulk runs: one self-built app whose calendar has `count` events, each with a bound meeting chat
// the app owns, and the app's rate limit scaled down so that pacing matters in a short run.
import type { Seed } from '../../src/fake/seed.js'

export const APP = { appId: 'cli_bulk', appSecret: 'bulk-secret' } as const
export const CALENDAR = 'feishu.cn_bulk@group.calendar.feishu.cn'

export interface BulkItem {
  readonly calendarId: string
  readonly eventId: string
  readonly meetingChatId: string
}

export const chatId = (i: number): string => `oc_${i.toString(16).padStart(32, '0')}`

export function bulkItems(count: number): BulkItem[] {
  return Array.from({ length: count }, (_, i) => ({ calendarId: CALENDAR, eventId: `bulk-${i}_0`, meetingChatId: chatId(i) }))
}

export function bulkSeed(count: number, limit: { perSecond: number; perMinute: number }): Seed {
  const items = bulkItems(count)
  return {
    tenants: [{ tenantKey: 'bulk' }],
    apps: [{ ...APP, tenants: ['bulk'], rateLimit: { perOperation: limit } }],
    calendars: [{ calendarId: CALENDAR, owner: { appId: APP.appId } }],
    events: items.map((it) => ({ calendarId: it.calendarId, eventId: it.eventId })),
    chats: items.map((it) => ({ chatId: it.meetingChatId, owner: { appId: APP.appId }, boundTo: { calendarId: it.calendarId, eventId: it.eventId } })),
  }
}
