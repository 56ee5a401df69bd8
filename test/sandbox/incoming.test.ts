// The sandbox reads most requests without a URL or Fetch Request (src/sandbox/incoming.ts): what it reads
// must be what `new URL` and a Fetch Request read, or the request must go their way.
import { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { fromFetch, type MockRequest } from '../../src/mock/request.ts'
import { headerRecord, incomingRequest, plainTarget } from '../../src/sandbox/incoming.ts'

const origin = 'http://127.0.0.1:8787'
const calendar = encodeURIComponent('feishu.cn_abc@group.calendar.feishu.cn')
const unbind = `/open-apis/calendar/v4/calendars/${calendar}/events/e_1_0/meeting_chat?meeting_chat_id=oc_1`

// Every printable ASCII character, and a few others, in a path segment and in a query value.
const chars = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), '\t', '\u00e9', '\u4e2d']
const targets = [
  '/', '/?', '/a?', '/a?b', '/a?b=1&b=2&c', '/a?x=1+2&y=%41%zz', unbind, unbind.replace('oc_1', ''),
  '/a/./b', '/a/../b', '/a/%2e/b', '/a/%2E%2e/b', '/a/.well-known', '/a/b.', '/.', '/..', '/a/..', '/a/b/.?x=1',
  '//evil.example/a', '//', '*', 'http://user:pw@other.example/a', 'a/b', '', '/a\\b', '/a#b', '/a?b#c', '/a?b?c=d',
  ...chars.flatMap((c) => [`/a${c}b`, `/a?q=${c}&r=1`, `/${c}`]),
]

function request(method: string, url: string, headers: Record<string, string | string[]>): IncomingMessage {
  const req = new IncomingMessage(new Socket())
  req.method = method
  req.url = url
  req.headers = headers
  return req
}

describe('plainTarget', () => {
  it('reads a target as new URL does, or leaves it to new URL', () => {
    let plain = 0
    for (const target of targets) {
      const read = plainTarget(target)
      if (!read) continue
      plain++
      const url = new URL(target, origin)
      expect({ target, pathname: read.pathname, href: `${origin}${target}` }).toEqual({ target, pathname: url.pathname, href: url.href })
      const params = new URLSearchParams(read.query)
      for (const name of ['q', 'r', 'x', 'y', 'b', 'c', 'meeting_chat_id']) expect(params.get(name)).toBe(url.searchParams.get(name))
    }
    expect(plain).toBeGreaterThan(60)
  })

  it('takes the operations\' requests, and leaves what the parser rewrites', () => {
    expect(plainTarget(unbind)).toEqual({ pathname: unbind.split('?')[0], query: 'meeting_chat_id=oc_1' })
    expect(plainTarget('/open-apis/auth/v3/tenant_access_token/internal')).toEqual({ pathname: '/open-apis/auth/v3/tenant_access_token/internal', query: '' })
    for (const rewritten of ['/a/../b', '/a/%2e%2E/b', '/a/./b', '//evil.example/a', '/a b', '/a"b', '/a?q=\'', '/a^b', '/a{b}', '/a\u00e9', '*', 'http://other.example/a']) {
      expect(plainTarget(rewritten), rewritten).toBeUndefined()
    }
  })
})

describe('incomingRequest', () => {
  const headers = { host: '127.0.0.1:8787', authorization: 'Bearer t-1', 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] }
  const fetchOf = (body?: Uint8Array<ArrayBuffer>) => new Request(new URL(unbind, origin), { method: 'POST', headers: headerRecord(headers), ...(body && { body }) })
  const incomingOf = (body: Buffer) => incomingRequest(request('POST', unbind, headers), plainTarget(unbind) ?? { pathname: '', query: '' }, origin, '127.0.0.1', body)

  async function reads(r: MockRequest) {
    return {
      method: r.method,
      url: r.url,
      pathname: r.pathname,
      hostname: r.hostname,
      query: [r.query('meeting_chat_id'), r.query('absent')],
      headers: ['authorization', 'Content-Type', 'set-cookie', 'host', 'x-absent'].map((name) => r.header(name)),
      text: await r.text(),
    }
  }

  it('reads what a Fetch Request of the same request reads', async () => {
    // A byte-order mark (dropped) and a bad byte (replaced), as Request.text() decodes them.
    for (const bytes of [new Uint8Array(), new TextEncoder().encode('{"a":"\u4e2d"}'), Uint8Array.of(0xef, 0xbb, 0xbf, 0x7b, 0xff, 0x7d)]) {
      expect(await reads(incomingOf(Buffer.from(bytes)))).toEqual(await reads(fromFetch(fetchOf(bytes.length > 0 ? bytes : undefined))))
    }
  })

  it('builds the Fetch Request for a custom answer, its body read once the checks have read it', async () => {
    const incoming = incomingOf(Buffer.from('{"a":1}'))
    const before = await incoming.fetchRequest()
    expect(before.bodyUsed).toBe(false)
    expect(await before.text()).toBe('{"a":1}')
    await incoming.text()
    const after = await incoming.fetchRequest()
    expect({ url: after.url, method: after.method, authorization: after.headers.get('authorization'), bodyUsed: after.bodyUsed }).toEqual({ url: `${origin}${unbind}`, method: 'POST', authorization: 'Bearer t-1', bodyUsed: true })
  })
})
