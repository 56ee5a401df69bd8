// Reads an OpenAPI document: resolves local $refs and lists its operations. It imports nothing, so the
// generator (scripts/generate.ts, run by Node from source) and the package read the spec the same way.

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json }
export type JsonObject = { readonly [key: string]: Json }

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Follows local `$ref`s (`#/a/b`) from `root` until a non-reference node. */
export function resolveRef(root: JsonObject, node: unknown): Json | undefined {
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
  /** The operation's own security requirements (`[]`: none, or none written on the operation). */
  readonly security: readonly JsonObject[]
  readonly requestBodySchema: JsonObject | undefined
  readonly requestBodyRequired: boolean
  readonly responses: JsonObject
  /** The operation object as written, for its `x-` extensions. */
  readonly raw: JsonObject
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

function parametersOf(root: JsonObject, list: unknown): SpecParameter[] {
  if (!Array.isArray(list)) return []
  return list.map((raw) => {
    const p = resolveRef(root, raw)
    if (!isObject(p) || typeof p.name !== 'string') throw new Error('A parameter in the spec has no name')
    return {
      name: p.name,
      in: p.in as SpecParameter['in'],
      required: p.required === true,
      schema: isObject(p.schema) ? p.schema : {},
    }
  })
}

/** Every operation of an OpenAPI document, in document order. */
export function readOperations(root: JsonObject): SpecOperation[] {
  const out: SpecOperation[] = []
  const paths = root.paths
  if (!isObject(paths)) return out
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = resolveRef(root, rawItem)
    if (!isObject(item)) continue
    for (const method of METHODS) {
      const op = item[method]
      if (!isObject(op) || typeof op.operationId !== 'string') continue
      const body = resolveRef(root, op.requestBody)
      const content = isObject(body) && isObject(body.content) ? body.content['application/json'] : undefined
      const bodySchema = isObject(content) && isObject(content.schema) ? content.schema : undefined
      out.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        parameters: [...parametersOf(root, item.parameters), ...parametersOf(root, op.parameters)],
        security: Array.isArray(op.security) ? op.security.filter(isObject) : [],
        requestBodySchema: bodySchema,
        requestBodyRequired: isObject(body) && body.required === true,
        responses: isObject(op.responses) ? op.responses : {},
        raw: op,
      })
    }
  }
  return out
}
