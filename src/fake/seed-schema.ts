// The JSON Schema of a seed, on its own (no imports): `npm run generate` compiles it into
// src/generated/validators.ts, so checking a seed needs no Ajv at run time.
const id = { type: 'string', minLength: 1, maxLength: 256 } as const
const count = { type: 'integer', minimum: 0 } as const
const rateLimit = { type: 'object', additionalProperties: false, properties: { perSecond: { type: 'integer', minimum: 1 }, perMinute: { type: 'integer', minimum: 1 } } } as const
const identity = { userId: id, appId: id } as const

/** The JSON Schema (2020-12) of {@link Seed}. References between entries are checked by {@link validateSeed}. */
export const seedSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://feishu-meeting-chat.invalid/seed.schema.json',
  title: 'feishu-meeting-chat fake seed',
  type: 'object',
  additionalProperties: false,
  required: ['tenants'],
  properties: {
    $schema: { type: 'string' },
    tenants: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['tenantKey'], properties: { tenantKey: id, platform: { enum: ['feishu', 'lark'] } } },
    },
    apps: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['appId', 'appSecret', 'tenants'],
        properties: {
          appId: id,
          appSecret: id,
          type: { enum: ['custom', 'store'] },
          tenants: { type: 'array', items: id },
          bot: { type: 'boolean' },
          appTickets: { type: 'array', items: id },
          scopes: { type: 'array', items: id },
          rateLimit: { type: 'object', additionalProperties: false, properties: { perOperation: rateLimit, perApp: rateLimit } },
        },
      },
    },
    users: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['userId', 'tenantKey'], properties: { userId: id, tenantKey: id, inTenant: { type: 'boolean' } } },
    },
    calendars: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['calendarId', 'owner'],
        properties: {
          calendarId: id,
          owner: { type: 'object', additionalProperties: false, properties: identity },
          tenantKey: id,
          type: { enum: ['primary', 'shared', 'google', 'resource', 'exchange'] },
          deleted: { type: 'boolean' },
          access: {
            type: 'array',
            items: { type: 'object', additionalProperties: false, required: ['role'], properties: { ...identity, role: { enum: ['free_busy_reader', 'reader', 'writer', 'owner'] } } },
          },
        },
      },
    },
    events: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['calendarId', 'eventId'],
        properties: { calendarId: id, eventId: id, attendees: count, attendeeListHidden: { type: 'boolean' }, deleted: { type: 'boolean' } },
      },
    },
    chats: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['chatId', 'owner'],
        properties: {
          chatId: { type: 'string', pattern: '^oc_[0-9A-Za-z_-]+$', minLength: 4, maxLength: 64 },
          owner: { type: 'object', additionalProperties: false, properties: identity },
          boundTo: { type: 'object', additionalProperties: false, required: ['calendarId', 'eventId'], properties: { calendarId: id, eventId: id } },
        },
      },
    },
    tenantAccessTokens: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['token', 'appId', 'tenantKey'], properties: { token: id, appId: id, tenantKey: id, expiresIn: { type: 'integer' } } },
    },
    appAccessTokens: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['token', 'appId'], properties: { token: id, appId: id, expiresIn: { type: 'integer' } } },
    },
    userAccessTokens: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['token', 'userId', 'appId'],
        properties: { token: id, userId: id, appId: id, expiresIn: { type: 'integer' }, scopes: { type: 'array', items: id } },
      },
    },
  },
} as const
