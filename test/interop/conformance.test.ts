// A spec-driven conformance run against the sandbox, with Schemathesis' checks by name: requests generated
// from the spec's schemas (seeded, bounded), every answer checked against the spec, and the stateful chain
// through the spec's links. Then the controls: each check fails on an exchange made to break it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mockOperation } from '../../src/contract/operations.ts'
import { demo } from '../../src/fake/demo.ts'
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts'
import { checks, type CheckName, type Exchange } from './conformance/checks.ts'
import { runConformance, type RunReport } from './conformance/run.ts'
import { statedConformance } from './readme.ts'
import { interopSeed } from './support.ts'

const SEED = 20261125
const PER_OPERATION = 40

let sandbox: Sandbox
let report: RunReport
beforeAll(async () => {
  const seed = interopSeed()
  // The run sends hundreds of requests a second as one app: lift its rate limits, or 99991400 would answer first.
  const apps = (seed.apps ?? []).map((a) => (a.appId === demo.app.appId ? { ...a, rateLimit: { perOperation: { perSecond: 100_000 }, perMethod: { perSecond: 100_000 }, perApp: { perSecond: 100_000 } } } : a))
  sandbox = await startSandbox({ port: 0, seed: { ...seed, apps } })
  const appToken = (await (await fetch(`${sandbox.url}/open-apis/auth/v3/app_access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ app_id: demo.storeApp.appId, app_secret: demo.storeApp.appSecret, app_ticket: demo.storeApp.appTicket }),
  })).json()) as { app_access_token: string }
  const { calendars, events, chats } = demo
  report = await runConformance({
    baseUrl: sandbox.url,
    seed: SEED,
    perOperation: PER_OPERATION,
    known: {
      calendar_id: Object.values(calendars),
      event_id: Object.values(events),
      meeting_chat_id: Object.values(chats),
    },
    validAuthorizations: [`Bearer ${demo.app.tenantAccessToken}`, `Bearer ${demo.users.alice.userAccessToken}`],
    bodyFields: {
      getTenantAccessTokenInternal: { app_id: demo.app.appId, app_secret: demo.app.appSecret },
      getAppAccessToken: { app_id: demo.storeApp.appId, app_secret: demo.storeApp.appSecret, app_ticket: demo.storeApp.appTicket },
      getTenantAccessToken: { app_access_token: appToken.app_access_token, tenant_key: demo.tenantKey },
      resendAppTicket: { app_id: demo.storeApp.appId, app_secret: demo.storeApp.appSecret },
    },
    // create, then unbind the created chat (its link), then the same unbind again (its link): 195108.
    chain: {
      operationId: 'createMeetingChat',
      draft: { path: { calendar_id: calendars.alice, event_id: events.planning }, query: {}, headers: { authorization: `Bearer ${demo.users.alice.userAccessToken}` }, body: undefined },
      codes: [0, 0, 195108],
    },
  })
}, 60_000)
afterAll(() => sandbox.close())

describe('the conformance run against the sandbox', () => {
  it('has 0 failures', () => {
    expect(report.failures).toEqual([])
  })

  it('counted what the README says, check by check', () => {
    const counted = Object.fromEntries((Object.keys(checks) as CheckName[]).map((name) => [name, [report.applied[name], report.failures.filter((f) => f.check === name).length]]))
    expect(statedConformance()).toEqual(counted)
  })

  it.each(Object.keys(checks) as CheckName[])('ran %s', (name) => {
    expect(report.applied[name]).toBeGreaterThan(0)
  })

  it('reached past validation: some generated requests succeeded, some met the fake\'s rules', () => {
    const codes = new Set(sandbox.fake.calls.map((c) => c.code))
    expect([...codes]).toEqual(expect.arrayContaining([0, 190002, 10003, 191000, 191001, 193000, 193001, 99991661, 99991663, 99991668]))
  })
})

// The controls: for each check, an exchange that breaks exactly what it checks. A check that cannot fail fails here.
const unbind = mockOperation('unbindMeetingChat')
const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Pick<Exchange, 'status' | 'headers' | 'text'> => ({
  status,
  headers: new Headers({ 'content-type': 'application/json; charset=utf-8', 'x-tt-logid': 'log-1', ...headers }),
  text: JSON.stringify(body),
})
const exchange = (intent: Exchange['intent'], answer: Pick<Exchange, 'status' | 'headers' | 'text'>, more: Partial<Exchange> = {}): Exchange => ({ op: unbind, intent, sent: 'control', ...answer, ...more })
const ok = json({ code: 0, msg: 'success', data: {} })

const controls: [CheckName, Exchange, Exchange][] = [
  ['not_a_server_error', exchange('positive', json({ code: 190003, msg: 'internal service error' }, 503)), exchange('positive', ok)],
  ['status_code_conformance', exchange('positive', json({ code: 0, msg: 'success', data: {} }, 201)), exchange('positive', ok)],
  ['content_type_conformance', exchange('positive', { ...ok, headers: new Headers({ 'content-type': 'text/plain', 'x-tt-logid': 'l' }) }), exchange('positive', ok)],
  ['response_headers_conformance', exchange('positive', json({ code: 190004, msg: 'method rate limited' }, 429, { 'x-ogw-ratelimit-reset': 'soon' })), exchange('positive', json({ code: 190004, msg: 'method rate limited' }, 429, { 'x-ogw-ratelimit-reset': '1' }))],
  ['response_schema_conformance', exchange('positive', json({ code: 0, msg: 'success', data: { extra: 1 } })), exchange('positive', ok)],
  ['negative_data_rejection', exchange('negative', ok), exchange('negative', json({ code: 190002, msg: 'invalid parameters in request' }, 400))],
  ['positive_data_acceptance', exchange('positive', json({ code: 190002, msg: 'invalid parameters in request', error: { field_violations: [{ field: 'meeting_chat_id', description: 'meeting_chat_id must match pattern' }] } }, 400)), exchange('positive', json({ code: 195108, msg: 'chat not match with event' }, 400))],
  ['missing_required_header', exchange('missing_required_header', ok), exchange('missing_required_header', json({ code: 99991661, msg: 'Need a token' }, 400))],
  ['unsupported_method', exchange('unsupported_method', ok, { op: undefined }), exchange('unsupported_method', { status: 404, headers: new Headers({ 'content-type': 'text/plain' }), text: '404 page not found' }, { op: undefined })],
  ['ignored_auth', exchange('ignored_auth', ok), exchange('ignored_auth', json({ code: 99991663, msg: 'Invalid access token for authorization' }, 400))],
  ['stateful_links', exchange('stateful', ok, { expectedCode: 195108 }), exchange('stateful', json({ code: 195108, msg: 'chat not match with event' }, 400), { expectedCode: 195108 })],
]

describe('each check can fail', () => {
  it('covers every check', () => {
    expect(controls.map(([name]) => name).sort()).toEqual((Object.keys(checks) as CheckName[]).sort())
  })

  it.each(controls)('%s fails on the broken exchange and passes on the sound one', (name, broken, sound) => {
    expect(checks[name](broken)).toEqual(expect.any(String))
    expect(checks[name](sound)).toBeUndefined()
  })
})
