// The journal of `unbind --from FILE --journal FILE`: one JSON line when an item is sent and one when it ends,
// written synchronously, so a run killed at any point leaves a file the next run can resume from.
import { closeSync, existsSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs'
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

/** Opens (or creates) the journal at `path` and reads what earlier runs recorded. */
export function openJournal(path: string): Journal {
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
    ended: (item, outcome) => write({ at: 'end', ...ids(item), ok: outcome.ok, final: outcome.final, ...(outcome.code != null && { code: outcome.code }) }),
    close: () => closeSync(fd),
  }
}
