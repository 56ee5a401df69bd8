// The whole flow in one command, with no Feishu account: a fresh sandbox, then the real CLI as a user
// would run it — get a token, create a meeting chat, unbind it, and one refused unbind with its hint.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { demo } from '../dist/fake/demo.js'
import { startSandbox } from '../dist/sandbox/server.js'

const bin = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url))
const sandbox = await startSandbox({ port: 0 })
const env = { ...process.env, FEISHU_DOMAIN: sandbox.url, FEISHU_APP_ID: demo.app.appId, FEISHU_APP_SECRET: demo.app.appSecret }
const calendar = demo.calendars.app
const event = demo.events.appStandup
let failed = false

const exec = promisify(execFile)

async function step(n: number, title: string, args: string[], expectCode: number): Promise<string> {
  console.log(`\n── Step ${n}/4: ${title}`)
  console.log(`$ feishu-meeting-chat ${args.join(' ')}`)
  // The CLI is a separate process, as for a user; the sandbox (in this process) answers it over real HTTP.
  const run = await exec(process.execPath, [bin, ...args], { env, encoding: 'utf8', timeout: 60_000 }).then(
    (r) => ({ ...r, status: 0 }),
    (e: { stdout?: string; stderr?: string; code?: number }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '', status: e.code ?? 1 }),
  )
  process.stdout.write(run.stdout + run.stderr)
  console.log(`(exit code ${run.status})`)
  if (run.status !== expectCode) {
    failed = true
    console.error(`Expected exit code ${expectCode}.`)
  }
  return run.stdout
}

try {
  console.log(`Sandbox on ${sandbox.url}, seeded with the demo scenario; app ${demo.app.appId}.`)
  await step(1, "get a tenant_access_token with the app's credentials", ['token'], 0)
  const created = await step(2, "create the meeting chat of the app's stand-up event", ['create', '--calendar-id', calendar, '--event-id', event, '--json'], 0)
  const chatId = (JSON.parse(created) as { meetingChatId: string }).meetingChatId
  await step(3, 'unbind it', ['unbind', '--calendar-id', calendar, '--event-id', event, '--chat-id', chatId], 0)
  await step(4, 'unbind it again: refused, with the typed error and its hint', ['unbind', '--calendar-id', calendar, '--event-id', event, '--chat-id', chatId], 6)
  console.log(failed ? '\nThe flow did not go as expected (see above).' : '\nDone: the flow ran end to end. `npm start` keeps a sandbox running for you to try.')
} finally {
  await sandbox.close()
}
process.exitCode = failed ? 1 : 0
