// The text of errors (each code's msg and hint, each kind's hint, all from the spec) is not in the start bundle: it
// loads on demand. Every error the client throws still carries its hint: each test imports the client afresh, so
// that no text is loaded before the failure, and reads the hints it expects from the spec itself.
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parse } from 'yaml'
import type { FeishuApiError, Hint } from '../../src/index.ts'

const spec = parse(readFileSync(new URL('../../openapi/openapi.yaml', import.meta.url), 'utf8')) as {
  components: { schemas: { ErrorCode: { 'x-kinds': Record<string, Hint>; oneOf: { const: number; description: string; 'x-hint-zh': string }[] } } }
}
const KINDS = spec.components.schemas.ErrorCode['x-kinds']
const PLACEHOLDER = { en: 'See kind and msg.', zh: '请查看 kind 与 msg。' }

const ids = { calendarId: 'feishu.cn_abc@group.calendar.feishu.cn', eventId: '75d28f9b-e35c-4230-8a83-4a661497db54_0', meetingChatId: 'oc_a0553eda9014c201e6969b478895c230' }
const auth = { tenantAccessToken: 't-static-token-1234' }
const caught = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection') }, (e: unknown) => e as FeishuApiError)

/** A chunk whose request never settles: its import hangs. */
const stalls = () => new Promise<never>(() => {})

/** The client as a new import: nothing of it loaded yet, the text of errors included. */
async function fresh() {
  vi.resetModules()
  return import('../../src/index.ts')
}

afterEach(() => {
  for (const m of ['../../src/generated/catalog-text.ts', '../../src/client/api.ts', '../../src/client/verdict.ts', '../../src/client/explain.ts', '../../src/client/auth/app.ts']) vi.doUnmock(m)
})

