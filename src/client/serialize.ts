// The client's own path serialization, without openapi-fetch: a URL template split once and filled with
// encodeURIComponent; and the checks `client.api` (api.ts) runs before openapi-fetch's serializers.
import { FeishuApiError } from './errors.js'
import { hasLoneSurrogate } from './validate.js'

/** Templates compiled so far, by the URL template (base URL and path); bounded. */
const templates = new Map<string, readonly string[] | null>()
const MAX_TEMPLATES = 256

/**
 * `template` split at its parameters: literal, name, literal, ... (names at odd indexes), or null when one of them
 * has a style of its own (`{.name}`, `{;name}`, `{name*}`), which openapi-fetch's serializer handles.
 */
function compile(template: string): readonly string[] | null {
  let parts = templates.get(template)
  if (parts !== undefined) return parts
  const split = template.split(/\{([^{}]+)\}/)
  parts = split.every((part, i) => i % 2 === 0 || /^[\w-]+$/.test(part)) ? split : null
  if (templates.size < MAX_TEMPLATES) templates.set(template, parts)
  return parts
}

/**
 * openapi-fetch's default path serialization (simple style: each value through encodeURIComponent), with the
 * template split once instead of matched and replaced on every call; null for a value that is not a string or a
 * number, or a styled parameter, which only openapi-fetch's own serializer builds (see api.ts).
 */
export function fillPath(template: string, params: Record<string, unknown>): string | null {
  const parts = compile(template)
  if (parts === null) return null
  let url = parts[0]!
  for (let i = 1; i < parts.length; i += 2) {
    const value = params[parts[i]!]
    if (typeof value !== 'string' && typeof value !== 'number') return null
    url += encodeURIComponent(value) + parts[i + 1]!
  }
  return url
}

/**
 * What `client.api` checks in the parameters openapi-fetch serializes: a string no URL can carry, or a path
 * parameter that URL normalisation would turn into another path, is a FeishuApiError, not a URIError.
 */
export function checkParams(params: Record<string, unknown>, where: 'path' | 'query'): void {
  for (const name in params) {
    const value = params[name]
    const strings = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? Object.values(value) : [value]
    for (const s of strings) {
      if (typeof s === 'string' && hasLoneSurrogate(s)) {
        throw new FeishuApiError({ kind: 'invalid_request', msg: `the ${where} parameter ${name} contains a lone surrogate (half of a UTF-16 pair), which no URL can carry`, retryable: false })
      }
    }
  }
  if (where === 'query') return
  for (const name in params) {
    const value = params[name]
    if (value === '.' || value === '..') {
      throw new FeishuApiError({ kind: 'invalid_request', msg: `the path parameter ${name} is "${value}", which URL normalisation would turn into another path`, retryable: false })
    }
  }
}
