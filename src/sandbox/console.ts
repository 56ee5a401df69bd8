// What the docs page needs to be a console of this sandbox, served at /docs/sandbox.json: the sandbox's URL,
// a credential of its seed with a token to send and the ids it can act on, the token operations' bodies
// filled from the seed's apps, and every credential as the banner lists it. The page (scripts/docs-site/)
// asks for it; a docs site published elsewhere has no such file, and stays a reference.
import type { OperationId } from '../generated/operations.js'
import type { Seed } from '../fake/seed.js'
import { seedGuide, type GuideCredential } from './guide.js'

export interface ConsoleInfo {
  readonly sandbox: 'feishu-meeting-chat'
  /** Where the console sends, e.g. http://127.0.0.1:8787 (the page's own origin). */
  readonly url: string
  /** The credential the console sends with, and the path and query parameters it fills in; `null` when none can act. */
  readonly prefill: {
    readonly label: string
    readonly scheme: 'tenant_access_token' | 'user_access_token'
    readonly token: string
    /** By parameter name: `calendar_id`, `event_id`, `meeting_chat_id`. */
    readonly parameters: Readonly<Record<string, string>>
  } | null
  /** Request bodies of the token operations, from the seed's first self-built app and first store app. */
  readonly bodies: Partial<Record<OperationId, Readonly<Record<string, string>>>>
  readonly credentials: readonly GuideCredential[]
}

export function consoleInfo(url: string, seed: Seed): ConsoleInfo {
  const { credentials } = seedGuide(seed)
  // A token the page can send as it is, and an unbind it may make: the banner's ready curl command, in the page.
  const chosen = credentials.find((c) => c.token && c.unbind.length > 0)
  const target = chosen?.unbind[0]
  const selfBuilt = credentials.find((c) => c.env.FEISHU_APP_ID !== undefined && c.env.FEISHU_APP_TICKET === undefined)?.env
  const store = credentials.find((c) => c.env.FEISHU_APP_TICKET !== undefined)?.env
  const bodies: ConsoleInfo['bodies'] = {
    ...(selfBuilt && { getTenantAccessTokenInternal: { app_id: selfBuilt.FEISHU_APP_ID ?? '', app_secret: selfBuilt.FEISHU_APP_SECRET ?? '' } }),
    ...(store && {
      getAppAccessToken: { app_id: store.FEISHU_APP_ID ?? '', app_secret: store.FEISHU_APP_SECRET ?? '', app_ticket: store.FEISHU_APP_TICKET ?? '' },
      getTenantAccessToken: { app_access_token: 'the app_access_token from app_access_token', tenant_key: store.FEISHU_TENANT_KEY ?? '' },
      resendAppTicket: { app_id: store.FEISHU_APP_ID ?? '', app_secret: store.FEISHU_APP_SECRET ?? '' },
    }),
  }
  return {
    sandbox: 'feishu-meeting-chat',
    url,
    prefill: chosen?.token && target
      ? { label: chosen.label, scheme: chosen.token.scheme, token: chosen.token.value, parameters: { calendar_id: target.calendarId, event_id: target.eventId, meeting_chat_id: target.meetingChatId } }
      : null,
    bodies,
    credentials,
  }
}
