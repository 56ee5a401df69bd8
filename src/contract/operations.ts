// What the mocks know about each operation, all read from the spec at load time: route, security,
// rate limit, required scopes, documented answers and the code that answers malformed input.
import { errorCatalog, type CatalogCode } from '../generated/catalog.js'
import { operations, type OperationId } from '../generated/operations.js'
import { routes } from '../generated/routes.js'
import { codeOf, deref, documentedResponses, isObject, spec, specOperations, type DocumentedResponse, type JsonObject, type SpecOperation } from './walk.js'

/** A per-window request budget (from the spec's `x-rate-limit`, or configured in a seed). */
export interface RateLimit {
  readonly perSecond?: number
  readonly perMinute?: number
}

/** A token type an operation accepts, from its security scheme. */
export interface AcceptedToken {
  readonly scheme: string
  /** The prefix of the token, e.g. `t-`, read from the scheme's `x-token-prefix`. */
  readonly prefix: string
}

export interface MockOperation {
  readonly id: OperationId
  readonly spec: SpecOperation
  readonly method: string
  readonly path: string
  readonly pathParams: readonly string[]
  readonly tokens: readonly AcceptedToken[]
  readonly rateLimit: RateLimit | undefined
  readonly requiredScopes: readonly string[]
  readonly answers: readonly DocumentedResponse[]
  /** The code for input that breaks the spec: 190002 where documented, else the token endpoints' 10003. */
  readonly invalidInputCode: CatalogCode
  match(method: string, pathname: string): Record<string, string> | undefined
}

const isOperationId = (id: string): id is OperationId => Object.hasOwn(operations, id)

const isCatalogCode = (code: number): code is CatalogCode => Object.hasOwn(errorCatalog, code)

function tokensOf(op: SpecOperation): AcceptedToken[] {
  const schemes = isObject(spec.components) && isObject(spec.components.securitySchemes) ? spec.components.securitySchemes : {}
  return op.security.flatMap((requirement) =>
    Object.keys(requirement).map((scheme) => {
      const def = deref((schemes as JsonObject)[scheme])
      const prefix = isObject(def) && typeof def['x-token-prefix'] === 'string' ? def['x-token-prefix'] : undefined
      if (!prefix) throw new Error(`Security scheme "${scheme}" has no x-token-prefix in the spec`)
      return { scheme, prefix }
    }),
  )
}

function rateLimitOf(raw: JsonObject): RateLimit | undefined {
  const limit = raw['x-rate-limit']
  if (!isObject(limit)) return undefined
  return {
    ...(typeof limit.perSecond === 'number' ? { perSecond: limit.perSecond } : {}),
    ...(typeof limit.perMinute === 'number' ? { perMinute: limit.perMinute } : {}),
  }
}


function invalidInputCodeOf(id: string, answers: readonly DocumentedResponse[]): CatalogCode {
  const documented = new Set(answers.map((a) => codeOf(a.value)))
  // Bad parameters on the calendar API are 190002; the auth endpoints answer 10003 for a bad body.
  for (const code of [190002, 10003] as const) if (documented.has(code)) return code
  throw new Error(`Operation ${id} documents no invalid-input code (190002 or 10003); the mocks cannot answer bad input`)
}

function build(op: SpecOperation): MockOperation {
  if (!isOperationId(op.operationId)) throw new Error(`Operation ${op.operationId} is missing from src/generated/operations.ts: run npm run generate`)
  const id = op.operationId
  const raw = op.raw
  const generated = routes[id]
  const pathParams: readonly string[] = generated.pathParams
  const pattern = new RegExp(generated.pattern)
  const answers = documentedResponses().filter((r) => r.operationId === id)
  for (const a of answers) {
    const code = codeOf(a.value)
    if (code !== undefined && !isCatalogCode(code)) throw new Error(`${id} documents code ${code}, which is not in the error catalog`)
  }
  const scopes = raw['x-required-scopes-any-of']
  return {
    id,
    spec: op,
    method: op.method,
    path: op.path,
    pathParams,
    tokens: tokensOf(op),
    rateLimit: rateLimitOf(raw),
    requiredScopes: Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [],
    answers,
    invalidInputCode: invalidInputCodeOf(id, answers),
    match(method, pathname) {
      // Most requests already write the method in upper case: no new string for them.
      if (method !== op.method && method.toUpperCase() !== op.method) return undefined
      const m = pattern.exec(pathname)
      if (!m) return undefined
      const params: Record<string, string> = {}
      for (let i = 0; i < pathParams.length; i++) params[pathParams[i] ?? ''] = m[i + 1] ?? ''
      return params
    },
  }
}

let cached: readonly MockOperation[] | undefined

/** Every operation of the spec, as the mocks see it. */
export function mockOperations(): readonly MockOperation[] {
  cached ??= specOperations().map(build)
  return cached
}

export function mockOperation(id: string): MockOperation {
  const op = mockOperations().find((o) => o.id === id)
  if (!op) throw new Error(`Unknown operation "${id}". Operations: ${mockOperations().map((o) => o.id).join(', ')}`)
  return op
}

/** The operation a request is for, with its raw (still percent-encoded) path parameters. */
export function route(method: string, pathname: string): { op: MockOperation; rawParams: Record<string, string> } | undefined {
  for (const op of mockOperations()) {
    const rawParams = op.match(method, pathname)
    if (rawParams) return { op, rawParams }
  }
  return undefined
}

/** The origins of the spec's `servers` (Feishu and Lark). */
export function specOrigins(): readonly string[] {
  return (spec.servers as readonly { url: string }[]).map((s) => new URL(s.url).origin)
}

/** The token prefix of a security scheme of the spec (e.g. `tenant_access_token` -> `t-`). */
export function schemePrefix(scheme: string): string {
  for (const op of mockOperations()) {
    const found = op.tokens.find((t) => t.scheme === scheme)
    if (found) return found.prefix
  }
  throw new Error(`No operation of the spec uses the security scheme "${scheme}"`)
}

let scopes: readonly string[] | undefined

/** Every scope some operation of the spec requires. */
export function specScopes(): readonly string[] {
  scopes ??= [...new Set(mockOperations().flatMap((o) => o.requiredScopes))]
  return scopes
}
