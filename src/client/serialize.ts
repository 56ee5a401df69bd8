// The URL serializers handed to openapi-fetch: its own, made once, behind a check that turns a parameter no
// URL can carry (or one that would move the request to another path) into a FeishuApiError, not a URIError.
import { createQuerySerializer, defaultPathSerializer } from 'openapi-fetch'
import { FeishuApiError } from './errors.js'
import { hasLoneSurrogate } from './validate.js'

function checkValues(values: Record<string, unknown>, where: 'path' | 'query'): void {
  for (const name in values) {
    const value = values[name]
    const strings = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? Object.values(value) : [value]
    for (const s of strings) {
      if (typeof s === 'string' && hasLoneSurrogate(s)) {
        throw new FeishuApiError({ kind: 'invalid_request', msg: `the ${where} parameter ${name} contains a lone surrogate (half of a UTF-16 pair), which no URL can carry`, retryable: false })
      }
    }
  }
}

/** openapi-fetch's query serializer, made once; without checks (see querySerializer). */
export const serializeQuery = createQuerySerializer()

/** Templates compiled so far, by the URL template openapi-fetch hands over (base URL and path); bounded. */
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
 * template split once instead of matched and replaced on every call. Anything but a string or a number value,
 * or a styled parameter, goes to openapi-fetch's own serializer, so the URL is the same in every case.
 */
export function serializePath(template: string, params: Record<string, unknown>): string {
  const parts = compile(template)
  if (parts === null) return defaultPathSerializer(template, params)
  let url = parts[0]!
  for (let i = 1; i < parts.length; i += 2) {
    const value = params[parts[i]!]
    if (typeof value !== 'string' && typeof value !== 'number') return defaultPathSerializer(template, params)
    url += encodeURIComponent(value) + parts[i + 1]!
  }
  return url
}

export function pathSerializer(pathname: string, params: Record<string, unknown>): string {
  checkValues(params, 'path')
  for (const name in params) {
    const value = params[name]
    if (value === '.' || value === '..') {
      throw new FeishuApiError({ kind: 'invalid_request', msg: `the path parameter ${name} is "${value}", which URL normalisation would turn into another path`, retryable: false })
    }
  }
  return serializePath(pathname, params)
}

export function querySerializer(params: Record<string, unknown>): string {
  checkValues(params, 'query')
  return serializeQuery(params)
}
