// Checks ids before any request: limits come from the spec's parameter schemas (generated), so a bad id is a
// clear local error and nothing is sent. The rules are here, at start; what a refusal says loads on demand
// (explain.ts).
import { operations, type OperationId } from '../generated/operations.js'

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/
/** Half of a surrogate pair without its other half: not text, and encodeURIComponent throws a URIError on it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Whether `value` holds a lone surrogate (no String.prototype.isWellFormed before Node 20 / Safari 16.4). */
export const hasLoneSurrogate = (value: string): boolean => LONE_SURROGATE.test(value)

/** The rule a value breaks, in the order they are checked: explain.ts says each in words. */
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
