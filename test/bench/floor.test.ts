// scripts/size.ts: the call-path floor, what one unbind with a user token runs, bundled alone (issue 13's size row).
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { build } from 'esbuild'
import { callPathFloor } from '../../scripts/size.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

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
    for (const m of ['src/client/client.ts', 'src/client/api.ts', 'src/client/request.ts', 'src/client/auth/app.ts', 'src/client/auth/token-cache.ts', 'src/generated/catalog-text.ts']) expect(floor.modules).not.toContain(m)
  })
})
