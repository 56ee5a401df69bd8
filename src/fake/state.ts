// The platform's state, built from a seed: tenants, apps, users, calendars, events, chats, tokens and
// tickets, with the few operations on it that the rules share (issue a token, read it back as a seed).
import { schemePrefix, type RateLimit } from '../contract/operations.js'
import type { Clock } from './clock.js'
import { randomHex } from './ids.js'
import { RateLimiter } from './rate-limiter.js'
import { validateSeed, type AccessRole, type AttendeeAbility, type CalendarType, type IdentityRef, type Platform, type Seed } from './seed.js'

/** How the fake's platform behaves where a seed does not say. */
export interface PlatformOptions {
  /** Lifetime of the tokens the fake issues, in seconds: 1 to 7200 (default 7200, the platform's maximum). */
  readonly tokenTtlSeconds?: number
  /** A token with more than this many seconds left is returned again instead of a new one (default 1800). */
  readonly refreshWindowSeconds?: number
  /**
   * How many app tickets a store app holds, newest first (default 16): a resend beyond it drops the
   * oldest, which then answers 10012. Also the number of `ticketPushes` kept per app.
   */
  readonly ticketsPerApp?: number
  /**
   * How many chats unbound from their event the fake keeps, latest first (default 10,000), so that its memory
   * stays bounded however many chats a client creates and unbinds. Forgetting one changes no answer: an
   * unbind naming it answers 195108, as for any chat not bound to the event. Bound chats (at most one per
   * event) and the seed's own chats are always kept.
   */
  readonly unboundChatsKept?: number
}

/** A meeting chat (or ordinary chat) as the fake holds it. */
export interface FakeChat {
  /** `oc_...`. */
  readonly chatId: string
  /** Who owns it: a user or an app. */
  readonly owner: IdentityRef
  /** The event it is the meeting chat of, or undefined once unbound (the chat remains). */
  readonly boundTo: { readonly calendarId: string; readonly eventId: string } | undefined
}

/** A token the fake knows: seeded or issued. */
export interface FakeToken {
  /** The token, `t-`, `a-` or `u-`. */
  readonly token: string
  /** A tenant, app or user access token. */
  readonly kind: 'tenant' | 'app' | 'user'
  /** The app it was issued to. */
  readonly appId: string
  /** The tenant it acts in (none for an app token). */
  readonly tenantKey: string | undefined
  /** The user it acts as (user tokens). */
  readonly userId: string | undefined
  /** Milliseconds since the epoch, by the fake's clock. */
  readonly expiresAt: number
}

/** A request to re-push an app ticket (`app_ticket/resend`): the ticket the push would deliver. */
export interface TicketPush {
  /** The store app that asked. */
  readonly appId: string
  /** The new ticket, already accepted by the fake: use it as if the app_ticket event had arrived. */
  readonly ticket: string
  /** When it was asked, in ms since the epoch by the fake's clock. */
  readonly at: number
}

export interface TenantState {
  readonly tenantKey: string
  readonly platform: Platform
  /** The data unit that holds its data. */
  readonly unit: string
  readonly deletedKey: 'encrypt' | 'decrypt' | undefined
}

export interface AppState {
  readonly appId: string
  readonly appSecret: string
  readonly type: 'custom' | 'store'
  readonly tenants: readonly string[]
  readonly bot: boolean
  /** The data unit the app is served from. */
  readonly unit: string
  tickets: string[]
  readonly scopes: readonly string[] | undefined
  /** The gateway's frequency control (99991400); undefined: the spec's x-rate-limit. */
  readonly perOperation: RateLimit | undefined
  /** The calendar service's own limit per operation (190004). */
  readonly perMethod: RateLimit | undefined
  /** The calendar service's own limit across operations (190005). */
  readonly perApp: RateLimit | undefined
}

export interface UserState {
  readonly userId: string
  readonly tenantKey: string
  readonly inTenant: boolean
}

export interface CalendarState {
  readonly calendarId: string
  readonly tenantKey: string
  readonly owner: IdentityRef
  readonly type: CalendarType
  readonly deleted: boolean
  readonly access: readonly (IdentityRef & { readonly role: AccessRole })[]
}

export interface EventState {
  readonly calendarId: string
  readonly eventId: string
  readonly attendees: number
  readonly attendeeListHidden: boolean
  readonly deleted: boolean
  readonly organizer: IdentityRef
  readonly attendeeAbility: AttendeeAbility
  readonly writeHoldSeconds: number
  /** Writes still to fail with 190003. */
  internalErrors: number
  /** Until when (ms, the fake's clock) the latest write holds the event. */
  heldUntil: number
}

/** Change `boundTo` only through PlatformState's methods, which keep the index of meeting chats. */
export interface ChatState {
  readonly chatId: string
  readonly owner: IdentityRef
  boundTo: { readonly calendarId: string; readonly eventId: string } | undefined
}

