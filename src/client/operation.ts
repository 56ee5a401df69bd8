// The operations of the spec as the transport needs them: whether a token is needed, whether a replay is safe.
// The client's own calls name theirs; a Request openapi-fetch built is looked up by request.ts.
import { operations, type OperationId } from '../generated/operations.js'

export interface Operation {
  readonly id: OperationId
  readonly secured: boolean
  readonly idempotent: boolean
}

/** Operations by id, each built once. */
export const OPERATIONS = Object.fromEntries(
  Object.entries(operations).map(([id, op]) => [id, { id: id as OperationId, secured: op.secured, idempotent: op.idempotent }]),
) as Record<OperationId, Operation>
