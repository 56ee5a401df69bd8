// createMeetingChatClient: the typed openapi-fetch client with auth, retries and timeouts, and the two
// meeting-chat calls on top of it.
import createClient, { type Client } from 'openapi-fetch'
import type { paths } from '../generated/schema.js'
import { createAuthStrategy, checkToken } from './auth/strategies.js'
import { FeishuApiError } from './errors.js'
import { normalizeOptions, ConfigError, type AuthOptions, type MeetingChatClientOptions } from './options.js'
import { pacingKey } from './pacing.js'
import { createTransport, directRequest, preparedRequestClass } from './transport.js'
import { pathSerializer, querySerializer, serializePath, serializeQuery } from './serialize.js'
import { checkParam } from './validate.js'

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

function callHeaders(options: CallOptions | undefined): Record<string, string> | undefined {
  if (options?.userAccessToken !== undefined && options.tenantAccessToken !== undefined) {
    throw new ConfigError('Pass either userAccessToken or tenantAccessToken to a call, not both.')
  }
  if (options?.userAccessToken !== undefined) return { Authorization: `Bearer ${checkToken(options.userAccessToken, 'user', 'userAccessToken')}` }
  if (options?.tenantAccessToken !== undefined) return { Authorization: `Bearer ${checkToken(options.tenantAccessToken, 'tenant', 'tenantAccessToken')}` }
  return undefined
}

function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined
  if (typeof signal !== 'object' || signal === null || typeof (signal as AbortSignal).aborted !== 'boolean') {
    throw new ConfigError('signal must be an AbortSignal (e.g. AbortSignal.timeout(5000) or controller.signal).')
  }
  return signal as AbortSignal
}

/** Creates a client. See the README for every option and its default. */
export function createMeetingChatClient(options: MeetingChatClientOptions = {}): MeetingChatClient {
  const normalized = normalizeOptions(options)
  let auth: ReturnType<typeof createAuthStrategy>
  const transport = createTransport({ options: normalized, auth: () => auth, pacingKey: pacingKey(options.auth) })
  const api: MeetingChatApi = createClient<paths>({ baseUrl: normalized.baseUrl, fetch: transport.fetch, Request: preparedRequestClass(normalized.fetch !== undefined), pathSerializer, querySerializer })
  const use = api.use.bind(api)
  // Until middleware is added, the client's own body-less calls are built as DirectRequests (see transport.ts): no one
  // but the transport sees them. From then on they are real Requests, which middleware may read or replace.
  let Request: typeof globalThis.Request | undefined = directRequest
  api.use = (...middleware) => {
    transport.observed()
    Request = undefined
    use(...middleware)
  }
  auth = createAuthStrategy(options.auth, { api, transport, cache: options.tokenCache }, normalized.origin, normalized.deadlineMs)
  // With no middleware, a bound success is the Response as fetched, its body read: it must go to no one but the
  // methods below (never a per-request `middleware`), and all middleware must come through this `use`.
  const unbindFetch = transport.bound('unbindMeetingChat')
  const resendFetch = transport.bound('resendAppTicket')
  const appAuth = options.auth as (AuthOptions & { appId?: unknown; appSecret?: unknown }) | undefined

  return {
    api,
    baseUrl: normalized.baseUrl,

    async unbindMeetingChat(params, callOptions) {
      const op = 'unbindMeetingChat'
      const calendarId = checkParam(op, 'calendar_id', 'calendarId', params?.calendarId)
      const eventId = checkParam(op, 'event_id', 'eventId', params?.eventId)
      const meetingChatId = checkParam(op, 'meeting_chat_id', 'meetingChatId', params?.meetingChatId)
      const signal = checkSignal(callOptions?.signal)
      const headers = callHeaders(callOptions)
      await api.DELETE('/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat', {
        params: { path: { calendar_id: calendarId, event_id: eventId }, query: { meeting_chat_id: meetingChatId } },
        ...(headers && { headers }),
        ...(signal && { signal }),
        fetch: unbindFetch,
        Request,
        // The ids were checked above: the serializers' own checks (for client.api) would repeat them.
        pathSerializer: serializePath,
        querySerializer: serializeQuery,
        parseAs: 'stream',
      })
    },

    async createMeetingChat(params, callOptions) {
      const op = 'createMeetingChat'
      const calendarId = checkParam(op, 'calendar_id', 'calendarId', params?.calendarId)
      const eventId = checkParam(op, 'event_id', 'eventId', params?.eventId)
      const signal = checkSignal(callOptions?.signal)
      const headers = callHeaders(callOptions)
      const created = transport.capture(op)
      await api.POST('/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat', {
        params: { path: { calendar_id: calendarId, event_id: eventId } },
        ...(headers && { headers }),
        ...(signal && { signal }),
        fetch: created.fetch,
        Request,
        pathSerializer: serializePath,
        parseAs: 'stream',
      })
      const chat = created.envelope()?.data as { meeting_chat_id?: unknown; applink?: unknown } | undefined
      if (typeof chat?.meeting_chat_id !== 'string' || typeof chat.applink !== 'string') {
        throw new FeishuApiError({ kind: 'protocol', msg: 'the answer has no data.meeting_chat_id and data.applink', httpStatus: 200, operation: op })
      }
      return { meetingChatId: chat.meeting_chat_id, applink: chat.applink }
    },

    async resendAppTicket(callOptions) {
      if (typeof appAuth?.appId !== 'string' || typeof appAuth.appSecret !== 'string') {
        throw new ConfigError('resendAppTicket needs app credentials: create the client with auth: { appId, appSecret, ... }.')
      }
      const signal = checkSignal(callOptions?.signal)
      await api.POST('/open-apis/auth/v3/app_ticket/resend', {
        body: { app_id: appAuth.appId, app_secret: appAuth.appSecret },
        ...(signal && { signal }),
        fetch: resendFetch,
        parseAs: 'stream',
      })
    },
  }
}
