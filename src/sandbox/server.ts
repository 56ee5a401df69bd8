/**
 * `feishu-meeting-chat/sandbox`: the stateful fake served over real HTTP on 127.0.0.1, so any client (curl,
 * the CLI, the official SDKs) can talk to it as to the platform. A thin shell: every answer comes from the
 * fake. It also serves the spec (`/openapi.json`, `/openapi.yaml`) and these docs (`/docs/`), whose HTTP
 * reference is a console that sends to it (prefilled from `/docs/sandbox.json`: the seed's ids and a token).
 *
 * @module feishu-meeting-chat/sandbox
 */
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spec } from '../generated/spec.js'
import { createFake, replyOf, type Fake } from '../mock/fake.js'
import { demoSeed } from '../fake/demo.js'
import type { Seed } from '../fake/seed.js'
import { route } from '../contract/operations.js'
import { errorReply, jsonReply, notFoundResponse, type Reply } from '../mock/respond.js'
import { fromFetch } from '../mock/request.js'
import { consoleInfo } from './console.js'
import { headerRecord, incomingRequest, plainTarget, type PlainTarget } from './incoming.js'

/** The options of {@link startSandbox}, each with its default. */
export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 picks a free one (default 8787). */
  readonly port?: number
  /** The scenario (default: the demo seed). */
  readonly seed?: Seed
  /** The built docs (index.html and the TypeScript reference) to serve at /docs. Default: the ones in the package. */
  readonly docsDir?: string
  /** Largest request body accepted, in bytes (default 64 KiB). */
  readonly maxBodyBytes?: number
}

/** A running sandbox. */
export interface Sandbox {
  /** Its base URL, e.g. http://127.0.0.1:8787: pass it as the client's `domain`. */
  readonly url: string
  /** The port it listens on, on 127.0.0.1. */
  readonly port: number
  /** The platform it serves: look inside (`fake.chats`, `fake.calls`) or script answers (`fake.respond`). */
  readonly fake: Fake
  /** Stops accepting connections and ends the open ones. */
  close(): Promise<void>
}

/** The port the sandbox listens on by default. */
export const DEFAULT_PORT = 8787
const HOST = '127.0.0.1'
// Both resolve from src/sandbox/ and from dist/sandbox/: the spec and the built docs ship in the package.
const SPEC_YAML = new URL('../../openapi/openapi.yaml', import.meta.url)
/** The docs site the package ships (`npm run docs` builds it), which the sandbox serves at `/docs/`. */
export const PACKAGED_DOCS = fileURLToPath(new URL('../../build/docs/', import.meta.url))

const DOC_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.yaml': 'application/yaml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
}

/** A file of the docs folder for a /docs path, or null (not there, or outside the folder). */
async function docsFile(dir: string, pathname: string): Promise<Response | null> {
  let rel: string
  try {
    rel = decodeURIComponent(pathname.replace(/^\/docs\/?/, ''))
  } catch {
    return null
  }
  const root = resolve(dir)
  let file = resolve(root, rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel)
  if (file !== root && !file.startsWith(root + sep)) return null
  const type = DOC_TYPES[extname(file)]
  if (!type) file = resolve(file, 'index.html')
  const body = await readFile(file).catch(() => null)
  return body && new Response(new Uint8Array(body), { headers: { 'content-type': DOC_TYPES[extname(file)] ?? 'application/octet-stream' } })
}

class BodyTooLarge extends Error {}

/** Methods a Fetch Request refuses: the server still builds one for them, and answers the 404 it did. */
const FETCH_REFUSED = new Set(['CONNECT', 'TRACE', 'TRACK'])

const EMPTY = Buffer.alloc(0)

// Neither header: HTTP/1.1 says there is no body (e.g. most DELETEs), so skip the stream machinery.
const hasBody = (req: IncomingMessage): boolean => req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge()
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new BodyTooLarge()
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** The client closed the connection (mid-body, bad chunked encoding, a reset): nobody to answer. */
const clientGone = (res: ServerResponse): boolean => res.destroyed || res.socket === null || res.socket.destroyed

/** Writes an answer; a plain reply at once (no promise to wait for), a Fetch Response once its body is read. */
function send(res: ServerResponse, response: Response | Reply): Promise<void> | undefined {
  if (clientGone(res)) return undefined
  if (response instanceof Response) return sendResponse(res, response)
  // One flat list of names and values: writeHead writes it as it is, with no setHeader per header.
  const head: (string | number)[] = []
  for (const name in response.headers) head.push(name, response.headers[name] ?? '')
  head.push('content-length', Buffer.byteLength(response.text))
  res.writeHead(response.status, head)
  res.end(response.text)
  return undefined
}

async function sendResponse(res: ServerResponse, response: Response): Promise<void> {
  if (response.type === 'error') {
    // The fake asked for a dropped connection: end the socket without an answer.
    res.socket?.destroy()
    return
  }
  const headers: Record<string, string> = {}
  response.headers.forEach((value, key) => { headers[key] = value })
  const body = Buffer.from(await response.arrayBuffer())
  headers['content-length'] = String(body.length)
  res.writeHead(response.status, headers)
  res.end(body)
}

