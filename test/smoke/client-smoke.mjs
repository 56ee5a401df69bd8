// Imports the BUILT package by its own name (package exports) and makes real calls against a loopback
// server. Run with the machine's own Node (20): `npm run test:smoke`.
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { createMeetingChatClient, FeishuApiError } from 'feishu-meeting-chat'

const seen = []
const server = createServer((req, res) => {
  seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`)
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('X-Tt-Logid', `smoke-${seen.length}`)
  if (req.url === '/open-apis/auth/v3/tenant_access_token/internal') {
    return res.end(JSON.stringify({ code: 0, msg: 'ok', tenant_access_token: 't-smoke', expire: 7200 }))
  }
  if (req.method === 'DELETE' && req.url.includes('meeting_chat_id=oc_bound')) return res.end('{"code":0,"msg":"success","data":{}}')
  res.statusCode = 400
  res.end(JSON.stringify({ code: 195108, msg: 'chat not match with event' }))
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const { port } = server.address()

try {
  const client = createMeetingChatClient({ domain: `http://127.0.0.1:${port}`, auth: { appId: 'cli_smoke', appSecret: 'smoke-secret' } })
  const calendarId = 'feishu.cn_smoke@group.calendar.feishu.cn'
  const eventId = 'e-1_0'
  await client.unbindMeetingChat({ calendarId, eventId, meetingChatId: 'oc_bound' })
  const error = await client.unbindMeetingChat({ calendarId, eventId, meetingChatId: 'oc_other' }).catch((e) => e)
  assert.ok(error instanceof FeishuApiError, 'a refused unbind rejects with FeishuApiError')
  assert.equal(error.code, 195108)
  assert.equal(error.logId, 'smoke-3')
  assert.match(error.hint.zh, /群 ID/)
  assert.deepEqual(seen, [
    'POST /open-apis/auth/v3/tenant_access_token/internal -',
    'DELETE /open-apis/calendar/v4/calendars/feishu.cn_smoke%40group.calendar.feishu.cn/events/e-1_0/meeting_chat?meeting_chat_id=oc_bound Bearer t-smoke',
    'DELETE /open-apis/calendar/v4/calendars/feishu.cn_smoke%40group.calendar.feishu.cn/events/e-1_0/meeting_chat?meeting_chat_id=oc_other Bearer t-smoke',
  ])
  console.log(`smoke: the built client works on Node ${process.version} (3 requests, typed error ${error.code})`)
} finally {
  server.close()
}
