// 2. Cold start: a fresh Node process that imports the library, creates a client with app credentials and
// makes its first unbind call (so: a token fetch, then the call). Raw fetch is the same two requests by hand.
import { fileURLToPath } from 'node:url'
import { BENCH } from '../lib/fixtures.ts'
import { run } from '../lib/proc.ts'
import { median, round } from '../lib/stats.ts'

export type ColdVariant = 'raw' | 'empty' | 'openapi-fetch' | 'ours' | 'sdk'
export const COLD_LABELS: Record<ColdVariant, string> = {
  raw: 'raw fetch (no library)',
  empty: 'an empty module (import only: the floor)',
  'openapi-fetch': 'openapi-fetch alone',
  ours: 'this package',
  sdk: 'official SDK',
}

export interface ColdRun {
  readonly run: number
  readonly variant: ColdVariant
  /** Spawn to exit, measured by the parent. */
  readonly wallMs: number
  /** Node's own start-up, up to the first line of the script. */
  readonly bootMs: number
  readonly importMs: number
  readonly firstCallMs: number
  /** Process start to the first call's answer, by the child's clock. */
  readonly totalMs: number
}

export interface ColdSummary {
  readonly variant: ColdVariant
  readonly importMs: number
  readonly firstCallMs: number
  readonly totalMs: number
  readonly wallMs: number
}

const CHILD = fileURLToPath(new URL('../cold/first-call.mjs', import.meta.url))

export async function coldSection(o: { baseUrl: string; entry: string; runs: number; log: (line: string) => void }): Promise<{ runs: ColdRun[]; summary: ColdSummary[] }> {
  const variants: ColdVariant[] = ['raw', 'empty', 'openapi-fetch', 'ours', 'sdk']
  const runs: ColdRun[] = []
  // One untimed start of each first, so that every timed one finds the files in the page cache.
  for (const variant of variants) await once(variant, o)
  for (let i = 1; i <= o.runs; i++) {
    for (const variant of variants) {
      const { wallMs, child } = await once(variant, o)
      runs.push({ run: i, variant, wallMs: round(wallMs, 1), bootMs: round(child.bootMs, 1), importMs: round(child.importMs, 1), firstCallMs: round(child.firstCallMs, 1), totalMs: round(child.totalMs, 1) })
    }
  }
  const summary = variants.map((variant) => {
    const rs = runs.filter((r) => r.variant === variant)
    const m = (f: (r: ColdRun) => number) => round(median(rs.map(f)), 1)
    return { variant, importMs: m((r) => r.importMs), firstCallMs: m((r) => r.firstCallMs), totalMs: m((r) => r.totalMs), wallMs: m((r) => r.wallMs) }
  })
  for (const s of summary) o.log(`  ${COLD_LABELS[s.variant].padEnd(24)} import ${s.importMs} ms, first call ${s.firstCallMs} ms, process start to answer ${s.totalMs} ms, wall ${s.wallMs} ms`)
  return { runs, summary }
}

async function once(variant: ColdVariant, o: { baseUrl: string; entry: string }) {
  const started = performance.now()
  const { stdout, stderr, code } = await run(process.execPath, [CHILD, variant, o.baseUrl, JSON.stringify(BENCH), o.entry], { timeoutMs: 30_000 })
  const wallMs = performance.now() - started
  if (code !== 0) throw new Error(`cold start of ${variant} failed (exit ${code}): ${stderr.slice(-2000)}`)
  const child = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { bootMs: number; importMs: number; firstCallMs: number; totalMs: number }
  return { wallMs, child }
}
