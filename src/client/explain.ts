// What a refused id says: the text of paramProblem's rules (validate.ts). The client loads it on demand, when an
// id is refused (call.ts); the CLI, which checks the ids of its input files at once, imports it. What it needs of
// the modules loaded at start is handed to it, so that it shares no module with them (see verdict.ts).
import type { OperationId } from '../generated/operations.js'
import type { describeValue } from './describe.js'
import type { FeishuApiError } from './errors.js'
import type { ParamSpec, Problem } from './validate.js'

/** An id refused before anything is sent: `value`, passed as `argName` for `param` of `op`, breaks `problem`. */
export interface Refused {
  readonly op: OperationId
  readonly param: string
  readonly argName: string
  readonly value: unknown
  readonly problem: Problem
}

/** What the text needs of the modules loaded at start. */
export interface ExplainDeps {
  readonly FeishuApiError: typeof FeishuApiError
  readonly describeValue: typeof describeValue
}

/** The error of a refused id, given the spec's constraints of its parameter. */
export function invalidParam({ op, param, argName, value, problem }: Refused, spec: ParamSpec | undefined, { FeishuApiError, describeValue }: ExplainDeps): FeishuApiError {
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
