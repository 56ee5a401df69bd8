// Type tests (issue 10): compiled by `npm run typecheck` (tsc over test/), never run. Each @ts-expect-error
// line must fail to compile; if one compiles, tsc reports the unused directive and `npm test` fails.
import { createMeetingChatClient, FeishuApiError, type CodeOfKind, type ErrorKind } from '../../src/index.ts'

const client = createMeetingChatClient({ auth: { tenantAccessToken: 't-x' } })
const calendarId = 'feishu.cn_abc@group.calendar.feishu.cn'
const eventId = 'evt_0'

// @ts-expect-error a missing id: meetingChatId is required
void client.unbindMeetingChat({ calendarId, eventId })
// @ts-expect-error a misspelled id name
void client.createMeetingChat({ calendarId, eventID: eventId })

export function handle(error: unknown): string {
  if (!(error instanceof FeishuApiError)) return 'not ours'
  // A documented code compiles.
  if (error.code === 195108) return 'already unbound'
  // @ts-expect-error a code the catalog does not have
  if (error.code === 123456789) return 'never'
  // @ts-expect-error a misspelled kind
  if (error.kind === 'ratelimited') return 'never'
  // @ts-expect-error operation is an operationId of the spec
  if (error.operation === 'unbindChat') return 'never'
  if (error.operation === 'unbindMeetingChat') return 'the unbind'

  if (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'protocol') {
    // Narrowed: no platform answer, no code.
    const none: null = error.code
    return String(none)
  }
  if (error.kind === 'rate_limited') {
    const limited: CodeOfKind<'rate_limited'> | null = error.code
    // @ts-expect-error 195108 is not a rate-limit code
    if (error.code === 195108) return 'never'
    return String(limited)
  }
  const kind: ErrorKind = error.kind
  return kind
}

// The error's fields are read-only.
declare const e: FeishuApiError
// @ts-expect-error
e.kind = 'auth'
