// One cold start, in a fresh process: import the library, create a client with app credentials, make the
// first unbind call (token fetch + call), print timings as JSON and exit. Plain JS so that no TypeScript
// stripping is part of what is measured.
//   node bench/cold/first-call.mjs <raw|empty|openapi-fetch|ours|sdk> <baseUrl> <fixtures JSON> [our entry path]
// `empty` imports a module that holds nothing (the import floor: the ESM loader's own first import) and makes
// no call; `openapi-fetch` imports openapi-fetch alone and makes the same two requests through it.
// performance.now() counts from the process's time origin, so `bootMs` is Node's own start-up.
import { pathToFileURL } from 'node:url'

const t0 = performance.now()
const [variant, baseUrl, fixturesJson, entry] = process.argv.slice(2)
const B = JSON.parse(fixturesJson)
let imported = t0

if (variant === 'raw') {
  const token = await fetch(`${baseUrl}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ app_id: B.appId, app_secret: B.appSecret }),
  }).then((r) => r.json())
  const url = `${baseUrl}/open-apis/calendar/v4/calendars/${encodeURIComponent(B.calendarId)}/events/${encodeURIComponent(B.eventId)}/meeting_chat?meeting_chat_id=${encodeURIComponent(B.meetingChatId)}`
  const body = await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${token.tenant_access_token}` } }).then((r) => r.json())
  if (body.code !== 0) throw new Error(`raw: code ${body.code}`)
} else if (variant === 'empty') {
  await import('data:text/javascript,export default 0')
  imported = performance.now()
} else if (variant === 'openapi-fetch') {
  const createClient = (await import('openapi-fetch')).default
  imported = performance.now()
  const client = createClient({ baseUrl })
  const { data: token } = await client.POST('/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: B.appId, app_secret: B.appSecret } })
  const { data } = await client.DELETE('/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat', {
    params: { path: { calendar_id: B.calendarId, event_id: B.eventId }, query: { meeting_chat_id: B.meetingChatId } },
    headers: { authorization: `Bearer ${token.tenant_access_token}` },
  })
  if (data?.code !== 0) throw new Error(`openapi-fetch: code ${data?.code}`)
} else if (variant === 'ours') {
  const { createMeetingChatClient } = await import(pathToFileURL(entry).href)
  imported = performance.now()
  const client = createMeetingChatClient({ domain: baseUrl, auth: { appId: B.appId, appSecret: B.appSecret } })
  await client.unbindMeetingChat({ calendarId: B.calendarId, eventId: B.eventId, meetingChatId: B.meetingChatId })
} else if (variant === 'sdk') {
  const mod = await import('@larksuiteoapi/node-sdk')
  const lark = typeof mod.Client === 'function' ? mod : mod.default
  imported = performance.now()
  const client = new lark.Client({ appId: B.appId, appSecret: B.appSecret, domain: baseUrl, loggerLevel: lark.LoggerLevel.error })
  const answer = await client.calendar.v4.calendarEventMeetingChat.delete({
    path: { calendar_id: B.calendarId, event_id: B.eventId },
    params: { meeting_chat_id: B.meetingChatId },
  })
  if (answer?.code !== 0) throw new Error(`sdk: code ${answer?.code}`)
} else {
  throw new Error(`unknown variant ${variant}`)
}
const t2 = performance.now()
process.stdout.write(`${JSON.stringify({ bootMs: t0, importMs: imported - t0, firstCallMs: t2 - imported, totalMs: t2 })}\n`)
// The SDK's keep-alive agent would hold the process open: every variant exits the same way.
process.exit(0)
