// The journal of `unbind --from FILE --journal FILE`: one JSON line when an item is sent and one when it ends,
// written synchronously (each end flushed to disk), so a run killed at any point leaves a file the next run can
// resume from. One run writes it at a time: FILE.lock names the process that does. Each line carries a checksum;
// a line that is damaged (cut short, a changed byte, not an entry) makes what the journal does not record as done
// unknown: those items are sent again, and the platform's "already unbound" (195108) counts as done for them.
import { randomUUID } from 'node:crypto'
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { crc32 } from 'node:zlib'
import { ConfigError } from '../client/options.js'
import { itemKey } from './bulk-input.js'
import { KeyFlags } from './fingerprints.js'

interface Ids {
  readonly calendarId: string
  readonly eventId: string
  readonly meetingChatId: string
}

/** A line of the journal that could not be read as an entry, and why. */
export interface Damage {
  /** 1-based line of the journal. */
  readonly line: number
  readonly problem: string
}

export interface JournalState {
  /** Whether the item ended for good: succeeded, or refused in a way a new attempt cannot change. */
  isFinished(key: string): boolean
  /** How many items ended for good. */
  readonly finishedCount: number
  /**
   * Whether an earlier run may have sent the item without recording a final end (none, or no answer after its
   * retries): an attempt may have succeeded. In a damaged journal, every item not finished may have been.
   */
  maybeSent(key: string): boolean
  /** The lines that could not be read, in order (the first 100); empty for a sound journal. */
  readonly damaged: readonly Damage[]
  /** How many lines could not be read. */
  readonly damagedCount: number
  /** One line saying the journal is damaged, where, and what follows; undefined for a sound journal. */
  readonly warning: string | undefined
}

export interface Journal extends JournalState {
  started(item: Ids): void
  ended(item: Ids, outcome: { ok: boolean; final: boolean; code?: number | null }): void
  close(): void
}

type Entry = { readonly at: 'start' | 'end'; readonly final?: boolean; readonly calendarId: string; readonly eventId: string; readonly meetingChatId: string }

/** A line as written: the entry's JSON with its checksum (CRC-32 of the JSON without it) as the last field. */
function lineOf(entry: Entry & Record<string, unknown>): string {
  const json = JSON.stringify(entry)
  return `${json.slice(0, -1)},"crc":${crc32(json)}}\n`
}

