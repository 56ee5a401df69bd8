#!/usr/bin/env node
// The executable: wires the CLI to the process (argv, stdout, stderr, env, exit code).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { run } from './main.js'

// The docs built by `npm run docs`, served at /docs by the sandbox when present.
const docs = fileURLToPath(new URL('../../build/docs', import.meta.url))

const code = await run(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
}, existsSync(docs) ? docs : undefined)
process.exitCode = code
