// The client's own meeting-chat calls: their ids and options checked, and, while no middleware is added, what the
// transport sends built here as openapi-fetch would build it. client.ts runs them; the call-path floor of
// `npm run size` bundles this module with the options and the transport alone.
import type { paths } from '../generated/schema.js'
import { checkToken } from './auth/strategies.js'
import type { CallOptions, UnbindMeetingChatParams } from './client.js'
import { OPERATIONS } from './operation.js'
import { FeishuApiError } from './errors.js'
import { ConfigError } from './options.js'
import { awaitWithin } from './lazy.js'
import { fillPath } from './serialize.js'
import { BUILT, type Fetch } from './transport.js'
import { describeValue } from './describe.js'
import { paramProblem, paramSpec, type Problem } from './validate.js'

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

/** An id a call may not send, and the rule it breaks: {@link refuse} says it in words. */
export interface BadId {
  readonly op: MeetingChatOperation
  readonly param: string
  readonly argName: keyof UnbindMeetingChatParams
  readonly value: unknown
  readonly problem: Problem
}

/** The ids of the meeting-chat calls, in the order they are checked: the spec's name and the argument's. */
const IDS = [['calendar_id', 'calendarId'], ['event_id', 'eventId'], ['meeting_chat_id', 'meetingChatId']] as const

/**
 * Checks the ids of `op`, then the call's options: a bad one is a local error, never a request. A bad option throws
 * a ConfigError; a bad id is returned, for {@link refuse} to turn into the error that says what is wrong with it.
 */
export function checkCall(op: MeetingChatOperation, params: Partial<UnbindMeetingChatParams> | undefined, options: CallOptions | undefined): CheckedCall | BadId {
  // Each id is read once: what is checked is what is sent. Creating a chat names no chat id.
  const checked: string[] = []
  for (const [param, argName] of op === 'unbindMeetingChat' ? IDS : IDS.slice(0, 2)) {
    const value = params?.[argName]
    const problem = paramProblem(op, param, value)
    if (problem !== undefined) return { op, param, argName, value, problem }
    checked.push(value as string)
  }
  const [calendarId, eventId, meetingChatId] = checked as [string, string, string?]
  return {
    path: { calendar_id: calendarId, event_id: eventId },
    query: meetingChatId === undefined ? undefined : { meeting_chat_id: meetingChatId },
    signal: checkSignal(options?.signal),
    headers: callHeaders(options),
  }
}

/**
 * Rejects with the error of a bad id. What it says loads on demand (explain.ts), within `limitMs` (the client's
 * deadline): if it does not load in time, the error still names the argument and the rule it breaks.
 */
export async function refuse(bad: BadId, limitMs: number): Promise<never> {
  const explain = await awaitWithin(import('./explain.js'), limitMs)
  throw explain
    ? explain.invalidParam(bad, paramSpec(bad.op, bad.param), { FeishuApiError, describeValue })
    : new FeishuApiError({ kind: 'invalid_request', msg: `${bad.argName} is refused (${bad.problem})`, operation: bad.op, retryable: false, attempts: 0 })
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
