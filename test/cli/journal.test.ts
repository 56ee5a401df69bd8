// The journal of `unbind --from FILE --journal FILE` alone: its lock, its checksummed lines, what it makes of a
// damaged one, and that each end is on disk (fsync) before the item is reported.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { ConfigError } from '../../src/client/options.js'
import { itemKey } from '../../src/cli/bulk-input.js'
import { openJournal } from '../../src/cli/journal.js'

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>()
  return { ...actual, fsyncSync: vi.fn(actual.fsyncSync) }
})

const item = (i: number) => ({ calendarId: 'cal@x', eventId: `e_${i}`, meetingChatId: `oc_${i}` })
const key = (i: number) => itemKey(item(i))
const path = () => join(mkdtempSync(join(tmpdir(), 'fmc-journal-unit-')), 'journal.jsonl')

/** A journal where items 0 and 1 ended for good and item 2 was sent without an end; then `extra` appended. */
function written(extra = ''): string {
  const file = path()
  const journal = openJournal(file)
  for (const i of [0, 1, 2]) journal.started(item(i))
  journal.ended(item(0), { ok: true, final: true })
  journal.ended(item(1), { ok: false, final: true, code: 191002 })
  journal.close()
  fs.appendFileSync(file, extra)
  return file
}

describe('openJournal', () => {
  it('flushes each end to disk as it is written', () => {
    const fsync = vi.mocked(fs.fsyncSync)
    fsync.mockClear()
    const journal = openJournal(path())
    journal.started(item(0))
    journal.started(item(1))
    expect(fsync).not.toHaveBeenCalled()
    journal.ended(item(0), { ok: true, final: true })
    expect(fsync).toHaveBeenCalledTimes(1)
    journal.ended(item(1), { ok: true, final: true })
    expect(fsync).toHaveBeenCalledTimes(2)
    journal.close()
  })

  it('reads what a run recorded: finished items, and items sent without a final end', () => {
    const journal = openJournal(written())
    expect([0, 1, 2, 3].map((i) => journal.isFinished(key(i)))).toEqual([true, true, false, false])
    expect(journal.finishedCount).toBe(2)
    expect([0, 1, 2, 3].map((i) => journal.maybeSent(key(i)))).toEqual([false, false, true, false])
    expect(journal.damaged).toEqual([])
    expect(journal.warning).toBeUndefined()
    journal.close()
  })

  it('reads a journal of several chunks (1 MiB each), lines cut across them, as written', () => {
    const file = path()
    const journal = openJournal(file)
    const count = 14_000 // about 2.2 MB: three chunks
    for (let i = 0; i < count; i++) journal.started(item(i))
    for (let i = 0; i < count; i += 2) journal.ended(item(i), { ok: true, final: true })
    journal.close()
    expect(fs.statSync(file).size).toBeGreaterThan(2 * 1024 * 1024)
    const again = openJournal(file)
    expect(again.finishedCount).toBe(count / 2)
    expect(again.damaged).toEqual([])
    for (const i of [0, 1, 2, 3, 7_001, 13_998, 13_999]) {
      expect([i, again.isFinished(key(i)), again.maybeSent(key(i))]).toEqual([i, i % 2 === 0, i % 2 === 1])
    }
    again.close()
  })

  it('reads lines without a checksum, as earlier versions wrote them', () => {
    const file = path()
    writeFileSync(file, `${JSON.stringify({ at: 'start', ...item(0) })}\n${JSON.stringify({ at: 'end', ...item(0), ok: true, final: true })}\n`)
    const journal = openJournal(file)
    expect([0, 1].map((i) => journal.isFinished(key(i)))).toEqual([true, false])
    expect(journal.warning).toBeUndefined()
    journal.close()
  })

  it.each([
    ['not JSON', '{"at":"end",\n', 'not JSON'],
    ['null', 'null\n', 'null, not an entry'],
    ['an array', '[1,2]\n', 'an array, not an entry'],
    ['no ids', '{"at":"end","ok":true,"final":true}\n', 'not an entry: no calendarId'],
    ['an end without final', `${JSON.stringify({ at: 'end', ...item(2), ok: true })}\n`, 'not an entry: an end without "final"'],
    ['an unknown "at"', `${JSON.stringify({ at: 'middle', ...item(2) })}\n`, 'not an entry: "at" is neither "start" nor "end"'],
    ['not UTF-8', Buffer.from([0x7b, 0xe9, 0x7d, 0x0a]).toString('latin1'), 'not UTF-8'],
    ['cut short', '{"at":"end","calen', 'cut short'],
  ])('a line that is %s: damaged, named in one warning; every item not finished may have been sent', (_name, extra, problem) => {
    const file = written()
    fs.appendFileSync(file, Buffer.from(extra, 'latin1'))
    const journal = openJournal(file)
    expect(journal.damaged).toEqual([{ line: 6, problem }])
    expect(journal.warning).toBe(`The journal ${file} is damaged at line 6 (${problem}): what it recorded there is unknown, so every item it does not record as done is sent again, and the platform's answer that the chat is not bound (195108) counts as done for them. Delete or fix the line to stop this warning.`)
    expect([0, 1, 2, 3].map((i) => journal.maybeSent(key(i)))).toEqual([false, false, true, true])
    journal.started(item(3))
    journal.close()
    // The cut line is ended, so that the next entry is a line of its own.
    const lines = readFileSync(file, 'latin1').split('\n')
    expect(lines.at(-1)).toBe('')
    expect(JSON.parse(lines.at(-2)?.replace(/,"crc":\d+\}$/, '}') ?? '')).toEqual({ at: 'start', ...item(3) })
  })

  it('a changed byte that keeps the line JSON: its checksum tells', () => {
    const file = written()
    const text = readFileSync(file, 'utf8').split('\n')
    text[4] = (text[4] ?? '').replace('"final":true', '"final":false') // the end of item 1, made not final
    text[0] = (text[0] ?? '').replace('e_0', 'e_9')
    writeFileSync(file, text.join('\n'))
    const journal = openJournal(file)
    expect(journal.damaged).toEqual([{ line: 1, problem: 'its checksum does not match: a changed byte' }, { line: 5, problem: 'its checksum does not match: a changed byte' }])
    expect(journal.warning).toMatch(/damaged at line 1 \(its checksum does not match: a changed byte\) and 1 more line\(s\):/)
    expect([0, 1].map((i) => journal.isFinished(key(i)))).toEqual([true, false])
    expect(journal.maybeSent(key(1))).toBe(true)
    journal.close()
  })

  it('refuses a file that is not a journal, leaving it as it was', () => {
    const file = path()
    writeFileSync(file, 'calendar_id,event_id,meeting_chat_id\ncal,e_0,oc_0\n')
    expect(() => openJournal(file)).toThrow(new ConfigError(`${file} is not a journal this command wrote (line 1: not JSON): give --journal a new file, or the journal of an earlier run.`))
    expect(readFileSync(file, 'utf8')).toBe('calendar_id,event_id,meeting_chat_id\ncal,e_0,oc_0\n')
    expect(fs.existsSync(`${file}.lock`)).toBe(false) // and its lock was let go
  })
})

