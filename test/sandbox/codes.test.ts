// Every code of the catalog, reached through the sandbox over HTTP from a state of its seed (every-code.ts): the
// page's codes and the others. The README's codes table is made here, from the spec (msg, status), the fake's
// rules (the state that answers each code: their @answers) and these cases; a README that says otherwise fails.
// `UPDATE_README=1 npx vitest run test/sandbox/codes.test.ts` writes it.
import { readFileSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeetingChatClient, FeishuApiError } from '../../src/index.ts'
import { errorCatalog, type CatalogCode } from '../../src/generated/catalog.ts'
import type { OperationId } from '../../src/generated/operations.ts'
import { spec } from '../../src/contract/walk.ts'
import { demo } from '../../src/fake/demo.ts'
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts'
import { validateSeed } from '../../src/fake/seed.ts'
import { everyCode, everyCodeSeed } from './every-code.ts'
import { fakeAnswers } from './fake-answers.ts'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: everyCodeSeed() })
})
afterAll(() => sandbox.close())

const { calendars, events, chats, users } = demo
const alice = users.alice.userAccessToken

interface Seen {
  readonly status: number
  readonly code: number | undefined
  readonly headers: Headers
  readonly body: Record<string, unknown>
}

async function request(method: string, path: string, init: { token?: string; body?: unknown } = {}): Promise<Seen> {
  const headers: Record<string, string> = {}
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${sandbox.url}${path}`, { method, headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) })
  const body = (await response.json()) as Record<string, unknown>
  return { status: response.status, code: typeof body.code === 'number' ? body.code : undefined, headers: response.headers, body }
}
const chatPath = (calendarId: string, eventId: string) => `/open-apis/calendar/v4/calendars/${encodeURIComponent(calendarId)}/events/${encodeURIComponent(eventId)}/meeting_chat`
const create = (token: string, calendarId: string, eventId: string) => request('POST', chatPath(calendarId, eventId), { token })
const unbind = (token: string, calendarId: string, eventId: string, chatId: string) => request('DELETE', `${chatPath(calendarId, eventId)}?meeting_chat_id=${encodeURIComponent(chatId)}`, { token })
const token = (path: string, body: unknown) => request('POST', `/open-apis/auth/v3/${path}`, { body })
/** A limit of one call a minute: of three calls, the second or the third falls in the first one's minute. */
async function pastOneAMinute(code: number, call: () => Promise<Seen>): Promise<Seen> {
  let last = await call()
  for (let i = 0; i < 2 && last.code !== code; i++) last = await call()
  return last
}
/** A code the fake has no state for, answered through the sandbox by a scripted answer. */
async function scripted(operationId: OperationId, code: CatalogCode, call: () => Promise<Seen>): Promise<Seen> {
  sandbox.fake.respond(operationId, { code }, { times: 1 })
  return call()
}

interface Case {
  readonly code: CatalogCode
  /** What the case does, in the README's words. */
  readonly by: string
  readonly send: () => Promise<Seen>
}

const cases: Case[] = [
  { code: 190002, by: 'an unbind whose meeting_chat_id is not `oc_…`', send: () => unbind(alice, calendars.alice, events.weeklySync, 'chat-1') },
  { code: 190003, by: 'a create of an event with a seeded fault', send: () => create(alice, calendars.alice, everyCode.events.flaky) },
  { code: 190004, by: 'calls by an app the calendar service allows one a minute of each operation', send: () => pastOneAMinute(190004, () => create(everyCode.methodLimitedApp.tenantAccessToken, calendars.app, events.appStandup)) },
  { code: 190005, by: 'calls by an app the calendar service allows one a minute in all', send: () => pastOneAMinute(190005, () => create(everyCode.appLimitedApp.tenantAccessToken, calendars.app, events.appStandup)) },
  { code: 190006, by: 'a create by an app served from another unit than its tenant', send: () => create(everyCode.otherUnitApp.tenantAccessToken, calendars.app, events.appStandup) },
  { code: 190007, by: 'a create by an app without the bot capability', send: () => create(demo.noBotApp.tenantAccessToken, calendars.app, events.appStandup) },
  {
    code: 190010,
    by: 'an unbind right after the create of an event each write holds for 60 s',
    send: async () => {
      const created = await create(alice, calendars.alice, everyCode.events.busy)
      return unbind(alice, calendars.alice, everyCode.events.busy, String((created.body.data as { meeting_chat_id?: string } | undefined)?.meeting_chat_id))
    },
  },
  { code: 190011, by: 'a create on a calendar of a tenant that deleted its own key (encrypt and decrypt)', send: () => create(everyCode.deletedKey.encrypt.tenantAccessToken, everyCode.deletedKey.encrypt.calendarId, everyCode.deletedKey.encrypt.eventId) },
  { code: 190012, by: 'a create on a calendar of a tenant that deleted its own key (decrypt only)', send: () => create(everyCode.deletedKey.decrypt.tenantAccessToken, everyCode.deletedKey.decrypt.calendarId, everyCode.deletedKey.decrypt.eventId) },
  { code: 191000, by: 'Alice names a well-formed calendar id no calendar has', send: () => create(alice, 'feishu.cn_nobody@group.calendar.feishu.cn', events.planning) },
  { code: 191001, by: 'Alice names `feishu.cn_xxx`, which has no `@group.calendar.` part', send: () => create(alice, 'feishu.cn_xxx', events.planning) },
  { code: 191002, by: 'Dave creates on Alice\'s calendar, on which he has no role', send: () => create(users.dave.userAccessToken, calendars.alice, events.planning) },
  { code: 191003, by: 'Alice creates on her deleted calendar', send: () => create(alice, calendars.deleted, events.planning) },
  { code: 191004, by: 'the app creates on Alice\'s primary calendar, which it may write but is not its own', send: () => create(demo.app.tenantAccessToken, calendars.alice, events.planning) },
  { code: 193000, by: 'Alice unbinds naming the event `demo-weekly-sync`, without its `_0`', send: () => unbind(alice, calendars.alice, 'demo-weekly-sync', chats.weeklySync) },
  { code: 193001, by: 'Alice names a well-formed event id her calendar does not hold', send: () => create(alice, calendars.alice, 'no-such-event_0') },
  { code: 193002, by: 'Bob creates on his own calendar for the weekly sync, which Alice organized', send: () => create(users.bob.userAccessToken, calendars.bob, events.weeklySync) },
  { code: 193003, by: 'Alice creates for her cancelled event', send: () => create(alice, calendars.alice, events.cancelled) },
  { code: 195100, by: 'Carol, who left the tenant, creates', send: () => create(users.carol.userAccessToken, calendars.alice, events.planning) },
  { code: 195107, by: 'the app unbinds the meeting chat of its review, which Alice owns', send: () => unbind(demo.app.tenantAccessToken, calendars.app, events.appReview, chats.appReview) },
  { code: 195108, by: 'Alice unbinds her ordinary chat from the weekly sync', send: () => unbind(alice, calendars.alice, events.weeklySync, chats.unbound) },
  { code: 195109, by: 'Alice creates for an event with one attendee', send: () => create(alice, calendars.alice, events.solo) },
  { code: 99991400, by: 'calls by an app the gateway allows one a minute of each operation', send: () => pastOneAMinute(99991400, () => create(everyCode.gatewayLimitedApp.tenantAccessToken, calendars.app, events.appStandup)) },
  { code: 99991401, by: 'a scripted answer (`fake.respond`)', send: () => scripted('getTenantAccessTokenInternal', 99991401, () => token('tenant_access_token/internal', { app_id: demo.app.appId, app_secret: demo.app.appSecret })) },
  { code: 99991403, by: 'a scripted answer (`fake.respond`)', send: () => scripted('unbindMeetingChat', 99991403, () => unbind(alice, calendars.alice, events.weeklySync, chats.unbound)) },
  { code: 99991665, by: 'a scripted answer (`fake.respond`)', send: () => scripted('getTenantAccessToken', 99991665, () => token('tenant_access_token', { app_access_token: 'a-any', tenant_key: demo.tenantKey })) },
  { code: 99991661, by: 'a create without a token', send: () => request('POST', chatPath(calendars.app, events.appStandup)) },
  { code: 99991663, by: 'a create with a tenant token never issued', send: () => create('t-never-issued', calendars.app, events.appStandup) },
  { code: 99991664, by: 'a store tenant token asked for with an app token never issued', send: () => token('tenant_access_token', { app_access_token: 'a-never-issued', tenant_key: demo.tenantKey }) },
  { code: 99991668, by: 'a create with a user token never issued', send: () => create('u-never-issued', calendars.alice, events.planning) },
  { code: 99991671, by: 'a create with a token that is neither `t-` nor `u-`', send: () => create('x-not-a-token', calendars.app, events.appStandup) },
  { code: 99991672, by: 'a create by an app granted no scope', send: () => create(everyCode.noScopeApp.tenantAccessToken, calendars.app, events.appStandup) },
  { code: 99991676, by: 'a scripted answer (`fake.respond`)', send: () => scripted('createMeetingChat', 99991676, () => create(alice, calendars.alice, events.planning)) },
  { code: 99991677, by: 'a create with Alice\'s expired token', send: () => create(demo.expiredUserAccessToken, calendars.alice, events.planning) },
  { code: 99991679, by: 'a create with Alice\'s token that granted no scope', send: () => create(everyCode.noScopeUserAccessToken, calendars.alice, events.planning) },
  { code: 10003, by: 'a self-built tenant token asked for by an app the fake does not know', send: () => token('tenant_access_token/internal', { app_id: 'cli_nobody', app_secret: 'x' }) },
  { code: 10012, by: 'a store app token asked for with a ticket never pushed', send: () => token('app_access_token', { app_id: demo.storeApp.appId, app_secret: demo.storeApp.appSecret, app_ticket: 'never-pushed' }) },
  { code: 10014, by: 'a self-built tenant token asked for with the wrong secret', send: () => token('tenant_access_token/internal', { app_id: demo.app.appId, app_secret: 'wrong' }) },
]

const GATEWAY_HEADERS = ['x-ogw-ratelimit-limit', 'x-ogw-ratelimit-reset']

describe('every code of the catalog, through the sandbox', () => {
  it('has a case for each code, in the catalog\'s order', () => {
    expect(cases.map((c) => c.code)).toEqual(Object.keys(errorCatalog).map(Number).sort((a, b) => catalogOrder(a) - catalogOrder(b)))
  })

  it.each(cases.map((c) => [c.code, c.by, c] as const))('%i: %s', async (code, _by, c) => {
    const seen = await c.send()
    expect({ status: seen.status, code: seen.code, msg: seen.body.msg }).toEqual({ status: errorCatalog[code].status, code, msg: errorCatalog[code].msg })
    // The gateway's rate limit sends its window; nothing else does.
    for (const name of GATEWAY_HEADERS) expect(seen.headers.has(name), name).toBe(code === 99991400)
  })

  it('reaches each code the fake answers by a state of its seed, not by a script', () => {
    const byScript = cases.filter((c) => c.by.startsWith('a scripted answer')).map((c) => c.code)
    expect(byScript.filter((code) => fakeAnswers().has(code))).toEqual([])
    expect([...fakeAnswers().keys()].sort()).toEqual(cases.map((c) => c.code).filter((code) => !byScript.includes(code)).sort())
  })
})

describe('the client against the gateway\'s frequency control', () => {
  async function withLimit<T>(perOperation: { perSecond?: number; perMinute?: number }, run: (url: string, fake: Sandbox['fake']) => Promise<T>): Promise<T> {
    const seed = everyCodeSeed()
    const own = await startSandbox({ port: 0, seed: { ...seed, apps: seed.apps?.map((a) => (a.appId === demo.app.appId ? { ...a, rateLimit: { perOperation } } : a)) } })
    try {
      return await run(own.url, own.fake)
    } finally {
      await own.close()
    }
  }
  const ids = { calendarId: calendars.app, eventId: events.appStandup }

  it('waits x-ogw-ratelimit-reset after 99991400, then sends again and succeeds', async () => {
    await withLimit({ perSecond: 1 }, async (url, fake) => {
      const client = createMeetingChatClient({ domain: url, auth: { tenantAccessToken: demo.app.tenantAccessToken } })
      // Three creates at once, one a second allowed: at least one meets the gateway's limit, and each such waits and is sent again.
      const created = await Promise.all([1, 2, 3].map(() => client.createMeetingChat(ids)))
      expect(created.map((c) => c.meetingChatId)).toEqual([chats.appStandup, chats.appStandup, chats.appStandup])
      const codes = fake.calls.filter((c) => c.operationId === 'createMeetingChat').map((c) => c.code)
      expect(codes.filter((code) => code === 99991400).length).toBeGreaterThan(0)
      expect(codes.filter((code) => code === 0)).toHaveLength(3)
    })
  })

  it('fails at once with kind rate_limited and retryAfterMs when the reset is further away than it may wait', async () => {
    await withLimit({ perMinute: 1 }, async (url) => {
      const client = createMeetingChatClient({ domain: url, auth: { tenantAccessToken: demo.app.tenantAccessToken }, retry: { maxAttempts: 3, maxDelayMs: 100 } })
      await client.createMeetingChat(ids)
      // One a minute: of the next two, the first or (if the minute turned) the second is refused.
      const outcomes = [await client.createMeetingChat(ids).then(() => undefined, (e: unknown) => e), await client.createMeetingChat(ids).then(() => undefined, (e: unknown) => e)]
      const error = outcomes.find((o) => o !== undefined)
      expect(error).toBeInstanceOf(FeishuApiError)
      expect(error).toMatchObject({ code: 99991400, kind: 'rate_limited', httpStatus: 429, retryable: true, attempts: 1, retryAfterMs: expect.any(Number) })
      expect((error as FeishuApiError).retryAfterMs).toBeGreaterThan(100)
    })
  })
})

describe('the seed of the rarer states (docs/mocks.md, Seeds)', () => {
  const doc = readFileSync(new URL('../../docs/mocks.md', import.meta.url), 'utf8')
  const seeds = doc.slice(doc.indexOf('## Seeds'))
  const json = [...seeds.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? '')[1]

  it('answers in a sandbox as the page says', async () => {
    const own = await startSandbox({ port: 0, seed: validateSeed(JSON.parse(json ?? 'null')) })
    try {
      const at = (calendarId: string, eventId: string) => `${own.url}${chatPath(calendarId, eventId)}`
      const send = async (method: string, url: string, tokenValue: string) => {
        const response = await fetch(url, { method, headers: { authorization: `Bearer ${tokenValue}` } })
        return ((await response.json()) as { code: number; data?: { meeting_chat_id?: string } })
      }
      const ann = 'acme_ann@group.calendar.feishu.cn'
      const created = await send('POST', at(ann, 'kickoff_0'), 'u-ann')
      expect(created.code).toBe(0)
      expect((await send('DELETE', `${at(ann, 'kickoff_0')}?meeting_chat_id=${created.data?.meeting_chat_id}`, 'u-ann')).code).toBe(190010)
      expect((await send('POST', at(ann, 'retro_0'), 'u-ann')).code).toBe(190003)
      expect((await send('POST', at(ann, 'retro_0'), 'u-ann')).code).toBe(0)
      expect((await send('POST', at('acme_bo@group.calendar.feishu.cn', 'kickoff_0'), 'u-bo')).code).toBe(193002)
      expect((await send('POST', at(ann, 'kickoff_0'), 't-abroad')).code).toBe(190006)
      expect((await send('POST', at('lost_app@group.calendar.feishu.cn', 'sync_0'), 't-lost')).code).toBe(190011)
    } finally {
      await own.close()
    }
  })
})

// The README's table: the page's codes first (the catalog entries whose x-source is the page), then the rest.
const catalog = (spec.components.schemas.ErrorCode as unknown as { oneOf: readonly { const: number; 'x-source'?: string }[] }).oneOf
const PAGE = catalog.find((e) => e.const === 193000)?.['x-source']
function catalogOrder(code: number): number {
  const index = catalog.findIndex((e) => e.const === code)
  return (catalog[index]?.['x-source'] === PAGE ? 0 : 1000) + index
}
const cell = (text: string) => text.replaceAll('|', '\\|')

function table(): string {
  const answers = fakeAnswers()
  const rows = cases.map((c) => {
    const entry = errorCatalog[c.code]
    const state = answers.get(c.code)?.join('; ') ?? 'none: the fake has no state for it; script it with `respond`'
    return `| ${c.code} | ${cell(entry.msg)} | ${entry.status} | ${cell(state)} | ${cell(c.by)} |`
  })
  const onPage = catalog.filter((e) => e['x-source'] === PAGE).length
  return [
    `The first ${onPage} rows are the codes of the page (its \`x-source\` in the catalog), then the other ${cases.length - onPage} of the catalog. The state is the fake's rule in its own words (the \`@answers\` lines of [\`src/fake/rules.ts\`](src/fake/rules.ts) and [\`src/mock/validate.ts\`](src/mock/validate.ts)); the last column is the case of [\`test/sandbox/codes.test.ts\`](test/sandbox/codes.test.ts) that gets it from the sandbox over HTTP, with the seed of [\`test/sandbox/every-code.ts\`](test/sandbox/every-code.ts).`,
    '',
    '| code | msg | HTTP | state of the fake that answers it | reached through the sandbox by |',
    '| ---: | --- | ---: | --- | --- |',
    ...rows,
  ].join('\n')
}

it('is the table the README shows (The contract)', () => {
  const url = new URL('../../README.md', import.meta.url)
  const readme = readFileSync(url, 'utf8')
  const [start, end] = ['<!-- codes:table -->\n', '\n<!-- /codes:table -->']
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  expect(from, 'the README has a <!-- codes:table --> block').toBeGreaterThan(-1)
  const written = readme.slice(from + start.length, to)
  if (process.env.UPDATE_README) writeFileSync(url, `${readme.slice(0, from + start.length)}${table()}${readme.slice(to)}`)
  else expect(written, 'the README\'s codes table is stale: UPDATE_README=1 npx vitest run test/sandbox/codes.test.ts').toBe(table())
})
