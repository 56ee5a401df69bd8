// Issue 13: the transport's units, each alone: find the operation, send one attempt, classify the answer,
// decide the retry, redact. And what the hot bundle leaves out.
import { build } from 'esbuild'
import { describe, expect, it, vi } from 'vitest'
import { parseEnvelope, readBody, TooLarge, type Answer } from '../../src/client/answer.ts'
import { RETRYABLE } from '../../src/client/errors.ts'
import { classify as classifyWith, quoteHeader } from '../../src/client/verdict.ts'
import { NoAnswer, sendAttempt } from '../../src/client/attempt.ts'
import { operationFinder } from '../../src/client/request.ts'
import { OPERATIONS } from '../../src/client/operation.ts'
import { normalizeOptions } from '../../src/client/options.ts'
import { redactInit, redactText } from '../../src/client/redact.ts'
import { nextDelayMs } from '../../src/client/retry.ts'
import { fillPath } from '../../src/client/serialize.ts'
import createClient, { createQuerySerializer, defaultPathSerializer } from 'openapi-fetch'
import { lazyApi } from '../../src/client/client.ts'
import fc from 'fast-check'
import { createMeetingChatClient, FeishuApiError } from '../../src/index.ts'

const answer = (status: number, text: string, headers: Record<string, string> = {}): Answer => ({
  response: new Response(null, { status, headers }), status, redirected: false, headers: new Headers(headers), text, envelope: parseEnvelope(text),
})
const policy = normalizeOptions({}).retry

const findOperation = operationFinder({ OPERATIONS })

describe('findOperation', () => {
  it('finds each operation by method and path, without scanning', () => {
    expect(findOperation('DELETE', '/open-apis/calendar/v4/calendars/c%40x/events/e_0/meeting_chat')?.id).toBe('unbindMeetingChat')
    expect(findOperation('POST', '/open-apis/calendar/v4/calendars/c/events/e/meeting_chat')?.id).toBe('createMeetingChat')
    expect(findOperation('POST', '/open-apis/auth/v3/tenant_access_token/internal')?.id).toBe('getTenantAccessTokenInternal')
  })
  it('returns null off the spec', () => {
    expect(findOperation('GET', '/open-apis/calendar/v4/calendars/c/events/e/meeting_chat')).toBeNull()
    expect(findOperation('DELETE', '/open-apis/calendar/v4/calendars/c/x/events/e/meeting_chat')).toBeNull()
  })
})

describe('fillPath', () => {
  const base = 'https://open.feishu.cn'
  const templates = [
    `${base}/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat`,
    `${base}/open-apis/auth/v3/tenant_access_token/internal`,
    `${base}/a/{x}/b/{x}/{y}`,
    `${base}/styled/{.x}/{;y}/{x*}`,
    `${base}/{x}{y}`,
  ]
  const value = fc.oneof(fc.string({ unit: 'binary' }), fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(undefined), fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }))
  // Where fillPath builds no URL (null), client.api hands the template to openapi-fetch's own serializer.
  const same = (template: string, params: Record<string, unknown>) => expect(fillPath(template, params) ?? defaultPathSerializer(template, params)).toBe(defaultPathSerializer(template, params))
  it('builds the URL openapi-fetch\'s own serializer builds, for any value and each of these templates', () => {
    fc.assert(fc.property(fc.constantFrom(...templates), fc.record({ calendar_id: value, event_id: value, x: value, y: value, '.x': value, ';y': value, 'x*': value }, { requiredKeys: [] }), (template, params) => {
      same(template, params)
    }), { numRuns: 2000 })
  })
  it('builds one for any string or number of a template of plain names, as the client\'s own calls need', () => {
    fc.assert(fc.property(fc.constantFrom(templates[0]!, templates[2]!, templates[4]!), fc.record({ calendar_id: fc.string(), event_id: fc.string({ unit: 'grapheme' }), x: fc.oneof(fc.string(), fc.integer()), y: fc.double() }), (template, params) => {
      expect(fillPath(template, params)).toBe(defaultPathSerializer(template, params))
    }), { numRuns: 1000 })
  })
  it('the client\'s own query (meeting_chat_id=, the value through encodeURIComponent) is what openapi-fetch\'s query serializer builds', () => {
    const serializeQuery = createQuerySerializer()
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (id) => {
      expect(`meeting_chat_id=${encodeURIComponent(id)}`).toBe(serializeQuery({ meeting_chat_id: id }))
    }), { numRuns: 1000 })
  })
  it('builds the URL openapi-fetch\'s own serializer builds, for any template of literal text and {names}', () => {
    const names = ['x', 'y', 'a-b', 'a_1', '.x', ';y', 'x*', 'a b', '{', '}', '$&', '$1']
    const piece = fc.oneof(
      fc.string({ unit: fc.constantFrom('/', '{', '}', 'a', '.', ';', '*', '-', '_', '$', '&', ' ', '%'), maxLength: 6 }),
      fc.constantFrom(...names).map((name) => `{${name}}`),
    )
    const params = fc.dictionary(fc.constantFrom(...names, 'other'), value, { maxKeys: 6 })
    fc.assert(fc.property(fc.array(piece, { maxLength: 8 }), params, (pieces, values) => {
      const template = `${base}/${pieces.join('')}`
      same(template, values)
    }), { numRuns: 3000 })
  })
  it('encodes every character a path segment cannot carry as it is', () => {
    const url = fillPath(templates[0]!, { calendar_id: 'feishu.cn_x@group.calendar.feishu.cn', event_id: 'a/b?c#d %e' })
    expect(url).toBe(`${base}/open-apis/calendar/v4/calendars/feishu.cn_x%40group.calendar.feishu.cn/events/a%2Fb%3Fc%23d%20%25e/meeting_chat`)
  })
})

