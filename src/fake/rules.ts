// The platform's rules, one small function each: a rule returns what the next one needs, or the Refusal
// that answers the request. The order they run in is written once, in platform.ts.
import { specScopes, type AcceptedToken, type MockOperation } from '../contract/operations.js'
import { Refusal } from './refusal.js'
import { MIN_ATTENDEES, sameIdentity, eventKey, type AppState, type Caller, type CalendarState, type ChatState, type EventState, type PlatformState } from './state.js'

/** The gateway's own rate-limit code (frequency control): the one answer that carries `x-ogw-ratelimit-*` headers. */
export const GATEWAY_RATE_LIMITED = 99991400

/** The token of an Authorization header, and the security scheme it matched. */
export interface Bearer {
  readonly scheme: AcceptedToken['scheme']
  readonly prefix: string
  readonly value: string
}

/**
 * 1. The gateway reads the Authorization header of an operation that has security: missing (or no token
 * after `Bearer`) 99991661; another scheme or a token no accepted scheme's prefix starts 99991671.
 * Operations without security give `undefined`.
 *
 * @answers 99991661 no `Authorization` header, or no token after `Bearer`
 * @answers 99991671 another scheme than `Bearer`, or a token that starts with neither `t-` nor `u-`
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

/**
 * 2. The token: unknown or expired tenant token 99991663; unknown user token 99991668, expired 99991677.
 *
 * @answers 99991663 a tenant token the fake never issued or that expired (`tenantAccessTokens[].expiresIn`: 0)
 * @answers 99991668 a user token the fake does not know
 * @answers 99991677 a user token that expired (`userAccessTokens[].expiresIn`: 0)
 */
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

