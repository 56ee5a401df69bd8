// `feishu-meeting-chat unbind --from FILE`: unbind every item of a JSONL or CSV file, paced within the
// platform's limits, with a journal to resume from after a crash or Ctrl-C, and a progress bar on a terminal.
// The file streams in three reads, none held in memory: the first finds the lines that may repeat an earlier one,
// the second reports the bad lines and counts the items (--strict stops there), the third sends them.
import { stat } from 'node:fs/promises'
import { MultiBar, type SingleBar } from 'cli-progress'
import { unbindMeetingChats } from '../bulk/index.js'
import { FeishuApiError, type ErrorKind } from '../client/errors.js'
import { ConfigError, type MeetingChatClientOptions } from '../client/options.js'
import type { MeetingChatClient } from '../client/client.js'
import { createRateLimiter } from '../limiter/index.js'
import { findRepeats, itemKey, readInput, type InputItem } from './bulk-input.js'
import { openJournal } from './journal.js'
import { EXIT } from './output.js'

export interface BulkValues {
  readonly from: string
  readonly concurrency?: string | undefined
  readonly journal?: string | undefined
  readonly strict?: boolean | undefined
  readonly json?: boolean | undefined
}

export interface BulkIo {
  readonly out: (line: string) => void
  readonly err: (line: string) => void
  /** A progress bar goes to stderr only when it is a terminal. */
  readonly progressTty?: NodeJS.WriteStream | undefined
  /** Stops the run like Ctrl-C (SIGINT) or SIGTERM do: calls in flight stop, their items stay unfinished in the journal. */
  readonly signal?: AbortSignal | undefined
}

/** Exit code of an interrupted run (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = EXIT.interrupted

/**
 * 195108 ("chat not bound to this event") after an attempt that may have reached the platform, of this call
 * (the client's `earlierAttemptOutcomeUnknown`) or of an earlier run (sent without a final end in the journal, or not
 * recorded as done in a damaged one): that attempt did the unbind.
 */
const ALREADY_UNBOUND = 195108

type Line = Record<string, unknown>

