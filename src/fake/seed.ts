// The fake's scenario as plain JSON: its types and JSON Schema (written once in seed-schema.ts, the types
// derived by `npm run generate`), and a validator that also checks what a schema cannot (unknown
// references, duplicates), with one clear line per problem.
import { schemePrefix } from '../contract/operations.js'
import { seedSchema, type Seed } from '../generated/seed.js'
import { validators, type ValidationError } from '../generated/validators.js'
import { issuedShape } from './issued.js'

export type {
  AccessRole,
  AttendeeAbility,
  CalendarType,
  IdentityRef,
  Platform,
  Seed,
  SeedAccess,
  SeedApp,
  SeedAppToken,
  SeedCalendar,
  SeedChat,
  SeedEvent,
  SeedRateLimit,
  SeedTenant,
  SeedTenantToken,
  SeedUser,
  SeedUserToken,
} from '../generated/seed.js'
export { seedSchema }

// A huge bad seed must not make a huge error: the first problems say what is wrong, a count the rest.
const LISTED_PROBLEMS = 20

/**
 * A seed that does not hold together: `problems` has one line for each of the first 20 problems, each
 * with its JSON pointer, and `moreProblems` counts the others.
 */
export class SeedError extends Error {
  /** The first problems, each with its place, e.g. `/users/0/tenantKey: unknown tenant "acme2"`. */
  readonly problems: readonly string[]
  /** How many more there are (`seedProblems(data)` lists them all). */
  readonly moreProblems: number
  /** Made by `validateSeed` and `createFake` from every problem of a seed. */
  constructor(problems: readonly string[]) {
    const listed = problems.slice(0, LISTED_PROBLEMS)
    const more = problems.length - listed.length
    super(`Invalid fake seed:\n${listed.map((p) => `- ${p}`).join('\n')}${more > 0 ? `\n- and ${more} more problem${more === 1 ? '' : 's'}` : ''}`)
    this.name = 'SeedError'
    this.problems = listed
    this.moreProblems = more
  }
}

