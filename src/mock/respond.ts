// Turns the mocks' decisions into Fetch Responses: the catalog's status and msg for an error, a documented
// example verbatim, and an `X-Tt-Logid` header on every answer.
import { errorCatalog, type CatalogCode } from '../generated/catalog.js'
import { isObject, type DocumentedResponse, type Json } from '../contract/walk.js'
import type { FieldViolation, PermissionViolation, Refusal } from '../fake/refusal.js'

export const LOG_ID_HEADER = 'X-Tt-Logid'
export const RATE_LIMIT_LIMIT_HEADER = 'x-ogw-ratelimit-limit'
export const RATE_LIMIT_RESET_HEADER = 'x-ogw-ratelimit-reset'

export interface ErrorDetails {
  readonly fieldViolations?: readonly FieldViolation[]
  readonly permissionViolations?: readonly PermissionViolation[]
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * A JSON answer before it is a Fetch Response: the sandbox writes it to the socket as is (building a
 * Response and reading it back would cost more than the fake's rules), the msw handlers get `toResponse`.
 */
export interface Reply {
  readonly status: number
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
  /** The body's `code`, so that the call log need not parse it back. */
  readonly code: number | undefined
}

const LOG_ID_NAME = LOG_ID_HEADER.toLowerCase()

export function jsonReply(status: number, body: Json, logId: string, headers?: Readonly<Record<string, string>>): Reply {
  const all: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }
  if (headers) for (const [name, value] of Object.entries(headers)) all[name.toLowerCase()] = value
  all[LOG_ID_NAME] = logId
  return { status, headers: all, text: JSON.stringify(body), code: isObject(body) && typeof body.code === 'number' ? body.code : undefined }
}

export function toResponse(answer: Response | Reply): Response {
  return answer instanceof Response ? answer : new Response(answer.text, { status: answer.status, headers: answer.headers })
}

/** The platform's answer for a catalog code: the catalog's HTTP status and msg. */
export function errorReply(code: CatalogCode, logId: string, details: ErrorDetails = {}): Reply {
  const entry = errorCatalog[code]
  const error: Record<string, Json> = {}
  if (details.fieldViolations?.length) error.field_violations = details.fieldViolations.map((v) => ({ ...v }))
  if (details.permissionViolations?.length) error.permission_violations = details.permissionViolations.map((v) => ({ ...v }))
  const body: Record<string, Json> = { code, msg: entry.msg }
  // The platform puts the log id in `error` when it sends details; the 190002 example shows it.
  if (Object.keys(error).length > 0) body.error = { log_id: logId, ...error }
  return jsonReply(entry.status, body, logId, details.headers)
}

/** The platform's answer to a refusal of the fake's rules or of request validation. */
export function refusalReply(refusal: Refusal, logId: string): Reply {
  const { fieldViolations, permissionViolations, rateLimit } = refusal.details
  return errorReply(refusal.code, logId, {
    ...(fieldViolations && { fieldViolations }),
    ...(permissionViolations && { permissionViolations }),
    ...(rateLimit && { headers: { [RATE_LIMIT_LIMIT_HEADER]: String(rateLimit.limit), [RATE_LIMIT_RESET_HEADER]: String(rateLimit.reset) } }),
  })
}

/** A documented example, sent as the spec writes it (status, media type, body). */
export function exampleResponse(answer: DocumentedResponse, logId: string, headers: Readonly<Record<string, string>> = {}): Response {
  const isJson = /json/i.test(answer.mediaType)
  const body = isJson ? JSON.stringify(answer.value) : typeof answer.value === 'string' ? answer.value : JSON.stringify(answer.value)
  const contentType = isJson || !answer.mediaType.startsWith('text/') ? answer.mediaType : `${answer.mediaType}; charset=utf-8`
  return new Response(body, { status: answer.status, headers: { 'Content-Type': contentType, ...headers, [LOG_ID_HEADER]: logId } })
}

/** A copy of a documented JSON example with some top-level fields replaced (the fake's success bodies). */
export function withFields(answer: DocumentedResponse, fields: Readonly<Record<string, Json>>): Json {
  return isObject(answer.value) ? { ...answer.value, ...fields } : answer.value
}

/** What a gateway sends for a path it does not know (not a spec response). */
export function notFoundResponse(logId: string): Response {
  return new Response('404 page not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', [LOG_ID_HEADER]: logId } })
}
