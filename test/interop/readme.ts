// Reads docs/tested-against.md (the README's "Tested against" in detail), so that its figures are checked by the
// suites that make them.
import { readFileSync } from 'node:fs'

const section = readFileSync(new URL('../../docs/tested-against.md', import.meta.url), 'utf8')

/** The version the section names for a package, e.g. `@larksuiteoapi/node-sdk` 1.74.0 or **Prism** 5.14.2. */
export function statedVersion(name: string): string | undefined {
  return new RegExp(`${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\S*\\s+(\\d+\\.\\d+\\.\\d+)`).exec(section)?.[1]
}

/** The conformance table: check name -> [exchanges checked, failures]. */
export function statedConformance(): Record<string, [number, number]> {
  const table = section.slice(section.indexOf('<!-- conformance:counts -->'), section.indexOf('<!-- /conformance:counts -->'))
  const rows = [...table.matchAll(/^\| (\w+) \| (\d+) \| (\d+) \|$/gm)]
  return Object.fromEntries(rows.map((m) => [m[1], [Number(m[2]), Number(m[3])]]))
}

/** Whether the section says `text` (a figure a suite prints, e.g. "18 of 18 calls as expected"). */
export function states(text: string): boolean {
  return section.replace(/\s+/g, ' ').includes(text)
}
