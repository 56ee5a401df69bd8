// The stateful fake: an in-memory platform (tenants, apps, users, calendars, events, meeting chats,
// tokens, rate limits) that answers by the source document's rules. Every code, status and msg it sends
// comes from the spec's catalog; success bodies are the spec's 2xx examples with the fake's values.
//
// Order of checks (the first that fails answers):
//  1. Authorization header: missing 99991661, not `Bearer t-/u-...` 99991671
//  2. token: unknown/expired tenant token 99991663; unknown user token 99991668, expired 99991677
//  3. scopes: the app lacks all the operation's scopes 99991672; the user granted none 99991679
//  4. rate limit: per app and operation 190004, per app 190005 (with x-ogw-ratelimit-* headers)
//  5. parameters and body: 190002 (token endpoints: 10003)
//  6. answers scripted with respond() (faults)
//  7. identity: app without bot 190007; user not in the tenant 195100
//  8. calendar: not found (or another tenant's) 191000, deleted 191003, no access role 191002, not primary 191004
//  9. event: not found 193001, deleted 193003, role below writer 193002
// 10. chat: create with < 2 attendees or a hidden attendee list 195109; unbind of a chat not bound to
//     this event 195108, by someone other than its owner 195107
import type { CatalogCode } from '../generated/catalog.js'
import type { OperationId } from '../generated/operations.js'
import { isObject, type Json } from '../contract/walk.js'
import { AnswerScript, resolveAnswer, type Answer, type AnswerOptions } from './answers.js'
import { systemClock, type Clock } from '../fake/clock.js'
import { randomHex } from '../fake/ids.js'
import { schemePrefix, specScopes, type MockOperation, type RateLimit } from '../contract/operations.js'
import { createResponder, rejectionResponse, renderAnswer, type CallRecord, type MockResponder } from './responder.js'
import { errorResponse, jsonResponse, RATE_LIMIT_LIMIT_HEADER, RATE_LIMIT_RESET_HEADER, withFields, type ErrorDetails } from './respond.js'
import { checkAuthorization, checkInput, type BearerToken, type ValidInput } from './validate.js'
import { validateSeed, type AccessRole, type CalendarType, type IdentityRef, type Platform, type Seed } from '../fake/seed.js'

export interface FakeOptions {
  /** Time for token expiry and rate-limit windows (default: the system clock). Use a manual clock in tests. */
  readonly clock?: Clock
  /** Lifetime of the tokens the fake issues, in seconds: 1 to 7200 (default 7200, the platform's maximum). */
  readonly tokenTtlSeconds?: number
  /** A token with more than this many seconds left is returned again instead of a new one (default 1800). */
  readonly refreshWindowSeconds?: number
}

/** A meeting chat (or ordinary chat) as the fake holds it. */
export interface FakeChat {
  readonly chatId: string
  readonly owner: IdentityRef
  readonly boundTo: { readonly calendarId: string; readonly eventId: string } | undefined
}

/** A token the fake knows: seeded or issued. */
export interface FakeToken {
  readonly token: string
  readonly kind: 'tenant' | 'app' | 'user'
  readonly appId: string
  readonly tenantKey: string | undefined
  readonly userId: string | undefined
  /** Milliseconds since the epoch, by the fake's clock. */
  readonly expiresAt: number
}

/** A request to re-push an app ticket (`app_ticket/resend`): the ticket the push would deliver. */
export interface TicketPush {
  readonly appId: string
  /** The new ticket, already accepted by the fake: use it as if the app_ticket event had arrived. */
  readonly ticket: string
  readonly at: number
}

/** The stateful fake of the platform. */
export interface Fake extends MockResponder {
  readonly clock: Clock
  /**
   * Makes an operation answer something else than its rules would, e.g. a fault: `{ code: 190003 }`
   * (500), `{ status: 502 }` (the gateway's HTML page), `{ networkError: true }` (dropped connection).
   * With `times` it answers that many requests, then the rules take over again. Scripted answers come
   * after the checks of the Authorization header, token, scopes, rate limit and input.
   */
  respond(operationId: OperationId, answer: Answer, options?: AnswerOptions): void
  /** Drops scripted answers, for one operation or all. */
  resetAnswers(operationId?: OperationId): void
  /** Scripted answers with `times` not used yet, per operation. */
  pending(): Partial<Record<OperationId, number>>
  /** Every request answered so far, oldest first. */
  readonly calls: readonly CallRecord[]
  /** How many requests an operation has answered (e.g. token fetches). */
  count(operationId: OperationId): number
  /** Every chat, in creation order. */
  readonly chats: readonly FakeChat[]
  chat(chatId: string): FakeChat | undefined
  /** Every token, seeded or issued. */
  readonly tokens: readonly FakeToken[]
  /** Every `app_ticket/resend` that succeeded. */
  readonly ticketPushes: readonly TicketPush[]
  /** The current state as a seed (token lifetimes counted from now), e.g. to save and load later. */
  snapshot(): Seed
}

