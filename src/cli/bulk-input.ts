// The items of `unbind --from FILE`: JSONL (one object a line) or CSV with the header
// calendar_id,event_id,meeting_chat_id. Each item keeps its line number; each bad line becomes a problem.
import { parse } from 'csv-parse/sync'
import { FeishuApiError } from '../client/errors.js'
import { idError } from '../client/validate.js'

export interface InputItem {
  /** 1-based line of the file where the item starts. */
  readonly line: number
  readonly calendarId: string
  readonly eventId: string
  readonly meetingChatId: string
}

export interface InputProblem {
  readonly line: number
  readonly message: string
}

export interface Input {
  readonly format: 'jsonl' | 'csv'
  readonly items: readonly InputItem[]
  readonly problems: readonly InputProblem[]
}

export const COLUMNS = ['calendar_id', 'event_id', 'meeting_chat_id'] as const

/** `value` when it may be sent as `param` of the unbind, else the invalid_request error the client would throw. */
function checkParam(op: 'unbindMeetingChat', param: string, argName: string, value: unknown): string {
  const refused = idError(op, param, argName, value)
  if (refused) throw refused
  return value as string
}

/** The same checks the client makes before sending, so that --strict can refuse before anything is sent. */
function toItem(line: number, record: Record<string, unknown>): InputItem {
  return {
    line,
    calendarId: checkParam('unbindMeetingChat', 'calendar_id', 'calendar_id', record.calendar_id),
    eventId: checkParam('unbindMeetingChat', 'event_id', 'event_id', record.event_id),
    meetingChatId: checkParam('unbindMeetingChat', 'meeting_chat_id', 'meeting_chat_id', record.meeting_chat_id),
  }
}

export const itemKey = (item: { calendarId: string; eventId: string; meetingChatId: string }): string =>
  JSON.stringify([item.calendarId, item.eventId, item.meetingChatId])

/** Reads `text` as JSONL when its first non-blank character is `{`, else as CSV. Throws only when the CSV header is wrong. */
export function parseInput(text: string): Input {
  const raw = text.replace(/^\uFEFF/, '')
  const format = raw.trimStart().startsWith('{') ? 'jsonl' : 'csv'
  const items: InputItem[] = []
  const problems: InputProblem[] = []
  const seen = new Map<string, number>()
  const add = (line: number, record: unknown) => {
    try {
      if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new Error(`not an object with ${COLUMNS.join(', ')}`)
      const item = toItem(line, record as Record<string, unknown>)
      const earlier = seen.get(itemKey(item))
      if (earlier !== undefined) throw new Error(`the same item as line ${earlier}`)
      seen.set(itemKey(item), line)
      items.push(item)
    } catch (error) {
      problems.push({ line, message: error instanceof FeishuApiError ? error.msg : (error as Error).message })
    }
  }

  if (format === 'jsonl') {
    raw.split(/\r?\n/).forEach((text, i) => {
      if (text.trim() === '') return
      let record: unknown
      try {
        record = JSON.parse(text)
      } catch (error) {
        problems.push({ line: i + 1, message: `not JSON: ${(error as Error).message}` })
        return
      }
      add(i + 1, record)
    })
    return { format, items, problems }
  }

  const rows = parse(raw, {
    columns: (header: string[]) => {
      const names = header.map((h) => h.trim())
      const missing = COLUMNS.filter((c) => !names.includes(c))
      if (missing.length > 0) throw new Error(`the CSV header must name ${COLUMNS.join(',')}; missing ${missing.join(', ')} (got "${names.join(',')}")`)
      return names
    },
    skip_empty_lines: true,
    info: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error) problems.push({ line: typeof error.lines === 'number' ? error.lines : 0, message: error.message })
      return undefined
    },
  }) as Array<{ record: Record<string, string>; info: { lines: number; invalid_field_length: number } }>
  // csv-parse counts the records with the wrong number of fields so far: a record is bad when the count grows.
  let invalid = 0
  for (const { record, info } of rows) {
    const wrongLength = info.invalid_field_length > invalid
    invalid = info.invalid_field_length
    if (wrongLength) problems.push({ line: info.lines, message: `expected ${COLUMNS.length} fields (${COLUMNS.join(',')})` })
    else add(info.lines, record)
  }
  problems.sort((a, b) => a.line - b.line)
  return { format, items, problems }
}