describe('client.api before openapi-fetch loads (lazyApi)', () => {
  type Api = ReturnType<typeof lazyApi>
  const real = (sent: string[]) => createClient({ baseUrl: 'https://o.test', fetch: async (request: Request) => { sent.push(`${request.method} ${request.headers.get('x-by') ?? ''}`); return new Response('{}') } }) as unknown as Api
  const tagger = (tag: string) => ({ onRequest({ request }: { request: Request }) { request.headers.set('x-by', `${request.headers.get('x-by') ?? ''}${tag}`); return request } })

  it('loads on the first call, once, and applies the middleware added and ejected before then, in order', async () => {
    const sent: string[] = []
    let loads = 0
    const used: number[] = []
    const api = lazyApi(async () => { loads++; return real(sent) }, () => used.push(1))
    const [a, b, c] = [tagger('a'), tagger('b'), tagger('c')]
    api.use(a, b)
    api.eject(a)
    api.use(c)
    expect(loads).toBe(0)
    await Promise.all([api.GET('/x' as never), api.request('post', '/x' as never)])
    api.eject(b)
    await api.DELETE('/x' as never)
    expect(loads).toBe(1)
    expect(sent).toEqual(['GET bc', 'POST bc', 'DELETE c'])
    expect(used).toHaveLength(2)
  })

  it('use refuses at once what openapi-fetch\'s use refuses, with its message, and keeps the middleware before it, as openapi-fetch does', async () => {
    for (const bad of [{}, 'x', 1, () => {}, { onRequst() {} }]) {
      const theirs = real([])
      const expected = (() => { try { theirs.use(tagger('a'), bad as never); return undefined } catch (error) { return (error as Error).message } })()
      expect(expected).toBeTypeOf('string')
      const sent: string[] = []
      const api = lazyApi(async () => real(sent), () => {})
      expect(() => api.use(tagger('a'), bad as never, tagger('z'))).toThrow(expected!)
      await api.GET('/x' as never)
      expect(sent).toEqual(['GET a'])
    }
    // Nothing (undefined, null) is skipped by both.
    const sent: string[] = []
    const api = lazyApi(async () => real(sent), () => {})
    api.use(undefined as never, null as never, tagger('a'))
    await api.GET('/x' as never)
    expect(sent).toEqual(['GET a'])
  })

  it('a load that failed rejects that call with a network FeishuApiError and is tried again on the next call', async () => {
    let loads = 0
    const api = lazyApi(async () => { if (++loads === 1) throw new Error('chunk failed to load'); return real([]) }, () => {})
    const error = await api.GET('/x' as never).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FeishuApiError)
    expect(error).toMatchObject({ kind: 'network', retryable: true, cause: { message: 'chunk failed to load' } })
    await expect(api.GET('/x' as never)).resolves.toMatchObject({ response: { status: 200 } })
    expect(loads).toBe(2)
  })

  it('a call aborted while openapi-fetch loads rejects with the signal\'s reason', async () => {
    let release = () => {}
    const api = lazyApi(() => new Promise((resolve) => { release = () => resolve(real([])) }), () => {})
    const caller = new AbortController()
    const call = api.GET('/x' as never, { signal: caller.signal } as never)
    caller.abort(new Error('stop'))
    await expect(call).rejects.toThrow('stop')
    release()
    await expect(api.GET('/x' as never)).resolves.toMatchObject({ response: { status: 200 } })
  })

  it('a first call whose signal is already aborted rejects with its reason and starts no load', async () => {
    let loads = 0
    const api = lazyApi(async () => { loads++; throw new Error('chunk failed to load') }, () => {})
    await expect(api.GET('/x' as never, { signal: AbortSignal.abort(new Error('stop')) } as never)).rejects.toThrow('stop')
    expect(loads).toBe(0)
  })

  it('a load that outlasts the client\'s deadline rejects the call with a timeout FeishuApiError; the next call loads again', async () => {
    vi.useFakeTimers()
    try {
      let loads = 0
      const api = lazyApi(() => (++loads === 1 ? new Promise<never>(() => {}) : Promise.resolve(real([]))), () => {}, 5_000)
      const call = api.GET('/x' as never).catch((e: unknown) => e)
      await vi.advanceTimersByTimeAsync(5_000)
      expect(await call).toMatchObject({ name: 'FeishuApiError', kind: 'timeout', retryable: true })
      await expect(api.GET('/x' as never)).resolves.toMatchObject({ response: { status: 200 } })
      expect(loads).toBe(2)
    } finally {
      vi.useRealTimers()
    }
  })

  it('takes a call\'s own middleware as openapi-fetch does: any iterable after the client\'s, and refuses what it refuses', async () => {
    const outcome = async (api: Api, middleware: unknown) => {
      try {
        await api.GET('/x' as never, { middleware } as never)
        return 'ok'
      } catch (error) {
        return `${(error as Error).name}`
      }
    }
    for (const middleware of [undefined, [tagger('b')], new Set([tagger('b')]), {}, null, 5]) {
      const [theirsSent, oursSent]: [string[], string[]] = [[], []]
      const theirs = real(theirsSent)
      const ours = lazyApi(async () => real(oursSent), () => {})
      theirs.use(tagger('a'))
      ours.use(tagger('a'))
      expect(await outcome(ours, middleware)).toBe(await outcome(theirs, middleware))
      expect(oursSent).toEqual(theirsSent)
    }
  })

  it('runs, for each call, the middleware openapi-fetch runs, for any sequence of use, eject and calls, before and after the load', async () => {
    const step = fc.oneof(
      fc.record({ op: fc.constantFrom('use' as const, 'eject' as const), pick: fc.array(fc.nat(3), { maxLength: 3 }) }),
      fc.record({ op: fc.constantFrom('call' as const, 'settle' as const) }),
    )
    await fc.assert(fc.asyncProperty(fc.array(step, { maxLength: 14 }), async (steps) => {
      const pool = [0, 1, 2, 3].map((i) => tagger(String(i)))
      const record = (sent: string[]) => createClient({ baseUrl: 'https://o.test', fetch: async (request: Request) => { sent.push(`${request.headers.get('x-n')}:${request.headers.get('x-by') ?? ''}`); return new Response('{}') } }) as unknown as Api
      const theirsSent: string[] = []
      const oursSent: string[] = []
      const theirs = record(theirsSent)
      const ours = lazyApi(async () => record(oursSent), () => {})
      const calls: Promise<unknown>[] = []
      let n = 0
      for (const s of steps) {
        if (s.op === 'call') {
          n++
          for (const api of [theirs, ours]) calls.push(api.GET('/x' as never, { headers: { 'x-n': String(n) } } as never))
        } else if (s.op === 'settle') await Promise.all(calls)
        else if ('pick' in s) for (const api of [theirs, ours]) api[s.op](...s.pick.map((i) => pool[i]!))
      }
      await Promise.all(calls)
      expect(oursSent.sort()).toEqual(theirsSent.sort())
    }), { numRuns: 300 })
  })

  it('once loaded, a call goes to openapi-fetch at once: what it reads (the body, the middleware) is read when it is made', async () => {
    const sent: string[] = []
    const api = lazyApi(async () => createClient({ baseUrl: 'https://o.test', fetch: async (request: Request) => { sent.push(`${await request.text()} ${request.headers.get('x-by') ?? ''}`); return new Response('{}') } }) as unknown as Api, () => {})
    await api.GET('/x' as never)
    const a = tagger('a')
    api.use(a)
    const body = { n: 1 }
    const call = api.POST('/x' as never, { body } as never)
    body.n = 2
    api.eject(a)
    await call
    expect(sent).toEqual([' ', '{"n":1} a'])
  })

  it('middleware added after client.api has loaded also sees the client\'s own calls', async () => {
    const seen: string[] = []
    const client = createMeetingChatClient({ domain: 'https://open.feishu.cn', auth: { tenantAccessToken: 't-abc' }, fetch: async () => new Response(JSON.stringify({ code: 0, msg: 'success', data: {} })) })
    await client.api.DELETE('/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat', { params: { path: { calendar_id: 'cal_1', event_id: 'evt_1_0' }, query: { meeting_chat_id: 'oc_1' } } })
    client.api.use({ onRequest({ request }) { seen.push(request.method) } })
    await client.unbindMeetingChat({ calendarId: 'cal_1', eventId: 'evt_1_0', meetingChatId: 'oc_1' })
    expect(seen).toEqual(['DELETE'])
  })
})

