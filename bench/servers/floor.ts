// The floor for the mock servers' rows: node:http answering every request with one fixed JSON body after
// reading the request, and nothing else. No mock can serve more requests per second on this machine, so
// it shows what stops a ratio to Prism. Run as a child process: it prints {"url": ...}.
//   node bench/servers/floor.ts
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

const BODY = Buffer.from(JSON.stringify({ code: 0, msg: 'success', data: { meeting_chat_id: 'oc_a0553eda9014c201e6969b478895c230' } }))

const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': BODY.length, 'x-tt-logid': 'floor' })
    res.end(BODY)
  })
})
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }))
})