interface AppState {
  readonly appId: string
  readonly appSecret: string
  readonly type: 'custom' | 'store'
  readonly tenants: readonly string[]
  readonly bot: boolean
  readonly tickets: string[]
  readonly scopes: readonly string[] | undefined
  readonly perOperation: RateLimit | undefined
  readonly perApp: RateLimit | undefined
}

interface CalendarState {
  readonly calendarId: string
  readonly tenantKey: string
  readonly owner: IdentityRef
  readonly type: CalendarType
  readonly deleted: boolean
  readonly access: readonly (IdentityRef & { readonly role: AccessRole })[]
}

interface EventState {
  readonly calendarId: string
  readonly eventId: string
  readonly attendees: number
  readonly attendeeListHidden: boolean
  readonly deleted: boolean
}

interface ChatState {
  readonly chatId: string
  readonly owner: IdentityRef
  boundTo: { readonly calendarId: string; readonly eventId: string } | undefined
}

interface TokenState extends FakeToken {
  readonly scopes?: readonly string[] | undefined
}

type Caller =
  | { readonly kind: 'app'; readonly appId: string; readonly tenantKey: string; readonly ref: IdentityRef }
  | { readonly kind: 'user'; readonly appId: string; readonly tenantKey: string; readonly userId: string; readonly inTenant: boolean; readonly ref: IdentityRef }

interface Context {
  readonly op: MockOperation
  readonly request: Request
  readonly input: ValidInput
  readonly caller: Caller | undefined
  readonly logId: string
}

// From the source document: a meeting chat needs at least 2 attendees.
const MIN_ATTENDEES = 2
const EDIT_ROLES: readonly AccessRole[] = ['writer', 'owner']
const MAX_TTL_SECONDS = 7200
// The platform's applink host for Lark; the Feishu one comes from the spec's create example.
const LARK_APPLINK_HOST = 'applink.larksuite.com'

const sameIdentity = (a: IdentityRef, b: IdentityRef) =>
  (a.userId !== undefined && a.userId === b.userId) || (a.appId !== undefined && a.appId === b.appId)
const eventKey = (calendarId: string, eventId: string) => `${calendarId}\n${eventId}`

class RateLimiter {
  readonly #buckets = new Map<string, { window: number; count: number }>()

  /** The limit a new request would exceed, with seconds until its window resets; undefined if none. */
  exceeded(key: string, limit: RateLimit | undefined, now: number): { limit: number; reset: number } | undefined {
    for (const [size, max] of [[1000, limit?.perSecond], [60_000, limit?.perMinute]] as const) {
      if (max === undefined) continue
      const window = Math.floor(now / size)
      const bucket = this.#buckets.get(`${key}|${size}`)
      if (bucket && bucket.window === window && bucket.count >= max) {
        return { limit: max, reset: Math.max(1, Math.ceil(((window + 1) * size - now) / 1000)) }
      }
    }
    return undefined
  }

  record(key: string, now: number): void {
    for (const size of [1000, 60_000]) {
      const window = Math.floor(now / size)
      const bucket = this.#buckets.get(`${key}|${size}`)
      if (bucket && bucket.window === window) bucket.count += 1
      else this.#buckets.set(`${key}|${size}`, { window, count: 1 })
    }
  }
}

/**
 * Creates the stateful fake from a seed (validated: a bad seed throws a `SeedError` listing the problems).
 *
 * @example
 * const clock = createManualClock()
 * const fake = createFake(demoSeed(), { clock })
 * server.use(...createHandlers(fake))
 */
