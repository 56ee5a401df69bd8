// The client's own meeting-chat calls: their ids and options checked, and, while no middleware is added, what the
// transport sends built here as openapi-fetch would build it. client.ts runs them; the call-path floor of
// `npm run size` bundles this module with the options and the transport alone.
import type { paths } from '../generated/schema.js'
import { checkToken } from './auth/strategies.js'
import type { CallOptions, UnbindMeetingChatParams } from './client.js'
import { OPERATIONS } from './operation.js'
import { ConfigError } from './options.js'
import { fillPath } from './serialize.js'
import { BUILT, type Fetch } from './transport.js'
import { checkParam } from './validate.js'

/** The path of the meeting-chat operations (DELETE unbinds, POST creates). */
export const MEETING_CHAT = '/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat' satisfies keyof paths

export type MeetingChatOperation = 'unbindMeetingChat' | 'createMeetingChat'

/** A call's ids and options, checked. */
export interface CheckedCall {
  readonly path: { readonly calendar_id: string; readonly event_id: string }
  /** Unbinding names the chat. */
  readonly query: { readonly meeting_chat_id: string } | undefined
  readonly signal: AbortSignal | undefined
  /** The call's own token, if it passes one. */
  readonly headers: Record<string, string> | undefined
}

function callHeaders(options: CallOptions | undefined): Record<string, string> | undefined {
  if (options?.userAccessToken !== undefined && options.tenantAccessToken !== undefined) {
    throw new ConfigError('Pass either userAccessToken or tenantAccessToken to a call, not both.')
  }
  if (options?.userAccessToken !== undefined) return { Authorization: `Bearer ${checkToken(options.userAccessToken, 'user', 'userAccessToken')}` }
  if (options?.tenantAccessToken !== undefined) return { Authorization: `Bearer ${checkToken(options.tenantAccessToken, 'tenant', 'tenantAccessToken')}` }
  return undefined
}

export function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined
  if (typeof signal !== 'object' || signal === null || typeof (signal as AbortSignal).aborted !== 'boolean') {
    throw new ConfigError('signal must be an AbortSignal (e.g. AbortSignal.timeout(5000) or controller.signal).')
  }
  return signal as AbortSignal
}

/** Checks the ids of `op` and the call's options: a bad one is a local error, never a request. */
export function checkCall(op: MeetingChatOperation, params: Partial<UnbindMeetingChatParams> | undefined, options: CallOptions | undefined): CheckedCall {
  return {
    path: { calendar_id: checkParam(op, 'calendar_id', 'calendarId', params?.calendarId), event_id: checkParam(op, 'event_id', 'eventId', params?.eventId) },
    query: op === 'unbindMeetingChat' ? { meeting_chat_id: checkParam(op, 'meeting_chat_id', 'meetingChatId', params?.meetingChatId) } : undefined,
    signal: checkSignal(options?.signal),
    headers: callHeaders(options),
  }
}

/**
 * Sends a checked call of `op` to `fetch`, the transport's for that operation, as what the transport sends: the
 * request openapi-fetch would build (the URL from the same serializers and `template`, the base URL then
 * MEETING_CHAT; the same headers; the caller's signal; a test holds them equal), which fetch turns into the one
 * Request sent. openapi-fetch's per-call work around it (merging its options and headers, a loop over its
 * middleware, reading the answer's headers) cost about 3% of a loopback call.
 */
export function sendDirect(template: string, op: MeetingChatOperation, call: CheckedCall, fetch: Fetch): Promise<Response> {
  // The ids are checked strings and the template has no styled parameter: fillPath fills it. The query is
  // openapi-fetch's default serialization of one string (a test holds both equal to openapi-fetch's).
  const { query } = call
  const url = `${fillPath(template, call.path)!}${query ? `?meeting_chat_id=${encodeURIComponent(query.meeting_chat_id)}` : ''}`
  return fetch({ [BUILT]: true, ...OPERATIONS[op], url, method: query ? 'DELETE' : 'POST', headers: new Headers(call.headers), body: undefined, secrets: [], signal: call.signal ?? null })
}
