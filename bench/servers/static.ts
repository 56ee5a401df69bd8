// The server the clients are measured against: the unbind endpoint and the self-built app's token endpoint,
// answered with fixed bodies as fast as node:http can, so that a difference between clients is the clients'.
// It checks what a client sends (method, path, query, token, body) and answers a platform error when it is
// wrong, so a client that got it wrong cannot look fast. Run as a child process: it prints {"url": ...}.
//   node bench/servers/static.ts
// Control (for the token-sharing section): GET /__bench/stats, POST /__bench/reset.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { BENCH } from '../lib/fixtures.ts'

const UNBIND = /^\/open-apis\/calendar\/v4\/calendars\/([^/]+)\/events\/([^/]+)\/meeting_chat$/
const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal'

const json = (value: unknown) => Buffer.from(JSON.stringify(value))
const OK = json({ code: 0, msg: 'success', data: {} })
const TOKEN = json({ code: 0, msg: 'ok', tenant_access_token: BENCH.tenantAccessToken, expire: 7200 })
const BAD_TOKEN = json({ code: 99991663, msg: 'Invalid access token for authorization. Please make a request with token attached.' })
const BAD_PARAMS = json({ code: 190002, msg: 'invalid parameters in request' })
const BAD_APP = json({ code: 10003, msg: 'invalid param' })
const NOT_FOUND = json({ code: 404, msg: '404 page not found' })

const counts = { unbind: 0, token: 0, rejected: 0, other: 0 }
let logSeq = 0

function send(res: ServerResponse, status: number, body: Buffer): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    'x-tt-logid': `bench-${++logSeq}`,
  })
  res.end(body)
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => {
      body += chunk
      if (body.length > 64 * 1024) req.destroy()
    })
    req.on('end', () => resolve(body))
    req.on('error', reject)
  })
}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s)
  } catch {
    return ''
  }
}

const server = createServer(async (req, res) => {
  const raw = req.url ?? '/'
  const q = raw.indexOf('?')
  const path = q < 0 ? raw : raw.slice(0, q)
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1))

  if (path === '/__bench/stats') return send(res, 200, json(counts))
  if (path === '/__bench/reset') {
    counts.unbind = counts.token = counts.rejected = counts.other = 0
    return send(res, 200, json(counts))
  }

  const unbind = req.method === 'DELETE' ? UNBIND.exec(path) : null
  if (unbind) {
    // Drain any body (the official SDK sends `{}` with its DELETE).
    if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) await readBody(req)
    if (req.headers.authorization !== `Bearer ${BENCH.tenantAccessToken}`) {
      counts.rejected++
      return send(res, 400, BAD_TOKEN)
    }
    if (decode(unbind[1] ?? '') !== BENCH.calendarId || decode(unbind[2] ?? '') !== BENCH.eventId || query.get('meeting_chat_id') !== BENCH.meetingChatId) {
      counts.rejected++
      return send(res, 400, BAD_PARAMS)
    }
    counts.unbind++
    return send(res, 200, OK)
  }
  if (req.method === 'POST' && path === TOKEN_PATH) {
    let body: { app_id?: unknown; app_secret?: unknown } = {}
    try {
      body = JSON.parse(await readBody(req)) as typeof body
    } catch {
      // answered below
    }
    counts.token++
    if (body.app_id !== BENCH.appId || body.app_secret !== BENCH.appSecret) {
      counts.rejected++
      return send(res, 400, BAD_APP)
    }
    return send(res, 200, TOKEN)
  }
  counts.other++
  send(res, 404, NOT_FOUND)
})

server.keepAliveTimeout = 30_000
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`)
})
process.on('SIGTERM', () => {
  server.closeAllConnections()
  server.close(() => process.exit(0))
})
