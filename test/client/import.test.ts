// Import cost: loading the client entry must not load the runtime's fetch implementation (in Node, undici, tens of
// ms); it loads with the first client, whose openapi-fetch reads the global Request. Runs the built entry (npm test
// builds first) in a child process, which starts clean.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ENTRY = fileURLToPath(new URL('../../dist/index.js', import.meta.url))
const run = (script: string) => execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 }).trim()
const undiciLoaded = "process.moduleLoadList.some((m) => m.includes('undici'))"

describe('import cost', () => {
  it('importing the client entry does not load undici; making a client does, and its first call works', () => {
    const out = run(`const m = await import(${JSON.stringify(ENTRY)})
const before = ${undiciLoaded}
const client = m.createMeetingChatClient({ domain: 'http://127.0.0.1:9', auth: { tenantAccessToken: 't-abc' }, retry: false })
const made = ${undiciLoaded}
// Port 9 on loopback: refused at once, nothing leaves the machine.
const error = await client.unbindMeetingChat({ calendarId: 'cal_1', eventId: 'evt_1_0', meetingChatId: 'oc_1' }).catch((e) => e)
console.log(JSON.stringify([before, made, ${undiciLoaded}, error.kind]))`)
    expect(JSON.parse(out)).toEqual([false, true, true, 'network'])
  })
})
