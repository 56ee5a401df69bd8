// An answer, read once and bounded, and whether it is the platform's success envelope (classify.ts reads what
// any other answer stands for). Nothing here sends or waits.
import type { FeishuApiErrorInit } from './errors.js'

export interface Envelope {
  readonly code: number
  readonly msg?: unknown
  readonly error?: unknown
  readonly [field: string]: unknown
}

/** What arrived, with the body already read and parsed once. */
export interface Answer {
  readonly status: number
  readonly redirected: boolean
  readonly headers: Headers
  /** The body as it came, for the Response handed back on success. */
  readonly bytes: Uint8Array<ArrayBuffer>
  readonly text: string
  /** The body when it is the platform's JSON envelope `{ code, ... }`. */
  readonly envelope: Envelope | undefined
}

/** What an answer that is not a success stands for: the error, and the wait the answer asks for before a retry. */
export interface Failure {
  readonly ok: false
  readonly error: FeishuApiErrorInit
  readonly waitMs: number | null
}

/** Whether `answer` is the platform's success: a 2xx with the envelope's code 0. Anything else is a failure (classify.ts). */
export const succeeded = (answer: Answer): boolean => answer.status >= 200 && answer.status < 300 && answer.envelope?.code === 0

/** Raised when an answer's body is bigger than the limit: the read stopped there. */
export class TooLarge extends Error {
  constructor(readonly limit: number, readonly status: number) {
    super(`the answer is larger than maxResponseBytes (${limit} bytes); the read stopped there`)
  }
}

/** The body, read as a stream that stops (and cancels the rest) once it passes `limit` bytes. */
export async function readBody(response: Response, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (declared > limit) {
    await response.body?.cancel().catch(() => {})
    throw new TooLarge(limit, response.status)
  }
  const body = response.body
  if (body === null) return new Uint8Array(0)
  const reader = body.getReader()
  const chunks: Uint8Array<ArrayBuffer>[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      throw new TooLarge(limit, response.status)
    }
    chunks.push(value as Uint8Array<ArrayBuffer>)
  }
  if (chunks.length === 1) return chunks[0]!
  const all = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    all.set(chunk, at)
    at += chunk.byteLength
  }
  return all
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
