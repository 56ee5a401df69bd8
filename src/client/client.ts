// createMeetingChatClient: the typed openapi-fetch client with auth, retries and timeouts, and the two
// meeting-chat calls on top of it.
import type { Client, Middleware } from 'openapi-fetch'
import { secretFields } from '../generated/operations.js'
import type { paths } from '../generated/schema.js'
import { createAuthStrategy } from './auth/strategies.js'
import { checkCall, MEETING_CHAT, refuse, sendDirect, type MeetingChatOperation } from './call.js'
import { FeishuApiError, loadCatalogText } from './errors.js'
import { normalizeOptions, ConfigError, type MeetingChatClientOptions } from './options.js'
import { pacingKey } from './pacing.js'
import { OPERATIONS } from './operation.js'
import { awaitWithin, loadChunk, raceWithin } from './lazy.js'
import { createTransport, type Fetch } from './transport.js'
import { fillPath } from './serialize.js'
import { hasLoneSurrogate } from './validate.js'

export interface CallOptions {
  /** Call as this user (user identity); sent exactly as given, never replaced by a cached token. */
  readonly userAccessToken?: string
  /** Call with this tenant_access_token (app identity) instead of the client's auth. */
  readonly tenantAccessToken?: string
  /** Aborts the call, and any retry still to come. */
  readonly signal?: AbortSignal
}

export interface UnbindMeetingChatParams {
  /** The event's calendar, e.g. `feishu.cn_xxx@group.calendar.feishu.cn`. */
  readonly calendarId: string
  /** The event, e.g. `75d28f9b-e35c-4230-8a83-4a661497db54_0`. */
  readonly eventId: string
  /** The meeting chat to unbind, `oc_...` (from createMeetingChat). */
  readonly meetingChatId: string
}

export interface CreateMeetingChatParams {
  readonly calendarId: string
  readonly eventId: string
}

export interface MeetingChat {
  /** The chat's id, `oc_...`. */
  readonly meetingChatId: string
  /** A link that opens the chat in the Feishu / Lark app. */
  readonly applink: string
}

export type MeetingChatApi = Client<paths, `${string}/${string}`>

export interface MeetingChatClient {
  /** Unbinds the meeting chat from the event. Resolves on success; rejects with FeishuApiError. */
  unbindMeetingChat(params: UnbindMeetingChatParams, options?: CallOptions): Promise<void>
  /** Creates the event's meeting chat and binds it. Rejects with FeishuApiError. */
  createMeetingChat(params: CreateMeetingChatParams, options?: CallOptions): Promise<MeetingChat>
  /** Store apps: asks the platform to push a new app_ticket (it arrives later as an event). */
  resendAppTicket(options?: Pick<CallOptions, 'signal'>): Promise<void>
  /**
   * The typed openapi-fetch client for every operation of the spec, with the same auth, retries and
   * timeouts. It resolves `{ data }` on success and rejects with FeishuApiError on any failure.
   */
  readonly api: MeetingChatApi
  /** The base URL calls go to. */
  readonly baseUrl: string
}

const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const

/** What openapi-fetch's `use` throws for something that is not middleware. */
const NOT_MIDDLEWARE = 'Middleware must be an object with one of `onRequest()`, `onResponse() or `onError()`'

type Forward = (api: MeetingChatApi, init: Record<string, unknown>) => Promise<unknown>

/**
 * `client.api`, with openapi-fetch loaded on its first call (api.ts, a dynamic import; again after a failed load).
 * It keeps the middleware list itself, as openapi-fetch's `use` and `eject` keep theirs, and hands each call the
 * list as it stands when the call is made (openapi-fetch's per-request `middleware`, which it runs after its own,
 * empty here): a call made while openapi-fetch loads runs the middleware of that moment, and once it is loaded every
 * call goes to it at once. A load that fails, is aborted or outlasts the client's deadline rejects that call as any
 * other failure does. A call made while it loads still reads its other arguments (a body) once it has loaded.
 */
export function lazyApi(load: () => Promise<MeetingChatApi>, onUse: () => void, limitMs = Infinity): MeetingChatApi {
  let loaded: MeetingChatApi | undefined
  let loading: Promise<MeetingChatApi> | undefined
  const middleware: Middleware[] = []
  // A load that never settles (a chunk request that hangs) ends at the client's deadline, as a call would.
  const start = () => loadChunk(load, "client.api's openapi-fetch", limitMs).then(
    (api) => (loaded = api),
    (error: unknown) => {
      loading = undefined
      throw error
    },
  )
  const ready = (signal: unknown): Promise<MeetingChatApi> => {
    const abort = signal instanceof AbortSignal ? signal : undefined
    if (abort?.aborted) return Promise.reject(abort.reason)
    // The load goes on for the next call; this one stops waiting on its abort.
    return raceWithin((loading ??= start()), Infinity, abort, undefined as never)
  }
  const call = (init: unknown, forward: Forward): Promise<unknown> => {
    const given = (init ?? {}) as Record<string, unknown>
    let withMiddleware: Record<string, unknown>
    try {
      // openapi-fetch runs the per-request middleware after its own (none here): any iterable, as it spreads them.
      withMiddleware = { ...given, middleware: [...middleware, ...((given.middleware === undefined ? [] : given.middleware) as Iterable<Middleware>)] }
    } catch (error) {
      return Promise.reject(error)
    }
    return loaded ? forward(loaded, withMiddleware) : ready(given.signal).then((api) => forward(api, withMiddleware))
  }
  const facade: Record<string, unknown> = {
    use(...added: Middleware[]) {
      onUse()
      for (const m of added) {
        if (!m) continue
        if (typeof m !== 'object' || !('onRequest' in m || 'onResponse' in m || 'onError' in m)) throw new Error(NOT_MIDDLEWARE)
        middleware.push(m)
      }
    },
    eject(...removed: Middleware[]) {
      for (const m of removed) {
        const i = middleware.indexOf(m)
        if (i !== -1) middleware.splice(i, 1)
      }
    },
    request: (method: string, url: string, init?: unknown) => call(init, (api, withMiddleware) => api.request(method as never, url as never, withMiddleware as never)),
  }
  for (const method of METHODS) facade[method] = (url: string, init?: unknown) => call(init, (api, withMiddleware) => (api[method] as (u: string, i: unknown) => Promise<unknown>)(url, withMiddleware))
  return facade as unknown as MeetingChatApi
}

