#!/usr/bin/env node
// The executable: wires the CLI to the process (argv, stdout, stderr, env, exit code).
import { EXIT, run } from './main.js'

// A full disk, a closed pipe or a closed terminal: remembered, never an uncaught stack.
const failed: { stdout?: NodeJS.ErrnoException; stderr?: NodeJS.ErrnoException } = {}
const writer = (name: 'stdout' | 'stderr') => {
  const stream = process[name]
  stream.on('error', (error: NodeJS.ErrnoException) => { failed[name] ??= error })
  return (line: string) => {
    if (failed[name]) return
    stream.write(`${line}\n`, (error) => { if (error) failed[name] ??= error })
  }
}
/** Resolves once every earlier write of the stream has succeeded or failed (writes complete in order). */
const settled = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => {
  if (stream.destroyed) resolve()
  else stream.write('', () => resolve())
})

const code = await run(process.argv.slice(2), { out: writer('stdout'), err: writer('stderr'), env: process.env })
await Promise.all([settled(process.stdout), settled(process.stderr)])
if (failed.stdout && code === EXIT.ok) {
  // Nothing (or not everything) was written: a script reading the output must not take it for done.
  writer('stderr')(`✘ Cannot write the output: ${failed.stdout.code ?? failed.stdout.message}`)
  process.exitCode = EXIT.internal
} else if (code === EXIT.interrupted) {
  // Ctrl-C: the abandoned request must not keep the process alive until its timeout.
  process.exit(code)
} else {
  process.exitCode = code
}
