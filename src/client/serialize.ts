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

const query = createQuerySerializer()

export function pathSerializer(pathname: string, params: Record<string, unknown>): string {
  checkValues(params, 'path')
  for (const name in params) {
    const value = params[name]
    if (value === '.' || value === '..') {
      throw new FeishuApiError({ kind: 'invalid_request', msg: `the path parameter ${name} is "${value}", which URL normalisation would turn into another path`, retryable: false })
    }
  }
  return defaultPathSerializer(pathname, params)
}

export function querySerializer(params: Record<string, unknown>): string {
  checkValues(params, 'query')
  return query(params)
}