export function createFake(seed: Seed, options: FakeOptions = {}): Fake {
  validateSeed(seed)
  const clock = options.clock ?? systemClock
  const ttl = options.tokenTtlSeconds ?? MAX_TTL_SECONDS
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) throw new RangeError(`tokenTtlSeconds must be an integer from 1 to ${MAX_TTL_SECONDS}, got ${ttl}`)
  const refreshWindow = options.refreshWindowSeconds ?? 1800
  const createdAt = clock.now()
  const tenantPrefix = schemePrefix('tenant_access_token')

  const tenants = new Map(seed.tenants.map((t) => [t.tenantKey, { tenantKey: t.tenantKey, platform: t.platform ?? ('feishu' as Platform) }]))
  const apps = new Map<string, AppState>(
    (seed.apps ?? []).map((a) => [
      a.appId,
      {
        appId: a.appId,
        appSecret: a.appSecret,
        type: a.type ?? 'custom',
        tenants: [...a.tenants],
        bot: a.bot ?? true,
        tickets: [...(a.appTickets ?? [])],
        scopes: a.scopes ? [...a.scopes] : undefined,
        perOperation: a.rateLimit?.perOperation,
        perApp: a.rateLimit?.perApp,
      },
    ]),
  )
  const users = new Map((seed.users ?? []).map((u) => [u.userId, { userId: u.userId, tenantKey: u.tenantKey, inTenant: u.inTenant ?? true }]))
  const ownerTenant = (owner: IdentityRef): string =>
    owner.userId !== undefined ? (users.get(owner.userId)?.tenantKey ?? '') : (apps.get(owner.appId)?.tenants[0] ?? '')
  const calendars = new Map<string, CalendarState>(
    (seed.calendars ?? []).map((c) => [
      c.calendarId,
      { calendarId: c.calendarId, tenantKey: c.tenantKey ?? ownerTenant(c.owner), owner: c.owner, type: c.type ?? 'primary', deleted: c.deleted ?? false, access: c.access ?? [] },
    ]),
  )
  const events = new Map<string, EventState>(
    (seed.events ?? []).map((e) => [
      eventKey(e.calendarId, e.eventId),
      { calendarId: e.calendarId, eventId: e.eventId, attendees: e.attendees ?? MIN_ATTENDEES, attendeeListHidden: e.attendeeListHidden ?? false, deleted: e.deleted ?? false },
    ]),
  )
  const chats = new Map<string, ChatState>((seed.chats ?? []).map((c) => [c.chatId, { chatId: c.chatId, owner: c.owner, boundTo: c.boundTo }]))
  const expiry = (expiresIn: number | undefined) => createdAt + (expiresIn ?? MAX_TTL_SECONDS) * 1000
  const tokens = new Map<string, TokenState>()
  for (const t of seed.tenantAccessTokens ?? []) tokens.set(t.token, { token: t.token, kind: 'tenant', appId: t.appId, tenantKey: t.tenantKey, userId: undefined, expiresAt: expiry(t.expiresIn) })
  for (const t of seed.appAccessTokens ?? []) tokens.set(t.token, { token: t.token, kind: 'app', appId: t.appId, tenantKey: undefined, userId: undefined, expiresAt: expiry(t.expiresIn) })
  for (const t of seed.userAccessTokens ?? []) {
    tokens.set(t.token, { token: t.token, kind: 'user', appId: t.appId, tenantKey: users.get(t.userId)?.tenantKey, userId: t.userId, expiresAt: expiry(t.expiresIn), scopes: t.scopes })
  }
  const ticketPushes: TicketPush[] = []
  const limiter = new RateLimiter()
  const script = new AnswerScript()

  const live = (t: TokenState | undefined): t is TokenState => t !== undefined && clock.now() < t.expiresAt

  /** Returns the live token of (kind, app, tenant) while it has more than the refresh window left, else a new one. */
  function issue(kind: 'tenant' | 'app', appId: string, tenantKey: string | undefined): { token: string; expire: number } {
    const now = clock.now()
    let newest: TokenState | undefined
    for (const t of tokens.values()) {
      if (t.kind === kind && t.appId === appId && t.tenantKey === tenantKey && live(t) && (!newest || t.expiresAt > newest.expiresAt)) newest = t
    }
    if (newest && newest.expiresAt - now > refreshWindow * 1000) {
      return { token: newest.token, expire: Math.min(MAX_TTL_SECONDS, Math.floor((newest.expiresAt - now) / 1000)) }
    }
    const token = `${kind === 'tenant' ? tenantPrefix : 'a-'}${randomHex(40)}`
    tokens.set(token, { token, kind, appId, tenantKey, userId: undefined, expiresAt: now + ttl * 1000 })
    return { token, expire: ttl }
  }

  type Outcome = Response | Caller

  function authenticate(bearer: BearerToken, logId: string): Outcome {
    const t = tokens.get(bearer.value)
    if (bearer.scheme === 'user_access_token') {
      if (!t || t.kind !== 'user' || t.userId === undefined) return errorResponse(99991668, logId)
      if (!live(t)) return errorResponse(99991677, logId)
      const user = users.get(t.userId)
      return { kind: 'user', appId: t.appId, userId: t.userId, tenantKey: user?.tenantKey ?? '', inTenant: user?.inTenant ?? false, ref: { userId: t.userId } }
    }
    if (!live(t) || t.kind !== 'tenant' || t.tenantKey === undefined) return errorResponse(99991663, logId)
    return { kind: 'app', appId: t.appId, tenantKey: t.tenantKey, ref: { appId: t.appId } }
  }

  function checkScopes(op: MockOperation, caller: Caller, bearer: BearerToken, logId: string): Response | undefined {
    if (op.requiredScopes.length === 0) return undefined
    const violations = op.requiredScopes.map((subject) => ({ type: 'action_scope_required', subject }))
    const granted = (list: readonly string[] | undefined) => (list ?? specScopes()).some((s) => op.requiredScopes.includes(s))
    if (!granted(apps.get(caller.appId)?.scopes)) return errorResponse(99991672, logId, { permissionViolations: violations })
    if (caller.kind === 'user' && !granted(tokens.get(bearer.value)?.scopes)) return errorResponse(99991679, logId)
    return undefined
  }

  function checkRate(op: MockOperation, caller: Caller, logId: string): Response | undefined {
    const app = apps.get(caller.appId)
    const now = clock.now()
    const opKey = `${caller.appId}|${op.id}`
    const appKey = caller.appId
    const limited = (code: CatalogCode, hit: { limit: number; reset: number }) =>
      errorResponse(code, logId, { headers: { [RATE_LIMIT_LIMIT_HEADER]: String(hit.limit), [RATE_LIMIT_RESET_HEADER]: String(hit.reset) } })
    const perOperation = limiter.exceeded(opKey, app?.perOperation ?? op.rateLimit, now)
    if (perOperation) return limited(190004, perOperation)
    const perApp = limiter.exceeded(appKey, app?.perApp, now)
    if (perApp) return limited(190005, perApp)
    limiter.record(opKey, now)
    limiter.record(appKey, now)
    return undefined
  }

  const fail = (ctx: Context, code: CatalogCode, details?: ErrorDetails) => errorResponse(code, ctx.logId, details)
  const bodyString = (ctx: Context, key: string) => {
    const value = ctx.input.body?.[key]
    return typeof value === 'string' ? value : ''
  }

  function success(ctx: Context, fields: Readonly<Record<string, Json>> = {}): Response {
    const example = ctx.op.answers.find((a) => a.status >= 200 && a.status < 300)
    if (!example) throw new Error(`${ctx.op.id} documents no success example`)
    return jsonResponse(example.status, withFields(example, fields), ctx.logId)
  }

  /** Steps 7-9: the caller, its calendar and the event; returns the event and the caller's role, or the refusal. */
  function locateEvent(ctx: Context): Response | { event: EventState; caller: Caller } {
    const caller = ctx.caller
    if (!caller) throw new Error(`${ctx.op.id} has no security in the spec, but the fake treats it as a calendar operation`)
    if (caller.kind === 'app' && !apps.get(caller.appId)?.bot) return fail(ctx, 190007)
    if (caller.kind === 'user' && !caller.inTenant) return fail(ctx, 195100)
    const calendarId = ctx.input.params.calendar_id ?? ''
    const eventId = ctx.input.params.event_id ?? ''
    const calendar = calendars.get(calendarId)
    if (!calendar || calendar.tenantKey !== caller.tenantKey) return fail(ctx, 191000)
    if (calendar.deleted) return fail(ctx, 191003)
    const role: AccessRole | undefined = sameIdentity(calendar.owner, caller.ref) ? 'owner' : calendar.access.find((a) => sameIdentity(a, caller.ref))?.role
    if (!role) return fail(ctx, 191002)
    if (calendar.type !== 'primary') return fail(ctx, 191004)
    const event = events.get(eventKey(calendarId, eventId))
    if (!event) return fail(ctx, 193001)
    if (event.deleted) return fail(ctx, 193003)
    if (!EDIT_ROLES.includes(role)) return fail(ctx, 193002)
    return { event, caller }
  }

  function applink(ctx: Context, chatId: string, tenantKey: string): string {
    const example = ctx.op.answers.find((a) => a.status === 200)?.value
    const data = isObject(example) && isObject(example.data) ? example.data : undefined
    if (typeof data?.applink !== 'string') throw new Error(`${ctx.op.id}'s success example has no data.applink to model applinks on`)
    const link = new URL(data.applink)
    link.searchParams.set('openChatId', chatId)
    const host = new URL(ctx.request.url).hostname
    const platform: Platform = host.endsWith('larksuite.com') ? 'lark' : host.endsWith('feishu.cn') ? 'feishu' : (tenants.get(tenantKey)?.platform ?? 'feishu')
    if (platform === 'lark') link.hostname = LARK_APPLINK_HOST
    return link.toString()
  }

  function newChatId(): string {
    let chatId: string
    do chatId = `oc_${randomHex(32)}`
    while (chats.has(chatId))
    return chatId
  }

  /** Checks app_id and app_secret of a token-endpoint body; store or custom as the endpoint needs. */
  function credentials(ctx: Context, type: AppState['type']): Response | AppState {
    const app = apps.get(bodyString(ctx, 'app_id'))
    if (!app) return fail(ctx, 10003, { fieldViolations: [{ field: 'app_id', description: 'no such app' }] })
    if (app.appSecret !== bodyString(ctx, 'app_secret')) return fail(ctx, 10014)
    if (app.type !== type) return fail(ctx, 10003, { fieldViolations: [{ field: 'app_id', description: `not a ${type === 'store' ? 'store' : 'self-built'} app` }] })
    return app
  }

  const rules: Record<OperationId, (ctx: Context) => Response> = {
    unbindMeetingChat(ctx) {
      const found = locateEvent(ctx)
      if (found instanceof Response) return found
      const chat = chats.get(ctx.input.query.meeting_chat_id ?? '')
      const { calendarId, eventId } = found.event
      if (!chat || chat.boundTo?.calendarId !== calendarId || chat.boundTo.eventId !== eventId) return fail(ctx, 195108)
      if (!sameIdentity(chat.owner, found.caller.ref)) return fail(ctx, 195107)
      chat.boundTo = undefined
      return success(ctx)
    },
    createMeetingChat(ctx) {
      const found = locateEvent(ctx)
      if (found instanceof Response) return found
      const { event, caller } = found
      if (event.attendees < MIN_ATTENDEES || event.attendeeListHidden) return fail(ctx, 195109)
      // An event has one meeting chat: creating it again answers the bound one (the platform does not say).
      let chat = [...chats.values()].find((c) => c.boundTo?.calendarId === event.calendarId && c.boundTo.eventId === event.eventId)
      if (!chat) {
        chat = { chatId: newChatId(), owner: caller.ref, boundTo: { calendarId: event.calendarId, eventId: event.eventId } }
        chats.set(chat.chatId, chat)
      }
      return success(ctx, { data: { meeting_chat_id: chat.chatId, applink: applink(ctx, chat.chatId, caller.tenantKey) } })
    },
    getTenantAccessTokenInternal(ctx) {
      const app = credentials(ctx, 'custom')
      if (app instanceof Response) return app
      const { token, expire } = issue('tenant', app.appId, app.tenants[0])
      return success(ctx, { tenant_access_token: token, expire })
    },
    getAppAccessToken(ctx) {
      const app = credentials(ctx, 'store')
      if (app instanceof Response) return app
      if (!app.tickets.includes(bodyString(ctx, 'app_ticket'))) return fail(ctx, 10012)
      const { token, expire } = issue('app', app.appId, undefined)
      return success(ctx, { app_access_token: token, expire })
    },
    getTenantAccessToken(ctx) {
      const appToken = tokens.get(bodyString(ctx, 'app_access_token'))
      if (!live(appToken) || appToken.kind !== 'app') return fail(ctx, 99991664)
      const tenantKey = bodyString(ctx, 'tenant_key')
      if (!apps.get(appToken.appId)?.tenants.includes(tenantKey)) {
        return fail(ctx, 10003, { fieldViolations: [{ field: 'tenant_key', description: 'the app is not installed in this tenant' }] })
      }
      const { token, expire } = issue('tenant', appToken.appId, tenantKey)
      return success(ctx, { tenant_access_token: token, expire })
    },
    resendAppTicket(ctx) {
      const app = credentials(ctx, 'store')
      if (app instanceof Response) return app
      const ticket = `ticket-${randomHex(24)}`
      app.tickets.push(ticket)
      ticketPushes.push({ appId: app.appId, ticket, at: clock.now() })
      return success(ctx)
    },
  }

  const responder = createResponder(clock, async (op, rawParams, request, logId) => {
    let caller: Caller | undefined
    if (op.tokens.length > 0) {
      const auth = checkAuthorization(op, request)
      if (!auth.ok) return rejectionResponse(auth.rejection, logId)
      if (!auth.value) throw new Error(`${op.id} has security but no bearer token was read`)
      const who = authenticate(auth.value, logId)
      if (who instanceof Response) return who
      const refusal = checkScopes(op, who, auth.value, logId) ?? checkRate(op, who, logId)
      if (refusal) return refusal
      caller = who
    }
    const input = await checkInput(op, request, rawParams)
    if (!input.ok) return rejectionResponse(input.rejection, logId)
    const scripted = script.take(op.id)
    if (scripted) return renderAnswer(op, scripted, request, logId)
    return rules[op.id]({ op, request, input: input.value, caller, logId })
  })

  const chatView = (c: ChatState): FakeChat => ({ chatId: c.chatId, owner: c.owner, boundTo: c.boundTo })
  const expiresIn = (t: TokenState) => Math.ceil((t.expiresAt - clock.now()) / 1000)

  return {
    clock,
    handle: responder.handle,
    respond(operationId, answer, answerOptions) {
      script.add(operationId, resolveAnswer(operationId, answer, answerOptions))
    },
    resetAnswers: (operationId) => script.clear(operationId),
    pending: () => script.pending(),
    get calls() {
      return responder.calls
    },
    count: (operationId) => responder.calls.filter((c) => c.operationId === operationId).length,
    get chats() {
      return [...chats.values()].map(chatView)
    },
    chat(chatId) {
      const c = chats.get(chatId)
      return c && chatView(c)
    },
    get tokens() {
      return [...tokens.values()].map(({ scopes: _scopes, ...t }) => t)
    },
    get ticketPushes() {
      return [...ticketPushes]
    },
    snapshot() {
      const withoutUndefined = <T extends object>(o: T): T => JSON.parse(JSON.stringify(o)) as T
      const all = [...tokens.values()]
      return withoutUndefined<Seed>({
        tenants: [...tenants.values()],
        apps: [...apps.values()].map((a) => ({
          appId: a.appId,
          appSecret: a.appSecret,
          type: a.type,
          tenants: a.tenants,
          bot: a.bot,
          ...(a.type === 'store' ? { appTickets: a.tickets } : {}),
          scopes: a.scopes,
          rateLimit: a.perOperation || a.perApp ? { perOperation: a.perOperation, perApp: a.perApp } : undefined,
        })),
        users: [...users.values()],
        calendars: [...calendars.values()].map((c) => ({ ...c, access: [...c.access] })),
        events: [...events.values()],
        chats: [...chats.values()].map(chatView),
        tenantAccessTokens: all.filter((t) => t.kind === 'tenant').map((t) => ({ token: t.token, appId: t.appId, tenantKey: t.tenantKey ?? '', expiresIn: expiresIn(t) })),
        appAccessTokens: all.filter((t) => t.kind === 'app').map((t) => ({ token: t.token, appId: t.appId, expiresIn: expiresIn(t) })),
        userAccessTokens: all
          .filter((t) => t.kind === 'user')
          .map((t) => ({ token: t.token, userId: t.userId ?? '', appId: t.appId, expiresIn: expiresIn(t), scopes: t.scopes })),
      })
    },
  }
}
