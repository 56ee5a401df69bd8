// The one error type of the client: every failure, from a platform code to a dropped connection,
// surfaces as a FeishuApiError with a `kind` to switch on. It never holds a token or a secret.
import type { CatalogCode, errorCatalog } from '../generated/catalog.js'
import { catalogText, kindHints } from '../generated/catalog-text.js'
import { retryableCodes, type ErrorKind } from '../generated/codes.js'
import type { OperationId } from '../generated/operations.js'

/** The kind of a failure: the spec's x-kinds. */
export type { ErrorKind }

export interface Hint {
  readonly en: string
  readonly zh: string
}

export interface FeishuApiErrorInit {
  readonly kind: ErrorKind
  /** The platform's error code; null when there is none (network, timeout, protocol, local checks). */
  readonly code?: number | null
  readonly msg: string
  readonly httpStatus?: number | null
  readonly logId?: string | null
  readonly hint?: Hint
  readonly retryable?: boolean
  readonly operation?: OperationId | null
  readonly attempts?: number
  readonly retryAfterMs?: number | null
  readonly earlierAttemptOutcomeUnknown?: boolean
  readonly detail?: unknown
  readonly cause?: unknown
}

/** The codes a retry can help. */
export const RETRYABLE: ReadonlySet<number> = new Set(retryableCodes)

/** The catalog's codes whose kind is `K`. */
export type CodeOfKind<K extends ErrorKind> = { [C in CatalogCode]: (typeof errorCatalog)[C]['kind'] extends K ? C : never }[CatalogCode]

/** The code an error of kind `K` can carry: none for failures that got no platform answer. */
type CodeFor<K extends ErrorKind> = K extends 'network' | 'timeout' | 'protocol' ? null : CodeOfKind<K> | null

// The class under a private binding: the exported FeishuApiError is the same class, typed as a union by
// kind so that `if (error.kind === 'network')` narrows `code` to null, and `'rate_limited'` to the rate-limit codes.
class FeishuApiErrorClass extends Error {
  override readonly name = 'FeishuApiError'
  declare readonly kind: ErrorKind
  /**
   * The platform's code, typed as the codes of the spec's catalog (so a typo or a code the platform does
   * not have fails to compile), or null when there is none. A code the spec does not list yet still
   * arrives here as its number: keep a `default` branch when you switch on it.
   */
  declare readonly code: CatalogCode | null
  declare readonly msg: string
  declare readonly httpStatus: number | null
  /** `X-Tt-Logid` of the answer (or the body's `error.log_id`): quote it to the platform's support. */
  declare readonly logId: string | null
  declare readonly hint: Hint
  /** Whether the same request, sent again later, can succeed. */
  declare readonly retryable: boolean
  /** The spec's operationId of the request that failed, or null for a path the spec does not have. */
  declare readonly operation: OperationId | null
  /** How many attempts were made before giving up. */
  declare readonly attempts: number
  /** How long the platform asked to wait before retrying, when it said. */
  declare readonly retryAfterMs: number | null
  /**
   * True when an earlier attempt's answer was lost (network failure or timeout after sending): that attempt
   * may have taken effect, e.g. a replayed unbind answering 195108 because the first one already unbound.
   */
  declare readonly earlierAttemptOutcomeUnknown: boolean
  /** The body's `error` object (field and permission violations), when the platform sent one. */
  declare readonly detail: unknown

  constructor(init: FeishuApiErrorInit) {
    const code = init.code ?? null
    const hint = init.hint ?? (code === null ? undefined : catalogText[code]?.hint) ?? kindHints[init.kind]
    const status = init.httpStatus ?? null
    const unknown = init.earlierAttemptOutcomeUnknown === true
    const head = code === null ? `Feishu ${init.kind} error` : `Feishu API error ${code}`
    const where = [status === null ? null : `HTTP ${status}`, init.operation ?? null].filter(Boolean).join(', ')
    const note = unknown
      ? ' An earlier attempt got no answer and may have succeeded' + (code === 195108 ? ': the meeting chat may already be unbound.' : '.')
      : ''
    super(`${head}${where ? ` (${where})` : ''}: ${init.msg}. ${hint.en}${note}${init.logId ? ` [log id ${init.logId}]` : ''}`, {
      cause: init.cause,
    })
    this.kind = init.kind
    this.code = code as CatalogCode | null
    this.msg = init.msg
    this.httpStatus = status
    this.logId = init.logId ?? null
    this.hint = hint
    this.retryable = init.retryable ?? (code !== null && RETRYABLE.has(code))
    this.operation = init.operation ?? null
    this.attempts = init.attempts ?? 1
    this.retryAfterMs = init.retryAfterMs ?? null
    this.earlierAttemptOutcomeUnknown = unknown
    this.detail = init.detail ?? null
  }

  toJSON(): Record<string, unknown> {
    // Its own fields (name, kind, code, ...) and the message; the cause stays out (not enumerable): it may be a
    // runtime's own error object.
    return { ...(this as object), message: this.message }
  }
}

// What a stack, inspect and a bundler's minified output show.
Object.defineProperty(FeishuApiErrorClass, 'name', { value: 'FeishuApiError' })

type FeishuApiErrorFields = Omit<FeishuApiErrorClass, 'kind' | 'code'>

/**
 * Every failure of the client. Switch on `kind`; `code` is the platform's (narrowed by `kind`), `hint`
 * says what to do in English and Chinese, `logId` is what the platform's support asks for.
 */
export type FeishuApiError = { [K in ErrorKind]: FeishuApiErrorFields & { readonly kind: K; readonly code: CodeFor<K> } }[ErrorKind]

/** @class */
export const FeishuApiError: {
  new (init: FeishuApiErrorInit): FeishuApiError
  readonly prototype: FeishuApiError
} = FeishuApiErrorClass as never
