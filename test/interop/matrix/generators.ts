// The five code generators of the matrix: how each is run (the command line its docs give, on the repository's
// spec) and the driver a user of its output would write: create a meeting chat as the app, unbind it, unbind it
// again and read the refusal's code as the generated ErrorCode. Each driver also holds two lines of types: a code
// of the catalog is an ErrorCode, and 12345 is not (`@ts-expect-error`: should ErrorCode be any number, the
// directive is unused and the strict compile fails).
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { binOf, node, type Client, type Ran } from './clients.ts'

export interface Generator {
  readonly client: Client
  /** As the README's "Tested against" names it. */
  readonly name: string
  /** Its packages, whose installed versions the README states. */
  readonly packages: readonly string[]
  /** Writes the generated client into `<dir>/client`. */
  generate(spec: string, dir: string): Promise<Ran>
  /** The driver, `<dir>/driver.ts`. */
  readonly driver: string
}

/** What every driver shares (`common.ts` beside the drivers): its environment and the line it prints. */
export const COMMON = `export const env = (name: string): string => {
  const value = process.env[name]
  if (!value) throw new Error(\`\${name} is not set\`)
  return value
}

/** One call as the driver saw it: the HTTP status and the body's code. */
export interface Step {
  readonly step: string
  readonly status: number
  readonly code: number | undefined
}

export const ids = () => ({ calendarId: env('APP_CALENDAR'), eventId: env('EVENT'), userCalendarId: env('USER_CALENDAR') })

export function report(steps: readonly Step[]): void {
  process.stdout.write(\`\${JSON.stringify(steps)}\\n\`)
}
`

const TYPES = (errorCode: string) => `
// The generated ErrorCode is the catalog's codes: a code of it compiles, another number does not.
const known: ${errorCode} = 195108
// @ts-expect-error 12345 is not a code of the catalog
const unknown: ${errorCode} = 12345
export const typed = [known, unknown]
`

const run = (args: readonly string[], dir: string) => node(args, { cwd: dir, timeoutMs: 120_000 })

