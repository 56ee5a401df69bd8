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

const utf8 = new TextDecoder('utf-8', { fatal: true })
const lenient = new TextDecoder('utf-8')

/** The file's lines: where each starts (byte offsets), the line of a byte, and the lines that are not UTF-8 (with why). */
function linesOf(bytes: Uint8Array) {
  const starts = [0]
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) starts.push(i + 1)
  const lineAt = (offset: number): number => {
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((starts[mid] ?? 0) <= offset) lo = mid
      else hi = mid - 1
    }
    return lo + 1
  }
  const bytesOf = (line: number) => bytes.subarray(starts[line - 1] ?? bytes.length, (starts[line] ?? bytes.length + 1) - 1)
  const notUtf8 = new Map<number, string>()
  let whole = true
  try {
    utf8.decode(bytes)
  } catch {
    whole = false
  }
  if (!whole) {
    for (let line = 1; line <= starts.length; line++) {
      try {
        utf8.decode(bytesOf(line))
      } catch {
        const column = lenient.decode(bytesOf(line)).indexOf('\uFFFD') + 1
        notUtf8.set(line, `not UTF-8 (column ${column}): save the file as UTF-8 (a byte like this comes from Latin-1, GBK or Shift-JIS)`)
      }
    }
  }
  return { lineAt, bytesOf, count: starts.length, notUtf8 }
}

/** What a quote error of csv-parse means, in the terms of the file. */
function quoteProblem(code: string | undefined, message: string): string {
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quote opened on this line is never closed'
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a closing quote is followed by more of the field (quote the whole field, and double each quote inside it: "a""b")'
    case 'INVALID_OPENING_QUOTE':
      return 'a quote inside an unquoted field (quote the whole field, and double each quote inside it: "a""b")'
    default:
      return message
  }
}

/**
 * Reads a file as JSONL when its first non-blank character is `{`, else as CSV. A string is read as its UTF-8
 * bytes. Every bad line (not UTF-8, not JSON, a quote left open, a field over several lines, wrong fields, a bad
 * id, a repeat) becomes a problem at the line where its record starts. Throws only when the CSV header is wrong.
 */
export function parseInput(input: string | Uint8Array): Input {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  let first = bom
  while (first < bytes.length && (bytes[first] === 0x20 || bytes[first] === 0x09 || bytes[first] === 0x0d || bytes[first] === 0x0a)) first++
  const format = bytes[first] === 0x7b ? 'jsonl' : 'csv'
  const lines = linesOf(bytes)
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
    for (let line = 1; line <= lines.count; line++) {
      const bad = lines.notUtf8.get(line)
      if (bad !== undefined) {
        problems.push({ line, message: bad })
        continue
      }
      const text = utf8.decode(lines.bytesOf(line).subarray(line === 1 ? bom : 0))
      if (text.trim() === '') continue
      let record: unknown
      try {
        record = JSON.parse(text)
      } catch (error) {
        problems.push({ line, message: `not JSON: ${(error as Error).message}` })
        continue
      }
      add(line, record)
    }
    return { format, items, problems }
  }

  // csv-parse reads the bytes; where each record starts and ends comes from its byte counts, not from its line
  // counts (which are those of the record's end). A record's lines are checked for UTF-8 before its fields are used.
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const quoted = new Map<number, { message: string; last: number }>()
  const rows = parse(buffer, {
    bom: true,
    skip_empty_lines: true,
    info: true,
    raw: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_skip: (error, raw) => {
      // The record's text so far starts at or before where the parser stopped (blank lines before it included).
      const text = Buffer.from(raw ?? '')
      const at = typeof error?.bytes === 'number' ? error.bytes : 0
      const found = text.length > 0 ? buffer.lastIndexOf(text, at) : -1
      const start = found >= 0 ? found : at
      let from = start
      while (bytes[from] === 0x0a || bytes[from] === 0x0d) from++
      const line = lines.lineAt(from)
      const last = Math.max(line, lines.lineAt(start + Math.max(0, text.length - 1)))
      const earlier = quoted.get(line)
      if (earlier) earlier.last = Math.max(earlier.last, last)
      else quoted.set(line, { message: quoteProblem(error?.code, error?.message ?? 'not CSV'), last })
      return undefined
    },
  }) as unknown as Array<{ record: string[]; info: { bytes: number } }>
  for (const [line, { message, last }] of quoted) {
    problems.push({ line, message: last > line ? `${message} (lines ${line} to ${last} are read as one record: none of them is sent)` : message })
  }

  let header: string[] | undefined
  for (const { record, info } of rows) {
    // The line of its last byte, less the line breaks inside its fields.
    const last = lines.lineAt(Math.max(0, info.bytes - 1))
    const line = last - record.reduce((n, field) => n + field.split('\n').length - 1, 0)
    if (!header) {
      const names = record.map((h) => h.trim())
      const missing = COLUMNS.filter((c) => !names.includes(c))
      if (missing.length > 0) throw new Error(`the CSV header must name ${COLUMNS.join(',')}; missing ${missing.join(', ')} (got "${names.join(',')}")`)
      header = names
      continue
    }
    let bad: string | undefined
    for (let l = line; l <= last && bad === undefined; l++) bad = lines.notUtf8.get(l)
    if (bad !== undefined) problems.push({ line, message: bad })
    else if (last > line) problems.push({ line, message: `a quoted field runs over lines ${line} to ${last}; an id has no line break: close the quote on line ${line}` })
    else if (record.length !== header.length) problems.push({ line, message: `expected ${header.length} fields (${header.join(',')})` })
    else add(line, Object.fromEntries(header.map((name, i) => [name, record[i]])))
  }
  problems.sort((a, b) => a.line - b.line)
  return { format, items, problems }
}
