// msw request handlers over a responder: one per operation of the spec and origin, each passing the
// request to the responder's `handle`, so msw, a server and a direct call all answer alike.
import { http, type HttpHandler } from 'msw'
import { mockOperations, specOrigins } from '../contract/operations.js'
import type { MockResponder } from '../mock/responder.js'

export interface HandlerOptions {
  /**
   * The origin(s) to answer on, e.g. `http://127.0.0.1:4010`. Default: the spec's servers,
   * `https://open.feishu.cn` and `https://open.larksuite.com`.
   */
  readonly baseUrl?: string | readonly string[]
}

const methods = { GET: http.get, POST: http.post, PUT: http.put, PATCH: http.patch, DELETE: http.delete } as const

function originOf(baseUrl: string): string {
  let url: URL
  try {
    url = new URL(baseUrl)
  } catch {
    throw new TypeError(`baseUrl must be an absolute URL such as https://open.feishu.cn, got "${baseUrl}"`)
  }
  if (url.pathname !== '/' || url.search || url.hash) throw new TypeError(`baseUrl must be an origin without a path, got "${baseUrl}"`)
  return url.origin
}

/** msw handlers for every operation of the spec, answered by `mock` (the example mock or the fake). */
export function createHandlers(mock: MockResponder, options: HandlerOptions = {}): HttpHandler[] {
  const origins = options.baseUrl === undefined ? specOrigins() : (typeof options.baseUrl === 'string' ? [options.baseUrl] : options.baseUrl).map(originOf)
  return origins.flatMap((origin) =>
    mockOperations().map((op) => {
      const method = methods[op.method as keyof typeof methods]
      if (!method) throw new Error(`msw handlers do not support ${op.method} (${op.id})`)
      // msw's path syntax is `:name` where OpenAPI writes `{name}`.
      const path = `${origin}${op.path.replace(/\{([^}]+)\}/g, ':$1')}`
      return method(path, ({ request }) => mock.handle(request))
    }),
  )
}
