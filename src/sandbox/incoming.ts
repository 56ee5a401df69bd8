// A node:http request as the mocks read it (a `MockRequest`), with no Fetch Request, Headers or URL made
// per call. Only a plain request target takes this way, one that a WHATWG URL parse leaves as it is
// (`plainTarget`); the server sends any other through `new URL` and a Fetch Request, as before, so that
// both ways read every request alike.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { MockRequest } from '../mock/request.js'

/**
 * An origin-form target (one `/`, not `//`) of characters the URL parser neither percent-encodes nor
 * rewrites: no `\`, `"`, `'`, `<`, `>`, `^`, backtick, braces, `|`, `#`, space or non-ASCII.
 */
const PLAIN_TARGET = /^\/(?!\/)[\w\-.~!$&()*+,;=:@%/]*(?:\?[\w\-.~!$&()*+,;=:@%/?]*)?$/
/** A segment the parser might resolve as `.` or `..` (also spelt `%2e`): such a path goes the URL way. */
const DOT_SEGMENT = /\/(?:\.|%2e)/i

export interface PlainTarget {
  /** As `URL.pathname` reads it. */
  readonly pathname: string
  /** After the `?`, without it ('' for none). */
  readonly query: string
}

/** The path and query of a request target that a URL parse would leave unchanged, else `undefined`. */
export function plainTarget(target: string): PlainTarget | undefined {
  if (!PLAIN_TARGET.test(target)) return undefined
  const mark = target.indexOf('?')
  const pathname = mark === -1 ? target : target.slice(0, mark)
  if (DOT_SEGMENT.test(pathname)) return undefined
  return { pathname, query: mark === -1 ? '' : target.slice(mark + 1) }
}

/** node:http's headers as a Fetch Headers init: a repeated header (set-cookie) joined as Headers joins it. */
export function headerRecord(headers: IncomingHttpHeaders): Record<string, string> {
  const record: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') record[name] = value
    else if (Array.isArray(value)) record[name] = value.join(', ')
  }
  return record
}

const utf8 = new TextDecoder()

/**
 * The request of a plain target as the mocks read it. `origin` is the server's (`http://127.0.0.1:8787`),
 * `hostname` its host; `body` the bytes read (empty for none). node:http has already trimmed header values
 * as Headers would, and joined repeated ones (set-cookie aside, which `header` joins as Headers does).
 */
export function incomingRequest(req: IncomingMessage, target: PlainTarget, origin: string, hostname: string, body: Buffer): MockRequest {
  return new IncomingRequest(req, target, origin, hostname, body)
}

// A class, not an object of closures: a request a call, so its methods are made once.
class IncomingRequest implements MockRequest {
  readonly method: string
  readonly url: string
  readonly pathname: string
  readonly hostname: string
  readonly #req: IncomingMessage
  readonly #query: string
  readonly #body: Buffer
  #params: URLSearchParams | undefined
  #read = false

  constructor(req: IncomingMessage, target: PlainTarget, origin: string, hostname: string, body: Buffer) {
    this.method = req.method ?? 'GET'
    this.url = `${origin}${req.url ?? '/'}`
    this.pathname = target.pathname
    this.hostname = hostname
    this.#req = req
    this.#query = target.query
    this.#body = body
  }

  query(name: string): string | null {
    this.#params ??= new URLSearchParams(this.#query)
    return this.#params.get(name)
  }

  header(name: string): string | null {
    // node:http writes the names in lower case; Headers.get takes any case.
    const value = this.#req.headers[name.toLowerCase()]
    return value === undefined ? null : typeof value === 'string' ? value : value.join(', ')
  }

  text(): Promise<string> {
    this.#read = true
    // As Request.text(): UTF-8, a byte-order mark dropped, bad bytes replaced.
    return Promise.resolve(this.#body.length === 0 ? '' : utf8.decode(this.#body))
  }

  async fetchRequest(): Promise<Request> {
    const body = this.#body
    const request = new Request(this.url, { method: this.method, headers: headerRecord(this.#req.headers), ...(body.length > 0 && { body: new Uint8Array(body) }) })
    // The checks read the body first, so a custom answer gets it read, as msw's request is.
    if (this.#read && body.length > 0) await request.arrayBuffer()
    return request
  }
}
