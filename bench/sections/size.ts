// 3. Size. This package: its client entry bundled for the browser, min+gzip (as scripts/size.ts does), and
// an app that imports only createMeetingChatClient. The official SDK cannot be bundled for the browser (it
// imports Node built-ins; the attempt is made and its errors counted), so it is bundled for Node the same
// way (esbuild, minified, gzip level 9), and its installed size on disk is reported too.
import { readdir, readFile, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build, type BuildOptions } from 'esbuild'

export interface BundleSize {
  readonly what: string
  readonly platform: 'browser' | 'node'
  readonly ok: boolean
  readonly minBytes: number | null
  readonly gzipBytes: number | null
  readonly errors: number
  readonly firstError: string | undefined
}

export interface SizeResult {
  readonly bundles: BundleSize[]
  /** The official SDK and every package it depends on, as installed in node_modules. */
  readonly sdkInstalled: { readonly bytes: number; readonly files: number; readonly packages: string[] }
}

async function bundle(what: string, platform: 'browser' | 'node', entry: BuildOptions): Promise<BundleSize> {
  try {
    const result = await build({
      ...entry,
      bundle: true,
      minify: true,
      format: 'esm',
      platform,
      charset: 'utf8',
      write: false,
      logLevel: 'silent',
    })
    const code = result.outputFiles?.[0]?.contents ?? new Uint8Array()
    return { what, platform, ok: true, minBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, errors: 0, firstError: undefined }
  } catch (error) {
    const errors = (error as { errors?: { text: string }[] }).errors ?? []
    return { what, platform, ok: false, minBytes: null, gzipBytes: null, errors: errors.length, firstError: errors[0]?.text ?? String(error) }
  }
}

/** Bytes and files under `dir`, leaving out nested node_modules (counted as packages of their own). */
async function dirSize(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0
  let files = 0
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory() && entry.name !== 'node_modules') {
      const inner = await dirSize(path)
      bytes += inner.bytes
      files += inner.files
    } else if (entry.isFile()) {
      bytes += (await stat(path)).size
      files++
    }
  }
  return { bytes, files }
}

/** The package and its dependencies, transitively, each found as Node resolves it (nested first, then up). */
export async function installedClosure(root: string, name: string): Promise<SizeResult['sdkInstalled']> {
  const found = new Map<string, string>()
  const visit = async (pkg: string, from: string): Promise<void> => {
    for (let dir = from; dir.startsWith(root.replace(/\/+$/, '')); dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', pkg)
      let manifest: { dependencies?: Record<string, string> }
      try {
        manifest = JSON.parse(await readFile(join(candidate, 'package.json'), 'utf8')) as typeof manifest
      } catch {
        continue
      }
      if (found.has(candidate)) return
      found.set(candidate, pkg)
      for (const dep of Object.keys(manifest.dependencies ?? {})) await visit(dep, candidate)
      return
    }
  }
  await visit(name, root.replace(/\/+$/, ''))
  let bytes = 0
  let files = 0
  for (const dir of found.keys()) {
    const size = await dirSize(dir)
    bytes += size.bytes
    files += size.files
  }
  return { bytes, files, packages: [...new Set(found.values())].sort() }
}

export async function sizeSection(o: { root: string; entry: string; log: (line: string) => void }): Promise<SizeResult> {
  const bundles = [
    await bundle('this package: client entry (everything it exports)', 'browser', { entryPoints: [o.entry] }),
    await bundle('this package: an app importing only createMeetingChatClient', 'browser', {
      stdin: { contents: `export { createMeetingChatClient } from ${JSON.stringify(o.entry)}`, resolveDir: o.root, loader: 'js' },
    }),
    await bundle('openapi-fetch alone: an app that creates a client', 'browser', {
      stdin: { contents: `import createClient from 'openapi-fetch'\nexport const client = createClient({ baseUrl: 'https://open.feishu.cn' })`, resolveDir: o.root, loader: 'js' },
    }),
    await bundle('official SDK: an app importing Client and withTenantToken', 'browser', {
      stdin: { contents: `export { Client, withTenantToken } from '@larksuiteoapi/node-sdk'`, resolveDir: o.root, loader: 'js' },
    }),
    await bundle('official SDK: an app importing Client and withTenantToken', 'node', {
      stdin: { contents: `export { Client, withTenantToken } from '@larksuiteoapi/node-sdk'`, resolveDir: o.root, loader: 'js' },
    }),
  ]
  for (const b of bundles) o.log(`  ${b.what} (${b.platform}): ${b.ok ? `${b.minBytes} B min, ${b.gzipBytes} B min+gzip` : `fails, ${b.errors} errors, e.g. ${b.firstError}`}`)
  const sdkInstalled = await installedClosure(o.root, '@larksuiteoapi/node-sdk')
  o.log(`  official SDK installed: ${sdkInstalled.bytes} B in ${sdkInstalled.files} files, ${sdkInstalled.packages.length} packages`)
  return { bundles, sdkInstalled }
}
