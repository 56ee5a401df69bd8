// The clients of the matrix, and where each finds what the scratch install (run.sh) put outside the repository.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** Each client the matrix runs: the five generators, the MCP server, the v1 SDK. */
export const CLIENTS = ['openapi-typescript', 'hey-api', 'orval', 'swagger-typescript-api', 'openapi-typescript-codegen', 'lark-mcp', 'v1-sdk'] as const
export type Client = (typeof CLIENTS)[number]

/** The event of the sandbox's scenario that only this client creates and unbinds the meeting chat of. */
export const eventOf = (client: Client): string => `matrix-${client}_0`

/** The scratch project run.sh installed into. */
export function scratchDir(): string {
  const dir = process.env.INTEROP_DIR
  if (!dir || !existsSync(join(dir, 'node_modules'))) {
    throw new Error('The interop matrix runs what test/interop/matrix/run.sh installs outside the repository: run `bash test/interop/matrix/run.sh`.')
  }
  return dir
}

const scratchRequire = () => createRequire(join(scratchDir(), 'package.json'))

// A direct dependency of the scratch project sits at its top level (not every package exports its package.json).
const packageFile = (name: string) => join(scratchDir(), 'node_modules', name, 'package.json')

/** The installed version of a package of the scratch project. */
export function installed(name: string): string {
  return (JSON.parse(readFileSync(packageFile(name), 'utf8')) as { version: string }).version
}

/** The file of a package's command (its package.json `bin`), to run with this Node. */
export function binOf(name: string, command?: string): string {
  const file = packageFile(name)
  const { bin } = JSON.parse(readFileSync(file, 'utf8')) as { bin: string | Record<string, string> }
  const entry = typeof bin === 'string' ? bin : bin[command ?? Object.keys(bin)[0] ?? '']
  if (!entry) throw new Error(`${name} has no command ${command ?? ''}`)
  return join(dirname(file), entry)
}

/** A module of the scratch project, loaded by its path (the repository does not depend on it). */
export async function load<T>(specifier: string): Promise<T> {
  return (await import(scratchRequire().resolve(specifier))) as T
}

export interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  readonly ms: number
}

/** Runs a command of this Node (bounded), in `cwd`, with `env` added. */
export function node(args: readonly string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<Ran> {
  const started = performance.now()
  return new Promise((resolve) => {
    execFile(process.execPath, [...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr, ms: performance.now() - started })
    })
  })
}
