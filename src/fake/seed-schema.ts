// The seed's JSON Schema, written once: `npm run generate` derives the Seed types from it
// (src/generated/seed.ts, with these descriptions as their docs). It imports nothing, so the generator
// runs it from source. `tsType` says how the generator writes a node JSON Schema cannot say (exactly one
// of two properties); it is stripped from the schema the package exports.

const id = { type: 'string', minLength: 1, maxLength: 256 } as const
const count = { type: 'integer', minimum: 0 } as const
// Named types: each becomes a type of the same name.
const $defs = {
  IdentityRef: {
    description: 'An identity that calls the API: a user (user_access_token) or an app (tenant_access_token).',
    type: 'object',
    additionalProperties: false,
    properties: { userId: id, appId: id },
    tsType: '{ readonly userId: string; readonly appId?: never } | { readonly appId: string; readonly userId?: never }',
  },
  Platform: { description: "Which platform a tenant is on: decides the applink domain when the request's host does not tell. Default `feishu`.", enum: ['feishu', 'lark'] },
  CalendarType: { description: "The platform's calendar types; the meeting-chat operations only work on `primary` calendars. Default `primary`.", enum: ['primary', 'shared', 'google', 'resource', 'exchange'] },
  AccessRole: { description: "An identity's access role on a calendar. The meeting-chat operations work only on the caller's own primary calendar: a role on another's tells 191002 (none) from 191004 (some).", enum: ['free_busy_reader', 'reader', 'writer', 'owner'] },
  AttendeeAbility: {
    description: "What the event's attendees may do (the calendar API's `attendee_ability`): only `can_modify_event` lets an attendee who did not organize it create or unbind its meeting chat (else 193002). Default `can_see_others`, the platform's.",
    enum: ['none', 'can_see_others', 'can_invite_others', 'can_modify_event'],
  },
  SeedRateLimit: {
    description: 'A request budget per window.',
    type: 'object',
    additionalProperties: false,
    properties: {
      perSecond: { type: 'integer', minimum: 1, description: 'Requests allowed in each second.' },
      perMinute: { type: 'integer', minimum: 1, description: 'Requests allowed in each minute.' },
    },
  },
} as const
// A description beside a $ref would make the generator write a second type: the named type carries the docs.
const ref = (name: keyof typeof $defs) => ({ $ref: `#/$defs/${name}` }) as const
/** `id` with its words. */
const described = (description: string) => ({ ...id, description }) as const
const expiresIn = { type: 'integer', description: 'Seconds from the fake\'s creation; 0 or less: already expired. Default 7200.' } as const