const classify = (...args: Parameters<typeof classifyWith> extends [...infer A, unknown] ? A : never) => classifyWith(...args, { redactText, redactInit, retryable: RETRYABLE })

describe('classify', () => {
  it('a success is the envelope with code 0', () => {
    expect(classify(answer(200, '{"code":0,"msg":"success","data":{}}'), 'unbindMeetingChat', 'https://o', [], 0)).toMatchObject({ ok: true, envelope: { code: 0 } })
  })
  it('a code under HTTP 200 is the same error as under its status', () => {
    const a = classify(answer(200, '{"code":195107,"msg":"no permission"}'), 'unbindMeetingChat', 'https://o', [], 0)
    const b = classify(answer(403, '{"code":195107,"msg":"no permission"}'), 'unbindMeetingChat', 'https://o', [], 0)
    expect(a).toMatchObject({ ok: false, error: { kind: 'permission', code: 195107 } })
    expect(b).toMatchObject({ ok: false, error: { kind: 'permission', code: 195107 } })
  })
  it('a rate limit carries the wait its headers ask for', () => {
    expect(classify(answer(429, '{"code":99991400,"msg":"x"}', { 'x-ogw-ratelimit-reset': '2' }), null, 'https://o', [], 0)).toMatchObject({ ok: false, waitMs: 2000, error: { kind: 'rate_limited' } })
  })
  it('a redirect is a protocol error, never followed', () => {
    expect(classify({ ...answer(302, ''), redirected: false }, null, 'https://o', [], 0)).toMatchObject({ ok: false, error: { kind: 'protocol', retryable: false } })
  })
  it('redacts what it quotes', () => {
    const v = classify(answer(502, '<html>', { 'content-type': 'text/html; t-secret-1', 'x-tt-logid': 'id t-secret-1' }), null, 'https://o', ['t-secret-1'], 0)
    expect(JSON.stringify(v)).not.toContain('t-secret-1')
  })
})

