// What the interop suites share: the sandbox's demo scenario plus the cases it leaves to custom seeds
// (scopes, rate limits), and the official Node SDK built as its users build it, pointed at the sandbox.
import * as lark from '@larksuiteoapi/node-sdk'
import { demo, demoSeed } from '../../src/fake/demo.ts'
import type { Seed } from '../../src/fake/seed.ts'

/** The ids this file adds to the demo scenario. */
export const extra = {
  /** A self-built app granted no scope (99991672). */
  noScopeApp: { appId: 'cli_interop_noscope', appSecret: 'interop-noscope-secret', tenantAccessToken: 't-interop-noscope' },
  /** Alice's user token with no scope granted (99991679). */
  noScopeUserAccessToken: 'u-interop-alice-noscope',
  /** One call a minute for each operation (190004). */
  opLimitedApp: { appId: 'cli_interop_oplimited', appSecret: 'interop-oplimited-secret', tenantAccessToken: 't-interop-oplimited' },
  /** One call a minute for the whole app (190005). */
  appLimitedApp: { appId: 'cli_interop_applimited', appSecret: 'interop-applimited-secret', tenantAccessToken: 't-interop-applimited' },
} as const

/** The demo scenario, plus an app and a user token without scopes and two rate-limited apps. */
export function interopSeed(): Seed {
  const seed = demoSeed()
  const { noScopeApp, opLimitedApp, appLimitedApp } = extra
  const app = (a: { appId: string; appSecret: string }, more: object = {}) => ({ appId: a.appId, appSecret: a.appSecret, type: 'custom' as const, tenants: [demo.tenantKey], ...more })
  const token = (a: { appId: string; tenantAccessToken: string }) => ({ token: a.tenantAccessToken, appId: a.appId, tenantKey: demo.tenantKey })
  return {
    ...seed,
    apps: [
      ...(seed.apps ?? []),
      app(noScopeApp, { scopes: [] }),
      app(opLimitedApp, { rateLimit: { perOperation: { perMinute: 1 } } }),
      app(appLimitedApp, { rateLimit: { perApp: { perMinute: 1 } } }),
    ],
    tenantAccessTokens: [...(seed.tenantAccessTokens ?? []), token(noScopeApp), token(opLimitedApp), token(appLimitedApp)],
    userAccessTokens: [...(seed.userAccessTokens ?? []), { token: extra.noScopeUserAccessToken, userId: demo.users.alice.userId, appId: demo.app.appId, scopes: [] }],
  }
}

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
