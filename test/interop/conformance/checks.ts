// The checks Schemathesis makes, by name, as pure functions of one exchange (a request and its answer)
// read against the spec. Each returns why the exchange fails it, or undefined. The spec decides, through
// src/contract; nothing here lists a status, a code or a header by hand.
import { SpecValidator } from '../../../scripts/lib/spec-ajv.ts'
import type { MockOperation } from '../../../src/contract/operations.ts'
import { deref, isObject, type Json, type JsonObject } from '../../../src/contract/walk.ts'
import { errorCatalog, type CatalogCode } from '../../../src/generated/catalog.ts'
import { issuedIds } from '../../../src/fake/issued.ts'

/** Why a request was sent: data the spec allows, data it forbids, or one of the probes. */
export type Intent = 'positive' | 'negative' | 'missing_required_header' | 'ignored_auth' | 'unsupported_method' | 'stateful'

export interface Exchange {
  /** The operation the request was made for (`undefined` for a method the path does not have). */
  readonly op: MockOperation | undefined
  readonly intent: Intent
  /** What was sent, in a line, for the report. */
  readonly sent: string
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** For a stateful step: the code the link promises (e.g. 195108 on the replayed unbind). */
  readonly expectedCode?: number
}

export type CheckName =
  | 'not_a_server_error'
  | 'status_code_conformance'
  | 'content_type_conformance'
  | 'response_headers_conformance'
  | 'response_schema_conformance'
  | 'negative_data_rejection'
  | 'positive_data_acceptance'
  | 'missing_required_header'
  | 'unsupported_method'
  | 'ignored_auth'
  | 'stateful_links'

export type Check = (exchange: Exchange) => string | undefined

