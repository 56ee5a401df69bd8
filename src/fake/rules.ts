// The platform's rules, one small function each: a rule returns what the next one needs, or the Refusal
// that answers the request. The order they run in is written once, in platform.ts.
import { specScopes, type AcceptedToken, type MockOperation } from '../contract/operations.js'
import { Refusal } from './refusal.js'
import type { AccessRole } from './seed.js'
import { MIN_ATTENDEES, sameIdentity, eventKey, type AppState, type Caller, type CalendarState, type ChatState, type EventState, type PlatformState } from './state.js'

/** The token of an Authorization header, and the security scheme it matched. */
export interface Bearer {
  readonly scheme: AcceptedToken['scheme']
  readonly prefix: string
  readonly value: string
}

const EDIT_ROLES: readonly AccessRole[] = ['writer', 'owner']

/**
 * 1. The gateway reads the Authorization header of an operation that has security: missing (or no token
 * after `Bearer`) 99991661; another scheme or a token no accepted scheme's prefix starts 99991671.
 * Operations without security give `undefined`.
 */
export function gateway(op: MockOperation, authorization: string | null): Refusal | Bearer | undefined {
  if (op.tokens.length === 0) return undefined
  const header = authorization?.trim() ?? ''
  if (header === '') return new Refusal(99991661)
  const match = /^(\S+)(?:\s+(.*))?$/.exec(header)
  const scheme = match?.[1] ?? ''
  const value = match?.[2]?.trim() ?? ''
  if (scheme.toLowerCase() !== 'bearer') return new Refusal(99991671)
  if (value === '') return new Refusal(99991661)
  const accepted = op.tokens.find((t) => value.startsWith(t.prefix))
  if (!accepted) return new Refusal(99991671)
  return { scheme: accepted.scheme, prefix: accepted.prefix, value }
}

/** 2. The token: unknown or expired tenant token 99991663; unknown user token 99991668, expired 99991677. */
export function token(state: PlatformState, bearer: Bearer): Refusal | Caller {
  const t = state.tokens.get(bearer.value)
  if (bearer.scheme === 'user_access_token') {
    if (!t || t.kind !== 'user' || t.userId === undefined) return new Refusal(99991668)
    if (!state.live(t)) return new Refusal(99991677)
    const user = state.users.get(t.userId)
    return { kind: 'user', appId: t.appId, userId: t.userId, tenantKey: user?.tenantKey ?? '', inTenant: user?.inTenant ?? false, ref: { userId: t.userId } }
  }
  if (!state.live(t) || t.kind !== 'tenant' || t.tenantKey === undefined) return new Refusal(99991663)
  return { kind: 'app', appId: t.appId, tenantKey: t.tenantKey, ref: { appId: t.appId } }
}

/** 3. Scopes: the app has none of the operation's scopes 99991672 (naming them); the user granted none 99991679. */
export function scope(state: PlatformState, op: MockOperation, caller: Caller, bearer: Bearer): Refusal | undefined {
  if (op.requiredScopes.length === 0) return undefined
  const granted = (list: readonly string[] | undefined) => (list ?? specScopes()).some((s) => op.requiredScopes.includes(s))
  if (!granted(state.apps.get(caller.appId)?.scopes)) {
    return new Refusal(99991672, { permissionViolations: op.requiredScopes.map((subject) => ({ type: 'action_scope_required', subject })) })
  }
  if (caller.kind === 'user' && !granted(state.tokens.get(bearer.value)?.scopes)) return new Refusal(99991679)
  return undefined
}

/**
 * 4. Rate limits, per app and operation 190004 (the seed's, else the spec's `x-rate-limit`), then per app
 * 190005. A request that passes counts in both; a refused one counts in neither.
 */
export function rateLimit(state: PlatformState, op: MockOperation, caller: Caller): Refusal | undefined {
  const app = state.apps.get(caller.appId)
  const now = state.clock.now()
  const opKey = `${caller.appId}|${op.id}`
  const perOperation = state.limiter.exceeded(opKey, app?.perOperation ?? op.rateLimit, now)
  if (perOperation) return new Refusal(190004, { rateLimit: perOperation })
  const perApp = state.limiter.exceeded(caller.appId, app?.perApp, now)
  if (perApp) return new Refusal(190005, { rateLimit: perApp })
  state.limiter.record(opKey, now)
  state.limiter.record(caller.appId, now)
  return undefined
}

