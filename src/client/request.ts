// What a Request that openapi-fetch built becomes for the transport: client.api's calls, the token flows and the
// client's own calls once middleware is added. Only api.ts imports this module, so it loads with openapi-fetch (the
// client's own calls, while no middleware is added, build what the transport sends themselves: client.ts).
// Like api.ts, it imports nothing that the entry imports (but types): what it needs from the entry is handed to it
// (`Shared`), so that the chunk it goes into shares no module with the entry, and a Node import of the client
// reads two files of ours. The routes (generated/routes.ts) are the chunk's own.
import type { OperationId, secretFields } from '../generated/operations.js'
import { routes } from '../generated/routes.js'
import type { FeishuApiError } from './errors.js'
import type { Operation } from './operation.js'
import type { ConfigError, Normalized } from './options.js'
import type { Outgoing, ReadRequest } from './transport.js'

/** What this module needs from the client entry, handed to it by client.ts. */
export interface Shared {
  readonly FeishuApiError: typeof FeishuApiError
  readonly ConfigError: typeof ConfigError
  readonly OPERATIONS: Readonly<Record<OperationId, Operation>>
  readonly secretFields: typeof secretFields
  readonly hasLoneSurrogate: (value: string) => boolean
  readonly fillPath: (template: string, params: Record<string, unknown>) => string | null
}

/**
 * A Request as openapi-fetch built it for this client, the caller's signal apart. With `controller`, it
 * follows that controller's signal (for a `fetch` option, which takes one Request); without, it has no signal
 * of its own and the attempt gives fetch one beside it (`fetch(request, { signal })`): a Request that follows a
 * signal costs undici a listener, a WeakRef and a finalizer, and fetch follows the attempt's signal anyway.
 */
export interface PreparedRequest extends Request {
  readonly controller: AbortController | null
  readonly callerSignal: AbortSignal | null
}

type PreparedClass = new (input: RequestInfo | URL, init?: RequestInit) => PreparedRequest
const preparedClasses: { signalled?: PreparedClass; plain?: PreparedClass } = {}
/** Marks a PreparedRequest: `instanceof` cannot tell one (see preparedRequestClass). */
const PREPARED = Symbol('prepared')
const isPrepared = (input: Request): input is PreparedRequest => PREPARED in input

/**
 * The Request class openapi-fetch builds this client's requests with, so that the first attempt sends the
 * request as it is instead of building a second Request. `signalled` for a client with a `fetch` option.
 * Made on first use: touching the global Request at import would load the runtime's fetch implementation
 * (undici) with the module. Any Request is an instance of it: openapi-fetch checks what an onRequest middleware hands back against the
 * class it was given, and a middleware builds with the global Request.
 */
export function preparedRequestClass(signalled: boolean): PreparedClass {
  if (signalled) {
    return (preparedClasses.signalled ??= class extends Request implements PreparedRequest {
      static override [Symbol.hasInstance](value: unknown): boolean { return value instanceof Request }
      readonly [PREPARED] = true
      readonly controller: AbortController | null
      readonly callerSignal: AbortSignal | null
      constructor(input: RequestInfo | URL, init?: RequestInit) {
        const controller = new AbortController()
        super(input, { ...init, signal: controller.signal, redirect: 'manual' })
        this.controller = controller
        this.callerSignal = init?.signal ?? (input instanceof Request ? input.signal : null)
      }
    })
  }
  return (preparedClasses.plain ??= class extends Request implements PreparedRequest {
    static override [Symbol.hasInstance](value: unknown): boolean { return value instanceof Request }
    readonly [PREPARED] = true
    readonly controller = null
    readonly callerSignal: AbortSignal | null
    constructor(input: RequestInfo | URL, init?: RequestInit) {
      super(input, { ...init, signal: null, redirect: 'manual' })
      this.callerSignal = init?.signal ?? (input instanceof Request ? input.signal : null)
    }
  })
}

/**
 * Which operation of the spec a request is: looked up once per request shape, never by scanning every operation.
 * Paths without parameters by `METHOD path`; the others by `METHOD segment-count last-segment`, then matched.
 * Returns the operation a `method` on `path` (below the base URL) is, or null for a path the spec does not have.
 */
