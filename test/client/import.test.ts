// Import cost: loading the client entry must not load the runtime's fetch implementation (in Node, undici,
// tens of ms); it loads when the first client is made. Runs the built entry (npm test builds first) in a
// child process, which starts clean.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ENTRY = fileURLToPath(new URL('../../dist/index.js', import.meta.url))
const run = (script: string) => execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 }).trim()
const undiciLoaded = "process.moduleLoadList.some((m) => m.includes('undici'))"

describe('import cost', () => {
  it('importing the client entry does not load undici; making a client does', () => {
    const out = run(`const m = await import(${JSON.stringify(ENTRY)})
const before = ${undiciLoaded}
m.createMeetingChatClient()
console.log(JSON.stringify([before, ${undiciLoaded}]))`)
    expect(JSON.parse(out)).toEqual([false, true])
  })
})