describe('readBody', () => {
  it('reads up to the limit and stops past it', async () => {
    await expect(readBody(new Response('x'.repeat(10)), 10)).resolves.toBe('x'.repeat(10))
    await expect(readBody(new Response('x'.repeat(11)), 10)).rejects.toBeInstanceOf(TooLarge)
  })
})

describe('sendAttempt', () => {
  it('gives up after its timeout on a fetch that ignores the signal', async () => {
    const attempt = sendAttempt({ url: 'https://o/x', method: 'GET', headers: new Headers(), body: undefined }, { timeoutMs: 5, maxResponseBytes: 10, signal: null, fetch: () => new Promise<Response>(() => {}) })
    await expect(attempt).rejects.toMatchObject({ timedOut: true })
    await expect(attempt).rejects.toBeInstanceOf(NoAnswer)
  })
})

describe('nextDelayMs', () => {
  const state = { attempts: 1, idempotent: true, waitMs: null, elapsedMs: 0, remainingMs: 60_000 }
  const retryable = { kind: 'server' as const, retryable: true }
  it('backs off with jitter', () => {
    expect(nextDelayMs(retryable, state, policy, () => 1)).toBe(policy.baseDelayMs)
  })
  it('never retries what is not retryable, or an unsafe replay', () => {
    expect(nextDelayMs({ kind: 'auth', retryable: false }, state, policy, () => 1)).toBeNull()
    expect(nextDelayMs(retryable, { ...state, idempotent: false }, policy, () => 1)).toBeNull()
    expect(nextDelayMs({ kind: 'rate_limited', retryable: true }, { ...state, idempotent: false }, policy, () => 1)).toBe(policy.baseDelayMs)
  })
  it('does not start a wait past the deadline or maxElapsedMs', () => {
    expect(nextDelayMs(retryable, { ...state, waitMs: 5000, remainingMs: 5000 }, policy, () => 1)).toBeNull()
    expect(nextDelayMs(retryable, { ...state, waitMs: 5000, elapsedMs: policy.maxElapsedMs - 4999 }, policy, () => 1)).toBeNull()
  })
})

