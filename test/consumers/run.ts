// The package as a user gets it: `npm pack`, the tarball installed with only its declared dependencies into
// fresh projects, then every entry point used the way the README shows, on the Node and msw versions we state.
// `npm run test:consumers` (node:test; KEEP=1 keeps the projects and prints where they are).
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { cp, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import * as esbuild from 'esbuild'
import ts from 'typescript'

const root = fileURLToPath(new URL('../../', import.meta.url))
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
const run = promisify(execFile)
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string; engines: { node: string }; peerDependencies: Record<string, string> }

/** The msw majors we state in peerDependencies, each installed at its lowest tested version and run on its Node. */
const MSW2 = '2.7.0'
const MSW3 = '^3.0.5'

/** The machine's own Node (20 here): the first `node` on PATH outside node_modules. */
function systemNode(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir.includes('node_modules')) continue
    const candidate = join(dir, 'node')
    if (existsSync(candidate)) return candidate
  }
  throw new Error('no system node on PATH')
}
const node20 = systemNode()
// npm scripts run under the Node 24 of the `node` devDependency.
const node24 = process.execPath

/** The lowest version `engines.node` allows, e.g. ">=20.19" -> "20.19.0". */
function lowestEngine(range: string): string {
  const m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim())
  assert.ok(m, `engines.node must be a plain ">=x.y.z" lower bound; got "${range}"`)
  return `${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}`
}

interface Result { code: number; stdout: string; stderr: string }
async function exec(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 240_000 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string; message: string }
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message }
  }
}
const show = (r: Result) => `exit ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`

const work = await mkdtemp(join(tmpdir(), 'fmc-consumers-'))
const project = (name: string) => join(work, name)

async function npmInstall(dir: string, specs: readonly string[]): Promise<void> {
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: `consumer-${dir.split('/').pop()}`, private: true, type: 'module' }, null, 2)}\n`)
  const r = await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...specs], dir)
  if (r.code !== 0) throw new Error(`npm install ${specs.join(' ')} failed in ${dir}\n${show(r)}`)
}

// Appended to the README's example: its listen options make a request that no handler answers fail, with
// either msw major. The request goes to a local server that would answer it, were it passed through.
const unhandledCheck = `
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

