// createMeetingChatClient: openapi-fetch's client with the transport as its fetch (auth, retries, deadlines, one typed
// error), and the two meeting-chat calls on top of it. Every call, the client's own and client.api's, goes through
// openapi-fetch, and so through any middleware added with client.api.use.
import createClient, { createQuerySerializer, defaultPathSerializer, type Client } from 'openapi-fetch'
import type { paths } from '../generated/schema.js'
import { resendAppTicket } from './auth/app.js'
import { createAuthStrategy } from './auth/strategies.js'
import { checkToken, type AuthStrategy } from './auth/tokens.js'
import { FeishuApiError } from './errors.js'
import { ConfigError, normalizeOptions, type CallOptions, type MeetingChatClientOptions } from './options.js'
import { pacingKey } from './pacing.js'
import { redactText, Secrets } from './redact.js'
import { createTransport } from './transport.js'
import { checkParams, checkSignal, idError } from './validate.js'

export type { CallOptions } from './options.js'

/** The ids of an unbind, as the platform returned them. */
export interface UnbindMeetingChatParams {
  /** The event's calendar, e.g. `feishu.cn_xxx@group.calendar.feishu.cn`. */
  readonly calendarId: string
  /** The event, e.g. `75d28f9b-e35c-4230-8a83-4a661497db54_0`. */
  readonly eventId: string
  /** The meeting chat to unbind, `oc_...` (from createMeetingChat). */
  readonly meetingChatId: string
}

/** The ids of a create, as the platform returned them. */
export interface CreateMeetingChatParams {
  /** The event's calendar, e.g. `feishu.cn_xxx@group.calendar.feishu.cn`. */
  readonly calendarId: string
  /** The event, e.g. `75d28f9b-e35c-4230-8a83-4a661497db54_0`. */
  readonly eventId: string
}

/** What a call that worked resolves with: the log id support asks for, of a success as of a failure. */
export interface CallResult {
  /** The answer's `X-Tt-Logid` (else `X-Request-Id`), or null when it had none. */
  readonly logId: string | null
}

/** The meeting chat a create made, and the log id of its answer. */
export interface MeetingChat extends CallResult {
  /** The chat's id, `oc_...`. */
  readonly meetingChatId: string
  /** A link that opens the chat in the Feishu / Lark app. */
  readonly applink: string
}

/** The typed openapi-fetch client of every operation of the spec. */
export type MeetingChatApi = Client<paths, `${string}/${string}`>

/** A client made by {@link createMeetingChatClient}. */
export interface MeetingChatClient {
  /**
   * Unbinds the meeting chat from the event (the chat itself remains). Resolves with the answer's log id; rejects
   * with {@link FeishuApiError} (195108: the chat is not bound to the event, e.g. already unbound).
   */
  unbindMeetingChat(params: UnbindMeetingChatParams, options?: CallOptions): Promise<CallResult>
  /** Creates the event's meeting chat and binds it (the event needs 2 attendees or more). Rejects with {@link FeishuApiError}. */
  createMeetingChat(params: CreateMeetingChatParams, options?: CallOptions): Promise<MeetingChat>
  /** Store apps: asks the platform to push a new app_ticket (it arrives later as an event); after a 10012, say. */
  resendAppTicket(options?: Pick<CallOptions, 'signal'>): Promise<CallResult>
  /**
   * openapi-fetch's client for every operation of the spec, with the same auth, retries and deadline: it resolves
   * `{ data, response }` on success and rejects with FeishuApiError on any failure. Middleware added with `use`
   * sees every call of this client, the methods above and the token requests included.
   */
  readonly api: MeetingChatApi
  /** The base URL calls go to. */
  readonly baseUrl: string
}

/** The path of the meeting-chat operations (DELETE unbinds, POST creates). */
const MEETING_CHAT = '/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat' satisfies keyof paths

type MeetingChatOperation = 'unbindMeetingChat' | 'createMeetingChat'

/** The ids of the meeting-chat calls, in the order they are checked: the spec's name and the argument's. */
const IDS = [['calendar_id', 'calendarId'], ['event_id', 'eventId'], ['meeting_chat_id', 'meetingChatId']] as const

/**
 * Checks the ids of `op` (each read once: what is checked is what is sent), then the call's options: a bad one is a
 * local error, never a request.
 */
function checkCall(op: MeetingChatOperation, params: Partial<UnbindMeetingChatParams> | undefined, options: CallOptions | undefined) {
  const ids: string[] = []
  for (const [param, argName] of op === 'unbindMeetingChat' ? IDS : IDS.slice(0, 2)) {
    const value = params?.[argName]
    const refused = idError(op, param, argName, value)
    if (refused) throw refused
    ids.push(value as string)
  }
  const [calendarId, eventId, meetingChatId = ''] = ids as [string, string, string?]
  if (options?.userAccessToken !== undefined && options.tenantAccessToken !== undefined) {
    throw new ConfigError('Pass either userAccessToken or tenantAccessToken to a call, not both.')
  }
  const token = options?.userAccessToken !== undefined
    ? checkToken(options.userAccessToken, 'user', 'userAccessToken')
    : options?.tenantAccessToken !== undefined ? checkToken(options.tenantAccessToken, 'tenant', 'tenantAccessToken') : undefined
  const signal = checkSignal(options?.signal)
  return {
    path: { calendar_id: calendarId, event_id: eventId },
    meetingChatId,
    ...(token !== undefined && { headers: { Authorization: `Bearer ${token}` } }),
    ...(signal && { signal }),
  }
}

