// The text of errors (each code's msg and hint, each kind's hint, all from the spec) loads with the client: every
// error carries its hint from the moment it exists. The hints expected are read from the spec itself.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { unbindMeetingChats } from '../../src/bulk/index.ts'
import { createMeetingChatClient, FeishuApiError, type Hint } from '../../src/index.ts'

const spec = parse(readFileSync(new URL('../../openapi/openapi.yaml', import.meta.url), 'utf8')) as {
  components: { schemas: { ErrorCode: { 'x-kinds': Record<string, Hint>; oneOf: { const: number; description: string; 'x-hint-zh': string }[] } } }
}
const KINDS = spec.components.schemas.ErrorCode['x-kinds']

const ids = { calendarId: 'feishu.cn_abc@group.calendar.feishu.cn', eventId: '75d28f9b-e35c-4230-8a83-4a661497db54_0', meetingChatId: 'oc_a0553eda9014c201e6969b478895c230' }
const auth = { tenantAccessToken: 't-static-token-1234' }
const caught = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection') }, (e: unknown) => e as FeishuApiError)

describe('the text of errors', () => {
  it('a failure with no answer carries the hint of its kind, from the spec', async () => {
    const client = createMeetingChatClient({ auth, retry: false, fetch: () => Promise.reject(new TypeError('fetch failed')) })
    const error = await caught(client.unbindMeetingChat(ids))
    expect(error.kind).toBe('network')
    expect(error.hint).toEqual(KINDS.network)
    expect(error.message).toContain(KINDS.network!.en)
  })

  it('an answer that is not the platform\'s JSON, and a success without the created chat, carry the protocol hint', async () => {
    const html = createMeetingChatClient({ auth, retry: false, fetch: async () => new Response('<html>gateway</html>', { status: 200, headers: { 'content-type': 'text/html' } }) })
    expect((await caught(html.unbindMeetingChat(ids))).hint).toEqual(KINDS.protocol)
    const empty = createMeetingChatClient({ auth, retry: false, fetch: async () => Response.json({ code: 0, msg: 'success', data: {} }) })
    const error = await caught(empty.createMeetingChat(ids))
    expect([error.kind, error.hint]).toEqual(['protocol', KINDS.protocol])
  })

  it('a timeout carries the timeout hint, whether the deadline passed while the token was awaited or an attempt timed out, as the first failure of a user-token client', async () => {
    const stuck = createMeetingChatClient({ auth: { tenantAccessToken: () => new Promise<string>(() => {}) }, deadlineMs: 20 })
    const late = await caught(stuck.unbindMeetingChat(ids))
    expect(late.msg).toMatch(/^no token within the call's deadline/)
    expect(late.hint).toEqual(KINDS.timeout)
    const silent = createMeetingChatClient({ auth: { userAccessToken: 'u-user-token-1234' }, retry: false, timeoutMs: 20, fetch: () => new Promise<Response>(() => {}) })
    const timedOut = await caught(silent.unbindMeetingChat(ids))
    expect([timedOut.kind, timedOut.hint]).toEqual(['timeout', KINDS.timeout])
    expect(timedOut.message).toContain(KINDS.timeout!.en)
  })

  it('a code the answer carries gets its own hint, a code outside the catalog the hint of its status\'s kind', async () => {
    const entry = spec.components.schemas.ErrorCode.oneOf.find((e) => e.const === 195108)!
    const known = createMeetingChatClient({ auth, retry: false, fetch: async () => Response.json({ code: 195108, msg: 'chat not match with event' }, { status: 400 }) })
    expect((await caught(known.unbindMeetingChat(ids))).hint).toEqual({ en: entry.description, zh: entry['x-hint-zh'] })
    const unknown = createMeetingChatClient({ auth, retry: false, fetch: async () => Response.json({ code: 4242, msg: 'new' }, { status: 403 }) })
    expect((await caught(unknown.unbindMeetingChat(ids))).hint).toEqual(KINDS.permission)
  })

  it('a refusal is sent once: 195108 is an invalid_request with its code and hint, not a network failure to retry', async () => {
    let sent = 0
    const client = createMeetingChatClient({ auth, fetch: async () => { sent++; return Response.json({ code: 195108, msg: 'chat not match with event' }, { status: 400 }) } })
    const error = await caught(client.unbindMeetingChat(ids))
    expect([error.kind, error.code, error.retryable, error.attempts, sent]).toEqual(['invalid_request', 195108, false, 1, 1])
  })

  it('an error made by hand carries the hint of its kind, or of its code', () => {
    expect(new FeishuApiError({ kind: 'server', msg: 'down' }).hint).toEqual(KINDS.server)
    expect(new FeishuApiError({ kind: 'server', msg: 'down' }).message).toBe(`Feishu server error: down. ${KINDS.server!.en}`)
    const entry = spec.components.schemas.ErrorCode.oneOf.find((e) => e.const === 191000)!
    expect(new FeishuApiError({ kind: 'not_found', code: 191000, msg: 'calendar not found' }).hint.zh).toBe(entry['x-hint-zh'])
  })

  it('an item of a bulk run that outlives its deadline is a timeout with the timeout hint', async () => {
    const results = []
    for await (const r of unbindMeetingChats([ids], { auth, deadlineMs: 20, rateLimiter: false, fetch: () => new Promise<Response>(() => {}) })) results.push(r)
    expect(results).toHaveLength(1)
    const error = results[0]!.ok ? undefined : results[0]!.error as FeishuApiError
    expect([error?.kind, error?.msg, error?.hint]).toEqual(['timeout', "no result within the item's deadline of 20 ms", KINDS.timeout])
  })

  it('a refused id names its rule in words, and nothing is sent', async () => {
    let sent = 0
    const client = createMeetingChatClient({ auth, fetch: async () => { sent++; return Response.json({ code: 0, msg: 'success', data: {} }) } })
    const refused = await caught(client.unbindMeetingChat({ ...ids, meetingChatId: 'chat-1' }))
    expect([refused.kind, refused.msg, refused.attempts]).toEqual(['invalid_request', 'meetingChatId does not look like a meeting_chat_id (expected ^oc_[0-9A-Za-z_-]+$, e.g. oc_a0553eda9014c201e6969b478895c230)', 0])
    const empty = await caught(client.unbindMeetingChat({ ...ids, eventId: '' }))
    expect([empty.msg, empty.operation, empty.retryable]).toEqual(['eventId must not be empty', 'unbindMeetingChat', false])
    expect(sent).toBe(0)
  })
})

describe('the ids a call sends', () => {
  it('are read once: what is checked is what is sent', async () => {
    const sent: string[] = []
    const client = createMeetingChatClient({ auth, fetch: async (request) => { sent.push(request.url); return Response.json({ code: 0, msg: 'success', data: {} }) } })
    let reads = 0
    const shifty = { ...ids, get eventId() { return reads++ === 0 ? ids.eventId : '..' } }
    await client.unbindMeetingChat(shifty)
    expect(reads).toBe(1)
    expect(sent[0]).toContain(`/events/${ids.eventId}/meeting_chat`)
  })
})
