// The README's "Mocks for your tests" shows code that runs: its vitest example is readme-example.test.ts
// (which runs with the suite), its seed is a fixture that loads, and its numbers are the spec's.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { validateSeed } from '../../src/msw/index.ts'
import { specRateLimit } from './support.ts'

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
const section = /\n## Mocks for your tests\n([\s\S]*?)(?=\n## |$)/.exec(readme)?.[1] ?? ''
const blocks = (lang: string) => [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)\\n```', 'g'))].map((m) => m[1] ?? '')

describe('the README section "Mocks for your tests"', () => {
  it('exists', () => {
    expect(section.length).toBeGreaterThan(500)
  })

  it('shows readme-example.test.ts, as a user imports it', async () => {
    const file = await readFile(new URL('./readme-example.test.ts', import.meta.url), 'utf8')
    const asUserWritesIt = file
      .replace(/^(\/\/.*\n)+/, '')
      .replaceAll("'../../src/msw/index.ts'", "'feishu-meeting-chat/msw'")
      .replaceAll("'../../src/index.ts'", "'feishu-meeting-chat'")
      .trimEnd()
    expect(blocks('ts')[0]).toBe(asUserWritesIt)
  })

  it('shows a seed that is valid, the one the fixture holds', async () => {
    const [json] = blocks('json')
    const shown = validateSeed(JSON.parse(json ?? 'null'))
    const { $schema: _schema, ...fixture } = JSON.parse(await readFile(new URL('./fixtures/small-team.seed.json', import.meta.url), 'utf8')) as Record<string, unknown>
    expect(shown).toEqual(fixture)
  })

  it('states the spec\'s rate limit', () => {
    const { perSecond, perMinute } = specRateLimit('unbindMeetingChat')
    expect(section).toContain(`${perSecond}/s and ${perMinute}/min`)
  })
})
