// The shapes of the ids the platform issues, read from the spec's path parameters: `x-issued-pattern` (the
// shape) and `x-invalid-code` (what a value that cannot be such an id is answered). The request checks
// (src/mock/validate.ts) answer by them, and a seed may hold only ids of these shapes.
import type { CatalogCode } from '../generated/catalog.js'
import type { OperationId } from '../generated/operations.js'
import { deref, isObject, spec, specOperations, type JsonObject } from '../contract/walk.js'

/** A path parameter's id shape. */
export interface IssuedId {
  /** The parameter, e.g. `calendar_id`. */
  readonly param: string
  readonly pattern: RegExp
  /** The code for a value that breaks the parameter's schema or this shape. */
  readonly code: CatalogCode
  /** The parameter's example in the spec. */
  readonly example: string
}

/** The parameter objects of an operation as the spec writes them (the path's, then its own), `$ref`s followed. */
function rawParameters(path: string, operation: JsonObject): JsonObject[] {
  const item = deref((spec.paths as JsonObject)[path])
  return [isObject(item) ? item.parameters : undefined, operation.parameters].flatMap((list) => (Array.isArray(list) ? list.map((p) => deref(p)).filter(isObject) : []))
}

function read(): ReadonlyMap<OperationId, readonly IssuedId[]> {
  const out = new Map<OperationId, IssuedId[]>()
  for (const op of specOperations()) {
    const ids: IssuedId[] = []
    for (const p of rawParameters(op.path, op.raw)) {
      const pattern = p['x-issued-pattern']
      const code = p['x-invalid-code']
      if (pattern === undefined && code === undefined) continue
      if (typeof pattern !== 'string' || typeof code !== 'number' || typeof p.name !== 'string') {
        throw new Error(`Parameter ${String(p.name)} of ${op.operationId} needs both x-issued-pattern (a string) and x-invalid-code (a catalog code)`)
      }
      ids.push({ param: p.name, pattern: new RegExp(pattern, 'u'), code: code as CatalogCode, example: typeof p.example === 'string' ? p.example : '' })
    }
    out.set(op.operationId as OperationId, ids)
  }
  return out
}

let cached: ReadonlyMap<OperationId, readonly IssuedId[]> | undefined

/** The id shapes of an operation's path parameters. */
export function issuedIds(operationId: OperationId): readonly IssuedId[] {
  cached ??= read()
  return cached.get(operationId) ?? []
}

/** The shape of the ids a path parameter takes, from the first operation that has it (the same on every one). */
export function issuedShape(param: string): IssuedId | undefined {
  cached ??= read()
  for (const ids of cached.values()) {
    const found = ids.find((id) => id.param === param)
    if (found) return found
  }
  return undefined
}
