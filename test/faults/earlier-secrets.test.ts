// A server that quotes a credential it received on an EARLIER request (the app secret of the token request inside an
// unbind's 500, the app ticket inside resendAppTicket's error, another call's user token): whatever the client reports
// (the error's message, stack, toJSON, inspect, its cause; a success's log id; bulk results) shows none of them.
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { unbindMeetingChats } from '../../src/bulk/index.ts'
import { createMeetingChatClient, FeishuApiError } from '../../src/index.ts'

const ids = { calendarId: 'feishu.cn_abc@group.calendar.feishu.cn', eventId: '75d28f9b-e35c-4230-8a83-123_0', meetingChatId: 'oc_a0553eda9014c201e6969b478895c230' }
const APP_SECRET = 'SEC-app-secret-value-0001'
const TICKET = 'TICKET-app-ticket-value-0001'
const USER_A = 'u-user-token-of-alice-0001'
const USER_B = 'u-user-token-of-bob-0002'
const SECRETS = [APP_SECRET, TICKET, USER_A, USER_B, 't-issued-tenant-token-0001', 'a-issued-app-token-0001']

/**
 * A fetch that remembers every credential any request carried (headers and body) and quotes all of them in each
 * failure: in the msg, the log id, the details and the content type. The token endpoints issue tokens; the calls
 * whose path is in `failing` fail, the others succeed with every credential echoed into X-Tt-Logid.
 */
function echoingEveryEarlierSecret(failing: readonly string[]) {
  const heard: string[] = []
  const fetch = async (request: Request): Promise<Response> => {
    const body = request.body === null ? '' : await request.text()
    heard.push(request.headers.get('authorization') ?? '', body)
    const quoted = heard.join(' | ').replace(/[^\x20-\x7e]/g, '?')
    const path = new URL(request.url).pathname
    if (failing.some((f) => path.endsWith(f))) {
      return Response.json({ code: 190003, msg: `internal service error: ${quoted}`, error: { log_id: quoted, details: [{ key: quoted, value: quoted }] } }, { status: 500, headers: { 'x-tt-logid': quoted, 'content-type': `application/json; ${quoted}` } })
    }
    const headers = { 'x-tt-logid': quoted }
    if (path.endsWith('/tenant_access_token/internal') || path.endsWith('/tenant_access_token')) return Response.json({ code: 0, msg: 'ok', tenant_access_token: 't-issued-tenant-token-0001', expire: 7200 }, { headers })
    if (path.endsWith('/app_access_token')) return Response.json({ code: 0, msg: 'ok', app_access_token: 'a-issued-app-token-0001', expire: 7200 }, { headers })
    return Response.json({ code: 0, msg: 'success', data: { meeting_chat_id: 'oc_1', applink: 'https://applink.feishu.cn/x' } }, { headers })
  }
  return fetch
}

/** Every surface an error shows itself on. */
function surfaces(error: unknown): string {
  const out = [String(error), inspect(error, { depth: 10, showHidden: true })]
  if (error instanceof Error) out.push(String(error.stack))
  if (error instanceof FeishuApiError) out.push(JSON.stringify(error), JSON.stringify(error.detail))
  for (let c: unknown = error instanceof Error ? error.cause : undefined; c !== undefined; c = c instanceof Error ? c.cause : undefined) out.push(String(c), inspect(c))
  return out.join('\n')
}
const caught = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection') }, (e: unknown) => e)
const expectNone = (text: string) => { for (const secret of SECRETS) expect(text).not.toContain(secret) }

describe('a server that quotes a credential of an earlier request', () => {
  it('the app secret of the token request, inside an unbind\'s 500', async () => {
    const client = createMeetingChatClient({ auth: { appId: 'cli_a1b2c3d4e5f6a7b8', appSecret: APP_SECRET }, retry: false, fetch: echoingEveryEarlierSecret(['/meeting_chat']) })
    const error = await caught(client.unbindMeetingChat(ids))
    expect(error).toMatchObject({ kind: 'server', code: 190003 })
    expect((error as FeishuApiError).msg).toContain('[redacted]')
    expectNone(surfaces(error))
  })

  it('the app ticket of the app token request, inside resendAppTicket\'s error', async () => {
    const client = createMeetingChatClient({
      auth: { appId: 'cli_a1b2c3d4e5f6a7b8', appSecret: APP_SECRET, appTicket: () => TICKET, tenantKey: 'tenant-1' },
      retry: false,
      fetch: echoingEveryEarlierSecret(['/app_ticket/resend']),
    })
    await client.createMeetingChat(ids)
    const error = await caught(client.resendAppTicket())
    expect(error).toMatchObject({ kind: 'server', operation: 'resendAppTicket' })
    expectNone(surfaces(error))
  })

  it('another call\'s user token, inside a later call\'s error and a later success\'s log id', async () => {
    const client = createMeetingChatClient({ retry: false, fetch: echoingEveryEarlierSecret(['/meeting_chat?fail']) })
    const first = await client.unbindMeetingChat(ids, { userAccessToken: USER_A })
    expect(first.logId).toContain('[redacted]')
    const failing = createMeetingChatClient({ retry: false, fetch: echoingEveryEarlierSecret(['/meeting_chat']) })
    await caught(failing.unbindMeetingChat(ids, { userAccessToken: USER_A }))
    const error = await caught(failing.unbindMeetingChat(ids, { userAccessToken: USER_B }))
    expectNone(surfaces(error))
    expectNone(JSON.stringify(await client.unbindMeetingChat(ids, { userAccessToken: USER_B })))
  })

  it('the tokens a store app was issued, in the log id of a later success', async () => {
    const client = createMeetingChatClient({
      auth: { appId: 'cli_a1b2c3d4e5f6a7b8', appSecret: APP_SECRET, appTicket: () => TICKET, tenantKey: 'tenant-1' },
      fetch: echoingEveryEarlierSecret([]),
    })
    const chat = await client.createMeetingChat(ids)
    expectNone(JSON.stringify(chat))
    expectNone(JSON.stringify(await client.unbindMeetingChat(ids)))
  })

  it('in a bulk run: every result, failed or not', async () => {
    const results = []
    for await (const r of unbindMeetingChats([ids, { ...ids, meetingChatId: 'oc_b0553eda9014c201e6969b478895c231' }], {
      auth: { appId: 'cli_a1b2c3d4e5f6a7b8', appSecret: APP_SECRET },
      retry: false,
      rateLimiter: false,
      fetch: echoingEveryEarlierSecret(['/meeting_chat']),
    })) results.push(r)
    expect(results.map((r) => r.ok)).toEqual([false, false])
    for (const r of results) expectNone(surfaces(r.error))
  })
})
