/**
 * `feishu-meeting-chat/msw`: mocks of the Feishu / Lark meeting-chat and token endpoints, derived from
 * the package's OpenAPI contract, for your tests (msw in Node or the browser) and for servers.
 *
 * - {@link createExampleMock}: answers the spec's documented examples, any of them on demand.
 * - {@link createFake}: an in-memory platform that answers by the platform's rules, from a {@link Seed}.
 * - {@link createHandlers}: msw handlers for either, on the Feishu and Lark origins or your own.
 * - `mock.handle(request)`: the same answers as a plain `Request -> Response` function.
 *
 * Both validate every request against the spec first: a missing token answers 99991661, a malformed one
 * 99991671, a calendar or event id that cannot be one 191001 / 193000, other bad parameters 190002 and a bad
 * token-endpoint body 10003, as the platform does.
 *
 * @example
 * import { setupServer } from 'msw/node'
 * import { createFake, createHandlers, demoSeed } from 'feishu-meeting-chat/msw'
 *
 * const fake = createFake(demoSeed())
 * const server = setupServer(...createHandlers(fake))
 *
 * @module feishu-meeting-chat/msw
 */
export { createExampleMock, type ExampleMock, type ExampleMockOptions } from '../mock/examples.js'
export { createFake, type Fake, type FakeChat, type FakeOptions, type FakeToken, type TicketPush } from '../mock/fake.js'
export {
  seedProblems,
  seedSchema,
  SeedError,
  validateSeed,
  type AccessRole,
  type AttendeeAbility,
  type CalendarType,
  type IdentityRef,
  type Platform,
  type Seed,
  type SeedAccess,
  type SeedApp,
  type SeedAppToken,
  type SeedCalendar,
  type SeedChat,
  type SeedEvent,
  type SeedRateLimit,
  type SeedTenant,
  type SeedTenantToken,
  type SeedUser,
  type SeedUserToken,
} from '../fake/seed.js'
export { demo, demoSeed } from '../fake/demo.js'
export { createHandlers, type HandlerOptions } from './handlers.js'
export type { Answer, AnswerOptions } from '../mock/answers.js'
export type { CallRecord, MockResponder } from '../mock/responder.js'
export { createManualClock, systemClock, type Clock, type ManualClock } from '../fake/clock.js'
