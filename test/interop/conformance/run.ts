// Drives the sandbox with requests generated from the spec, and runs the checks on every answer. Bounded
// in count (per operation) and seeded, so a run is the same run every time.
import fc from 'fast-check'
import { mockOperations, type MockOperation } from '../../../src/contract/operations.ts'
import { deref, isObject, spec, type Json } from '../../../src/contract/walk.ts'
import { checks, failures, type CheckName, type Exchange, type Intent } from './checks.ts'
import { arbitraryOf, negativeDraft, positiveDraft, type Draft, type Known } from './generate.ts'

export interface RunOptions {
  readonly baseUrl: string
  readonly seed: number
  /** Positive and negative requests per operation. */
  readonly perOperation: number
  /** Scenario values to mix into positive data, by parameter name. */
  readonly known: Known
  /** Authorization headers that the sandbox accepts, for operations with security. */
  readonly validAuthorizations: readonly string[]
  /** Bodies of operations whose body names scenario records (token endpoints): fields forced to these. */
  readonly bodyFields?: Readonly<Record<string, Readonly<Record<string, string>>>>
  /** The stateful chain: the first request, and the code each step must answer. */
  readonly chain: { readonly operationId: string; readonly draft: Draft; readonly codes: readonly number[] }
}

export interface RunReport {
  readonly requests: number
  /** Exchanges each check applied to. */
  readonly applied: Readonly<Record<CheckName, number>>
  readonly failures: readonly { check: CheckName; why: string; sent: string }[]
}

const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'] as const

function urlOf(baseUrl: string, op: MockOperation, draft: Draft): string {
  let path = op.path
  for (const [name, value] of Object.entries(draft.path)) path = path.replace(`{${name}}`, encodeURIComponent(value))
  const url = new URL(path, baseUrl)
  for (const [name, value] of Object.entries(draft.query)) url.searchParams.set(name, value)
  return url.toString()
}

async function send(baseUrl: string, op: MockOperation, method: string, draft: Draft, intent: Intent, note: string, expectedCode?: number): Promise<Exchange & { json: unknown }> {
  const url = urlOf(baseUrl, op, draft)
  const response = await fetch(url, { method, headers: draft.headers, ...(draft.body !== undefined ? { body: draft.body } : {}) })
  const text = await response.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { op: intent === 'unsupported_method' ? undefined : op, intent, sent: `${intent} ${method} ${new URL(url).pathname}${new URL(url).search} ${note}`.trim(), status: response.status, headers: response.headers, text, json, ...(expectedCode !== undefined ? { expectedCode } : {}) }
}

/** Evaluates an OpenAPI runtime expression of a link against the step that produced it. */
function evaluate(expression: Json, draft: Draft, body: unknown): string {
  if (typeof expression !== 'string') throw new Error(`unsupported link parameter ${JSON.stringify(expression)}`)
  const request = /^\$request\.(path|query)\.(.+)$/.exec(expression)
  if (request?.[1] && request[2]) return (request[1] === 'path' ? draft.path : draft.query)[request[2]] ?? ''
  const response = /^\$response\.body#(\/.*)$/.exec(expression)
  if (response?.[1]) {
    let node: unknown = body
    for (const part of response[1].slice(1).split('/')) node = isObject(node) ? node[part] : undefined
    return String(node)
  }
  throw new Error(`unsupported runtime expression ${expression}`)
}

/** The links of an operation's documented 200 answer: target operation and its parameters. */
function linksOf(op: MockOperation): { name: string; target: MockOperation; parameters: Record<string, Json> }[] {
  const ok = deref(op.spec.responses['200'])
  const links = isObject(ok) && isObject(ok.links) ? ok.links : {}
  return Object.entries(links).map(([name, raw]) => {
    const link = deref(raw)
    if (!isObject(link) || typeof link.operationId !== 'string') throw new Error(`link ${name} of ${op.id} has no operationId`)
    const target = mockOperations().find((o) => o.id === link.operationId)
    if (!target) throw new Error(`link ${name} of ${op.id} names ${link.operationId}, which is not in the spec`)
    return { name, target, parameters: isObject(link.parameters) ? { ...link.parameters } : {} }
  })
}

interface Step {
  readonly op: MockOperation
  readonly draft: Draft
}

