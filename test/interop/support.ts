// What the interop suites share: the sandbox's scenario with a state for every code (the demo's, plus scopes,
// rate limits, units, deleted keys, a held event, a seeded fault: test/sandbox/every-code.ts), and the official
// Node SDK built as its users build it, pointed at the sandbox.
import * as lark from '@larksuiteoapi/node-sdk'
import { demo } from '../../src/fake/demo.ts'
import { everyCodeSeed } from '../sandbox/every-code.ts'

export { everyCode as extra } from '../sandbox/every-code.ts'

/** The scenario the interop suites run against: a state for every code the fake answers. */
export const interopSeed = everyCodeSeed

const quiet = { error() {}, warn() {}, info() {}, debug() {}, trace() {} }

/** A cache of its own for each client: the SDK's default cache is one module-wide map shared by every client. */
export function freshCache(): lark.Cache {
  const values = new Map<string, { value: unknown; expiredTime: number | undefined }>()
  const keyOf = (key: string | symbol | Symbol, namespace?: string) => `${namespace ?? ''}/${key.toString()}`
  return {
    async get(key, options) {
      const hit = values.get(keyOf(key, options?.namespace))
      return hit && (!hit.expiredTime || hit.expiredTime > Date.now()) ? hit.value : undefined
    },
    async set(key, value, expiredTime, options) {
      values.set(keyOf(key, options?.namespace), { value, expiredTime })
      return true
    },
  } as lark.Cache
}

/** The official SDK as documented, with `domain` pointed at `url`, its own cache and its logger silenced. */
export function officialClient(url: string, params: Partial<ConstructorParameters<typeof lark.Client>[0]> = {}): lark.Client {
  return new lark.Client({ appId: demo.app.appId, appSecret: demo.app.appSecret, domain: url, cache: freshCache(), logger: quiet, loggerLevel: lark.LoggerLevel.fatal, ...params })
}

/** What a call surfaced to its caller: the platform's code and the HTTP status (200 when it resolved). */
export interface Seen {
  readonly status: number
  readonly code: number | undefined
  readonly data?: unknown
}

/** Runs an SDK call and reads what it surfaces: a resolved body (HTTP 200), or the AxiosError it throws on 4xx/5xx. */
export async function seen(call: Promise<unknown>): Promise<Seen> {
  try {
    const body = (await call) as { code?: number; data?: unknown } | undefined
    return { status: 200, code: body?.code, data: body?.data }
  } catch (error) {
    const response = (error as { response?: { status: number; data?: { code?: number } } }).response
    if (!response) throw error
    return { status: response.status, code: response.data?.code }
  }
}
