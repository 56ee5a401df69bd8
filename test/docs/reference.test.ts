// The TypeScript reference (TypeDoc, `npm run docs`): every entry of the package's `exports` is in it, and every
// export, and every member of an exported interface or class, says what it is in a doc comment. A member typed by
// a named type of the package's takes its words from that type; the generated types of the HTTP API (`paths`,
// `components`) and the members of object literals (a catalog entry, DEFAULTS) are documented by their own spec.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Application, ReflectionKind, type DeclarationReflection, type ProjectReflection, type Reflection } from 'typedoc'
import { beforeAll, describe, expect, it } from 'vitest'
import { REFERENCE_ENTRIES, referenceOptions } from '../../scripts/lib/reference.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
let project: ProjectReflection

beforeAll(async () => {
  process.chdir(root)
  const app = await Application.bootstrap({ ...referenceOptions(`${root}tsconfig.build.json`), logLevel: 'Error' })
  project = (await app.convert())!
}, 60_000)

const GENERATED_HTTP_TYPES = new Set(['paths', 'components', 'operations', 'webhooks', '$defs'])
const ERROR_MEMBERS = new Set(['message', 'stack', 'cause'])
const MEMBER_KINDS = ReflectionKind.Property | ReflectionKind.Method | ReflectionKind.Accessor

/** Whether `r` (or what it re-exports) has words of its own. */
const documented = (r: Reflection | undefined): boolean =>
  r?.isReference() ? documented(r.getTargetReflectionDeep()) : !!r && (!!r.comment?.summary.some((part) => part.text.trim() !== '') ||
    ((r as DeclarationReflection).signatures ?? []).some((s) => s.comment?.summary.some((part) => part.text.trim() !== '')))

/** Whether a member's type names a type of the package that is itself documented. */
function typedByDocumented(member: DeclarationReflection): boolean {
  const type = member.type
  return type?.type === 'reference' && documented(type.reflection)
}

/** Every export of every module without words, as `module.name` or `module.name.member`. */
function undocumented(): string[] {
  const out: string[] = []
  for (const module of project.children ?? []) {
    for (const decl of module.children ?? []) {
      if (!documented(decl)) out.push(`${module.name}.${decl.name}`)
      if (decl.isReference() || GENERATED_HTTP_TYPES.has(decl.name) || !decl.kindOf(ReflectionKind.Interface | ReflectionKind.Class)) continue
      for (const member of decl.children ?? []) {
        // Error's own members (message, stack, cause) are documented by the language.
        if (!member.kindOf(MEMBER_KINDS) || member.flags.isInherited || member.name.startsWith('__') || ERROR_MEMBERS.has(member.name)) continue
        if (!documented(member) && !typedByDocumented(member)) out.push(`${module.name}.${decl.name}.${member.name}`)
      }
    }
  }
  return out
}

describe('the TypeScript reference', () => {
  it('covers every entry of the exports map', () => {
    const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { exports: Record<string, unknown> }
    const entries = Object.keys(manifest.exports).filter((e) => e !== './package.json')
    expect(REFERENCE_ENTRIES).toHaveLength(entries.length)
    expect(project.children?.map((m) => m.name).sort()).toHaveLength(entries.length)
  })

  it('documents every export, and every member of an exported interface or class', () => {
    expect(undocumented()).toEqual([])
  })

  it('shows FeishuApiError and ConfigError as classes with their fields', () => {
    const client = project.children?.find((m) => m.name === 'feishu-meeting-chat')
    for (const name of ['FeishuApiError', 'ConfigError']) expect(client?.getChildByName(name)?.kind).toBe(ReflectionKind.Class)
    const fields = client?.getChildByName('FeishuApiError') as DeclarationReflection
    for (const field of ['kind', 'code', 'msg', 'hint', 'logId', 'retryable', 'retryAfterMs', 'toJSON']) expect(fields.getChildByName(field), field).toBeDefined()
  })
})