/** The next step of a chain: the first link of the step's 200 answer, its parameters evaluated. */
function follow(step: Step, body: unknown): Step | undefined {
  const link = linksOf(step.op)[0]
  if (!link) return undefined
  const value = (name: string) => evaluate(link.parameters[name] ?? null, step.draft, body)
  const params = link.target.spec.parameters
  return {
    op: link.target,
    draft: {
      path: Object.fromEntries(params.filter((p) => p.in === 'path').map((p) => [p.name, value(p.name)])),
      query: Object.fromEntries(params.filter((p) => p.in === 'query').map((p) => [p.name, value(p.name)])),
      headers: { authorization: step.draft.headers.authorization ?? '' },
      body: undefined,
    },
  }
}

export async function runConformance(options: RunOptions): Promise<RunReport> {
  const exchanges: Exchange[] = []
  const record = (x: Exchange) => exchanges.push(x)
  let seed = options.seed
  const sample = <T>(arb: fc.Arbitrary<T>, n: number) => fc.sample(arb, { seed: seed++, numRuns: n })

  for (const op of mockOperations()) {
    const secured = op.tokens.length > 0
    const authorization = secured ? fc.constantFrom(...options.validAuthorizations) : fc.constant(undefined)
    const fields = options.bodyFields?.[op.id]
    const schemaBody = op.spec.requestBodySchema
    const bodyArb = fields && schemaBody ? arbitraryOf(schemaBody).map((b) => ({ ...(isObject(b) ? b : {}), ...fields }) as Json) : undefined
    const positive = positiveDraft(op, options.known, authorization, bodyArb)
    for (const draft of sample(positive, options.perOperation)) record(await send(options.baseUrl, op, op.method, draft, 'positive', draft.body ?? ''))
    for (const { draft, broken } of sample(negativeDraft(op, positive), options.perOperation)) record(await send(options.baseUrl, op, op.method, draft, 'negative', broken))
    if (secured) {
      const [draft] = sample(positive, 1)
      if (!draft) throw new Error('no draft')
      const { authorization: _dropped, ...headers } = draft.headers
      record(await send(options.baseUrl, op, op.method, { ...draft, headers }, 'missing_required_header', 'no Authorization'))
      for (const token of sample(fc.tuple(fc.constantFrom(...op.tokens.map((t) => t.prefix)), fc.stringMatching(/^[A-Za-z0-9]{8,24}$/)).map(([p, s]) => `${p}${s}`), 2)) {
        record(await send(options.baseUrl, op, op.method, { ...draft, headers: { ...draft.headers, authorization: `Bearer ${token}` } }, 'ignored_auth', 'a token never issued'))
      }
    }
  }

  for (const path of Object.keys(spec.paths as Record<string, unknown>)) {
    const ops = mockOperations().filter((o) => o.path === path)
    const first = ops[0]
    if (!first) continue
    const [draft] = sample(positiveDraft(first, options.known, fc.constant(options.validAuthorizations[0])), 1)
    if (!draft) throw new Error('no draft')
    for (const method of METHODS.filter((m) => !ops.some((o) => o.method === m))) {
      record(await send(options.baseUrl, first, method, { ...draft, body: method === 'GET' ? undefined : draft.body }, 'unsupported_method', ''))
    }
  }

  // The stateful chain: the first request, then each documented link of each step's 200 answer, in turn.
  const start = mockOperations().find((o) => o.id === options.chain.operationId)
  if (!start) throw new Error(`no operation ${options.chain.operationId}`)
  let step: Step | undefined = { op: start, draft: options.chain.draft }
  for (const code of options.chain.codes) {
    if (!step) throw new Error(`the chain ended before the step that must answer ${code}: a link is missing from the spec`)
    const answered = await send(options.baseUrl, step.op, step.op.method, step.draft, 'stateful', `step answering ${code}`, code)
    record(answered)
    step = answered.status === 200 ? follow(step, answered.json) : undefined
  }

  const applied = {} as Record<CheckName, number>
  const found = exchanges.flatMap((x) => failures(x))
  for (const name of Object.keys(checks) as CheckName[]) {
    applied[name] = exchanges.filter((x) => applies(name, x)).length
  }
  return { requests: exchanges.length, applied, failures: found }
}

/** Whether a check has something to say about an exchange (for the counts in the report). */
export function applies(name: CheckName, x: Exchange): boolean {
  switch (name) {
    case 'not_a_server_error':
      return true
    case 'status_code_conformance':
    case 'content_type_conformance':
    case 'response_headers_conformance':
    case 'response_schema_conformance':
      return x.op !== undefined && x.intent !== 'unsupported_method'
    case 'negative_data_rejection':
      return x.intent === 'negative'
    case 'positive_data_acceptance':
      return x.intent === 'positive'
    case 'stateful_links':
      return x.intent === 'stateful'
    default:
      return x.intent === name
  }
}
