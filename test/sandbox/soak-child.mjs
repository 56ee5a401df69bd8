// Run by soak.test.ts as `node --expose-gc soak-child.mjs BATCHES SIZE`: starts the built sandbox, sends
// BATCHES batches of SIZE requests that create no lasting state, and prints the heap used after a full GC
// following each batch, as one JSON array.
import { startSandbox } from '../../dist/sandbox/server.js'
import { demo } from '../../dist/fake/demo.js'

const [batches, size] = process.argv.slice(2).map(Number)
const sandbox = await startSandbox({ port: 0 })
const cal = encodeURIComponent(demo.calendars.alice)
const json = { 'content-type': 'application/json' }
const requests = [
  () => fetch(`${sandbox.url}/open-apis/nothing/here`),
  () => fetch(`${sandbox.url}/open-apis/auth/v3/tenant_access_token/internal`, { method: 'POST', headers: json, body: JSON.stringify({ app_id: demo.app.appId, app_secret: demo.app.appSecret }) }),
  () => fetch(`${sandbox.url}/open-apis/auth/v3/app_ticket/resend`, { method: 'POST', headers: json, body: JSON.stringify({ app_id: demo.storeApp.appId, app_secret: demo.storeApp.appSecret }) }),
  () => fetch(`${sandbox.url}/open-apis/calendar/v4/calendars/${cal}/events/${demo.events.weeklySync}/meeting_chat?meeting_chat_id=${demo.chats.weeklySync}`, { method: 'DELETE', headers: { authorization: `Bearer ${demo.users.bob.userAccessToken}` } }),
]
const heap = []
for (let b = 0; b < batches; b++) {
  for (let i = 0; i < size; i += 20) {
    await Promise.all(Array.from({ length: 20 }, (_, j) => requests[(i + j) % requests.length]().then((r) => r.arrayBuffer())))
  }
  for (let g = 0; g < 3; g++) globalThis.gc()
  heap.push(process.memoryUsage().heapUsed)
}
await sandbox.close()
console.log(JSON.stringify(heap))
