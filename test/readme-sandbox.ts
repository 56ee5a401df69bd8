// The README's examples run as a reader runs them: against a sandbox with the demo seed, found through the
// environment variables that the sandbox's banner prints, from files written in a scratch folder.
import { mkdir, rm } from 'node:fs/promises'
import { afterAll, beforeAll } from 'vitest'
import { demo } from '../src/msw/index.ts'
import { startSandbox, type Sandbox } from '../src/sandbox/server.ts'

/** Starts the sandbox and sets FEISHU_DOMAIN / FEISHU_APP_ID / FEISHU_APP_SECRET for the file's tests; `dir` is made, then removed. */
export function useReadmeSandbox(dir: URL): { readonly sandbox: () => Sandbox } {
  let sandbox: Sandbox | undefined
  const saved = { ...process.env }
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 })
    Object.assign(process.env, { FEISHU_DOMAIN: sandbox.url, FEISHU_APP_ID: demo.app.appId, FEISHU_APP_SECRET: demo.app.appSecret })
    await mkdir(dir, { recursive: true })
  })
  afterAll(async () => {
    process.env = saved
    await sandbox?.close()
    await rm(dir, { recursive: true, force: true })
  })
  return {
    sandbox: () => {
      if (!sandbox) throw new Error('the sandbox starts in beforeAll')
      return sandbox
    },
  }
}
