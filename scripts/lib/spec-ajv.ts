// Ajv (draft 2020-12, the dialect of OpenAPI 3.1) over the spec's own schemas, for the tools and tests:
// `npm run generate` compiles the mocks' request validators with it into standalone code
// (src/generated/validators.ts), so the package itself never loads Ajv; the tests check answers with it.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import formatsPlugin from 'ajv-formats'
import { spec } from '../../src/generated/spec.ts'

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json }
const isObject = (v: unknown): v is { readonly [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v)

export const SPEC_ID = 'feishu-meeting-chat-openapi'

/** Points a schema's local `$ref`s (`#/components/...`) at the spec registered in Ajv. */
export function anchorRefs(node: Json): Json {
  if (Array.isArray(node)) return node.map(anchorRefs)
  if (!isObject(node)) return node
  const out: Record<string, Json> = {}
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `${SPEC_ID}${value}` : anchorRefs(value)
  }
  return out
}

/** An Ajv with the formats and `specDocument` (default: the generated spec) registered under SPEC_ID. */
export function createSpecAjv(options: { standalone?: boolean; specDocument?: unknown } = {}): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, ...(options.standalone ? { code: { source: true, esm: true } } : {}) })
  ;(formatsPlugin as unknown as (ajv: Ajv2020) => void)(ajv)
  ajv.addSchema((options.specDocument ?? spec) as object, SPEC_ID)
  return ajv
}

export interface ValidationResult {
  readonly valid: boolean
  /** One line a problem: where, and what is wrong. */
  readonly errors: readonly string[]
}

const describe = (e: ErrorObject): string => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`.trim()

/** Validates values against schemas taken from the spec (they may hold `$ref`s into the spec). */
export class SpecValidator {
  readonly #ajv = createSpecAjv()
  readonly #cache = new WeakMap<object, ValidateFunction>()

  validate(schema: Json, value: unknown): ValidationResult {
    const key = isObject(schema) ? schema : { const: schema }
    let fn = this.#cache.get(key)
    if (!fn) {
      fn = this.#ajv.compile(anchorRefs(key) as object)
      this.#cache.set(key, fn)
    }
    const valid = fn(value) as boolean
    return { valid, errors: valid ? [] : (fn.errors ?? []).map(describe) }
  }
}