export interface TokenState extends FakeToken {
  readonly scopes?: readonly string[] | undefined
  /** Seeded tokens stay known after they expire (a seeded expired user token answers 99991677, not 99991668). */
  readonly seeded: boolean
}

/** Who is calling, once the token is known. */
export type Caller =
  | { readonly kind: 'app'; readonly appId: string; readonly tenantKey: string; readonly ref: IdentityRef }
  | { readonly kind: 'user'; readonly appId: string; readonly tenantKey: string; readonly userId: string; readonly inTenant: boolean; readonly ref: IdentityRef }

export const MAX_TTL_SECONDS = 7200
// From the source document: a meeting chat needs at least 2 attendees.
export const MIN_ATTENDEES = 2
// The platform's default for a new event: attendees see each other, and only the organizer edits it.
const DEFAULT_ATTENDEE_ABILITY: AttendeeAbility = 'can_see_others'
const DEFAULT_TICKETS_PER_APP = 16
const DEFAULT_UNBOUND_CHATS_KEPT = 10_000

export const sameIdentity = (a: IdentityRef, b: IdentityRef): boolean =>
  (a.userId !== undefined && a.userId === b.userId) || (a.appId !== undefined && a.appId === b.appId)
export const eventKey = (calendarId: string, eventId: string): string => `${calendarId}\n${eventId}`

/** The platform's state and the operations on it that several rules share. */
export class PlatformState {
  readonly clock: Clock
  readonly tenants: Map<string, TenantState>
  readonly apps: Map<string, AppState>
  readonly users: Map<string, UserState>
  readonly calendars: Map<string, CalendarState>
  readonly events: Map<string, EventState>
  readonly chats: Map<string, ChatState>
  // The meeting chat of each event (by eventKey), so that creating one does not scan every chat.
  readonly #meetingChats = new Map<string, ChatState>()
  readonly tokens = new Map<string, TokenState>()
  readonly limiter = new RateLimiter()
  readonly #ticketPushes = new Map<string, TicketPush[]>()
  readonly #ttl: number
  readonly #refreshWindow: number
  readonly #ticketsPerApp: number
  // The latest chats unbound, in a ring of at most #unboundKept: once it is full, #unboundNext is the
  // oldest, which the next unbind forgets. (A Set used as this queue walks past every entry deleted at its
  // front to find the oldest: about 6 µs an unbind at 10,000, more than the rest of the request.)
  readonly #unbound: string[] = []
  #unboundNext = 0
  readonly #seededChats: ReadonlySet<string>
  readonly #unboundKept: number
  readonly #tenantPrefix = schemePrefix('tenant_access_token')

