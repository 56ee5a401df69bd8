// The command line's flags: what each takes, the help, and the first misuse of one as a line naming the fix.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { EXIT } from './output.js'

export const HELP = `feishu-meeting-chat — unbind or create the meeting chat of a Feishu / Lark calendar event

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

Fleets (unbind, create):
  --per-second N             the app's budget per second for the operation (default: the documented one,
  --per-minute N             50/s and 1000/min for unbind); 10% is kept as headroom
  --redis URL                share the budget and the tenant token with every process using this Redis
                             (or $REDIS_URL), e.g. redis://127.0.0.1:6379; if Redis fails, this process goes
                             on alone and says so

Credentials come from the environment, never from flags:
  FEISHU_APP_ID + FEISHU_APP_SECRET        self-built app (app identity)
    + FEISHU_APP_TICKET + FEISHU_TENANT_KEY  store app
  FEISHU_TENANT_ACCESS_TOKEN               a tenant_access_token (app identity)
  FEISHU_USER_ACCESS_TOKEN                 a user_access_token (user identity)

Exit codes: ${Object.entries(EXIT).map(([name, code]) => `${code} ${name.replace('_', ' ')}`).join(', ')}.
`

export const OPTIONS = {
  'calendar-id': { type: 'string' },
  'event-id': { type: 'string' },
  'chat-id': { type: 'string' },
  // unbind --from FILE (src/cli/bulk.ts)
  from: { type: 'string' },
  concurrency: { type: 'string' },
  journal: { type: 'string' },
  strict: { type: 'boolean', default: false },
  // a fleet (src/cli/fleet.ts)
  redis: { type: 'string' },
  'per-second': { type: 'string' },
  'per-minute': { type: 'string' },
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

/** What parseArgs returns once flagMisuse found nothing: every boolean has its default, strings a value. */
export type Values = { [K in keyof typeof OPTIONS]: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string | undefined }
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

/** The flags and words of a command line, or the first misuse of a flag. */
export function parseFlags(argv: readonly string[]): { misuse: string } | { misuse: null; values: Values; positionals: string[] } {
  const parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: false, tokens: true })
  const misuse = flagMisuse(parsed.tokens)
  if (misuse) return { misuse }
  const { values, positionals } = parsed as unknown as { values: Values; positionals: string[] }
  return { misuse: null, values, positionals }
}
