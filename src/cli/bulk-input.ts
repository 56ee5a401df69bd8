// The items of `unbind --from FILE`: JSONL (one object a line) or CSV with the header
// calendar_id,event_id,meeting_chat_id. Each item keeps its line number; each bad line becomes a problem. The file is
// read line by line as it streams in (readInput): what is kept of it is the record being read, not the file.
import { createReadStream } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { FeishuApiError } from '../client/errors.js'
import { idError } from '../client/validate.js'
import { Bloom } from './fingerprints.js'

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

/** What reading a line gives: an item, a bad line, or nothing yet (a blank line, a header, a record still open). */
export type InputEvent = { readonly item: InputItem; readonly problem?: undefined } | { readonly problem: InputProblem; readonly item?: undefined }

/** Tells whether an item repeats an earlier one: the earlier line, or undefined. */
export type Repeats = (key: string, line: number) => number | undefined

export const COLUMNS = ['calendar_id', 'event_id', 'meeting_chat_id'] as const

/** A line longer than this is not an item (three ids take a few hundred bytes); the rest of it is not kept. */
export const MAX_LINE_BYTES = 64 * 1024
/** A CSV record whose quote stays open longer than this is given up, and reading goes on after it. */
const MAX_RECORD_LINES = 100

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

/** Why a line is not UTF-8, or undefined when it is. */
function notUtf8(bytes: Uint8Array): string | undefined {
  try {
    utf8.decode(bytes)
    return undefined
  } catch {
    const column = lenient.decode(bytes).indexOf('\uFFFD') + 1
    return `not UTF-8 (column ${column}): save the file as UTF-8 (a byte like this comes from Latin-1, GBK or Shift-JIS)`
  }
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

const isBlank = (bytes: Uint8Array) => bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0d)

/** A CSV record being read: its lines (without their line breaks) from `start`. */
interface Record_ {
  readonly start: number
  readonly lines: Buffer[]
}

/**
 * Reads a file line by line (each line's bytes without its "\n"): JSONL when its first non-blank character is `{`,
 * else CSV. Every bad line (not UTF-8, not JSON, a quote left open, a field over several lines, wrong fields, a bad
 * id, a repeat) becomes a problem at the line where its record starts. Throws only when the CSV header is wrong.
 * A CSV record is the lines csv-parse reads as one: a line whose quote stays open takes the next ones, up to
 * MAX_RECORD_LINES.
 */
export class InputReader {
  format: 'jsonl' | 'csv' | undefined
  #header: string[] | undefined
  #open: Record_ | undefined
  readonly #repeats: Repeats

  constructor(repeats: Repeats) {
    this.#repeats = repeats
  }

  /** Line `line` (1-based); `bytes` undefined for a line over MAX_LINE_BYTES. */
  line(line: number, bytes: Buffer | undefined): InputEvent[] {
    if (line === 1 && bytes?.[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3)
    if (bytes === undefined) {
      const out = this.#open ? this.#close(this.#open, `a quote opened on this line is not closed before line ${line}, which is over ${MAX_LINE_BYTES} bytes`) : []
      this.#open = undefined
      return [...out, { problem: { line, message: `over ${MAX_LINE_BYTES} bytes: not an item` } }]
    }
    if (this.format === undefined) {
      if (isBlank(bytes)) return []
      const first = bytes.findIndex((b) => b !== 0x20 && b !== 0x09)
      this.format = bytes[first] === 0x7b ? 'jsonl' : 'csv'
    }
    return this.format === 'jsonl' ? this.#jsonl(line, bytes) : this.#csv(line, bytes)
  }

  /** The end of the file: a record still open is a problem. */
  end(): InputEvent[] {
    const open = this.#open
    this.#open = undefined
    return open ? this.#record(open, true) : []
  }

  #add(line: number, record: unknown): InputEvent {
    try {
      if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new Error(`not an object with ${COLUMNS.join(', ')}`)
      const item = toItem(line, record as Record<string, unknown>)
      const earlier = this.#repeats(itemKey(item), line)
      if (earlier !== undefined) throw new Error(`the same item as line ${earlier}`)
      return { item }
    } catch (error) {
      return { problem: { line, message: error instanceof FeishuApiError ? error.msg : (error as Error).message } }
    }
  }

  #jsonl(line: number, bytes: Buffer): InputEvent[] {
    const bad = notUtf8(bytes)
    if (bad !== undefined) return [{ problem: { line, message: bad } }]
    const text = utf8.decode(bytes)
    if (text.trim() === '') return []
    let record: unknown
    try {
      record = JSON.parse(text)
    } catch (error) {
      return [{ problem: { line, message: `not JSON: ${(error as Error).message}` } }]
    }
    return [this.#add(line, record)]
  }

  #csv(line: number, bytes: Buffer): InputEvent[] {
    if (!this.#open && isBlank(bytes)) return []
    const record = this.#open ?? { start: line, lines: [] }
    record.lines.push(bytes)
    this.#open = undefined
    return this.#record(record, false)
  }