const validator = new SpecValidator()
const mediaTypeOf = (headers: Headers) => (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
const codeIn = (exchange: Exchange): number | undefined => {
  const body = parseJson(exchange.text)
  return isObject(body) && typeof body.code === 'number' ? body.code : undefined
}

/** The documented response of a status: the exact status, else its range (`4XX`), else `default`. */
function documented(op: MockOperation, status: number): JsonObject | undefined {
  const responses = op.spec.responses
  for (const key of [String(status), `${String(status)[0]}XX`, 'default']) {
    const found = deref(responses[key])
    if (isObject(found)) return found
  }
  return undefined
}

const is2xx = (status: number) => status >= 200 && status < 300
/**
 * The spec's answers to input it forbids: the operation's invalid-input code, and the code of each id parameter
 * (`x-invalid-code`, 191001 / 193000) the operation documents, for an id that cannot be one.
 */
export function invalidInputCodes(op: MockOperation): CatalogCode[] {
  const documented = new Set(op.answers.map((a) => (isObject(a.value) ? a.value.code : undefined)))
  return [op.invalidInputCode, ...issuedIds(op.id).map((id) => id.code).filter((code) => documented.has(code))]
}
const kindOf = (code: number | undefined) => (code !== undefined && Object.hasOwn(errorCatalog, code) ? errorCatalog[code as CatalogCode].kind : undefined)

export const checks: Record<CheckName, Check> = {
  not_a_server_error: (x) => (x.status >= 500 ? `answered ${x.status}` : undefined),

  status_code_conformance: (x) => {
    if (!x.op || x.intent === 'unsupported_method') return undefined
    return documented(x.op, x.status) ? undefined : `${x.status} is not documented for ${x.op.id} (documented: ${Object.keys(x.op.spec.responses).join(', ')})`
  },

  content_type_conformance: (x) => {
    const response = x.op && x.intent !== 'unsupported_method' ? documented(x.op, x.status) : undefined
    if (!response || !isObject(response.content)) return undefined
    const types = Object.keys(response.content)
    return types.includes(mediaTypeOf(x.headers)) ? undefined : `Content-Type "${x.headers.get('content-type') ?? ''}" is not one of ${types.join(', ')}`
  },

  response_headers_conformance: (x) => {
    const response = x.op && x.intent !== 'unsupported_method' ? documented(x.op, x.status) : undefined
    if (!response || !isObject(response.headers)) return undefined
    const problems: string[] = []
    for (const [name, raw] of Object.entries(response.headers)) {
      const header = deref(raw)
      if (!isObject(header)) continue
      const value = x.headers.get(name)
      if (value === null) {
        if (header.required === true) problems.push(`${name} is required and missing`)
        continue
      }
      const schema = isObject(header.schema) ? header.schema : {}
      const typed: Json = schema.type === 'integer' || schema.type === 'number' ? (/^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value) : value
      const result = validator.validate(schema, typed)
      if (!result.valid) problems.push(`${name}: "${value}" ${result.errors.join('; ')}`)
    }
    return problems.length ? problems.join('; ') : undefined
  },

  response_schema_conformance: (x) => {
    const response = x.op && x.intent !== 'unsupported_method' ? documented(x.op, x.status) : undefined
    if (!response || !isObject(response.content)) return undefined
    const media = response.content[mediaTypeOf(x.headers)]
    if (!isObject(media) || !isObject(media.schema)) return undefined
    const body = /json/.test(mediaTypeOf(x.headers)) ? parseJson(x.text) : x.text
    if (body === undefined) return 'the body is not JSON'
    const result = validator.validate(media.schema, body)
    return result.valid ? undefined : result.errors.join('; ')
  },

  negative_data_rejection: (x) => {
    if (x.intent !== 'negative' || !x.op) return undefined
    const code = codeIn(x)
    const wanted = invalidInputCodes(x.op)
    return wanted.some((w) => w === code && x.status === errorCatalog[w].status) ? undefined : `input the spec forbids was answered ${x.status} ${code ?? ''}, not the spec's ${wanted.join(' or ')}`
  },

  positive_data_acceptance: (x) => {
    if (x.intent !== 'positive' || !x.op) return undefined
    const code = codeIn(x)
    if (!invalidInputCodes(x.op).some((w) => w === code)) return undefined
    // The platform also answers its invalid-input code for ids it does not know; a refusal of the data
    // itself names the field with the validator's words (type, length, pattern, required).
    const body = parseJson(x.text)
    const violations = isObject(body) && isObject(body.error) && Array.isArray(body.error.field_violations) ? body.error.field_violations : []
    const schemaWords = /must|required|not valid|takes no body|Content-Type/
    const refused = violations.filter((v) => isObject(v) && typeof v.description === 'string' && schemaWords.test(v.description))
    return refused.length ? `input the spec allows was refused: ${JSON.stringify(refused)}` : undefined
  },

  missing_required_header: (x) => {
    if (x.intent !== 'missing_required_header') return undefined
    return kindOf(codeIn(x)) === 'auth' && !is2xx(x.status) ? undefined : `a request without Authorization was answered ${x.status} ${codeIn(x) ?? ''}`
  },

  unsupported_method: (x) => {
    if (x.intent !== 'unsupported_method') return undefined
    // The platform's gateway answers an unknown method with its 404 page; Schemathesis expects 405. Either.
    return x.status === 404 || x.status === 405 ? undefined : `a method the path does not have was answered ${x.status}`
  },

  ignored_auth: (x) => {
    if (x.intent !== 'ignored_auth') return undefined
    return kindOf(codeIn(x)) === 'auth' && !is2xx(x.status) ? undefined : `a token the platform never issued was answered ${x.status} ${codeIn(x) ?? ''}`
  },

  stateful_links: (x) => {
    if (x.intent !== 'stateful' || x.expectedCode === undefined) return undefined
    const code = codeIn(x)
    return code === x.expectedCode ? undefined : `the link's step answered ${x.status} ${code ?? ''}, not ${x.expectedCode}`
  },
}

/** Runs every check on an exchange: the names of those that fail, with why. */
export function failures(exchange: Exchange): { check: CheckName; why: string; sent: string }[] {
  return (Object.entries(checks) as [CheckName, Check][]).flatMap(([check, run]) => {
    const why = run(exchange)
    return why === undefined ? [] : [{ check, why, sent: exchange.sent }]
  })
}

