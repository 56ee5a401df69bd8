// A server that copies the request into X-Tt-Logid on a success: what the CLI prints (human and --json) for `token`,
// `unbind` and `create` shows the log id, never a credential the client sent.
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, requireBuild } from '../sandbox/support.ts'

requireBuild()

const APP_SECRET = 'SEC-echoed-app-secret-0001'
const USER_TOKEN = 'u-echoed-user-token-0001'
const TENANT_TOKEN = 't-echoed-tenant-token-0001'
let server: Server
let url: string
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => { body += chunk.toString() })
    req.on('end', () => {
      const echo = `echo ${req.headers.authorization ?? ''} ${body}`.replace(/[^\x20-\x7e]/g, '?')
      const data = req.url?.startsWith('/open-apis/auth/')
        ? { code: 0, msg: 'ok', tenant_access_token: TENANT_TOKEN, expire: 7200 }
        : { code: 0, msg: 'success', data: { meeting_chat_id: 'oc_1', applink: 'https://applink.feishu.cn/x' } }
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Tt-Logid': echo }).end(JSON.stringify(data))
    })
  }).listen(0, '127.0.0.1')
  await once(server, 'listening')
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => server.close())

const ids = ['--calendar-id', 'feishu.cn_abc@group.calendar.feishu.cn', '--event-id', '75d28f9b-e35c-4230-8a83-123_0']
const app = () => ({ FEISHU_DOMAIN: url, FEISHU_APP_ID: 'cli_a1b2c3d4e5f6a7b8', FEISHU_APP_SECRET: APP_SECRET })
const user = () => ({ FEISHU_DOMAIN: url, FEISHU_USER_ACCESS_TOKEN: USER_TOKEN })

describe('the log id of a success, echoed by the server', () => {
  it.each([
    ['token', ['token'], app],
    ['unbind with a user token', ['unbind', ...ids, '--chat-id', 'oc_a0553eda9014c201e6969b478895c230'], user],
    ['unbind with app credentials', ['unbind', ...ids, '--chat-id', 'oc_a0553eda9014c201e6969b478895c230'], app],
    ['create', ['create', ...ids], app],
  ] as const)('%s prints it redacted, human and --json', async (_name, args, env) => {
    for (const json of [false, true]) {
      const result = await cli([...args, ...(json ? ['--json'] : [])], env())
      expect(result.code).toBe(0)
      const printed = result.stdout + result.stderr
      expect(printed).toMatch(/echo /)
      expect(printed).toContain('[redacted]')
      for (const secret of [APP_SECRET, USER_TOKEN, TENANT_TOKEN]) expect(printed).not.toContain(secret)
    }
  })
})
