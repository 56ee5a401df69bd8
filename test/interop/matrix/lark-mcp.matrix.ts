// The official Lark OpenAPI MCP server (@larksuiteoapi/lark-mcp), unmodified, pointed at the sandbox with `-d` and
// driven over stdio by an MCP client (@modelcontextprotocol/sdk): its meeting-chat tools create a chat, unbind it and
// meet the refusal of a second unbind, as the app (the tenant token it fetches itself) and as a user (`-u`).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { demo } from '../../../src/fake/demo.ts'
import { statedVersion, states } from '../readme.ts'
import { binOf, eventOf, installed, load } from './clients.ts'

interface ToolResult {
  readonly content: readonly { readonly type: string; readonly text?: string }[]
  readonly isError?: boolean
}
interface McpClient {
  connect(transport: unknown): Promise<void>
  listTools(): Promise<{ tools: readonly { name: string }[] }>
  callTool(call: { name: string; arguments: Record<string, unknown> }): Promise<ToolResult>
  close(): Promise<void>
}
interface Stdio {
  readonly stderr: NodeJS.ReadableStream | null
}

const TOOLS = ['calendar.v4.calendarEventMeetingChat.create', 'calendar.v4.calendarEventMeetingChat.delete']
let client: McpClient
let tools: string[]
let stderr = ''

beforeAll(async () => {
  const { Client } = await load<{ Client: new (info: { name: string; version: string }) => McpClient }>('@modelcontextprotocol/sdk/client/index.js')
  const { StdioClientTransport } = await load<{ StdioClientTransport: new (params: { command: string; args: string[]; stderr: 'pipe' }) => Stdio }>('@modelcontextprotocol/sdk/client/stdio.js')
  const args = [binOf('@larksuiteoapi/lark-mcp', 'lark-mcp'), 'mcp', '-a', demo.app.appId, '-s', demo.app.appSecret, '-d', inject('sandboxUrl'), '-t', TOOLS.join(','), '-u', demo.users.alice.userAccessToken]
  const transport = new StdioClientTransport({ command: process.execPath, args, stderr: 'pipe' })
  // Its warnings (no keychain: installed with --ignore-scripts) are kept for a failure's message.
  transport.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-8000) })
  client = new Client({ name: 'feishu-meeting-chat-interop', version: '1.0.0' })
  await client.connect(transport)
  tools = (await client.listTools()).tools.map((t) => t.name)
})
afterAll(() => client?.close())

const tool = (suffix: string) => tools.find((name) => name.endsWith(suffix)) ?? ''
/** What a tool call said: the platform's answer, from the text the tool returns. */
const said = (result: ToolResult): { isError: boolean; body: Record<string, unknown> } => {
  const text = result.content.find((c) => c.type === 'text')?.text ?? ''
  return { isError: result.isError === true, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text } }
}

it('is the version the README names', () => {
  expect(statedVersion('`@larksuiteoapi/lark-mcp`')).toBe(installed('@larksuiteoapi/lark-mcp'))
  expect(statedVersion('`@modelcontextprotocol/sdk`')).toBe(installed('@modelcontextprotocol/sdk'))
})

it('lists the two meeting-chat tools asked for', () => {
  expect(tools, stderr).toEqual(['calendar_v4_calendarEventMeetingChat_create', 'calendar_v4_calendarEventMeetingChat_delete'])
})

const figures: string[] = []
/** Tool calls that answered as expected. */
let calls = 0

describe.each([
  ['the app', false, demo.calendars.app],
  ['a user', true, demo.calendars.alice],
] as const)('as %s', (who, useUAT, calendarId) => {
  it('creates a meeting chat, unbinds it, and sees 195108 on the second unbind', async () => {
    const path = { calendar_id: calendarId, event_id: eventOf('lark-mcp') }
    const created = said(await client.callTool({ name: tool('_create'), arguments: { path, useUAT } }))
    expect(created, stderr).toMatchObject({ isError: false, body: { meeting_chat_id: expect.stringMatching(/^oc_[0-9a-f]{32}$/) } })
    const unbind = { name: tool('_delete'), arguments: { path, params: { meeting_chat_id: created.body.meeting_chat_id }, useUAT } }
    expect(said(await client.callTool(unbind)), stderr).toMatchObject({ isError: false })
    expect(said(await client.callTool(unbind))).toEqual({ isError: true, body: { code: 195108, msg: 'chat not match with event' } })
    calls += 3
    figures.push(`as ${who}: create, unbind, refused unbind (195108)`)
  })

  it('acts as that identity: on the other one\'s calendar it is refused as not its own', async () => {
    const other = useUAT ? demo.calendars.app : demo.calendars.alice
    const refused = said(await client.callTool({ name: tool('_create'), arguments: { path: { calendar_id: other, event_id: eventOf('lark-mcp') }, useUAT } }))
    // Alice has no role on the app's calendar (191002); the app may write Alice's, which is not its own (191004).
    expect(refused).toMatchObject({ isError: true, body: { code: useUAT ? 191002 : 191004 } })
    calls += 1
  })
})

it('prints the figures, which the README states', () => {
  console.log(`lark-mcp ${installed('@larksuiteoapi/lark-mcp')} over stdio (@modelcontextprotocol/sdk ${installed('@modelcontextprotocol/sdk')}), tools: ${tools.join(', ')}\n${figures.join('\n')}\n${calls}/8 tool calls as expected`)
  expect(states(`${calls} of 8 tool calls`), `the README says ${calls} of 8 tool calls`).toBe(true)
})
