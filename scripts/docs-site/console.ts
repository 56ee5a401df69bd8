// The docs page's script (bundled by scripts/docs.ts into build/docs/console.js, loaded after Scalar's API
// reference, scalar/api-reference.js): renders the HTTP reference from the spec inlined in the page, every
// operation open. Served by the sandbox, the page is also a console of it: `sandbox.json` (answered by the
// sandbox only, src/sandbox/console.ts) gives its URL, a token and the ids that token may act on, which fill
// each operation's "Test Request"; each answer's status, code and log id show in a bar. Published anywhere
// else, the page has no such file and stays a reference, its request buttons hidden (the platform answers no
// browser request from another origin), saying how to get the console.
import type { ConsoleInfo } from '../../src/sandbox/console.ts'

declare const Scalar: { createApiReference(target: string, configuration: Record<string, unknown>): unknown }

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

/** A local `#/components/...` reference of the spec, resolved (the object itself, so that a change applies where it is used). */
function resolve(spec: Json, value: unknown): Json | undefined {
  if (!isObject(value)) return undefined
  const ref = value.$ref
  if (typeof ref !== 'string') return value
  let node: unknown = spec
  for (const part of ref.replace(/^#\//, '').split('/')) node = isObject(node) ? node[part.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined
  return isObject(node) ? node : undefined
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']

function operations(spec: Json): { op: Json; item: Json }[] {
  const paths = isObject(spec.paths) ? spec.paths : {}
  return Object.values(paths).filter(isObject).flatMap((item) => METHODS.map((m) => item[m]).filter(isObject).map((op) => ({ op, item })))
}

/** Fills the sandbox's ids into every parameter of that name, and the token operations' bodies. */
function prefill(spec: Json, info: ConsoleInfo): void {
  const parameters = info.prefill?.parameters ?? {}
  for (const { op, item } of operations(spec)) {
    for (const list of [item.parameters, op.parameters]) {
      for (const parameter of Array.isArray(list) ? list.map((p) => resolve(spec, p)) : []) {
        const value = parameter && typeof parameter.name === 'string' ? parameters[parameter.name] : undefined
        if (parameter && value !== undefined) {
          parameter.example = value
          delete parameter.examples
        }
      }
    }
    const body = typeof op.operationId === 'string' ? info.bodies[op.operationId as keyof ConsoleInfo['bodies']] : undefined
    const content = resolve(spec, op.requestBody)?.content
    const json = isObject(content) ? resolve(spec, content['application/json']) : undefined
    if (body && json) json.examples = { sandbox: { summary: 'This sandbox', value: body }, ...(isObject(json.examples) ? json.examples : {}) }
  }
}

const code = (text: string) => `\`${text}\``

/** The introduction's paragraph for this page: the console and the seed's credentials, or how to get the console. */
function introduction(info: ConsoleInfo | null): string {
  if (!info) {
    return [
      '**Console**: this page sends requests when the sandbox serves it, with no account:',
      `${code('npx feishu-meeting-chat sandbox')}, then open ${code('http://127.0.0.1:8787/docs/')}. Each operation's`,
      '*Test Request* then sends to the sandbox, its ids and token filled in.',
    ].join(' ')
  }
  const items = info.credentials.map((c) => {
    const acts = [...c.unbind.map((t) => `unbind ${code(t.eventId)}`), ...c.create.map((t) => `create ${code(t.eventId)}`)].join(', ')
    const env = Object.entries(c.env).map(([k, v]) => `${k}=${v}`).join(' ')
    return `- **${c.label}** (${code(env)}): ${acts || (c.refusal === undefined ? 'acts on no event' : `refused with [${c.refusal}](errors.html#${c.refusal})`)}`
  })
  return [
    `**Console**: the sandbox at ${code(info.url)} serves this page. Press *Test Request* on an operation, then *Send*: the request`,
    info.prefill
      ? `goes to the sandbox, with the token of ${info.prefill.label} and the ids it may act on (sent twice, an unbind answers 195108: the chat is no longer bound).`
      : 'goes to the sandbox (its seed has no token that can act on an event: fill one in).',
    'The bar at the bottom shows each answer\'s status, code and log id. The credentials of its seed, and what each can do:',
    '',
    ...items,
  ].join('\n')
}

/** Shows an answer's status, code, msg and log id in the page's bar. */
async function showAnswer(response: Response): Promise<void> {
  const bar = document.getElementById('console-answer')
  if (!bar) return
  let body: unknown
  try {
    body = await response.clone().json()
  } catch {
    body = undefined
  }
  const parts = [`HTTP ${response.status}`]
  if (isObject(body) && typeof body.code === 'number') parts.push(`code ${body.code}${typeof body.msg === 'string' ? ` ${body.msg}` : ''}`)
  parts.push(`log id ${response.headers.get('x-tt-logid') ?? '(none)'}`)
  bar.textContent = parts.join(' · ')
  bar.dataset.status = String(response.status)
  bar.hidden = false
}

async function main(): Promise<void> {
  const spec = JSON.parse(document.getElementById('openapi')?.textContent ?? '{}') as Json
  const info = await fetch('sandbox.json', { cache: 'no-store' }).then(
    async (r) => (r.ok && r.headers.get('content-type')?.startsWith('application/json') ? ((await r.json()) as ConsoleInfo) : null),
    () => null,
  )
  const live = info?.sandbox === 'feishu-meeting-chat' ? info : null
  document.documentElement.dataset.console = live ? 'on' : 'off'
  if (live) prefill(spec, live)
  const about = isObject(spec.info) ? spec.info : {}
  about.description = `${introduction(live)}\n\n${typeof about.description === 'string' ? about.description : ''}`
  spec.info = about
  Scalar.createApiReference('#app', {
    content: spec,
    // Every operation open, not folded behind "Show more".
    defaultOpenAllTags: true,
    // Nothing from the network: no fonts, telemetry, request proxy, AI agent or MCP of Scalar's services.
    withDefaultFonts: false,
    telemetry: false,
    proxyUrl: '',
    agent: { disabled: true },
    mcp: { disabled: true },
    showDeveloperTools: 'never',
    // Its "Open API Client" links to Scalar's hosted client; "Test Request" is this page's console.
    hideClientButton: true,
    documentDownloadType: 'none',
    // The spec's own samples only (curl, this client, its CLI, the official Node SDK), each run by a test.
    hiddenClients: true,
    ...(live
      ? {
          servers: [{ url: live.url, description: 'This sandbox' }],
          ...(live.prefill && {
            authentication: { preferredSecurityScheme: live.prefill.scheme, securitySchemes: { [live.prefill.scheme]: { token: live.prefill.token } } },
          }),
          onResponseReceived: ({ response }: { response: Response }) => {
            void showAnswer(response)
          },
        }
      : { hideTestRequestButton: true }),
  })
}

void main()
