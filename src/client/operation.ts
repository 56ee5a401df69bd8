// Which operation of the spec a request is: looked up once per request shape, never by scanning every
// operation. The client's own methods skip even that: they name their operation.
import { operations, type OperationId } from '../generated/operations.js'

export interface Operation {
  readonly id: OperationId
  readonly secured: boolean
  readonly idempotent: boolean
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])

/** Operations by id, each built once. */
export const OPERATIONS = Object.fromEntries(
  Object.entries(operations).map(([id, op]) => [id, { id: id as OperationId, secured: op.secured, idempotent: op.idempotent }]),
) as Record<OperationId, Operation>

// Paths without parameters by `METHOD path`; the others by `METHOD segment-count last-segment`, then matched.
const exact = new Map<string, Operation>()
const templated = new Map<string, { readonly op: Operation; readonly pattern: RegExp }[]>()
for (const [id, op] of Object.entries(operations)) {
  if (op.pathParams.length === 0) {
    exact.set(`${op.method} ${op.path}`, OPERATIONS[id as OperationId])
    continue
  }
  const segments = op.path.split('/')
  const key = `${op.method} ${segments.length} ${segments.at(-1)}`
  templated.set(key, [...(templated.get(key) ?? []), { op: OPERATIONS[id as OperationId], pattern: new RegExp(op.pattern) }])
}

/** The operation a `method` on `path` (below the base URL) is, or null for a path the spec does not have. */
export function findOperation(method: string, path: string): Operation | null {
  const direct = exact.get(`${method} ${path}`)
  if (direct) return direct
  const segments = path.split('/')
  const candidates = templated.get(`${method} ${segments.length} ${segments.at(-1)}`)
  return candidates?.find((c) => c.pattern.test(path))?.op ?? null
}

/** Whether a request to a path the spec does not have may be replayed: by its method alone. */
export const safeMethod = (method: string): boolean => SAFE_METHODS.has(method)
