// The older official Node SDK (@larksuiteoapi/api, v1), unmodified, its domain pointed at the sandbox: raw requests
// as its docs write them (`newRequest` + `sendRequest`), as the app (the tenant token it fetches itself with the
// app's credentials) and as a user: create a meeting chat, unbind it, and the refused second unbind.
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { demo } from '../../../src/fake/demo.ts'
import { statedVersion, states } from '../readme.ts'
import { eventOf, installed, load } from './clients.ts'

interface V1Response {
  readonly code: number
  readonly msg: string
  readonly data: unknown
  getHTTPStatusCode(): number
  getHeader(): Record<string, string | undefined>
}
interface V1Api {
  readonly AccessTokenType: { readonly Tenant: string; readonly User: string }
  newRequest(path: string, method: string, tokenType: string, input: unknown, ...options: unknown[]): unknown
  setQueryParams(params: Record<string, string>): unknown
  setUserAccessToken(token: string): unknown
  sendRequest(config: unknown, request: unknown): Promise<V1Response>
}
interface V1Core {
  readonly LoggerLevel: { readonly ERROR: number }
  newInternalAppSettingsWithOpts(options: { appID: string; appSecret: string }): unknown
  newConfigWithOpts(domain: string, settings: unknown, options: { loggerLevel: number }): unknown
}

let api: V1Api
let config: unknown
beforeAll(async () => {
  api = await load<V1Api>('@larksuiteoapi/api')
  const core = await load<V1Core>('@larksuiteoapi/core')
  // Its Domain is an enum of the two platforms' origins; the SDK puts whatever it is given before /open-apis/.
  config = core.newConfigWithOpts(inject('sandboxUrl'), core.newInternalAppSettingsWithOpts({ appID: demo.app.appId, appSecret: demo.app.appSecret }), { loggerLevel: core.LoggerLevel.ERROR })
})

it('is the version the README names', () => {
  expect(statedVersion('`@larksuiteoapi/api`')).toBe(installed('@larksuiteoapi/api'))
})

const figures: string[] = []
/** Calls that answered as expected. */
let calls = 0

describe.each([
  ['the app', 'Tenant', demo.calendars.app],
  ['a user', 'User', demo.calendars.alice],
] as const)('as %s', (who, tokenType, calendarId) => {
  it('creates a meeting chat, unbinds it, and reads 195108 on the second unbind', async () => {
    const path = `calendar/v4/calendars/${encodeURIComponent(calendarId)}/events/${eventOf('v1-sdk')}/meeting_chat`
    const identity = tokenType === 'User' ? [api.setUserAccessToken(demo.users.alice.userAccessToken)] : []
    const send = async (method: string, query?: Record<string, string>) => {
      const response = await api.sendRequest(config, api.newRequest(path, method, api.AccessTokenType[tokenType], method === 'POST' ? {} : undefined, ...identity, ...(query ? [api.setQueryParams(query)] : [])))
      return { status: response.getHTTPStatusCode(), code: response.code, data: response.data as { meeting_chat_id?: string } | undefined, logId: response.getHeader()['x-tt-logid'] }
    }
    const created = await send('POST')
    expect(created).toMatchObject({ status: 200, code: 0, data: { meeting_chat_id: expect.stringMatching(/^oc_[0-9a-f]{32}$/) } })
    const query = { meeting_chat_id: created.data?.meeting_chat_id ?? '' }
    expect(await send('DELETE', query)).toMatchObject({ status: 200, code: 0 })
    const again = await send('DELETE', query)
    expect(again).toMatchObject({ status: 400, code: 195108, logId: expect.stringMatching(/^\d{14}[0-9A-F]{12}$/) })
    calls += 3
    figures.push(`as ${who}: create, unbind, refused unbind (195108, its log id read)`)
  })
})

it('prints the figures, which the README states', () => {
  console.log(`@larksuiteoapi/api ${installed('@larksuiteoapi/api')}\n${figures.join('\n')}\n${calls}/6 calls as expected`)
  expect(states(`${calls} of 6 calls`), `the README says ${calls} of 6 calls`).toBe(true)
})
