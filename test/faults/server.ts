// A misbehaving platform on 127.0.0.1: each route answers its n-th request with a chosen fault. Every answer
// echoes the request's credentials (Authorization, the body) into X-Tt-Logid, so every case is also a
// redaction test. Waits on the server side use the global setTimeout: under fake timers they follow the fake clock.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type Fault =
  | 'ok'
  | 'reset-mid-body'
  | 'never-answers'
  | 'slow-drip'
  | 'html-502'
  | 'empty-200'
  | 'truncated-json'
  | 'json-not-object'
  | 'huge-body'
  | 'rate-limited-1s'
  | 'rate-limited-1h'
  | 'garbage-token'
  | 'secret-invalid-10014'
  | 'redirect-off-origin'
  | 'server-error-500'

export type Route = 'token' | 'unbind'
export type Script = (n: number) => Fault

export interface FaultServer {
  readonly url: string
  /** Requests received, by route. A script sees its route's requests counted from 1 since it was set. */
  readonly requests: Record<Route | 'other', number>
  /** Answers the server is still writing (a drip, a huge body): the test waits for them before moving the clock. */
  readonly writing: () => number
  script(route: Route, script: Script): void
  close(): Promise<void>
}

const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal'
const UNBIND_PATH = /^\/open-apis\/calendar\/v4\/calendars\/[^/]+\/events\/[^/]+\/meeting_chat$/

export async function startFaultServer(offOrigin = 'http://127.0.0.1:9'): Promise<FaultServer> {
  const requests = { token: 0, unbind: 0, other: 0 }
  const scripts: Record<Route, Script> = { token: () => 'ok', unbind: () => 'ok' }
  const since = { token: 0, unbind: 0 }
  const sockets = new Set<Socket>()
  let writing = 0

  const answer = (route: Route, fault: Fault, body: string, req: IncomingMessage, res: ServerResponse) => {
    const echo = `echo ${req.headers.authorization ?? ''} ${body}`.replace(/[^\x20-\x7e]/g, '?')
    const json = (status: number, value: unknown, extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'X-Tt-Logid': echo, ...extra })
      res.end(JSON.stringify(value))
    }
    switch (fault) {
      case 'ok':
        return route === 'token'
          ? json(200, { code: 0, msg: 'ok', tenant_access_token: 't-fault-issued-token', expire: 7200 })
          : json(200, { code: 0, msg: 'success', data: {} })
      case 'reset-mid-body':
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '200', 'X-Tt-Logid': echo })
        res.write('{"code":0,"msg":"succ')
        return setImmediate(() => res.socket?.destroy())
      case 'never-answers':
        return
      case 'slow-drip': {
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Tt-Logid': echo })
        const drip = () => { if (!res.destroyed) { res.write(' '); setTimeout(drip, 500) } }
        return drip()
      }
      case 'html-502':
        res.writeHead(502, { 'Content-Type': 'text/html', 'X-Tt-Logid': echo })
        return res.end('<html><body>502 Bad Gateway</body></html>')
      case 'empty-200':
        res.writeHead(200, { 'X-Tt-Logid': echo })
        return res.end()
      case 'truncated-json':
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Tt-Logid': echo })
        return res.end('{"code":0,"msg":"succ')
      case 'json-not-object':
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Tt-Logid': echo })
        return res.end('[0,"success"]')
      case 'huge-body': {
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Tt-Logid': echo })
        const chunk = Buffer.alloc(64 * 1024, 0x20)
        let sent = 0
        writing++
        const done = () => { writing--; res.end() }
        const pump = (): void => {
          while (sent < 4 * 1024 * 1024) {
            sent += chunk.length
            if (!res.write(chunk)) return void res.once('drain', pump)
          }
          done()
        }
        res.once('close', () => { if (!res.writableEnded) writing-- })
        return pump()
      }
      case 'rate-limited-1s':
        return json(429, { code: 99991400, msg: 'request trigger frequency limit' }, { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '1' })
      case 'rate-limited-1h':
        return json(429, { code: 99991400, msg: 'request trigger frequency limit' }, { 'x-ogw-ratelimit-reset': '3600' })
      case 'garbage-token':
        return json(200, { code: 0, msg: 'ok', tenant_access_token: 42, expire: 'soon' })
      case 'secret-invalid-10014':
        return json(400, { code: 10014, msg: `app secret invalid: ${body}` })
      case 'redirect-off-origin':
        res.writeHead(302, { Location: `${offOrigin}${req.url ?? '/'}`, 'X-Tt-Logid': echo })
        return res.end()
      case 'server-error-500':
        return json(500, { code: 190003, msg: 'internal service error' })
    }
  }

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    const route: Route | null = req.method === 'POST' && path === TOKEN_PATH ? 'token' : req.method === 'DELETE' && UNBIND_PATH.test(path) ? 'unbind' : null
    res.on('error', () => {})
    if (route === null) {
      requests.other++
      res.writeHead(404).end()
      return
    }
    const n = ++requests[route] - since[route]
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => answer(route, scripts[route](n), Buffer.concat(chunks).toString('utf8'), req, res))
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    writing: () => writing,
    script(route, script) {
      scripts[route] = script
      since[route] = requests[route]
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A loopback port with nothing listening: connections to it are refused. */
export async function refusedUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}
