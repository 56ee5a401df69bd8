// The one call every client makes, and the credentials the bench server accepts. The calendar id carries
// an `@`, as real ones do, so path encoding is part of what is measured.
export const BENCH = {
  appId: 'cli_bench_app',
  appSecret: 'bench-app-secret-0123456789',
  tenantAccessToken: 't-bench0123456789abcdef0123456789abcdef',
  calendarId: 'feishu.cn_bench_alice@group.calendar.feishu.cn',
  eventId: '75d28f9b-e35c-4230-8a83-4a661497db54_0',
  meetingChatId: 'oc_a0553eda9014c201e6969b478895c230',
} as const
