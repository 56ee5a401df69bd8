// The `feishu-meeting-chat` command: unbind / create a meeting chat, get a token, or run the sandbox.
// A thin shell over the client and the sandbox; output and exit codes are its only logic.
import { readFile } from 'node:fs/promises'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { createMeetingChatClient, FeishuApiError, type ErrorKind, type MeetingChatClient, type MeetingChatClientOptions } from '../index.js'
import { ConfigError } from '../client/options.js'
import { demoSeed } from '../fake/demo.js'
import { SeedError, validateSeed, type Seed } from '../fake/seed.js'
import { sandboxBanner } from '../sandbox/banner.js'
import { DEFAULT_PORT, startSandbox } from '../sandbox/server.js'
import { EXIT_INTERRUPTED, runBulkUnbind } from './bulk.js'

/** Exit codes, one per outcome; documented in the README and in --help. */
export const EXIT: Record<'ok' | 'internal' | 'usage' | ErrorKind | 'interrupted', number> = {
  ok: 0,
  internal: 1,
  usage: 2,
  auth: 3,
  permission: 4,
  not_found: 5,
  invalid_request: 6,
  rate_limited: 7,
  server: 8,
  network: 9,
  timeout: 10,
  protocol: 11,
  // 128 + SIGINT, what shells report for Ctrl-C (a single call, or unbind --from).
  interrupted: EXIT_INTERRUPTED,
}

const HELP = `feishu-meeting-chat — unbind or create the meeting chat of a Feishu / Lark calendar event

Usage:
  feishu-meeting-chat unbind --calendar-id ID --event-id ID --chat-id oc_...
  feishu-meeting-chat unbind --from FILE [--concurrency N] [--journal FILE] [--strict]
                                                 every item of a JSONL or CSV file (calendar_id,event_id,
                                                 meeting_chat_id), paced within the rate limits; the journal
                                                 lets a new run resume; --strict sends nothing if a line is bad
  feishu-meeting-chat create --calendar-id ID --event-id ID
  feishu-meeting-chat token                      a self-built app's tenant_access_token (shown masked)
  feishu-meeting-chat sandbox [--port N] [--seed FILE] [--print-seed]
                                                 a local fake of the platform on 127.0.0.1

Options:
  --domain feishu|lark|URL   where to call (default feishu, or $FEISHU_DOMAIN)
  --json                     print one JSON object instead of text
  --timeout MS               per-attempt timeout (default 10000)
  --no-retry                 a single attempt
  -h, --help                 this help
  -v, --version              the package's version

Credentials come from the environment, never from flags:
  FEISHU_APP_ID + FEISHU_APP_SECRET        self-built app (app identity)
    + FEISHU_APP_TICKET + FEISHU_TENANT_KEY  store app
  FEISHU_TENANT_ACCESS_TOKEN               a tenant_access_token (app identity)
  FEISHU_USER_ACCESS_TOKEN                 a user_access_token (user identity)

Exit codes: ${Object.entries(EXIT).map(([name, code]) => `${code} ${name.replace('_', ' ')}`).join(', ')}.
`

const OPTIONS = {
  'calendar-id': { type: 'string' },
  'event-id': { type: 'string' },
  'chat-id': { type: 'string' },
  // unbind --from FILE (src/cli/bulk.ts)
  from: { type: 'string' },
  concurrency: { type: 'string' },
  journal: { type: 'string' },
  strict: { type: 'boolean', default: false },
  domain: { type: 'string' },
  json: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  'no-retry': { type: 'boolean', default: false },
  port: { type: 'string' },
  seed: { type: 'string' },
  'print-seed': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
} as const satisfies ParseArgsConfig['options']

type Env = Readonly<Record<string, string | undefined>>

export interface Io {
  readonly out: (line: string) => void
  readonly err: (line: string) => void
  readonly env: Env
}

class UsageError extends Error {}

/** The installed package's version (package.json sits two folders up from src/cli/ and dist/cli/). */
async function packageVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return manifest.version
}

function required(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value === '') throw new UsageError(`${command} needs --${flag}. See feishu-meeting-chat --help.`)
  return value
}

