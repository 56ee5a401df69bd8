// Every code sample of the spec (`x-codeSamples` on each operation, shown in the docs) runs against a fresh
// sandbox, unchanged, with the environment the sandbox's banner gives for its credentials, so that no sample
// rots: curl and the CLI through `sh`, the TypeScript ones (this client, the official Node SDK) through Node
// after `tsc` has checked them against both packages' types. A sample passes when it exits 0 and the sandbox
// answered its operation with HTTP 200.
import { execFile } from 'node:child_process'
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spec } from '../../src/generated/spec.ts'
import type { OperationId } from '../../src/generated/operations.ts'
import { demoSeed } from '../../src/fake/demo.ts'
import { seedGuide } from '../../src/sandbox/guide.ts'
import { startSandbox } from '../../src/sandbox/server.ts'
import { requireBuild } from '../sandbox/support.ts'

requireBuild()

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
// Inside the package, so that `import 'feishu-meeting-chat'` resolves to the package itself (its exports map, dist/).
const DIR = join(ROOT, 'build/code-samples')
const BIN = join(DIR, 'bin')

interface Sample { readonly lang: string; readonly label: string; readonly source: string }
interface Operation { readonly id: OperationId; readonly samples: readonly Sample[] }

const operations: Operation[] = Object.values(spec.paths as Record<string, Record<string, unknown>>).flatMap((item) =>
  Object.values(item).flatMap((op) => {
    const o = op as { operationId?: OperationId; 'x-codeSamples'?: Sample[] }
    return o.operationId ? [{ id: o.operationId, samples: o['x-codeSamples'] ?? [] }] : []
  }),
)

const CLIENT = 'feishu-meeting-chat'
const SDK = '@larksuiteoapi/node-sdk'
/** The operations the CLI has a command for. */
const CLI_COMMAND: Partial<Record<OperationId, string>> = { unbindMeetingChat: 'unbind', createMeetingChat: 'create', getTenantAccessTokenInternal: 'token' }
/** The store apps' operations: their samples run with the store app's credentials, the others with the self-built app's. */
const STORE_APP_OPERATIONS = new Set<OperationId>(['getAppAccessToken', 'getTenantAccessToken', 'resendAppTicket'])

// The environment the banner prints for the demo's credentials (src/sandbox/guide.ts).
const guide = seedGuide(demoSeed())
const selfBuilt = guide.credentials.find((c) => c.label.startsWith('app ') && c.unbind.length > 0 && c.token)!
const storeApp = guide.credentials.find((c) => 'FEISHU_APP_TICKET' in c.env)!

const fileOf = (op: Operation, sample: Sample) => join(DIR, `${op.id}-${sample.label.replace(/\W+/g, '-')}.ts`)
const isTypeScript = (sample: Sample) => sample.lang === 'TypeScript'

beforeAll(async () => {
  await rm(DIR, { recursive: true, force: true })
  await mkdir(BIN, { recursive: true })
  // `feishu-meeting-chat` on PATH, as after `npm install -g feishu-meeting-chat`: the built CLI.
  const shim = join(BIN, 'feishu-meeting-chat')
  await writeFile(shim, `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'dist/cli/bin.js')}" "$@"\n`)
  await chmod(shim, 0o755)
  for (const op of operations) for (const sample of op.samples.filter(isTypeScript)) await writeFile(fileOf(op, sample), sample.source)
})
afterAll(() => rm(DIR, { recursive: true, force: true }))

describe('the spec', () => {
  it.each(operations.map((op) => [op.id, op] as const))('%s has a sample with curl, this client, the official Node SDK, and the CLI where it has a command', (id, op) => {
    const expected = ['curl', CLIENT, ...(CLI_COMMAND[id] ? ['CLI'] : []), SDK]
    expect(op.samples.map((s) => s.label).sort()).toEqual(expected.sort())
    const cli = op.samples.find((s) => s.label === 'CLI')
    if (cli) expect(cli.source).toMatch(new RegExp(`^feishu-meeting-chat ${CLI_COMMAND[id]}\\b`, 'm'))
    expect(op.samples.find((s) => s.label === CLIENT)?.source).toMatch(/from 'feishu-meeting-chat'/)
    expect(op.samples.find((s) => s.label === SDK)?.source).toMatch(/from '@larksuiteoapi\/node-sdk'/)
  })
})

it('every TypeScript sample typechecks (strict) against this package and the official SDK', () => {
  const files = operations.flatMap((op) => op.samples.filter(isTypeScript).map((s) => fileOf(op, s)))
  expect(files.length).toBeGreaterThanOrEqual(operations.length * 2)
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    noUncheckedIndexedAccess: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    skipLibCheck: true,
  })
  const problems = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName.split('/').pop()}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)
  expect(problems).toEqual([])
})

function run(file: string, args: readonly string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: DIR, env: { PATH: `${BIN}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '', ...env }, timeout: 30_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: `${stdout}${stderr}` })
    })
  })
}

describe('each sample, run against a fresh sandbox with the demo seed', () => {
  const cases = operations.flatMap((op) => op.samples.map((sample) => [`${op.id}: ${sample.label}`, op, sample] as const))
  it.each(cases)('%s', { timeout: 60_000 }, async (_name, op, sample) => {
    const sandbox = await startSandbox({ port: 0 })
    try {
      const credential = STORE_APP_OPERATIONS.has(op.id) ? storeApp : selfBuilt
      const env: Record<string, string> = { FEISHU_DOMAIN: sandbox.url, ...credential.env }
      if (credential.token) env.FEISHU_TENANT_ACCESS_TOKEN = credential.token.value
      if (sample.source.includes('$APP_ACCESS_TOKEN')) {
        // What the sample's comment says to bring: a token from app_access_token, got the documented way.
        const answer = await fetch(`${sandbox.url}/open-apis/auth/v3/app_access_token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ app_id: env.FEISHU_APP_ID, app_secret: env.FEISHU_APP_SECRET, app_ticket: env.FEISHU_APP_TICKET }),
        })
        env.APP_ACCESS_TOKEN = ((await answer.json()) as { app_access_token: string }).app_access_token
      }
      const before = sandbox.fake.calls.length
      const result = isTypeScript(sample) ? await run(process.execPath, [fileOf(op, sample)], env) : await run('sh', ['-ec', sample.source], env)
      const calls = sandbox.fake.calls.slice(before)
      expect(result.code, result.out).toBe(0)
      expect(calls.filter((c) => c.operationId === op.id).map((c) => c.status), result.out).toContain(200)
      expect(calls.filter((c) => c.status !== 200), result.out).toEqual([])
    } finally {
      await sandbox.close()
    }
  })
})
