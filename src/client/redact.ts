// The one place where what a server or a runtime said becomes part of an error: every string that goes
// into a FeishuApiError from outside (msg, log id, details, header values, causes) passes through here.
import type { FeishuApiErrorInit } from './errors.js'

const REDACTED = '[redacted]'

/** `text` with every secret (4 characters or more) replaced. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED)
  return out
}

/** The same through the strings, and keys, of a JSON value (the body's `error` details). */
export function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactText(value, secrets)
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets))
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactText(k, secrets), redactValue(v, secrets)]))
  }
  return value
}

/** A runtime's error reduced to its name and redacted message: the original may reference the request. */
export function plainCause(error: unknown, secrets: readonly string[]): Error {
  const e = new Error(redactText(error instanceof Error ? error.message : String(error), secrets))
  e.name = error instanceof Error ? redactText(error.name, secrets) : 'Error'
  return e
}

/** An error's fields with every secret removed from whatever came from outside. */
export function redactInit(init: FeishuApiErrorInit, secrets: readonly string[]): FeishuApiErrorInit {
  if (secrets.length === 0) return init
  return {
    ...init,
    msg: redactText(init.msg, secrets),
    logId: init.logId == null ? init.logId : redactText(init.logId, secrets),
    detail: redactValue(init.detail, secrets),
    cause: init.cause === undefined ? undefined : plainCause(init.cause, secrets),
  }
}