describe('the journal\'s lock', () => {
  it('one writer at a time: a second open names the journal and the pid holding it; after close, it opens again', () => {
    const file = path()
    const journal = openJournal(file)
    expect(fs.existsSync(`${file}.lock`)).toBe(true)
    expect(() => openJournal(file)).toThrow(`The journal ${file} is in use by another run (pid ${process.pid}): wait for it to end, or give this run another --journal. If no run of this command is using it, delete ${file}.lock.`)
    journal.close()
    expect(fs.existsSync(`${file}.lock`)).toBe(false)
    openJournal(file).close()
  })

  it('takes over a lock whose process has ended', () => {
    const file = path()
    const dead = spawnSync(process.execPath, ['-e', '']).pid
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: dead, host: hostname(), run: 'old' }))
    const journal = openJournal(file)
    expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() })
    journal.close()
    expect(fs.readdirSync(join(file, '..'))).toEqual(['journal.jsonl'])
  })

  it('takes a lock of another machine as held, and one it did not write as not its own', () => {
    const file = path()
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: 1234, host: 'elsewhere.example', run: 'x' }))
    expect(() => openJournal(file)).toThrow(/in use by another run \(pid 1234 on elsewhere\.example\)/)
    writeFileSync(`${file}.lock`, 'garbage')
    expect(() => openJournal(file)).toThrow(`The journal ${file} is locked by ${file}.lock, which is not a lock this command wrote: if no run of this command is using the journal, delete it.`)
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe('garbage')
  })
})
