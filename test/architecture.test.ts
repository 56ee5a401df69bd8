// The import rules of ARCHITECTURE.md, read from the source: a file that breaks one fails CI here.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const SRC = fileURLToPath(new URL('../src/', import.meta.url))

/** What each folder of src/ may import from src/ (besides itself), in the order data flows. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  generated: [],
  contract: ['generated'],
  client: ['generated'],
  '(entry)': ['client', 'generated'],
  fake: ['generated', 'contract'],
  mock: ['generated', 'contract', 'fake'],
  msw: ['generated', 'contract', 'fake', 'mock'],
  sandbox: ['generated', 'contract', 'fake', 'mock'],
  limiter: ['client', 'generated'],
  bulk: ['client', 'generated', 'limiter'],
  cli: ['(entry)', 'client', 'generated', 'contract', 'fake', 'mock', 'sandbox', 'limiter', 'bulk'],
}

/** Folders that must run anywhere (browser, worker, edge): no Node built-ins, no msw. */
const PORTABLE = ['generated', 'contract', 'fake', 'client', '(entry)']

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))

/** `client`, `fake`, ...: the first folder under src/, or `(entry)` for a file directly in src/. */
const folderOf = (file: string): string => {
  const parts = relative(SRC, file).split(/[\\/]/)
  return parts.length === 1 ? '(entry)' : (parts[0] ?? '')
}

interface Import {
  readonly file: string
  readonly specifier: string
}

function importsOf(file: string): Import[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
  return info.importedFiles.map((f) => ({ file, specifier: f.fileName }))
}

const sources = files(SRC)
const all = sources.flatMap(importsOf)
const where = (i: Import) => `${relative(SRC, i.file)} imports ${i.specifier}`

/** Every broken rule, one line each (empty: the layout holds). */
function violations(imports: readonly Import[]): string[] {
  const out: string[] = []
  for (const i of imports) {
    const from = folderOf(i.file)
    const isBuiltin = i.specifier.startsWith('node:')
    const isMsw = i.specifier === 'msw' || i.specifier.startsWith('msw/')
    if (PORTABLE.includes(from) && (isBuiltin || isMsw)) out.push(`${where(i)}: ${from} must run anywhere (no Node built-ins, no msw)`)
    if (from !== 'msw' && isMsw) out.push(`${where(i)}: only src/msw/ may import msw`)
    if (!i.specifier.startsWith('.')) continue
    const target = folderOf(resolve(dirname(i.file), i.specifier))
    if (target === from) continue
    const allowed = MAY_IMPORT[from]
    if (!allowed) out.push(`${where(i)}: ${from} is not a folder ARCHITECTURE.md knows`)
    else if (!allowed.includes(target)) out.push(`${where(i)}: ${from} may import only ${allowed.join(', ') || 'itself'}`)
  }
  return out
}

/** The file a relative import of `from` names, as a path under src/ (`.js` written for `.ts`). */
const targetOf = (i: Import): string => resolve(dirname(i.file), i.specifier).replace(/\.js$/, '.ts')

/** Every import cycle among `imports` whose files all sit in one folder of src/, each as its files in order. */
function cycles(imports: readonly Import[]): string[][] {
  const edges = new Map<string, string[]>()
  for (const i of imports) {
    if (!i.specifier.startsWith('.')) continue
    const target = targetOf(i)
    if (folderOf(target) !== folderOf(i.file)) continue
    edges.set(i.file, [...(edges.get(i.file) ?? []), target])
  }
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (file: string): void => {
    state.set(file, 'open')
    path.push(file)
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') found.push(path.slice(path.indexOf(next)).map((f) => relative(SRC, f)))
      else if (!state.has(next)) visit(next)
    }
    path.pop()
    state.set(file, 'done')
  }
  for (const file of edges.keys()) if (!state.has(file)) visit(file)
  return found
}

/** Whether a source loads a module on demand (`import(...)`), which no file of src/client/ may: a call runs one path. */
function loadsOnDemand(text: string): boolean {
  const isDynamic = (node: ts.Node): boolean =>
    (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) || ts.forEachChild(node, isDynamic) === true
  return isDynamic(ts.createSourceFile('probe.ts', text, ts.ScriptTarget.Latest))
}

describe('the import rules', () => {
  it('are read from every file of src/', () => {
    expect(all.length).toBeGreaterThan(50)
    expect(new Set(sources.map(folderOf))).toEqual(new Set(Object.keys(MAY_IMPORT)))
  })

  it('hold: nothing imports from a folder above it, nothing portable imports Node or msw', () => {
    expect(violations(all)).toEqual([])
  })

  it('hold: no import cycle inside a folder of src/ (type imports included)', () => {
    expect(cycles(all)).toEqual([])
  })

  it('hold: nothing in src/client/ loads a module on demand', () => {
    expect(sources.filter((f) => folderOf(f) === 'client' && loadsOnDemand(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f))).toEqual([])
  })

  it('catch a cycle and a dynamic import', () => {
    const at = (path: string, specifier: string): Import => ({ file: join(SRC, path), specifier })
    expect(cycles([at('client/a.ts', './b.js'), at('client/b.ts', './c.js'), at('client/c.ts', './a.js'), at('client/c.ts', '../fake/x.js')])).toEqual([['client/a.ts', 'client/b.ts', 'client/c.ts']])
    expect(cycles([at('client/a.ts', './b.js'), at('client/b.ts', './c.js')])).toEqual([])
    expect(loadsOnDemand("export const load = () => import('./other.js')\n")).toBe(true)
    expect(loadsOnDemand("const m = await import ( './x.js' )")).toBe(true)
    // A type that names a module is not a load.
    expect(loadsOnDemand("import { a } from './a.js'\nexport type T = import('./b.js').B\n")).toBe(false)
    expect(loadsOnDemand("import { a } from './a.js'\nexport { b } from './b.js'\n")).toBe(false)
  })

  it('leave the spec reader and the seed schema without imports, so the generator runs them from source', () => {
    const generator = readFileSync(fileURLToPath(new URL('../scripts/generate.ts', import.meta.url)), 'utf8')
    for (const file of ['contract/read.ts', 'fake/seed-schema.ts']) {
      expect(importsOf(join(SRC, file))).toEqual([])
      expect(generator).toContain(`from '../src/${file}'`)
    }
  })

  it('catch an upward import, a Node built-in in the fake and msw outside src/msw', () => {
    const at = (path: string, specifier: string): Import => ({ file: join(SRC, path), specifier })
    expect(
      violations([
        at('fake/state.ts', '../mock/respond.js'),
        at('contract/walk.ts', 'node:fs'),
        at('sandbox/server.ts', '../msw/handlers.js'),
        at('mock/fake.ts', 'msw'),
        at('client/client.ts', '../fake/clock.js'),
      ]),
    ).toEqual([
      'fake/state.ts imports ../mock/respond.js: fake may import only generated, contract',
      'contract/walk.ts imports node:fs: contract must run anywhere (no Node built-ins, no msw)',
      'sandbox/server.ts imports ../msw/handlers.js: sandbox may import only generated, contract, fake, mock',
      'mock/fake.ts imports msw: only src/msw/ may import msw',
      'client/client.ts imports ../fake/clock.js: client may import only generated',
    ])
  })
})
