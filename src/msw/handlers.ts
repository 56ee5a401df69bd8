// msw request handlers over a responder: one per operation of the spec and origin, each passing the
// request to the responder's `handle`, so msw, a server and a direct call all answer alike.
import type { HttpHandler } from 'msw'
import { mockOperations, specOrigins } from '../contract/operations.js'
import type { MockResponder } from '../mock/responder.js'

// msw is an optional peer: without it this entry still loads (mock.handle answers), only createHandlers needs it.
const msw: typeof import('msw') | undefined = await import('msw').catch((error: unknown) => {
  if ((error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && /['"]msw['"]/.test(String(error))) return undefined
  throw error
})

/** The options of {@link createHandlers}. */
export interface HandlerOptions {
  /**
   * The origin(s) to answer on, e.g. `http://127.0.0.1:4010`. Default: the spec's servers,
   * `https://open.feishu.cn` and `https://open.larksuite.com`.
   */
  readonly baseUrl?: string | readonly string[]
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

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
  if (typeof (mock as Partial<MockResponder> | undefined)?.handle !== 'function') {
    throw new TypeError('createHandlers(mock) needs the mock that answers: createHandlers(createFake(demoSeed())) or createHandlers(createExampleMock()).')
  }
  if (!msw) throw new Error('createHandlers needs msw (npm install -D msw: 2.7 or later, or 3). Without msw, call mock.handle(request) yourself.')
  // msw 3 (graphql no longer exported from 'msw', as in every msw 2) calls Set.prototype.intersection (Node >= 22.12):
  // without it, its handlers throw inside msw on the first request and the request goes out unmocked.
  if (!('graphql' in msw) && typeof (Set.prototype as { intersection?: unknown }).intersection !== 'function') {
    throw new Error('msw 3 needs Node >= 22.12 (Set.prototype.intersection), which this runtime lacks: on Node 20 - 22.11 use msw 2 (npm install -D msw@2).')
  }
  const { http } = msw
  const methods = { GET: http.get, POST: http.post, PUT: http.put, PATCH: http.patch, DELETE: http.delete } as const
  const origins = options.baseUrl === undefined ? specOrigins() : (typeof options.baseUrl === 'string' ? [options.baseUrl] : options.baseUrl).map(originOf)
  return origins.flatMap((origin) =>
    mockOperations().map((op) => {
      const method = methods[op.method as keyof typeof methods]
      if (!method) throw new Error(`msw handlers do not support ${op.method} (${op.id})`)
      // A RegExp without groups, not msw's `:name` path: msw 2 percent-decodes named params itself and answers
      // a 500 on bad encoding, where the platform (and the responder's own check) answers 190002.
      const path = new RegExp(`^${escape(origin)}${op.path.split(/\{[^}]+\}/).map(escape).join('[^/?#]+')}(?:[?#].*)?$`)
      return method(path, ({ request }) => mock.handle(request))
    }),
  )
}