describe('redactInit', () => {
  it('covers msg, log id, detail keys and values, and the cause', () => {
    const out = redactInit({ kind: 'server', msg: 'a SECRET-1', logId: 'SECRET-1', detail: { SECRET_1: ['SECRET-1'] }, cause: new Error('x SECRET-1') }, ['SECRET-1', 'SECRET_1'])
    expect(JSON.stringify(out) + String((out.cause as Error).message)).not.toMatch(/SECRET/)
  })
  it('cuts a quoted header short', () => {
    expect(quoteHeader('x'.repeat(500), [], redactText)?.length).toBe(201)
  })
})

describe('the hot bundle', () => {
  it('an app that passes user tokens bundles no app-credential flow, token cache, catalog text, failure rules, id explanations or openapi-fetch at start', async () => {
    const entry = new URL('../../src/index.ts', import.meta.url).pathname
    const result = await build({
      stdin: { contents: `import { createMeetingChatClient } from ${JSON.stringify(entry)}\nexport const c = createMeetingChatClient()`, resolveDir: process.cwd(), loader: 'js' },
      bundle: true, format: 'esm', platform: 'browser', write: false, metafile: true, logLevel: 'silent',
      // What loads on demand is a dynamic import: left out, whatever its path; a static import of the same module is not.
      plugins: [{ name: 'on-demand', setup: (b) => b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined)) }],
    })
    const inputs = Object.keys(result.metafile.outputs[Object.keys(result.metafile.outputs)[0] as string]?.inputs ?? {})
    expect(inputs.some((i) => i.endsWith('src/client/transport.ts'))).toBe(true)
    for (const left of ['src/client/auth/app.ts', 'src/client/auth/token-cache.ts', 'src/generated/catalog.ts', 'src/generated/catalog-text.ts', 'src/client/api.ts', 'src/client/verdict.ts', 'src/client/explain.ts', 'openapi-fetch/dist/index.mjs']) {
      expect(inputs.filter((i) => i.endsWith(left))).toEqual([])
    }
  })
})

