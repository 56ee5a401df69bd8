// The journal of `unbind --from FILE --journal FILE` under an operator's mistakes and a machine's failures: two
// runs started at once on one journal (one runs, the other is refused: exit 2, naming the journal and the pid
// that holds it), a lock left by a run that died (taken over), and a journal damaged after the fact. The built
// CLI as real processes against an in-process sandbox.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js'
import { APP, bulkItems, bulkSeed } from '../bulk/support.js'
import { BIN, cli, requireBuild } from '../sandbox/support.js'

beforeAll(() => requireBuild())

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.close()
  sandbox = undefined
})

const roomy = { perSecond: 1000, perMinute: 60_000 }
const env = (url: string) => ({ FEISHU_DOMAIN: url, FEISHU_APP_ID: APP.appId, FEISHU_APP_SECRET: APP.appSecret })
const jsonl = (items: ReturnType<typeof bulkItems>) => items.map((it) => JSON.stringify({ calendar_id: it.calendarId, event_id: it.eventId, meeting_chat_id: it.meetingChatId })).join('\n')
const lines = (stdout: string) => stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>)

function workspace(count: number) {
  const dir = mkdtempSync(join(tmpdir(), 'fmc-journal-'))
  const file = join(dir, 'items.jsonl')
  writeFileSync(file, jsonl(bulkItems(count)))
  return { file, journal: join(dir, 'journal.jsonl') }
}

/** Unbind answers per chat id: how many succeeded, and how many answered 195108. */
function answersPerChat(s: Sandbox): { ok: Map<string, number>; notBound: number; total: number } {
  const ok = new Map<string, number>()
  let notBound = 0
  let total = 0
  for (const c of s.fake.calls) {
    if (c.operationId !== 'unbindMeetingChat') continue
    total++
    if (c.code === 195108) notBound++
    if (c.status !== 200) continue
    const chat = new URL(c.url).searchParams.get('meeting_chat_id') ?? ''
    ok.set(chat, (ok.get(chat) ?? 0) + 1)
  }
  return { ok, notBound, total }
}

interface Run {
  readonly pid: number
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>
}

function start(args: readonly string[], environment: Record<string, string>): Run {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...environment } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => {
    clearTimeout(timer)
    resolve({ code, stdout, stderr })
  }))
  return { pid: child.pid ?? -1, done }
}

describe('two runs on one journal', () => {
  it('started at once: one runs every item once, the other is refused with exit 2, naming the journal and the pid holding it', async () => {
    const count = 200
    sandbox = await startSandbox({ port: 0, seed: bulkSeed(count, roomy) })
    const { file, journal } = workspace(count)
    // The first unbind to arrive waits until the other run has ended: the runs overlap, whichever took the lock.
    let release = () => {}
    const released = new Promise<void>((resolve) => { release = resolve })
    const s = sandbox
    s.fake.respond('unbindMeetingChat', {
      response: async (request) => {
        await released
        return s.fake.handle(new Request(request.url, { method: 'DELETE', headers: request.headers }))
      },
    }, { times: 1 })
    const args = ['unbind', '--from', file, '--journal', journal, '--json']
    const runs = [start(args, env(s.url)), start(args, env(s.url))]
    const first = await Promise.race(runs.map((r, i) => r.done.then((result) => ({ i, result }))))
    release()
    const results = await Promise.all(runs.map((r) => r.done))

    const refused = first.i
    const ran = 1 - refused
    expect(results[refused]?.code).toBe(2)
    const message = lines(results[refused]?.stdout ?? '')[0] as { ok: boolean; error: { kind: string; message: string } }
    expect(message).toMatchObject({ ok: false, error: { kind: 'usage' } })
    expect(message.error.message).toContain(journal)
    expect(message.error.message).toContain(`pid ${runs[ran]?.pid}`)
    expect(results[ran]?.code).toBe(0)
    expect(lines(results[ran]?.stdout ?? '').at(-1)).toMatchObject({ summary: true, succeeded: count, failed: 0 })

    // Every chat unbound once, no 195108. (The call log holds the first unbind twice: as the fake answered it and
    // as the wrapper above passed that answer on.)
    const answers = answersPerChat(s)
    expect(answers.total).toBe(count + 1)
    expect(answers.notBound).toBe(0)
    expect(answers.ok.size).toBe(count)
    expect([...answers.ok.values()].filter((n) => n !== 1)).toEqual([2])
    expect(bulkItems(count).every((it) => s.fake.chat(it.meetingChatId)?.boundTo === undefined)).toBe(true)
    const entries = readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { at: string })
    expect(entries.filter((e) => e.at === 'start')).toHaveLength(count)
    expect(entries.filter((e) => e.at === 'end')).toHaveLength(count)
    expect(existsSync(`${journal}.lock`)).toBe(false) // released when the run ended
  })

  it('a lock left by a run that died is taken over', async () => {
    sandbox = await startSandbox({ port: 0, seed: bulkSeed(3, roomy) })
    const { file, journal } = workspace(3)
    const dead = spawnSync(process.execPath, ['-e', '']).pid
    writeFileSync(`${journal}.lock`, JSON.stringify({ pid: dead, host: hostname() }))
    const result = await cli(['unbind', '--from', file, '--journal', journal, '--json'], env(sandbox.url))
    expect(result.code).toBe(0)
    expect(lines(result.stdout).at(-1)).toMatchObject({ summary: true, succeeded: 3 })
    expect(existsSync(`${journal}.lock`)).toBe(false)
  })

  it('a lock held by a live process is refused, in words without --json', async () => {
    sandbox = await startSandbox({ port: 0, seed: bulkSeed(3, roomy) })
    const { file, journal } = workspace(3)
    writeFileSync(`${journal}.lock`, JSON.stringify({ pid: process.pid, host: hostname() }))
    const result = await cli(['unbind', '--from', file, '--journal', journal], env(sandbox.url))
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`✘ The journal ${journal} is in use by another run (pid ${process.pid}`)
    expect(sandbox.fake.calls).toEqual([])
    expect(readFileSync(`${journal}.lock`, 'utf8')).toContain(String(process.pid)) // not taken from its holder
  })
})

