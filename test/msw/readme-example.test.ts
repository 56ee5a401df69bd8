// The example of the README's "Mocks for your tests", as a user writes it; readme.test.ts keeps the two equal.
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest'
import { createMeetingChatClient, FeishuApiError } from '../../src/index.ts'
import { createExampleMock, createFake, createHandlers, demo, demoSeed, type Fake } from '../../src/msw/index.ts'

// The code under test: leaves an event's meeting chat, and treats "already unbound" as done.
async function leaveMeetingChat(userAccessToken: string, calendarId: string, eventId: string, meetingChatId: string) {
  const client = createMeetingChatClient({ retry: false })
  try {
    await client.unbindMeetingChat({ calendarId, eventId, meetingChatId }, { userAccessToken })
    return 'unbound'
  } catch (error) {
    if (error instanceof FeishuApiError && error.code === 195108) return 'already unbound'
    throw error
  }
}

const server = setupServer()
// A request no handler answers fails the test: msw 2 reads onUnhandledRequest, msw 3 onUnhandledFrame.
const strict = { onUnhandledRequest: 'error', onUnhandledFrame: 'error' } as const
beforeAll(() => server.listen(strict))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

let fake: Fake
beforeEach(() => {
  fake = createFake(demoSeed())
  server.use(...createHandlers(fake))
})

const alice = demo.users.alice.userAccessToken
const weeklySync = [demo.calendars.alice, demo.events.weeklySync, demo.chats.weeklySync] as const

it('unbinds the chat, then finds it already unbound', async () => {
  expect(await leaveMeetingChat(alice, ...weeklySync)).toBe('unbound')
  expect(fake.chat(demo.chats.weeklySync)?.boundTo).toBeUndefined()
  expect(await leaveMeetingChat(alice, ...weeklySync)).toBe('already unbound')
})

it('lets a refusal through, answered from the spec\'s examples', async () => {
  const mock = createExampleMock()
  server.use(...createHandlers(mock))
  mock.respond('unbindMeetingChat', { example: 'noPermissionUnbindMeetingChat' })
  await expect(leaveMeetingChat('u-any-token', ...weeklySync)).rejects.toMatchObject({ code: 195107, kind: 'permission' })
})