/** Creates a client. See the README for every option and its default. */
export function createMeetingChatClient(options: MeetingChatClientOptions = {}): MeetingChatClient {
  const normalized = normalizeOptions(options)
  let auth: ReturnType<typeof createAuthStrategy>
  const transport = createTransport({ options: normalized, auth: () => auth, pacingKey: pacingKey(options.auth) })
  // Until middleware is added, what the client's own body-less calls send is built here (see meetingChat) and no one
  // but the transport sees it. From then on they go through openapi-fetch as real Requests, which middleware may read or replace.
  let observed = false
  const api = lazyApi(
    // The text of errors loads beside it, for the errors of the Requests it reads (request.ts).
    () => {
      void loadCatalogText()
      return import('./api.js').then(({ createApi }) => createApi(normalized, transport, { FeishuApiError, ConfigError, OPERATIONS, secretFields, hasLoneSurrogate, fillPath }))
    },
    () => {
      transport.observed()
      observed = true
    },
    normalized.deadlineMs,
  )
  auth = createAuthStrategy(options.auth, { api, transport, cache: options.tokenCache }, normalized.origin, normalized.deadlineMs)
  // With no middleware, a bound success is the Response as fetched, its body read: it must go to no one but the
  // methods below (never a per-request `middleware`), and all middleware must come through this `use`.
  const unbindFetch = transport.bound('unbindMeetingChat')
  const resendFetch = transport.bound('resendAppTicket')
  const givenAuth = options.auth
  // The URL template as openapi-fetch hands it to the path serializer: the base URL, then the path.
  const meetingChatTemplate = `${normalized.baseUrl}${MEETING_CHAT}`

  /**
   * Checks the ids and the call options and sends the call (DELETE unbinds, POST creates) to `fetch`, the transport's
   * for that operation: built here while no middleware is added (call.ts), through openapi-fetch once middleware is
   * added, which runs it.
   */
  async function meetingChat(op: MeetingChatOperation, fetch: Fetch, params: Partial<UnbindMeetingChatParams> | undefined, callOptions: CallOptions | undefined): Promise<void> {
    const call = checkCall(op, params, callOptions)
    if ('problem' in call) return refuse(call, normalized.deadlineMs)
    if (!observed) {
      await sendDirect(meetingChatTemplate, op, call, fetch)
      return
    }
    const { path, query, headers, signal } = call
    const init = { ...(headers && { headers }), ...(signal && { signal }), fetch, parseAs: 'stream' } as const
    await (query ? api.DELETE(MEETING_CHAT, { ...init, params: { path, query } }) : api.POST(MEETING_CHAT, { ...init, params: { path } }))
  }

  return {
    api,
    baseUrl: normalized.baseUrl,

    unbindMeetingChat: (params, callOptions) => meetingChat('unbindMeetingChat', unbindFetch, params, callOptions),

    async createMeetingChat(params, callOptions) {
      const started = Date.now()
      const op = 'createMeetingChat'
      const created = transport.capture(op)
      await meetingChat(op, created.fetch, params, callOptions)
      const chat = created.envelope()?.data as { meeting_chat_id?: unknown; applink?: unknown } | undefined
      if (typeof chat?.meeting_chat_id !== 'string' || typeof chat.applink !== 'string') {
        await awaitWithin(loadCatalogText(), normalized.deadlineMs - (Date.now() - started))
        throw new FeishuApiError({ kind: 'protocol', msg: 'the answer has no data.meeting_chat_id and data.applink', httpStatus: 200, operation: op })
      }
      return { meetingChatId: chat.meeting_chat_id, applink: chat.applink }
    },

    // Only store apps call it, and their token flows are in the same chunk.
    resendAppTicket: (callOptions) => {
      // The caller's abort ends the wait for the chunk too (app.ts checks the signal itself).
      const signal = callOptions?.signal instanceof AbortSignal ? callOptions.signal : undefined
      return raceWithin(loadChunk(() => import('./auth/app.js'), 'resendAppTicket', normalized.deadlineMs), Infinity, signal, undefined as never)
        .then((m) => m.resendAppTicket(givenAuth, api, resendFetch, callOptions))
    },
  }
}
