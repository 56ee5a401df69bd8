// Seeds: plain JSON that a file can hold, checked with one clear line per problem.
import { readFile } from 'node:fs/promises'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { createFake, demo, demoSeed, SeedError, seedProblems, seedSchema, validateSeed, type Seed } from '../../src/msw/index.ts'
import { expectConforming, specRequest } from './support.ts'

const minimal = (): Seed => ({
  tenants: [{ tenantKey: 'acme' }],
  apps: [{ appId: 'cli_acme', appSecret: 's', tenants: ['acme'] }],
  users: [{ userId: 'ou_ann', tenantKey: 'acme' }],
})
/** A calendar id of the shape the platform issues. */
const C = 'acme_ann@group.calendar.feishu.cn'

describe('the demo seed', () => {
  it('is valid, and survives a trip through JSON', () => {
    const json = JSON.parse(JSON.stringify(demoSeed())) as unknown
    expect(validateSeed(json)).toEqual(demoSeed())
  })

  it('is a fresh copy each time', () => {
    const a = demoSeed()
    ;(a.tenants as { tenantKey: string }[]).push({ tenantKey: 'mutated' })
    expect(demoSeed().tenants).toHaveLength(1)
  })

  it('has the ids its names promise', () => {
    const seed = demoSeed()
    expect(seed.chats?.map((c) => c.chatId)).toEqual(Object.values(demo.chats))
    expect(seed.calendars?.map((c) => c.calendarId)).toEqual(Object.values(demo.calendars))
  })
})

describe('a seed from a JSON file', () => {
  it('loads and answers', async () => {
    const seed = validateSeed(JSON.parse(await readFile(new URL('./fixtures/small-team.seed.json', import.meta.url), 'utf8')))
    const fake = createFake(seed)
    const request = specRequest('createMeetingChat', { authorization: 'Bearer u-ann', params: { calendar_id: 'acme_ann@group.calendar.feishu.cn', event_id: 'kickoff_0' } })
    const answer = await expectConforming('createMeetingChat', await fake.handle(request))
    expect(answer.status).toBe(200)
  })
})

describe('the seed schema', () => {
  it('is a JSON Schema that accepts the demo seed and refuses a typo', () => {
    const validate = new Ajv2020({ strict: true }).compile(seedSchema)
    expect(validate(demoSeed())).toBe(true)
    expect(validate({ tenants: [{ tenantkey: 'x' }] })).toBe(false)
  })
})

