// The journal of `unbind --from FILE --journal FILE`: one JSON line when an item is sent and one when it ends,
// written synchronously, so a run killed at any point leaves a file the next run can resume from.
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs'
import { itemKey } from './bulk-input.js'

interface Ids {
  readonly calendarId: string
  readonly eventId: string
  readonly meetingChatId: string
}

export interface JournalState {
  /** Items that ended for good: succeeded, or refused in a way a new attempt cannot change. */
  readonly finished: ReadonlySet<string>
  /** Items sent by an earlier run without an end recorded: their first attempt may have succeeded. */
  readonly unsure: ReadonlySet<string>
}

export interface Journal extends JournalState {
  started(item: Ids): void
  ended(item: Ids, outcome: { ok: boolean; final: boolean; code?: number | null }): void
  close(): void
}

type Entry = { readonly at: 'start' | 'end'; readonly final?: boolean; readonly calendarId: string; readonly eventId: string; readonly meetingChatId: string }

function read(path: string): JournalState {
  const finished = new Set<string>()
  const sent = new Set<string>()
  if (!existsSync(path)) return { finished, unsure: sent }
  const lines = readFileSync(path, 'utf8').split('\n')
  lines.forEach((text, i) => {
    if (text.trim() === '') return
    let entry: Entry
    try {
      entry = JSON.parse(text) as Entry
    } catch (error) {
      // Only the last line can be cut short (a kill during its write); anything else is not our journal.
      if (i >= lines.length - 2) return
      throw new Error(`line ${i + 1} of the journal ${path} is not JSON (${(error as Error).message}); it is not a journal this command wrote.`)
    }
    const key = itemKey(entry)
    if (entry.at === 'start') sent.add(key)
    else if (entry.final) finished.add(key)
    else sent.delete(key)
  })
  for (const key of finished) sent.delete(key)
  return { finished, unsure: sent }
}

/** Opens (or creates) the journal at `path` and reads what earlier runs recorded. */
export function openJournal(path: string): Journal {
  const state = read(path)
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
