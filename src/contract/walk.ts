// Reads the generated spec: resolves local $refs and enumerates operations and documented responses.
// The mocks and the contract tests stand on this; nothing here re-types what the spec says.
import { spec } from '../generated/spec.js'

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json }
export type JsonObject = { readonly [key: string]: Json }

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)

const root = spec as unknown as JsonObject

/** Follows local `$ref`s (`#/a/b`) until a non-reference node. */
export function deref(node: unknown): Json | undefined {
  let cur: unknown = node
  for (let hops = 0; isObject(cur) && typeof cur.$ref === 'string'; hops++) {
    if (hops > 32) throw new Error(`$ref cycle at ${cur.$ref}`)
    let target: unknown = root
    for (const part of cur.$ref.replace(/^#\//, '').split('/')) {
      target = isObject(target) ? target[part.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined
    }
    if (target === undefined) throw new Error(`Unresolvable $ref ${cur.$ref}`)
    cur = target
  }
  return cur as Json | undefined
}

export interface SpecParameter {
  readonly name: string
  readonly in: 'path' | 'query' | 'header' | 'cookie'
  readonly required: boolean
  readonly schema: JsonObject
}

export interface SpecOperation {
  readonly operationId: string
  readonly method: string
  /** The OpenAPI path template, e.g. `/open-apis/.../{calendar_id}/...`. */
  readonly path: string
  readonly parameters: readonly SpecParameter[]
  readonly security: readonly JsonObject[]
  readonly requestBodySchema: JsonObject | undefined
  readonly requestBodyRequired: boolean
  readonly responses: JsonObject
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

function parametersOf(list: unknown): SpecParameter[] {
  if (!Array.isArray(list)) return []
  return list.map((raw) => {
    const p = deref(raw)
    if (!isObject(p) || typeof p.name !== 'string') throw new Error('A parameter in the spec has no name')
    return {
      name: p.name,
      in: p.in as SpecParameter['in'],
      required: p.required === true,
      schema: isObject(p.schema) ? p.schema : {},
    }
  })
}

let cachedOperations: SpecOperation[] | undefined

/** Every operation of the spec, in document order. */
export function specOperations(): readonly SpecOperation[] {
  if (cachedOperations) return cachedOperations
  const out: SpecOperation[] = []
  const paths = root.paths
  if (!isObject(paths)) return out
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = deref(rawItem)
    if (!isObject(item)) continue
    for (const method of METHODS) {
      const op = item[method]
      if (!isObject(op) || typeof op.operationId !== 'string') continue
      const body = deref(op.requestBody)
      const content = isObject(body) && isObject(body.content) ? body.content['application/json'] : undefined
      const bodySchema = isObject(content) && isObject(content.schema) ? content.schema : undefined
      out.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        parameters: [...parametersOf(item.parameters), ...parametersOf(op.parameters)],
        security: Array.isArray(op.security) ? op.security.filter(isObject) : [],
        requestBodySchema: bodySchema,
        requestBodyRequired: isObject(body) && body.required === true,
        responses: isObject(op.responses) ? op.responses : {},
      })
    }
  }
  cachedOperations = out
  return out
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