describe('seed problems', () => {
  const problemsOf = (change: (seed: Seed) => unknown) => seedProblems(change(minimal()))

  it('has none for a minimal seed', () => {
    expect(seedProblems(minimal())).toEqual([])
    expect(seedProblems({ tenants: [] })).toEqual([])
  })

  it('names an unknown property and where it is', () => {
    expect(problemsOf((s) => ({ ...s, apps: [{ appId: 'cli_acme', secret: 's', tenants: ['acme'] }] }))).toEqual(['/apps/0: missing property "appSecret"', '/apps/0: unknown property "secret"'])
  })

  it('lists the allowed values of an enum', () => {
    expect(problemsOf((s) => ({ ...s, tenants: [{ tenantKey: 'acme', platform: 'slack' }] }))).toEqual(['/tenants/0/platform: must be one of "feishu", "lark"'])
  })

  it('refuses a value of the wrong type', () => {
    expect(problemsOf((s) => ({ ...s, events: [{ calendarId: C, eventId: 'e_0', attendees: 'two' }] }))[0]).toBe('/events/0/attendees: must be integer')
  })

  it('refuses what is not an object', () => {
    expect(seedProblems(null)).toEqual(['/: must be object'])
    expect(seedProblems({})).toEqual(['/: missing property "tenants"'])
  })

  it('names an unknown tenant', () => {
    expect(problemsOf((s) => ({ ...s, users: [{ userId: 'ou_x', tenantKey: 'nowhere' }] }))).toEqual(['/users/0/tenantKey: unknown tenant "nowhere"'])
  })

  it('names unknown users and apps in identities', () => {
    expect(problemsOf((s) => ({ ...s, calendars: [{ calendarId: C, owner: { userId: 'ou_ghost' }, access: [{ appId: 'cli_ghost', role: 'writer' }] }] }))).toEqual([
      '/calendars/0/owner/userId: unknown user "ou_ghost"',
      '/calendars/0/access/0/appId: unknown app "cli_ghost"',
    ])
  })

  it('wants exactly one of userId or appId in an identity', () => {
    expect(problemsOf((s) => ({ ...s, chats: [{ chatId: 'oc_1234', owner: { userId: 'ou_ann', appId: 'cli_acme' } }] }))).toEqual(['/chats/0/owner: give exactly one of userId or appId'])
    expect(problemsOf((s) => ({ ...s, chats: [{ chatId: 'oc_1234', owner: {} }] }))).toEqual(['/chats/0/owner: give exactly one of userId or appId'])
  })

  it('names duplicates', () => {
    expect(problemsOf((s) => ({ ...s, users: [...(s.users ?? []), { userId: 'ou_ann', tenantKey: 'acme' }] }))).toEqual(['/users/1: duplicate "ou_ann"'])
  })

  it('allows one event id in two calendars, not twice in one', () => {
    const [a, b] = ['acme_a@group.calendar.feishu.cn', 'acme_b@group.calendar.feishu.cn'] as const
    const calendars = [
      { calendarId: a, owner: { userId: 'ou_ann' } },
      { calendarId: b, owner: { userId: 'ou_ann' } },
    ]
    expect(problemsOf((s) => ({ ...s, calendars, events: [{ calendarId: a, eventId: 'e_0' }, { calendarId: b, eventId: 'e_0' }] }))).toEqual([])
    expect(problemsOf((s) => ({ ...s, calendars, events: [{ calendarId: a, eventId: 'e_0' }, { calendarId: a, eventId: 'e_0' }] }))).toEqual([`/events/1: duplicate "e_0 in ${a}"`])
  })

  it('holds only ids the platform could have issued, saying which shape and the code a request naming another would get', () => {
    expect(problemsOf((s) => ({ ...s, calendars: [{ calendarId: 'cal-1', owner: { userId: 'ou_ann' } }], events: [{ calendarId: 'cal-1', eventId: 'kickoff' }] }))).toEqual([
      '/calendars/0/calendarId: "cal-1" is not a calendar id the platform issues (^[0-9A-Za-z._-]+@group\\.calendar\\.(feishu\\.cn|larksuite\\.com)$, e.g. feishu.cn_xxx@group.calendar.feishu.cn); a request naming it is answered 191001',
      '/events/0/eventId: "kickoff" is not an event id the platform issues (^[0-9A-Za-z-]+_[0-9]+$, e.g. 75d28f9b-e35c-4230-8a83-123_0); a request naming it is answered 193000',
    ])
    expect(problemsOf((s) => ({ ...s, calendars: [{ calendarId: 'larksuite.com_x@group.calendar.larksuite.com', owner: { userId: 'ou_ann' } }] }))).toEqual([])
  })

  it("names an event's unknown organizer, and takes a known one", () => {
    const calendars = [{ calendarId: C, owner: { userId: 'ou_ann' } }]
    expect(problemsOf((s) => ({ ...s, calendars, events: [{ calendarId: C, eventId: 'e_0', organizer: { userId: 'ou_ghost' } }] }))).toEqual(['/events/0/organizer/userId: unknown user "ou_ghost"'])
    expect(problemsOf((s) => ({ ...s, calendars, events: [{ calendarId: C, eventId: 'e_0', organizer: { appId: 'cli_acme' }, attendeeAbility: 'can_modify_event' }] }))).toEqual([])
  })

  it('lists the values of the new states: a deleted key, an attendee ability', () => {
    expect(problemsOf((s) => ({ ...s, tenants: [{ tenantKey: 'acme', deletedKey: 'both' }] }))).toEqual(['/tenants/0/deletedKey: must be one of "encrypt", "decrypt"'])
    expect(problemsOf((s) => ({ ...s, calendars: [{ calendarId: C, owner: { userId: 'ou_ann' } }], events: [{ calendarId: C, eventId: 'e_0', attendeeAbility: 'all' }] }))).toEqual([
      '/events/0/attendeeAbility: must be one of "none", "can_see_others", "can_invite_others", "can_modify_event"',
    ])
    expect(problemsOf((s) => ({ ...s, calendars: [{ calendarId: C, owner: { userId: 'ou_ann' } }], events: [{ calendarId: C, eventId: 'e_0', writeHoldSeconds: -1, internalErrors: 1.5 }] }))).toEqual([
      '/events/0/writeHoldSeconds: must be >= 0',
      '/events/0/internalErrors: must be integer',
    ])
  })

  it('wants a self-built app in exactly one tenant, and no tickets for it', () => {
    expect(problemsOf((s) => ({ ...s, apps: [{ appId: 'cli_acme', appSecret: 's', tenants: [], appTickets: ['t'] }] }))).toEqual([
      '/apps/0/tenants: a custom app belongs to exactly one tenant',
      '/apps/0/appTickets: only store apps receive app tickets',
    ])
  })

  it('wants a tenantKey on a calendar of an app installed in several tenants', () => {
    const seed = { ...minimal(), tenants: [{ tenantKey: 'acme' }, { tenantKey: 'beta' }], apps: [{ appId: 'cli_store', appSecret: 's', type: 'store', tenants: ['acme', 'beta'] }] }
    expect(seedProblems({ ...seed, calendars: [{ calendarId: C, owner: { appId: 'cli_store' } }] })).toEqual(['/calendars/0/tenantKey: required when the owning app is installed in several tenants'])
    expect(seedProblems({ ...seed, calendars: [{ calendarId: C, owner: { appId: 'cli_store' }, tenantKey: 'beta' }] })).toEqual([])
  })

  it('wants events in known calendars and chats bound to known events, one chat an event', () => {
    const seed = { ...minimal(), calendars: [{ calendarId: C, owner: { userId: 'ou_ann' } }], events: [{ calendarId: C, eventId: 'e_0' }] }
    const nope = 'acme_nope@group.calendar.feishu.cn'
    expect(seedProblems({ ...seed, events: [{ calendarId: nope, eventId: 'e_0' }] })).toEqual([`/events/0/calendarId: unknown calendar "${nope}"`])
    expect(seedProblems({ ...seed, chats: [{ chatId: 'oc_1', owner: { userId: 'ou_ann' }, boundTo: { calendarId: C, eventId: 'x_0' } }] })).toEqual([`/chats/0/boundTo: unknown event "x_0" in calendar "${C}"`])
    const twice = [1, 2].map((n) => ({ chatId: `oc_${n}`, owner: { userId: 'ou_ann' }, boundTo: { calendarId: C, eventId: 'e_0' } }))
    expect(seedProblems({ ...seed, chats: twice })).toEqual(['/chats/1/boundTo: that event already has a meeting chat'])
  })

  it('refuses a chat id that is not oc_...', () => {
    expect(problemsOf((s) => ({ ...s, chats: [{ chatId: 'chat-1', owner: { userId: 'ou_ann' } }] }))[0]).toMatch(/^\/chats\/0\/chatId: must match pattern/)
  })

  it('checks token prefixes and references', () => {
    expect(
      problemsOf((s) => ({
        ...s,
        tenantAccessTokens: [{ token: 'u-wrong', appId: 'cli_acme', tenantKey: 'other' }],
        appAccessTokens: [{ token: 't-looks-like-tenant', appId: 'cli_acme' }],
        userAccessTokens: [{ token: 't-wrong', userId: 'ou_nobody', appId: 'cli_acme' }],
      })),
    ).toEqual([
      '/tenantAccessTokens/0/token: must start with t-',
      '/tenantAccessTokens/0/tenantKey: unknown tenant "other"',
      '/tenantAccessTokens/0: app cli_acme is not installed in tenant other',
      '/appAccessTokens/0/token: must not start with t- or u-',
      '/userAccessTokens/0/token: must start with u-',
      '/userAccessTokens/0/userId: unknown user "ou_nobody"',
    ])
  })

  it('refuses a token listed twice', () => {
    expect(
      problemsOf((s) => ({ ...s, userAccessTokens: [1, 2].map(() => ({ token: 'u-same', userId: 'ou_ann', appId: 'cli_acme' })) })),
    ).toEqual(['/: a token is listed twice'])
  })
})

describe('validateSeed and createFake', () => {
  it('throw a SeedError that lists every problem', () => {
    const bad = { tenants: [{ tenantKey: 'acme' }], users: [{ userId: 'ou_x', tenantKey: 'nowhere' }, { userId: 'ou_y', tenantKey: 'gone' }] }
    const error = (() => {
      try {
        validateSeed(bad)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(SeedError)
    expect((error as SeedError).problems).toHaveLength(2)
    expect((error as SeedError).message).toBe('Invalid fake seed:\n- /users/0/tenantKey: unknown tenant "nowhere"\n- /users/1/tenantKey: unknown tenant "gone"')
    expect(() => createFake(bad as Seed)).toThrow(SeedError)
  })

  it('createFake refuses a token lifetime the spec does not allow', () => {
    expect(() => createFake(minimal(), { tokenTtlSeconds: 7201 })).toThrow(/1 to 7200/)
    expect(() => createFake(minimal(), { tokenTtlSeconds: 0 })).toThrow(RangeError)
  })
})
