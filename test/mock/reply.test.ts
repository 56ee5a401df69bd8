// The sandbox writes the fake's plain replies; msw gets Responses from the same responder. Both must say
// the same thing, and the call log must read a reply as it reads a Response.
import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/fake/clock.ts'
import { demo, demoSeed } from '../../src/fake/demo.ts'
import { createFake, replyOf } from '../../src/mock/fake.ts'
import { toResponse, type Reply } from '../../src/mock/respond.ts'

const base = 'https://open.feishu.cn/open-apis/calendar/v4/calendars'
const unbindUrl = `${base}/${encodeURIComponent(demo.calendars.app)}/events/${encodeURIComponent(demo.events.appStandup)}/meeting_chat?meeting_chat_id=${demo.chats.appStandup}`
const auth = { authorization: `Bearer ${demo.app.tenantAccessToken}` }

async function plain(answer: Response | Reply): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const response = toResponse(answer)
  return { status: response.status, headers: Object.fromEntries(response.headers), text: await response.text() }
}

describe('the fake as plain replies', () => {
  it('answers a success, a refusal and a bad input alike through reply and handle, log ids aside', async () => {
    const requests = [
      () => new Request(unbindUrl, { method: 'DELETE', headers: auth }),
      () => new Request(unbindUrl, { method: 'DELETE' }),
      () => new Request(unbindUrl.replace(/meeting_chat_id=[^&]+/, 'meeting_chat_id='), { method: 'DELETE', headers: auth }),
    ]
    for (const make of requests) {
      const a = createFake(demoSeed(), { clock: createManualClock() })
      const b = createFake(demoSeed(), { clock: createManualClock() })
      const reply = await replyOf(a)(make())
      expect(reply).not.toBeInstanceOf(Response)
      const [fromReply, fromHandle] = [await plain(reply), await plain(await b.handle(make()))]
      const withoutLogId = (x: typeof fromReply) => ({ ...x, headers: { ...x.headers, 'x-tt-logid': '' }, text: x.text.replaceAll(x.headers['x-tt-logid'] ?? '', '') })
      expect(withoutLogId(fromReply)).toEqual(withoutLogId(fromHandle))
    }
  })

  it('logs the code and log id of a reply', async () => {
    const fake = createFake(demoSeed(), { clock: createManualClock() })
    const reply = await replyOf(fake)(new Request(unbindUrl, { method: 'DELETE', headers: auth }))
    if (reply instanceof Response) throw new Error('expected a plain reply')
    expect(fake.calls.at(-1)).toMatchObject({ operationId: 'unbindMeetingChat', status: reply.status, code: 0, logId: reply.headers['x-tt-logid'] })
  })

  it('refuses a fake it did not make', () => {
    const fake = createFake(demoSeed())
    expect(() => replyOf({ ...fake })).toThrow(/createFake/)
  })
})
