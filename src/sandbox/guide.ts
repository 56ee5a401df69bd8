// What a reader of the sandbox needs to start: each credential of its seed, and the ids that credential can
// act on. The platform model answers, not a copy of its rules: each credential gets its token the way a
// client gets it (the token endpoints' rules), then a try of unbind on every event that has a meeting chat
// and of create on every event that has none, on a throwaway platform built from the same seed (one per
// credential, for both operations: building it from a large seed is most of the cost). The
// sandbox's banner (src/cli/main.ts) and its docs console (`/docs/sandbox.json`) print what this finds.
import type { CatalogCode } from '../generated/catalog.js'
import type { OperationId } from '../generated/operations.js'
import { mockOperation } from '../contract/operations.js'
import type { JsonObject } from '../contract/walk.js'
import { createManualClock } from '../fake/clock.js'
import { createPlatform, type PlatformModel } from '../fake/platform.js'
import { Refusal } from '../fake/refusal.js'
import type { Seed } from '../fake/seed.js'

/** Unbind of the meeting chat of an event, which the credential would be allowed. */
export interface UnbindTarget {
  readonly calendarId: string
  readonly eventId: string
  readonly meetingChatId: string
}

/** Create of a meeting chat for an event that has none, which the credential would be allowed. */
export interface CreateTarget {
  readonly calendarId: string
  readonly eventId: string
}

/** One credential of the seed, how to use it, and what it can do. */
export interface GuideCredential {
  /** e.g. `app cli_demo_custom`, `store app cli_demo_store in demo-tenant`, `user ou_demo_alice`. */
  readonly label: string
  /** The environment that makes the CLI (and the docs' code samples) use it. */
  readonly env: Readonly<Record<string, string>>
  /** A token of the seed to send as `Authorization: Bearer ...` as it is (an app's seeded tenant token, a user token). */
  readonly token: { readonly scheme: 'tenant_access_token' | 'user_access_token'; readonly value: string } | undefined
  /** The first {@link MAX_TARGETS} unbinds it would be allowed, in seed order. */
  readonly unbind: readonly UnbindTarget[]
  /** The first {@link MAX_TARGETS} creates it would be allowed, in seed order (events with no meeting chat). */
  readonly create: readonly CreateTarget[]
  /** Whether there are more of either than listed. */
  readonly more: boolean
  /** When it can act on nothing: the code its first try is refused with (its token, else its first unbind, else its first create). */
  readonly refusal: CatalogCode | undefined
}

export interface SeedGuide {
  /** The first {@link MAX_CREDENTIALS} credentials: custom apps, store apps (per tenant), other tenant tokens, user tokens. */
  readonly credentials: readonly GuideCredential[]
  /** How many more credentials the seed holds. */
  readonly moreCredentials: number
}

export const MAX_TARGETS = 3
export const MAX_CREDENTIALS = 20

interface Candidate {
  readonly label: string
  readonly env: Record<string, string>
  readonly token: GuideCredential['token']
  /** Gets the credential's token on a platform, as a client would: the token, or the refusal. */
  readonly obtain: (platform: PlatformModel) => string | Refusal
}

const HOST = '127.0.0.1'
const tokenOf = (platform: PlatformModel, operationId: OperationId, body: JsonObject, field: string): string | Refusal => {
  const outcome = platform.perform({ op: mockOperation(operationId), caller: undefined, input: { params: {}, query: {}, body }, host: HOST })
  if (outcome instanceof Refusal) return outcome
  const value = outcome.fields[field]
  return typeof value === 'string' ? value : new Refusal(190003)
}