/** openapi-fetch's own serializers, behind the checks of what no URL can carry. */
const defaultQuery = createQuerySerializer()

/**
 * Creates a client of the meeting-chat endpoints: see {@link MeetingChatClientOptions} for every option and its
 * default. Options are checked at once: a bad one throws a {@link ConfigError}.
 *
 * @example
 * ```ts
 * import { createMeetingChatClient, FeishuApiError } from 'feishu-meeting-chat'
 *
 * const client = createMeetingChatClient({ auth: { appId: 'cli_...', appSecret: process.env.FEISHU_APP_SECRET! } })
 * const { meetingChatId, applink, logId } = await client.createMeetingChat({ calendarId, eventId })
 * await client.unbindMeetingChat({ calendarId, eventId, meetingChatId })
 * ```
 */
export function createMeetingChatClient(options: MeetingChatClientOptions = {}): MeetingChatClient {
  const normalized = normalizeOptions(options)
  const secrets = new Secrets()
  const given = options.auth as { appSecret?: unknown } | undefined
  // Held from the start: redacted even from what arrives before the first token request.
  if (typeof given?.appSecret === 'string') secrets.add(given.appSecret)
  let auth: AuthStrategy | undefined
  const transport = createTransport({ options: normalized, auth: () => auth, secrets, pacingKey: pacingKey(options.auth) })
  const api: MeetingChatApi = createClient<paths>({
    baseUrl: normalized.baseUrl,
    fetch: transport.fetch,
    pathSerializer: (template, params) => {
      checkParams(params, 'path')
      return defaultPathSerializer(template, params)
    },
    querySerializer: (params) => {
      checkParams(params, 'query')
      return defaultQuery(params)
    },
  })
  const deps = { api, fetchFor: transport.fetchFor, cache: options.tokenCache }
  auth = createAuthStrategy(options.auth, deps, normalized.origin, normalized.deadlineMs)
  const unbindFetch = transport.fetchFor('unbindMeetingChat')
  const createFetch = transport.fetchFor('createMeetingChat')

  /** The log id of an answer the transport handed back (redacted there), or of one a middleware made (redacted here). */
  const logIdOf = (response: Response): string | null => {
    const logId = response.headers.get('x-tt-logid') ?? response.headers.get('x-request-id')
    return logId === null ? null : redactText(logId, secrets)
  }
  /** A middleware's onError may hand back an answer in place of the transport's error: one that is not a success is refused. */
  const success = (response: Response, operation: MeetingChatOperation | 'resendAppTicket'): Response => {
    if (response.ok) return response
    throw new FeishuApiError({ kind: 'protocol', msg: `a middleware answered with HTTP ${response.status}, which is not a success`, httpStatus: response.status, logId: logIdOf(response), operation, retryable: false })
  }

  return {
    api,
    baseUrl: normalized.baseUrl,

    async unbindMeetingChat(params, callOptions) {
      const { meetingChatId, path, ...init } = checkCall('unbindMeetingChat', params, callOptions)
      // The success carries nothing to read but its log id: openapi-fetch leaves the body alone.
      const { response } = await api.DELETE(MEETING_CHAT, { ...init, params: { path, query: { meeting_chat_id: meetingChatId } }, fetch: unbindFetch, parseAs: 'stream' })
      return { logId: logIdOf(success(response, 'unbindMeetingChat')) }
    },

    async createMeetingChat(params, callOptions) {
      const { meetingChatId: _none, path, ...init } = checkCall('createMeetingChat', params, callOptions)
      const { data, response } = await api.POST(MEETING_CHAT, { ...init, params: { path }, fetch: createFetch })
      const logId = logIdOf(success(response, 'createMeetingChat'))
      const chat = (data as { data?: { meeting_chat_id?: unknown; applink?: unknown } } | undefined)?.data
      if (typeof chat?.meeting_chat_id !== 'string' || typeof chat.applink !== 'string') {
        throw new FeishuApiError({ kind: 'protocol', msg: 'the answer has no data.meeting_chat_id and data.applink', httpStatus: response.status, logId, operation: 'createMeetingChat' })
      }
      return { meetingChatId: chat.meeting_chat_id, applink: chat.applink, logId }
    },

    resendAppTicket: (callOptions) => resendAppTicket(options.auth, deps, callOptions).then((response) => ({ logId: logIdOf(success(response, 'resendAppTicket')) })),
  }
}