export function operationFinder({ OPERATIONS }: Pick<Shared, 'OPERATIONS'>): (method: string, path: string) => Operation | null {
  const exact = new Map<string, Operation>()
  const templated = new Map<string, { readonly op: Operation; readonly pattern: RegExp }[]>()
  for (const [id, op] of Object.entries(routes)) {
    if (op.pathParams.length === 0) {
      exact.set(`${op.method} ${op.path}`, OPERATIONS[id as OperationId])
      continue
    }
    const segments = op.path.split('/')
    const key = `${op.method} ${segments.length} ${segments.at(-1)}`
    templated.set(key, [...(templated.get(key) ?? []), { op: OPERATIONS[id as OperationId], pattern: new RegExp(op.pattern) }])
  }
  return (method, path) => {
    const direct = exact.get(`${method} ${path}`)
    if (direct) return direct
    const segments = path.split('/')
    const candidates = templated.get(`${method} ${segments.length} ${segments.at(-1)}`)
    return candidates?.find((c) => c.pattern.test(path))?.op ?? null
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])

/** The credentials in a request body (the token endpoints' JSON; fields the spec marks x-secret), to be redacted from any answer to it. */
export function bodySecrets(body: ArrayBuffer | undefined, secretFields: readonly string[]): string[] {
  if (body === undefined) return []
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body))
    if (typeof parsed !== 'object' || parsed === null) return []
    return secretFields.map((k) => (parsed as Record<string, unknown>)[k]).filter((v): v is string => typeof v === 'string')
  } catch {
    return []
  }
}

/**
 * The reader of this client's Requests: refuses one for another origin (credentials only ever go to the
 * configured one), finds its operation (by method alone, whether a replay is safe, for a path the spec does not
 * have), reads its body once, and keeps a body-less Request as openapi-fetch built it for the first attempt.
 */
export function requestReader(options: Pick<Normalized, 'origin' | 'basePath'>, shared: Shared): ReadRequest {
  const { ConfigError, secretFields } = shared
  const findOperation = operationFinder(shared)
  const originSlash = `${options.origin}/`
  const pathOf = (url: string): string => {
    let end = url.length
    const query = url.indexOf('?', originSlash.length)
    if (query !== -1) end = query
    const path = url.slice(options.origin.length, end)
    return options.basePath !== '' && path.startsWith(options.basePath) ? path.slice(options.basePath.length) : path
  }
  return (request, known) => {
    const url = request.url
    if (!url.startsWith(originSlash)) {
      // A per-request baseUrl override is refused.
      throw new ConfigError(`Refusing to send a request to ${new URL(url).origin}: this client is configured for ${options.origin}. Create another client for that origin.`)
    }
    const method = request.method
    const op = known ?? findOperation(method, pathOf(url))
    const prepared = isPrepared(request) ? request : undefined
    const outgoing = (body: ArrayBuffer | undefined): Outgoing => ({
      id: op?.id ?? null,
      secured: op?.secured ?? true,
      idempotent: op?.idempotent ?? SAFE_METHODS.has(method),
      url,
      method,
      headers: request.headers,
      body,
      secrets: bodySecrets(body, secretFields),
      signal: prepared ? prepared.callerSignal : request.signal,
      prepared: prepared && body === undefined ? { request: prepared, controller: prepared.controller } : undefined,
    })
    return request.body === null ? outgoing(undefined) : request.arrayBuffer().then(outgoing)
  }
}

/**
 * What `client.api` checks in the parameters openapi-fetch serializes: a string no URL can carry, or a path
 * parameter that URL normalisation would turn into another path, is a FeishuApiError, not a URIError.
 */
export const paramsChecker = ({ FeishuApiError, hasLoneSurrogate }: Pick<Shared, 'FeishuApiError' | 'hasLoneSurrogate'>) => (params: Record<string, unknown>, where: 'path' | 'query'): void => {
  for (const name in params) {
    const value = params[name]
    const strings = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? Object.values(value) : [value]
    for (const s of strings) {
      if (typeof s === 'string' && hasLoneSurrogate(s)) {
        throw new FeishuApiError({ kind: 'invalid_request', msg: `the ${where} parameter ${name} contains a lone surrogate (half of a UTF-16 pair), which no URL can carry`, retryable: false })
      }
    }
  }
  if (where === 'query') return
  for (const name in params) {
    const value = params[name]
    if (value === '.' || value === '..') {
      throw new FeishuApiError({ kind: 'invalid_request', msg: `the path parameter ${name} is "${value}", which URL normalisation would turn into another path`, retryable: false })
    }
  }
}
