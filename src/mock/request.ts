// What the mocks read of a request, whatever carries it: msw and direct calls hand the responder a Fetch
// Request (`fromFetch` adapts it, one URL parse); the sandbox builds one straight from node:http's request,
// so that it makes no Fetch Request, Headers or URL per call. Both go through the same responder logic.

export interface MockRequest {
  /** Upper case, as Fetch normalizes it. */
  readonly method: string
  /** The absolute URL, as the call log shows it. */
  readonly url: string
  /** Still percent-encoded, as `URL.pathname`. */
  readonly pathname: string
  /** The host the request was sent to, as `URL.hostname`. */
  readonly hostname: string
  /** A query parameter, as `URLSearchParams.get` reads it. */
  query(name: string): string | null
  /** A header (any case of its name), as `Headers.get` reads it. */
  header(name: string): string | null
  /** The body as UTF-8 text, as `Request.text()` reads it; the mocks read it once. */
  text(): Promise<string>
  /** The request as a Fetch Request, for custom answers (`{ response }`), its body read as `text()` left it. */
  fetchRequest(): Promise<Request>
}

/** A Fetch Request as the mocks read it. */
export function fromFetch(request: Request): MockRequest {
  const url = new URL(request.url)
  return {
    method: request.method,
    url: request.url,
    pathname: url.pathname,
    hostname: url.hostname,
    query: (name) => url.searchParams.get(name),
    header: (name) => request.headers.get(name),
    text: () => request.text(),
    fetchRequest: () => Promise.resolve(request),
  }
}

/** Either kind of request, as the mocks read it (by shape: a Request from another realm is a Request too). */
export const asMockRequest = (request: Request | MockRequest): MockRequest => ('header' in request ? request : fromFetch(request))
