// The operations of the spec as the transport needs them: whether a token is needed, whether a replay is safe, and
// which operation a request is. The client's own calls name theirs; any other request is looked up here.
import { operations, type OperationId } from '../generated/operations.js'
import { routes } from '../generated/routes.js'

export interface Operation {
  readonly id: OperationId
  readonly secured: boolean
  readonly idempotent: boolean
}

/** Operations by id, each built once. */
export const OPERATIONS = Object.fromEntries(
  Object.entries(operations).map(([id, op]) => [id, { id: id as OperationId, secured: op.secured, idempotent: op.idempotent }]),
) as Record<OperationId, Operation>

/** Each operation's method and path matcher, compiled once. */
const matchers = Object.entries(routes).map(([id, route]) => ({ op: OPERATIONS[id as OperationId], method: route.method, pattern: new RegExp(route.pattern) }))

/** The operation a `method` on `path` (below the base URL) is, or null for a path the spec does not have. */
export function findOperation(method: string, path: string): Operation | null {
  return matchers.find((m) => m.method === method && m.pattern.test(path))?.op ?? null
}
