// Checks ids before any request: limits come from the spec's parameter schemas (generated), so a bad id is a
// clear local error that says what is wrong, and nothing is sent.
import { operations, type OperationId } from '../generated/operations.js'
import { describeValue } from './describe.js'
import { FeishuApiError } from './errors.js'
import { ConfigError } from './options.js'

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/
/** Half of a surrogate pair without its other half: not text, and encodeURIComponent throws a URIError on it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Whether `value` holds a lone surrogate (no String.prototype.isWellFormed before Node 20 / Safari 16.4). */
export const hasLoneSurrogate = (value: string): boolean => LONE_SURROGATE.test(value)

/** The rule a value breaks, in the order they are checked (idError says each in words). */
export type Problem = 'type' | 'empty' | 'short' | 'long' | 'control' | 'surrogate' | 'space' | 'dot' | 'pattern'

export interface ParamSpec {
  readonly in: string
  readonly minLength: number | null
  readonly maxLength: number | null
  readonly pattern: string | null
}

/** The spec's constraints of `param` of `operationId`. */
export const paramSpec = (operationId: OperationId, param: string): ParamSpec | undefined =>
  (operations[operationId].params as Record<string, ParamSpec>)[param]

const patterns = new Map<string, RegExp>()
const compiled = (pattern: string): RegExp => {
  let re = patterns.get(pattern)
  if (!re) patterns.set(pattern, (re = new RegExp(pattern)))
  return re
}

/** The first rule `value` breaks as `param` of `operationId`, or undefined when it may be sent. */
export function paramProblem(operationId: OperationId, param: string, value: unknown): Problem | undefined {
  const spec = paramSpec(operationId, param)
  if (typeof value !== 'string') return 'type'
  if (value.length === 0) return 'empty'
  if (spec?.minLength != null && value.length < spec.minLength) return 'short'
  if (spec?.maxLength != null && value.length > spec.maxLength) return 'long'
  if (CONTROL.test(value)) return 'control'
  if (hasLoneSurrogate(value)) return 'surrogate'
  if (value.trim() !== value) return 'space'
  if (spec?.in === 'path' && (value === '.' || value === '..')) return 'dot'
  if (spec?.pattern != null && !compiled(spec.pattern).test(value)) return 'pattern'
  return undefined
}

/**
 * The error of `value`, passed as `argName` for `param` of `op`, when it breaks a rule (see paramProblem); undefined
 * when it may be sent.
 */
export function idError(op: OperationId, param: string, argName: string, value: unknown): FeishuApiError | undefined {
  const problem = paramProblem(op, param, value)
  if (problem === undefined) return undefined
  const spec = paramSpec(op, param)
  const length = typeof value === 'string' ? value.length : 0
  const says: Record<Problem, () => string> = {
    type: () => `must be a string; got ${describeValue(value)}`,
    empty: () => 'must not be empty',
    short: () => `is too short: ${length} characters; the platform accepts at least ${spec?.minLength}`,
    long: () => `is ${length} characters long; the platform accepts at most ${spec?.maxLength}`,
    control: () => 'contains control characters',
    surrogate: () => 'contains a lone surrogate (half of a UTF-16 pair), which no URL can carry',
    space: () => 'has leading or trailing whitespace',
    dot: () => `is "${String(value)}", which URL normalisation would turn into another path`,
    pattern: () => `does not look like a ${param} (expected ${spec?.pattern}, e.g. oc_a0553eda9014c201e6969b478895c230)`,
  }
  return new FeishuApiError({
    kind: 'invalid_request',
    msg: `${argName} ${says[problem]()}`,
    operation: op,
    retryable: false,
    attempts: 0,
    hint: { en: `Pass ${argName} as the platform returned it (the ${param} ${spec?.in ?? ''} parameter).`, zh: `请按平台返回的原样传入 ${argName}（${param} 参数）。` },
  })
}

/** A call's signal, checked: an AbortSignal or nothing. */
export function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined
  if (typeof signal !== 'object' || signal === null || typeof (signal as AbortSignal).aborted !== 'boolean') {
    throw new ConfigError('signal must be an AbortSignal (e.g. AbortSignal.timeout(5000) or controller.signal).')
  }
  return signal as AbortSignal
}

/**
 * What `client.api` checks in the parameters openapi-fetch serializes: a string no URL can carry, or a path
 * parameter that URL normalisation would turn into another path, is a FeishuApiError, not a URIError.
 */
export function checkParams(params: Record<string, unknown>, where: 'path' | 'query'): void {
  for (const name in params) {
    const value = params[name]
    const strings = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? Object.values(value) : [value]
    for (const s of strings) {
      if (typeof s === 'string' && hasLoneSurrogate(s)) {
        throw new FeishuApiError({ kind: 'invalid_request', msg: `the ${where} parameter ${name} contains a lone surrogate (half of a UTF-16 pair), which no URL can carry`, retryable: false, attempts: 0 })
      }
    }
    if (where === 'path' && (value === '.' || value === '..')) {
      throw new FeishuApiError({ kind: 'invalid_request', msg: `the path parameter ${name} is "${value}", which URL normalisation would turn into another path`, retryable: false, attempts: 0 })
    }
  }
}