export const GENERATORS: readonly Generator[] = [
  {
    client: 'openapi-typescript',
    name: 'openapi-typescript',
    packages: ['openapi-typescript', 'openapi-fetch'],
    generate: (spec, dir) => run([binOf('openapi-typescript'), spec, '-o', join(dir, 'client', 'schema.ts')], dir),
    driver: `import createClient from 'openapi-fetch'
import type { components, paths } from './client/schema'
import { env, ids, report, type Step } from '../common'

type ErrorCode = components['schemas']['ErrorCode']
${TYPES('ErrorCode')}
const PATH = '/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat'

async function main(): Promise<void> {
  const client = createClient<paths>({ baseUrl: env('SANDBOX_URL'), headers: { Authorization: \`Bearer \${env('TENANT_TOKEN')}\` } })
  const { calendarId, eventId } = ids()
  const path = { calendar_id: calendarId, event_id: eventId }
  const steps: Step[] = []
  const created = await client.POST(PATH, { params: { path } })
  steps.push({ step: 'create', status: created.response.status, code: created.data?.code })
  const chat = created.data?.data.meeting_chat_id ?? ''
  for (const step of ['unbind', 'unbind again']) {
    const answer = await client.DELETE(PATH, { params: { path, query: { meeting_chat_id: chat } } })
    const code: ErrorCode | 0 | undefined = answer.data?.code ?? (typeof answer.error === 'object' ? answer.error.code : undefined)
    steps.push({ step, status: answer.response.status, code })
  }
  report(steps)
}

void main()
`,
  },
  {
    client: 'hey-api',
    name: '@hey-api/openapi-ts',
    packages: ['@hey-api/openapi-ts'],
    generate: (spec, dir) => run([binOf('@hey-api/openapi-ts', 'openapi-ts'), '-i', spec, '-o', join(dir, 'client'), '-c', '@hey-api/client-fetch'], dir),
    driver: `import type { Auth } from './client/core/auth.gen'
import { client } from './client/client.gen'
import { createMeetingChat, unbindMeetingChat } from './client/sdk.gen'
import type { ErrorCode } from './client/types.gen'
import { env, ids, report, type Step } from '../common'
${TYPES('ErrorCode')}
// The auth callback is asked once per security scheme of the operation, in order, until one answers: the two token
// schemes differ (an http bearer one, an apiKey one), so each identity answers only its own.
const asApp = (auth: Auth) => (auth.type === 'http' ? env('TENANT_TOKEN') : undefined)
const asUser = (auth: Auth) => (auth.type === 'apiKey' ? \`Bearer \${env('USER_TOKEN')}\` : undefined)

async function main(): Promise<void> {
  client.setConfig({ baseUrl: env('SANDBOX_URL') })
  const { calendarId, eventId, userCalendarId } = ids()
  const steps: Step[] = []
  for (const [who, auth, calendar] of [['app', asApp, calendarId], ['user', asUser, userCalendarId]] as const) {
    const path = { calendar_id: calendar, event_id: eventId }
    const created = await createMeetingChat({ path, auth })
    steps.push({ step: \`create as \${who}\`, status: created.response.status, code: created.data?.code })
    const chat = created.data?.data.meeting_chat_id ?? ''
    for (const step of ['unbind', 'unbind again']) {
      const answer = await unbindMeetingChat({ path, query: { meeting_chat_id: chat }, auth })
      const code: ErrorCode | 0 | undefined = answer.data?.code ?? (typeof answer.error === 'object' ? answer.error.code : undefined)
      steps.push({ step: \`\${step} as \${who}\`, status: answer.response.status, code })
    }
  }
  report(steps)
}

void main()
`,
  },
  {
    client: 'orval',
    name: 'orval',
    packages: ['orval'],
    // Orval's fetch client writes relative URLs (it does not read the spec's servers): its documented way to call
    // a server is a mutator, here one that sends to the sandbox.
    async generate(spec, dir) {
      await mkdir(join(dir, 'client'), { recursive: true })
      await writeFile(join(dir, 'fetcher.ts'), `export const sandboxFetch = async <T>(url: string, init: RequestInit): Promise<T> => {
  const response = await fetch(new URL(url, process.env.SANDBOX_URL), init)
  const text = await response.text()
  return { status: response.status, data: text ? JSON.parse(text) : {}, headers: response.headers } as T
}
`)
      await writeFile(join(dir, 'orval.config.cjs'), `module.exports = {
  api: {
    input: ${JSON.stringify(spec)},
    output: { target: './client/api.ts', client: 'fetch', mode: 'single', override: { mutator: { path: './fetcher.ts', name: 'sandboxFetch' } } },
  },
}
`)
      return run([binOf('orval'), '--config', join(dir, 'orval.config.cjs')], dir)
    },
    driver: `import { createMeetingChat, unbindMeetingChat, type ErrorCode } from './client/api'
import { env, ids, report, type Step } from '../common'
${TYPES('ErrorCode')}
async function main(): Promise<void> {
  const { calendarId, eventId } = ids()
  const init = { headers: { Authorization: \`Bearer \${env('TENANT_TOKEN')}\` } }
  const steps: Step[] = []
  const created = await createMeetingChat(calendarId, eventId, undefined, init)
  // By status: 200 is the success body; a 502 is the gateway's HTML page, typed as a string.
  steps.push({ step: 'create', status: created.status, code: typeof created.data === 'object' ? created.data.code : undefined })
  const chat = created.status === 200 ? created.data.data.meeting_chat_id : ''
  for (const step of ['unbind', 'unbind again']) {
    const answer = await unbindMeetingChat(calendarId, eventId, { meeting_chat_id: chat }, undefined, init)
    const code: ErrorCode | 0 | undefined = typeof answer.data === 'object' ? answer.data.code : undefined
    steps.push({ step, status: answer.status, code })
  }
  report(steps)
}

void main()
`,
  },
  {
    client: 'swagger-typescript-api',
    name: 'swagger-typescript-api',
    packages: ['swagger-typescript-api'],
    generate: (spec, dir) => run([binOf('swagger-typescript-api'), 'generate', '-p', spec, '-o', join(dir, 'client'), '-n', 'api.ts'], dir),
    driver: `import { Api, type ErrorCode, type ErrorResponse, type HttpResponse } from './client/api'
import { env, ids, report, type Step } from '../common'
${TYPES('ErrorCode')}
async function main(): Promise<void> {
  const api = new Api<string>({ baseUrl: env('SANDBOX_URL'), securityWorker: (token) => (token ? { headers: { Authorization: \`Bearer \${token}\` } } : {}) })
  api.setSecurityData(env('TENANT_TOKEN'))
  const { calendarId, eventId } = ids()
  const steps: Step[] = []
  // The ids are typed as strings (a \`not\` in their schema made them \`any\`): a number does not compile.
  // @ts-expect-error a calendar id is a string
  if (calendarId === '') await api.openApis.createMeetingChat(42, eventId)
  // The body is optional: no argument for it.
  const created = await api.openApis.createMeetingChat(calendarId, eventId)
  steps.push({ step: 'create', status: created.status, code: created.data.code })
  for (const step of ['unbind', 'unbind again']) {
    try {
      const answer = await api.openApis.unbindMeetingChat(calendarId, eventId, { meeting_chat_id: created.data.data.meeting_chat_id })
      steps.push({ step, status: answer.status, code: answer.data.code })
    } catch (thrown) {
      // A refusal rejects with the response, its error body typed.
      const answer = thrown as HttpResponse<unknown, ErrorResponse | string>
      const code: ErrorCode | undefined = typeof answer.error === 'object' ? answer.error.code : undefined
      steps.push({ step, status: answer.status, code })
    }
  }
  report(steps)
}

void main()
`,
  },
  {
    client: 'openapi-typescript-codegen',
    name: 'openapi-typescript-codegen',
    packages: ['openapi-typescript-codegen'],
    generate: (spec, dir) => run([binOf('openapi-typescript-codegen', 'openapi'), '--input', spec, '--output', join(dir, 'client'), '--client', 'fetch'], dir),
    driver: `import { ApiError, ErrorCode, MeetingChatService, OpenAPI } from './client'
import { env, ids, report, type Step } from '../common'
${TYPES('ErrorCode')}
async function main(): Promise<void> {
  OpenAPI.BASE = env('SANDBOX_URL')
  OpenAPI.TOKEN = env('TENANT_TOKEN')
  const { calendarId, eventId } = ids()
  const steps: Step[] = []
  const created = await MeetingChatService.createMeetingChat(calendarId, eventId)
  steps.push({ step: 'create', status: 200, code: created.code })
  for (const step of ['unbind', 'unbind again']) {
    try {
      const answer = await MeetingChatService.unbindMeetingChat(calendarId, eventId, created.data.meeting_chat_id)
      steps.push({ step, status: 200, code: answer.code })
    } catch (thrown) {
      if (!(thrown instanceof ApiError)) throw thrown
      const code: ErrorCode | undefined = (thrown.body as { code?: ErrorCode } | undefined)?.code
      steps.push({ step, status: thrown.status, code })
    }
  }
  // The enum names each code.
  if (ErrorCode._195108 !== 195108) throw new Error('ErrorCode._195108 is not 195108')
  report(steps)
}

void main()
`,
  },
]
