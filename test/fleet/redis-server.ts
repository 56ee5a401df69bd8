// Starts Debian's redis-server on 127.0.0.1 on a free port for a test file, and stops it after.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

export const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0

export interface RedisServer {
  readonly port: number
  /** Stops it: SIGTERM, or SIGKILL for a server that may be busy (DEBUG SLEEP) and would answer SIGTERM only after. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/**
 * `args`: more options, e.g. `['--requirepass', 'x']` or `['--enable-debug-command', 'local']`; `port`: a port to
 * start on again (a restart), else a free one.
 */
export async function startRedisServer(args: readonly string[] = [], port?: number): Promise<RedisServer> {
  port ??= await freePort()
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start in 10 s:\n${out}`)), 10_000)
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve()
      }
    })
    void exited.then(() => { clearTimeout(timer); reject(new Error(`redis-server exited:\n${out}`)) })
  })
  return {
    port,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      await exited
    },
  }
}