describe('the request as sent', () => {
  const ids = { calendarId: 'cal_1', eventId: 'evt_1_0', meetingChatId: 'oc_5ce6d572455d361153b7cb51da133945' }
  const ok = () => new Response(JSON.stringify({ code: 0, msg: 'success', data: {} }), { headers: { 'content-type': 'application/json' } })

  it('with the global fetch, the client\'s own call: the URL and an init, so that fetch builds the only Request', async () => {
    const seen: [RequestInfo | URL, RequestInit | undefined][] = []
    const original = globalThis.fetch
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => { seen.push([input, init]); return ok() }) as typeof fetch
    try {
      const caller = new AbortController()
      await createMeetingChatClient({ domain: 'https://open.feishu.cn', auth: { tenantAccessToken: 't-abc' } }).unbindMeetingChat(ids, { signal: caller.signal })
      expect(seen).toHaveLength(1)
      const [input, init] = seen[0]!
      // Not a Request: building one before fetch builds its own cost a second Request per call.
      expect(input).toBe('https://open.feishu.cn/open-apis/calendar/v4/calendars/cal_1/events/evt_1_0/meeting_chat?meeting_chat_id=oc_5ce6d572455d361153b7cb51da133945')
      const request = new Request(input, init)
      expect(request.method).toBe('DELETE')
      expect(request.redirect).toBe('manual')
      expect(request.headers.get('authorization')).toBe('Bearer t-abc')
      expect(init?.signal).toBeInstanceOf(AbortSignal)
      expect(init?.signal).not.toBe(caller.signal)
    } finally {
      globalThis.fetch = original
    }
  })

  it('the client\'s own call goes to the domain as normalized (case, default port, path), not refused as another origin', async () => {
    const seen: (RequestInfo | URL)[] = []
    const original = globalThis.fetch
    globalThis.fetch = (async (input: RequestInfo | URL) => { seen.push(input); return ok() }) as typeof fetch
    try {
      const client = createMeetingChatClient({ domain: 'HTTPS://Open.FEISHU.cn:443/proxy/./feishu/', auth: { tenantAccessToken: 't-abc' } })
      await client.unbindMeetingChat({ ...ids, calendarId: 'feishu.cn_x@group.calendar.feishu.cn' })
      expect(seen).toEqual(['https://open.feishu.cn/proxy/feishu/open-apis/calendar/v4/calendars/feishu.cn_x%40group.calendar.feishu.cn/events/evt_1_0/meeting_chat?meeting_chat_id=oc_5ce6d572455d361153b7cb51da133945'])
      expect(String(seen[0])).toBe(new URL(String(seen[0])).href)
    } finally {
      globalThis.fetch = original
    }
  })

  it('with the global fetch, client.api: the Request openapi-fetch built, with no signal of its own, and the attempt\'s signal beside it', async () => {
    const seen: [Request, RequestInit | undefined][] = []
    const original = globalThis.fetch
    globalThis.fetch = (async (input: Request, init?: RequestInit) => { seen.push([input, init]); return ok() }) as typeof fetch
    try {
      const caller = new AbortController()
      const { api } = createMeetingChatClient({ domain: 'https://open.feishu.cn', auth: { tenantAccessToken: 't-abc' } })
      await api.DELETE('/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat', {
        params: { path: { calendar_id: ids.calendarId, event_id: ids.eventId }, query: { meeting_chat_id: ids.meetingChatId } },
        signal: caller.signal,
      })
      expect(seen).toHaveLength(1)
      const [request, init] = seen[0]!
      expect(request).toBeInstanceOf(Request)
      expect(request.method).toBe('DELETE')
      expect(request.redirect).toBe('manual')
      expect(request.headers.get('authorization')).toBe('Bearer t-abc')
      // Not the caller's signal, and not one the Request follows (that costs undici a listener, a WeakRef and a finalizer).
      expect(init?.signal).toBeInstanceOf(AbortSignal)
      expect(init?.signal).not.toBe(caller.signal)
      expect(request.signal.aborted).toBe(false)
    } finally {
      globalThis.fetch = original
    }
  })

  it('with a fetch option: one Request, which carries the attempt\'s signal; the caller\'s abort reaches it', async () => {
    const seen: Request[] = []
    const caller = new AbortController()
    const client = createMeetingChatClient({
      domain: 'https://open.feishu.cn',
      auth: { tenantAccessToken: 't-abc' },
      retry: false,
      fetch: (request) => {
        seen.push(request)
        return new Promise<Response>((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason)))
      },
    })
    const call = client.unbindMeetingChat(ids, { signal: caller.signal })
    await new Promise((resolve) => setImmediate(resolve))
    caller.abort(new Error('stop'))
    await expect(call).rejects.toThrow('stop')
    expect(seen).toHaveLength(1)
    expect(seen[0]!.signal.aborted).toBe(true)
  })

  it('once middleware is added, the client\'s own calls are real Requests that it may read or replace', async () => {
    const seen: unknown[] = []
    const sent: Request[] = []
    const client = createMeetingChatClient({ domain: 'https://open.feishu.cn', auth: { tenantAccessToken: 't-abc' }, fetch: async (request) => { sent.push(request); return ok() } })
    client.api.use({ onRequest({ request }) { seen.push(request) } })
    await client.unbindMeetingChat(ids)
    expect(seen).toHaveLength(1)
    expect(seen[0]).toBeInstanceOf(Request)
    expect(sent[0]?.url).toBe((seen[0] as Request).url)
  })

  it('with no middleware, the client\'s own calls skip openapi-fetch; once one is added, they go through it', async () => {
    const client = createMeetingChatClient({ domain: 'https://open.feishu.cn', auth: { tenantAccessToken: 't-abc' }, fetch: async () => ok() })
    const api = { DELETE: vi.spyOn(client.api, 'DELETE'), POST: vi.spyOn(client.api, 'POST') }
    const created = () => new Response(JSON.stringify({ code: 0, msg: 'success', data: { meeting_chat_id: 'oc_1', applink: 'https://applink.feishu.cn/x' } }))
    const answers = [ok(), created()]
    const both = createMeetingChatClient({ domain: 'https://open.feishu.cn', auth: { tenantAccessToken: 't-abc' }, fetch: async () => answers.shift() ?? ok() })
    const spied = { DELETE: vi.spyOn(both.api, 'DELETE'), POST: vi.spyOn(both.api, 'POST') }
    await client.unbindMeetingChat(ids)
    await both.unbindMeetingChat(ids)
    await expect(both.createMeetingChat(ids)).resolves.toEqual({ meetingChatId: 'oc_1', applink: 'https://applink.feishu.cn/x' })
    expect([api.DELETE.mock.calls.length, spied.DELETE.mock.calls.length, spied.POST.mock.calls.length]).toEqual([0, 0, 0])
    client.api.use({ onRequest() {} })
    await client.unbindMeetingChat(ids)
    expect(api.DELETE).toHaveBeenCalledTimes(1)
  })

  it('what the client\'s own calls send without openapi-fetch is what they send through it (URL, method, headers), for any ids they accept', async () => {
    const id = fc.string({ unit: fc.oneof(fc.constantFrom('@', '.', '_', '-', '/', '?', '#', '%', '&', '=', '+', ' ', '~', '!', '*', "'", '(', ')'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 20 })
      .filter((value) => value.trim() === value && value !== '.' && value !== '..' && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value))
    const chat = fc.string({ unit: fc.constantFrom(...'abcXYZ019_-'), minLength: 1, maxLength: 20 }).map((tail) => `oc_${tail}`)
    const as = (request: Request) => ({ url: request.url, method: request.method, headers: [...request.headers], body: request.body })
    await fc.assert(fc.asyncProperty(id, id, chat, fc.constantFrom('https://open.feishu.cn', 'https://Open.Larksuite.com:443/a%20b/./proxy/', 'http://127.0.0.1:8080/x'),
      fc.constantFrom({}, { userAccessToken: 'u-abc' }, { tenantAccessToken: 't-xyz' }), async (calendarId, eventId, meetingChatId, domain, callOptions) => {
        const sent: Request[] = []
        const answer = (request: Request) => {
          sent.push(request)
          const data = request.method === 'POST' ? { meeting_chat_id: 'oc_1', applink: 'https://applink.feishu.cn/x' } : {}
          return Promise.resolve(new Response(JSON.stringify({ code: 0, msg: 'success', data })))
        }
        const direct = createMeetingChatClient({ domain, auth: { tenantAccessToken: 't-abc' }, fetch: answer })
        const through = createMeetingChatClient({ domain, auth: { tenantAccessToken: 't-abc' }, fetch: answer })
        through.api.use({ onRequest() {} })
        for (const client of [direct, through]) {
          await client.unbindMeetingChat({ calendarId, eventId, meetingChatId }, callOptions)
          await client.createMeetingChat({ calendarId, eventId }, callOptions)
        }
        expect(sent.slice(0, 2).map(as)).toEqual(sent.slice(2).map(as))
      }), { numRuns: 300 })
  })

  for (const via of ['a fetch option', 'the global fetch'] as const) {
    it(`a middleware may hand back a Request it built with the global Request class, with ${via} (openapi-fetch checks it against the client's own class)`, async () => {
      const sent: Request[] = []
      const send = async (input: RequestInfo | URL, init?: RequestInit) => { sent.push(new Request(input, init)); return ok() }
      const original = globalThis.fetch
      if (via === 'the global fetch') globalThis.fetch = send as typeof fetch
      try {
        const client = createMeetingChatClient({ domain: 'https://open.feishu.cn', auth: { tenantAccessToken: 't-abc' }, ...(via === 'a fetch option' && { fetch: send }) })
        client.api.use({
          onRequest({ request }) {
            const replaced = new Request(request)
            replaced.headers.set('x-trace', 'from-middleware')
            return replaced
          },
        })
        await client.unbindMeetingChat(ids)
        await client.api.DELETE('/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat', {
          params: { path: { calendar_id: ids.calendarId, event_id: ids.eventId }, query: { meeting_chat_id: ids.meetingChatId } },
        })
      } finally {
        globalThis.fetch = original
      }
      expect(sent.map((request) => request.headers.get('x-trace'))).toEqual(['from-middleware', 'from-middleware'])
      expect(sent.map((request) => request.headers.get('authorization'))).toEqual(['Bearer t-abc', 'Bearer t-abc'])
    })
  }
})