function describe(e: ValidationError): string {
  const at = e.instancePath || '/'
  const params = e.params as Record<string, unknown>
  if (e.keyword === 'additionalProperties') return `${at}: unknown property "${String(params.additionalProperty)}"`
  if (e.keyword === 'required') return `${at}: missing property "${String(params.missingProperty)}"`
  if (e.keyword === 'enum') return `${at}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
  return `${at}: ${e.message ?? 'is invalid'}`
}

/** Checks a seed's shape and references; returns the problems (empty: valid). */
export function seedProblems(data: unknown): string[] {
  const validate = validators.seed
  if (!validate(data)) return (validate.errors ?? []).map(describe)
  return referenceProblems(data as Seed)
}

/**
 * Validates `data` (e.g. parsed from a JSON file) as a {@link Seed}: returns it typed, or throws a
 * {@link SeedError} that lists every problem with where it is.
 */
export function validateSeed(data: unknown): Seed {
  const problems = seedProblems(data)
  if (problems.length > 0) throw new SeedError(problems)
  return data as Seed
}

function referenceProblems(seed: Seed): string[] {
  const problems: string[] = []
  const unique = <T>(list: readonly T[] | undefined, key: (item: T) => string, where: string) => {
    const seen = new Set<string>()
    list?.forEach((item, i) => {
      if (seen.has(key(item))) problems.push(`/${where}/${i}: duplicate ${JSON.stringify(key(item))}`)
      seen.add(key(item))
    })
  }
  unique(seed.tenants, (t) => t.tenantKey, 'tenants')
  unique(seed.apps, (a) => a.appId, 'apps')
  unique(seed.users, (u) => u.userId, 'users')
  unique(seed.calendars, (c) => c.calendarId, 'calendars')
  // An event id is unique within its calendar.
  unique(seed.events, (e) => `${e.eventId} in ${e.calendarId}`, 'events')
  unique(seed.chats, (c) => c.chatId, 'chats')
  const tokens = [...(seed.tenantAccessTokens ?? []), ...(seed.appAccessTokens ?? []), ...(seed.userAccessTokens ?? [])]
  if (new Set(tokens.map((t) => t.token)).size !== tokens.length) problems.push('/: a token is listed twice')

  const tenants = new Set(seed.tenants.map((t) => t.tenantKey))
  const apps = new Map((seed.apps ?? []).map((a) => [a.appId, a]))
  const users = new Map((seed.users ?? []).map((u) => [u.userId, u]))
  const calendars = new Set((seed.calendars ?? []).map((c) => c.calendarId))
  const events = new Set((seed.events ?? []).map((e) => `${e.calendarId}\n${e.eventId}`))
  const needTenant = (key: string, at: string) => {
    if (!tenants.has(key)) problems.push(`${at}: unknown tenant ${JSON.stringify(key)}`)
  }
  const needApp = (appId: string, at: string) => {
    if (!apps.has(appId)) problems.push(`${at}: unknown app ${JSON.stringify(appId)}`)
  }
  const needIdentity = (ref: Partial<{ userId: string; appId: string }>, at: string) => {
    if ((ref.userId === undefined) === (ref.appId === undefined)) problems.push(`${at}: give exactly one of userId or appId`)
    else if (ref.userId !== undefined && !users.has(ref.userId)) problems.push(`${at}/userId: unknown user ${JSON.stringify(ref.userId)}`)
    else if (ref.appId !== undefined) needApp(ref.appId, `${at}/appId`)
  }

  seed.apps?.forEach((app, i) => {
    app.tenants.forEach((t, j) => needTenant(t, `/apps/${i}/tenants/${j}`))
    if ((app.type ?? 'custom') === 'custom' && app.tenants.length !== 1) problems.push(`/apps/${i}/tenants: a custom app belongs to exactly one tenant`)
    if ((app.type ?? 'custom') === 'custom' && app.appTickets?.length) problems.push(`/apps/${i}/appTickets: only store apps receive app tickets`)
  })
  seed.users?.forEach((u, i) => needTenant(u.tenantKey, `/users/${i}/tenantKey`))
  seed.calendars?.forEach((c, i) => {
    needIdentity(c.owner, `/calendars/${i}/owner`)
    c.access?.forEach((a, j) => needIdentity(a, `/calendars/${i}/access/${j}`))
    if (c.tenantKey !== undefined) needTenant(c.tenantKey, `/calendars/${i}/tenantKey`)
    else if (c.owner.appId !== undefined && (apps.get(c.owner.appId)?.tenants.length ?? 1) !== 1) {
      problems.push(`/calendars/${i}/tenantKey: required when the owning app is installed in several tenants`)
    }
  })
  seed.events?.forEach((e, i) => {
    if (!calendars.has(e.calendarId)) problems.push(`/events/${i}/calendarId: unknown calendar ${JSON.stringify(e.calendarId)}`)
    if (e.organizer) needIdentity(e.organizer, `/events/${i}/organizer`)
  })
  // A seed holds only ids the platform could have issued: a request naming any other is refused before any look-up.
  const issued = (param: string, what: string, ids: readonly string[] | undefined, at: (i: number) => string) => {
    const shape = issuedShape(param)
    ids?.forEach((value, i) => {
      if (shape && !shape.pattern.test(value)) {
        problems.push(`${at(i)}: ${JSON.stringify(value)} is not ${what} the platform issues (${shape.pattern.source}, e.g. ${shape.example}); a request naming it is answered ${shape.code}`)
      }
    })
  }
  issued('calendar_id', 'a calendar id', seed.calendars?.map((c) => c.calendarId), (i) => `/calendars/${i}/calendarId`)
  issued('event_id', 'an event id', seed.events?.map((e) => e.eventId), (i) => `/events/${i}/eventId`)
  const bound = new Set<string>()
  seed.chats?.forEach((c, i) => {
    needIdentity(c.owner, `/chats/${i}/owner`)
    if (!c.boundTo) return
    const key = `${c.boundTo.calendarId}\n${c.boundTo.eventId}`
    if (!events.has(key)) problems.push(`/chats/${i}/boundTo: unknown event ${JSON.stringify(c.boundTo.eventId)} in calendar ${JSON.stringify(c.boundTo.calendarId)}`)
    if (bound.has(key)) problems.push(`/chats/${i}/boundTo: that event already has a meeting chat`)
    bound.add(key)
  })
  const tenantPrefix = schemePrefix('tenant_access_token')
  const userPrefix = schemePrefix('user_access_token')
  seed.tenantAccessTokens?.forEach((t, i) => {
    if (!t.token.startsWith(tenantPrefix)) problems.push(`/tenantAccessTokens/${i}/token: must start with ${tenantPrefix}`)
    needApp(t.appId, `/tenantAccessTokens/${i}/appId`)
    needTenant(t.tenantKey, `/tenantAccessTokens/${i}/tenantKey`)
    if (apps.get(t.appId) && !apps.get(t.appId)?.tenants.includes(t.tenantKey)) problems.push(`/tenantAccessTokens/${i}: app ${t.appId} is not installed in tenant ${t.tenantKey}`)
  })
  seed.appAccessTokens?.forEach((t, i) => {
    needApp(t.appId, `/appAccessTokens/${i}/appId`)
    if (t.token.startsWith(tenantPrefix) || t.token.startsWith(userPrefix)) problems.push(`/appAccessTokens/${i}/token: must not start with ${tenantPrefix} or ${userPrefix}`)
  })
  seed.userAccessTokens?.forEach((t, i) => {
    if (!t.token.startsWith(userPrefix)) problems.push(`/userAccessTokens/${i}/token: must start with ${userPrefix}`)
    needApp(t.appId, `/userAccessTokens/${i}/appId`)
    const user = users.get(t.userId)
    if (!user) problems.push(`/userAccessTokens/${i}/userId: unknown user ${JSON.stringify(t.userId)}`)
    // The platform issues a user token only through an app installed in the user's tenant.
    else if (apps.get(t.appId) && !apps.get(t.appId)?.tenants.includes(user.tenantKey)) {
      problems.push(`/userAccessTokens/${i}: app ${t.appId} is not installed in tenant ${user.tenantKey} of user ${t.userId}`)
    }
  })
  return problems
}
