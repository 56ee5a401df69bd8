// The progress bar of `unbind --from FILE`: drawn on a terminal, absent otherwise.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { runBulkUnbind } from '../../src/cli/bulk.js'
import { EXIT } from '../../src/cli/main.js'
import { createMeetingChatClient } from '../../src/index.js'
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js'
import { APP, bulkItems, bulkSeed } from '../bulk/support.js'

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.close()
})

/** A stream that says it is (or is not) a terminal, and keeps what is written to it. */
function terminal(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true })
  let written = ''
  stream.on('data', (d: Buffer) => { written += d.toString() })
  return { stream: stream as unknown as NodeJS.WriteStream, written: () => written }
}

async function runWith(progress: ReturnType<typeof terminal>): Promise<number> {
  sandbox = await startSandbox({ port: 0, seed: bulkSeed(5, { perSecond: 1000, perMinute: 60_000 }) })
  const file = join(mkdtempSync(join(tmpdir(), 'fmc-bar-')), 'items.jsonl')
  writeFileSync(file, bulkItems(5).map((it) => JSON.stringify({ calendar_id: it.calendarId, event_id: it.eventId, meeting_chat_id: it.meetingChatId })).join('\n'))
  const url = sandbox.url
  return runBulkUnbind({ from: file }, { out: () => {}, err: () => {}, progressTty: progress.stream }, (extra) => createMeetingChatClient({ domain: url, auth: APP, ...extra }), EXIT)
}

describe('the progress bar', () => {
  it('is drawn on a terminal, up to the count of items', async () => {
    const tty = terminal(true)
    expect(await runWith(tty)).toBe(0)
    expect(tty.written()).toContain('5/5')
  })

  it('is not drawn when stderr is not a terminal', async () => {
    const pipe = terminal(false)
    expect(await runWith(pipe)).toBe(0)
    expect(pipe.written()).toBe('')
  })
})
