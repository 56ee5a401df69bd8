// The three ways to unbind a meeting chat that the bench compares, each as a `() => Promise<void>` that
// rejects unless the platform answered code 0.
import { pathToFileURL } from 'node:url'
import { BENCH } from './fixtures.ts'

export type OurModule = typeof import('../../src/index.ts')

/** What the bench uses of `@larksuiteoapi/node-sdk` (loaded untyped: its .d.ts is 320k lines). */
export interface LarkModule {
  Client: new (params: {
    appId: string
    appSecret: string
    domain: string
    disableTokenCache?: boolean
    cache?: unknown
    loggerLevel?: number
    logger?: Record<'error' | 'warn' | 'info' | 'debug' | 'trace', (...args: unknown[]) => void>
  }) => LarkClient
  DefaultCache: new () => unknown
  LoggerLevel: { error: number }
  withTenantToken(token: string): unknown
}
interface LarkClient {
  calendar: {
    v4: {
      calendarEventMeetingChat: {
        delete(
          payload: { path: { calendar_id: string; event_id: string }; params: { meeting_chat_id: string } },
          options?: unknown,
        ): Promise<{ code?: number; msg?: string } | undefined>
      }
    }
  }
}

export type ClientName = 'raw fetch' | 'openapi-fetch alone' | 'openapi-fetch + timeout' | 'openapi-fetch + judge' | 'this package' | 'official SDK'
export const CLIENT_NAMES: readonly ClientName[] = ['raw fetch', 'openapi-fetch alone', 'openapi-fetch + timeout', 'openapi-fetch + judge', 'this package', 'official SDK']

export type Call = () => Promise<void>

const silent = { error() {}, warn() {}, info() {}, debug() {}, trace() {} }

export async function loadOurs(entry: string): Promise<OurModule> {
  return (await import(pathToFileURL(entry).href)) as OurModule
}

export async function loadLark(): Promise<LarkModule> {
  const name = '@larksuiteoapi/node-sdk'
  const mod = (await import(name)) as LarkModule & { default?: LarkModule }
  return typeof mod.Client === 'function' ? mod : (mod.default as LarkModule)
}

/** The floor: one hand-built fetch, the body parsed and its code checked. */
export function rawFetchCall(baseUrl: string): Call {
  return async () => {
    const url = `${baseUrl}/open-apis/calendar/v4/calendars/${encodeURIComponent(BENCH.calendarId)}/events/${encodeURIComponent(BENCH.eventId)}/meeting_chat?meeting_chat_id=${encodeURIComponent(BENCH.meetingChatId)}`
    const response = await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${BENCH.tenantAccessToken}` } })
    const body = (await response.json()) as { code?: unknown }
    if (body.code !== 0) throw new Error(`raw fetch: HTTP ${response.status}, code ${String(body.code)}`)
  }
}

/**
 * A custom fetch that adds only a timeout (an AbortController and a timer per request): the least a client
 * with a deadline adds to openapi-fetch, and so the floor of what this package can cost over it.
 */
export function timeoutOnlyFetch(fetchImpl: (request: Request, init?: RequestInit) => Promise<Response> = fetch, timeoutMs = 60_000) {
  return (request: Request): Promise<Response> => {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), timeoutMs)
    return fetchImpl(request, { signal: controller.signal }).finally(() => clearTimeout(timer))
  }
}

/**
 * A custom fetch that adds a timeout and judges the answer before openapi-fetch sees it, as any client must that
 * decides retries and errors below openapi-fetch: it reads the body, parses it, checks the platform's `code`, and
 * hands openapi-fetch a new Response of the same bytes. The floor of this package's one path, without its own
 * rules (ids, tokens, redaction, pacing).
 */
export function judgingFetch(fetchImpl: (request: Request, init?: RequestInit) => Promise<Response> = fetch, timeoutMs = 60_000) {
  return async (request: Request): Promise<Response> => {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), timeoutMs)
    try {
      const response = await fetchImpl(request, { signal: controller.signal })
      const bytes = new Uint8Array(await response.arrayBuffer())
      if ((JSON.parse(new TextDecoder().decode(bytes)) as { code?: unknown }).code !== 0) throw new Error('the answer is not a success')
      return new Response(bytes, { status: response.status, headers: response.headers })
    } finally {
      clearTimeout(timer)
    }
  }
}

/**
 * openapi-fetch alone, which this package builds on: the floor issue 13's targets are stated against; with
 * `timeout`, through {@link timeoutOnlyFetch}.
 */
export async function openapiFetchCall(baseUrl: string, options: { timeout?: boolean; judge?: boolean } = {}): Promise<Call> {
  const createClient = (await import('openapi-fetch')).default
  const fetch = options.judge ? judgingFetch() : options.timeout ? timeoutOnlyFetch() : undefined
  const client = createClient<import('../../src/generated/schema.ts').paths>({ baseUrl, ...(fetch && { fetch }) })
  const path = '/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat' as const
  const init = {
    params: { path: { calendar_id: BENCH.calendarId, event_id: BENCH.eventId }, query: { meeting_chat_id: BENCH.meetingChatId } },
    headers: { authorization: `Bearer ${BENCH.tenantAccessToken}` },
  }
  return async () => {
    const { data } = await client.DELETE(path, init)
    if (data?.code !== 0) throw new Error(`openapi-fetch: code ${String(data?.code)}`)
  }
}

/** This package with a fixed tenant token (`auth: { tenantAccessToken }`), or with app credentials. */
export function ourCall(mod: OurModule, baseUrl: string, auth: 'static' | 'app' = 'static'): Call {
  const client = mod.createMeetingChatClient({
    domain: baseUrl,
    auth: auth === 'static' ? { tenantAccessToken: BENCH.tenantAccessToken } : { appId: BENCH.appId, appSecret: BENCH.appSecret },
  })
  const params = { calendarId: BENCH.calendarId, eventId: BENCH.eventId, meetingChatId: BENCH.meetingChatId }
  return async () => {
    await client.unbindMeetingChat(params)
  }
}

/**
 * The official SDK. 'static': its token manager off (`disableTokenCache: true`) and the same fixed token
 * passed per call with `lark.withTenantToken`. 'app': app credentials with a fresh, empty token cache (its
 * default cache is one per process, shared by every Client).
 */
export function larkCall(lark: LarkModule, baseUrl: string, auth: 'static' | 'app' = 'static'): Call {
  const client = new lark.Client({
    appId: BENCH.appId,
    appSecret: BENCH.appSecret,
    domain: baseUrl,
    loggerLevel: lark.LoggerLevel.error,
    logger: silent,
    ...(auth === 'static' ? { disableTokenCache: true } : { cache: new lark.DefaultCache() }),
  })
  const options = auth === 'static' ? lark.withTenantToken(BENCH.tenantAccessToken) : undefined
  const payload = { path: { calendar_id: BENCH.calendarId, event_id: BENCH.eventId }, params: { meeting_chat_id: BENCH.meetingChatId } }
  return async () => {
    const answer = await client.calendar.v4.calendarEventMeetingChat.delete(payload, options)
    if (answer?.code !== 0) throw new Error(`official SDK: code ${String(answer?.code)} ${String(answer?.msg)}`)
  }
}