function authFromEnv(env: Env): MeetingChatClientOptions['auth'] {
  const { FEISHU_APP_ID: appId, FEISHU_APP_SECRET: appSecret, FEISHU_APP_TICKET: appTicket, FEISHU_TENANT_KEY: tenantKey } = env
  if (env.FEISHU_USER_ACCESS_TOKEN) return { userAccessToken: env.FEISHU_USER_ACCESS_TOKEN }
  if (env.FEISHU_TENANT_ACCESS_TOKEN) return { tenantAccessToken: env.FEISHU_TENANT_ACCESS_TOKEN }
  if (appId || appSecret) {
    if (!appId || !appSecret) throw new UsageError('Set both FEISHU_APP_ID and FEISHU_APP_SECRET.')
    if (appTicket || tenantKey) {
      if (!appTicket || !tenantKey) throw new UsageError('A store app needs both FEISHU_APP_TICKET and FEISHU_TENANT_KEY.')
      return { appId, appSecret, appTicket: () => appTicket, tenantKey }
    }
    return { appId, appSecret }
  }
  throw new UsageError('No credentials: set FEISHU_APP_ID and FEISHU_APP_SECRET, or FEISHU_TENANT_ACCESS_TOKEN, or FEISHU_USER_ACCESS_TOKEN.')
}

function clientFrom(values: { domain?: string; timeout?: string; 'no-retry'?: boolean }, env: Env, extra: Partial<MeetingChatClientOptions> = {}): MeetingChatClient {
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout)
  if (timeoutMs !== undefined && !(timeoutMs >= 1)) throw new UsageError(`--timeout must be a number of milliseconds >= 1; got "${values.timeout}".`)
  const domain = values.domain ?? env.FEISHU_DOMAIN
  return createMeetingChatClient({
    ...(domain !== undefined && { domain }),
    auth: authFromEnv(env),
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(values['no-retry'] && { retry: false as const }),
    ...extra,
  })
}

/** `t-abcdef…wxyz`: enough to tell tokens apart, never enough to use one. */
export const mask = (token: string): string => (token.length <= 10 ? `${token.slice(0, 2)}…` : `${token.slice(0, 6)}…${token.slice(-4)}`)

function report(io: Io, json: boolean, result: Record<string, unknown>, lines: string[]): void {
  if (json) io.out(JSON.stringify(result))
  else for (const line of lines) io.out(line)
}

/** The client's own errors name its parameters; the CLI's user typed flags. (The platform's words stay as they are.) */
const FLAG_OF: Record<string, string> = { meetingChatId: '--chat-id', calendarId: '--calendar-id', eventId: '--event-id', timeoutMs: '--timeout' }
const inCliTerms = (text: string) => text.replace(/\b(meetingChatId|calendarId|eventId|timeoutMs)\b/g, (name) => FLAG_OF[name] ?? name)

function reportError(io: Io, json: boolean, error: FeishuApiError): number {
  const say = (text: string) => (error.code === null ? inCliTerms(text) : text)
  const hint = { en: say(error.hint.en), zh: say(error.hint.zh) }
  if (json) io.out(JSON.stringify({ ok: false, error: { ...error.toJSON(), message: say(error.message), msg: say(error.msg), hint } }))
  else {
    const head = error.code === null ? `✘ ${error.kind} error` : `✘ Refused: ${error.code} ${error.msg}`
    io.err(`${head}${error.httpStatus === null ? '' : ` (HTTP ${error.httpStatus})`}${error.operation ? ` in ${error.operation}` : ''}`)
    if (error.code === null) io.err(`  ${say(error.msg)}`)
    io.err(`  hint: ${hint.en}`)
    io.err(`  提示: ${hint.zh}`)
    if (error.earlierAttemptOutcomeUnknown) io.err('  note: an earlier attempt got no answer and may have succeeded')
    // attempts is 0 when the client refused the call before sending anything.
    io.err(`  kind: ${error.kind}, retryable: ${error.retryable ? 'yes' : 'no'}${error.attempts > 0 ? `, attempts: ${error.attempts}` : ', nothing was sent'}`)
    io.err(`  log id: ${error.logId ?? '(none)'}`)
  }
  return EXIT[error.kind]
}

async function loadSeed(file: string): Promise<Seed> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new UsageError(`Cannot read the seed file ${file}: ${(error as Error).message}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`The seed file ${file} is not valid JSON: ${(error as Error).message}`)
  }
  try {
    return validateSeed(data)
  } catch (error) {
    if (error instanceof SeedError) {
      const lines = [...error.problems, ...(error.moreProblems > 0 ? [`and ${error.moreProblems} more`] : [])].map((p) => `  - ${p}`)
      throw new UsageError(`The seed file ${file} is not a valid seed:\n${lines.join('\n')}\nSee the README, "Seeds" (under "Mocks for your tests"), or print the demo with --print-seed.`)
    }
    throw error
  }
}

async function runSandbox(values: { port?: string; seed?: string; 'print-seed'?: boolean }, io: Io): Promise<number> {
  if (values['print-seed']) {
    io.out(JSON.stringify(demoSeed(), null, 2))
    return EXIT.ok
  }
  const rawPort = values.port ?? io.env.PORT
  const port = rawPort === undefined ? DEFAULT_PORT : Number(rawPort)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port (or PORT) must be an integer from 0 to 65535; got "${rawPort}".`)
  const seed = values.seed === undefined ? demoSeed() : await loadSeed(values.seed)
  let sandbox
  try {
    sandbox = await startSandbox({ port, seed })
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'EADDRINUSE') throw new UsageError(`Port ${port} is in use: pick another with --port N (or PORT=N; 0 picks a free one).`)
    throw error
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      io.out(`\n${signal}: stopping the sandbox.`)
      void sandbox.close().then(resolve)
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
    io.out(sandboxBanner(sandbox.url, seed, values.seed ?? null).join('\n'))
  })
  return EXIT.ok
}

