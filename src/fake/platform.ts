// The platform model: its state and its rules (rules.ts), run in the platform's order, which this file
// alone decides; the first rule that refuses answers:
//   admit:   1. gateway (Authorization header)  2. token  3. scope  4. rate limits (the gateway's, the service's)
//   (the responder, src/mock/fake.ts, then checks parameters and body (5) and plays scripted answers)
//   perform: 6. identity  7. calendar  8. event  9. another write holding the event
//            10. chat binding (unbind: bound and owned; create: attendees)  11. the write (a seeded fault)
// It knows no HTTP library: the responder reads the request, asks admit and perform, and writes the answer.
import type { OperationId } from '../generated/operations.js'
import type { MockOperation } from '../contract/operations.js'
import { isObject, type Json, type JsonObject } from '../contract/walk.js'
import type { Clock } from './clock.js'
import { applinkWriter } from './applink.js'
import { Refusal } from './refusal.js'
import * as rule from './rules.js'
import type { Platform as PlatformName, Seed } from './seed.js'
import { PlatformState, type Caller, type EventState, type PlatformOptions } from './state.js'


/** A request the gateway let through, with its input checked against the spec. */
export interface Call {
  readonly op: MockOperation
  /** The caller, for operations that have security. */
  readonly caller: Caller | undefined
  /** Path parameters (percent-decoded), query parameters and the JSON body. */
  readonly input: { readonly params: Readonly<Record<string, string>>; readonly query: Readonly<Record<string, string>>; readonly body: JsonObject | undefined }
  /** The host the request was sent to: a Lark host gets Lark applinks. */
  readonly host: string
}

/** The operation succeeded: the top-level fields to set in its documented success example. */
export interface Success {
  readonly fields: Readonly<Record<string, Json>>
}

export interface PlatformModel {
  readonly state: PlatformState
  /** Steps 1-4: the caller, `undefined` for an operation without security, or the refusal. */
  admit(op: MockOperation, authorization: string | null): Refusal | Caller | undefined
  /** Steps 6-11 and the operation's effect. */
  perform(call: Call): Refusal | Success
}

// The platform's applink host for Lark; the Feishu one comes from the spec's create example.
const LARK_APPLINK_HOST = 'applink.larksuite.com'

const bodyString = (call: Call, key: string): string => {
  const value = call.input.body?.[key]
  return typeof value === 'string' ? value : ''
}

function callerOf(call: Call): Caller {
  if (!call.caller) throw new Error(`${call.op.id} has no security in the spec, but the fake treats it as a calendar operation`)
  return call.caller
}

/** Creates the platform from a seed (validated: a bad seed throws a `SeedError` listing the problems). */
export function createPlatform(seed: Seed, clock: Clock, options: PlatformOptions = {}): PlatformModel {
  const state = new PlatformState(seed, clock, options)

  /** Steps 6-9, shared by the calendar operations: the event a write may go to. */
  function locateEvent(call: Call): Refusal | { event: EventState; caller: Caller } {
    const caller = callerOf(call)
    const who = rule.identity(state, caller)
    if (who) return who
    const calendarId = call.input.params.calendar_id ?? ''
    const cal = rule.calendar(state, caller, calendarId)
    if (cal instanceof Refusal) return cal
    const event = rule.event(state, calendarId, call.input.params.event_id ?? '', caller)
    if (event instanceof Refusal) return event
    const held = rule.contention(state, event)
    if (held) return held
    return { event, caller }
  }

  /** The write went through: it holds the event for the event's `writeHoldSeconds`. */
  function written(event: EventState): void {
    if (event.writeHoldSeconds > 0) event.heldUntil = state.clock.now() + event.writeHoldSeconds * 1000
  }

  // Per operation, the writers of its applinks on each platform's host, made at its first create.
  const applinks = new Map<OperationId, Readonly<Record<PlatformName, (chatId: string) => string>>>()

  function applink(call: Call, chatId: string, tenantKey: string): string {
    let writers = applinks.get(call.op.id)
    if (!writers) {
      const example = call.op.answers.find((a) => a.status === 200)?.value
      const data = isObject(example) && isObject(example.data) ? example.data : undefined
      if (typeof data?.applink !== 'string') throw new Error(`${call.op.id}'s success example has no data.applink to model applinks on`)
      writers = { feishu: applinkWriter(data.applink), lark: applinkWriter(data.applink, LARK_APPLINK_HOST) }
      applinks.set(call.op.id, writers)
    }
    const platform: PlatformName = call.host.endsWith('larksuite.com') ? 'lark' : call.host.endsWith('feishu.cn') ? 'feishu' : (state.tenants.get(tenantKey)?.platform ?? 'feishu')
    return writers[platform](chatId)
  }

  const operations: Record<OperationId, (call: Call) => Refusal | Success> = {
    unbindMeetingChat(call) {
      const found = locateEvent(call)
      if (found instanceof Refusal) return found
      const chat = rule.boundChat(state, found.event, call.input.query.meeting_chat_id ?? '', found.caller)
      if (chat instanceof Refusal) return chat
      const failed = rule.fault(found.event)
      if (failed) return failed
      state.unbind(chat)
      written(found.event)
      return { fields: {} }
    },
    createMeetingChat(call) {
      const found = locateEvent(call)
      if (found instanceof Refusal) return found
      const { event, caller } = found
      const refused = rule.chatAllowed(event) ?? rule.fault(event)
      if (refused) return refused
      // An event has one meeting chat: creating it again answers the bound one (the platform does not say).
      const chat = state.meetingChat(event.calendarId, event.eventId) ?? state.createMeetingChat(caller.ref, event.calendarId, event.eventId)
      written(event)
      return { fields: { data: { meeting_chat_id: chat.chatId, applink: applink(call, chat.chatId, caller.tenantKey) } } }
    },
    getTenantAccessTokenInternal(call) {
      const app = rule.appCredentials(state, bodyString(call, 'app_id'), bodyString(call, 'app_secret'), 'custom')
      if (app instanceof Refusal) return app
      const { token, expire } = state.issue('tenant', app.appId, app.tenants[0])
      return { fields: { tenant_access_token: token, expire } }
    },
    getAppAccessToken(call) {
      const app = rule.appCredentials(state, bodyString(call, 'app_id'), bodyString(call, 'app_secret'), 'store')
      if (app instanceof Refusal) return app
      const refused = rule.appTicket(app, bodyString(call, 'app_ticket'))
      if (refused) return refused
      const { token, expire } = state.issue('app', app.appId, undefined)
      return { fields: { app_access_token: token, expire } }
    },
    getTenantAccessToken(call) {
      const tenantKey = bodyString(call, 'tenant_key')
      const app = rule.appInstalled(state, bodyString(call, 'app_access_token'), tenantKey)
      if (app instanceof Refusal) return app
      const { token, expire } = state.issue('tenant', app.appId, tenantKey)
      return { fields: { tenant_access_token: token, expire } }
    },
    resendAppTicket(call) {
      const app = rule.appCredentials(state, bodyString(call, 'app_id'), bodyString(call, 'app_secret'), 'store')
      if (app instanceof Refusal) return app
      state.pushTicket(app)
      return { fields: {} }
    },
  }

  return {
    state,
    admit(op, authorization) {
      const bearer = rule.gateway(op, authorization)
      if (bearer === undefined || bearer instanceof Refusal) return bearer
      const caller = rule.token(state, bearer)
      if (caller instanceof Refusal) return caller
      return rule.scope(state, op, caller, bearer) ?? rule.rateLimit(state, op, caller) ?? caller
    },
    perform: (call) => operations[call.op.id](call),
  }
}