const CHECKSUM = /,"crc":(\d+)\}$/
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The entry a line holds, null for a blank line, or why it is damaged. Lines without a checksum (older versions) are read as they are. */
function entryOf(bytes: Uint8Array): Entry | null | string {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    return 'not UTF-8'
  }
  if (text.trim() === '') return null
  const sum = CHECKSUM.exec(text)
  if (sum) {
    text = `${text.slice(0, sum.index)}}`
    if (crc32(text) !== Number(sum[1])) return 'its checksum does not match: a changed byte'
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return 'not JSON'
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}, not an entry`
  const e = value as Record<string, unknown>
  if (e.at !== 'start' && e.at !== 'end') return 'not an entry: "at" is neither "start" nor "end"'
  for (const field of ['calendarId', 'eventId', 'meetingChatId'] as const) {
    if (typeof e[field] !== 'string' || e[field] === '') return `not an entry: no ${field}`
  }
  if (e.at === 'end' && typeof e.final !== 'boolean') return 'not an entry: an end without "final"'
  return e as unknown as Entry
}

/** Bits of an item's flags in the journal's state. */
const SENT = 1
const FINISHED = 2
/** A journal line longer than this is damaged (an entry takes a few hundred bytes); the rest of it is not kept. */
const MAX_LINE_BYTES = 64 * 1024
const KEPT_DAMAGE = 100

/**
 * What earlier runs recorded, and whether the file ends within a line (a write cut short). Read once, as it streams
 * from the disk (a chunk at a time): what is kept is each item's fingerprint and flags, not the file.
 */
function read(path: string): JournalState & { readonly endsCut: boolean } {
  const flags = new KeyFlags()
  const damaged: Damage[] = []
  let damagedCount = 0
  let finishedCount = 0
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError(`Cannot read the journal ${path}: ${(error as Error).message}`)
    return { isFinished: () => false, finishedCount: 0, maybeSent: () => false, damaged, damagedCount: 0, warning: undefined, endsCut: false }
  }
  let entries = 0
  let line = 0
  let sawNewline = false
  let lastByte = 0x0a
  let size = 0
  const take = (entry: Entry | null | string) => {
    line++
    if (entry === null) return
    if (typeof entry === 'string') {
      if (damagedCount++ < KEPT_DAMAGE) damaged.push({ line, problem: entry })
      return
    }
    entries++
    const key = itemKey(entry)
    if (entry.at === 'start') flags.add(key, SENT)
    else if (entry.final) {
      if (!(flags.get(key) & FINISHED)) finishedCount++
      flags.add(key, FINISHED)
    }
    // An end that is not final (no answer after every retry, or a refusal worth another try) leaves the item
    // as its start did: sent, maybe done by an attempt whose answer was lost.
  }
  try {
    const chunk = Buffer.alloc(1024 * 1024)
    let parts: Buffer[] = []
    let length = 0
    let tooLong = false
    for (;;) {
      let n: number
      try {
        n = readSync(fd, chunk, 0, chunk.length, null)
      } catch (error) {
        throw new ConfigError(`Cannot read the journal ${path}: ${(error as Error).message}`)
      }
      if (n === 0) break
      size += n
      lastByte = chunk[n - 1] ?? 0x0a
      for (let from = 0; from < n;) {
        const newline = chunk.indexOf(0x0a, from)
        const to = newline === -1 || newline >= n ? n : newline
        if (to === n) {
          // The start of a line the next chunk ends: kept (copied: the chunk is read into again), unless too long.
          if (!tooLong && length + to - from > MAX_LINE_BYTES) {
            tooLong = true
            parts = []
          } else if (!tooLong) {
            parts.push(Buffer.from(chunk.subarray(from, to)))
            length += to - from
          }
          break
        }
        sawNewline = true
        // A line within the chunk is read where it lies; one that began in an earlier chunk is put together first.
        const whole = length + to - from
        if (tooLong || whole > MAX_LINE_BYTES) take(`over ${MAX_LINE_BYTES} bytes`)
        else take(entryOf(length === 0 ? chunk.subarray(from, to) : Buffer.concat([...parts, chunk.subarray(from, to)])))
        parts = []
        length = 0
        tooLong = false
        from = to + 1
      }
    }
    // Every entry is written with its newline in one write: a last line without one was cut short (a power cut,
    // a disk that filled up, a file truncated by hand), and lines after it may be lost.
    if (length > 0 || tooLong) take('cut short')
  } finally {
    closeSync(fd)
  }
  const first = damaged[0]
  if (first && entries === 0 && sawNewline) {
    throw new ConfigError(`${path} is not a journal this command wrote (line ${first.line}: ${first.problem}): give --journal a new file, or the journal of an earlier run.`)
  }
  const isFinished = (key: string) => (flags.get(key) & FINISHED) !== 0
  return {
    isFinished,
    finishedCount,
    damaged,
    damagedCount,
    maybeSent: (key) => (first ? !isFinished(key) : flags.get(key) === SENT),
    warning: first && `The journal ${path} is damaged at line ${first.line} (${first.problem})${damagedCount > 1 ? ` and ${damagedCount - 1} more line(s)` : ''}: what it recorded there is unknown, so every item it does not record as done is sent again, and the platform's answer that the chat is not bound (195108) counts as done for them. Delete or fix the line to stop this warning.`,
    endsCut: size > 0 && lastByte !== 0x0a,
  }
}

/** Who holds a journal's lock: the process, its machine, and a token of the run. */
interface Holder {
  readonly pid: number
  readonly host: string
  readonly run: string
}

