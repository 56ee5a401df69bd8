// The client entry: what this file exports is the product. No Node built-ins here (browsers, edge runtimes).
/**
 * `feishu-meeting-chat`: the typed client of the Feishu / Lark meeting-chat endpoints. Start with
 * {@link createMeetingChatClient}; every failure is a {@link FeishuApiError}.
 *
 * @module feishu-meeting-chat
 */
export { createMeetingChatClient } from './client/client.js'
export type {
  CallResult,
  CreateMeetingChatParams,
  MeetingChat,
  MeetingChatApi,
  MeetingChatClient,
  UnbindMeetingChatParams,
} from './client/client.js'
export { FeishuApiError } from './client/errors.js'
export type { CodeOfKind, ErrorKind, FeishuApiErrorInit, Hint } from './client/errors.js'
export type { OperationId } from './generated/operations.js'
export { ConfigError, DEFAULTS, DOMAINS } from './client/options.js'
export type {
  AppCredentials,
  AuthOptions,
  CallOptions,
  Domain,
  MeetingChatClientOptions,
  RetryOptions,
  StoreAppCredentials,
  TenantTokenAuth,
  TokenSource,
  UserTokenAuth,
} from './client/options.js'
export type { CallLimiter, PacingRequest } from './client/pacing.js'
export { TokenCache, createTokenCache } from './client/auth/token-cache.js'
export type { IssuedToken, TokenCacheLike, TokenCacheOptions } from './client/auth/token-cache.js'
export type { CatalogCode, CatalogEntry } from './generated/catalog.js'
export type { paths, components } from './generated/schema.js'
