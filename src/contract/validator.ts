// JSON Schema validation against the spec's own schemas (Ajv, draft 2020-12, the dialect of OpenAPI 3.1).
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import formatsPlugin from 'ajv-formats'
import { isObject, spec, type Json } from './walk.js'

const SPEC_ID = 'feishu-meeting-chat-openapi'

/** Points a schema's local `$ref`s (`#/components/...`) at the spec registered in Ajv. */
function anchorRefs(node: Json): Json {
  if (Array.isArray(node)) return node.map(anchorRefs)
  if (!isObject(node)) return node
  const out: Record<string, Json> = {}
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `${SPEC_ID}${value}` : anchorRefs(value)
  }
  return out
}

export interface ValidationResult {
  readonly valid: boolean
  /** One line a problem: where, and what is wrong. */
  readonly errors: readonly string[]
}

const describe = (e: ErrorObject): string => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`.trim()

export class SpecValidator {
  readonly #ajv: Ajv2020
  readonly #cache = new WeakMap<object, ValidateFunction>()

  constructor() {
    this.#ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
    ;(formatsPlugin as unknown as (ajv: Ajv2020) => void)(this.#ajv)
    this.#ajv.addSchema(spec as unknown as object, SPEC_ID)
  }

  /** Validates `value` against a schema taken from the spec (it may hold `$ref`s into the spec). */
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
