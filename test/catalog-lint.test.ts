// openapi/lint/catalog-plugin.js, the lint rules of the error catalog that `npm run lint` runs: here, that the
// catalog's kinds of failure (x-kinds) are all there, each with its hint in both languages.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import catalogPlugin from '../openapi/lint/catalog-plugin.js'

interface Location { child(path: unknown): Location; readonly path: string }
const at = (path: string): Location => ({ path, child: (p) => at(`${path}/${([] as unknown[]).concat(p).join('/')}`) })

/** The messages the catalog-entry-complete rule reports for `root`. */
function report(root: unknown): string[] {
  const reported: string[] = []
  const rule = catalogPlugin().rules.oas3['catalog-entry-complete'] as () => { Root: { enter(root: unknown, ctx: unknown): void } }
  rule().Root.enter(root, { location: at('#'), report: ({ message, location }: { message: string; location: Location }) => reported.push(`${location.path}: ${message}`) })
  return reported
}

const spec = () => parse(readFileSync(new URL('../openapi/openapi.yaml', import.meta.url), 'utf8')) as { components: { schemas: { ErrorCode: Record<string, unknown> & { 'x-kinds'?: Record<string, unknown> } } } }

describe('the catalog lint rule', () => {
  it('passes the spec as it is', () => {
    expect(report(spec())).toEqual([])
  })

  it('names a kind x-kinds lacks, one it should not have, a hint without its Chinese, and x-kinds missing', () => {
    const s = spec()
    const kinds = s.components.schemas.ErrorCode['x-kinds']!
    delete kinds.timeout
    kinds.teapot = { en: 'Short and stout.', zh: '矮又胖。' }
    kinds.server = { en: 'Retry later.', zh: 'retry later' }
    expect(report(s)).toEqual([
      '#/components/schemas/ErrorCode/x-kinds: x-kinds lacks the kind timeout and its hint { en, zh }.',
      '#/components/schemas/ErrorCode/x-kinds/server: x-kinds.server needs `en` (the English hint) and `zh` (the Chinese hint).',
      '#/components/schemas/ErrorCode/x-kinds/teapot: x-kinds has teapot, which is not a kind of failure (auth, permission, not_found, invalid_request, rate_limited, server, network, timeout, protocol).',
    ])
    delete s.components.schemas.ErrorCode['x-kinds']
    expect(report(s)).toEqual(['#/components/schemas/ErrorCode: The error catalog needs `x-kinds`: each kind of failure (auth, permission, not_found, invalid_request, rate_limited, server, network, timeout, protocol) with its hint { en, zh }.'])
  })
})
