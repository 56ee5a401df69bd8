// One attempt: send the request once, with a timeout and the caller's signal, and read the answer once
// (bounded by the size limit). It decides nothing: the transport classifies what comes back.
import { parseEnvelope, readBody, TooLarge, type Answer } from './answer.js'

export interface AttemptLimits {
  readonly timeoutMs: number
  readonly maxResponseBytes: number
  readonly signal: AbortSignal | null
  /** A fetch taking a Request (the client's `fetch` option); when absent, globalThis.fetch at this moment. */
  readonly fetch: ((request: Request) => Promise<Response>) | undefined
}

/** The attempt got no answer: it failed on the way, ran out of time, or the caller aborted it. */
export class NoAnswer extends Error {
  constructor(readonly timedOut: boolean, override readonly cause: unknown) {
    // Never shown: the transport turns it into a FeishuApiError.
    super()
  }
}

/** Errors of the connection phase: the request never left, so it cannot have done anything. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])

/** Whether a failed attempt surely never reached the server (read from the error's `code`, through its causes). */
export function neverSent(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && NOT_SENT.has(code)) return true
  }
  return false
}

/**
 * Sends the Request as openapi-fetch (or a middleware) built it, with this attempt's signal, the body as read once
 * (a retry sends it again) and redirects not followed, so that a token never leaves the configured origin.
 */
function send(request: Request, body: ArrayBuffer | undefined, signal: AbortSignal, fetch: AttemptLimits['fetch']): Promise<Response> {
  const init: RequestInit = { body, signal, redirect: 'manual' }
  return fetch ? fetch(new Request(request, init)) : globalThis.fetch(request, init)
}

const decoder = new TextDecoder()

async function answerOf(sent: Promise<Response>, maxResponseBytes: number): Promise<Answer> {
  const response = await sent
  const bytes = await readBody(response, maxResponseBytes)
  const text = decoder.decode(bytes)
  return {
    status: response.status,
    redirected: response.type === 'opaqueredirect',
    headers: response.headers,
    bytes,
    text,
    envelope: parseEnvelope(text),
  }
}

/** Sends `request` once (with `body`, read from it once) and reads the answer, within the attempt's limits. */
export async function sendAttempt(request: Request, body: ArrayBuffer | undefined, limits: AttemptLimits): Promise<Answer> {
  const { signal } = limits
  const controller = new AbortController()
  // Rejects the attempt when it must end: a fetch (or a body) that ignores the signal cannot hold the call.
  let stop: (reason: unknown) => void = () => {}
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    const reason = new DOMException(`No answer within ${limits.timeoutMs} ms`, 'TimeoutError')
    controller.abort(reason)
    stop(reason)
  }, limits.timeoutMs)
  const onAbort = () => {
    controller.abort(signal?.reason)
    stop(signal?.reason)
  }
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    // One race for the send and the read, either of which may ignore the signal: the first to settle wins.
    return await new Promise<Answer>((resolve, reject) => {
      stop = reject
      answerOf(send(request, body, controller.signal, limits.fetch), limits.maxResponseBytes).then(resolve, reject)
    })
  } catch (thrown) {
    if (thrown instanceof TooLarge) throw thrown
    throw new NoAnswer(timedOut, thrown)
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
}
