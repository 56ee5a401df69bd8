// The hook through which a rate limiter holds calls before they are sent. The client only knows this shape;
// `feishu-meeting-chat/limiter` builds one (in memory, or shared through Redis), so the client entry stays light.

/** Which budget a call draws from: the platform counts per app and tenant, per operation. */
export interface PacingRequest {
  /** The app and tenant, e.g. `cli_xxx` or `cli_xxx:tenant_key` (store apps); `default` when the client has no app id. */
  readonly key: string
  /** The operationId, whose documented limits apply (the spec's `x-rate-limit`). */
  readonly operation: string
}

/**
 * What the client's `rateLimiter` option takes: `createRateLimiter()` from `feishu-meeting-chat/limiter` builds one
 * (in memory, or shared through Redis); implement it to pace calls your own way.
 */
export interface CallLimiter {
  /**
   * Resolves with nothing (or 0) when a call may be sent, having taken its place in the budget; rejects with the
   * signal's reason if it aborts first. `maxWaitMs` is the longest the call may wait (the time left before its
   * deadline, less what its attempt needs): a wait that would not end within it is not started, and the promise
   * resolves at once with that wait in ms (a positive number), nothing taken. The client then fails the call as
   * `rate_limited` with `retryAfterMs` set to it.
   */
  acquire(request: PacingRequest, signal?: AbortSignal, maxWaitMs?: number): Promise<number | void>
  /** The platform asked to wait `ms` (a rate-limit answer's `x-ogw-ratelimit-reset`): hold every call of this budget as long (a limiter may cap it). */
  hold(request: PacingRequest, ms: number): Promise<void>
  /** Whether calls made with a user_access_token are paced too (default: no, only app-identity calls). */
  readonly userCalls?: boolean
}

/** The budget key of a client's calls: its app id, and the tenant key for a store app. */
export function pacingKey(auth: unknown): string {
  const a = auth as { appId?: unknown; tenantKey?: unknown } | undefined
  return typeof a?.appId !== 'string' ? 'default' : typeof a.tenantKey === 'string' ? `${a.appId}:${a.tenantKey}` : a.appId
}
