// Examples mode: every operation answers its documented success example, or whatever documented
// response a test asks for, after the same request validation as the fake.
import type { OperationId } from '../generated/operations.js'
import { AnswerScript, resolveAnswer, type Answer, type AnswerOptions } from './answers.js'
import { systemClock, type Clock } from '../fake/clock.js'
import { refusalReply } from './respond.js'
import { createResponder, renderAnswer, type CallLogOptions, type CallRecord, type MockResponder } from './responder.js'
import { checkAuthorization, checkInput } from './validate.js'

/** The options of {@link createExampleMock}. */
export interface ExampleMockOptions extends CallLogOptions {
  /** The clock for log ids and call times (default: the system clock). */
  readonly clock?: Clock
}

/** A mock that answers with the spec's examples. */
export interface ExampleMock extends MockResponder {
  /**
   * Chooses the answer of an operation. Without `times` it answers every later request (replacing an
   * earlier standing answer); with `times` it answers that many requests first. Throws, listing the
   * documented choices, when the operation does not document the answer.
   *
   * @example mock.respond('unbindMeetingChat', { code: 195108 })
   * @example mock.respond('createMeetingChat', { code: 190003 }, { times: 2 })
   * @example mock.respond('unbindMeetingChat', { example: 'chatNotMatchWithEvent' })
   */
  respond(operationId: OperationId, answer: Answer, options?: AnswerOptions): void
  /** Back to the success examples, for one operation or all. */
  reset(operationId?: OperationId): void
  /** The latest requests answered (at most `maxCalls`), oldest first. */
  readonly calls: readonly CallRecord[]
  /** Answers queued with `times` and not used yet, per operation. */
  pending(): Partial<Record<OperationId, number>>
}

/**
 * Creates a mock in examples mode. Requests are validated first (Authorization, parameters, body), so
 * a request that breaks the spec still gets the platform's error; a valid one gets the chosen answer,
 * by default the operation's first 2xx example.
 */
export function createExampleMock(options: ExampleMockOptions = {}): ExampleMock {
  const script = new AnswerScript()
  const responder = createResponder(options.clock ?? systemClock, async (op, rawParams, request, logId) => {
    const auth = checkAuthorization(op, request)
    if (!auth.ok) return refusalReply(auth.rejection, logId)
    const input = await checkInput(op, request, rawParams)
    if (!input.ok) return refusalReply(input.rejection, logId)
    const answer = script.take(op.id) ?? resolveAnswer(op.id, { code: 0 })
    return renderAnswer(op, answer, request, logId)
  }, options)
  return {
    handle: responder.handle,
    respond(operationId, answer, answerOptions) {
      script.add(operationId, resolveAnswer(operationId, answer, answerOptions))
    },
    reset(operationId) {
      script.clear(operationId)
    },
    get calls() {
      return responder.calls()
    },
    pending: () => script.pending(),
  }
}