/**
 * 3. Scopes: the app has none of the operation's scopes 99991672 (naming them); the user granted none 99991679.
 *
 * @answers 99991672 an app granted none of the operation's scopes (`apps[].scopes`), with `permission_violations`
 * @answers 99991679 a user who granted none of them (`userAccessTokens[].scopes`)
 */
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
 * 4. Rate limits. First the gateway's frequency control, per app, tenant and operation (the seed's
 * `perOperation`, else the spec's `x-rate-limit`): 99991400 with the window's limit and reset, which the
 * gateway sends as `x-ogw-ratelimit-*` headers. A request it lets through counts there, and reaches the
 * calendar service's own limits, which the page names without numbers (none unless a seed sets them): per app
 * and operation 190004, per app 190005; they are the service's, so no `x-ogw-*` headers. A request counts in
 * a window only when that window's check let it through.
 *
 * @answers 99991400 more calls of one operation in a second or a minute, for one app and tenant, than the spec's `x-rate-limit` (50/s, 1000/min) or the app's `rateLimit.perOperation`; with `x-ogw-ratelimit-limit` and `-reset`
 * @answers 190004 more calls of one operation by one app than its `rateLimit.perMethod` (the calendar service's limit; none by default)
 * @answers 190005 more calls by one app, all operations together, than its `rateLimit.perApp` (the calendar service's limit; none by default)
 */
export function rateLimit(state: PlatformState, op: MockOperation, caller: Caller): Refusal | undefined {
  const app = state.apps.get(caller.appId)
  const now = state.clock.now()
  const gatewayKey = `gateway|${caller.appId}|${caller.tenantKey}|${op.id}`
  const gatewayLimited = state.limiter.exceeded(gatewayKey, app?.perOperation ?? op.rateLimit, now)
  if (gatewayLimited) return new Refusal(GATEWAY_RATE_LIMITED, { rateLimit: gatewayLimited })
  state.limiter.record(gatewayKey, now)
  const methodKey = `calendar|${caller.appId}|${op.id}`
  const appKey = `calendar|${caller.appId}`
  if (state.limiter.exceeded(methodKey, app?.perMethod, now)) return new Refusal(190004)
  if (state.limiter.exceeded(appKey, app?.perApp, now)) return new Refusal(190005)
  state.limiter.record(methodKey, now)
  state.limiter.record(appKey, now)
  return undefined
}

/**
 * 6. The identity: the app and the caller's tenant in different units 190006; an app without the bot
 * capability 190007; a user who left the tenant 195100.
 *
 * @answers 190006 an app served from another data unit than the caller's tenant (`apps[].unit` ≠ `tenants[].unit`)
 * @answers 190007 the app identity of an app without the bot capability (`apps[].bot`: false)
 * @answers 195100 a user who left the tenant (`users[].inTenant`: false)
 */
export function identity(state: PlatformState, caller: Caller): Refusal | undefined {
  if (state.apps.get(caller.appId)?.unit !== state.tenants.get(caller.tenantKey)?.unit) return new Refusal(190006)
  if (caller.kind === 'app' && !state.apps.get(caller.appId)?.bot) return new Refusal(190007)
  if (caller.kind === 'user' && !caller.inTenant) return new Refusal(195100)
  return undefined
}

/**
 * 7. The calendar: not found or another tenant's 191000; its tenant's own key deleted 190011 / 190012;
 * deleted 191003; no role for the caller 191002; not the caller's own primary calendar 191004 (the page's
 * precondition; the spec's `x-inference` of 191004 says why this code).
 *
 * @answers 191000 a calendar_id of the issued shape that no calendar has, or another tenant's calendar
 * @answers 190011 a calendar of a tenant that deleted its own key in the encrypt-and-decrypt state (`tenants[].deletedKey`: `encrypt`)
 * @answers 190012 a calendar of a tenant that deleted its own decrypt-only key (`tenants[].deletedKey`: `decrypt`)
 * @answers 191003 a deleted calendar (`calendars[].deleted`)
 * @answers 191002 a calendar on which the caller has no role (neither its owner nor in its `access`)
 * @answers 191004 a calendar that is not the caller's own primary one: not `primary` (`calendars[].type`), or another identity's primary calendar, whatever role the caller has on it
 */
export function calendar(state: PlatformState, caller: Caller, calendarId: string): Refusal | CalendarState {
  const found = state.calendars.get(calendarId)
  if (!found || found.tenantKey !== caller.tenantKey) return new Refusal(191000)
  const deletedKey = state.tenants.get(found.tenantKey)?.deletedKey
  if (deletedKey) return new Refusal(deletedKey === 'encrypt' ? 190011 : 190012)
  if (found.deleted) return new Refusal(191003)
  const owned = sameIdentity(found.owner, caller.ref)
  if (!owned && !found.access.some((a) => sameIdentity(a, caller.ref))) return new Refusal(191002)
  if (found.type !== 'primary' || !owned) return new Refusal(191004)
  return found
}

/**
 * 8. The event: not found in this calendar 193001, deleted 193003; organized by someone else who does not
 * let attendees modify it 193002.
 *
 * @answers 193001 an event the calendar does not hold (create: any event_id it does not hold)
 * @answers 193003 a deleted event (`events[].deleted`)
 * @answers 193002 an event another identity organized (`events[].organizer`), on the caller's calendar as an invitation, whose `attendeeAbility` is not `can_modify_event`
 */
export function event(state: PlatformState, calendarId: string, eventId: string, caller: Caller): Refusal | EventState {
  const found = state.events.get(eventKey(calendarId, eventId))
  if (!found) return new Refusal(193001)
  if (found.deleted) return new Refusal(193003)
  if (!sameIdentity(found.organizer, caller.ref) && found.attendeeAbility !== 'can_modify_event') return new Refusal(193002)
  return found
}

/**
 * 9. A write to the event: refused while another write still holds it, 190010.
 *
 * @answers 190010 a create or unbind of an event within `events[].writeHoldSeconds` of the last one that succeeded (two writes of one event at once)
 */
export function contention(state: PlatformState, found: EventState): Refusal | undefined {
  return state.clock.now() < found.heldUntil ? new Refusal(190010) : undefined
}

/**
 * 10a. Unbinding: the chat is not this event's meeting chat 195108; the caller does not own it 195107.
 *
 * @answers 195108 unbind: a chat not bound to this event (unknown, an ordinary chat, bound to another event, or already unbound)
 * @answers 195107 unbind: the event's meeting chat, owned by another identity (`chats[].owner`)
 */
export function boundChat(state: PlatformState, found: EventState, chatId: string, caller: Caller): Refusal | ChatState {
  const chat = state.chats.get(chatId)
  if (!chat || chat.boundTo?.calendarId !== found.calendarId || chat.boundTo.eventId !== found.eventId) return new Refusal(195108)
  if (!sameIdentity(chat.owner, caller.ref)) return new Refusal(195107)
  return chat
}

/**
 * 10b. Creating: fewer than 2 attendees, or an attendee list hidden from attendees, 195109.
 *
 * @answers 195109 create: an event with fewer than 2 attendees (`events[].attendees`) or a hidden attendee list (`attendeeListHidden`)
 */
export function chatAllowed(found: EventState): Refusal | undefined {
  if (found.attendees < MIN_ATTENDEES || found.attendeeListHidden) return new Refusal(195109)
  return undefined
}

/**
 * 11. The write itself, once every rule let it through: a seeded fault fails it with 190003 and changes
 * nothing (one fault used per write).
 *
 * @answers 190003 a create or unbind that passed every check, while the event has `internalErrors` left (each such write uses one, and changes nothing)
 */
export function fault(found: EventState): Refusal | undefined {
  if (found.internalErrors <= 0) return undefined
  found.internalErrors -= 1
  return new Refusal(190003)
}

/**
 * Token endpoints: the app of `app_id` (unknown 10003), its `app_secret` (wrong 10014), its type (other 10003).
 *
 * @answers 10003 token endpoints: an `app_id` the fake does not know, an app of the other type (self-built or store) than the endpoint's, or a store app not installed in the `tenant_key` asked for
 * @answers 10014 token endpoints: the wrong `app_secret` for the `app_id`
 */
export function appCredentials(state: PlatformState, appId: string, appSecret: string, type: AppState['type']): Refusal | AppState {
  const app = state.apps.get(appId)
  if (!app) return new Refusal(10003, { fieldViolations: [{ field: 'app_id', description: 'no such app' }] })
  if (app.appSecret !== appSecret) return new Refusal(10014)
  if (app.type !== type) return new Refusal(10003, { fieldViolations: [{ field: 'app_id', description: `not a ${type === 'store' ? 'store' : 'self-built'} app` }] })
  return app
}

/**
 * Token endpoints: a store app's ticket must be one the platform pushed and still accepts (10012).
 *
 * @answers 10012 a store app's `app_ticket` the fake never pushed, or older than its newest `ticketsPerApp`
 */
export function appTicket(app: AppState, ticket: string): Refusal | undefined {
  return app.tickets.includes(ticket) ? undefined : new Refusal(10012)
}

/**
 * Token endpoints: a live app token (99991664), of an app installed in the tenant asked for (10003).
 *
 * @answers 99991664 store tenant token: an `app_access_token` the fake never issued or that expired
 */
export function appInstalled(state: PlatformState, appAccessToken: string, tenantKey: string): Refusal | AppState {
  const t = state.tokens.get(appAccessToken)
  if (!state.live(t) || t.kind !== 'app') return new Refusal(99991664)
  const app = state.apps.get(t.appId)
  if (!app?.tenants.includes(tenantKey)) return new Refusal(10003, { fieldViolations: [{ field: 'tenant_key', description: 'the app is not installed in this tenant' }] })
  return app
}
