// The client's own path serialization, without openapi-fetch: a URL template split once and filled with
// encodeURIComponent (the checks client.api runs before openapi-fetch's serializers are in request.ts).

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
