// The URL serializers handed to openapi-fetch: its own, made once, behind a check that turns a parameter no
// URL can carry into a FeishuApiError instead of encodeURIComponent's URIError.
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
  return defaultPathSerializer(pathname, params)
}

export function querySerializer(params: Record<string, unknown>): string {
  checkValues(params, 'query')
  return query(params)
}
