// Reading `unbind --from FILE`: JSONL or CSV, each item with its line, each bad line a problem with its number.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findRepeats, MAX_LINE_BYTES, parseInput, readInput, type InputItem, type InputProblem } from '../../src/cli/bulk-input.js'

const CHAT = 'oc_a0553eda9014c201e6969b478895c230'

describe('parseInput', () => {
  it('reads CSV with a BOM, CRLF line ends and the columns in any order', () => {
    const input = parseInput(`\uFEFFevent_id,meeting_chat_id,calendar_id\r\ne_0,${CHAT},cal@x\r\n`)
    expect(input).toEqual({ format: 'csv', items: [{ line: 2, calendarId: 'cal@x', eventId: 'e_0', meetingChatId: CHAT }], problems: [] })
  })

  it('keeps quoted CSV fields whole, and numbers lines as the file does', () => {
    const input = parseInput(`calendar_id,event_id,meeting_chat_id\n"cal,with comma",e_0,${CHAT}\n\ncal,e_1,${CHAT}\n`)
    expect(input.items.map((i) => [i.line, i.calendarId])).toEqual([[2, 'cal,with comma'], [4, 'cal']])
  })

  it('refuses a CSV whose header lacks a column', () => {
    expect(() => parseInput('calendar_id,event_id\ncal,e_0\n')).toThrow(/missing meeting_chat_id/)
  })

  it('reports each bad JSONL line by number: not JSON, not an object, a bad id, a repeat', () => {
    const good = JSON.stringify({ calendar_id: 'cal', event_id: 'e_0', meeting_chat_id: CHAT })
    const input = parseInput([good, '{oops', '[1]', JSON.stringify({ calendar_id: 'cal', event_id: 'e_0', meeting_chat_id: 'chat' }), good].join('\n'))
    expect(input.format).toBe('jsonl')
    expect(input.items).toHaveLength(1)
    expect(input.problems.map((p) => p.line)).toEqual([2, 3, 4, 5])
    expect(input.problems[3]?.message).toBe('the same item as line 1')
  })
})

describe('parseInput, with what a spreadsheet or an editor may leave in a file', () => {
  const HEADER = 'calendar_id,event_id,meeting_chat_id\n'
  const latin1 = (text: string) => Buffer.from(text, 'latin1')

  it('a byte that is not UTF-8 (Latin-1 é) makes its line bad, never U+FFFD sent as an id; the other lines still read', () => {
    const input = parseInput(latin1(`${HEADER}cal,e_0,${CHAT}\ncal,caf\xe9_0,${CHAT}\ncal,e_1,${CHAT}\n`))
    expect(input.items.map((i) => i.line)).toEqual([2, 4])
    expect(input.problems).toEqual([{ line: 3, message: expect.stringMatching(/^not UTF-8 \(column 8\): save the file as UTF-8/) }])
    expect(JSON.stringify(input.items)).not.toContain('\uFFFD')
  })

  it('the same in JSONL', () => {
    const good = JSON.stringify({ calendar_id: 'cal', event_id: 'e_0', meeting_chat_id: CHAT })
    const input = parseInput(latin1(`${good}\n{"calendar_id":"cal","event_id":"caf\xe9_0","meeting_chat_id":"${CHAT}"}\n`))
    expect(input.format).toBe('jsonl')
    expect(input.items.map((i) => i.line)).toEqual([1])
    expect(input.problems).toEqual([{ line: 2, message: expect.stringMatching(/^not UTF-8 \(column 37\)/) }])
  })

  it('a field over several lines is a bad line, reported where its record starts', () => {
    const input = parseInput(`${HEADER}cal,e_0,${CHAT}\n"cal\nendar",e_1,${CHAT}\ncal,e_2,${CHAT}\n`)
    expect(input.items.map((i) => [i.line, i.eventId])).toEqual([[2, 'e_0'], [5, 'e_2']])
    expect(input.problems).toEqual([{ line: 3, message: 'a quoted field runs over lines 3 to 4; an id has no line break: close the quote on line 3' }])
  })

  it('... with CRLF line ends and blank lines too', () => {
    const input = parseInput(`calendar_id,event_id,meeting_chat_id\r\n\r\ncal,e_0,${CHAT}\r\n"cal\r\n\r\nendar",e_1,${CHAT}\r\n\r\ncal,e_2,${CHAT}\r\n`)
    expect(input.items.map((i) => [i.line, i.eventId])).toEqual([[3, 'e_0'], [8, 'e_2']])
    expect(input.problems.map((p) => p.line)).toEqual([4])
    expect(input.problems[0]?.message).toMatch(/^a quoted field runs over lines 4 to 6;/)
  })

  it('a quote left open names the lines it swallowed, at the line where it opened', () => {
    const input = parseInput(`${HEADER}cal,e_0,${CHAT}\n"cal,e_1,${CHAT}\ncal,e_2,${CHAT}\n`)
    expect(input.items.map((i) => i.line)).toEqual([2])
    expect(input.problems).toEqual([{ line: 3, message: 'a quote opened on this line is never closed (lines 3 to 4 are read as one record: none of them is sent)' }])
  })

  it('a quote left open until a later quote: one bad line naming the lines swallowed; the lines after it still read', () => {
    const input = parseInput(`${HEADER}cal,e_0,${CHAT}\n"cal,e_1,${CHAT}\ncal,e_2,"${CHAT}"\ncal,e_3,${CHAT}\n`)
    expect(input.items.map((i) => [i.line, i.eventId])).toEqual([[2, 'e_0'], [5, 'e_3']])
    expect(input.problems).toEqual([{ line: 3, message: expect.stringMatching(/^a closing quote is followed by more of the field .* \(lines 3 to 4 are read as one record: none of them is sent\)$/) }])
  })

  it('a quote inside an unquoted field, and a quoted field with text after it, each where it starts', () => {
    const input = parseInput(`${HEADER}cal,e"0,${CHAT}\n"cal"x,e_1,${CHAT}\n`)
    expect(input.problems.map((p) => p.line)).toEqual([2, 3])
    expect(input.problems[0]?.message).toMatch(/^a quote inside an unquoted field/)
    expect(input.problems[1]?.message).toBe('a closing quote is followed by more of the field (quote the whole field, and double each quote inside it: "a""b")')
  })
})