describe('the text of errors, loaded on demand', () => {
  it('a failure with no answer carries the hint of its kind, from the spec', async () => {
    const { createMeetingChatClient } = await fresh()
    const client = createMeetingChatClient({ auth, retry: false, fetch: () => Promise.reject(new TypeError('fetch failed')) })
    const error = await caught(client.unbindMeetingChat(ids))
    expect(error.kind).toBe('network')
    expect(error.hint).toEqual(KINDS.network)
    expect(error.message).toContain(KINDS.network!.en)
  })

  it('an answer that is not the platform\'s JSON, and a success without the created chat, carry the protocol hint', async () => {
    const { createMeetingChatClient } = await fresh()
    const html = createMeetingChatClient({ auth, retry: false, fetch: async () => new Response('<html>gateway</html>', { status: 200, headers: { 'content-type': 'text/html' } }) })
    expect((await caught(html.unbindMeetingChat(ids))).hint).toEqual(KINDS.protocol)
    const { createMeetingChatClient: again } = await fresh()
    const empty = again({ auth, retry: false, fetch: async () => Response.json({ code: 0, msg: 'success', data: {} }) })
    const error = await caught(empty.createMeetingChat(ids))
    expect([error.kind, error.hint]).toEqual(['protocol', KINDS.protocol])
  })

  it('a deadline that passes while the token is awaited (the text loaded before), and an attempt that times out, carry the timeout hint', async () => {
    // Past the deadline nothing is awaited: the text is there only if it loaded before.
    const { createMeetingChatClient, FeishuApiError } = await fresh()
    await FeishuApiError.loadHints()
    const stuck = createMeetingChatClient({ auth: { tenantAccessToken: () => new Promise<string>(() => {}) }, deadlineMs: 20 })
    const late = await caught(stuck.unbindMeetingChat(ids))
    expect(late.msg).toMatch(/^no token within the call's deadline/)
    expect(late.hint).toEqual(KINDS.timeout)
    const { createMeetingChatClient: again } = await fresh()
    const silent = again({ auth, retry: false, timeoutMs: 20, fetch: () => new Promise<Response>(() => {}) })
    const timedOut = await caught(silent.unbindMeetingChat(ids))
    expect([timedOut.kind, timedOut.hint]).toEqual(['timeout', KINDS.timeout])
  })

  it('a code the answer carries gets its own hint, a code outside the catalog the hint of its status\'s kind', async () => {
    const { createMeetingChatClient } = await fresh()
    const entry = spec.components.schemas.ErrorCode.oneOf.find((e) => e.const === 195108)!
    const known = createMeetingChatClient({ auth, retry: false, fetch: async () => Response.json({ code: 195108, msg: 'chat not match with event' }, { status: 400 }) })
    expect((await caught(known.unbindMeetingChat(ids))).hint).toEqual({ en: entry.description, zh: entry['x-hint-zh'] })
    const { createMeetingChatClient: again } = await fresh()
    const unknown = again({ auth, retry: false, fetch: async () => Response.json({ code: 4242, msg: 'new' }, { status: 403 }) })
    expect((await caught(unknown.unbindMeetingChat(ids))).hint).toEqual(KINDS.permission)
  })

  it('client.api, when its chunk cannot load, rejects with the network hint', async () => {
    vi.doMock('../../src/client/api.ts', () => { throw new Error('chunk unreachable') })
    const { createMeetingChatClient } = await fresh()
    const error = await caught(createMeetingChatClient({ auth }).api.DELETE('/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat', {
      params: { path: { calendar_id: ids.calendarId, event_id: ids.eventId }, query: { meeting_chat_id: ids.meetingChatId } },
    }))
    expect([error.kind, error.hint]).toEqual(['network', KINDS.network])
  })

  it('when the text cannot load, an error carries a placeholder hint that its message leaves out, and the next failure tries again', async () => {
    vi.doMock('../../src/generated/catalog-text.ts', () => { throw new Error('offline') })
    const { createMeetingChatClient } = await fresh()
    const client = createMeetingChatClient({ auth, retry: false, fetch: () => Promise.reject(new TypeError('fetch failed')) })
    const offline = await caught(client.unbindMeetingChat(ids))
    expect([offline.kind, offline.hint]).toEqual(['network', PLACEHOLDER])
    expect(offline.message).toBe('Feishu network error (unbindMeetingChat): the request failed before an answer arrived.')
    vi.doUnmock('../../src/generated/catalog-text.ts')
    expect((await caught(client.unbindMeetingChat(ids))).hint).toEqual(KINDS.network)
  })

  it('FeishuApiError.loadHints() loads the text for errors made by hand', async () => {
    const { FeishuApiError } = await fresh()
    expect(new FeishuApiError({ kind: 'server', msg: 'down' }).hint).toEqual(PLACEHOLDER)
    await expect(FeishuApiError.loadHints()).resolves.toBeUndefined()
    expect(new FeishuApiError({ kind: 'server', msg: 'down' }).hint).toEqual(KINDS.server)
    expect(new FeishuApiError({ kind: 'server', msg: 'down' }).message).toBe(`Feishu server error: down. ${KINDS.server!.en}`)
  })

  it('an item of a bulk run that outlives its deadline is a timeout at once, without waiting for the text', async () => {
    vi.doMock('../../src/generated/catalog-text.ts', stalls)
    vi.resetModules()
    const { unbindMeetingChats } = await import('../../src/bulk/index.ts')
    const results = []
    for await (const r of unbindMeetingChats([ids], { auth, deadlineMs: 20, rateLimiter: false, fetch: () => new Promise<Response>(() => {}) })) results.push(r)
    expect(results).toHaveLength(1)
    const error = results[0]!.ok ? undefined : results[0]!.error as FeishuApiError
    expect([error?.kind, error?.msg, error?.hint]).toEqual(['timeout', "no result within the item's deadline of 20 ms", PLACEHOLDER])
  })
})

describe('what a failure means and says, loaded on demand', () => {
  it('a refused id names its rule in words; if the words cannot load, it still names the argument and the rule', async () => {
    const { createMeetingChatClient } = await fresh()
    const client = createMeetingChatClient({ auth, fetch: () => Promise.reject(new Error('nothing is sent')) })
    const refused = await caught(client.unbindMeetingChat({ ...ids, meetingChatId: 'chat-1' }))
    expect([refused.kind, refused.msg, refused.attempts]).toEqual(['invalid_request', 'meetingChatId does not look like a meeting_chat_id (expected ^oc_[0-9A-Za-z_-]+$, e.g. oc_a0553eda9014c201e6969b478895c230)', 0])
    vi.doMock('../../src/client/explain.ts', () => { throw new Error('offline') })
    const { createMeetingChatClient: again } = await fresh()
    const terse = await caught(again({ auth }).unbindMeetingChat({ ...ids, eventId: '' }))
    expect([terse.kind, terse.msg, terse.operation, terse.retryable]).toEqual(['invalid_request', 'eventId is refused (empty)', 'unbindMeetingChat', false])
  })

  it('an answer that is not a success, when what reads it cannot load, is a retryable failure that names the status', async () => {
    vi.doMock('../../src/client/verdict.ts', () => { throw new Error('offline') })
    const { createMeetingChatClient } = await fresh()
    const client = createMeetingChatClient({ auth, retry: false, fetch: async () => Response.json({ code: 195108, msg: 'chat not match with event' }, { status: 400 }) })
    const error = await caught(client.unbindMeetingChat(ids))
    expect([error.kind, error.httpStatus, error.retryable, error.code]).toEqual(['network', 400, true, null])
    expect(error.msg).toBe('HTTP 400: what it means did not load in time')
    vi.doUnmock('../../src/client/verdict.ts')
    // The next failure tries again.
    expect((await caught(client.unbindMeetingChat(ids))).code).toBe(195108)
  })
})

describe('what loads on demand never holds a call', () => {
  it('a stalled verdict chunk: the call ends at its deadline; an abort ends it at once with its reason', async () => {
    vi.doMock('../../src/client/verdict.ts', stalls)
    const { createMeetingChatClient } = await fresh()
    const refused = async () => Response.json({ code: 195108, msg: 'chat not match with event' }, { status: 400 })
    const late = await caught(createMeetingChatClient({ auth, deadlineMs: 50, fetch: refused }).unbindMeetingChat(ids))
    expect([late.kind, late.msg]).toEqual(['timeout', 'HTTP 400: what it means did not load in time'])
    const caller = new AbortController()
    const call = createMeetingChatClient({ auth, fetch: async () => { setTimeout(() => caller.abort(new Error('stop')), 10); return refused() } }).unbindMeetingChat(ids, { signal: caller.signal })
    await expect(call).rejects.toThrow('stop')
  })

  it('a stalled text chunk: the error comes at the deadline with the placeholder hint, and a timeout at once', async () => {
    vi.doMock('../../src/generated/catalog-text.ts', stalls)
    const { createMeetingChatClient } = await fresh()
    const failed = await caught(createMeetingChatClient({ auth, retry: false, deadlineMs: 50, fetch: () => Promise.reject(new TypeError('fetch failed')) }).unbindMeetingChat(ids))
    expect([failed.kind, failed.hint]).toEqual(['network', PLACEHOLDER])
    const silent = await caught(createMeetingChatClient({ auth, retry: false, deadlineMs: 50, fetch: () => new Promise<Response>(() => {}) }).unbindMeetingChat(ids))
    expect([silent.kind, silent.hint, silent.msg]).toEqual(['timeout', PLACEHOLDER, "no answer within the call's deadline of 50 ms"])
  })

  it('a stalled explanation chunk: a bad id is still refused, at the deadline, naming the argument and the rule', async () => {
    vi.doMock('../../src/client/explain.ts', stalls)
    const { createMeetingChatClient } = await fresh()
    const refused = await caught(createMeetingChatClient({ auth, deadlineMs: 30 }).unbindMeetingChat({ ...ids, calendarId: ' x' }))
    expect([refused.kind, refused.msg]).toEqual(['invalid_request', 'calendarId is refused (space)'])
  })

  it('resendAppTicket and the app-credential flows, when their chunk cannot load, reject with a network error and load again next time', async () => {
    vi.doMock('../../src/client/auth/app.ts', () => { throw new Error('offline') })
    const { createMeetingChatClient } = await fresh()
    const client = createMeetingChatClient({ auth: { appId: 'cli_a1b2c3d4e5f6a7b8', appSecret: 'sEcReT-app-secret-value-123' }, retry: false, fetch: async () => Response.json({ code: 0, msg: 'success', data: {} }) })
    for (const call of [() => client.resendAppTicket(), () => client.unbindMeetingChat(ids)]) {
      const error = await caught(call())
      expect([error.name, error.kind, error.retryable]).toEqual(['FeishuApiError', 'network', true])
      expect(JSON.stringify(error) + error.message).not.toContain('sEcReT')
    }
    vi.doUnmock('../../src/client/auth/app.ts')
    await expect(client.resendAppTicket()).resolves.toBeUndefined()
  })
})

describe('raceWithin, the wait under every on-demand load', () => {
  it('with a signal already aborted, rejects with its reason, and the work failing later surfaces nowhere', async () => {
    const { raceWithin } = await import('../../src/client/lazy.ts')
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      let fail = (_: Error) => {}
      const work = new Promise<never>((_, reject) => { fail = reject })
      await expect(raceWithin(work, 1_000, AbortSignal.abort(new Error('stop')), 'late')).rejects.toThrow('stop')
      fail(new Error('the step failed after the abort'))
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('resendAppTicket stops waiting for its chunk on the caller\'s abort', async () => {
    vi.doMock('../../src/client/auth/app.ts', stalls)
    const { createMeetingChatClient } = await fresh()
    const caller = new AbortController()
    const call = createMeetingChatClient({ auth: { appId: 'cli_a1b2c3d4e5f6a7b8', appSecret: 'sEcReT-app-secret-value-123' } }).resendAppTicket({ signal: caller.signal })
    caller.abort(new Error('stop'))
    await expect(call).rejects.toThrow('stop')
  })
})

describe('the ids a call sends', () => {
  it('are read once: what is checked is what is sent', async () => {
    const { createMeetingChatClient } = await fresh()
    const sent: string[] = []
    const client = createMeetingChatClient({ auth, fetch: async (request) => { sent.push(request.url); return Response.json({ code: 0, msg: 'success', data: {} }) } })
    let reads = 0
    const shifty = { ...ids, get eventId() { return reads++ === 0 ? ids.eventId : '..' } }
    await client.unbindMeetingChat(shifty)
    expect(reads).toBe(1)
    expect(sent[0]).toContain(`/events/${ids.eventId}/meeting_chat`)
  })
})
