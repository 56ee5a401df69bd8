// `prepack`: what the tarball must hold (dist/ and build/docs/), made only when missing or older than its
// sources, so that `npm pack` from a fresh clone ships a working package and publint / attw --pack after a
// build do not build again. Everything goes to stderr: `npm pack --json` (and attw) read stdout.
import { execFileSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../', import.meta.url))

/** Newest modification time under the given files and folders (0 when none exists). */
function newest(paths: readonly string[]): number {
  let latest = 0
  for (const path of paths) {
    const full = join(root, path)
    let stat
    try { stat = statSync(full) } catch { continue }
    // A folder's own time counts too: deleting or renaming a source changes only the folder's.
    if (stat.isDirectory()) latest = Math.max(latest, stat.mtimeMs, newest(readdirSync(full).map((name) => join(path, name))))
    else latest = Math.max(latest, stat.mtimeMs)
  }
  return latest
}

/** Oldest modification time of the outputs, or -1 when one is missing. */
function oldest(paths: readonly string[]): number {
  let earliest = Infinity
  for (const path of paths) {
    try { earliest = Math.min(earliest, statSync(join(root, path)).mtimeMs) } catch { return -1 }
  }
  return earliest
}

const steps = [
  { script: 'build', outputs: ['dist/index.js', 'dist/cli/bin.js'], sources: ['src', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.ts', 'package.json'] },
  // The docs read the spec (through src/generated), the doc comments of src/, the page's script, the README's
  // opening (llms.txt) and Scalar's version (package.json); index.html first, api/ last.
  { script: 'docs', outputs: ['build/docs/index.html', 'build/docs/api/index.html'], sources: ['src', 'openapi', 'scripts/docs.ts', 'scripts/docs-site', 'scripts/llms.ts', 'scripts/lib/reference.ts', 'README.md', 'package.json', 'tsconfig.build.json'] },
]

for (const { script, outputs, sources } of steps) {
  const built = oldest(outputs)
  if (built >= newest(sources)) {
    console.error(`prepack: ${script} is fresh (${outputs.join(', ')})`)
    continue
  }
  console.error(`prepack: npm run ${script} (${built < 0 ? 'missing' : 'older than its sources'}: ${outputs.join(', ')})`)
  execFileSync('npm', ['run', '-s', script], { cwd: root, stdio: ['ignore', process.stderr, 'inherit'] })
}
