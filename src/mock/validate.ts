// Checks an incoming request against its operation in the spec, in the gateway's order: the
// Authorization header first, then path and query parameters, then the body.
import type { CatalogCode } from '../generated/catalog.js'
import { validators, type ValidationError } from '../generated/validators.js'
import { codeOf, isObject, type JsonObject, type SpecParameter } from '../contract/walk.js'
import type { MockOperation } from '../contract/operations.js'
import { issuedIds, type IssuedId } from '../fake/issued.js'
import { Refusal, type FieldViolation } from '../fake/refusal.js'
import { gateway, type Bearer } from '../fake/rules.js'
import { asMockRequest, type MockRequest } from './request.js'

export interface ValidInput {
  /** Path parameters, percent-decoded. */
  readonly params: Readonly<Record<string, string>>
  readonly query: Readonly<Record<string, string>>
  readonly body: JsonObject | undefined
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly rejection: Refusal }

const ok = <T>(value: T): Checked<T> => ({ ok: true, value })
const reject = <T>(code: CatalogCode, fieldViolations?: readonly FieldViolation[]): Checked<T> => ({ ok: false, rejection: new Refusal(code, fieldViolations ? { fieldViolations } : {}) })

/** Runs the validator generated for `key` (see scripts/generate.ts); one line a problem, Ajv's wording. */
function validate(key: string, value: unknown): readonly string[] {
  const fn = validators[key]
  if (!fn) throw new Error(`No generated validator for ${key}: run npm run generate`)
  return fn(value) ? [] : (fn.errors ?? []).map(describe)
}

const describe = (e: ValidationError): string => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`.trim()

/** The gateway's reading of the Authorization header (the fake's first rule), for the examples mode. */
export function checkAuthorization(op: MockOperation, request: MockRequest): Checked<Bearer | undefined> {
  const bearer = gateway(op, request.header('authorization'))
  return bearer instanceof Refusal ? { ok: false, rejection: bearer } : ok(bearer)
}

const describeErrors = (errors: readonly string[]) => errors.map((e) => e.replace(/^\(root\)\s*/, '')).join('; ')

function mediaType(request: MockRequest): string {
  return (request.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

interface CheckedParameter {
  readonly p: SpecParameter
  readonly key: string
  /** The shape of the ids it takes, where the operation documents the code for a value off it. */
  readonly id: IssuedId | undefined
}

/** An operation's parameters with their validators' keys and id shapes, made once per operation rather than per request. */
const parameterKeys = new WeakMap<MockOperation, readonly CheckedParameter[]>()

function parametersOf(op: MockOperation): readonly CheckedParameter[] {
  let list = parameterKeys.get(op)
  if (!list) {
    const documented = new Set(op.answers.map((a) => codeOf(a.value)))
    const ids = issuedIds(op.id).filter((id) => documented.has(id.code))
    parameterKeys.set(op, (list = op.spec.parameters.map((p) => ({ p, key: `${op.id}:${p.in}:${p.name}`, id: p.in === 'path' ? ids.find((id) => id.param === p.name) : undefined }))))
  }
  return list
}

/**
 * Checks path parameters, query parameters and the JSON body against the operation's schemas.
 *
 * @answers 191001 a calendar_id that cannot be one the platform issues: over 256 characters, `.` or `..`, or not of the shape `<unit>_<id>@group.calendar.<feishu.cn | larksuite.com>` (the spec's `x-issued-pattern`)
 * @answers 193000 unbind: an event_id that cannot be one the platform issues: over 256 characters, `.` or `..`, or not `<uid>_<number>`
 * @answers 190002 a parameter or body that breaks the spec's schema (a meeting_chat_id not `oc_…`, a body that is not `{}` or `null`, …) or a path that is not valid percent-encoding, with `field_violations`
 * @answers 10003 token endpoints: a body that breaks the spec's schema (a field missing or not a string)
 */
export async function checkInput(op: MockOperation, fetchOrMock: Request | MockRequest, rawParams: Readonly<Record<string, string>>): Promise<Checked<ValidInput>> {
  const request = asMockRequest(fetchOrMock)
  const violations: FieldViolation[] = []
  // The code of the first id that cannot be one: it answers instead of the operation's invalid-input code.
  let invalidId: CatalogCode | undefined
  const params: Record<string, string> = {}
  const query: Record<string, string> = {}
  for (const { p, key, id } of parametersOf(op)) {
    let value: string | undefined
    if (p.in === 'path') {
      const raw = rawParams[p.name]
      try {
        value = raw === undefined ? undefined : decodeURIComponent(raw)
      } catch {
        // Not an id the calendar service could read at all: the request is malformed (190002), before any id's own code.
        violations.push({ field: p.name, description: `${p.name} is not valid percent-encoding` })
        continue
      }
    } else if (p.in === 'query') {
      value = request.query(p.name) ?? undefined
    } else if (p.in === 'header') {
      value = request.header(p.name) ?? undefined
    } else continue
    if (value === undefined || (p.in !== 'path' && value === '' && p.required)) {
      if (p.required) violations.push({ field: p.name, description: `${p.name} is required` })
      continue
    }
    const errors = validate(key, value)
    const problem = errors.length > 0 ? describeErrors(errors) : id && !id.pattern.test(value) ? `is not of the shape the platform issues (${id.pattern.source})` : undefined
    if (problem !== undefined) {
      violations.push({ field: p.name, description: `${p.name} ${problem}` })
      if (id) invalidId ??= id.code
    }
    if (p.in === 'path') params[p.name] = value
    else if (p.in === 'query') query[p.name] = value
  }
  let body: JsonObject | undefined
  // The spec's rule, as Prism reads it: an empty body is a missing body; any other body needs a request
  // body in the spec, its media type, and JSON that its schema accepts.
  const text = await request.text()
  if (text.trim() === '') {
    if (op.spec.requestBodyRequired) violations.push({ field: 'body', description: 'a JSON body is required' })
  } else if (!op.spec.requestBodySchema) {
    violations.push({ field: 'body', description: 'this operation takes no body' })
  } else if (mediaType(request) !== 'application/json') {
    violations.push({ field: 'Content-Type', description: `must be application/json, got "${request.header('content-type') ?? ''}"` })
  } else {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      violations.push({ field: 'body', description: 'is not valid JSON' })
    }
    if (parsed !== undefined) {
      const errors = validate(`${op.id}:body`, parsed)
      if (errors.length > 0) for (const e of errors) violations.push({ field: fieldOf(e), description: e.replace(/^\S+\s*/, '') })
      else if (isObject(parsed)) body = parsed
    }
  }
  return violations.length > 0 ? reject(invalidId ?? op.invalidInputCode, violations) : ok({ params, query, body })
}

// Ajv reports `/app_id must be string` or `(root) must have required property 'app_id'`.
function fieldOf(error: string): string {
  const path = error.split(' ')[0] ?? ''
  if (path.startsWith('/')) return path.slice(1).replaceAll('/', '.')
  return /'([^']+)'/.exec(error)?.[1] ?? 'body'
}
