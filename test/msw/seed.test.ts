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
    expect(problemsOf((s) => ({ ...s, events: [{ calendarId: 'c', eventId: 'e', attendees: 'two' }] }))[0]).toBe('/events/0/attendees: must be integer')
  })

  it('refuses what is not an object', () => {
    expect(seedProblems(null)).toEqual(['/: must be object'])
    expect(seedProblems({})).toEqual(['/: missing property "tenants"'])
  })

  it('names an unknown tenant', () => {
    expect(problemsOf((s) => ({ ...s, users: [{ userId: 'ou_x', tenantKey: 'nowhere' }] }))).toEqual(['/users/0/tenantKey: unknown tenant "nowhere"'])
  })

  it('names unknown users and apps in identities', () => {
    expect(problemsOf((s) => ({ ...s, calendars: [{ calendarId: 'c', owner: { userId: 'ou_ghost' }, access: [{ appId: 'cli_ghost', role: 'writer' }] }] }))).toEqual([
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
    const calendars = [
      { calendarId: 'a', owner: { userId: 'ou_ann' } },
      { calendarId: 'b', owner: { userId: 'ou_ann' } },
    ]
    expect(problemsOf((s) => ({ ...s, calendars, events: [{ calendarId: 'a', eventId: 'e' }, { calendarId: 'b', eventId: 'e' }] }))).toEqual([])
    expect(problemsOf((s) => ({ ...s, calendars, events: [{ calendarId: 'a', eventId: 'e' }, { calendarId: 'a', eventId: 'e' }] }))).toEqual(['/events/1: duplicate "e in a"'])
  })

  it('wants a self-built app in exactly one tenant, and no tickets for it', () => {
    expect(problemsOf((s) => ({ ...s, apps: [{ appId: 'cli_acme', appSecret: 's', tenants: [], appTickets: ['t'] }] }))).toEqual([
      '/apps/0/tenants: a custom app belongs to exactly one tenant',
      '/apps/0/appTickets: only store apps receive app tickets',
    ])
  })

  it('wants a tenantKey on a calendar of an app installed in several tenants', () => {
    const seed = { ...minimal(), tenants: [{ tenantKey: 'acme' }, { tenantKey: 'beta' }], apps: [{ appId: 'cli_store', appSecret: 's', type: 'store', tenants: ['acme', 'beta'] }] }
    expect(seedProblems({ ...seed, calendars: [{ calendarId: 'c', owner: { appId: 'cli_store' } }] })).toEqual(['/calendars/0/tenantKey: required when the owning app is installed in several tenants'])
    expect(seedProblems({ ...seed, calendars: [{ calendarId: 'c', owner: { appId: 'cli_store' }, tenantKey: 'beta' }] })).toEqual([])
  })

  it('wants events in known calendars and chats bound to known events, one chat an event', () => {
    const seed = { ...minimal(), calendars: [{ calendarId: 'c', owner: { userId: 'ou_ann' } }], events: [{ calendarId: 'c', eventId: 'e' }] }
    expect(seedProblems({ ...seed, events: [{ calendarId: 'nope', eventId: 'e' }] })).toEqual(['/events/0/calendarId: unknown calendar "nope"'])
    expect(seedProblems({ ...seed, chats: [{ chatId: 'oc_1', owner: { userId: 'ou_ann' }, boundTo: { calendarId: 'c', eventId: 'x' } }] })).toEqual(['/chats/0/boundTo: unknown event "x" in calendar "c"'])
    const twice = [1, 2].map((n) => ({ chatId: `oc_${n}`, owner: { userId: 'ou_ann' }, boundTo: { calendarId: 'c', eventId: 'e' } }))
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
