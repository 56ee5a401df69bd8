/** A value as an error message quotes it: its type, and the value itself when short (a long string only by its length). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value)
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object'
  return `${typeof value} ${String(value)}`
}

/** A secret as an error message may describe it: its type and length, never its value. */
export const describeSecret = (value: unknown): string =>
  typeof value === 'string' ? `a string of ${value.length} characters` : value === null ? 'null' : typeof value