/** What parseArgs returns once flagMisuse found nothing: every boolean has its default, strings a value. */
type Values = { [K in keyof typeof OPTIONS]: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string | undefined }
type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number]

/** The first misuse of a flag (unknown, missing or unwanted value, given twice), as one line naming the fix. */
function flagMisuse(tokens: readonly Token[]): string | null {
  const seen = new Set<string>()
  for (const token of tokens) {
    if (token.kind !== 'option') continue
    const config = (OPTIONS as Record<string, { type: 'string' | 'boolean' }>)[token.name]
    if (!config) return `Unknown flag ${token.rawName}. See feishu-meeting-chat --help for the flags.`
    const flag = `--${token.name}`
    if (config.type === 'boolean' && token.value !== undefined) return `${flag} takes no value; got "${token.value}".`
    // parseArgs (not strict) takes the next argument as the value, even another flag: `--timeout --json`.
    if (config.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('--')))) {
      return `${flag} needs a value: ${flag} VALUE (or ${flag}=VALUE).`
    }
    if (seen.has(token.name)) return `${flag} is given twice: give it once.`
    seen.add(token.name)
  }
  return null
}

function usageError(io: Io, json: boolean, message: string): number {
  if (json) io.out(JSON.stringify({ ok: false, error: { kind: 'usage', message } }))
  else io.err(`✘ ${message}`)
  return EXIT.usage
}

/** Runs one command line; returns the exit code. Exported for tests, which still run the real process too. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: false, tokens: true })
  const misuse = flagMisuse(parsed.tokens)
  // --json may itself be what a misused flag took as its value (`--timeout --json`): asked for is enough.
  if (misuse) return usageError(io, argv.includes('--json'), misuse)
  const { values, positionals } = parsed as unknown as { values: Values; positionals: string[] }
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
  try {
    if (positionals.length > 1) throw new UsageError(`Unexpected argument "${positionals[1]}". See feishu-meeting-chat --help.`)
    // The sandbox stops on Ctrl-C as its way to end (exit 0); a call stopped halfway is an outcome of its own.
    if (command === 'sandbox') return await runSandbox(values, io)
    // unbind --from stops its own way on Ctrl-C: calls in flight end, the journal is kept (src/cli/bulk.ts).
    if (command === 'unbind' && values.from !== undefined) {
      return await runBulkUnbind(values as typeof values & { from: string }, { ...io, progressTty: process.stderr }, (extra) => clientFrom(values, io.env, extra), EXIT)
    }
    return await interruptible(io, json, () => call(command, values, io, json))
  } catch (error) {
    if (error instanceof FeishuApiError) return reportError(io, json, error)
    if (error instanceof UsageError || error instanceof ConfigError) return usageError(io, json, error.message)
    const message = error instanceof Error ? error.message : String(error)
    if (json) io.out(JSON.stringify({ ok: false, error: { kind: 'internal', message } }))
    else io.err(`✘ Unexpected error: ${message}`)
    return EXIT.internal
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

async function call(command: string | undefined, values: Values, io: Io, json: boolean): Promise<number> {
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
      const { logId } = await clientFrom(values, io.env).unbindMeetingChat({ calendarId, eventId, meetingChatId })
      report(io, json, { ok: true, operation: 'unbindMeetingChat', calendarId, eventId, meetingChatId, logId }, [
        `✔ Unbound meeting chat ${meetingChatId} from event ${eventId} (log id ${logId ?? '(none)'})`,
      ])
      return EXIT.ok
    }
    case 'create': {
      const calendarId = required(values['calendar-id'], 'calendar-id', 'create')
      const eventId = required(values['event-id'], 'event-id', 'create')
      const chat = await clientFrom(values, io.env).createMeetingChat({ calendarId, eventId })
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
