// The journal of `unbind --from FILE --journal FILE`: one JSON line when an item is sent and one when it ends,
// written synchronously (each end flushed to disk), so a run killed at any point leaves a file the next run can
// resume from. One run writes it at a time: FILE.lock names the process that does.
import { randomUUID } from 'node:crypto'
import { closeSync, existsSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { ConfigError } from '../client/options.js'
import { itemKey } from './bulk-input.js'

interface Ids {
  readonly calendarId: string
  readonly eventId: string
  readonly meetingChatId: string
}

export interface JournalState {
  /** Items that ended for good: succeeded, or refused in a way a new attempt cannot change. */
  readonly finished: ReadonlySet<string>
  /** Items sent by an earlier run without a final end recorded (none, or no answer after its retries): an attempt may have succeeded. */
  readonly unsure: ReadonlySet<string>
}

export interface Journal extends JournalState {
  started(item: Ids): void
  ended(item: Ids, outcome: { ok: boolean; final: boolean; code?: number | null }): void
  close(): void
}

type Entry = { readonly at: 'start' | 'end'; readonly final?: boolean; readonly calendarId: string; readonly eventId: string; readonly meetingChatId: string }

/** What earlier runs recorded, and the length of the file's complete lines (bytes). */
function read(path: string): JournalState & { readonly complete: number; readonly size: number } {
  const finished = new Set<string>()
  const sent = new Set<string>()
  if (!existsSync(path)) return { finished, unsure: sent, complete: 0, size: 0 }
  const bytes = readFileSync(path)
  // Every entry is written with its newline in one write: a last line without one is a write cut short by a
  // kill. The call of that item was not sent yet (a start) or its end is not known (an end): drop the line.
  const complete = bytes.lastIndexOf(0x0a) + 1
  const lines = bytes.subarray(0, complete).toString('utf8').split('\n')
  lines.forEach((text, i) => {
    if (text.trim() === '') return
    let entry: Entry
    try {
      entry = JSON.parse(text) as Entry
    } catch (error) {
      throw new Error(`line ${i + 1} of the journal ${path} is not JSON (${(error as Error).message}); it is not a journal this command wrote.`)
    }
    const key = itemKey(entry)
    if (entry.at === 'start') sent.add(key)
    else if (entry.final) finished.add(key)
    // An end that is not final (no answer after every retry, or a refusal worth another try) leaves the item
    // as its start did: sent, maybe done by an attempt whose answer was lost.
  })
  for (const key of finished) sent.delete(key)
  return { finished, unsure: sent, complete, size: bytes.length }
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
    const { complete, size, ...state } = read(path)
    // Appends start on a line of their own: the cut-short line an earlier run left is cut off.
    if (complete < size) truncateSync(path, complete)
    const fd = openSync(path, 'a')
    const write = (entry: Entry & Record<string, unknown>) => {
      writeSync(fd, `${JSON.stringify(entry)}\n`)
    }
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
