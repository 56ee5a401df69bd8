// llms.txt (https://llmstxt.org): what the package is, its operations, the kinds of error and where the docs
// are, for a language model reading the package or the docs site. Made from the README's opening, the spec
// (src/generated/spec.ts) and the error catalog, in two places with their own relative links:
//   llms.txt             at the package's root (shipped: package.json `files`), committed
//   build/docs/llms.txt  at the docs site's root, written by `npm run docs` (scripts/docs.ts)
//   node scripts/llms.ts           writes llms.txt
//   node scripts/llms.ts --check   fails when llms.txt is not what the sources make (npm run check:generated)
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { spec } from '../src/generated/spec.ts'
import { errorCatalog } from '../src/generated/catalog.ts'
import { kindHints } from '../src/generated/catalog-text.ts'

const ROOT = new URL('../', import.meta.url)
export const LLMS_FILE = fileURLToPath(new URL('llms.txt', ROOT))

/** Where the links of each copy point: relative to the package's root, or to the docs site's. */
const LINKS = {
  package: { site: 'build/docs/', readme: 'README.md', spec: 'openapi/openapi.yaml' },
  docs: { site: '', readme: null, spec: 'openapi.yaml' },
} as const

/** The README's first paragraph after its title: what the package is, in its own words. */
export function readmeOpening(readme: string): string {
  const lines = readme.split('\n')
  const title = lines.findIndex((l) => l.startsWith('# '))
  const start = lines.findIndex((l, i) => i > title && l.trim() !== '')
  const end = lines.findIndex((l, i) => i > start && l.trim() === '')
  if (title < 0 || start < 0) throw new Error('README.md has no title followed by a paragraph')
  return lines.slice(start, end < 0 ? undefined : end).map((l) => l.trim()).join(' ')
}

type SpecOperation = { operationId: string; summary: string; security?: Record<string, unknown>[]; 'x-idempotent'?: boolean; 'x-codeSamples'?: { label: string }[] }
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

export function llmsText(where: keyof typeof LINKS, readme = readFileSync(new URL('README.md', ROOT), 'utf8')): string {
  const links = LINKS[where]
  const manifest = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { name: string; description: string; exports: Record<string, unknown>; bin: Record<string, string> }
  const entries = Object.keys(manifest.exports).filter((e) => e !== './package.json').map((e) => `\`${e === '.' ? manifest.name : `${manifest.name}${e.slice(1)}`}\``)
  const paths = spec.paths as unknown as Record<string, Partial<Record<(typeof METHODS)[number], SpecOperation>>>
  const operations = Object.entries(paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item[method]
      if (!op) return []
      const tokens = (op.security ?? []).flatMap((s) => Object.keys(s))
      return [`- \`${method.toUpperCase()} ${path}\` (\`${op.operationId}\`): ${op.summary}. ${tokens.length > 0 ? `Token: ${tokens.map((t) => `\`${t}\``).join(' or ')}` : 'No token'}; ${op['x-idempotent'] ? 'safe to replay' : 'not safe to replay'}. Code samples: ${(op['x-codeSamples'] ?? []).map((s) => s.label).join(', ')}.`]
    }),
  )
  const codesOf = (kind: string) => Object.entries(errorCatalog).filter(([, e]) => e.kind === kind).map(([code]) => code)
  const kinds = Object.entries(kindHints).map(([kind, hint]) => {
    const codes = codesOf(kind)
    return `- \`${kind}\`: ${hint.en}${codes.length > 0 ? ` Codes: ${codes.join(', ')}.` : ' No code: the client reports it when no answer, or no JSON answer of the platform, came back.'}`
  })
  const doc = (file: string) => `${links.site}${file}`
  return [
    `# ${manifest.name}`,
    '',
    `> ${readmeOpening(readme)}`,
    '',
    `${manifest.description} Install with \`npm install ${manifest.name}\`. Entry points: ${entries.join(', ')}; the \`${Object.keys(manifest.bin)[0]}\` CLI (unbind, create, token, sandbox). Every failure is a \`FeishuApiError\` with \`kind\`, \`code\`, \`retryable\`, \`hint.en\` / \`hint.zh\` and \`logId\`. The sandbox (\`npx ${manifest.name} sandbox\`) is a stateful fake of the platform on 127.0.0.1 that serves these docs at /docs/, with a console that sends to it; its banner lists each credential of its seed and the ids it can act on (\`--print-seed\` prints the demo seed).`,
    '',
    `## Operations (${spec.info.title}, OpenAPI ${spec.openapi})`,
    '',
    ...operations,
    '',
    '## Error kinds',
    '',
    `Each code's HTTP status, \`msg\` and hint in English and Chinese: [the error catalog](${doc('errors.html')}).`,
    '',
    ...kinds,
    '',
    '## Docs',
    '',
    `- [HTTP API reference and console](${doc('index.html')}): every operation with its parameters, answers and code samples (curl, the client, the CLI, the official Node SDK); served by the sandbox, it sends requests to it`,
    `- [Error catalog](${doc('errors.html')}): every code with its HTTP status, msg, kind, whether a retry can help, and its hint (en, zh)`,
    `- [TypeScript reference](${doc('api/index.html')}): the package's exports from their doc comments`,
    `- [OpenAPI 3.1 spec](${links.spec}): the contract everything is made from`,
    ...(links.readme ? [`- [README](${links.readme}): install, the client, errors, the sandbox, the CLI, mocks`] : []),
    '',
    '## Optional',
    '',
    `- [The spec as JSON](${doc('openapi.json')})`,
    '',
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = llmsText('package')
  if (process.argv.includes('--check')) {
    let current = ''
    try { current = readFileSync(LLMS_FILE, 'utf8') } catch { /* missing: stale */ }
    if (current !== text) {
      console.error('llms.txt is stale: run `npm run generate` (node scripts/llms.ts) and commit it.')
      process.exit(1)
    }
    console.log('llms.txt is fresh.')
  } else {
    writeFileSync(LLMS_FILE, text)
    console.log(`Wrote ${LLMS_FILE}.`)
  }
}
