// The part both modes share: a pure `Request -> Response` entry that routes by the spec, validates the
// request, keeps a log of what was answered, and renders scripted answers. Inside, a request is a
// `MockRequest` (request.ts): msw's Fetch Requests and the sandbox's node:http requests read alike.
import type { OperationId } from '../generated/operations.js'
import type { Clock } from '../fake/clock.js'
import { logIdFactory } from '../fake/ids.js'
import type { AnswerOptions, ResolvedAnswer } from './answers.js'
import { route, type MockOperation } from '../contract/operations.js'
import { codeOf, type DocumentedResponse } from '../contract/walk.js'
import { GATEWAY_RATE_LIMITED } from '../fake/rules.js'
import { errorReply, exampleResponse, LOG_ID_HEADER, notFoundResponse, RATE_LIMIT_LIMIT_HEADER, RATE_LIMIT_RESET_HEADER, toResponse, type Reply } from './respond.js'
import { fromFetch, type MockRequest } from './request.js'

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
  /** The request's method. */
  readonly method: string
  /** The request's URL. */
  readonly url: string
  /** The answer's HTTP status (0 for a dropped connection). */
  readonly status: number
  /** The `code` of a JSON answer; `undefined` for a non-JSON answer or a dropped connection. */
  readonly code: number | undefined
  /** The answer's `X-Tt-Logid`. */
  readonly logId: string | undefined
  /** Milliseconds since the epoch, by the mock's clock. */
  readonly at: number
}

export interface CallLogOptions {
  /**
   * How many answered requests the call log keeps, the latest (default 1000), so that a long-running
   * mock or sandbox holds bounded memory. `count()` still counts every request.
   */
  readonly maxCalls?: number
}

const DEFAULT_MAX_CALLS = 1000
const LOG_ID_NAME = LOG_ID_HEADER.toLowerCase()

// The platform publishes no rate for the auth endpoints; a 429 there still needs plausible headers.
const FALLBACK_RATE_LIMIT = 100

/** Renders a scripted answer for `op`. */
export async function renderAnswer(op: MockOperation, answer: ResolvedAnswer, request: MockRequest, logId: string): Promise<Response> {
  if (answer.kind === 'networkError') return Response.error()
  if (answer.kind === 'custom') return answer.build(await request.fetchRequest())
  const headers: Record<string, string> = { ...rateLimitHeaders(op, answer.doc, answer.options), ...answer.options.headers }
  return exampleResponse(answer.doc, logId, headers)
}

/** The gateway's rate-limit headers, on the gateway's own 429 only (the calendar service's limits send none). */
function rateLimitHeaders(op: MockOperation, doc: DocumentedResponse, options: AnswerOptions): Record<string, string> {
  const out: Record<string, string> = {}
  if (codeOf(doc.value) !== GATEWAY_RATE_LIMITED) return out
  const names = new Set(doc.headers.map((h) => h.toLowerCase()))
  const limit = options.rateLimit?.limit ?? op.rateLimit?.perSecond ?? FALLBACK_RATE_LIMIT
  const reset = options.rateLimit?.reset ?? 1
  if (names.has(RATE_LIMIT_LIMIT_HEADER)) out[RATE_LIMIT_LIMIT_HEADER] = String(limit)
  if (names.has(RATE_LIMIT_RESET_HEADER)) out[RATE_LIMIT_RESET_HEADER] = String(reset)
  return out
}

/**
 * Wraps an operation-level answerer into a full responder: routing, 404 for unknown routes, a call log
 * of the latest `maxCalls` answers, and a 500 (190003) instead of a thrown error should the answerer have a bug.
 */
export function createResponder(
  clock: Clock,
  answer: (op: MockOperation, rawParams: Record<string, string>, request: MockRequest, logId: string) => Promise<Response | Reply>,
  options: CallLogOptions = {},
): {
  handle(request: Request): Promise<Response>
  /** As `handle`, with JSON answers left as plain replies (for the sandbox, which writes them as they are). */
  reply(request: MockRequest): Promise<Response | Reply>
  calls(): readonly CallRecord[]
  count(operationId: OperationId): number
  nextLogId(): string
} {
  const maxCalls = options.maxCalls ?? DEFAULT_MAX_CALLS
  if (!Number.isInteger(maxCalls) || maxCalls < 0) throw new RangeError(`maxCalls must be a non-negative integer, got ${maxCalls}`)
  // A ring: once full, each new record takes the oldest one's place.
  const log: CallRecord[] = []
  let oldest = 0
  const counts = new Map<OperationId, number>()
  const nextLogId = logIdFactory(clock)
  async function reply(request: MockRequest): Promise<Response | Reply> {
    const found = route(request.method, request.pathname)
    const logId = nextLogId()
    let response: Response | Reply
    if (!found) response = notFoundResponse(logId)
    else {
      counts.set(found.op.id, (counts.get(found.op.id) ?? 0) + 1)
      try {
        response = await answer(found.op, found.rawParams, request, logId)
      } catch (error) {
        // A bug in the mock must not look like a hang or a crash to the code under test; the log says why.
        console.error(`feishu-meeting-chat/msw: the mock failed on ${request.method} ${request.pathname}`, error)
        response = errorReply(190003, logId)
      }
    }
    if (maxCalls > 0) {
      const record: CallRecord = {
        operationId: found?.op.id,
        method: request.method,
        url: request.url,
        status: response.status,
        code: response instanceof Response ? await codeIn(response) : response.code,
        logId: (response instanceof Response ? response.headers.get(LOG_ID_HEADER) : response.headers[LOG_ID_NAME]) ?? undefined,
        at: clock.now(),
      }
      if (log.length < maxCalls) log.push(record)
      else {
        log[oldest] = record
        oldest = (oldest + 1) % maxCalls
      }
    }
    return response
  }
  return {
    handle: async (request) => toResponse(await reply(fromFetch(request))),
    reply,
    calls: () => (oldest === 0 ? log : [...log.slice(oldest), ...log.slice(0, oldest)]),
    count: (operationId) => counts.get(operationId) ?? 0,
    nextLogId,
  }
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