describe('readInput and findRepeats: the file as it streams in', () => {
  const write = (bytes: string | Buffer) => {
    const file = join(mkdtempSync(join(tmpdir(), 'fmc-input-')), 'items')
    writeFileSync(file, bytes)
    return file
  }
  async function streamed(file: string, size: number) {
    const repeats = await findRepeats(file, size)
    const items: InputItem[] = []
    const problems: InputProblem[] = []
    for await (const e of readInput(file, repeats.exactly())) {
      if (e.item) items.push(e.item)
      else problems.push(e.problem)
    }
    return { items, problems, candidates: repeats.candidates }
  }
  const row = (i: number) => `cal@x,e_${i},${CHAT}`

  it('reads what parseInput reads, lines cut across its chunks, and finds repeats far apart (CSV and JSONL)', async () => {
    const lines = Array.from({ length: 12_000 }, (_, i) => row(i))
    lines[11_990] = row(7) // repeats line 9 (the header is line 1; line 6,002 takes two)
    lines[6_000] = 'cal@x,"e_1\nx",oc_bad' // a field over two lines
    const csv = `calendar_id,event_id,meeting_chat_id\r\n${lines.join('\r\n')}\r\n`
    const whole = parseInput(csv)
    const file = write(csv)
    const got = await streamed(file, Buffer.byteLength(csv))
    expect(got.items).toEqual(whole.items)
    expect(got.problems).toEqual(whole.problems)
    expect(got.problems).toContainEqual({ line: 11_993, message: 'the same item as line 9' })
    expect(got.items).toHaveLength(11_998)
    // Only the keys the Bloom filter could not tell apart are kept for the exact check.
    expect(got.candidates).toBeLessThan(20)

    const jsonl = lines.map((l) => { const [c, e, m] = l.split(','); return JSON.stringify({ calendar_id: c, event_id: e, meeting_chat_id: m }) }).join('\n')
    const both = await streamed(write(jsonl), jsonl.length)
    expect(both).toMatchObject({ items: parseInput(jsonl).items, problems: parseInput(jsonl).problems })
  })

  it('a line over 64 KiB is a bad line whose bytes are not kept; the lines after it are read', async () => {
    const long = `{"calendar_id":"${'c'.repeat(MAX_LINE_BYTES)}"}`
    const text = `${JSON.stringify({ calendar_id: 'cal', event_id: 'e_0', meeting_chat_id: CHAT })}\n${long}\n${JSON.stringify({ calendar_id: 'cal', event_id: 'e_1', meeting_chat_id: CHAT })}`
    const got = await streamed(write(text), text.length)
    expect(got.items.map((i) => [i.line, i.eventId])).toEqual([[1, 'e_0'], [3, 'e_1']])
    expect(got.problems).toEqual([{ line: 2, message: `over ${MAX_LINE_BYTES} bytes: not an item` }])
    expect(parseInput(text).problems).toEqual(got.problems)
  })

  it('a quote left open for more than 100 lines is given up there, and reading goes on after it', async () => {
    const text = `calendar_id,event_id,meeting_chat_id\n"cal,e_0,${CHAT}\n${Array.from({ length: 150 }, (_, i) => row(i + 1)).join('\n')}\n`
    const got = await streamed(write(text), text.length)
    expect(got.problems).toEqual([{ line: 2, message: 'a quote opened on this line is not closed within 100 lines: lines 2 to 101 are not sent, and reading goes on after them' }])
    expect(got.items.map((i) => i.line)).toEqual(Array.from({ length: 51 }, (_, i) => 102 + i))
  })
})