describe('a damaged journal', () => {
  /** A journal of a run that unbound all `count` items, and the sandbox where they are unbound. */
  async function finishedRun(count: number) {
    sandbox = await startSandbox({ port: 0, seed: bulkSeed(count, roomy) })
    const { file, journal } = workspace(count)
    const first = await cli(['unbind', '--from', file, '--journal', journal, '--json', '--concurrency', '4'], env(sandbox.url))
    expect(first.code).toBe(0)
    return { s: sandbox, file, bytes: readFileSync(journal) }
  }

  /** Runs again on a copy of the journal damaged by `damage`; the lines of the journal as they were, to damage. */
  async function againWith(s: Sandbox, file: string, damaged: Buffer | string) {
    const journal = join(mkdtempSync(join(tmpdir(), 'fmc-damaged-')), 'journal.jsonl')
    writeFileSync(journal, damaged)
    const result = await cli(['unbind', '--from', file, '--journal', journal, '--json'], env(s.url))
    return { ...result, journal }
  }

  it('cut short anywhere (5 cuts): every item the first run unbound counts as done, with one warning naming the line', async () => {
    const count = 40
    const { s, file, bytes } = await finishedRun(count)
    // Cuts inside a line, from early to late (a cut at a line's end reads as a run stopped there).
    const cuts = [0.1, 0.3, 0.5, 0.7, 0.95].map((f) => {
      let at = Math.floor(bytes.length * f)
      while (bytes[at - 1] === 0x0a || bytes[at] === 0x0a) at++
      return at
    })
    const runs = await Promise.all(cuts.map((at) => againWith(s, file, bytes.subarray(0, at))))
    for (const [i, run] of runs.entries()) {
      const cutLine = bytes.subarray(0, cuts[i]).toString('utf8').split('\n').length
      expect(run.code).toBe(0)
      expect(lines(run.stdout).filter((l) => l.ok === false)).toEqual([])
      const summary = lines(run.stdout).at(-1) as { succeeded: number; failed: number; skippedFromJournal: number }
      expect(summary).toMatchObject({ summary: true, failed: 0 })
      expect(summary.succeeded + summary.skippedFromJournal).toBe(count)
      expect(run.stderr.trim().split('\n')).toHaveLength(1)
      expect(run.stderr).toContain(`The journal ${run.journal} is damaged at line ${cutLine} (cut short)`)
    }
    // The second runs sent only what the first had done: every answer was 195108, none unbound anything again.
    const answers = answersPerChat(s)
    expect([...answers.ok.values()]).toEqual(Array(count).fill(1))
  })

  it('a changed byte, a null line, a line of the wrong shape, a line that is not UTF-8: each read as unknown, never an internal error', async () => {
    const count = 30
    const { s, file, bytes } = await finishedRun(count)
    const text = bytes.toString('utf8').split('\n')
    const at = (i: number, line: string) => text.map((l, j) => (j === i ? line : l)).join('\n')
    const flip = (line: string) => line.replace('"meetingChatId":"oc_', '"meetingChatId":"oc-') // a changed byte, still JSON
    const cases: Array<[string, Buffer | string, number]> = [
      ['a changed byte that breaks the JSON', at(43, (text[43] ?? '').replace('"at":', '"at";')), 44],
      ['a changed byte that keeps it JSON', at(20, flip(text[20] ?? '')), 21],
      ['null', at(5, 'null'), 6],
      ['the wrong shape', at(11, '{"at":"end","ok":true}'), 12],
      ['not UTF-8', Buffer.concat([Buffer.from(text.slice(0, 30).join('\n') + '\n'), Buffer.from([0xe9, 0x0a]), Buffer.from(text.slice(31).join('\n'))]), 31],
    ]
    const runs = await Promise.all(cases.map(([, damaged]) => againWith(s, file, damaged)))
    for (const [i, run] of runs.entries()) {
      const [name, , line] = cases[i] as (typeof cases)[number]
      expect({ name, code: run.code }).toEqual({ name, code: 0 })
      expect(lines(run.stdout).at(-1)).toMatchObject({ summary: true, failed: 0 })
      expect(run.stderr).toContain(`The journal ${run.journal} is damaged at line ${line} (`)
      expect(run.stderr).not.toContain('Unexpected error')
    }
    const answers = answersPerChat(s)
    expect([...answers.ok.values()]).toEqual(Array(count).fill(1))
  })

  it('a file that is not a journal at all is refused before anything is sent (exit 2), and left as it was', async () => {
    sandbox = await startSandbox({ port: 0, seed: bulkSeed(3, roomy) })
    const { file } = workspace(3)
    const before = readFileSync(file)
    const result = await cli(['unbind', '--from', file, '--journal', file], env(sandbox.url))
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`✘ ${file} is not a journal this command wrote (line 1:`)
    expect(readFileSync(file)).toEqual(before)
    expect(sandbox.fake.calls).toEqual([])
  })
})
