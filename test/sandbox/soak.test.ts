// The sandbox's retained heap stays flat once warm (issue 11 #2): a child process with --expose-gc
// serves 9,000 requests that create no lasting state (404s, token fetches, ticket resends, refused
// unbinds) in 6 batches and reports its heap after a full GC following each.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { requireBuild } from './support.ts'

const CHILD = fileURLToPath(new URL('./soak-child.mjs', import.meta.url))
const BATCHES = 6
const PER_BATCH = 1500

describe('the sandbox under a long run', () => {
  it('keeps its retained heap flat after the first batch (within 1 MB over 6,000 more requests)', async () => {
    requireBuild()
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--expose-gc', CHILD, String(BATCHES), String(PER_BATCH)], { timeout: 120_000 }, (error, out) => (error ? reject(error) : resolve(out)))
    })
    const heap = JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as number[]
    expect(heap).toHaveLength(BATCHES)
    // Unbounded, the call log alone grows by about 420 bytes a request: 2.5 MB over these 6,000.
    const growth = (heap.at(-1) ?? 0) - (heap[1] ?? 0)
    expect(growth).toBeLessThan(1024 * 1024)
  }, 150_000)
})