/** The lock's holder; undefined when there is no lock, null when the file is not one this command wrote. */
function holderOf(lockPath: string): Holder | null | undefined {
  let text: string
  try {
    text = readFileSync(lockPath, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    const h = JSON.parse(text) as Partial<Holder> | null
    return h !== null && typeof h === 'object' && Number.isSafeInteger(h.pid) && typeof h.host === 'string' ? { pid: h.pid as number, host: h.host, run: String(h.run) } : null
  } catch {
    return null
  }
}

/** Whether the holder's process still runs (on another machine: it cannot be told, so it is taken to). */
function alive(holder: Holder): boolean {
  if (holder.host !== hostname()) return true
  try {
    process.kill(holder.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

const inUse = (path: string, lockPath: string, holder: Holder) => new ConfigError(
  `The journal ${path} is in use by another run (pid ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`}): wait for it to end, or give this run another --journal. If no run of this command is using it, delete ${lockPath}.`,
)

/**
 * Takes the journal's lock, `path.lock`, or throws a ConfigError naming the run that holds it. The lock file is
 * written whole under another name and linked into place, so that it never exists half-written; a lock whose
 * process no longer runs on this machine is taken over, under `path.lock.break` so that two runs cannot both.
 * Returns the release.
 */
function lock(path: string): () => void {
  const lockPath = `${path}.lock`
  const me: Holder = { pid: process.pid, host: hostname(), run: randomUUID() }
  const mine = `${lockPath}.${me.run}`
  const failed = (error: unknown) => new ConfigError(`Cannot lock the journal ${path} (${lockPath}): ${(error as Error).message}`)
  try {
    writeFileSync(mine, JSON.stringify(me))
  } catch (error) {
    throw failed(error)
  }
  /** Links `mine` to `target`; false when `target` exists. */
  const link = (target: string) => {
    try {
      linkSync(mine, target)
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw failed(error)
    }
  }
  try {
    for (let tries = 0; tries < 5; tries++) {
      if (link(lockPath)) {
        return () => {
          if (holderOf(lockPath)?.run === me.run) rmSync(lockPath, { force: true })
        }
      }
      const holder = holderOf(lockPath)
      if (holder === undefined) continue // released meanwhile
      if (holder === null) throw new ConfigError(`The journal ${path} is locked by ${lockPath}, which is not a lock this command wrote: if no run of this command is using the journal, delete it.`)
      if (alive(holder)) throw inUse(path, lockPath, holder)
      // Left by a run that died: taken over by one run only, the one that holds the breaker.
      const breaker = `${lockPath}.break`
      if (!link(breaker)) {
        const breaking = holderOf(breaker)
        if (breaking && alive(breaking)) throw inUse(path, lockPath, breaking)
        rmSync(breaker, { force: true }) // left by a run that died while taking over
        continue
      }
      try {
        if (holderOf(lockPath)?.run === holder.run) rmSync(lockPath, { force: true })
      } finally {
        rmSync(breaker, { force: true })
      }
    }
    throw new ConfigError(`Cannot lock the journal ${path}: ${lockPath} keeps changing hands. Try again.`)
  } finally {
    rmSync(mine, { force: true })
  }
}

/** Opens (or creates) the journal at `path`, the only run to write it, and reads what earlier runs recorded. */
export function openJournal(path: string): Journal {
  const release = lock(path)
  try {
    const { endsCut, ...state } = read(path)
    const fd = openSync(path, 'a')
    // writeFileSync on a descriptor writes the whole line (writeSync may write part of it).
    const write = (entry: Entry & Record<string, unknown>) => writeFileSync(fd, lineOf(entry))
    // Appends start on a line of their own; the cut line stays, damaged, for later runs to read the same way.
    if (endsCut) writeFileSync(fd, '\n')
    const ids = (item: Ids) => ({ calendarId: item.calendarId, eventId: item.eventId, meetingChatId: item.meetingChatId })
    return {
      ...state,
      started: (item) => write({ at: 'start', ...ids(item) }),
      ended: (item, outcome) => {
        write({ at: 'end', ...ids(item), ok: outcome.ok, final: outcome.final, ...(outcome.code != null && { code: outcome.code }) })
        // On disk before the item is reported, and with it every start written before.
        fsyncSync(fd)
      },
      close: () => {
        try {
          closeSync(fd)
        } finally {
          release()
        }
      },
    }
  } catch (error) {
    release()
    throw error
  }
}
