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

/** The counts of the bar's last frame: done/total and failed. */
function lastFrame(written: string): { done: number; total: number; failed: number } {
  const frames = [...written.matchAll(/(\d+)\/(\d+) \| (\d+) failed/g)]
  const last = frames.at(-1)
  if (!last) throw new Error(`no frame in ${JSON.stringify(written)}`)
  return { done: Number(last[1]), total: Number(last[2]), failed: Number(last[3]) }
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

describe('the progress bar\'s last frame', () => {
  it('is the summary\'s count: after a failure, after Ctrl-C, and in the run that resumes', async () => {
    const count = 20
    sandbox = await startSandbox({ port: 0, seed: bulkSeed(count, { perSecond: 1000, perMinute: 60_000 }) })
    const dir = mkdtempSync(join(tmpdir(), 'fmc-bar-'))
    const file = join(dir, 'items.jsonl')
    const journal = join(dir, 'journal.jsonl')
    // Two items fail for good (an event the platform does not know): each is logged above the bar, which goes on.
    const items = bulkItems(count).map((it, i) => (i === 3 || i === 15 ? { ...it, eventId: `missing-${i}_0` } : it))
    writeFileSync(file, items.map((it) => JSON.stringify({ calendar_id: it.calendarId, event_id: it.eventId, meeting_chat_id: it.meetingChatId })).join('\n'))
    const url = sandbox.url
    const make = (extra: object) => createMeetingChatClient({ domain: url, auth: APP, ...extra })

    // Ctrl-C after 8 results (the summary line comes last).
    const first = terminal(true)
    const stop = new AbortController()
    const out: string[] = []
    let results = 0
    const io = (tty: ReturnType<typeof terminal>, sink: string[], signal?: AbortSignal) => ({
      out: (line: string) => {
        sink.push(line)
        if (++results === 8) stop.abort()
      },
      err: () => {},
      progressTty: tty.stream,
      ...(signal && { signal }),
    })
    expect(await runBulkUnbind({ from: file, journal, json: true, concurrency: '2' }, io(first, out, stop.signal), make, EXIT)).toBe(130)
    const cut = JSON.parse(out.at(-1) ?? '{}') as { succeeded: number; failed: number; unfinished: number }
    expect(lastFrame(first.written())).toEqual({ done: cut.succeeded + cut.failed, total: count, failed: cut.failed })
    expect(cut.unfinished).toBeGreaterThan(0)

    // The run that resumes: what the journal holds is not counted again; the last frame is this run's summary.
    const again = terminal(true)
    const lines: string[] = []
    expect(await runBulkUnbind({ from: file, journal }, { out: (l) => lines.push(l), err: () => {}, progressTty: again.stream }, make, EXIT)).toBe(EXIT.not_found)
    const summary = /Unbound (\d+) of (\d+); (\d+) failed/.exec(lines.at(-1) ?? '')
    expect(summary).not.toBeNull()
    const [, succeeded, of, failed] = summary!.map(Number)
    expect(lastFrame(again.written())).toEqual({ done: succeeded! + failed!, total: of, failed })
    expect(succeeded! + failed! + cut.succeeded + cut.failed).toBe(count)
    // A failure line is written above the bar, on the same terminal.
    expect(again.written() + first.written()).toMatch(/✘ line \d+: event missing-\d+_0: 193001/)
  })
})