/** The JSON Schema (2020-12) of a seed, with the generator's `tsType` hints. */
export const seedSchemaSource = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://feishu-meeting-chat.invalid/seed.schema.json',
  title: 'Seed',
  description: 'A scenario for the fake (feishu-meeting-chat). Plain JSON: it can live in a `.json` file.',
  type: 'object',
  additionalProperties: false,
  required: ['tenants'],
  $defs,
  properties: {
    $schema: { type: 'string', description: 'The seed\'s JSON Schema, for an editor: `seedSchema` of `feishu-meeting-chat/msw`. Ignored.' },
    tenants: {
      type: 'array',
      description: 'The tenants (companies). At least one.',
      items: {
        title: 'SeedTenant',
        description: 'A tenant: a company on the platform.',
        type: 'object',
        additionalProperties: false,
        required: ['tenantKey'],
        properties: {
          tenantKey: described('The tenant\'s key, which identities and tokens name.'),
          platform: ref('Platform'),
          unit: { ...id, description: 'The data unit (region, 单元) that holds the tenant\'s data. An app served from another unit cannot act for it (190006). Default: the tenant\'s `platform`.' },
          deletedKey: {
            enum: ['encrypt', 'decrypt'],
            description: 'The tenant encrypts its data with its own key and deleted it: its calendars cannot be read. `encrypt`: a key in the encrypt-and-decrypt state (190011); `decrypt`: a decrypt-only key (190012). Default: none.',
          },
        },
      },
    },
    apps: {
      type: 'array',
      description: 'The apps that call the API.',
      items: {
        title: 'SeedApp',
        description: 'An app: self-built, or a store app installed in several tenants.',
        type: 'object',
        additionalProperties: false,
        required: ['appId', 'appSecret', 'tenants'],
        properties: {
          appId: described('The app\'s id, e.g. `cli_acme`.'),
          appSecret: described('Its secret: the token endpoints check it (10014).'),
          type: { enum: ['custom', 'store'], description: '`custom` (self-built, 自建) or `store` (isv, 商店应用). Default `custom`.' },
          tenants: { type: 'array', items: id, description: 'Tenants the app is installed in; a custom app belongs to exactly one.' },
          bot: { type: 'boolean', description: 'Bot capability (needed for the app identity). Default `true`.' },
          unit: { ...id, description: 'The data unit (region) the app is served from: acting for a tenant of another unit answers 190006. Default: the unit of its first tenant.' },
          appTickets: { type: 'array', items: id, description: 'Store apps: the app_tickets the platform has pushed and still accepts.' },
          scopes: { type: 'array', items: id, description: 'Granted scopes. Default: every scope the spec\'s operations require.' },
          rateLimit: {
            type: 'object',
            additionalProperties: false,
            description:
              'Rate limits. `perOperation`: the gateway\'s frequency control, per operation and tenant (default: the spec\'s `x-rate-limit` of each operation), answers 99991400 with `x-ogw-ratelimit-limit` and `-reset`. The calendar service\'s own limits, behind it (default: none): `perMethod`, per operation, answers 190004; `perApp`, across operations, answers 190005.',
            properties: { perOperation: ref('SeedRateLimit'), perMethod: ref('SeedRateLimit'), perApp: ref('SeedRateLimit') },
          },
        },
      },
    },
    users: {
      type: 'array',
      description: 'The users.',
      items: {
        title: 'SeedUser',
        description: 'A user of a tenant.',
        type: 'object',
        additionalProperties: false,
        required: ['userId', 'tenantKey'],
        properties: { userId: described('The user\'s id, e.g. `ou_ann`.'), tenantKey: described('The tenant the user is in.'), inTenant: { type: 'boolean', description: '`false`: the user left the tenant (195100). Default `true`.' } },
      },
    },
    calendars: {
      type: 'array',
      description: 'The calendars.',
      items: {
        title: 'SeedCalendar',
        description: 'A calendar; its owner has the `owner` role.',
        type: 'object',
        additionalProperties: false,
        required: ['calendarId', 'owner'],
        properties: {
          calendarId: described('Of the shape the platform issues: `<unit>_<id>@group.calendar.feishu.cn` (or `.larksuite.com`).'),
          owner: ref('IdentityRef'),
          tenantKey: { ...id, description: 'Default: the owner\'s tenant (an app owner must then be installed in exactly one tenant).' },
          type: ref('CalendarType'),
          deleted: { type: 'boolean', description: 'The calendar was deleted (191003). Default `false`.' },
          access: {
            type: 'array',
            description: 'Roles of other identities. Identities without one have no access (191002).',
            items: {
              title: 'SeedAccess',
              description: 'An identity\'s role on the calendar.',
              type: 'object',
              additionalProperties: false,
              required: ['role'],
              properties: { userId: id, appId: id, role: ref('AccessRole') },
              tsType: 'IdentityRef & { readonly role: AccessRole }',
            },
          },
        },
      },
    },
    events: {
      type: 'array',
      description: 'The events, each on a calendar.',
      items: {
        title: 'SeedEvent',
        description:
          'An event on a calendar. `organizer` (default: the calendar\'s owner) is who organized it: another identity than the calendar\'s owner means the event is there because the owner is invited, and the owner may then create or unbind its meeting chat only if `attendeeAbility` is `can_modify_event` (else 193002).',
        type: 'object',
        additionalProperties: false,
        required: ['calendarId', 'eventId'],
        properties: {
          calendarId: described('The calendar the event is on.'),
          eventId: described('Of the shape the platform issues: `<uid>_<number>`, e.g. `kickoff_0`.'),
          attendees: { ...count, description: 'Number of attendees. Default 2 (the least that allows a meeting chat).' },
          attendeeListHidden: { type: 'boolean', description: 'The attendee list is hidden from attendees (no meeting chat possible). Default `false`.' },
          deleted: { type: 'boolean', description: 'The event was deleted (193003). Default `false`.' },
          organizer: ref('IdentityRef'),
          attendeeAbility: ref('AttendeeAbility'),
          writeHoldSeconds: { ...count, description: 'Each create or unbind of this event holds it this many seconds (by the fake\'s clock), as a write still being applied would: another create or unbind of it within that time answers 190010 (concurrent writers contend for one event). Default 0: never held.' },
          internalErrors: { ...count, description: 'The next so many creates or unbinds of this event that pass every other check fail with 190003 (internal service error) and change nothing, as a storage fault would; then it answers as usual. Default 0.' },
        },
      },
    },
    chats: {
      type: 'array',
      description: 'Chats: meeting chats bound to an event, and ordinary ones.',
      items: {
        title: 'SeedChat',
        description: 'A chat, owned by an identity.',
        type: 'object',
        additionalProperties: false,
        required: ['chatId', 'owner'],
        properties: {
          chatId: { type: 'string', pattern: '^oc_[0-9A-Za-z_-]+$', minLength: 4, maxLength: 64, description: 'The chat\'s id, `oc_...`.' },
          owner: ref('IdentityRef'),
          boundTo: {
            type: 'object',
            additionalProperties: false,
            description: 'The event whose meeting chat this is; absent: an ordinary chat, bound to nothing.',
            required: ['calendarId', 'eventId'],
            properties: { calendarId: id, eventId: id },
          },
        },
      },
    },
    tenantAccessTokens: {
      type: 'array',
      description: 'Tenant tokens the fake accepts from the start.',
      items: {
        title: 'SeedTenantToken',
        description: 'A tenant_access_token of an app in a tenant.',
        type: 'object',
        additionalProperties: false,
        required: ['token', 'appId', 'tenantKey'],
        properties: { token: described('The token, `t-...`.'), appId: described('The app it was issued to.'), tenantKey: described('The tenant it acts in: one the app is installed in.'), expiresIn },
      },
    },
    appAccessTokens: {
      type: 'array',
      description: 'Store apps\' app tokens the fake accepts from the start.',
      items: {
        title: 'SeedAppToken',
        description: 'An app_access_token of a store app.',
        type: 'object',
        additionalProperties: false,
        required: ['token', 'appId'],
        properties: { token: described('The token, `a-...`.'), appId: described('The store app it was issued to.'), expiresIn },
      },
    },
    userAccessTokens: {
      type: 'array',
      description: 'User tokens the fake accepts from the start.',
      items: {
        title: 'SeedUserToken',
        description: 'A user_access_token: a user\'s grant to an app.',
        type: 'object',
        additionalProperties: false,
        required: ['token', 'userId', 'appId'],
        properties: {
          token: described('The token, `u-...`.'),
          userId: described('The user it acts as.'),
          appId: { ...id, description: 'The app the user authorized: installed in the user\'s tenant.' },
          expiresIn,
          scopes: { type: 'array', items: id, description: 'Scopes the user granted. Default: every scope the spec\'s operations require.' },
        },
      },
    },
  },
} as const
