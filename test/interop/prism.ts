// Prism as a validating proxy in front of a server: `prism proxy openapi/openapi.yaml <upstream> --errors`
// on 127.0.0.1. Every request and answer it sees is checked against the spec; with --errors a violation
// replaces the answer by Prism's own problem+json, and its log names it. Bounded: it is killed when done.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const CLI = fileURLToPath(new URL('../../node_modules/@stoplight/prism-cli/dist/index.js', import.meta.url))

export interface PrismProxy {
  readonly url: string
  /** Violations Prism reported so far, one line of its log each (Prism logs a moment after it answers). */
  violations(): Violations
  /** Resolves once the violations reported satisfy `done` (checked as each log line arrives). */
  until(done: (v: Violations) => boolean, timeoutMs?: number): Promise<Violations>
  /** Stops Prism; its log is then complete, so these are all the violations it saw. */
  stop(): Promise<Violations>
}

export interface Violations {
  readonly request: readonly string[]
  readonly response: readonly string[]
}

// `Request terminated with error: ...#UNPROCESSABLE_ENTITY` is a request Prism refused; `#VIOLATIONS` an
// answer (or request) off the spec; a `warning` line a violation Prism let through (e.g. an undocumented status).
const REQUEST = /#UNPROCESSABLE_ENTITY|Violation: request/
const ANY = /Request terminated with error|⚠\s+warning/

/** Starts Prism in front of `upstream`, validating against `specPath` (default: the project's spec). */
export async function startPrismProxy(upstream: string, specPath = 'openapi/openapi.yaml', startTimeoutMs = 30_000): Promise<PrismProxy> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'proxy', specPath, upstream, '--errors', '-h', '127.0.0.1', '-p', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout?.on('data', (chunk: Buffer) => { log += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { log += chunk.toString() })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Prism did not start within ${startTimeoutMs} ms:\n${log}`)), startTimeoutMs)
    const look = () => {
      const found = /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log)
      if (found?.[1]) {
        clearTimeout(timer)
        resolve(found[1])
      }
    }
    child.stdout?.on('data', look)
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`Prism exited before listening:\n${log}`))
    })
  })
  const listening = log.length
  const violations = (): Violations => {
    const lines = log.slice(listening).split('\n').filter((line) => ANY.test(line))
    return { request: lines.filter((l) => REQUEST.test(l)), response: lines.filter((l) => !REQUEST.test(l)) }
  }
  return {
    url,
    violations,
    until(done, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!done(violations())) return
          cleanup()
          resolve(violations())
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`Prism did not report the expected violations within ${timeoutMs} ms: ${JSON.stringify(violations())}`))
        }, timeoutMs)
        const cleanup = () => {
          clearTimeout(timer)
          child.stdout?.off('data', check)
        }
        child.stdout?.on('data', check)
        check()
      })
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
      return violations()
    },
  }
}
