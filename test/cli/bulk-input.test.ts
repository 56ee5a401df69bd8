// Reading `unbind --from FILE`: JSONL or CSV, each item with its line, each bad line a problem with its number.
import { describe, expect, it } from 'vitest'
import { parseInput } from '../../src/cli/bulk-input.js'

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
