// `feishu-meeting-chat sandbox`: the fake platform on 127.0.0.1 until Ctrl-C, from the demo seed or a seed file.
import { readFile } from 'node:fs/promises'
import { demoSeed } from '../fake/demo.js'
import { SeedError, validateSeed, type Seed } from '../fake/seed.js'
import { sandboxBanner } from '../sandbox/banner.js'
import { DEFAULT_PORT, startSandbox } from '../sandbox/server.js'
import { EXIT, UsageError, type Io } from './output.js'

async function loadSeed(file: string): Promise<Seed> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new UsageError(`Cannot read the seed file ${file}: ${(error as Error).message}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`The seed file ${file} is not valid JSON: ${(error as Error).message}`)
  }
  try {
    return validateSeed(data)
  } catch (error) {
    if (error instanceof SeedError) {
      const lines = [...error.problems, ...(error.moreProblems > 0 ? [`and ${error.moreProblems} more`] : [])].map((p) => `  - ${p}`)
      throw new UsageError(`The seed file ${file} is not a valid seed:\n${lines.join('\n')}\nSee the README, "Seeds" (under "Mocks for your tests"), or print the demo with --print-seed.`)
    }
    throw error
  }
}

export async function runSandbox(values: { port?: string | undefined; seed?: string | undefined; 'print-seed'?: boolean | undefined }, io: Io): Promise<number> {
  if (values['print-seed']) {
    io.out(JSON.stringify(demoSeed(), null, 2))
    return EXIT.ok
  }
  const rawPort = values.port ?? io.env.PORT
  const port = rawPort === undefined ? DEFAULT_PORT : Number(rawPort)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port (or PORT) must be an integer from 0 to 65535; got "${rawPort}".`)
  const seed = values.seed === undefined ? demoSeed() : await loadSeed(values.seed)
  let sandbox
  try {
    sandbox = await startSandbox({ port, seed })
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'EADDRINUSE') throw new UsageError(`Port ${port} is in use: pick another with --port N (or PORT=N; 0 picks a free one).`)
    throw error
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      io.out(`\n${signal}: stopping the sandbox.`)
      void sandbox.close().then(resolve)
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
    io.out(sandboxBanner(sandbox.url, seed, values.seed ?? null).join('\n'))
  })
  return EXIT.ok
}
