// Builds the published docs into build/docs/, one static site with relative links only, that ships in the
// package (the sandbox serves it at /docs/) and can be published as it is:
// - index.html: the HTTP API, rendered by Scalar's API reference (scalar/api-reference.js, its browser build
//   from the @scalar/api-reference package, served from here: nothing from a CDN or any other host) from the
//   spec inlined in the page, every operation open, each with its code samples (x-codeSamples). console.js
//   (scripts/docs-site/console.ts) makes it a console when the sandbox serves it: "Test Request" sends there,
//   prefilled with the sandbox seed's ids and a token (src/sandbox/console.ts);
// - errors.html: the error catalog, one full-width table (code, HTTP, msg, kind, retryable, hints en/zh);
// - api/: the TypeScript package's reference from its doc comments (TypeDoc), linking back;
// - openapi.yaml and openapi.json; llms.txt (scripts/llms.ts).
import { readFile, mkdir, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Application, PageEvent } from 'typedoc'
import { referenceOptions } from './lib/reference.ts'
import { stringify } from 'yaml'
import { spec } from '../src/generated/spec.ts'
import { errorCatalog } from '../src/generated/catalog.ts'
import { llmsText } from './llms.ts'

const root = new URL('../', import.meta.url)
const out = new URL('build/docs/', root)
const TITLE = 'Feishu / Lark meeting chat API'

const codes = Object.keys(errorCatalog).map(Number).sort((a, b) => a - b)
const entries = codes.map((code) => ({ code, ...(errorCatalog as Record<number, (typeof errorCatalog)[keyof typeof errorCatalog]>)[code]! }))

// In the reference, the catalog as a list that wraps; the full table with the hints is errors.html, which has
// the whole window.
const compact = entries.map((e) => `- [**${e.code}**](errors.html#${e.code}) ${e.msg.replaceAll('\n', ' ')} (HTTP ${e.status}, ${e.kind}${e.retryable ? ', retryable' : ''})`).join('\n')

type DocSpec = {
  info: { description: string }
  tags: { name: string; description: string }[]
  components: { schemas: Record<string, unknown> }
}
const docSpec = structuredClone(spec) as unknown as DocSpec
const links = '**This site**: the HTTP API (this page) · [the error catalog with hints](errors.html) · [the TypeScript package reference](api/index.html) · [openapi.yaml](openapi.yaml) · [llms.txt](llms.txt)'
docSpec.info.description = `${links}\n\n${docSpec.info.description}`
for (const tag of docSpec.tags) {
  if (tag.name === 'Error catalog') tag.description = `${tag.description}\n\n**[The catalog as a table, with each code's hint in English and Chinese](errors.html)**\n\n${compact}\n`
}
// The envelope's `code`: the catalog's codes as a list, not one oneOf branch per code.
docSpec.components.schemas.ErrorCode = {
  title: 'Error code',
  type: 'integer',
  enum: codes,
  description: 'A code of the error catalog: see the Error catalog section, or [errors.html](errors.html) for each code\'s hint.',
}

