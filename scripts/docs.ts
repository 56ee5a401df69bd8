// Builds the published docs into build/docs/: index.html (Redoc, scripts inlined, works offline),
// openapi.yaml and openapi.json. The error catalog is rendered as a table from the spec's ErrorCode schema.
import { execFileSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { stringify } from 'yaml'
import { spec } from '../src/generated/spec.ts'
import { errorCatalog } from '../src/generated/catalog.ts'

const root = new URL('../', import.meta.url)
const out = new URL('build/docs/', root)

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ')
const rows = Object.entries(errorCatalog)
  .sort(([a], [b]) => Number(a) - Number(b))
  .map(([code, e]) => `| ${code} | ${e.status} | ${cell(e.msg)} | ${e.kind} | ${e.retryable ? 'yes' : 'no'} | ${cell(e.hint.en)} | ${cell(e.hint.zh)} |`)
const table = [
  '| code | HTTP | msg | kind | retryable | hint | 排查建议 |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
].join('\n')

const docSpec = structuredClone(spec) as unknown as { tags: { name: string; description: string }[] }
for (const tag of docSpec.tags) {
  if (tag.name === 'Error catalog') tag.description = `${tag.description}\n\n${table}\n`
}

await mkdir(out, { recursive: true })
const yamlPath = fileURLToPath(new URL('openapi.yaml', out))
await writeFile(yamlPath, stringify(docSpec, { lineWidth: 0 }))
await writeFile(new URL('openapi.json', out), `${JSON.stringify(spec, null, 2)}\n`)
execFileSync(
  fileURLToPath(new URL('node_modules/.bin/redocly', root)),
  ['build-docs', yamlPath, '--inlineBundle', '--title', 'Feishu / Lark meeting chat API', '-o', fileURLToPath(new URL('index.html', out))],
  { stdio: 'inherit', cwd: fileURLToPath(root) },
)
console.log(`Docs written to ${fileURLToPath(out)} (index.html, openapi.yaml, openapi.json): publish the folder as is.`)
