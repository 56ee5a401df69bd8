// What the fake answers, read from its rules' own docs: each `@answers <code> <state>` line of src/fake/rules.ts
// (the platform's rules) and src/mock/validate.ts (the request checks). The codes table and the interop suites
// hold their cases to it, so a rule that answers a new code cannot go unreached.
import { readFileSync } from 'node:fs'

const SOURCES = ['../../src/mock/validate.ts', '../../src/fake/rules.ts']

/** Each code the fake answers, with the states of the fake that make it answer it, in the order the checks run. */
export function fakeAnswers(): Map<number, string[]> {
  const out = new Map<number, string[]>()
  for (const source of SOURCES) {
    const text = readFileSync(new URL(source, import.meta.url), 'utf8')
    for (const m of text.matchAll(/^\s*\* @answers (\d+) (.+)$/gm)) {
      const code = Number(m[1])
      out.set(code, [...(out.get(code) ?? []), (m[2] ?? '').trim()])
    }
  }
  return out
}
