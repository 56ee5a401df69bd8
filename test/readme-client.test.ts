// Runs the client examples of the README (the ```ts blocks marked `<!-- example: run -->`) as they are
// written, against a sandbox with the demo seed, so the README cannot drift from the product.
import { readFile, writeFile } from 'node:fs/promises'
import { describe, expect, it, vi } from 'vitest'
import { demo } from '../src/msw/index.ts'
import { useReadmeSandbox } from './readme-sandbox.ts'

const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
const blocks = [...readme.matchAll(/<!-- example: run -->\n```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
const dir = new URL('./.readme-examples/', import.meta.url)
const entry = new URL('../src/index.ts', import.meta.url).pathname

const { sandbox } = useReadmeSandbox(dir)

describe('README client examples', () => {
  it('has the three examples', () => {
    expect(blocks).toHaveLength(3)
  })

  it.each(blocks.map((code, i) => [i + 1, code] as const))('example %i runs against the sandbox', async (n, code) => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const file = new URL(`example-${n}.ts`, dir)
    await writeFile(file, code.replaceAll("from 'feishu-meeting-chat'", `from '${entry}'`))
    try {
      await import(/* @vite-ignore */ file.href)
      const printed = log.mock.calls.map((args) => args.join(' ')).join('\n')
      if (n === 1) {
        expect(printed).toMatch(/^chat oc_[0-9a-f]{32}: https:\/\/applink\.feishu\.cn\//m)
        expect(printed).toMatch(/^invalid_request 195108 The chat id does not match/m)
      }
      if (n === 3) expect(printed).toMatch(/a token valid for \d+ s/)
    } finally {
      log.mockRestore()
    }
  })

  it('the second example really created a chat as Alice and unbound it', () => {
    const seeded = new Set<string>(Object.values(demo.chats))
    const made = sandbox().fake.chats.filter((c) => !seeded.has(c.chatId))
    expect(made).toHaveLength(1)
    expect(made[0]?.owner).toEqual({ userId: demo.users.alice.userId })
    expect(made[0]?.boundTo).toBeUndefined()
  })
})
