// What a rule of the platform answers when it says no: a catalog code and the details the platform sends.
import type { CatalogCode } from '../generated/catalog.js'

/** One entry of an error's `field_violations`. */
export interface FieldViolation {
  readonly field: string
  readonly description: string
}

/** One entry of an error's `permission_violations`. */
export interface PermissionViolation {
  readonly type: string
  readonly subject: string
}

export interface RefusalDetails {
  readonly fieldViolations?: readonly FieldViolation[]
  readonly permissionViolations?: readonly PermissionViolation[]
  /** A rate limit that was hit: the window's limit and the seconds until it resets. */
  readonly rateLimit?: { readonly limit: number; readonly reset: number }
}

/** The platform refuses a request: the first rule that fails decides the code. */
export class Refusal {
  readonly code: CatalogCode
  readonly details: RefusalDetails
  constructor(code: CatalogCode, details: RefusalDetails = {}) {
    this.code = code
    this.details = details
  }
}
