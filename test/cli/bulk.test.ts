// `feishu-meeting-chat unbind --from FILE` as a real process against an in-process sandbox: output, exit codes,
// bad lines, --strict, and a run killed with SIGKILL then resumed from its journal.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js'
import { APP, bulkItems, bulkSeed, chatId } from '../bulk/support.js'
import { BIN, cli, requireBuild } from '../sandbox/support.js'

beforeAll(() => requireBuild())

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.close()
  sandbox = undefined
})

const dir = () => mkdtempSync(join(tmpdir(), 'fmc-bulk-'))
const env = (url: string) => ({ FEISHU_DOMAIN: url, FEISHU_APP_ID: APP.appId, FEISHU_APP_SECRET: APP.appSecret })
const jsonl = (items: ReturnType<typeof bulkItems>) => items.map((it) => JSON.stringify({ calendar_id: it.calendarId, event_id: it.eventId, meeting_chat_id: it.meetingChatId })).join('\n')
const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)

/** Successful unbinds the sandbox answered, per chat id. */
function successesPerChat(s: Sandbox): Map<string, number> {
  const out = new Map<string, number>()
  for (const c of s.fake.calls) {
    if (c.operationId !== 'unbindMeetingChat' || c.status !== 200) continue
    const chat = new URL(c.url).searchParams.get('meeting_chat_id') ?? ''
    out.set(chat, (out.get(chat) ?? 0) + 1)
  }
  return out
}

// Generous limits: these runs are about output and exit codes, not pacing.
const roomy = { perSecond: 1000, perMinute: 60_000 }

/**
 * The next unbind takes effect but its answer is lost (the connection drops); the `dropAfter` attempts after it
 * get no answer either.
 */
function loseAnswer(s: Sandbox, dropAfter = 0): void {
  s.fake.respond('unbindMeetingChat', {
    response: async (request) => {
      await s.fake.handle(new Request(request.url, { method: 'DELETE', headers: request.headers }))
      if (dropAfter > 0) s.fake.respond('unbindMeetingChat', { networkError: true }, { times: dropAfter })
      return Response.error()
    },
  }, { times: 1 })
}