/**
 * Serves the stateful fake over HTTP on 127.0.0.1, with the spec at `/openapi.json` and the docs at `/docs/`, until
 * `close()`. Any client of the platform can call it: point its base URL at `url`.
 *
 * @example
 * ```ts
 * import { startSandbox } from 'feishu-meeting-chat/sandbox'
 *
 * const sandbox = await startSandbox({ port: 0 }) // the demo seed, on a free port
 * const client = createMeetingChatClient({ domain: sandbox.url, auth: { userAccessToken: 'u-demo-alice' } })
 * await sandbox.close()
 * ```
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const seed = options.seed ?? demoSeed()
  const fake = createFake(seed)
  const reply = replyOf(fake)
  const limit = options.maxBodyBytes ?? 64 * 1024
  const specJson = `${JSON.stringify(spec, null, 2)}\n`
  const specYaml = await readFile(SPEC_YAML, 'utf8')
  const docsDir = options.docsDir ?? PACKAGED_DOCS
  let port = 0
  let origin = ''
  let logSeq = 0
  const logId = () => `sandbox-${Date.now()}-${++logSeq}`

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    // Most requests are read as they are, with no URL or Fetch Request made. The rest (a target the URL
    // parser would rewrite, a method Fetch refuses) go through both, as a client's request would.
    let target: PlainTarget | URL | undefined = FETCH_REFUSED.has(method) ? undefined : plainTarget(req.url ?? '/')
    try {
      target ??= new URL(req.url ?? '/', origin)
    } catch {
      return send(res, notFoundResponse(logId()))
    }
    const { pathname } = target
    if (method === 'GET' || method === 'HEAD') {
      if (pathname === '/openapi.json') return send(res, new Response(specJson, { headers: { 'content-type': 'application/json; charset=utf-8' } }))
      if (pathname === '/openapi.yaml') return send(res, new Response(specYaml, { headers: { 'content-type': 'application/yaml; charset=utf-8' } }))
      // The docs link relatively (api/, openapi.yaml): serve them under /docs/.
      if (pathname === '/docs') return send(res, new Response(null, { status: 301, headers: { location: '/docs/' } }))
      // What makes the docs page a console of this sandbox (src/sandbox/console.ts): not a file of the docs.
      if (pathname === '/docs/sandbox.json') return send(res, new Response(JSON.stringify(consoleInfo(origin, seed)), { headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } }))
      if (pathname.startsWith('/docs/')) {
        return send(res, (await docsFile(docsDir, pathname))
          ?? new Response(`Not in the docs (${docsDir}): in a clone of the repository, run \`npm run docs\`, then reload.\n`, { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } }))
      }
      if (pathname === '/') {
        return send(res, jsonReply(200, { sandbox: 'feishu-meeting-chat', spec: '/openapi.json', docs: '/docs' }, logId()))
      }
    }
    let body: Buffer = EMPTY
    try {
      if (method !== 'GET' && method !== 'HEAD' && hasBody(req)) body = await readBody(req, limit)
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        // Discard the rest without buffering it, so the caller can finish sending and read the answer:
        // the operation's own answer for bad input, or the gateway's 404 where no operation matches.
        req.resume()
        const op = route(method, pathname)?.op
        return send(res, op
          ? errorReply(op.invalidInputCode, logId(), { fieldViolations: [{ field: 'body', description: `the body is larger than ${limit} bytes` }] })
          : notFoundResponse(logId()))
      }
      // A body cut short by the client (a close, a reset, bad chunked encoding) is the client's failure.
      if (clientGone(res)) return
      throw error
    }
    if (!(target instanceof URL)) return send(res, await reply(incomingRequest(req, target, origin, HOST, body)))
    // A plain record and a view of the body's bytes: Request copies both anyway.
    let request: Request
    try {
      request = new Request(target, { method, headers: headerRecord(req.headers), ...(body.length > 0 ? { body: new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length) } : {}) })
    } catch {
      // Methods Fetch refuses (TRACE, CONNECT) or headers it cannot carry: no operation takes them.
      return send(res, notFoundResponse(logId()))
    }
    return send(res, await reply(fromFetch(request)))
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (clientGone(res)) return
      // A bug here must answer, not hang the caller or take the server down.
      console.error('sandbox: failed to answer', req.method, req.url, error)
      if (!res.headersSent) void send(res, errorReply(190003, logId()))
      else res.destroy()
    })
  })
  server.requestTimeout = 15_000
  server.headersTimeout = 10_000
  server.keepAliveTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? DEFAULT_PORT, HOST, () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  origin = new URL(`http://${HOST}:${port}`).origin
  return {
    url: `http://${HOST}:${port}`,
    port,
    fake,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
