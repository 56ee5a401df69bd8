// The runtimes people deploy the client to, each running what `npm pack` ships: the tarball installed in a fresh
// project outside the repository, one sandbox started from it (its CLI, on Node), and the same script
// (fixtures/check.mjs) run with the installed client on Node 20.19 / 22 / 24, Deno 2, Bun 1 and workerd (Miniflare).
// Every runtime is an npm package, installed in a project of its own. `npm run test:runtimes` (node:test; KEEP=1
// keeps the projects and prints where they are). Nothing here skips: a runtime that cannot be installed or run fails
// its test. (test/consumers packs from a fresh copy of the tree; here `npm pack` runs on the repository as it is,
// whose prepack rebuilds what is stale.)
import assert from 'node:assert/strict'
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { after, before, describe, it, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import * as esbuild from 'esbuild'

const root = fileURLToPath(new URL('../../', import.meta.url))
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
const run = promisify(execFile)
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }

/** The lowest version `engines.node` allows, e.g. ">=20.19" -> "20.19.0". */
function lowestEngine(range: string): string {
  const m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim())
  assert.ok(m, `engines.node must be a plain ">=x.y.z" lower bound; got "${range}"`)
  return `${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}`
}

/**
 * Each runtime's npm package and the range installed. Node 24 is the dev toolchain's own (the `node`
 * devDependency npm scripts run on); workerd comes with Miniflare, which runs on that Node.
 */
const NODE_LOWEST = lowestEngine(pkg.engines.node)
const RANGES = { node22: '^22', deno: '^2', bun: '^1', miniflare: '^4' } as const

interface Result { code: number; stdout: string; stderr: string }
/** Runs a command to its end, or ends it after `timeout` ms (a limit that only stops a hang: nothing is timed). */
async function exec(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeout = 300_000): Promise<Result> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code?: number | string; killed?: boolean; stdout?: string; stderr?: string; message: string }
    const ended = e.killed ? `\n(ended after ${timeout} ms: it had not exited)` : ''
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: `${e.stderr ?? e.message}${ended}` }
  }
}
const show = (r: Result) => `exit ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`

const work = await mkdtemp(join(tmpdir(), 'fmc-runtimes-'))
const project = (name: string) => join(work, name)
/** The project that installs the tarball, and where every runtime runs the script. */
const app = project('app')

async function npmInstall(dir: string, specs: readonly string[]): Promise<void> {
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: `runtimes-${dir.split('/').pop()}`, private: true, type: 'module' }, null, 2)}\n`)
  const r = await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...specs], dir)
  if (r.code !== 0) throw new Error(`npm install ${specs.join(' ')} failed in ${dir}\n${show(r)}`)
}

/** What the script needs, read from the sandbox's banner as a user copies it. */
interface Config {
  baseUrl: string
  appId: string
  appSecret: string
  /** An event on the app's own calendar, without a chat: the app creates and unbinds its chat. */
  calendarId: string
  eventId: string
  /** Alice's token, and an event on her own calendar without a chat. */
  userAccessToken: string
  userCalendarId: string
  userEventId: string
}

interface Sandbox { process: ChildProcess; config: Config }

/** The ids a credential's banner lines list under `create`: the first event it may create a chat for. */
const creatable = (banner: string, credential: RegExp): RegExpExecArray | null =>
  new RegExp(`${credential.source}[^\\n]*\\n(?:\\s+unbind [^\\n]*\\n)*\\s+create --calendar-id (\\S+) --event-id (\\S+)`).exec(banner)

function readBanner(banner: string): Config {
  const exported = Object.fromEntries([.../export (.*)/.exec(banner)?.[1]?.matchAll(/(\w+)=(\S+)/g) ?? []].map((m) => [m[1], m[2]]))
  const app = creatable(banner, /app \S+: FEISHU_APP_ID=/)
  const user = creatable(banner, /user \S+: FEISHU_USER_ACCESS_TOKEN=(\S+)/)
  const config = {
    baseUrl: exported.FEISHU_DOMAIN,
    appId: exported.FEISHU_APP_ID,
    appSecret: exported.FEISHU_APP_SECRET,
    calendarId: app?.[1],
    eventId: app?.[2],
    userAccessToken: user?.[1],
    userCalendarId: user?.[2],
    userEventId: user?.[3],
  }
  for (const [name, value] of Object.entries(config)) assert.ok(value, `the sandbox's banner names the ${name}:\n${banner}`)
  return config as Config
}

/** The installed CLI's `sandbox --port 0`, on the dev toolchain's Node, 127.0.0.1 only. */
async function startSandbox(): Promise<Sandbox> {
  const child = spawn(join(app, 'node_modules/.bin/feishu-meeting-chat'), ['sandbox', '--port', '0'], {
    cwd: app,
    env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const banner = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (/Sandbox listening on/.test(out)) resolve(out)
    })
    child.stderr.on('data', (chunk: Buffer) => { out += chunk.toString() })
    child.once('exit', (code) => reject(new Error(`the sandbox exited (${code}):\n${out}`)))
  })
  try {
    const config = readBanner(banner)
    assert.match(config.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
    return { process: child, config }
  } catch (error) {
    // A banner this test cannot read must not leave the sandbox running: the run would never end.
    child.kill('SIGTERM')
    throw error
  }
}

async function stopSandbox(sandbox: Sandbox | undefined): Promise<void> {
  if (!sandbox || sandbox.process.exitCode !== null) return
  const exited = new Promise((resolve) => sandbox.process.once('exit', resolve))
  sandbox.process.kill('SIGTERM')
  await exited
}

