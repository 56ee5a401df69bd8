// An answer, read once and bounded, then classified: the platform's success envelope, or the fields of the
// error it stands for. Pure functions of what arrived; nothing here sends or waits.
import type { OperationId } from '../generated/operations.js'
import { errorFromEnvelope, type FeishuApiErrorInit } from './errors.js'
import { quoteHeader, redactInit } from './redact.js'
import { requestedWaitMs } from './retry.js'

export interface Envelope {
  readonly code: number
  readonly msg?: unknown
  readonly error?: unknown
  readonly [field: string]: unknown
}

/** What arrived, with the body already read and parsed once. */
export interface Answer {
  /** The Response as fetched; its body is read. */
  readonly response: Response
  readonly status: number
  readonly redirected: boolean
  readonly headers: Headers
  readonly text: string
  /** The body when it is the platform's JSON envelope `{ code, ... }`. */
  readonly envelope: Envelope | undefined
}

export type Verdict =
  | { readonly ok: true; readonly envelope: Envelope }
  | { readonly ok: false; readonly error: FeishuApiErrorInit; readonly waitMs: number | null }

/** Raised when an answer's body is bigger than the limit: the read stopped there. */
export class TooLarge extends Error {
  constructor(readonly limit: number, readonly status: number) {
    super(`the answer is larger than maxResponseBytes (${limit} bytes); the read stopped there`)
  }
}

const decoder = new TextDecoder()

/** The body as text, read as a stream that stops (and cancels the rest) once it passes `limit` bytes. */
export async function readBody(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (declared > limit) {
    await response.body?.cancel().catch(() => {})
    throw new TooLarge(limit, response.status)
  }
  const body = response.body
  if (body === null) return ''
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      throw new TooLarge(limit, response.status)
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return decoder.decode(chunks[0])
  const all = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    all.set(chunk, at)
    at += chunk.byteLength
  }
  return decoder.decode(all)
}

/** The platform's envelope, when `text` is one (a JSON object with a numeric `code`). */
export function parseEnvelope(text: string): Envelope | undefined {
  if (text === '') return undefined
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { code?: unknown }).code === 'number'
      ? (parsed as Envelope)
      : undefined
  } catch {
    return undefined
  }
}

/** What `answer` means for `operation`; every field taken from it is redacted of `secrets`. */
export function classify(answer: Answer, operation: OperationId | null, origin: string, secrets: readonly string[], now: number): Verdict {
  const { status, headers, envelope } = answer
  if (status >= 200 && status < 300 && envelope?.code === 0) return { ok: true, envelope }
  const logId = quoteHeader(headers.get('x-tt-logid') ?? headers.get('x-request-id'), secrets)
  let error: FeishuApiErrorInit
  if (answer.redirected || (status >= 300 && status < 400)) {
    error = {
      kind: 'protocol',
      msg: `the server answered with a redirect (HTTP ${status || 'opaque'}), which is not followed so that the token never leaves ${origin}`,
      httpStatus: status || null,
      logId,
      operation,
      retryable: false,
    }
  } else if (!envelope) {
    error = {
      // A 429 is a rate limit whatever its body; other non-JSON answers are not the platform's protocol.
      kind: status === 429 ? 'rate_limited' : 'protocol',
      msg: `HTTP ${status} with ${answer.text === '' ? 'an empty body' : `a body that is not the platform's JSON (${quoteHeader(headers.get('content-type'), secrets) ?? 'no content type'})`}`,
      httpStatus: status,
      logId,
      operation,
      retryable: status >= 500 || status === 429,
    }
  } else {
    error = { ...errorFromEnvelope(envelope, status, logId), operation }
  }
  return { ok: false, error: redactInit(error, secrets), waitMs: error.retryable ? requestedWaitMs(headers, now) : null }
}
