// The generator matrix: each of five code generators, at the version the README names, generates a client from
// openapi/openapi.yaml without error; every client and its driver (generators.ts) compile together under
// `tsc --strict`; each driver creates a meeting chat in the sandbox, unbinds it, and reads the refusal of a second
// unbind (195108) as the generated ErrorCode, a union of the catalog's codes.
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { demo } from '../../../src/fake/demo.ts'
import { statedVersion, states } from '../readme.ts'
import { binOf, eventOf, installed, node, scratchDir, type Ran } from './clients.ts'
import { COMMON, GENERATORS, type Generator } from './generators.ts'

const SPEC = fileURLToPath(new URL('../../../openapi/openapi.yaml', import.meta.url))

interface Outcome {
  generated: Ran
  /** tsc's diagnostics in this generator's folder (client and driver). */
  diagnostics: string[]
  driven: Ran | undefined
}

const outcomes = new Map<Generator['client'], Outcome>()
let compileMs = 0
/** tsc's diagnostics outside every generator's folder (the drivers' shared code). */
const shared: string[] = []

beforeAll(async () => {
  const root = join(scratchDir(), 'generated')
  await rm(root, { recursive: true, force: true })
  await mkdir(root, { recursive: true })
  // Each generator, one after the other (the machine is small), into a folder of its own.
  for (const g of GENERATORS) {
    const dir = join(root, g.client)
    await mkdir(dir, { recursive: true })
    outcomes.set(g.client, { generated: await g.generate(SPEC, dir), diagnostics: [], driven: undefined })
    await writeFile(join(dir, 'driver.ts'), g.driver)
  }
  // A strict compile of each client with its driver, to CommonJS (which runs the generated modules' extensionless
  // imports as written). One compile each: tsc leaves out every semantic error once a file has a syntax error, so
  // one generator's broken output would hide another's ErrorCode.
  await writeFile(join(root, 'common.ts'), COMMON)
  await writeFile(join(root, 'package.json'), '{ "type": "commonjs" }\n')
  const compilerOptions = { strict: true, target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['ES2023', 'DOM'], types: ['node'], skipLibCheck: true, outDir: '../out', rootDir: '..' }
  const started = performance.now()
  for (const g of GENERATORS) {
    const tsconfig = join(root, g.client, 'tsconfig.json')
    await writeFile(tsconfig, `${JSON.stringify({ compilerOptions, include: ['../common.ts', 'driver.ts', 'fetcher.ts', 'client/**/*.ts'] }, null, 2)}\n`)
    const ran = await node([binOf('typescript', 'tsc'), '-p', tsconfig, '--pretty', 'false'], { cwd: root, timeoutMs: 120_000 })
    for (const line of ran.stdout.split('\n').filter((l) => l.includes('error TS'))) {
      if (line.startsWith(`${g.client}/`)) outcomes.get(g.client)?.diagnostics.push(line)
      else shared.push(line)
    }
  }
  compileMs = performance.now() - started
  await writeFile(join(root, 'out', 'package.json'), '{ "type": "commonjs" }\n')
  const sandboxUrl = inject('sandboxUrl')
  for (const g of GENERATORS) {
    const env = { SANDBOX_URL: sandboxUrl, TENANT_TOKEN: demo.app.tenantAccessToken, USER_TOKEN: demo.users.alice.userAccessToken, APP_CALENDAR: demo.calendars.app, USER_CALENDAR: demo.calendars.alice, EVENT: eventOf(g.client) }
    const outcome = outcomes.get(g.client)
    if (outcome) outcome.driven = await node([join(root, 'out', g.client, 'driver.js')], { cwd: root, env, timeoutMs: 30_000 })
  }
})

it('compiles the drivers\' shared code', () => {
  expect(shared).toEqual([])
})

const steps = (g: Generator): { step: string; status: number; code: number | undefined }[] => JSON.parse(outcomes.get(g.client)?.driven?.stdout || '[]')

describe.each(GENERATORS.map((g) => [g.name, g] as const))('%s', (_name, g) => {
  it('is the version the README names', () => {
    for (const name of g.packages) expect(statedVersion(name), name).toBe(installed(name))
  })

  it('generates a client from the spec without error', () => {
    const { generated } = outcomes.get(g.client) ?? expect.unreachable()
    expect(generated.code, generated.stderr).toBe(0)
  })

  it('compiles under tsc --strict, its ErrorCode a union of the catalog\'s codes', () => {
    expect(outcomes.get(g.client)?.diagnostics).toEqual([])
  })

  it('creates a meeting chat in the sandbox, unbinds it, and reads 195108 on the second unbind', () => {
    const { driven } = outcomes.get(g.client) ?? expect.unreachable()
    expect(driven?.code, driven?.stderr).toBe(0)
    const identities = g.client === 'hey-api' ? [' as app', ' as user'] : ['']
    expect(steps(g)).toEqual(identities.flatMap((who) => [
      { step: `create${who}`, status: 200, code: 0 },
      { step: `unbind${who}`, status: 200, code: 0 },
      { step: `unbind again${who}`, status: 400, code: 195108 },
    ]))
  })
})

it('prints the figures, which the README states', () => {
  let passed = 0
  let total = 0
  const rows = GENERATORS.map((g) => {
    const o = outcomes.get(g.client)
    const calls = steps(g)
    const expected = calls.filter((s, i) => s.status === [200, 200, 400][i % 3] && s.code === [0, 0, 195108][i % 3]).length
    passed += expected
    total += calls.length
    return `${g.name} ${g.packages.map(installed).join(' + ')}: generated in ${((o?.generated.ms ?? 0) / 1000).toFixed(1)} s, ${o?.diagnostics.length ?? '?'} tsc --strict errors, ${expected}/${calls.length} calls as expected`
  })
  console.log(`generator matrix (tsc ${installed('typescript')} --strict, each client with its driver: ${(compileMs / 1000).toFixed(1)} s in all)\n${rows.join('\n')}`)
  expect(statedVersion('TypeScript')).toBe(installed('typescript'))
  expect(states(`${passed} of ${total} calls as expected`), `the README says ${passed} of ${total} calls as expected`).toBe(true)
})
