// The `feishu-meeting-chat` command: unbind / create a meeting chat, get a token, or run the sandbox. A thin shell
// over the client and the sandbox: this file dispatches; flags.ts reads the command line, env.ts makes the client
// from the environment, fleet.ts its budget and Redis, output.ts says the outcome, sandbox.ts and bulk.ts run theirs.
import { readFile } from 'node:fs/promises'
import { FeishuApiError } from '../index.js'
import { ConfigError } from '../client/options.js'
import { runBulkUnbind } from './bulk.js'
import { authFromEnv, clientFrom, required } from './env.js'
import { fleetFrom, type Fleet } from './fleet.js'
import { HELP, parseFlags, type Values } from './flags.js'
import { EXIT, internalError, mask, report, reportError, UsageError, usageError, type Io } from './output.js'
import { runSandbox } from './sandbox.js'

export { EXIT, mask, type Io } from './output.js'

/** The installed package's version (package.json sits two folders up from src/cli/ and dist/cli/). */
async function packageVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return manifest.version
}

const FLEET_FLAGS = ['redis', 'per-second', 'per-minute'] as const

/** Runs one command line; returns the exit code. Exported for tests, which still run the real process too. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv)
  // --json may itself be what a misused flag took as its value (`--timeout --json`): asked for is enough.
  if (parsed.misuse !== null) return usageError(io, argv.includes('--json'), parsed.misuse)
  const { values, positionals } = parsed
  const command = positionals[0]
  if (values.version) {
    io.out(await packageVersion())
    return EXIT.ok
  }
  if (values.help || command === undefined || command === 'help') {
    io.out(HELP)
    return command === undefined && !values.help ? EXIT.usage : EXIT.ok
  }
  const json = values.json
  let fleet: Fleet | undefined
  try {
    if (positionals.length > 1) throw new UsageError(`Unexpected argument "${positionals[1]}". See feishu-meeting-chat --help.`)
    if (command !== 'unbind' && command !== 'create') {
      const misplaced = FLEET_FLAGS.find((flag) => values[flag] !== undefined)
      if (misplaced) throw new UsageError(`--${misplaced} applies to unbind and create, not ${command}.`)
    }
    // The sandbox stops on Ctrl-C as its way to end (exit 0); a call stopped halfway is an outcome of its own.
    if (command === 'sandbox') return await runSandbox(values, io)
    if (command === 'unbind' || command === 'create') {
      fleet = fleetFrom(values, io.env, io, command === 'unbind' ? 'unbindMeetingChat' : 'createMeetingChat', authFromEnv(io.env))
    }
    const withFleet = fleet?.options ?? {}
    // unbind --from stops its own way on Ctrl-C: calls in flight end, the journal is kept (src/cli/bulk.ts).
    if (command === 'unbind' && values.from !== undefined) {
      return await runBulkUnbind(values as typeof values & { from: string }, { ...io, progressTty: process.stderr }, (extra) => clientFrom(values, io.env, { ...extra, ...withFleet }), EXIT)
    }
    return await interruptible(io, json, () => call(command, values, io, json, withFleet))
  } catch (error) {
    if (error instanceof FeishuApiError) return reportError(io, json, error)
    if (error instanceof UsageError || error instanceof ConfigError) return usageError(io, json, error.message)
    return internalError(io, json, error)
  } finally {
    fleet?.close()
  }
}

/** Ctrl-C during a call: one line, exit 130 (bin.js then exits without waiting for the abandoned request). */
async function interruptible(io: Io, json: boolean, work: () => Promise<number>): Promise<number> {
  let onInterrupt = () => {}
  const interrupted = new Promise<number>((resolve) => {
    onInterrupt = () => {
      const message = 'Interrupted (Ctrl-C): the call may or may not have reached the platform.'
      if (json) io.out(JSON.stringify({ ok: false, error: { kind: 'interrupted', message } }))
      else io.err(`✘ ${message}`)
      resolve(EXIT.interrupted)
    }
  })
  process.once('SIGINT', onInterrupt)
  try {
    return await Promise.race([work(), interrupted])
  } finally {
    process.off('SIGINT', onInterrupt)
  }
}

async function call(command: string | undefined, values: Values, io: Io, json: boolean, fleet: Fleet['options']): Promise<number> {
  switch (command) {
    case 'token': {
      const client = clientFrom(values, io.env)
      const env = io.env
      if (!env.FEISHU_APP_ID) throw new UsageError('token needs app credentials: set FEISHU_APP_ID and FEISHU_APP_SECRET.')
      if (env.FEISHU_APP_TICKET || env.FEISHU_TENANT_KEY) throw new UsageError("token shows a self-built app's tenant_access_token; a store app's comes from its ticket when you call unbind or create.")
      const { data, response } = await client.api.POST('/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: env.FEISHU_APP_ID, app_secret: env.FEISHU_APP_SECRET ?? '' } })
      const token = data?.tenant_access_token ?? ''
      // The client hands back the answer's headers redacted of every secret it sent (a server may echo the body there).
      const logId = response.headers.get('x-tt-logid')
      report(io, json, { ok: true, operation: 'getTenantAccessTokenInternal', token: mask(token), expire: data?.expire, logId }, [
        `✔ Got a tenant_access_token ${mask(token)} for ${env.FEISHU_APP_ID}, valid for ${data?.expire} s (log id ${logId ?? '(none)'})`,
      ])
      return EXIT.ok
    }
    case 'unbind': {
      const calendarId = required(values['calendar-id'], 'calendar-id', 'unbind')
      const eventId = required(values['event-id'], 'event-id', 'unbind')
      const meetingChatId = required(values['chat-id'], 'chat-id', 'unbind')
      const { logId } = await clientFrom(values, io.env, fleet).unbindMeetingChat({ calendarId, eventId, meetingChatId })
      report(io, json, { ok: true, operation: 'unbindMeetingChat', calendarId, eventId, meetingChatId, logId }, [
        `✔ Unbound meeting chat ${meetingChatId} from event ${eventId} (log id ${logId ?? '(none)'})`,
      ])
      return EXIT.ok
    }
    case 'create': {
      const calendarId = required(values['calendar-id'], 'calendar-id', 'create')
      const eventId = required(values['event-id'], 'event-id', 'create')
      const chat = await clientFrom(values, io.env, fleet).createMeetingChat({ calendarId, eventId })
      report(io, json, { ok: true, operation: 'createMeetingChat', calendarId, eventId, ...chat }, [
        `✔ Created meeting chat ${chat.meetingChatId} for event ${eventId} (log id ${chat.logId ?? '(none)'})`,
        `  applink: ${chat.applink}`,
      ])
      return EXIT.ok
    }
    default:
      throw new UsageError(`Unknown command "${command}". Commands: unbind, create, token, sandbox. See feishu-meeting-chat --help.`)
  }
}
