// scripts/size.ts: the call-path floor, what one unbind with a user token runs, bundled alone (issue 13's size row).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { build } from 'esbuild'
import { buildCallPathFloor, callPathFloor } from '../../scripts/size.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const IDS = { calendarId: 'feishu.cn_abc@group.calendar.feishu.cn', eventId: 'e-1_0', meetingChatId: 'oc_a0553eda9014c201e6969b478895c230' }

afterEach(() => vi.unstubAllGlobals())

describe('callPathFloor', () => {
  it('measures the call path from src/: the rules of a call are in it, the client object and what loads on demand are not', async () => {
    const floor = await callPathFloor(ROOT)
    // The user-token app from src/, all of it in one file, as the figure for comparison.
    const app = await build({
      stdin: { contents: `import { createMeetingChatClient } from ${JSON.stringify(`${ROOT}src/index.ts`)}\nconst c = createMeetingChatClient()\nexport const u = (ids, t) => c.unbindMeetingChat(ids, { userAccessToken: t })`, resolveDir: ROOT, loader: 'js' },
      bundle: true, minify: true, format: 'esm', platform: 'browser', charset: 'utf8', write: false, logLevel: 'silent',
    })
    expect(floor.min).toBeGreaterThan(10_000)
    expect(floor.min).toBeLessThan(app.outputFiles[0]!.contents.length)
    expect(floor.gzip).toBeLessThan(floor.min)
    expect(floor.proseGzip).toBeLessThan(floor.gzip)
    expect(floor.prose).toBeGreaterThan(floor.proseGzip)
    for (const m of ['options', 'call', 'validate', 'transport', 'attempt', 'answer', 'retry', 'redact', 'errors']) expect(floor.modules).toContain(`src/client/${m}.ts`)
    for (const m of ['src/client/client.ts', 'src/client/api.ts', 'src/client/request.ts', 'src/client/auth/app.ts', 'src/client/auth/token-cache.ts', 'src/generated/catalog-text.ts', 'src/client/verdict.ts', 'src/client/explain.ts']) expect(floor.modules).not.toContain(m)
  })

  it('is a working call path: the bundle unbinds with a user token, and refuses bad ids and refused answers as the client does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floor-'))
    try {
      // Every chunk of the floor written out: what a refused id or answer loads on demand beside it.
      const { files } = await buildCallPathFloor(ROOT)
      for (const [name, contents] of Object.entries(files)) {
        await mkdir(dirname(join(dir, name)), { recursive: true })
        await writeFile(join(dir, name), contents)
      }
      await writeFile(join(dir, 'package.json'), '{"type":"module"}')
      const file = join(dir, 'floor.js')
      const { unbind } = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { unbind: (ids: unknown, token: string) => Promise<Response> }
      const sent: Request[] = []
      let answer = () => Response.json({ code: 0, msg: 'success', data: {} })
      vi.stubGlobal('fetch', async (url: string, init: RequestInit) => { sent.push(new Request(url, init)); return answer() })
      await unbind(IDS, 'u-user-token-1234')
      expect(sent.map((r) => [r.method, r.url, r.headers.get('authorization')])).toEqual([
        ['DELETE', 'https://open.feishu.cn/open-apis/calendar/v4/calendars/feishu.cn_abc%40group.calendar.feishu.cn/events/e-1_0/meeting_chat?meeting_chat_id=oc_a0553eda9014c201e6969b478895c230', 'Bearer u-user-token-1234'],
      ])
      await expect(unbind({ ...IDS, meetingChatId: 'chat' }, 'u-user-token-1234')).rejects.toMatchObject({ name: 'FeishuApiError', kind: 'invalid_request' })
      await expect(unbind(IDS, 't-a-tenant-token')).rejects.toMatchObject({ name: 'FeishuConfigError' })
      answer = () => Response.json({ code: 195108, msg: 'the chat is not bound' }, { status: 400, headers: { 'x-tt-logid': 'log-u-user-token-1234' } })
      const refused = await unbind(IDS, 'u-user-token-1234').then(() => { throw new Error('the refused answer resolved') }, (e: unknown) => e as { code: number; kind: string; logId: string; message: string })
      expect(refused).toMatchObject({ code: 195108, kind: 'invalid_request', logId: 'log-[redacted]' })
      expect(refused.message).not.toContain('u-user-token-1234')
      expect(sent).toHaveLength(2)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
