// Answers a test asks for ("respond to unbind with 195108, twice"): resolved against the operation's
// documented responses when asked, so a typo fails at the call site with the list of valid choices.
import type { CatalogCode } from '../generated/catalog.js'
import type { OperationId } from '../generated/operations.js'
import { codeOf, type DocumentedResponse } from '../contract/walk.js'
import { mockOperation, type MockOperation } from '../contract/operations.js'

/**
 * What to answer with:
 * - `{ code }`: the documented example with that error code (`0`: the success example);
 * - `{ example }`: the documented example of that name (add `status` when a name is used under two);
 * - `{ status }`: the first documented example of that status (e.g. `502`, the gateway's HTML page);
 * - `{ networkError: true }`: a dropped connection (`Response.error()`, `fetch` rejects);
 * - `{ response }`: any Response you build.
 */
export type Answer =
  | { readonly code: CatalogCode | 0; readonly status?: number }
  | { readonly example: string; readonly status?: number }
  | { readonly status: number }
  | { readonly networkError: true }
  | { readonly response: (request: Request) => Response | Promise<Response> }

/** How long a scripted answer stands, and what it carries besides the spec's example. */
export interface AnswerOptions {
  /** Use this answer for the next `times` requests only; without it, it answers until replaced or reset. */
  readonly times?: number
  /** Values of `x-ogw-ratelimit-limit` and `-reset` on the gateway's 429, 99991400 (default: the operation's per-second limit, 1 s). */
  readonly rateLimit?: { readonly limit: number; readonly reset: number }
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>>
}

export type ResolvedAnswer =
  | { readonly kind: 'documented'; readonly doc: DocumentedResponse; readonly options: AnswerOptions }
  | { readonly kind: 'networkError'; readonly options: AnswerOptions }
  | { readonly kind: 'custom'; readonly build: (request: Request) => Response | Promise<Response>; readonly options: AnswerOptions }

function describeChoices(op: MockOperation): string {
  const lines = op.answers.map((a) => `  ${a.status} ${a.exampleName}${codeOf(a.value) !== undefined ? ` (code ${codeOf(a.value)})` : ''}`)
  return `${op.id} documents:\n${lines.join('\n')}`
}

/** Resolves an answer for an operation, or throws an error that lists the documented choices. */
export function resolveAnswer(operationId: OperationId, answer: Answer, options: AnswerOptions = {}): ResolvedAnswer {
  const op = mockOperation(operationId)
  if (options.times !== undefined && (!Number.isInteger(options.times) || options.times < 1)) {
    throw new RangeError(`times must be a positive integer, got ${options.times}`)
  }
  if ('networkError' in answer) return { kind: 'networkError', options }
  if ('response' in answer) return { kind: 'custom', build: answer.response, options }
  const status = answer.status
  let candidates: readonly DocumentedResponse[]
  let asked: string
  if ('code' in answer) {
    candidates = op.answers.filter((a) => (answer.code === 0 ? a.status >= 200 && a.status < 300 : codeOf(a.value) === answer.code))
    asked = `code ${answer.code}`
  } else if ('example' in answer) {
    candidates = op.answers.filter((a) => a.exampleName === answer.example)
    asked = `example "${answer.example}"`
  } else {
    candidates = op.answers
    asked = `status ${status}`
  }
  if (status !== undefined) candidates = candidates.filter((a) => a.status === status)
  const doc = candidates[0]
  if (!doc) throw new Error(`${operationId} documents no response with ${asked}${status !== undefined && !asked.startsWith('status') ? ` under status ${status}` : ''}.\n${describeChoices(op)}`)
  return { kind: 'documented', doc, options }
}

interface Scripted {
  readonly answer: ResolvedAnswer
  remaining: number
}

/** Per operation: answers with `times` are used first, in order; then the latest standing answer. */
export class AnswerScript {
  readonly #queued = new Map<OperationId, Scripted[]>()
  readonly #standing = new Map<OperationId, ResolvedAnswer>()

  add(operationId: OperationId, answer: ResolvedAnswer): void {
    const times = answer.options.times
    if (times === undefined) {
      this.#standing.set(operationId, answer)
      return
    }
    const queue = this.#queued.get(operationId) ?? []
    queue.push({ answer, remaining: times })
    this.#queued.set(operationId, queue)
  }

  /** The answer for the next request to `operationId`, if one was scripted (and counts it as used). */
  take(operationId: OperationId): ResolvedAnswer | undefined {
    const queue = this.#queued.get(operationId)
    const next = queue?.[0]
    if (queue && next) {
      next.remaining -= 1
      if (next.remaining <= 0) queue.shift()
      return next.answer
    }
    return this.#standing.get(operationId)
  }

  /** Answers still queued with `times`, per operation (for tests that check every fault was used). */
  pending(): Partial<Record<OperationId, number>> {
    const out: Partial<Record<OperationId, number>> = {}
    for (const [id, queue] of this.#queued) {
      const n = queue.reduce((sum, s) => sum + s.remaining, 0)
      if (n > 0) out[id] = n
    }
    return out
  }

  clear(operationId?: OperationId): void {
    if (operationId === undefined) {
      this.#queued.clear()
      this.#standing.clear()
    } else {
      this.#queued.delete(operationId)
      this.#standing.delete(operationId)
    }
  }
}
