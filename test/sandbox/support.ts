// Runs the built CLI (dist/cli/bin.js, made by `npm run build`, which `npm test` runs first) as a real process.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url))

export function requireBuild(): void {
  if (!existsSync(BIN)) throw new Error('dist/cli/bin.js is missing: run `npm run build` (npm test does it first).')
}

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs the CLI to completion with `env` as its whole environment (plus PATH). */
export function cli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

export interface Running {
  readonly child: ChildProcessWithoutNullStreams
  readonly url: string
  output(): string
  /** Resolves with the exit code and signal once the process ends. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts `feishu-meeting-chat sandbox ...` and waits (bounded) until it prints its URL. */
export function startSandboxProcess(args: readonly string[] = ['--port', '0'], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'sandbox', ...args], { env: { PATH: process.env.PATH ?? '', ...env } })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { out += d.toString() })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`the sandbox did not start in 15 s:\n${out}`)) }, 15_000)
    const check = () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (match?.[1]) {
        clearTimeout(timer)
        child.stdout.off('data', check)
        resolve({ child, url: match[1], output: () => out, exited })
      }
    }
    child.stdout.on('data', check)
    void exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`the sandbox exited with ${code} before listening:\n${out}`)) })
  })
}
