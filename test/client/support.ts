// Shared set-up for the client's unit tests: an msw server and small hand-written answers.
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'

export const BASE = 'https://open.feishu.cn'
export const CHAT_PATH = `${BASE}/open-apis/calendar/v4/calendars/:calendar_id/events/:event_id/meeting_chat`
export const INTERNAL_TOKEN = `${BASE}/open-apis/auth/v3/tenant_access_token/internal`
export const CAL = 'feishu.cn_abc@group.calendar.feishu.cn'
export const EVT = '75d28f9b-e35c-4230-8a83-4a661497db54_0'
export const CHAT = 'oc_a0553eda9014c201e6969b478895c230'
export const APP = { appId: 'cli_a1b2c3d4e5f6a7b8', appSecret: 'sEcReT-app-secret-value-123' }

export const server = setupServer()

export function useServer(): void {
  beforeAll(() => {
    server.listen({ onUnhandledFrame: 'error' })
  })
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())
}

export const ok = (data: Record<string, unknown> = {}) => HttpResponse.json({ code: 0, msg: 'success', data }, { headers: { 'X-Tt-Logid': 'log-ok' } })
export const fail = (status: number, code: number, msg: string, headers: Record<string, string> = {}) =>
  HttpResponse.json({ code, msg }, { status, headers: { 'X-Tt-Logid': `log-${code}`, ...headers } })

/** A tenant-token endpoint that issues t-1, t-2, ... and counts its calls. */
export function tokenEndpoint(expire = 7200) {
  const state = { calls: 0, bodies: [] as unknown[] }
  const handler = http.post(INTERNAL_TOKEN, async ({ request }) => {
    state.calls++
    state.bodies.push(await request.json())
    return HttpResponse.json({ code: 0, msg: 'ok', tenant_access_token: `t-${state.calls}`, expire })
  })
  return { state, handler }
}

/** Records every Authorization header the unbind endpoint sees, answering with `answer`. */
export function unbindEndpoint(answer: (request: Request, n: number) => Response | Promise<Response> = () => ok()) {
  const seen: { auth: string | null; url: string; body: string }[] = []
  const handler = http.delete(CHAT_PATH, async ({ request }) => {
    seen.push({ auth: request.headers.get('authorization'), url: request.url, body: await request.clone().text() })
    return answer(request, seen.length)
  })
  return { seen, handler }
}
