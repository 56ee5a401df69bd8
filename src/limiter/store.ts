// A Redis store shared by a fleet, as the rate limiter and the shared token cache use it: the user's client (ioredis,
// or node-redis v4+), each command failing at once while the client is not ready and after commandTimeoutMs when
// Redis does not answer; on such a failure, the caller's local fallback takes over, said once, until Redis answers
// again (one command at a time asks, that no call waits on).

/** Why a Redis store is using its local fallback, or that it left it. */
export interface StoreFailure {
  /**
   * What failed: the Redis client's own error when it is not connected (e.g. `WRONGPASS ...`, `connect ECONNREFUSED
   * ...`, after "Redis connection is not ready: "), or "Redis did not answer within N ms" (`commandTimeoutMs`).
   */
  readonly error: Error
  /** `fallback`: Redis failed, this process works alone; `recovered`: Redis answers again. */
  readonly state: 'fallback' | 'recovered'
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000
export const DEFAULT_COMMAND_TIMEOUT_MS = 1_000

/** The client's state, as ioredis (`status`) and node-redis (`isReady`) tell it, its events and its raw command. */
interface RedisLike {
  readonly status?: string
  readonly isReady?: boolean
  on?(event: string, listener: (error?: unknown) => void): unknown
  once?(event: string, listener: () => void): unknown
  off?(event: string, listener: () => void): unknown
  /** ioredis */
  call?(command: string, ...args: string[]): Promise<unknown>
  /** node-redis v4+ */
  sendCommand?(args: string[]): Promise<unknown>
}

/** The last error each Redis client emitted since it was last ready: one listener per client, whatever the number of users. */
const clientErrors = new WeakMap<object, { error?: Error }>()

/** Remembers the client's errors (a refused password, a refused connection): a command only learns "not ready". */
function watchErrors(redis: object): { readonly error?: Error } {
  let state = clientErrors.get(redis)
  if (!state) {
    const watched: { error?: Error } = {}
    const r = redis as RedisLike
    r.on?.('error', (error) => { watched.error = error instanceof Error ? error : new Error(String(error)) })
    r.on?.('ready', () => { watched.error = undefined })
    clientErrors.set(redis, (state = watched))
  }
  return state
}

/** Resolves once a client made just before is ready, or after `ms`: commands fail fast while it is not (the fallback takes them). */
function firstConnection(redis: object, ms: number): Promise<void> {
  const r = redis as RedisLike
  const connecting = r.status === 'connecting' || r.status === 'connect' || r.isReady === false
  if (!connecting || typeof r.once !== 'function') return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      r.off?.('ready', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    r.once?.('ready', done)
  })
}

/** Whether the client can take a command now (a client this code does not know is taken to). */
export function isReady(redis: object): boolean {
  const r = redis as RedisLike
  if (typeof r.status === 'string') return r.status === 'ready'
  if (typeof r.isReady === 'boolean') return r.isReady
  return true
}

/** A command that failed (not ready, no answer in time, an error answer): what switches a store to its fallback. */
export class StoreError extends Error {
  override name = 'StoreError'
}

/** `error` as a StoreError (a store's own, or one of rate-limiter-flexible's calls on Redis). */
export const storeError = (error: unknown): StoreError =>
  error instanceof StoreError ? error : new StoreError(error instanceof Error ? error.message : String(error), { cause: error })

/** rate-limiter-flexible's words for a client that is not ready, which `describe` completes with the client's reason. */
const NOT_READY = 'Redis connection is not ready'

export interface StoreOptions {
  readonly connectTimeoutMs: number
  readonly commandTimeoutMs: number
  readonly report: (failure: StoreFailure) => void
}

export interface Store {
  /**
   * A raw command (`['GET', key]`, `['EVAL', script, '1', key, ...]`): rejects with a StoreError at once when not
   * ready, after commandTimeoutMs without an answer, or on an error answer.
   */
  command(args: readonly (string | number)[]): Promise<unknown>
  /**
   * `shared()` against Redis, or `local()` while Redis fails: a StoreError from `shared()` switches to the fallback
   * (said once) and runs `local()`; any other error is the caller's and is thrown.
   */
  run<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T>
  /** While in fallback, asks (one command at a time, that nothing waits on) whether Redis answers again. */
  checkRecovery(): void
  /** Whether the local fallback is in use. */
  readonly degraded: boolean
}

/** Checks that `redis` is a client object this code can send commands through, or says what it takes. */
export function checkRedis(redis: unknown): string | undefined {
  if (typeof redis !== 'object' || redis === null) return 'a connected ioredis or node-redis client'
  const r = redis as RedisLike
  if (typeof r.call !== 'function' && typeof r.sendCommand !== 'function') return 'an ioredis client (new Redis(url)) or a node-redis v4+ client (createClient({ url }), connected)'
  return undefined
}

export function redisStore(redis: object, options: StoreOptions): Store {
  const r = redis as RedisLike
  const connected = firstConnection(redis, options.connectTimeoutMs)
  const errors = watchErrors(redis)
  const { commandTimeoutMs, report } = options
  let degraded = false
  let probing = false

  /** A store failure as onStoreFailure tells it: with the client's own reason, or how long Redis was waited for. */
  const describe = (failure: StoreError): Error => {
    const error = failure.cause instanceof Error ? failure.cause : failure
    // RLWrapperTimeouts' words for a command of rate-limiter-flexible that got no answer in time.
    if (error.message === 'Operation timed out') return new Error(`Redis did not answer within ${commandTimeoutMs} ms`, { cause: error })
    if (!error.message.includes(NOT_READY)) return error
    const last = errors.error
    if (last) return new Error(`${NOT_READY}: ${last.message}`, { cause: last })
    return typeof r.status === 'string' ? new Error(`${NOT_READY} (status: ${r.status})`, { cause: error }) : error
  }

  const command = (args: readonly (string | number)[]): Promise<unknown> => {
    if (!isReady(redis)) return Promise.reject(new StoreError(NOT_READY))
    const strings = args.map(String)
    const [name = '', ...rest] = strings
    const sent = typeof r.call === 'function' ? r.call(name, ...rest) : (r.sendCommand as (a: string[]) => Promise<unknown>)(strings)
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreError(`Redis did not answer within ${commandTimeoutMs} ms`)), commandTimeoutMs)
    })
    return Promise.race([sent.catch((error: unknown) => { throw storeError(error) }), late]).finally(() => clearTimeout(timer))
  }

  /** While in fallback: one command at a time, that no call waits on, asks whether Redis answers again. */
  const probe = () => {
    if (probing) return
    probing = true
    command(['PING']).then(
      () => {
        if (!degraded) return
        degraded = false
        report({ state: 'recovered', error: new Error('Redis answers again') })
      },
      () => undefined,
    ).finally(() => { probing = false })
  }

  return {
    command,
    checkRecovery: () => {
      if (degraded) probe()
    },
    get degraded() {
      return degraded
    },
    async run(shared, local) {
      await connected
      if (degraded) {
        probe()
        return local()
      }
      try {
        return await shared()
      } catch (error) {
        if (!(error instanceof StoreError)) throw error
        if (!degraded) {
          degraded = true
          report({ state: 'fallback', error: describe(error) })
        }
        return local()
      }
    },
  }
}
