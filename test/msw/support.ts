// Shared by the mock tests: a spec-conformance check for any answer, valid requests built from the
// spec's own examples, and an msw server that checks every answer it mocks.
import { setupServer } from 'msw/node'
import type { HttpHandler } from 'msw'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { errorCatalog, type CatalogCode } from '../../src/generated/catalog.ts'
import type { OperationId } from '../../src/generated/operations.ts'
import { codeOf, deref, documentedResponses, isObject, spec, specOperations, type Json } from '../../src/contract/walk.ts'
import { SpecValidator } from '../../scripts/lib/spec-ajv.ts'
import { GATEWAY_RATE_LIMITED } from '../../src/fake/rules.ts'

export const FEISHU = 'https://open.feishu.cn'
export const LARK = 'https://open.larksuite.com'

const validator = new SpecValidator()
const seenLogIds = new Set<string>()

/** The operation a method and URL are for, matched against the spec's path templates (independently of src/msw). */
export function operationFor(method: string, url: string): OperationId | undefined {
  const pathname = new URL(url).pathname
  for (const op of specOperations()) {
    const pattern = new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`)
    if (op.method === method.toUpperCase() && pattern.test(pathname)) return op.operationId as OperationId
  }
  return undefined
}

export interface Answered {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: unknown
}

/** Reads a response once (status, headers, text, parsed JSON if any). */
export async function read(response: Response): Promise<Answered> {
  const text = await response.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json }
}

/**
 * Every way an answer of `operationId` breaks the spec: undocumented status or media type, a body that
 * fails the documented schema, an error code not documented under that status for this operation, a
 * missing or repeated `X-Tt-Logid`, missing or malformed rate-limit headers on the gateway's 429 (99991400).
 */
export function specProblems(operationId: string, answer: Answered): string[] {
  const problems: string[] = []
  const docs = documentedResponses().filter((r) => r.operationId === operationId && r.status === answer.status)
  if (docs.length === 0) return [`${operationId} does not document status ${answer.status}`]
  const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? ''
  const doc = docs.find((d) => d.mediaType === mediaType)
  if (!doc) return [`${operationId} ${answer.status}: media type "${mediaType}" is not documented (${[...new Set(docs.map((d) => d.mediaType))].join(', ')})`]
  const body = /json/.test(mediaType) ? answer.json : answer.text
  if (body === undefined) problems.push(`${operationId} ${answer.status}: the body is not JSON: ${answer.text.slice(0, 80)}`)
  const result = validator.validate(doc.schema ?? {}, body)
  problems.push(...result.errors.map((e) => `${operationId} ${answer.status}: ${e}`))
  const code = codeOf(body as Json)
  if (code !== undefined && !docs.some((d) => codeOf(d.value) === code)) problems.push(`${operationId} ${answer.status}: code ${code} is not documented under this status`)
  const logId = answer.headers.get('x-tt-logid')
  if (!logId) problems.push(`${operationId} ${answer.status}: no X-Tt-Logid`)
  else if (seenLogIds.has(logId)) problems.push(`${operationId} ${answer.status}: X-Tt-Logid ${logId} was already used`)
  else seenLogIds.add(logId)
  for (const name of doc.headers) {
    const value = answer.headers.get(name)
    const headerSchema = documentedHeaderSchema(operationId, answer.status, name)
    if (value === null) {
      // The gateway's rate limit carries its headers; the calendar service's own 429s (190004, 190005, 190010) do not.
      if (code === GATEWAY_RATE_LIMITED) problems.push(`${operationId} 429: no ${name} header`)
      continue
    }
    const typed = isObject(headerSchema) && headerSchema.type === 'integer' ? (/^\d+$/.test(value) ? Number(value) : value) : value
    problems.push(...validator.validate(headerSchema, typed).errors.map((e) => `${operationId} ${answer.status} header ${name}: ${e}`))
  }
  return [...new Set(problems)]
}

function documentedHeaderSchema(operationId: string, status: number, name: string): Json {
  const op = specOperations().find((o) => o.operationId === operationId)
  const response = deref(op?.responses[String(status)])
  const header = isObject(response) && isObject(response.headers) ? deref(response.headers[name]) : undefined
  return isObject(header) && isObject(header.schema) ? header.schema : {}
}

/** Asserts that an answer conforms to the spec, and returns it read. */
export async function expectConforming(operationId: string, response: Response): Promise<Answered> {
  const answer = await read(response)
  expect(specProblems(operationId, answer)).toEqual([])
  return answer
}

/** The error code and msg of an answer, for compact assertions. */
export function codeAndMsg(answer: Answered): { status: number; code: unknown; msg: unknown } {
  const body = isObject(answer.json as Json) ? (answer.json as Record<string, unknown>) : {}
  return { status: answer.status, code: body.code, msg: body.msg }
}

/** The spec's example value of a parameter. */
export function parameterExample(name: string): string {
  const params = spec.components.parameters as unknown as Record<string, { name: string; example?: string }>
  const found = Object.values(params).find((p) => p.name === name)?.example
  if (found !== undefined) return found
  for (const op of specOperations()) {
    const list = rawOperation(op.operationId).parameters
    for (const raw of Array.isArray(list) ? list : []) {
      const p = deref(raw)
      if (isObject(p) && p.name === name && typeof p.example === 'string') return p.example
    }
  }
  throw new Error(`The spec has no example for parameter ${name}`)
}

/** The spec's first request-body example of an operation. */
export function bodyExample(operationId: string): Json | undefined {
  const op = specOperations().find((o) => o.operationId === operationId)
  if (!op?.requestBodySchema) return undefined
  const item = (spec.paths as Record<string, Record<string, { requestBody?: unknown }>>)[op.path]?.[op.method.toLowerCase()]
  const body = deref(item?.requestBody)
  const media = isObject(body) && isObject(body.content) ? body.content['application/json'] : undefined
  const first = isObject(media) && isObject(media.examples) ? Object.values(media.examples)[0] : undefined
  const example = deref(first)
  return isObject(example) ? example.value : undefined
}

export interface RequestParts {
  readonly origin?: string
  readonly params?: Readonly<Record<string, string>>
  /** Path parameters put in the path as they are, not percent-encoded (e.g. a calendar id's raw `@`). */
  readonly rawPath?: Readonly<Record<string, string>>
  readonly query?: Readonly<Record<string, string | undefined>>
  /** `null`: no Authorization header. Default: `Bearer t-example` for operations with security. */
  readonly authorization?: string | null
  /** A JSON value, or a raw string body. Default: the spec's request example. */
  readonly body?: Json
  readonly rawBody?: string
  readonly contentType?: string
}

/** A request for `operationId` that conforms to the spec, built from the spec's examples; override any part. */
export function specRequest(operationId: OperationId, parts: RequestParts = {}): Request {
  const op = specOperations().find((o) => o.operationId === operationId)
  if (!op) throw new Error(`unknown operation ${operationId}`)
  let path = op.path
  const url = new URL(parts.origin ?? FEISHU)
  for (const p of op.parameters) {
    if (p.in === 'path') path = path.replace(`{${p.name}}`, parts.rawPath?.[p.name] ?? encodeURIComponent(parts.params?.[p.name] ?? parameterExample(p.name)))
  }
  url.pathname = path
  for (const p of op.parameters) {
    if (p.in !== 'query') continue
    const value = parts.query && p.name in parts.query ? parts.query[p.name] : parameterExample(p.name)
    if (value !== undefined) url.searchParams.set(p.name, value)
  }
  const headers = new Headers()
  const authorization = parts.authorization === undefined ? (op.security.length > 0 ? 'Bearer t-example' : null) : parts.authorization
  if (authorization !== null) headers.set('Authorization', authorization)
  let body: string | undefined
  if (parts.rawBody !== undefined) body = parts.rawBody
  else if (parts.body !== undefined) body = JSON.stringify(parts.body)
  else if (op.requestBodySchema) body = JSON.stringify(bodyExample(operationId))
  if (body !== undefined) headers.set('Content-Type', parts.contentType ?? 'application/json; charset=utf-8')
  return new Request(url, { method: op.method, headers, ...(body !== undefined ? { body } : {}) })
}

/**
 * An msw server for a test file. It checks every answer it mocks against the spec, and each test fails
 * if one of its answers does not conform.
 */
export function useMswServer(...handlers: HttpHandler[]) {
  const server = setupServer(...handlers)
  const pending: Promise<string[]>[] = []
  server.events.on('response:mocked', ({ request, response }) => {
    const operationId = operationFor(request.method, request.url)
    const copy = response.clone()
    pending.push(read(copy).then((answer) => (operationId ? specProblems(operationId, answer) : [`${request.method} ${request.url} is not an operation of the spec`])))
  })
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
  afterEach(async () => {
    const problems = (await Promise.all(pending.splice(0))).flat()
    server.resetHandlers()
    expect(problems, 'every answer the handlers mocked conforms to the spec').toEqual([])
  })
  afterAll(() => server.close())
  return server
}

/** Asserts that an answer is the catalog's error `code`: its HTTP status, code and msg. */
export function expectError(answer: Answered, code: CatalogCode): void {
  const entry = errorCatalog[code]
  expect(codeAndMsg(answer)).toEqual({ status: entry.status, code, msg: entry.msg })
}

/** Sends a spec-conforming request (with `parts` overridden) through `fetch`, and reads the answer. */
export async function call(operationId: OperationId, parts: RequestParts = {}): Promise<Answered> {
  return read(await fetch(specRequest(operationId, parts)))
}

/** The raw operation object of the spec, for its extensions (`x-rate-limit`, `x-required-scopes-any-of`). */
export function rawOperation(operationId: string): Record<string, unknown> {
  const op = specOperations().find((o) => o.operationId === operationId)
  const item = deref((spec.paths as Record<string, unknown>)[op?.path ?? ''])
  const raw = isObject(item) ? item[op?.method.toLowerCase() ?? ''] : undefined
  if (!isObject(raw)) throw new Error(`no operation ${operationId} in the spec`)
  return raw as Record<string, unknown>
}

/** The spec's `x-rate-limit` of an operation. */
export function specRateLimit(operationId: string): { perSecond: number; perMinute: number } {
  const limit = rawOperation(operationId)['x-rate-limit'] as { perSecond?: number; perMinute?: number } | undefined
  if (typeof limit?.perSecond !== 'number' || typeof limit.perMinute !== 'number') throw new Error(`${operationId} has no x-rate-limit in the spec`)
  return { perSecond: limit.perSecond, perMinute: limit.perMinute }
}