/** Each runtime in a project of its own, so that one that cannot be installed fails its own test only. */
type Project = 'app' | 'node20' | 'node22' | 'deno' | 'bun' | 'miniflare'
let installs: Record<Exclude<Project, 'app'>, Promise<void>>
let sandbox: Sandbox | undefined
/** A server on 127.0.0.1 that takes requests and never answers: the script's timeout and abort cases. */
let silent: Server | undefined
let silentUrl = ''
/** The tarball installed, the script beside it, the sandbox and the silent server up: each test awaits it. */
let ready: Promise<void>

before(() => {
  const runtimes = {
    node20: npmInstall(project('node20'), [`node@${NODE_LOWEST}`]),
    node22: npmInstall(project('node22'), [`node@${RANGES.node22}`]),
    deno: npmInstall(project('deno'), [`deno@${RANGES.deno}`]),
    bun: npmInstall(project('bun'), [`bun@${RANGES.bun}`]),
    miniflare: npmInstall(project('miniflare'), [`miniflare@${RANGES.miniflare}`]).then(() => cp(join(fixtures, 'workerd.mjs'), join(project('miniflare'), 'workerd.mjs'))),
  }
  installs = runtimes
  ready = (async () => {
    // What `npm pack` ships (its prepack builds dist/ and the docs when they are stale).
    const packed = await exec('npm', ['pack', '--json', '--pack-destination', work], root)
    assert.equal(packed.code, 0, show(packed))
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [{ filename: string }]
    await npmInstall(app, [join(work, info.filename)])
    for (const file of ['check.mjs', 'main.mjs', 'worker.mjs']) await cp(join(fixtures, file), join(app, file))
    sandbox = await startSandbox()
    silent = createServer(() => {}).listen(0, '127.0.0.1')
    await once(silent, 'listening')
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
  })()
  // Each test awaits (and reports) what it needs.
  for (const p of [ready, ...Object.values(runtimes)]) p.catch(() => {})
})

after(async () => {
  await ready.catch(() => {})
  await Promise.allSettled(Object.values(installs))
  await stopSandbox(sandbox)
  silent?.closeAllConnections()
  silent?.close()
  if (process.env.KEEP) console.log(`runtime projects kept in ${work}`)
  else await rm(work, { recursive: true, force: true })
})

/**
 * Runs the script on one runtime and checks that it ran there (the runtime names itself), passed, and exited: a fetch
 * the client failed to end would keep the process alive past the limit. The runs share the sandbox and leave it as
 * they found it; after a failure the sandbox is started afresh, so that what one runtime left behind cannot fail the
 * next.
 */
async function check(t: TestContext, runtime: Promise<void> | null, command: readonly [string, ...string[]], runsOn: RegExp, options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  await ready
  await runtime
  assert.ok(sandbox, 'the sandbox started')
  const [file, ...args] = command
  const r = await exec(file, [...args, JSON.stringify({ ...sandbox.config, silentUrl })], options.cwd ?? app, options.env, 60_000)
  const passed = r.code === 0 && /^check ok$/m.test(r.stdout)
  if (!passed) {
    await stopSandbox(sandbox)
    sandbox = await startSandbox()
  }
  assert.ok(passed, show(r))
  const named = /^runtime: (.*)$/m.exec(r.stdout)?.[1] ?? ''
  assert.match(named, runsOn, show(r))
  t.diagnostic(named)
}

const bin = (name: Project, command: string) => join(project(name), 'node_modules/.bin', command)

describe('the installed client on each runtime, against the installed sandbox', () => {
  it(`Node ${NODE_LOWEST} (the lowest engines.node allows)`, async (t) => {
    await check(t, installs.node20, [bin('node20', 'node'), 'main.mjs'], new RegExp(`^node ${NODE_LOWEST.replaceAll('.', '\\.')}$`))
  })

  it(`Node 22 (node@${RANGES.node22})`, async (t) => {
    await check(t, installs.node22, [bin('node22', 'node'), 'main.mjs'], /^node 22\./)
  })

  it('Node 24 (the dev toolchain)', async (t) => {
    await check(t, null, [process.execPath, 'main.mjs'], /^node 24\./)
  })

  it(`Deno 2 (deno@${RANGES.deno}), network allowed to 127.0.0.1 only`, async (t) => {
    // Deno resolves the bare imports from the project's package.json and node_modules, as installed.
    await check(t, installs.deno, [bin('deno', 'deno'), 'run', '--allow-net=127.0.0.1', 'main.mjs'], /^deno 2\./, { env: { DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' } })
  })

  it(`Bun 1 (bun@${RANGES.bun})`, async (t) => {
    await check(t, installs.bun, [bin('bun', 'bun'), 'main.mjs'], /^bun 1\./)
  })

  it(`workerd through Miniflare (miniflare@${RANGES.miniflare}): a worker bundling the installed client`, async (t) => {
    await ready
    // As wrangler bundles a worker: the workerd, worker and browser conditions, no Node built-ins (nodejs_compat off).
    const bundled = await esbuild.build({
      absWorkingDir: app,
      entryPoints: ['worker.mjs'],
      outfile: join(project('miniflare'), 'worker.js'),
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['browser', 'module', 'main'],
      conditions: ['workerd', 'worker', 'browser'],
      metafile: true,
      logLevel: 'silent',
    })
    const inputs = Object.keys(bundled.metafile.inputs)
    assert.ok(inputs.some((i) => i.startsWith('node_modules/feishu-meeting-chat/dist/')), `the worker bundles the installed package: ${inputs.join(', ')}`)
    await check(t, installs.miniflare, [process.execPath, 'workerd.mjs'], /^workerd \(workerd 1\.\d+\.\d+, miniflare 4\./, { cwd: project('miniflare') })
  })
})
