// From the environment to a client: credentials come from variables, never from flags.
import { createMeetingChatClient, type MeetingChatClient, type MeetingChatClientOptions } from '../index.js'
import { UsageError, type Env } from './output.js'

export function authFromEnv(env: Env): MeetingChatClientOptions['auth'] {
  const { FEISHU_APP_ID: appId, FEISHU_APP_SECRET: appSecret, FEISHU_APP_TICKET: appTicket, FEISHU_TENANT_KEY: tenantKey } = env
  if (env.FEISHU_USER_ACCESS_TOKEN) return { userAccessToken: env.FEISHU_USER_ACCESS_TOKEN }
  if (env.FEISHU_TENANT_ACCESS_TOKEN) return { tenantAccessToken: env.FEISHU_TENANT_ACCESS_TOKEN }
  if (appId || appSecret) {
    if (!appId || !appSecret) throw new UsageError('Set both FEISHU_APP_ID and FEISHU_APP_SECRET.')
    if (appTicket || tenantKey) {
      if (!appTicket || !tenantKey) throw new UsageError('A store app needs both FEISHU_APP_TICKET and FEISHU_TENANT_KEY.')
      return { appId, appSecret, appTicket: () => appTicket, tenantKey }
    }
    return { appId, appSecret }
  }
  throw new UsageError('No credentials: set FEISHU_APP_ID and FEISHU_APP_SECRET, or FEISHU_TENANT_ACCESS_TOKEN, or FEISHU_USER_ACCESS_TOKEN.')
}

export interface ClientFlags {
  readonly domain?: string | undefined
  readonly timeout?: string | undefined
  readonly 'no-retry'?: boolean | undefined
}

export function clientFrom(values: ClientFlags, env: Env, extra: Partial<MeetingChatClientOptions> = {}): MeetingChatClient {
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout)
  if (timeoutMs !== undefined && !(timeoutMs >= 1)) throw new UsageError(`--timeout must be a number of milliseconds >= 1; got "${values.timeout}".`)
  const domain = values.domain ?? env.FEISHU_DOMAIN
  return createMeetingChatClient({
    ...(domain !== undefined && { domain }),
    auth: authFromEnv(env),
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(values['no-retry'] && { retry: false as const }),
    ...extra,
  })
}

export function required(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value === '') throw new UsageError(`${command} needs --${flag}. See feishu-meeting-chat --help.`)
  return value
}