export async function runBulkUnbind(
  values: BulkValues,
  io: BulkIo,
  makeClient: (extra: Partial<MeetingChatClientOptions>) => MeetingChatClient,
  exitCodes: Readonly<Record<'ok' | 'usage' | ErrorKind, number>>,
): Promise<number> {
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency)
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 1000)) {
    throw new ConfigError(`--concurrency must be an integer from 1 to 1000; got "${values.concurrency}".`)
  }
  // Read as bytes: a line that is not UTF-8 is a bad line, not U+FFFD sent as part of an id.
  const file = values.from
  const cannot = (error: unknown) => new ConfigError(`Cannot read ${file}: ${(error as Error).message}`)
  const identity = async () => {
    const s = await stat(file).catch((error: unknown) => { throw cannot(error) })
    if (!s.isFile()) throw new ConfigError(`Cannot read ${file}: not a file.`)
    return `${s.size} ${s.mtimeMs}`
  }
  const read = async function* (repeats: Parameters<typeof readInput>[1]) {
    try {
      yield* readInput(file, repeats)
    } catch (error) {
      if (error instanceof FeishuApiError) throw error
      throw (error as NodeJS.ErrnoException).code ? cannot(error) : new ConfigError(`${file}: ${(error as Error).message}`)
    }
  }
  const before = await identity()
  const repeats = await findRepeats(file, Number(before.split(' ')[0])).catch((error: unknown) => {
    throw (error as NodeJS.ErrnoException).code ? cannot(error) : new ConfigError(`${file}: ${(error as Error).message}`)
  })

  const json = values.json === true
  const journal = values.journal === undefined ? undefined : openJournal(values.journal)
  let items = 0
  let todo = 0
  let badLines = 0
  try {
    for await (const event of read(repeats.exactly())) {
      if (event.problem) {
        badLines++
        const p = event.problem
        if (json) io.out(JSON.stringify({ ok: false, line: p.line, kind: 'bad_line', message: p.message }))
        else io.err(`✘ ${file}:${p.line}: ${p.message}`)
        continue
      }
      items++
      if (!journal?.isFinished(itemKey(event.item))) todo++
    }
  } catch (error) {
    journal?.close()
    throw error
  }
  if (values.strict && badLines > 0) {
    journal?.close()
    const summary = { summary: true, sent: 0, badLines, refused: 'strict' }
    if (json) io.out(JSON.stringify(summary))
    else io.err(`✘ ${badLines} bad line(s) in ${file}: nothing was sent (--strict).`)
    return exitCodes.usage
  }

  if (journal?.warning) io.err(`⚠ ${journal.warning}`)
  const skipped = items - todo
  const client = makeClient({ rateLimiter: createRateLimiter({ userCalls: true }) })

  // One bar, and the failures written above it (MultiBar's log), so that its last frame is the summary's count.
  let bars: MultiBar | undefined
  let bar: SingleBar | undefined
  if (io.progressTty?.isTTY) {
    bars = new MultiBar({ stream: io.progressTty, format: 'unbind [{bar}] {value}/{total} | {failed} failed | eta {eta_formatted}', hideCursor: true })
    bar = bars.create(todo, 0, { failed: 0 })
  }

  // The journal records an item as sent when it is taken, before its call can reach the platform. The file is read
  // a third time, as it was the second (a file changed since is refused: its lines are not those reported).
  async function* source(): AsyncGenerator<InputItem> {
    if ((await identity()) !== before) throw new ConfigError(`${file} changed while it was read: run again once it is complete.`)
    for await (const event of read(repeats.exactly())) {
      if (!event.item || journal?.isFinished(itemKey(event.item))) continue
      journal?.started(event.item)
      yield event.item
    }
  }

  const stop = new AbortController()
  const onSignal = (name: string) => () => stop.abort(new Error(`interrupted (${name})`))
  const onInt = onSignal('SIGINT')
  const onTerm = onSignal('SIGTERM')
  process.once('SIGINT', onInt)
  process.once('SIGTERM', onTerm)
  const signal = io.signal ? AbortSignal.any([io.signal, stop.signal]) : stop.signal

  const counts = { succeeded: 0, failed: 0 }
  let firstFailure: ErrorKind | undefined
  try {
    for await (const result of unbindMeetingChats(source(), { client, signal, ...(concurrency !== undefined && { concurrency }) })) {
      const { item } = result
      const ids = { line: item.line, calendarId: item.calendarId, eventId: item.eventId, meetingChatId: item.meetingChatId }
      const error = result.ok ? undefined : result.error
      const api = error instanceof FeishuApiError ? error : undefined
      const alreadyUnbound = api?.code === ALREADY_UNBOUND
      const earlierAttemptDidIt = alreadyUnbound && api.earlierAttemptOutcomeUnknown
      const earlierRunDidIt = alreadyUnbound && !earlierAttemptDidIt && journal?.maybeSent(itemKey(item)) === true
      const earlierDidIt = earlierAttemptDidIt || earlierRunDidIt
      if (signal.aborted && !result.ok && !api) continue // stopped by Ctrl-C: unfinished, the journal says so
      const ok = result.ok || earlierDidIt
      journal?.ended(item, { ok, final: ok || (api !== undefined && !api.retryable), code: api?.code ?? null })
      bar?.update(counts.succeeded + counts.failed + 1, { failed: counts.failed + (ok ? 0 : 1) })
      if (ok) {
        counts.succeeded++
        if (json) io.out(JSON.stringify({ ok: true, ...ids, logId: result.ok ? result.logId : api?.logId ?? null, ...(earlierDidIt && { note: earlierAttemptDidIt ? 'unbound by an earlier attempt whose answer was lost' : 'unbound by an earlier run' }) }))
        continue
      }
      counts.failed++
      const kind: ErrorKind = api?.kind ?? 'invalid_request'
      firstFailure ??= kind
      const line: Line = { ok: false, ...ids, code: api?.code ?? null, kind, logId: api?.logId ?? null, message: api?.msg ?? error?.message }
      if (json) io.out(JSON.stringify(line))
      else {
        const text = `✘ line ${item.line}: event ${item.eventId}: ${api?.code ?? kind} ${line.message} (log id ${api?.logId ?? '(none)'})`
        if (bars) bars.log(`${text}\n`)
        else io.err(text)
      }
    }
  } finally {
    process.off('SIGINT', onInt)
    process.off('SIGTERM', onTerm)
    // The last frame: the failures logged since the last redraw, then the bar at the summary's count.
    bars?.update()
    bars?.stop()
    journal?.close()
  }

  const interrupted = signal.aborted
  const unfinished = todo - counts.succeeded - counts.failed
  const summary = { summary: true, total: items + badLines, succeeded: counts.succeeded, failed: counts.failed, badLines, skippedFromJournal: skipped, unfinished, interrupted }
  if (json) io.out(JSON.stringify(summary))
  else {
    io.out(`${counts.failed === 0 && badLines === 0 && !interrupted ? '✔' : '✘'} Unbound ${counts.succeeded} of ${todo}; ${counts.failed} failed; ${badLines} bad line(s)${skipped > 0 ? `; ${skipped} already done (journal)` : ''}${interrupted ? `; interrupted with ${unfinished} unfinished (run again with the same --journal)` : ''}.`)
  }
  if (interrupted) return EXIT_INTERRUPTED
  if (firstFailure) return exitCodes[firstFailure]
  return badLines > 0 ? exitCodes.usage : exitCodes.ok
}