it('fails a request that no handler answers (the listen options above)', async () => {
  const local = createServer((_, res) => res.end('passed through unmocked')).listen(0, '127.0.0.1')
  await once(local, 'listening')
  try {
    const { port } = local.address() as AddressInfo
    await expect(fetch(\`http://127.0.0.1:\${port}/\`)).rejects.toThrow()
  } finally {
    local.close()
  }
})
`

let tarball = ''
let installs: Record<'base' | 'msw2' | 'msw3' | 'lowestNode', Promise<void>>

/** The files of a fresh clone (tracked and new, not ignored: no dist/, no build/), with the repo's node_modules. */
async function freshTree(dir: string): Promise<void> {
  const listed = await exec('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate'], root)
  assert.equal(listed.code, 0, show(listed))
  for (const file of listed.stdout.split('\0').filter((f) => f && existsSync(join(root, f)))) {
    await mkdir(dirname(join(dir, file)), { recursive: true })
    await cp(join(root, file), join(dir, file))
  }
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'))
}
const mtime = async (file: string) => (await stat(file)).mtimeMs
let packedFiles: string[] = []
let prepackAgain: Result & { before: number; after: number }

before(async () => {
  // `npm pack` from a fresh clone, never built: its prepack builds dist/ and the docs.
  const tree = join(work, 'tree')
  await freshTree(tree)
  const packed = await exec('npm', ['pack', '--json', '--pack-destination', work], tree)
  assert.equal(packed.code, 0, show(packed))
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [{ filename: string; files: { path: string }[] }]
  tarball = join(work, info.filename)
  packedFiles = info.files.map((f) => f.path)
  // Run again on the now built tree: nothing is rebuilt (publint and attw --pack in CI pack after a build).
  const marker = join(tree, 'dist/index.js')
  const before = await mtime(marker)
  prepackAgain = { ...(await exec(node24, ['scripts/prepack.ts'], tree)), before, after: await mtime(marker) }
  const lowest = lowestEngine(pkg.engines.node)
  installs = {
    base: npmInstall(project('base'), [tarball]),
    msw2: npmInstall(project('msw2'), [tarball, `msw@${MSW2}`, 'vitest@^4']),
    msw3: npmInstall(project('msw3'), [tarball, `msw@${MSW3}`, 'vitest@^5']),
    lowestNode: npmInstall(project('lowest-node'), [`node@${lowest}`]),
  }
  for (const p of Object.values(installs)) p.catch(() => {}) // each check awaits (and reports) its own
  await cp(join(fixtures, 'base'), project('base'), { recursive: true })
  await cp(join(fixtures, 'types'), join(project('base'), 'types'), { recursive: true })
  for (const name of ['msw2', 'msw3']) {
    await mkdir(join(project(name), 'test'), { recursive: true })
    await cp(join(fixtures, 'msw'), join(project(name), 'test'), { recursive: true })
    // The README's vitest example exactly as a user writes it (readme.test.ts keeps README and file equal).
    const example = (await readFile(join(root, 'test/msw/readme-example.test.ts'), 'utf8'))
      .replaceAll("'../../src/msw/index.ts'", "'feishu-meeting-chat/msw'")
      .replaceAll("'../../src/index.ts'", "'feishu-meeting-chat'")
    await writeFile(join(project(name), 'test/readme-example.test.ts'), `${example}${unhandledCheck}`)
  }
})

after(async () => {
  if (process.env.KEEP) console.log(`consumer projects kept in ${work}`)
  else await rm(work, { recursive: true, force: true })
})

const base = () => project('base')
const bin = () => join(base(), 'node_modules/.bin/feishu-meeting-chat')
// The bin runs through its shebang (`env node`): put the system Node first on PATH.
const withNode20 = { PATH: `${dirname(node20)}${delimiter}${process.env.PATH ?? ''}` }

describe('packed from a fresh clone', () => {
  it('prepack builds what the bin and the imports need, and the docs the sandbox serves', () => {
    for (const file of ['dist/index.js', 'dist/cli/bin.js', 'dist/msw/index.js', 'dist/sandbox/server.js', 'build/docs/index.html', 'build/docs/api/index.html', 'build/docs/scalar/api-reference.js', 'build/docs/console.js', 'build/docs/llms.txt', 'llms.txt']) {
      assert.ok(packedFiles.includes(file), `${file} is in the tarball`)
    }
  })

  it('prepack on a built tree rebuilds nothing', () => {
    assert.equal(prepackAgain.code, 0, show(prepackAgain))
    assert.match(prepackAgain.stderr, /build is fresh/)
    assert.match(prepackAgain.stderr, /docs is fresh/)
    assert.equal(prepackAgain.after, prepackAgain.before)
  })
})

describe('installed with only its declared dependencies', { concurrency: 2 }, () => {
  it('the tarball holds LICENSE, the docs and no tests; package.json names a repository; no ajv, yaml or msw installed', async () => {
    await installs.base
    const dir = join(base(), 'node_modules/feishu-meeting-chat')
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { license: string; repository?: unknown }
    assert.equal(manifest.license, 'MIT')
    assert.ok(manifest.repository, 'package.json has a repository field')
    assert.match(await readFile(join(dir, 'LICENSE'), 'utf8'), /MIT License/)
    assert.ok(existsSync(join(dir, 'build/docs/index.html')), 'the built docs ship in the package')
    assert.ok(!existsSync(join(dir, 'test')), 'no tests in the package')
    // A client-only app installs what the client runs, nothing for the mocks, the docs or the tools.
    const installed = ['ajv', 'ajv-formats', 'yaml', 'msw'].filter((name) => existsSync(join(base(), 'node_modules', name)))
    assert.deepEqual(installed, [])
    assert.ok(existsSync(join(base(), 'node_modules/openapi-fetch')))
  })

  it('CLI: --help and --version on the system Node', async () => {
    await installs.base
    const help = await exec(bin(), ['--help'], base(), withNode20)
    assert.equal(help.code, 0, show(help))
    assert.match(help.stdout, /Usage:/)
    assert.match(help.stdout, /--version/)
    const version = await exec(bin(), ['--version'], base(), withNode20)
    assert.equal(version.code, 0, show(version))
    assert.equal(version.stdout.trim(), pkg.version)
  })

  it('CLI: create and unbind against a sandbox started from the installed package', async () => {
    await installs.base
    const sandbox = spawn(bin(), ['sandbox', '--port', '0'], { cwd: base(), env: { ...process.env, ...withNode20 }, stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      // The banner's `export` line, as a user copies it.
      const banner = await new Promise<string>((resolve, reject) => {
        let out = ''
        sandbox.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          if (/Sandbox listening on/.test(out)) resolve(out)
        })
        sandbox.stderr.on('data', (chunk: Buffer) => { out += chunk.toString() })
        sandbox.once('exit', (code) => reject(new Error(`the sandbox exited (${code}):\n${out}`)))
      })
      const exported = Object.fromEntries([.../export (.*)/.exec(banner)?.[1]?.matchAll(/(\w+)=(\S+)/g) ?? []].map((m) => [m[1], m[2]]))
      assert.ok(exported.FEISHU_DOMAIN && exported.FEISHU_APP_ID, banner)
      const docs = await fetch(`${exported.FEISHU_DOMAIN}/docs`)
      assert.equal(docs.status, 200, 'the sandbox the CLI starts serves the docs it advertises')
      const env = { ...withNode20, ...exported }
      const ids = ['--calendar-id', 'feishu.cn_demo_app@group.calendar.feishu.cn', '--event-id', 'demo-app-standup_0']
      const chat = 'oc_5ce6d572455d361153b7cb51da133945'
      const unbind = await exec(bin(), ['unbind', ...ids, '--chat-id', chat], base(), env)
      assert.equal(unbind.code, 0, show(unbind))
      const again = await exec(bin(), ['unbind', ...ids, '--chat-id', chat], base(), env)
      assert.equal(again.code, 6, show(again))
      assert.match(again.stderr, /195108/)
      assert.match(again.stderr, /attempts: 1/)
      const created = await exec(bin(), ['create', ...ids, '--json'], base(), env)
      assert.equal(created.code, 0, show(created))
      assert.match(JSON.parse(created.stdout).meetingChatId, /^oc_/)
      // Refused before sending: the limit named as the spec states it, and no attempt counted.
      const local = await exec(bin(), ['unbind', ...ids, '--chat-id', 'foo'], base(), env)
      assert.equal(local.code, 6, show(local))
      assert.match(local.stderr, /too short/)
      assert.match(local.stderr, /at least 4/)
      assert.doesNotMatch(local.stderr, /attempts/)
    } finally {
      sandbox.kill('SIGTERM')
    }
  })

  it('sandbox: imported and started; /docs answers 200 with the HTML docs, and the console\'s assets and sandbox.json', async () => {
    await installs.base
    const r = await exec(node20, ['sandbox-docs.mjs'], base())
    assert.equal(r.code, 0, show(r))
  })

  it('ESM import on the system Node (20)', async () => {
    await installs.base
    const r = await exec(node20, ['esm.mjs'], base())
    assert.equal(r.code, 0, show(r))
    assert.match(r.stdout, /esm ok on v20\./)
  })

  it('ESM import on Node 24', async () => {
    await installs.base
    const r = await exec(node24, ['esm.mjs'], base())
    assert.equal(r.code, 0, show(r))
    assert.match(r.stdout, /esm ok on v24\./)
  })

  it(`require() on the lowest Node that engines names (${pkg.engines.node})`, async () => {
    await Promise.all([installs.base, installs.lowestNode])
    const lowest = join(project('lowest-node'), 'node_modules/.bin/node')
    const r = await exec(lowest, ['require.cjs'], base())
    assert.equal(r.code, 0, show(r))
    assert.match(r.stdout, new RegExp(`require ok on v${lowestEngine(pkg.engines.node).replaceAll('.', '\\.')}`))
  })

  it('feishu-meeting-chat/msw without msw installed: mock.handle(request) answers', async () => {
    await installs.base
    const r = await exec(node20, ['no-msw.mjs'], base())
    assert.equal(r.code, 0, show(r))
  })

  for (const resolution of ['node16', 'bundler'] as const) {
    it(`TypeScript, moduleResolution ${resolution}: the typed example compiles, the mistakes do not`, async () => {
      await installs.base
      const dir = join(base(), 'types')
      const options: ts.CompilerOptions = {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        types: [],
        skipLibCheck: false,
        ...(resolution === 'node16'
          ? { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 }
          : { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }),
      }
      const files = ['good.ts', 'bad-missing-id.ts', 'bad-kind.ts', 'bad-code.ts'].map((f) => join(dir, f))
      const program = ts.createProgram(files, options)
      const text = (d: ts.Diagnostic) => ts.flattenDiagnosticMessageText(d.messageText, '\n')
      const global = [...program.getGlobalDiagnostics(), ...program.getOptionsDiagnostics()]
      assert.deepEqual(global.map(text), [])
      for (const file of files) {
        const source = program.getSourceFile(file)
        assert.ok(source, file)
        const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
        if (file.endsWith('good.ts')) {
          assert.deepEqual(diagnostics.map(text), [], 'the typed example compiles')
          continue
        }
        const expectedLine = source.text.split('\n').findIndex((line) => line.includes('// ✗'))
        const lines = diagnostics.map((d) => (d.start === undefined ? -1 : source.getLineAndCharacterOfPosition(d.start).line))
        assert.ok(lines.includes(expectedLine), `${file.split('/').pop()} must not compile (line ${expectedLine + 1}); diagnostics: ${JSON.stringify(diagnostics.map(text))}`)
      }
      // Declarations of the whole package are checked too (skipLibCheck off): no error comes from them.
      const fromPackage = program.getSourceFiles().filter((f) => f.fileName.includes('node_modules/feishu-meeting-chat/'))
      assert.ok(fromPackage.length > 0)
      for (const f of fromPackage) assert.deepEqual(program.getSemanticDiagnostics(f).map(text), [], f.fileName)
    })
  }

  it('a browser build of the client (esbuild) needs no Node built-ins', async () => {
    await installs.base
    const result = await esbuild.build({
      absWorkingDir: base(),
      entryPoints: ['browser-app.js'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
    })
    const inputs = Object.keys(result.metafile.inputs)
    assert.ok(inputs.some((i) => i.includes('node_modules/feishu-meeting-chat/dist/')), 'bundles the installed package')
    assert.deepEqual(inputs.filter((i) => i.startsWith('node:') || /\b(node_modules\/(ajv|yaml|msw))\//.test(i)), [])
  })
})

/** The tests each msw project runs: the README's suite, the check appended to it, and the fixtures' own. */
async function mswTestCount(): Promise<number> {
  const its = (text: string) => text.match(/^\s*it\(/gm)?.length ?? 0
  const fixture = await readFile(join(fixtures, 'msw/handlers.test.ts'), 'utf8')
  const example = await readFile(join(root, 'test/msw/readme-example.test.ts'), 'utf8')
  return its(fixture) + its(example) + its(unhandledCheck)
}

describe('with msw, in a vitest suite', { concurrency: 2 }, () => {
  it(`msw ${MSW2} (the lowest 2.x we state) with vitest 4 on the system Node (20)`, async () => {
    await installs.msw2
    const r = await exec(node20, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=dot'], project('msw2'), { NO_COLOR: '1' })
    assert.equal(r.code, 0, show(r))
    assert.match(r.stdout, new RegExp(`Tests\\s+${await mswTestCount()} passed`))
  })

  it(`msw ${MSW3} with vitest 5 on Node 24`, async () => {
    await installs.msw3
    const r = await exec(node24, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=dot'], project('msw3'), { NO_COLOR: '1' })
    assert.equal(r.code, 0, show(r))
    assert.match(r.stdout, new RegExp(`Tests\\s+${await mswTestCount()} passed`))
  })

  for (const name of ['msw2', 'msw3'] as const) {
    it(`${name}: the README's suite typechecks (tsc) against that major's types`, async () => {
      await installs[name]
      const file = join(project(name), 'test/readme-example.test.ts')
      const program = ts.createProgram([file], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
        skipLibCheck: true,
      })
      const source = program.getSourceFile(file)
      assert.ok(source)
      const text = (d: ts.Diagnostic) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
      assert.deepEqual([...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(text), [])
    })
  }

  it(`msw ${MSW3} on the system Node (20): createHandlers says msw 3 needs Node >= 22.12 and to use msw 2`, async () => {
    await installs.msw3
    const script = "import { createExampleMock, createHandlers } from 'feishu-meeting-chat/msw'; createHandlers(createExampleMock())"
    const r = await exec(node20, ['--input-type=module', '-e', script], project('msw3'))
    assert.notEqual(r.code, 0, show(r))
    assert.match(r.stderr, /msw 3 needs Node >= 22\.12 .*npm install -D msw@2/, show(r))
  })

  it('the peer range names both majors', () => {
    const range = pkg.peerDependencies.msw ?? ''
    assert.match(range, new RegExp(`\\^${MSW2.replaceAll('.', '\\.')}`))
    assert.match(range, /\^3\./)
  })
})
