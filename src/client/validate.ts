// Checks ids before any request: limits come from the spec's parameter schemas (generated), so a bad id
// is a clear local error and nothing is sent.
import { operations, type OperationId } from '../generated/operations.js'
import { FeishuApiError } from './errors.js'
import { describeValue } from './describe.js'

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/
/** Half of a surrogate pair without its other half: not text, and encodeURIComponent throws a URIError on it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Whether `value` holds a lone surrogate (no String.prototype.isWellFormed before Node 20 / Safari 16.4). */
export const hasLoneSurrogate = (value: string): boolean => LONE_SURROGATE.test(value)

const patterns = new Map<string, RegExp>()
const compiled = (pattern: string): RegExp => {
  let re = patterns.get(pattern)
  if (!re) patterns.set(pattern, (re = new RegExp(pattern)))
  return re
}

/** Returns `value` when it may be sent as `param` of `operationId`, else throws an invalid_request error naming the fix. */
export function checkParam(operationId: OperationId, param: string, argName: string, value: unknown): string {
  const spec = (operations[operationId].params as Record<string, { in: string; minLength: number | null; maxLength: number | null; pattern: string | null }>)[param]
  const fail = (problem: string) => {
    throw new FeishuApiError({ kind: 'invalid_request', msg: `${argName} ${problem}`, operation: operationId, retryable: false, attempts: 0, hint: { en: `Pass ${argName} as the platform returned it (the ${param} ${spec?.in ?? ''} parameter).`, zh: `请按平台返回的原样传入 ${argName}（${param} 参数）。` } })
  }
  if (typeof value !== 'string') return fail(`must be a string; got ${describeValue(value)}`)
  if (value.length === 0) return fail('must not be empty')
  if (spec?.minLength != null && value.length < spec.minLength) return fail(`is too short: ${value.length} characters; the platform accepts at least ${spec.minLength}`)
  if (spec?.maxLength != null && value.length > spec.maxLength) return fail(`is ${value.length} characters long; the platform accepts at most ${spec.maxLength}`)
  if (CONTROL.test(value)) return fail('contains control characters')
  if (hasLoneSurrogate(value)) return fail('contains a lone surrogate (half of a UTF-16 pair), which no URL can carry')
  if (value.trim() !== value) return fail('has leading or trailing whitespace')
  if (spec?.in === 'path' && (value === '.' || value === '..')) return fail(`is "${value}", which URL normalisation would turn into another path`)
  if (spec?.pattern != null && !compiled(spec.pattern).test(value)) return fail(`does not look like a ${param} (expected ${spec.pattern}, e.g. oc_a0553eda9014c201e6969b478895c230)`)
  return value
}