describe('the caller\'s abort', () => {
  it('aborted while the rate limiter lets the call go: nothing is sent', async () => {
    const caller = new AbortController()
    const sent: string[] = []
    const client = createMeetingChatClient({
      domain: 'https://open.feishu.cn',
      auth: { tenantAccessToken: 't-abc' },
      rateLimiter: {
        acquire() {
          const granted = Promise.resolve()
          // The abort lands just after the wait for the budget has ended, before the attempt starts.
          void granted.then(() => undefined).then(() => caller.abort(new Error('stop')))
          return granted
        },
        hold: async () => {},
      },
      fetch: async (request) => {
        sent.push(request.url)
        return new Response(JSON.stringify({ code: 0, msg: 'success', data: {} }), { headers: { 'content-type': 'application/json' } })
      },
    })
    await expect(client.unbindMeetingChat({ calendarId: 'cal_1', eventId: 'evt_1_0', meetingChatId: 'oc_1' }, { signal: caller.signal })).rejects.toThrow('stop')
    expect(sent).toEqual([])
  })
})

describe('middleware on the client\'s own calls', () => {
  it('an onResponse middleware may clone and read the answer: it gets an empty body, and the call its result', async () => {
    const client = createMeetingChatClient({
      domain: 'https://open.feishu.cn',
      auth: { tenantAccessToken: 't-abc' },
      fetch: async () => new Response(JSON.stringify({ code: 0, msg: 'success', data: { meeting_chat_id: 'oc_1', applink: 'https://applink.feishu.cn/x' } }), { headers: { 'content-type': 'application/json', 'x-tt-logid': 'log-1' } }),
    })
    const seen: { status: number; logId: string | null; body: string }[] = []
    client.api.use({ async onResponse({ response }) { seen.push({ status: response.status, logId: response.headers.get('x-tt-logid'), body: await response.clone().text() }) } })
    await expect(client.createMeetingChat({ calendarId: 'cal_1', eventId: 'evt_1_0' })).resolves.toEqual({ meetingChatId: 'oc_1', applink: 'https://applink.feishu.cn/x' })
    expect(seen).toEqual([{ status: 200, logId: 'log-1', body: '' }])
  })

  it('middleware added after the client has made calls gets the same: the answer as fetched is handed back only while none is added', async () => {
    const answer = () => new Response(JSON.stringify({ code: 0, msg: 'success', data: { meeting_chat_id: 'oc_1', applink: 'https://applink.feishu.cn/x' } }), { headers: { 'content-type': 'application/json', 'x-tt-logid': 'log-1' } })
    const client = createMeetingChatClient({ domain: 'https://open.feishu.cn', auth: { tenantAccessToken: 't-abc' }, fetch: async () => answer() })
    const chat = { meetingChatId: 'oc_1', applink: 'https://applink.feishu.cn/x' }
    await expect(client.createMeetingChat({ calendarId: 'cal_1', eventId: 'evt_1_0' })).resolves.toEqual(chat)
    await expect(client.unbindMeetingChat({ calendarId: 'cal_1', eventId: 'evt_1_0', meetingChatId: 'oc_1' })).resolves.toBeUndefined()
    const seen: { status: number; logId: string | null; body: string }[] = []
    client.api.use({ async onResponse({ response }) { seen.push({ status: response.status, logId: response.headers.get('x-tt-logid'), body: await response.clone().text() }) } })
    await expect(client.createMeetingChat({ calendarId: 'cal_1', eventId: 'evt_1_0' })).resolves.toEqual(chat)
    await expect(client.unbindMeetingChat({ calendarId: 'cal_1', eventId: 'evt_1_0', meetingChatId: 'oc_1' })).resolves.toBeUndefined()
    expect(seen).toEqual([{ status: 200, logId: 'log-1', body: '' }, { status: 200, logId: 'log-1', body: '' }])
  })

  it('an onResponse middleware that hands back another Response does not cost the call its result, nor the token flow its token', async () => {
    const tokenBody = JSON.stringify({ code: 0, msg: 'ok', tenant_access_token: 't-fresh', expire: 7200 })
    const chatBody = JSON.stringify({ code: 0, msg: 'success', data: { meeting_chat_id: 'oc_1', applink: 'https://applink.feishu.cn/x' } })
    const sent: string[] = []
    const client = createMeetingChatClient({
      domain: 'https://open.feishu.cn',
      auth: { appId: 'cli_a', appSecret: 's3cret' },
      fetch: async (request) => {
        sent.push(`${request.method} ${new URL(request.url).pathname} ${request.headers.get('authorization') ?? ''}`)
        return new Response(request.url.endsWith('/internal') ? tokenBody : chatBody, { headers: { 'content-type': 'application/json' } })
      },
    })
    client.api.use({ onResponse: ({ response }) => new Response(null, { status: response.status, headers: response.headers }) })
    await expect(client.createMeetingChat({ calendarId: 'cal_1', eventId: 'evt_1_0' })).resolves.toEqual({ meetingChatId: 'oc_1', applink: 'https://applink.feishu.cn/x' })
    expect(sent).toEqual([
      'POST /open-apis/auth/v3/tenant_access_token/internal ',
      'POST /open-apis/calendar/v4/calendars/cal_1/events/evt_1_0/meeting_chat Bearer t-fresh',
    ])
  })
})
