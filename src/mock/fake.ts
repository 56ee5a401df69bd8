// The stateful fake as a responder: reads a request (a `MockRequest`), asks the platform model (src/fake/) in the
// platform's order, and writes the answer. Every code, status and msg it sends comes from the spec's
// catalog; success bodies are the spec's 2xx examples with the model's values.
import type { OperationId } from '../generated/operations.js'
import type { MockOperation } from '../contract/operations.js'
import type { Json } from '../contract/walk.js'
import { systemClock, type Clock } from '../fake/clock.js'
import { createPlatform } from '../fake/platform.js'
import { Refusal } from '../fake/refusal.js'
import type { Seed } from '../fake/seed.js'
import { chatView, tokenView, type FakeChat, type FakeToken, type PlatformOptions, type TicketPush } from '../fake/state.js'
import { AnswerScript, resolveAnswer, type Answer, type AnswerOptions } from './answers.js'
import { jsonReply, refusalReply, withFields, type Reply } from './respond.js'
import { createResponder, renderAnswer, type CallLogOptions, type CallRecord, type MockResponder } from './responder.js'
import { checkInput } from './validate.js'
import { asMockRequest, type MockRequest } from './request.js'

export type { FakeChat, FakeToken, TicketPush }

/** The options of {@link createFake}, each with its default. */
export interface FakeOptions extends PlatformOptions, CallLogOptions {
  /** Time for token expiry and rate-limit windows (default: the system clock). Use a manual clock in tests. */
  readonly clock?: Clock
}

/** The stateful fake of the platform. */
export interface Fake extends MockResponder {
  /** The clock it reads (the one given, else the system clock). */
  readonly clock: Clock
  /**
   * Makes an operation answer something else than its rules would, e.g. a fault: `{ code: 190003 }`
   * (500), `{ status: 502 }` (the gateway's HTML page), `{ networkError: true }` (dropped connection).
   * With `times` it answers that many requests, then the rules take over again. Scripted answers come
   * after the checks of the Authorization header, token, scopes, rate limit and input.
   */
  respond(operationId: OperationId, answer: Answer, options?: AnswerOptions): void
  /** Drops scripted answers, for one operation or all. */
  resetAnswers(operationId?: OperationId): void
  /** Scripted answers with `times` not used yet, per operation. */
  pending(): Partial<Record<OperationId, number>>
  /** The latest requests answered (at most `maxCalls`), oldest first. */
  readonly calls: readonly CallRecord[]
  /** How many requests an operation has answered (e.g. token fetches), counted past `maxCalls` too. */
  count(operationId: OperationId): number
  /** Every chat, in creation order: the seed's, those bound to an event, and the latest `unboundChatsKept` unbound ones. */
  readonly chats: readonly FakeChat[]
  /** The chat `chatId`, as it is now (undefined: never known, or forgotten after `unboundChatsKept`). */
  chat(chatId: string): FakeChat | undefined
  /** Every token: seeded, and issued while not expired. */
  readonly tokens: readonly FakeToken[]
  /** The latest `app_ticket/resend` that succeeded (at most `ticketsPerApp` per app), oldest first. */
  readonly ticketPushes: readonly TicketPush[]
  /** The current state as a seed (token lifetimes counted from now), e.g. to save and load later. */
  snapshot(): Seed
}

function success(op: MockOperation, fields: Readonly<Record<string, Json>>, logId: string): Reply {
  const example = op.answers.find((a) => a.status >= 200 && a.status < 300)
  if (!example) throw new Error(`${op.id} documents no success example`)
  return jsonReply(example.status, withFields(example, fields), logId)
}

/**
 * Creates the stateful fake from a seed (validated: a bad seed throws a `SeedError` listing the problems).
 *
 * @example
 * const clock = createManualClock()
 * const fake = createFake(demoSeed(), { clock })
 * server.use(...createHandlers(fake))
 */
export function createFake(seed: Seed, options: FakeOptions = {}): Fake {
  const clock = options.clock ?? systemClock
  const platform = createPlatform(seed, clock, options)
  const { state } = platform
  const script = new AnswerScript()

  const responder = createResponder(clock, async (op, rawParams, request, logId) => {
    const caller = platform.admit(op, request.header('authorization'))
    if (caller instanceof Refusal) return refusalReply(caller, logId)
    const input = await checkInput(op, request, rawParams)
    if (!input.ok) return refusalReply(input.rejection, logId)
    const scripted = script.take(op.id)
    if (scripted) return renderAnswer(op, scripted, request, logId)
    const outcome = platform.perform({ op, caller, input: input.value, host: request.hostname })
    return outcome instanceof Refusal ? refusalReply(outcome, logId) : success(op, outcome.fields, logId)
  }, options)

  const fake: Fake = {
    clock,
    handle: responder.handle,
    respond(operationId, answer, answerOptions) {
      script.add(operationId, resolveAnswer(operationId, answer, answerOptions))
    },
    resetAnswers: (operationId) => script.clear(operationId),
    pending: () => script.pending(),
    get calls() {
      return responder.calls()
    },
    count: (operationId) => responder.count(operationId),
    get chats() {
      return [...state.chats.values()].map(chatView)
    },
    chat(chatId) {
      const c = state.chats.get(chatId)
      return c && chatView(c)
    },
    get tokens() {
      return [...state.tokens.values()].filter((t) => t.seeded || state.live(t)).map(tokenView)
    },
    get ticketPushes() {
      return state.ticketPushes()
    },
    snapshot: () => state.snapshot(),
  }
  replies.set(fake, responder.reply)
  return fake
}

// Kept out of the public `Fake`: plain replies are the sandbox's business.
const replies = new WeakMap<Fake, (request: MockRequest) => Promise<Response | Reply>>()

/**
 * The fake's `handle` with JSON answers left as plain replies, for the sandbox; it also takes a
 * `MockRequest`, so that the sandbox need not build a Fetch Request per call.
 */
export function replyOf(fake: Fake): (request: Request | MockRequest) => Promise<Response | Reply> {
  const reply = replies.get(fake)
  if (!reply) throw new Error('replyOf takes a fake made by createFake')
  return (request) => reply(asMockRequest(request))
}
