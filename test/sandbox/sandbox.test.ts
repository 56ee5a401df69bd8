import { connect } from 'node:net'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spec } from '../../src/generated/spec.ts'
import { demo, demoSeed } from '../../src/msw/index.ts'
import { SpecValidator } from '../../scripts/lib/spec-ajv.ts'
import { documentedResponses } from '../../src/contract/walk.ts'
import { cli, requireBuild, startSandboxProcess, type Running } from './support.ts'

requireBuild()

describe('the sandbox as a process', () => {
  let sandbox: Running
  beforeAll(async () => { sandbox = await startSandboxProcess() })
  afterAll(() => { sandbox.child.kill('SIGKILL') })

  it('prints the demo credentials, ids and a ready curl command', () => {
    const out = sandbox.output()
    expect(out).toContain(`FEISHU_APP_ID=${demo.app.appId}`)
    expect(out).toContain(demo.calendars.alice)
    expect(out).toMatch(/curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/open-apis\/auth\/v3\/tenant_access_token\/internal/)
  })

  it('issues tokens and answers the meeting-chat calls by the calendar rules, over HTTP', async () => {
    const tokenAnswer = await fetch(`${sandbox.url}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ app_id: demo.app.appId, app_secret: demo.app.appSecret }),
    })
    const token = (await tokenAnswer.json()) as { code: number; tenant_access_token: string; expire: number }
    expect(token.code).toBe(0)
    expect(token.tenant_access_token).toMatch(/^t-/)
    const url = `${sandbox.url}/open-apis/calendar/v4/calendars/${encodeURIComponent(demo.calendars.alice)}/events/${demo.events.weeklySync}/meeting_chat?meeting_chat_id=${demo.chats.weeklySync}`
    const first = await fetch(url, { method: 'DELETE', headers: { Authorization: `Bearer ${demo.users.alice.userAccessToken}` } })
    expect(first.status).toBe(200)
    expect(first.headers.get('x-tt-logid')).toBeTruthy()
    const second = await fetch(url, { method: 'DELETE', headers: { Authorization: `Bearer ${demo.users.alice.userAccessToken}` } })
    expect(second.status).toBe(400)
    const body = (await second.json()) as { code: number }
    expect(body.code).toBe(195108)
    const schema = documentedResponses().find((r) => r.operationId === 'unbindMeetingChat' && r.status === 400)?.schema
    expect(new SpecValidator().validate(schema ?? {}, body).errors).toEqual([])
  })

  it('serves the spec as JSON and YAML, and the docs page', async () => {
    expect(await (await fetch(`${sandbox.url}/openapi.json`)).json()).toEqual(spec)
    expect(parse(await (await fetch(`${sandbox.url}/openapi.yaml`)).text())).toEqual(spec)
    const docs = await fetch(`${sandbox.url}/docs`)
    // Built docs are served as HTML; without them the page says how to build them.
    if (docs.status === 200) expect(await docs.text()).toMatch(/<html/i)
    else expect(await docs.text()).toMatch(/npm run docs/)
  })

  interface Raw { method: string; path: string; body?: string; type?: string; auth?: string }
  it.each<[string, Raw, number, number]>([
    ['bad JSON to a token endpoint', { method: 'POST', path: '/open-apis/auth/v3/tenant_access_token/internal', body: '{not json', type: 'application/json' }, 400, 10003],
    ['a wrong content type', { method: 'POST', path: '/open-apis/auth/v3/tenant_access_token/internal', body: 'app_id=x', type: 'text/plain' }, 400, 10003],
    ['no token', { method: 'DELETE', path: `/open-apis/calendar/v4/calendars/c/events/e/meeting_chat?meeting_chat_id=${demo.chats.weeklySync}` }, 400, 99991661],
    ['a missing meeting_chat_id', { method: 'DELETE', path: `/open-apis/calendar/v4/calendars/${demo.calendars.alice}/events/${demo.events.weeklySync}/meeting_chat`, auth: 'Bearer u-demo-alice' }, 400, 190002],
    ['a calendar id that cannot be one', { method: 'DELETE', path: `/open-apis/calendar/v4/calendars/c/events/${demo.events.weeklySync}/meeting_chat?meeting_chat_id=${demo.chats.weeklySync}`, auth: 'Bearer u-demo-alice' }, 400, 191001],
  ])('answers %s with the platform error', async (_name, req, status, code) => {
    const response = await fetch(`${sandbox.url}${req.path}`, {
      method: req.method,
      headers: { ...(req.type && { 'Content-Type': req.type }), ...(req.auth && { Authorization: req.auth }) },
      ...(req.body !== undefined && { body: req.body }),
    })
    expect(response.status).toBe(status)
    expect(((await response.json()) as { code: number }).code).toBe(code)
  })

  it('answers a wrong method and odd paths with the gateway 404, and keeps serving', async () => {
    for (const [method, path] of [['PUT', '/open-apis/calendar/v4/calendars/c/events/e/meeting_chat'], ['GET', '/%'], ['GET', '/../../etc/passwd'], ['POST', '//open-apis//x']] as const) {
      const response = await fetch(`${sandbox.url}${path}`, { method })
      expect(response.status, `${method} ${path}`).toBe(404)
      expect(response.headers.get('x-tt-logid')).toBeTruthy()
    }
    expect((await fetch(`${sandbox.url}/openapi.json`)).status).toBe(200)
  })

  it.each([
    ['a token endpoint', '/open-apis/auth/v3/tenant_access_token/internal', 400, 10003],
    ['a meeting-chat operation', `/open-apis/calendar/v4/calendars/c/events/e/meeting_chat`, 400, 190002],
    ['an unknown path', '/open-apis/nothing/here', 404, null],
  ])('refuses a huge body to %s with its own answer, without reading it all', async (_name, path, status, code) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer u-demo-alice' },
      body: JSON.stringify({ app_id: 'x'.repeat(5_000_000), app_secret: 'y' }),
    })
    expect(response.status).toBe(status)
    const text = await response.text()
    if (code !== null) expect((JSON.parse(text) as { code: number }).code).toBe(code)
    expect((await fetch(`${sandbox.url}/openapi.json`)).status).toBe(200)
  })

  /** Sends raw bytes on a socket, for requests fetch cannot make; resolves with all the server sent back. */
  const raw = (text: string) =>
    new Promise<string>((resolve) => {
      const socket = connect(Number(new URL(sandbox.url).port), '127.0.0.1', () => socket.end(text))
      let data = ''
      socket.on('data', (d) => { data += d.toString() })
      socket.on('close', () => resolve(data))
      socket.on('error', () => resolve(data))
    })

  it('answers TRACE with the gateway 404, not a server error', async () => {
    expect(await raw('TRACE /open-apis/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 404/)
  })

  it('survives a request that is not HTTP at all', async () => {
    expect(await raw('\x00\x01GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/)
    expect((await fetch(`${sandbox.url}/openapi.json`)).status).toBe(200)
  })
})

describe('starting and stopping', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('shuts down cleanly on %s', async (signal) => {
    const sandbox = await startSandboxProcess()
    sandbox.child.kill(signal)
    const { code } = await sandbox.exited
    expect(code).toBe(0)
    expect(sandbox.output()).toContain(`${signal}: stopping the sandbox.`)
  })

  it('takes the port from PORT', async () => {
    const probe = await startSandboxProcess(['--port', '0'])
    const free = Number(new URL(probe.url).port)
    probe.child.kill('SIGTERM')
    await probe.exited
    const sandbox = await startSandboxProcess([], { PORT: String(free) })
    expect(sandbox.url).toBe(`http://127.0.0.1:${free}`)
    sandbox.child.kill('SIGTERM')
    await sandbox.exited
  })

  it('explains a port in use', async () => {
    const first = await startSandboxProcess()
    const result = await cli(['sandbox', '--port', new URL(first.url).port])
    first.child.kill('SIGTERM')
    await first.exited
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/Port \d+ is in use: pick another with --port/)
  })

  it('refuses a bad port', async () => {
    const result = await cli(['sandbox', '--port', 'abc'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/--port \(or PORT\) must be an integer/)
  })
})

describe('seeds', () => {
  let dir = ''
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'fmc-seed-')) })

  it('ships the demo seed as JSON, equal to the built-in one', async () => {
    const shipped = JSON.parse(await readFile(new URL('../../seeds/demo.json', import.meta.url), 'utf8')) as unknown
    expect(shipped, 'seeds/demo.json is stale: run `node dist/cli/bin.js sandbox --print-seed > seeds/demo.json`').toEqual(demoSeed())
  })

  it('loads another seed with --seed', async () => {
    const file = join(dir, 'mini.json')
    await writeFile(file, JSON.stringify({ tenants: [{ tenantKey: 'tk' }], apps: [{ appId: 'cli_mini', appSecret: 'mini-secret', tenants: ['tk'] }] }))
    const sandbox = await startSandboxProcess(['--port', '0', '--seed', file])
    try {
      expect(sandbox.output()).toContain(`Seed ${file}: 1 app, 0 calendars, 0 events, 0 chats.`)
      const answer = await fetch(`${sandbox.url}/open-apis/auth/v3/tenant_access_token/internal`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ app_id: 'cli_mini', app_secret: 'mini-secret' }),
      })
      expect(((await answer.json()) as { code: number }).code).toBe(0)
      const demoApp = await fetch(`${sandbox.url}/open-apis/auth/v3/tenant_access_token/internal`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ app_id: demo.app.appId, app_secret: demo.app.appSecret }),
      })
      expect(((await demoApp.json()) as { code: number }).code).not.toBe(0)
    } finally {
      sandbox.child.kill('SIGTERM')
      await sandbox.exited
    }
  })

  it.each([
    ['a missing file', null, /Cannot read the seed file/],
    ['a file that is not JSON', '{ tenants: [', /is not valid JSON/],
    ['a seed that breaks the format', JSON.stringify({ tenants: [{ tenantKey: 'tk' }], apps: [{ appId: 'a' }] }), /is not a valid seed:\n\s+- .*appSecret/],
  ])('explains %s', async (_name, content, message) => {
    const file = join(dir, `bad-${Math.random().toString(36).slice(2)}.json`)
    if (content !== null) await writeFile(file, content)
    const result = await cli(['sandbox', '--port', '0', '--seed', file])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
  })
})