const escapeHtml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
// Inline code in the hints (`like this`) shown as code.
const richText = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>')
const errorsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Error catalog · ${TITLE}</title>
<style>
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; color: #1f2328; }
  header { padding: 16px 24px 8px; }
  header a { margin-right: 16px; }
  h1 { font-size: 22px; margin: 0 0 8px; }
  main { padding: 0 24px 24px; }
  table { border-collapse: collapse; width: 100%; table-layout: fixed; }
  th, td { border-bottom: 1px solid #d0d7de; padding: 6px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
  th { position: sticky; top: 0; background: #f6f8fa; }
  col.code { width: 7em; } col.http { width: 4em; } col.msg { width: 16%; } col.kind { width: 8.5em; } col.retry { width: 4.5em; }
  code { font-size: 12px; background: #f6f8fa; padding: 0 3px; border-radius: 3px; }
  tr:target { background: #fff8c5; }
</style>
</head>
<body>
<header>
  <h1>Error catalog · 错误码</h1>
  <nav><a href="index.html">HTTP API reference</a><a href="api/index.html">TypeScript package reference</a><a href="openapi.yaml">openapi.yaml</a></nav>
  <p>Every code a caller of these operations can meet, from the spec's <code>ErrorCode</code> schema. <code>FeishuApiError</code> carries the same <code>code</code>, <code>kind</code>, <code>retryable</code> and <code>hint</code>.</p>
</header>
<main>
<table>
<colgroup><col class="code"><col class="http"><col class="msg"><col class="kind"><col class="retry"><col class="hint"><col class="hint-zh"></colgroup>
<thead><tr><th>code</th><th>HTTP</th><th>msg</th><th>kind</th><th>retry</th><th id="hint">hint</th><th id="hint-zh" lang="zh">排查建议</th></tr></thead>
<tbody>
${entries.map((e) => `<tr id="${e.code}"><td><a href="#${e.code}">${e.code}</a></td><td>${e.status}</td><td>${richText(e.msg)}</td><td>${e.kind}</td><td>${e.retryable ? 'yes' : 'no'}</td><td>${richText(e.hint.en)}</td><td lang="zh">${richText(e.hint.zh)}</td></tr>`).join('\n')}
</tbody>
</table>
</main>
</body>
</html>
`

// Scalar's browser build, as its package ships it (one file, no request of its own once configured so, see
// console.ts), and a note of where it comes from and its licence.
const require = createRequire(import.meta.url)
const scalarDir = join(dirname(require.resolve('@scalar/api-reference')), '..')
const scalarManifest = JSON.parse(await readFile(join(scalarDir, 'package.json'), 'utf8')) as { name: string; version: string; license: string; author: string; homepage: string }
const scalarJs = (await readFile(join(scalarDir, 'dist/browser/standalone.js'), 'utf8')).replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n')
const scalarNotice = `scalar/api-reference.js is dist/browser/standalone.js of ${scalarManifest.name} ${scalarManifest.version} (${scalarManifest.homepage}),
by ${scalarManifest.author}, under the ${scalarManifest.license} licence, with the dependencies it bundles under their own licences
(see that package's dependencies). Its source map is left out.
`

// The spec in the page, as JSON that no `</script>` inside it can end early.
const inlineSpec = JSON.stringify(docSpec).replaceAll('<', '\\u003c')
const indexPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${TITLE}</title>
<meta name="description" content="${escapeHtml(spec.info.summary)}">
<link rel="icon" href="data:,">
<style>
  body { margin: 0; }
  #console-answer { position: fixed; left: 50%; bottom: 12px; transform: translateX(-50%); z-index: 10000; max-width: calc(100vw - 32px);
    padding: 6px 12px; border-radius: 6px; background: #1f2328; color: #fff; font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace;
    box-shadow: 0 2px 8px rgba(0, 0, 0, .3); overflow-wrap: anywhere; }
  #console-answer[data-status^="2"] { background: #116329; }
  #console-answer[data-status^="4"], #console-answer[data-status^="5"] { background: #82071e; }
</style>
</head>
<body>
<noscript><p>This page needs JavaScript. Without it: <a href="errors.html">the error catalog</a>, <a href="api/index.html">the TypeScript reference</a>, <a href="openapi.yaml">openapi.yaml</a>, <a href="llms.txt">llms.txt</a>.</p></noscript>
<div id="app"></div>
<div id="console-answer" role="status" aria-live="polite" hidden></div>
<script id="openapi" type="application/json">${inlineSpec}</script>
<script src="scalar/api-reference.js"></script>
<script src="console.js"></script>
</body>
</html>
`

await rm(out, { recursive: true, force: true })
await mkdir(new URL('scalar/', out), { recursive: true })
await writeFile(new URL('openapi.yaml', out), stringify(docSpec, { lineWidth: 0 }))
await writeFile(new URL('openapi.json', out), `${JSON.stringify(spec, null, 2)}\n`)
await writeFile(new URL('errors.html', out), errorsPage)
await writeFile(new URL('llms.txt', out), llmsText('docs'))
await writeFile(new URL('scalar/api-reference.js', out), scalarJs)
await writeFile(new URL('scalar/NOTICE.txt', out), scalarNotice)
await build({
  entryPoints: [fileURLToPath(new URL('scripts/docs-site/console.ts', root))],
  outfile: fileURLToPath(new URL('console.js', out)),
  bundle: true,
  format: 'iife',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
})
await writeFile(new URL('index.html', out), indexPage)

// Links from the TypeScript reference to the rest of the site, until each page makes them relative to itself.
const SITE = 'site-root:'
const app = await Application.bootstrap({
  ...referenceOptions(fileURLToPath(new URL('tsconfig.build.json', root))),
  out: fileURLToPath(new URL('api/', out)),
  // Written as they are into every page, however deep (api/classes/...): made relative to each page below.
  navigationLinks: { 'HTTP API reference': `${SITE}index.html`, 'Error catalog': `${SITE}errors.html` },
})
app.renderer.on(PageEvent.END, (page) => {
  // page.url is relative to api/: the site's root is one folder up, plus one per folder of the page.
  page.contents = page.contents?.replaceAll(`href="${SITE}`, `href="${'../'.repeat(page.url.split('/').length)}`)
})
const project = await app.convert()
if (!project || app.logger.hasErrors()) throw new Error('TypeDoc could not convert the package')
await app.generateDocs(project, fileURLToPath(new URL('api/', out)))
console.log(`Docs written to ${fileURLToPath(out)} (index.html, errors.html, api/, openapi.yaml, openapi.json, llms.txt): publish the folder as is.`)
