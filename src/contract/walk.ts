// Reads the generated spec (with read.ts, the generator's reader too): operations and documented
// responses. The mocks and the contract tests stand on this; nothing here re-types what the spec says.
import { spec } from '../generated/spec.js'
import { isObject, readOperations, resolveRef, type Json, type JsonObject, type SpecOperation } from './read.js'

export { isObject, type Json, type JsonObject, type SpecOperation, type SpecParameter } from './read.js'

const root = spec as unknown as JsonObject

/** Follows local `$ref`s (`#/a/b`) of the spec until a non-reference node. */
export const deref = (node: unknown): Json | undefined => resolveRef(root, node)

let cachedOperations: SpecOperation[] | undefined

/** Every operation of the spec, in document order. */
export function specOperations(): readonly SpecOperation[] {
  cachedOperations ??= readOperations(root)
  return cachedOperations
}

export function specOperation(operationId: string): SpecOperation {
  const op = specOperations().find((o) => o.operationId === operationId)
  if (!op) throw new Error(`No operation "${operationId}" in the spec. Known: ${specOperations().map((o) => o.operationId).join(', ')}`)
  return op
}

/** One documented answer: an operation, a status, a media type and one named example. */
export interface DocumentedResponse {
  readonly operationId: string
  readonly status: number
  readonly mediaType: string
  readonly exampleName: string
  readonly value: Json
  /** The response schema, as written in the spec (may hold `$ref`s into the spec). */
  readonly schema: JsonObject | undefined
  /** Names of the headers the spec documents for this response. */
  readonly headers: readonly string[]
}

/** Every (operation x status x example) the spec documents. */
export function documentedResponses(): readonly DocumentedResponse[] {
  const out: DocumentedResponse[] = []
  for (const op of specOperations()) {
    for (const [status, rawResponse] of Object.entries(op.responses)) {
      const response = deref(rawResponse)
      if (!isObject(response) || !isObject(response.content)) continue
      const headers = isObject(response.headers) ? Object.keys(response.headers) : []
      for (const [mediaType, rawMedia] of Object.entries(response.content)) {
        if (!isObject(rawMedia) || !isObject(rawMedia.examples)) continue
        for (const [exampleName, rawExample] of Object.entries(rawMedia.examples)) {
          const example = deref(rawExample)
          if (!isObject(example) || example.value === undefined) continue
          out.push({
            operationId: op.operationId,
            status: Number(status),
            mediaType,
            exampleName,
            value: example.value,
            schema: isObject(rawMedia.schema) ? rawMedia.schema : undefined,
            headers,
          })
        }
      }
    }
  }
  return out
}

/** The error code a documented response carries, if it is a JSON error envelope. */
export function codeOf(value: Json): number | undefined {
  return isObject(value) && typeof value.code === 'number' && value.code !== 0 ? value.code : undefined
}

export { spec }