  /** Builds the state from a seed (validated: a bad seed throws a `SeedError` listing the problems). */
  constructor(seed: Seed, clock: Clock, options: PlatformOptions = {}) {
    validateSeed(seed)
    this.clock = clock
    this.#ttl = options.tokenTtlSeconds ?? MAX_TTL_SECONDS
    if (!Number.isInteger(this.#ttl) || this.#ttl < 1 || this.#ttl > MAX_TTL_SECONDS) {
      throw new RangeError(`tokenTtlSeconds must be an integer from 1 to ${MAX_TTL_SECONDS}, got ${this.#ttl}`)
    }
    this.#refreshWindow = options.refreshWindowSeconds ?? 1800
    this.#ticketsPerApp = options.ticketsPerApp ?? DEFAULT_TICKETS_PER_APP
    if (!Number.isInteger(this.#ticketsPerApp) || this.#ticketsPerApp < 1) throw new RangeError(`ticketsPerApp must be a positive integer, got ${this.#ticketsPerApp}`)
    this.#unboundKept = options.unboundChatsKept ?? DEFAULT_UNBOUND_CHATS_KEPT
    if (!Number.isInteger(this.#unboundKept) || this.#unboundKept < 0) throw new RangeError(`unboundChatsKept must be a non-negative integer, got ${this.#unboundKept}`)
    const createdAt = clock.now()
    this.tenants = new Map(
      seed.tenants.map((t) => {
        const platform = t.platform ?? 'feishu'
        return [t.tenantKey, { tenantKey: t.tenantKey, platform, unit: t.unit ?? platform, deletedKey: t.deletedKey }]
      }),
    )
    this.apps = new Map(
      (seed.apps ?? []).map((a) => [
        a.appId,
        {
          appId: a.appId,
          appSecret: a.appSecret,
          type: a.type ?? 'custom',
          tenants: [...a.tenants],
          bot: a.bot ?? true,
          unit: a.unit ?? this.tenants.get(a.tenants[0] ?? '')?.unit ?? 'feishu',
          tickets: [...(a.appTickets ?? [])],
          scopes: a.scopes ? [...a.scopes] : undefined,
          perOperation: a.rateLimit?.perOperation,
          perMethod: a.rateLimit?.perMethod,
          perApp: a.rateLimit?.perApp,
        },
      ]),
    )
    this.users = new Map((seed.users ?? []).map((u) => [u.userId, { userId: u.userId, tenantKey: u.tenantKey, inTenant: u.inTenant ?? true }]))
    const ownerTenant = (owner: IdentityRef): string =>
      owner.userId !== undefined ? (this.users.get(owner.userId)?.tenantKey ?? '') : (this.apps.get(owner.appId)?.tenants[0] ?? '')
    this.calendars = new Map(
      (seed.calendars ?? []).map((c) => [
        c.calendarId,
        { calendarId: c.calendarId, tenantKey: c.tenantKey ?? ownerTenant(c.owner), owner: c.owner, type: c.type ?? 'primary', deleted: c.deleted ?? false, access: c.access ?? [] },
      ]),
    )
    const ownerOf = (calendarId: string): IdentityRef => {
      const calendar = this.calendars.get(calendarId)
      if (!calendar) throw new Error(`event on unknown calendar ${calendarId}: validateSeed lets no such seed through`)
      return calendar.owner
    }
    this.events = new Map(
      (seed.events ?? []).map((e) => [
        eventKey(e.calendarId, e.eventId),
        {
          calendarId: e.calendarId,
          eventId: e.eventId,
          attendees: e.attendees ?? MIN_ATTENDEES,
          attendeeListHidden: e.attendeeListHidden ?? false,
          deleted: e.deleted ?? false,
          organizer: e.organizer ?? ownerOf(e.calendarId),
          attendeeAbility: e.attendeeAbility ?? DEFAULT_ATTENDEE_ABILITY,
          writeHoldSeconds: e.writeHoldSeconds ?? 0,
          internalErrors: e.internalErrors ?? 0,
          heldUntil: -Infinity,
        },
      ]),
    )
    this.chats = new Map((seed.chats ?? []).map((c) => [c.chatId, { chatId: c.chatId, owner: c.owner, boundTo: c.boundTo }]))
    this.#seededChats = new Set(this.chats.keys())
    for (const chat of this.chats.values()) if (chat.boundTo) this.#meetingChats.set(eventKey(chat.boundTo.calendarId, chat.boundTo.eventId), chat)
    const expiry = (expiresIn: number | undefined) => createdAt + (expiresIn ?? MAX_TTL_SECONDS) * 1000
    const base = { seeded: true, tenantKey: undefined, userId: undefined }
    for (const t of seed.tenantAccessTokens ?? []) this.tokens.set(t.token, { ...base, token: t.token, kind: 'tenant', appId: t.appId, tenantKey: t.tenantKey, expiresAt: expiry(t.expiresIn) })
    for (const t of seed.appAccessTokens ?? []) this.tokens.set(t.token, { ...base, token: t.token, kind: 'app', appId: t.appId, expiresAt: expiry(t.expiresIn) })
    for (const t of seed.userAccessTokens ?? []) {
      this.tokens.set(t.token, { ...base, token: t.token, kind: 'user', appId: t.appId, tenantKey: this.users.get(t.userId)?.tenantKey, userId: t.userId, expiresAt: expiry(t.expiresIn), scopes: t.scopes })
    }
  }

  live(t: TokenState | undefined): t is TokenState {
    return t !== undefined && this.clock.now() < t.expiresAt
  }

  /**
   * Returns the live token of (kind, app, tenant) while it has more than the refresh window left, else a
   * new one. Issued tokens past their life are dropped here: an unknown and an expired tenant or app token
   * get the same answer, so forgetting them changes nothing but memory.
   */
  issue(kind: 'tenant' | 'app', appId: string, tenantKey: string | undefined): { token: string; expire: number } {
    const now = this.clock.now()
    let newest: TokenState | undefined
    for (const t of this.tokens.values()) {
      const live = now < t.expiresAt
      if (!live && !t.seeded) this.tokens.delete(t.token)
      else if (live && t.kind === kind && t.appId === appId && t.tenantKey === tenantKey && (!newest || t.expiresAt > newest.expiresAt)) newest = t
    }
    if (newest && newest.expiresAt - now > this.#refreshWindow * 1000) {
      return { token: newest.token, expire: Math.min(MAX_TTL_SECONDS, Math.floor((newest.expiresAt - now) / 1000)) }
    }
    const token = `${kind === 'tenant' ? this.#tenantPrefix : 'a-'}${randomHex(40)}`
    this.tokens.set(token, { token, kind, appId, tenantKey, userId: undefined, expiresAt: now + this.#ttl * 1000, seeded: false })
    return { token, expire: this.#ttl }
  }

  /** A new ticket for a store app, as the push after `app_ticket/resend` would deliver it; the oldest beyond the cap is dropped. */
  pushTicket(app: AppState): TicketPush {
    const push = { appId: app.appId, ticket: `ticket-${randomHex(24)}`, at: this.clock.now() }
    app.tickets = [...app.tickets, push.ticket].slice(-this.#ticketsPerApp)
    const pushes = this.#ticketPushes.get(app.appId) ?? []
    pushes.push(push)
    if (pushes.length > this.#ticketsPerApp) pushes.shift()
    this.#ticketPushes.set(app.appId, pushes)
    return push
  }

  /** The latest ticket pushes, oldest first. */
  ticketPushes(): TicketPush[] {
    return [...this.#ticketPushes.values()].flat().sort((a, b) => a.at - b.at)
  }

  /** The chat bound to an event as its meeting chat, if any. */
  meetingChat(calendarId: string, eventId: string): ChatState | undefined {
    return this.#meetingChats.get(eventKey(calendarId, eventId))
  }

  /** A new chat, bound to the event as its meeting chat. */
  createMeetingChat(owner: IdentityRef, calendarId: string, eventId: string): ChatState {
    const chat: ChatState = { chatId: this.newChatId(), owner, boundTo: { calendarId, eventId } }
    this.chats.set(chat.chatId, chat)
    this.#meetingChats.set(eventKey(calendarId, eventId), chat)
    return chat
  }

  /** Unbinds a chat from its event; the chat remains, among the latest `unboundChatsKept` unbound ones. */
  unbind(chat: ChatState): void {
    if (chat.boundTo) this.#meetingChats.delete(eventKey(chat.boundTo.calendarId, chat.boundTo.eventId))
    chat.boundTo = undefined
    if (this.#seededChats.has(chat.chatId)) return
    if (this.#unbound.length < this.#unboundKept) {
      this.#unbound.push(chat.chatId)
      return
    }
    const oldest = this.#unbound[this.#unboundNext] ?? chat.chatId // the chat itself when none are kept
    if (this.#unboundKept > 0) {
      this.#unbound[this.#unboundNext] = chat.chatId
      this.#unboundNext = (this.#unboundNext + 1) % this.#unboundKept
    }
    this.chats.delete(oldest)
  }

  newChatId(): string {
    let chatId: string
    do chatId = `oc_${randomHex(32)}`
    while (this.chats.has(chatId))
    return chatId
  }

  /** The current state as a seed (token lifetimes counted from now), e.g. to save and load later. */
  snapshot(): Seed {
    const withoutUndefined = <T extends object>(o: T): T => JSON.parse(JSON.stringify(o)) as T
    const all = [...this.tokens.values()].filter((t) => t.seeded || this.live(t))
    const expiresIn = (t: TokenState) => Math.ceil((t.expiresAt - this.clock.now()) / 1000)
    return withoutUndefined<Seed>({
      tenants: [...this.tenants.values()],
      apps: [...this.apps.values()].map((a) => ({
        appId: a.appId,
        appSecret: a.appSecret,
        type: a.type,
        tenants: a.tenants,
        bot: a.bot,
        unit: a.unit,
        ...(a.type === 'store' ? { appTickets: a.tickets } : {}),
        scopes: a.scopes,
        rateLimit: a.perOperation || a.perMethod || a.perApp ? { perOperation: a.perOperation, perMethod: a.perMethod, perApp: a.perApp } : undefined,
      })),
      users: [...this.users.values()],
      calendars: [...this.calendars.values()].map((c) => ({ ...c, access: [...c.access] })),
      // A hold in progress is not part of a seed: it ends with the write that made it.
      events: [...this.events.values()].map(({ heldUntil: _heldUntil, ...e }) => e),
      chats: [...this.chats.values()].map(chatView),
      tenantAccessTokens: all.filter((t) => t.kind === 'tenant').map((t) => ({ token: t.token, appId: t.appId, tenantKey: t.tenantKey ?? '', expiresIn: expiresIn(t) })),
      appAccessTokens: all.filter((t) => t.kind === 'app').map((t) => ({ token: t.token, appId: t.appId, expiresIn: expiresIn(t) })),
      userAccessTokens: all
        .filter((t) => t.kind === 'user')
        .map((t) => ({ token: t.token, userId: t.userId ?? '', appId: t.appId, expiresIn: expiresIn(t), scopes: t.scopes })),
    })
  }
}

export const chatView = (c: ChatState): FakeChat => ({ chatId: c.chatId, owner: c.owner, boundTo: c.boundTo })
export const tokenView = ({ scopes: _scopes, seeded: _seeded, ...t }: TokenState): FakeToken => t
