// Checks an incoming request against its operation in the spec, in the gateway's order: the
// Authorization header first, then path and query parameters, then the body.
import type { CatalogCode } from '../generated/catalog.js'
import { SpecValidator } from '../contract/validator.js'
import { isObject, type JsonObject } from '../contract/walk.js'
import { mockOperations, type MockOperation } from '../contract/operations.js'
import { Refusal, type FieldViolation } from '../fake/refusal.js'
import { gateway, type Bearer } from '../fake/rules.js'

export interface ValidInput {
  /** Path parameters, percent-decoded. */
  readonly params: Readonly<Record<string, string>>
  readonly query: Readonly<Record<string, string>>
  readonly body: JsonObject | undefined
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly rejection: Refusal }

const ok = <T>(value: T): Checked<T> => ({ ok: true, value })
const reject = <T>(code: CatalogCode, fieldViolations?: readonly FieldViolation[]): Checked<T> => ({ ok: false, rejection: new Refusal(code, fieldViolations ? { fieldViolations } : {}) })

let shared: SpecValidator | undefined
const validator = () => (shared ??= new SpecValidator())

/** Compiles every operation's parameter and body schemas now, so that no request pays for it (a server calls this at start). */
export function compileValidators(): void {
  for (const op of mockOperations()) {
    for (const p of op.spec.parameters) validator().validate(p.schema, '')
    if (op.spec.requestBodySchema) validator().validate(op.spec.requestBodySchema, {})
  }
}

/** The gateway's reading of the Authorization header (the fake's first rule), for the examples mode. */
export function checkAuthorization(op: MockOperation, request: Request): Checked<Bearer | undefined> {
  const bearer = gateway(op, request.headers.get('authorization'))
  return bearer instanceof Refusal ? { ok: false, rejection: bearer } : ok(bearer)
}

const describeErrors = (errors: readonly string[]) => errors.map((e) => e.replace(/^\(root\)\s*/, '')).join('; ')

function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

/** Checks path parameters, query parameters and the JSON body against the operation's schemas. */
export async function checkInput(op: MockOperation, request: Request, rawParams: Readonly<Record<string, string>>): Promise<Checked<ValidInput>> {
  const violations: FieldViolation[] = []
  const params: Record<string, string> = {}
  const query: Record<string, string> = {}
  const url = new URL(request.url)
  for (const p of op.spec.parameters) {
    let value: string | undefined
    if (p.in === 'path') {
      const raw = rawParams[p.name]
      try {
        value = raw === undefined ? undefined : decodeURIComponent(raw)
      } catch {
        violations.push({ field: p.name, description: `${p.name} is not valid percent-encoding` })
        continue
      }
    } else if (p.in === 'query') {
      value = url.searchParams.get(p.name) ?? undefined
    } else if (p.in === 'header') {
      value = request.headers.get(p.name) ?? undefined
    } else continue
    if (value === undefined || (p.in !== 'path' && value === '' && p.required)) {
      if (p.required) violations.push({ field: p.name, description: `${p.name} is required` })
      continue
    }
    const result = validator().validate(p.schema, value)
    if (!result.valid) violations.push({ field: p.name, description: `${p.name} ${describeErrors(result.errors)}` })
    if (p.in === 'path') params[p.name] = value
    else if (p.in === 'query') query[p.name] = value
  }
  let body: JsonObject | undefined
  if (op.spec.requestBodySchema) {
    const text = await request.text()
    if (mediaType(request) !== 'application/json') {
      violations.push({ field: 'Content-Type', description: `must be application/json, got "${request.headers.get('content-type') ?? ''}"` })
    } else if (text.trim() === '') {
      if (op.spec.requestBodyRequired) violations.push({ field: 'body', description: 'a JSON body is required' })
    } else {
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        violations.push({ field: 'body', description: 'is not valid JSON' })
      }
      if (parsed !== undefined) {
        const result = validator().validate(op.spec.requestBodySchema, parsed)
        if (!result.valid) for (const e of result.errors) violations.push({ field: fieldOf(e), description: e.replace(/^\S+\s*/, '') })
        else if (isObject(parsed)) body = parsed
      }
    }
  }
  return violations.length > 0 ? reject(op.invalidInputCode, violations) : ok({ params, query, body })
}

// Ajv reports `/app_id must be string` or `(root) must have required property 'app_id'`.
function fieldOf(error: string): string {
  const path = error.split(' ')[0] ?? ''
  if (path.startsWith('/')) return path.slice(1).replaceAll('/', '.')
  return /'([^']+)'/.exec(error)?.[1] ?? 'body'
}