function candidates(seed: Seed): Candidate[] {
  const list: Candidate[] = []
  const attached = new Set<string>()
  for (const app of seed.apps ?? []) {
    if ((app.type ?? 'custom') === 'custom') {
      // The tenant token the app's credentials get (its first tenant's), when the seed holds one: shown with it.
      const seeded = (seed.tenantAccessTokens ?? []).find((t) => t.appId === app.appId && t.tenantKey === app.tenants[0] && (t.expiresIn ?? 1) > 0)
      if (seeded) attached.add(seeded.token)
      list.push({
        label: `app ${app.appId}`,
        env: { FEISHU_APP_ID: app.appId, FEISHU_APP_SECRET: app.appSecret },
        token: seeded && { scheme: 'tenant_access_token', value: seeded.token },
        obtain: (p) => tokenOf(p, 'getTenantAccessTokenInternal', { app_id: app.appId, app_secret: app.appSecret }, 'tenant_access_token'),
      })
      continue
    }
    const ticket = app.appTickets?.at(-1) ?? ''
    for (const tenantKey of app.tenants) {
      list.push({
        label: `store app ${app.appId} in ${tenantKey}`,
        env: { FEISHU_APP_ID: app.appId, FEISHU_APP_SECRET: app.appSecret, FEISHU_APP_TICKET: ticket, FEISHU_TENANT_KEY: tenantKey },
        token: undefined,
        obtain: (p) => {
          const appToken = tokenOf(p, 'getAppAccessToken', { app_id: app.appId, app_secret: app.appSecret, app_ticket: ticket }, 'app_access_token')
          return appToken instanceof Refusal ? appToken : tokenOf(p, 'getTenantAccessToken', { app_access_token: appToken, tenant_key: tenantKey }, 'tenant_access_token')
        },
      })
    }
  }
  for (const t of seed.tenantAccessTokens ?? []) {
    if (attached.has(t.token)) continue
    list.push({ label: `tenant token of ${t.appId}`, env: { FEISHU_TENANT_ACCESS_TOKEN: t.token }, token: { scheme: 'tenant_access_token', value: t.token }, obtain: () => t.token })
  }
  for (const t of seed.userAccessTokens ?? []) {
    list.push({ label: `user ${t.userId}`, env: { FEISHU_USER_ACCESS_TOKEN: t.token }, token: { scheme: 'user_access_token', value: t.token }, obtain: () => t.token })
  }
  return list
}

interface Found {
  readonly allowed: UnbindTarget[]
  more: boolean
  refusal: Refusal | undefined
}

/**
 * Tries unbind on every event of the seed that has a meeting chat, and create on every event that has none,
 * on a platform of its own: the targets allowed, and the first refusal. Each event is tried once, so what a
 * success changes (a chat unbound, a chat created) is never seen by another try.
 */
function probe(seed: Seed, candidate: Candidate): { unbind: Found; create: Found } {
  // A clock that stands still but between the two operations: seeded token lifetimes are as at the
  // sandbox's start, and the unbind tries count in no rate-limit window of the create tries.
  const clock = createManualClock()
  const platform = createPlatform(seed, clock)
  const chats = new Map((seed.events ?? []).map((e) => [e, platform.state.meetingChat(e.calendarId, e.eventId)?.chatId]))
  const unbind: Found = { allowed: [], more: false, refusal: undefined }
  const create: Found = { allowed: [], more: false, refusal: undefined }
  const token = candidate.obtain(platform)
  if (token instanceof Refusal) return { unbind: { ...unbind, refusal: token }, create }
  for (const [operationId, found] of [['unbindMeetingChat', unbind], ['createMeetingChat', create]] as const) {
    const op = mockOperation(operationId)
    const caller = platform.admit(op, `Bearer ${token}`)
    if (caller instanceof Refusal) {
      found.refusal = caller
      continue
    }
    for (const [event, chatId] of chats) {
      if ((operationId === 'unbindMeetingChat') !== (chatId !== undefined)) continue
      const outcome = platform.perform({
        op,
        caller,
        input: { params: { calendar_id: event.calendarId, event_id: event.eventId }, query: chatId === undefined ? {} : { meeting_chat_id: chatId }, body: undefined },
        host: HOST,
      })
      if (outcome instanceof Refusal) {
        found.refusal ??= outcome
        continue
      }
      if (found.allowed.length === MAX_TARGETS) {
        found.more = true
        break
      }
      found.allowed.push({ calendarId: event.calendarId, eventId: event.eventId, meetingChatId: chatId ?? '' })
    }
    clock.advance(61_000)
  }
  return { unbind, create }
}

/** Each credential of the seed (the first {@link MAX_CREDENTIALS}) with the ids it can act on. */
export function seedGuide(seed: Seed): SeedGuide {
  const all = candidates(seed)
  const credentials = all.slice(0, MAX_CREDENTIALS).map((candidate): GuideCredential => {
    const { unbind, create } = probe(seed, candidate)
    const acts = unbind.allowed.length + create.allowed.length > 0
    return {
      label: candidate.label,
      env: candidate.env,
      token: candidate.token,
      unbind: unbind.allowed,
      create: create.allowed.map(({ calendarId, eventId }) => ({ calendarId, eventId })),
      more: unbind.more || create.more,
      refusal: acts ? undefined : (unbind.refusal ?? create.refusal)?.code,
    }
  })
  return { credentials, moreCredentials: all.length - credentials.length }
}
