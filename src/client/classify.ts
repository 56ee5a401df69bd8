// What an answer that is not a success means: the kind, code, msg, log id and wait of the error it stands for.
// A pure function of what arrived, with the spec's codes, kinds and msgs.
import { catalogText } from '../generated/catalog-text.js'
import type { ErrorKind } from '../generated/codes.js'
import type { OperationId } from '../generated/operations.js'
import type { Answer, Failure } from './answer.js'
import { RETRYABLE, type FeishuApiErrorInit } from './errors.js'
import { redactInit, redactText } from './redact.js'

/** Longest header value quoted in an error: a server may send anything there. */
const MAX_QUOTED = 200

/** A header value fit to quote: redacted and cut short. */
export function quoteHeader(value: string | null, secrets: Iterable<string>): string | null {
  if (value === null) return null
  const text = redactText(value, secrets)
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text
}

/** The kind of a code the spec documents. */
export function kindOfCode(code: number): ErrorKind | undefined {
  return Object.hasOwn(catalogText, code) ? catalogText[code]?.kind : undefined
}

/** The kind of an HTTP status that carries no code of the catalog. */
export function kindOfStatus(status: number): ErrorKind {
  if (status === 401) return 'auth'
  if (status === 403) return 'permission'
  if (status === 404) return 'not_found'
  if (status === 429) return 'rate_limited'
  if (status >= 500) return 'server'
  return 'invalid_request'
}

/** The wait the answer asks for, in ms: `x-ogw-ratelimit-reset` (seconds), else `Retry-After` (seconds or a date). */
export function requestedWaitMs(headers: Headers, now: number): number | null {
  const reset = headers.get('x-ogw-ratelimit-reset')
  if (reset !== null && /^\s*\d+(\.\d+)?\s*$/.test(reset)) return Math.ceil(Number(reset) * 1000)
  const after = headers.get('retry-after')
  if (after === null) return null
  if (/^\s*\d+\s*$/.test(after)) return Number(after) * 1000
  const date = Date.parse(after)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

/** The error fields of the platform's JSON envelope `{code, msg, error?}`. */
export function errorFromEnvelope(body: { code: number; msg?: unknown; error?: unknown }, status: number, logId: string | null): FeishuApiErrorInit {
  const kind = kindOfCode(body.code)
  const detail = body.error
  const bodyLogId = typeof detail === 'object' && detail !== null && typeof (detail as { log_id?: unknown }).log_id === 'string'
    ? (detail as { log_id: string }).log_id
    : null
  return {
    kind: kind ?? kindOfStatus(status),
    code: body.code,
    msg: typeof body.msg === 'string' && body.msg.trim() ? body.msg : catalogText[body.code]?.msg ?? 'unknown error',
    httpStatus: status,
    logId: logId ?? bodyLogId,
    retryable: kind ? RETRYABLE.has(body.code) : status === 429 || status >= 500,
    detail,
  }
}

/** The error an answer that is not a success stands for, every field taken from it redacted of `secrets`. */
export function failureOf(answer: Answer, operation: OperationId | null, origin: string, secrets: Iterable<string>, now: number): Failure {
  const { status, headers, envelope } = answer
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