  /** A record given up: one problem at its start naming its lines. */
  #close(record: Record_, why: string): InputEvent[] {
    const last = record.start + record.lines.length - 1
    return [{ problem: { line: record.start, message: `${why}: lines ${record.start} to ${last} are not sent, and reading goes on after them` } }]
  }

  /** Parses the record's lines as csv-parse does; keeps it open while its quote is (unless `atEnd`). */
  #record(record: Record_, atEnd: boolean): InputEvent[] {
    const { start, lines } = record
    const last = start + lines.length - 1
    const errors: { code: string | undefined; message: string }[] = []
    const rows = parse(Buffer.concat(lines.flatMap((l, i) => (i === 0 ? [l] : [Buffer.from('\n'), l]))), {
      skip_empty_lines: true,
      relax_column_count: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        errors.push({ code: error?.code, message: error?.message ?? 'not CSV' })
        return undefined
      },
    }) as string[][]
    if (!atEnd && errors.some((e) => e.code === 'CSV_QUOTE_NOT_CLOSED')) {
      if (lines.length < MAX_RECORD_LINES) {
        this.#open = record
        return []
      }
      return this.#close(record, `a quote opened on this line is not closed within ${MAX_RECORD_LINES} lines`)
    }
    const first = errors[0]
    if (first) {
      const message = quoteProblem(first.code, first.message)
      return [{ problem: { line: start, message: last > start ? `${message} (lines ${start} to ${last} are read as one record: none of them is sent)` : message } }]
    }
    const fields = rows[0]
    if (fields === undefined) return []
    if (!this.#header) {
      const names = fields.map((h) => h.trim())
      const missing = COLUMNS.filter((c) => !names.includes(c))
      if (missing.length > 0) throw new Error(`the CSV header must name ${COLUMNS.join(',')}; missing ${missing.join(', ')} (got "${names.join(',')}")`)
      this.#header = names
      return []
    }
    const header = this.#header
    let bad: string | undefined
    for (const l of lines) bad ??= notUtf8(l)
    if (bad !== undefined) return [{ problem: { line: start, message: bad } }]
    if (last > start) return [{ problem: { line: start, message: `a quoted field runs over lines ${start} to ${last}; an id has no line break: close the quote on line ${start}` } }]
    if (fields.length !== header.length) return [{ problem: { line: start, message: `expected ${header.length} fields (${header.join(',')})` } }]
    return [this.#add(start, Object.fromEntries(header.map((name, i) => [name, fields[i]])))]
  }
}

/** Each line of a buffer, as InputReader takes them (a last line without "\n" included, an empty one not). */
function* linesOf(bytes: Buffer): Generator<[number, Buffer | undefined]> {
  let line = 0
  for (let from = 0; from < bytes.length;) {
    const newline = bytes.indexOf(0x0a, from)
    const to = newline === -1 ? bytes.length : newline
    line++
    yield [line, to - from > MAX_LINE_BYTES ? undefined : bytes.subarray(from, to)]
    from = to + 1
  }
}

/** Each line of a file as it streams in: at most MAX_LINE_BYTES of a line are kept (a longer one is undefined). */
export async function* readLines(path: string): AsyncGenerator<[number, Buffer | undefined]> {
  let line = 0
  let parts: Buffer[] = []
  let length = 0
  let tooLong = false
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    for (let from = 0; from < chunk.length;) {
      const newline = chunk.indexOf(0x0a, from)
      const to = newline === -1 ? chunk.length : newline
      if (!tooLong) {
        if (length + to - from > MAX_LINE_BYTES) {
          tooLong = true
          parts = []
        } else {
          parts.push(chunk.subarray(from, to))
          length += to - from
        }
      }
      if (newline === -1) break
      line++
      // A line within one chunk is that chunk's slice, not a copy.
      yield [line, tooLong ? undefined : parts.length === 1 ? parts[0] : Buffer.concat(parts)]
      parts = []
      length = 0
      tooLong = false
      from = newline + 1
    }
  }
  if (length > 0 || tooLong) yield [line + 1, tooLong ? undefined : parts.length === 1 ? parts[0] : Buffer.concat(parts)]
}

/** Each item and bad line of a file, in the order of its lines, as it streams in. */
export async function* readInput(path: string, repeats: Repeats): AsyncGenerator<InputEvent> {
  const reader = new InputReader(repeats)
  for await (const [line, bytes] of readLines(path)) yield* reader.line(line, bytes)
  yield* reader.end()
}

/**
 * The keys that may repeat an earlier line, from a first read of the file: a Bloom filter of 16 bits a line (sized
 * from the file's bytes) says which lines may repeat; only those keys are kept, so that memory does not grow with
 * the file. `exactly()` then tells the repeats apart on a later read, keeping the lines of those keys only.
 */
export async function findRepeats(path: string, fileBytes: number): Promise<{ exactly(): Repeats; readonly candidates: number }> {
  // At least 16 bits for each line of 40 bytes or more (three ids take more).
  const bloom = new Bloom(Math.min(2 ** 31, Math.ceil(fileBytes / 40) * 16))
  const candidates = new Set<string>()
  for await (const event of readInput(path, (key) => {
    if (bloom.add(key)) candidates.add(key)
    return undefined
  })) void event
  return {
    candidates: candidates.size,
    exactly: () => {
      const first = new Map<string, number>()
      return (key, line) => {
        if (!candidates.has(key)) return undefined
        const earlier = first.get(key)
        if (earlier === undefined) first.set(key, line)
        return earlier
      }
    },
  }
}

/** Reads a whole file held in memory (a string is read as its UTF-8 bytes): its items and bad lines, repeats found exactly. */
export function parseInput(input: string | Uint8Array): Input {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  const seen = new Map<string, number>()
  const reader = new InputReader((key, line) => {
    const earlier = seen.get(key)
    if (earlier === undefined) seen.set(key, line)
    return earlier
  })
  const items: InputItem[] = []
  const problems: InputProblem[] = []
  const take = (events: InputEvent[]) => {
    for (const e of events) {
      if (e.item) items.push(e.item)
      else problems.push(e.problem)
    }
  }
  for (const [line, lineBytes] of linesOf(bytes)) take(reader.line(line, lineBytes))
  take(reader.end())
  return { format: reader.format ?? 'csv', items, problems }
}
