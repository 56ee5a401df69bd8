// Child processes of the bench: servers on 127.0.0.1 with a free port, readiness by bounded polling, and
// cleanup of every child this process started (by its own handle, never by name).
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

const children = new Set<ChildProcess>()

function killAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}
process.once('exit', killAll)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll()
    process.exit(130)
  })
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export interface Child {
  readonly process: ChildProcess
  /** The last few kB of the child's stderr (and stdout, if piped), for error messages. */
  output(): string
  /** SIGTERM, then SIGKILL after `graceMs`. Resolves when the child has exited. */
  stop(graceMs?: number): Promise<void>
}

export interface StartOptions {
  readonly cwd?: string
  /** Keep stdout (for a ready line); otherwise it goes to /dev/null so a chatty server costs us nothing. */
  readonly pipeStdout?: boolean
  readonly env?: NodeJS.ProcessEnv
}

export function start(command: string, args: readonly string[], options: StartOptions = {}): Child {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', options.pipeStdout ? 'pipe' : 'ignore', 'pipe'],
  })
  children.add(child)
  let tail = ''
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000)
  }
  child.stderr?.on('data', keep)
  child.once('exit', () => children.delete(child))
  return {
    process: child,
    output: () => tail,
    stop(graceMs = 3000) {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
        child.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
        child.kill('SIGTERM')
      })
    },
  }
}

/** Resolves with the first stdout line of `child` that parses as JSON, or rejects after `timeoutMs`. */
export function readyLine<T>(child: Child, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stdout = child.process.stdout
    if (!stdout) return reject(new Error('the child has no piped stdout'))
    let buffer = ''
    const timer = setTimeout(() => finish(new Error(`no ready line within ${timeoutMs} ms: ${child.output()}`)), timeoutMs)
    const onExit = (code: number | null) => finish(new Error(`exited (${code}) before it was ready: ${child.output()}`))
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8')
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl).trim()
        buffer = buffer.slice(nl + 1)
        try {
          return finish(undefined, JSON.parse(line) as T)
        } catch {
          // not the ready line
        }
      }
    }
    function finish(error: Error | undefined, value?: T) {
      clearTimeout(timer)
      stdout?.off('data', onData)
      child.process.off('exit', onExit)
      stdout?.resume()
      if (error) reject(error)
      else resolve(value as T)
    }
    stdout.on('data', onData)
    child.process.once('exit', onExit)
  })
}

/** Polls `url` until any HTTP answer arrives (every 200 ms, at most `timeoutMs`). Loopback only. */
export async function waitForHttp(url: string, timeoutMs: number, child?: Child): Promise<number> {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`refusing to poll a non-loopback URL: ${url}`)
  const started = performance.now()
  while (performance.now() - started < timeoutMs) {
    if (child && (child.process.exitCode !== null || child.process.signalCode !== null)) {
      throw new Error(`exited (${child.process.exitCode ?? child.process.signalCode}) before it was ready: ${child.output()}`)
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
      await response.arrayBuffer()
      return performance.now() - started
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms${child ? `: ${child.output()}` : ''}`)
}

/** Runs a command to completion, collecting stdout; rejects on a non-zero exit or after `timeoutMs`. */
export function run(command: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    children.add(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8') })
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8') })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      children.delete(child)
      resolve({ stdout, stderr, code: code ?? (signal ? 128 : 1) })
    })
  })
}
