// The one place where what a server or a runtime said becomes part of what the client reports: every string that
// goes into a FeishuApiError from outside (msg, log id, details, header values, causes), and the headers of an
// answer handed back, passes through here, redacted of every secret the client has sent.
import type { FeishuApiErrorInit } from './errors.js'

const REDACTED = '[redacted]'

/** How many secrets a client remembers: the latest used, so a fleet of user tokens cannot grow it without end. */
export const MAX_SECRETS = 256

/**
 * The secrets a client has sent or holds (app secret, app ticket, app access token, tenant and user tokens): the
 * latest MAX_SECRETS used, redacted from whatever the client reports, not only from the answer to the request that
 * carried them: a server may quote a credential it received on an earlier request.
 */
export class Secrets implements Iterable<string> {
  readonly #values = new Set<string>()
  #latest: string | undefined

  /** Remembers `secret` as the latest used (shorter than 4 characters: nothing a redaction could tell from text). */
  add(secret: string): void {
    // The same token call after call: already the latest.
    if (secret.length < 4 || secret === this.#latest) return
    this.#latest = secret
    // Delete and add: the Set's order is the order of last use, so the oldest is dropped first.
    this.#values.delete(secret)
    this.#values.add(secret)
    if (this.#values.size > MAX_SECRETS) this.#values.delete(this.#values.values().next().value!)
  }

  [Symbol.iterator](): Iterator<string> {
    return this.#values.values()
  }

  // Never show the secrets in logs or inspection.
  toJSON(): Record<string, unknown> {
    return { secrets: this.#values.size }
  }
}

/** `text` with every secret replaced. */
export function redactText(text: string, secrets: Iterable<string>): string {
  let out = text
  for (const secret of secrets) if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED)
  return out
}

/** The same through the strings, and keys, of a JSON value (the body's `error` details). */
export function redactValue(value: unknown, secrets: Iterable<string>): unknown {
  if (typeof value === 'string') return redactText(value, secrets)
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets))
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactText(k, secrets), redactValue(v, secrets)]))
  }
  return value
}

/** A runtime's error reduced to its name and redacted message: the original may reference the request. */
export function plainCause(error: unknown, secrets: Iterable<string>): Error {
  const e = new Error(redactText(error instanceof Error ? error.message : String(error), secrets))
  e.name = error instanceof Error ? redactText(error.name, secrets) : 'Error'
  return e
}

/** An error's fields with every secret removed from whatever came from outside. */
export function redactInit(init: FeishuApiErrorInit, secrets: Iterable<string>): FeishuApiErrorInit {
  return {
    ...init,
    msg: redactText(init.msg, secrets),
    logId: init.logId == null ? init.logId : redactText(init.logId, secrets),
    detail: redactValue(init.detail, secrets),
    cause: init.cause === undefined ? undefined : plainCause(init.cause, secrets),
  }
}

/** `headers`, or a copy with every secret removed from its values (a server may echo the request into a log id). */
export function redactHeaders(headers: Headers, secrets: Iterable<string>): Headers {
  let copy: Headers | undefined
  for (const [name, value] of headers) {
    const clean = redactText(value, secrets)
    if (clean !== value) (copy ??= new Headers(headers)).set(name, clean)
  }
  return copy ?? headers
}
