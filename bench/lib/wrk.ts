// wrk (https://github.com/wg/wrk, Debian package `wrk`) as the mock servers' load generator: a C program
// whose cost per request is a fraction of autocannon's, so that on a 2-core machine, where the load
// generator and the server share the cores, the server runs out of CPU before the load generator does.
// One thread per connection: a thread's Lua state is its connection's own, which a sequence of requests
// (create, then unbind the chat it answered) needs, since wrk's response() does not say which connection
// answered. The script's done() prints one JSON line: no parsing of wrk's human output.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface WrkResult {
  readonly requests: number
  readonly seconds: number
  /** Connect, read, write and timeout errors. */
  readonly errors: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly statusCodes: Record<string, number>
}

/** wrk's version line, or undefined if it is not installed. */
export function wrkVersion(): Promise<string | undefined> {
  return new Promise((resolve) => {
    // `wrk --version` exits with 1 after printing it, so the exit status says nothing.
    execFile('wrk', ['--version'], { timeout: 5000 }, (_error, stdout, stderr) => {
      const line = `${stdout}${stderr}`.split('\n')[0]?.trim() ?? ''
      resolve(/^wrk \S/.test(line) ? line.split(' [')[0] : undefined)
    })
  })
}

/** A Lua string literal (ASCII only: JSON's escapes of other characters are not Lua's). */
export function luaString(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new Error(`only printable ASCII goes into a wrk script, got ${JSON.stringify(value)}`)
  return JSON.stringify(value)
}

/** A Lua table literal of string keys and values. */
export function luaHeaders(headers: Record<string, string>): string {
  return `{ ${Object.entries(headers).map(([k, v]) => `[${luaString(k)}] = ${luaString(v)}`).join(', ')} }`
}

/**
 * `requestLua` defines `request()` (returning `wrk.format(...)`), and may define `on_response(status, body)`;
 * `tid` (the thread's number from 0) and `threads` (their count) are set before either runs.
 */
export async function runWrk(o: { url: string; connections: number; seconds: number; requestLua: string }): Promise<WrkResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(o.url)) throw new Error(`wrk loads loopback servers only, got ${o.url}`)
  const dir = await mkdtemp(join(tmpdir(), 'fmc-wrk-'))
  try {
    const script = join(dir, 'load.lua')
    await writeFile(script, `${LUA_PRELUDE}\n${o.requestLua}\n`)
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        'wrk',
        [`-t${o.connections}`, `-c${o.connections}`, `-d${o.seconds}s`, '--timeout', '5s', '-s', script, o.url, '--', String(o.connections)],
        { timeout: (o.seconds + 30) * 1000, maxBuffer: 1024 * 1024 },
        (error, out, err) => (error ? reject(new Error(`wrk failed (${error.code ?? error.signal}): ${error.message}; ${err.slice(-500)} ${out.slice(-500)}`)) : resolve(out)),
      )
    })
    const line = stdout.split('\n').find((l) => l.startsWith('{"wrk":'))
    if (!line) throw new Error(`wrk printed no summary line: ${stdout.slice(-500)}`)
    const s = JSON.parse(line) as { wrk: { requests: number; durationUs: number; errors: number; p50Us: number; p99Us: number; codes: Record<string, number> } }
    return {
      requests: s.wrk.requests,
      seconds: s.wrk.durationUs / 1e6,
      errors: s.wrk.errors,
      p50Ms: s.wrk.p50Us / 1000,
      p99Ms: s.wrk.p99Us / 1000,
      statusCodes: s.wrk.codes,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

// Status codes are counted per thread (in its own Lua state) and added up in done(), which runs in the
// main state after the threads stop (thread:get copies a table across).
const LUA_PRELUDE = `
local all_threads, counter = {}, 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(all_threads, thread)
end
-- A thread runs as soon as its setup() returns: setting a value in a running thread's state races with
-- it (wrk crashes), so the thread count comes as the script's argument instead.
function init(args) threads = tonumber(args[1]) end
codes = {}
function response(status, headers, body)
  local key = tostring(status)
  codes[key] = (codes[key] or 0) + 1
  if on_response then on_response(status, body) end
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(all_threads) do
    for code, n in pairs(t:get("codes") or {}) do total[code] = (total[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(total) do table.insert(parts, string.format('"%s":%d', code, n)) end
  local e = summary.errors
  io.write(string.format('{"wrk":{"requests":%d,"durationUs":%d,"errors":%d,"p50Us":%d,"p99Us":%d,"codes":{%s}}}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), table.concat(parts, ",")))
end
`
