// The part both modes share: a pure `Request -> Response` entry that routes by the spec, validates the
// request, keeps a log of what was answered, and renders scripted answers.
import type { OperationId } from '../generated/operations.js'
import type { Clock } from '../fake/clock.js'
import { logIdFactory } from '../fake/ids.js'
import type { AnswerOptions, ResolvedAnswer } from './answers.js'
import { route, type MockOperation } from '../contract/operations.js'
import { errorResponse, exampleResponse, notFoundResponse, RATE_LIMIT_LIMIT_HEADER, RATE_LIMIT_RESET_HEADER } from './respond.js'
import type { Rejection } from './validate.js'

/** Anything that answers Fetch requests like the platform: the example mock and the fake. */
export interface MockResponder {
  /**
   * Answers one request. Never throws for any input: a request the spec does not know gets a 404 page, a
   * request that breaks the spec gets the platform's error. Origins are not checked here (the msw
   * handlers check them), so a server can serve this on any address.
   */
  handle(request: Request): Promise<Response>
}

/** One answered request, for assertions. */
export interface CallRecord {
  /** The operation the request was routed to (`undefined`: no operation of the spec matched). */
  readonly operationId: OperationId | undefined
  readonly method: string
  readonly url: string
  readonly status: number
  /** The `code` of a JSON answer; `undefined` for a non-JSON answer or a dropped connection. */
  readonly code: number | undefined
  readonly logId: string | undefined
  /** Milliseconds since the epoch, by the mock's clock. */
  readonly at: number
}

// The platform publishes no rate for the auth endpoints; a 429 there still needs plausible headers.
const FALLBACK_RATE_LIMIT = 100

/** Renders a scripted answer for `op`. */
export async function renderAnswer(op: MockOperation, answer: ResolvedAnswer, request: Request, logId: string): Promise<Response> {
  if (answer.kind === 'networkError') return Response.error()
  if (answer.kind === 'custom') return answer.build(request)
  const headers: Record<string, string> = { ...rateLimitHeaders(op, answer.doc.headers, answer.options), ...answer.options.headers }
  return exampleResponse(answer.doc, logId, headers)
}

function rateLimitHeaders(op: MockOperation, documented: readonly string[], options: AnswerOptions): Record<string, string> {
  const names = new Set(documented.map((h) => h.toLowerCase()))
  const out: Record<string, string> = {}
  const limit = options.rateLimit?.limit ?? op.rateLimit?.perSecond ?? FALLBACK_RATE_LIMIT
  const reset = options.rateLimit?.reset ?? 1
  if (names.has(RATE_LIMIT_LIMIT_HEADER)) out[RATE_LIMIT_LIMIT_HEADER] = String(limit)
  if (names.has(RATE_LIMIT_RESET_HEADER)) out[RATE_LIMIT_RESET_HEADER] = String(reset)
  return out
}

export const rejectionResponse = (rejection: Rejection, logId: string) => errorResponse(rejection.code, logId, rejection.fieldViolations ? { fieldViolations: rejection.fieldViolations } : {})

/**
 * Wraps an operation-level answerer into a full responder: routing, 404 for unknown routes, a call log,
 * and a 500 (190003) instead of a thrown error should the answerer have a bug.
 */
export function createResponder(
  clock: Clock,
  answer: (op: MockOperation, rawParams: Record<string, string>, request: Request, logId: string) => Promise<Response>,
): { handle(request: Request): Promise<Response>; readonly calls: CallRecord[]; nextLogId(): string } {
  const calls: CallRecord[] = []
  const nextLogId = logIdFactory(clock)
  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url)
    const found = route(request.method, url.pathname)
    const logId = nextLogId()
    let response: Response
    if (!found) response = notFoundResponse(logId)
    else {
      try {
        response = await answer(found.op, found.rawParams, request, logId)
      } catch (error) {
        // A bug in the mock must not look like a hang or a crash to the code under test; the log says why.
        console.error(`feishu-meeting-chat/msw: the mock failed on ${request.method} ${url.pathname}`, error)
        response = errorResponse(190003, logId)
      }
    }
    calls.push({
      operationId: found?.op.id,
      method: request.method,
      url: request.url,
      status: response.status,
      code: await codeIn(response),
      logId: response.headers.get('x-tt-logid') ?? undefined,
      at: clock.now(),
    })
    return response
  }
  return { handle, calls, nextLogId }
}

async function codeIn(response: Response): Promise<number | undefined> {
  if (response.type === 'error' || !/json/i.test(response.headers.get('content-type') ?? '')) return undefined
  try {
    const body: unknown = JSON.parse(await response.clone().text())
    return typeof body === 'object' && body !== null && 'code' in body && typeof body.code === 'number' ? body.code : undefined
  } catch {
    return undefined
  }
}