/** 5. The identity: an app without the bot capability 190007; a user who left the tenant 195100. */
export function identity(state: PlatformState, caller: Caller): Refusal | undefined {
  if (caller.kind === 'app' && !state.apps.get(caller.appId)?.bot) return new Refusal(190007)
  if (caller.kind === 'user' && !caller.inTenant) return new Refusal(195100)
  return undefined
}

/**
 * 6. The calendar: not found or another tenant's 191000, deleted 191003, no role for the caller 191002,
 * not a primary calendar 191004. Gives the caller's role.
 */
export function calendar(state: PlatformState, caller: Caller, calendarId: string): Refusal | { readonly calendar: CalendarState; readonly role: AccessRole } {
  const found = state.calendars.get(calendarId)
  if (!found || found.tenantKey !== caller.tenantKey) return new Refusal(191000)
  if (found.deleted) return new Refusal(191003)
  const role = sameIdentity(found.owner, caller.ref) ? 'owner' : found.access.find((a) => sameIdentity(a, caller.ref))?.role
  if (!role) return new Refusal(191002)
  if (found.type !== 'primary') return new Refusal(191004)
  return { calendar: found, role }
}

/** 7. The event: not found in this calendar 193001, deleted 193003, the caller's role below writer 193002. */
export function event(state: PlatformState, calendarId: string, eventId: string, role: AccessRole): Refusal | EventState {
  const found = state.events.get(eventKey(calendarId, eventId))
  if (!found) return new Refusal(193001)
  if (found.deleted) return new Refusal(193003)
  if (!EDIT_ROLES.includes(role)) return new Refusal(193002)
  return found
}

/** 8a. Unbinding: the chat is not this event's meeting chat 195108; the caller does not own it 195107. */
export function boundChat(state: PlatformState, found: EventState, chatId: string, caller: Caller): Refusal | ChatState {
  const chat = state.chats.get(chatId)
  if (!chat || chat.boundTo?.calendarId !== found.calendarId || chat.boundTo.eventId !== found.eventId) return new Refusal(195108)
  if (!sameIdentity(chat.owner, caller.ref)) return new Refusal(195107)
  return chat
}

/** 8b. Creating: fewer than 2 attendees, or an attendee list hidden from attendees, 195109. */
export function chatAllowed(found: EventState): Refusal | undefined {
  if (found.attendees < MIN_ATTENDEES || found.attendeeListHidden) return new Refusal(195109)
  return undefined
}

/** Token endpoints: the app of `app_id` (unknown 10003), its `app_secret` (wrong 10014), its type (other 10003). */
export function appCredentials(state: PlatformState, appId: string, appSecret: string, type: AppState['type']): Refusal | AppState {
  const app = state.apps.get(appId)
  if (!app) return new Refusal(10003, { fieldViolations: [{ field: 'app_id', description: 'no such app' }] })
  if (app.appSecret !== appSecret) return new Refusal(10014)
  if (app.type !== type) return new Refusal(10003, { fieldViolations: [{ field: 'app_id', description: `not a ${type === 'store' ? 'store' : 'self-built'} app` }] })
  return app
}

/** Token endpoints: a store app's ticket must be one the platform pushed and still accepts (10012). */
export function appTicket(app: AppState, ticket: string): Refusal | undefined {
  return app.tickets.includes(ticket) ? undefined : new Refusal(10012)
}

/** Token endpoints: a live app token (99991664), of an app installed in the tenant asked for (10003). */
export function appInstalled(state: PlatformState, appAccessToken: string, tenantKey: string): Refusal | AppState {
  const t = state.tokens.get(appAccessToken)
  if (!state.live(t) || t.kind !== 'app') return new Refusal(99991664)
  const app = state.apps.get(t.appId)
  if (!app?.tenants.includes(tenantKey)) return new Refusal(10003, { fieldViolations: [{ field: 'tenant_key', description: 'the app is not installed in this tenant' }] })
  return app
}