describe('unbind --from FILE', () => {
  it('unbinds every JSONL item, reports bad lines by number and runs the rest; --json gives a line per item and a summary', async () => {
    sandbox = await startSandbox({ port: 0, seed: bulkSeed(20, roomy) })
    const file = join(dir(), 'items.jsonl')
    const items = bulkItems(20)
    writeFileSync(file, `${jsonl(items.slice(0, 10))}\n{"calendar_id": "x"\n${jsonl(items.slice(10))}\n{"calendar_id":"c","event_id":"e_0","meeting_chat_id":"chat-1"}\n`)
    const { code, stdout, stderr } = await cli(['unbind', '--from', file, '--json', '--concurrency', '5'], env(sandbox.url))
    const out = lines(stdout)
    expect(out.filter((l) => l.ok === true)).toHaveLength(20)
    expect(out.filter((l) => l.kind === 'bad_line').map((l) => l.line)).toEqual([11, 22])
    expect(out.at(-1)).toMatchObject({ summary: true, succeeded: 20, failed: 0, badLines: 2 })
    expect(out.find((l) => l.ok === true)).toMatchObject({ calendarId: items[0]?.calendarId, eventId: expect.any(String), meetingChatId: expect.any(String), line: expect.any(Number) })
    expect(code).toBe(2)
    expect(stderr).toBe('') // not a terminal: no progress bar
    expect([...successesPerChat(sandbox).values()]).toEqual(Array(20).fill(1))
  })

  it('reads CSV, and exits with the failure\'s code after the counts, the failure with code, kind and log id', async () => {
    const seed = bulkSeed(5, roomy)
    sandbox = await startSandbox({ port: 0, seed: { ...seed, chats: seed.chats?.filter((c) => c.chatId !== chatId(2)) } })
    const file = join(dir(), 'items.csv')
    writeFileSync(file, `calendar_id,event_id,meeting_chat_id\n${bulkItems(5).map((it) => `${it.calendarId},${it.eventId},${it.meetingChatId}`).join('\n')}\n`)
    const { code, stdout } = await cli(['unbind', '--from', file, '--json'], env(sandbox.url))
    const out = lines(stdout)
    expect(out.find((l) => l.ok === false)).toMatchObject({ line: 4, code: 195108, kind: 'invalid_request', logId: expect.any(String), eventId: 'bulk-2_0' })
    expect(out.at(-1)).toMatchObject({ summary: true, succeeded: 4, failed: 1 })
    expect(code).toBe(6)
  })

  it('with --strict, sends nothing when a line is bad', async () => {
    sandbox = await startSandbox({ port: 0, seed: bulkSeed(3, roomy) })
    const file = join(dir(), 'items.csv')
    writeFileSync(file, `calendar_id,event_id,meeting_chat_id\n${bulkItems(3).map((it) => `${it.calendarId},${it.eventId},${it.meetingChatId}`).join('\n')}\nonly,two\n`)
    const { code, stderr } = await cli(['unbind', '--from', file, '--strict'], env(sandbox.url))
    expect(code).toBe(2)
    expect(stderr).toContain(`${file}:5: expected 3 fields`)
    expect(stderr).toContain('nothing was sent (--strict)')
    expect(sandbox.fake.calls).toEqual([])
  })

  it('reads a byte that is not UTF-8 and a quote left open as bad lines where their records start: --strict sends nothing; without it, neither is sent', async () => {
    sandbox = await startSandbox({ port: 0, seed: bulkSeed(4, roomy) })
    const file = join(dir(), 'items.csv')
    const [a, b, c, d] = bulkItems(4).map((it) => `${it.calendarId},${it.eventId},${it.meetingChatId}`)
    // Line 3: a Latin-1 é (as a spreadsheet saves it); line 4: a quote never closed, which swallows line 5.
    writeFileSync(file, Buffer.concat([Buffer.from(`calendar_id,event_id,meeting_chat_id\n${a}\n`), Buffer.from(`${b?.replace('bulk-1_0', 'caf\xe9_0')}\n`, 'latin1'), Buffer.from(`"${c}\n${d}\n`)]))
    const strict = await cli(['unbind', '--from', file, '--strict'], env(sandbox.url))
    expect(strict.code).toBe(2)
    expect(strict.stderr).toContain(`${file}:3: not UTF-8 (column`)
    expect(strict.stderr).toContain(`${file}:4: a quote opened on this line is never closed (lines 4 to 5 are read as one record: none of them is sent)`)
    expect(strict.stderr).toContain('2 bad line(s)')
    expect(sandbox.fake.calls).toEqual([])

    const lenient = await cli(['unbind', '--from', file, '--json'], env(sandbox.url))
    expect(lenient.code).toBe(2)
    expect(lines(lenient.stdout).filter((l) => l.kind === 'bad_line').map((l) => l.line)).toEqual([3, 4])
    expect(lines(lenient.stdout).at(-1)).toMatchObject({ summary: true, succeeded: 1, failed: 0, badLines: 2 })
    expect(sandbox.fake.calls.filter((c) => c.operationId === 'unbindMeetingChat').map((c) => decodeURIComponent(c.url))).toEqual([expect.stringContaining('bulk-0_0')])
  })

  it('counts an item an earlier run sent without recording the answer as done when the platform says it is already unbound', async () => {
    const seed = bulkSeed(2, roomy)
    // Chat 0 was unbound by the earlier run's last call, whose answer the journal never got.
    sandbox = await startSandbox({ port: 0, seed: { ...seed, chats: seed.chats?.map((c) => (c.chatId === chatId(0) ? { ...c, boundTo: undefined } : c)) } })
    const work = dir()
    const file = join(work, 'items.jsonl')
    const journal = join(work, 'journal.jsonl')
    const [first, second] = bulkItems(2)
    writeFileSync(file, jsonl(bulkItems(2)))
    writeFileSync(journal, `${JSON.stringify({ at: 'start', ...first })}\n{"at":"end","calendarId":"cut sh`)
    const { code, stdout } = await cli(['unbind', '--from', file, '--journal', journal, '--json'], env(sandbox.url))
    const out = lines(stdout)
    expect(out.find((l) => l.eventId === first?.eventId)).toMatchObject({ ok: true, note: 'unbound by an earlier run' })
    expect(out.find((l) => l.eventId === second?.eventId)).toMatchObject({ ok: true })
    expect(code).toBe(0)
  })

  it('counts 195108 as done when an earlier attempt of the same call got no answer (the client says so), with or without a journal', async () => {
    for (const withJournal of [false, true]) {
      sandbox = await startSandbox({ port: 0, seed: bulkSeed(1, roomy) })
      const work = dir()
      const file = join(work, 'items.jsonl')
      const journal = join(work, 'journal.jsonl')
      writeFileSync(file, jsonl(bulkItems(1)))
      loseAnswer(sandbox)
      const { code, stdout } = await cli(['unbind', '--from', file, '--json', ...(withJournal ? ['--journal', journal] : [])], env(sandbox.url))
      const out = lines(stdout)
      expect(sandbox.fake.calls.filter((c) => c.operationId === 'unbindMeetingChat').map((c) => c.code)).toEqual([0, undefined, 195108]) // the unbind, its dropped answer, the replay
      expect(out[0]).toMatchObject({ ok: true, eventId: bulkItems(1)[0]?.eventId, note: expect.stringMatching(/earlier attempt/) })
      expect(out.at(-1)).toMatchObject({ summary: true, succeeded: 1, failed: 0 })
      expect(code).toBe(0)
      if (withJournal) {
        const entries = readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
        expect(entries.at(-1)).toMatchObject({ at: 'end', ok: true, final: true })
      }
      await sandbox.close()
      sandbox = undefined
    }
  })

  it('keeps an item whose every attempt got no answer unsure, so that a 195108 in the next run counts as done', async () => {
    sandbox = await startSandbox({ port: 0, seed: bulkSeed(2, roomy) })
    const work = dir()
    const file = join(work, 'items.jsonl')
    const journal = join(work, 'journal.jsonl')
    const [first, second] = bulkItems(2)
    writeFileSync(file, jsonl(bulkItems(2)))
    const args = ['unbind', '--from', file, '--journal', journal, '--json', '--concurrency', '1']
    // The first attempt unbinds chat 0 but its answer is lost, and so are both retries' (3 attempts in all).
    loseAnswer(sandbox, 2)
    const run1 = await cli(args, env(sandbox.url))
    expect(lines(run1.stdout).find((l) => l.eventId === first?.eventId)).toMatchObject({ ok: false, kind: 'network' })
    expect(run1.code).not.toBe(0)
    expect(sandbox.fake.chat(chatId(0))?.boundTo).toBeUndefined()

    const run2 = await cli(args, env(sandbox.url))
    const out = lines(run2.stdout)
    expect(out.find((l) => l.eventId === first?.eventId)).toMatchObject({ ok: true, note: 'unbound by an earlier run' })
    expect(out.find((l) => l.eventId === second?.eventId)).toBeUndefined() // done in the first run
    expect(out.at(-1)).toMatchObject({ summary: true, succeeded: 1, failed: 0, skippedFromJournal: 1 })
    expect(run2.code).toBe(0)
    expect([...successesPerChat(sandbox).values()]).toEqual([1, 1])
  })

  it('resumes twice from a journal that ends in a line cut short, doing every item exactly once, and says the line is damaged', async () => {
    const count = 5
    const seed = bulkSeed(count, roomy)
    // Chat 0 was unbound and recorded; chat 1 was sent by the run that was killed, and its unbind took effect.
    const doneEarlier = new Set([chatId(0), chatId(1)])
    sandbox = await startSandbox({ port: 0, seed: { ...seed, chats: seed.chats?.map((c) => (doneEarlier.has(c.chatId) ? { ...c, boundTo: undefined } : c)) } })
    const work = dir()
    const file = join(work, 'items.jsonl')
    const journal = join(work, 'journal.jsonl')
    const items = bulkItems(count)
    writeFileSync(file, jsonl(items))
    const entry = (at: string, i: number, extra: object = {}) => JSON.stringify({ at, ...items[i], ...extra })
    // The kill came while the start of item 2 was being written.
    writeFileSync(journal, `${entry('start', 0)}\n${entry('end', 0, { ok: true, final: true })}\n${entry('start', 1)}\n${entry('start', 2).slice(0, 30)}`)
    const args = ['unbind', '--from', file, '--journal', journal, '--json']

    const run1 = await cli(args, env(sandbox.url))
    const warning = `⚠ The journal ${journal} is damaged at line 4 (cut short)`
    expect(run1.stderr.startsWith(warning)).toBe(true)
    expect(run1.code).toBe(0)
    expect(lines(run1.stdout).at(-1)).toMatchObject({ summary: true, succeeded: count - 1, failed: 0, skippedFromJournal: 1 })
    // The cut line is kept, on a line of its own, for later runs to read the same way; every other line is whole.
    expect(readFileSync(journal, 'utf8').endsWith('\n')).toBe(true)
    const written = readFileSync(journal, 'utf8').trim().split('\n')
    expect(written[3]).toBe(entry('start', 2).slice(0, 30))
    for (const line of written.filter((_, i) => i !== 3)) expect(() => JSON.parse(line) as unknown).not.toThrow()

    const run2 = await cli(args, env(sandbox.url))
    expect(run2.stderr.startsWith(warning.replace('(cut short)', '(not JSON)'))).toBe(true)
    expect(run2.code).toBe(0)
    expect(lines(run2.stdout).at(-1)).toMatchObject({ summary: true, succeeded: 0, failed: 0, skippedFromJournal: count })

    const perChat = successesPerChat(sandbox)
    expect([...perChat.keys()].sort()).toEqual(items.slice(2).map((it) => it.meetingChatId).sort())
    expect([...perChat.values()].every((n) => n === 1)).toBe(true)
    expect(items.every((it) => sandbox?.fake.chat(it.meetingChatId)?.boundTo === undefined)).toBe(true)
  })

  it('killed mid-run (SIGKILL) and started again with the same journal, unbinds every item exactly once', async () => {
    const count = 150
    sandbox = await startSandbox({ port: 0, seed: bulkSeed(count, { perSecond: 50, perMinute: 60_000 }) })
    const work = dir()
    const file = join(work, 'items.jsonl')
    const journal = join(work, 'journal.jsonl')
    writeFileSync(file, jsonl(bulkItems(count)))
    const args = ['unbind', '--from', file, '--journal', journal, '--json']
    const ended = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter((l) => l.includes('"at":"end"')).length : 0)

    // The pacing (45/s) makes the run last about 3 s: kill it once a fifth of the items have ended.
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env(sandbox.url) } })
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    await new Promise<void>((resolve, reject) => {
      const started = Date.now()
      const poll = setInterval(() => {
        if (ended() >= count / 5) {
          clearInterval(poll)
          child.kill('SIGKILL')
          resolve()
        } else if (Date.now() - started > 15_000) {
          clearInterval(poll)
          child.kill('SIGKILL')
          reject(new Error('the first run did not progress'))
        }
      }, 20)
    })
    expect(await exited).toBe('SIGKILL')
    const doneBeforeKill = successesPerChat(sandbox).size
    expect(doneBeforeKill).toBeLessThan(count)

    const second = await cli(args, env(sandbox.url))
    const out = lines(second.stdout)
    expect(second.code).toBe(0)
    expect(out.at(-1)).toMatchObject({ summary: true, failed: 0, unfinished: 0 })
    const summary = out.at(-1) as { succeeded: number; skippedFromJournal: number }
    expect(summary.succeeded + summary.skippedFromJournal).toBe(count)

    const perChat = successesPerChat(sandbox)
    expect(perChat.size).toBe(count)
    expect([...perChat.values()].every((n) => n === 1)).toBe(true)
    expect(bulkItems(count).every((it) => sandbox?.fake.chat(it.meetingChatId)?.boundTo === undefined)).toBe(true)
  })
})
