// Issue 11: the client against a misbehaving server on 127.0.0.1, with app credentials and with a user token.
// Each case checks the outcome, the requests that reached the server, that the call ended within its deadline
// (on the fake clock), that no rejection went unhandled, and that no credential shows anywhere in the error.
import { inspect } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createMeetingChatClient, FeishuApiError, type ErrorKind } from '../../src/index.ts'
import { refusedUrl, startFaultServer, type FaultServer, type Script } from './server.ts'

const APP = { appId: 'cli_fault0000000001', appSecret: 'fault-APP-SECRET-value-0001' }
const USER_TOKEN = 'u-fault-USER-token-secret-0002'
const ISSUED_TOKEN = 't-fault-issued-token'
const SECRETS = [APP.appSecret, USER_TOKEN, ISSUED_TOKEN]
const ids = { calendarId: 'feishu.cn_fault@group.calendar.feishu.cn', eventId: 'fault-event_0', meetingChatId: 'oc_fault0000000000000000000000001' }
const TIMEOUT_MS = 2000
const DEADLINE_MS = 10_000
const BASE_DELAY_MS = 100

type Outcome = 'ok' | 'aborted' | ErrorKind
interface Expected {
  readonly outcome: Outcome
  readonly token: number
  readonly unbind: number
  readonly operation?: string
  readonly attempts?: number
  readonly retryAfterMs?: number
  readonly message?: RegExp
}
interface Case {
  readonly name: string
  readonly token?: Script
  readonly unbind?: Script
  readonly refused?: boolean
  readonly abortInRetryWait?: boolean
  readonly app: Expected
  readonly user: Expected
}

const always = (fault: ReturnType<Script>): Script => () => fault
const firstThenOk = (fault: ReturnType<Script>): Script => (n) => (n === 1 ? fault : 'ok')
const userOk: Expected = { outcome: 'ok', token: 0, unbind: 1 }

const CASES: readonly Case[] = [
  { name: 'connection refused', refused: true,
    app: { outcome: 'network', token: 0, unbind: 0, operation: 'getTenantAccessTokenInternal', attempts: 3 },
    user: { outcome: 'network', token: 0, unbind: 0, operation: 'unbindMeetingChat', attempts: 3 } },
  { name: 'reset mid-body, then an answer', unbind: firstThenOk('reset-mid-body'),
    app: { outcome: 'ok', token: 1, unbind: 2 }, user: { outcome: 'ok', token: 0, unbind: 2 } },
  { name: 'never answers', unbind: always('never-answers'),
    app: { outcome: 'timeout', token: 1, unbind: 3, attempts: 3 }, user: { outcome: 'timeout', token: 0, unbind: 3, attempts: 3 } },
  { name: 'a slow drip of a body', unbind: always('slow-drip'),
    app: { outcome: 'timeout', token: 1, unbind: 3, attempts: 3 }, user: { outcome: 'timeout', token: 0, unbind: 3, attempts: 3 } },
  { name: 'an HTML 502, then an answer', unbind: firstThenOk('html-502'),
    app: { outcome: 'ok', token: 1, unbind: 2 }, user: { outcome: 'ok', token: 0, unbind: 2 } },
  { name: 'an empty 200', unbind: always('empty-200'),
    app: { outcome: 'protocol', token: 1, unbind: 1, attempts: 1 }, user: { outcome: 'protocol', token: 0, unbind: 1, attempts: 1 } },
  { name: 'truncated JSON', unbind: always('truncated-json'),
    app: { outcome: 'protocol', token: 1, unbind: 1 }, user: { outcome: 'protocol', token: 0, unbind: 1 } },
  { name: 'JSON that is not an object', unbind: always('json-not-object'),
    app: { outcome: 'protocol', token: 1, unbind: 1 }, user: { outcome: 'protocol', token: 0, unbind: 1 } },
  { name: 'a 4 MiB body', unbind: always('huge-body'),
    app: { outcome: 'protocol', token: 1, unbind: 1, attempts: 1, message: /maxResponseBytes/ }, user: { outcome: 'protocol', token: 0, unbind: 1, attempts: 1, message: /maxResponseBytes/ } },
  { name: 'a 429 storm with x-ogw-ratelimit-reset', unbind: always('rate-limited-1s'),
    app: { outcome: 'rate_limited', token: 1, unbind: 3, attempts: 3 }, user: { outcome: 'rate_limited', token: 0, unbind: 3, attempts: 3 } },
  { name: 'a rate-limit reset an hour away', unbind: always('rate-limited-1h'),
    app: { outcome: 'rate_limited', token: 1, unbind: 1, retryAfterMs: 3_600_000 }, user: { outcome: 'rate_limited', token: 0, unbind: 1, retryAfterMs: 3_600_000 } },
  { name: 'the token endpoint down', token: always('server-error-500'),
    app: { outcome: 'server', token: 3, unbind: 0, operation: 'getTenantAccessTokenInternal', attempts: 3 }, user: userOk },
  { name: 'the token endpoint hanging', token: always('never-answers'),
    app: { outcome: 'timeout', token: 3, unbind: 0, operation: 'getTenantAccessTokenInternal' }, user: userOk },
  { name: 'the token endpoint answering garbage', token: always('garbage-token'),
    app: { outcome: 'protocol', token: 1, unbind: 0, operation: 'getTenantAccessTokenInternal' }, user: userOk },
  { name: 'the token endpoint refusing the secret (10014)', token: always('secret-invalid-10014'),
    app: { outcome: 'auth', token: 1, unbind: 0, operation: 'getTenantAccessTokenInternal', attempts: 1 }, user: userOk },
  { name: 'a redirect to another origin', unbind: always('redirect-off-origin'),
    app: { outcome: 'protocol', token: 1, unbind: 1, attempts: 1 }, user: { outcome: 'protocol', token: 0, unbind: 1, attempts: 1 } },
  { name: 'an abort during a retry wait', unbind: always('server-error-500'), abortInRetryWait: true,
    app: { outcome: 'aborted', token: 1, unbind: 1 }, user: { outcome: 'aborted', token: 0, unbind: 1 } },
]

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => { unhandled.push(reason) }
let server: FaultServer
let elsewhere: FaultServer

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled)
  // Redirects point at the second server: it must never be asked anything.
  elsewhere = await startFaultServer()
  server = await startFaultServer(elsewhere.url)
})
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled)
  await Promise.all([server.close(), elsewhere.close()])
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** Event-loop turns for real loopback I/O, without moving the fake clock. */
async function turns(done: () => boolean, count = 100): Promise<void> {
  for (let i = 0; i < count && !done(); i++) await new Promise((resolve) => setImmediate(resolve))
}

