// What the CLI prints and the exit codes it ends with: one place for the words of a result, an error and a misuse.
import { FeishuApiError, type ErrorKind } from '../index.js'

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
  interrupted: 130,
}

export type Env = Readonly<Record<string, string | undefined>>

export interface Io {
  readonly out: (line: string) => void
  readonly err: (line: string) => void
  readonly env: Env
}

/** A misuse of the command line: said in one line naming the fix, exit 2. */
export class UsageError extends Error {}

/** `t-abcdef…wxyz`: enough to tell tokens apart, never enough to use one. */
export const mask = (token: string): string => (token.length <= 10 ? `${token.slice(0, 2)}…` : `${token.slice(0, 6)}…${token.slice(-4)}`)

export function report(io: Io, json: boolean, result: Record<string, unknown>, lines: string[]): void {
  if (json) io.out(JSON.stringify(result))
  else for (const line of lines) io.out(line)
}

/** The client's own errors name its parameters; the CLI's user typed flags. (The platform's words stay as they are.) */
const FLAG_OF: Record<string, string> = { meetingChatId: '--chat-id', calendarId: '--calendar-id', eventId: '--event-id', timeoutMs: '--timeout' }
const inCliTerms = (text: string) => text.replace(/\b(meetingChatId|calendarId|eventId|timeoutMs)\b/g, (name) => FLAG_OF[name] ?? name)

export function reportError(io: Io, json: boolean, error: FeishuApiError): number {
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

export function usageError(io: Io, json: boolean, message: string): number {
  if (json) io.out(JSON.stringify({ ok: false, error: { kind: 'usage', message } }))
  else io.err(`✘ ${message}`)
  return EXIT.usage
}

/** An error that is none of the above: exit 1, its message only. */
export function internalError(io: Io, json: boolean, error: unknown): number {
  const message = error instanceof Error ? error.message : String(error)
  if (json) io.out(JSON.stringify({ ok: false, error: { kind: 'internal', message } }))
  else io.err(`✘ Unexpected error: ${message}`)
  return EXIT.internal
}
