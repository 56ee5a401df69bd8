// A huge bad seed file gets a short answer from the CLI (issue 11 #9): the first problems and a count.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, requireBuild } from './support.ts'

requireBuild()

describe('a seed file with thousands of problems', () => {
  it('is refused with its first 20 problems and a count of the rest', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'fmc-seed-')), 'bad.json')
    await writeFile(file, JSON.stringify({ tenants: [{ tenantKey: 'a' }], users: Array.from({ length: 50_000 }, (_, i) => ({ userId: `ou_${i}`, tenantKey: 'nowhere' })) }))
    const result = await cli(['sandbox', '--port', '0', '--seed', file])
    expect(result.code).toBe(2)
    const listed = result.stderr.split('\n').filter((line) => line.startsWith('  - '))
    expect(listed).toHaveLength(21)
    expect(listed[0]).toBe('  - /users/0/tenantKey: unknown tenant "nowhere"')
    expect(listed.at(-1)).toBe('  - and 49980 more')
    expect(result.stderr.length).toBeLessThan(4000)
  })
})