function surfaces(error: unknown): string[] {
  const out = [String(error), inspect(error, { depth: 10, showHidden: true })]
  if (error instanceof Error) out.push(String(error.stack))
  if (error instanceof FeishuApiError) out.push(JSON.stringify(error))
  for (let c: unknown = error instanceof Error ? error.cause : undefined; c !== undefined; c = c instanceof Error ? c.cause : undefined) {
    out.push(String(c), inspect(c, { depth: 10, showHidden: true }), c instanceof Error ? String(c.stack) : '')
  }
  return out
}

describe.each([
  ['app credentials', 'app'],
  ['a user token', 'user'],
] as const)('faults, with %s', (_label, identity) => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const expected = c[identity]
    server.script('token', c.token ?? always('ok'))
    server.script('unbind', c.unbind ?? always('ok'))
    const before = { ...server.requests }
    const elsewhereBefore = elsewhere.requests.unbind + elsewhere.requests.token + elsewhere.requests.other
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    vi.spyOn(Math, 'random').mockReturnValue(1)

    const domain = c.refused ? await refusedUrl() : server.url
    const client = createMeetingChatClient({
      domain,
      ...(identity === 'app' && { auth: APP }),
      timeoutMs: TIMEOUT_MS,
      deadlineMs: DEADLINE_MS,
      retry: { maxAttempts: 3, baseDelayMs: BASE_DELAY_MS },
    })
    const controller = new AbortController()
    const start = Date.now()
    let settledAt: number | null = null
    let result: { error: unknown } | { value: unknown } | null = null
    client.unbindMeetingChat(ids, { ...(identity === 'user' && { userAccessToken: USER_TOKEN }), signal: controller.signal }).then(
      (value) => { settledAt = Date.now(); result = { value } },
      (error: unknown) => { settledAt = Date.now(); result = { error } },
    )
    const settled = () => settledAt !== null
    for (let step = 0; step < 400 && !settled(); step++) {
      await turns(settled)
      while (server.writing() > 0) await turns(() => server.writing() === 0, 1000)
      if (c.abortInRetryWait && server.requests.unbind - before.unbind === 1 && !controller.signal.aborted) {
        controller.abort(new Error('the user gave up'))
        await turns(settled)
      }
      if (!settled()) await vi.advanceTimersToNextTimerAsync()
    }

    expect(settled()).toBe(true)
    expect((settledAt ?? Infinity) - start).toBeLessThanOrEqual(DEADLINE_MS)
    expect(server.requests.token - before.token).toBe(expected.token)
    expect(server.requests.unbind - before.unbind).toBe(expected.unbind)
    expect(elsewhere.requests.unbind + elsewhere.requests.token + elsewhere.requests.other).toBe(elsewhereBefore)

    const outcome = result as { error: unknown } | { value: unknown } | null
    if (expected.outcome === 'ok') {
      // The server echoes the request into X-Tt-Logid: the log id of a success is redacted as an error's is.
      const value = (outcome as { value: { logId: string | null } }).value
      expect(value.logId).toMatch(/^echo /)
      for (const secret of SECRETS) expect(JSON.stringify(value)).not.toContain(secret)
    } else if (expected.outcome === 'aborted') {
      expect(outcome).toMatchObject({ error: { message: 'the user gave up' } })
    } else {
      const error = (outcome as { error: unknown }).error
      expect(error).toBeInstanceOf(FeishuApiError)
      expect(error).toMatchObject({
        kind: expected.outcome,
        operation: expected.operation ?? 'unbindMeetingChat',
        ...(expected.attempts !== undefined && { attempts: expected.attempts }),
        ...(expected.retryAfterMs !== undefined && { retryAfterMs: expected.retryAfterMs }),
      })
      if (expected.message) expect(String(error)).toMatch(expected.message)
      for (const text of surfaces(error)) for (const secret of SECRETS) expect(text).not.toContain(secret)
    }
    vi.useRealTimers()
    await turns(() => false, 20)
    expect(unhandled).toEqual([])
  })
})
