// Requests generated from the spec's schemas with fast-check: arbitraries derived from each parameter's and
// body's JSON Schema (positive data), and one mutation that breaks the schema (negative data). Seeded.
import fc from 'fast-check'
import type { MockOperation } from '../../../src/contract/operations.ts'
import { deref, isObject, type Json, type JsonObject } from '../../../src/contract/walk.ts'
import { issuedIds } from '../../../src/fake/issued.ts'

/** An arbitrary of the values a JSON Schema (as the spec writes it, `$ref`s included) allows. */
export function arbitraryOf(rawSchema: Json | undefined): fc.Arbitrary<Json> {
  const schema = deref(rawSchema)
  if (!isObject(schema)) return fc.jsonValue() as fc.Arbitrary<Json>
  if ('const' in schema) return fc.constant(schema.const as Json)
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as Json[]))
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : []
  if (types.length > 1) return fc.oneof(...types.map((type) => arbitraryOf({ ...schema, type })))
  let arb: fc.Arbitrary<Json>
  switch (types[0]) {
    case 'null':
      arb = fc.constant(null)
      break
    case 'boolean':
      arb = fc.boolean()
      break
    case 'integer':
      arb = fc.integer({ min: typeof schema.minimum === 'number' ? schema.minimum : -1e6, max: typeof schema.maximum === 'number' ? schema.maximum : 1e6 })
      break
    case 'string': {
      const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0
      const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : 64
      const base = typeof schema.pattern === 'string' ? matching(new RegExp(schema.pattern, 'u'), minLength, maxLength) : fc.string({ minLength, maxLength })
      arb = base.filter((s) => s.length >= minLength && s.length <= maxLength)
      break
    }
    case 'object': {
      const properties = isObject(schema.properties) ? schema.properties : {}
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : []
      const declared = fc.record(Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, arbitraryOf(v)])), { requiredKeys: required })
      // Unknown properties are allowed unless the schema says otherwise; send some.
      const open = schema.additionalProperties !== false
      arb = open
        ? fc.tuple(declared, fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !(k in properties)), fc.jsonValue(), { maxKeys: 2 })).map(([d, extra]) => ({ ...extra, ...d }) as Json)
        : (declared as fc.Arbitrary<Json>)
      break
    }
    default:
      arb = fc.jsonValue() as fc.Arbitrary<Json>
  }
  if (isObject(schema.not)) {
    const not = schema.not
    arb = arb.filter((v) => !(Array.isArray(not.enum) && (not.enum as Json[]).includes(v)))
  }
  return arb
}

/** Strings a pattern accepts: generated from it, or, for what fast-check cannot generate from (a lookahead), filtered. */
function matching(pattern: RegExp, minLength: number, maxLength: number): fc.Arbitrary<string> {
  try {
    return fc.stringMatching(pattern)
  } catch {
    return fc.string({ minLength, maxLength }).filter((s) => pattern.test(s))
  }
}

/** A request before it is sent: path and query values, headers, and the body text (undefined: none). */
export interface Draft {
  readonly path: Readonly<Record<string, string>>
  readonly query: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
}

/** Values the scenario knows, mixed into positive data so that some requests reach the rules past "not found". */
export type Known = Readonly<Record<string, readonly string[]>>

const pick = (known: Known, name: string, schemaArb: fc.Arbitrary<Json>): fc.Arbitrary<Json> =>
  known[name]?.length ? fc.oneof(fc.constantFrom(...(known[name] as string[])), schemaArb) : schemaArb

/**
 * Positive data: every parameter and the body as the spec allows them. A path parameter with the shape of the ids
 * the platform issues (`x-issued-pattern`) also takes ids of that shape the scenario does not know, so that some
 * requests get "not found" (191000, 193001) beside "cannot be an id" (191001, 193000).
 */
export function positiveDraft(op: MockOperation, known: Known, authorization: fc.Arbitrary<string | undefined>, fixedBody?: fc.Arbitrary<Json | undefined>): fc.Arbitrary<Draft> {
  const issued = issuedIds(op.id)
  const schemaArb = (p: MockOperation['spec']['parameters'][number]): fc.Arbitrary<Json> => {
    const shape = issued.find((id) => id.param === p.name)?.pattern
    const maxLength = typeof p.schema.maxLength === 'number' ? p.schema.maxLength : Infinity
    return shape ? fc.oneof(fc.stringMatching(shape).filter((s) => s.length <= maxLength), arbitraryOf(p.schema)) : arbitraryOf(p.schema)
  }
  const params = Object.fromEntries(op.spec.parameters.map((p) => [p.name, pick(known, p.name, schemaArb(p)).map(String)]))
  const bodyArb: fc.Arbitrary<Json | undefined> = fixedBody ?? (op.spec.requestBodySchema ? (op.spec.requestBodyRequired ? arbitraryOf(op.spec.requestBodySchema) : fc.option(arbitraryOf(op.spec.requestBodySchema), { nil: undefined })) : fc.constant(undefined))
  return fc.record({ values: fc.record(params), body: bodyArb, authorization }).map(({ values, body, authorization: auth }) => ({
    path: Object.fromEntries(op.spec.parameters.filter((p) => p.in === 'path').map((p) => [p.name, values[p.name] ?? ''])),
    query: Object.fromEntries(op.spec.parameters.filter((p) => p.in === 'query').map((p) => [p.name, values[p.name] ?? ''])),
    headers: { ...(auth ? { authorization: auth } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }))
}

/** Negative data: a positive draft with one thing the spec forbids. */
export function negativeDraft(op: MockOperation, positive: fc.Arbitrary<Draft>): fc.Arbitrary<{ draft: Draft; broken: string }> {
  const mutations: fc.Arbitrary<(d: Draft) => { draft: Draft; broken: string }>[] = []
  for (const p of op.spec.parameters) {
    const max = typeof p.schema.maxLength === 'number' ? p.schema.maxLength : undefined
    const where = p.in === 'path' ? 'path' : 'query'
    const set = (d: Draft, value: string | undefined): Draft => {
      const next = { ...d[where] }
      if (value === undefined) delete next[p.name]
      else next[p.name] = value
      return { ...d, [where]: next }
    }
    if (max !== undefined) mutations.push(fc.string({ minLength: max + 1, maxLength: max + 8 }).map((s) => (d: Draft) => ({ draft: set(d, `${p.name === 'meeting_chat_id' ? 'oc_' : ''}${s.replace(/[^A-Za-z0-9]/g, 'x')}`.padEnd(max + 1, 'x')), broken: `${p.name} over ${max} characters` })))
    if (p.in === 'query' && p.required) mutations.push(fc.constant((d: Draft) => ({ draft: set(d, undefined), broken: `${p.name} missing` })))
    // A path parameter's pattern forbids only `.` and `..`, which no URL carries: URL parsing turns them into another path first.
    if (typeof p.schema.pattern === 'string' && p.in !== 'path') {
      const pattern = new RegExp(p.schema.pattern)
      mutations.push(fc.string({ minLength: 4, maxLength: 20 }).filter((s) => !pattern.test(s)).map((s) => (d: Draft) => ({ draft: set(d, s), broken: `${p.name} "${s}" off ${p.schema.pattern as string}` })))
    }
  }
  const schema = op.spec.requestBodySchema
  if (schema) {
    const body = (d: Draft, text: string, contentType = 'application/json') => ({ ...d, headers: { ...d.headers, 'content-type': contentType }, body: text })
    const objectOrNull = deref(schema)
    const types = isObject(objectOrNull) ? ([] as string[]).concat(objectOrNull.type as string | string[]) : []
    const wrong = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }), ...(types.includes('null') ? [] : [fc.constant(null)]))
    mutations.push(wrong.map((v) => (d: Draft) => ({ draft: body(d, JSON.stringify(v)), broken: `body ${JSON.stringify(v)}` })))
    mutations.push(fc.constant((d: Draft) => ({ draft: body(d, '{"unterminated'), broken: 'body not JSON' })))
    mutations.push(fc.constant((d: Draft) => ({ draft: body(d, 'a=1', 'application/x-www-form-urlencoded'), broken: 'body form-encoded' })))
    const resolved = deref(schema) as JsonObject
    const required = Array.isArray(resolved.required) ? (resolved.required as string[]) : []
    for (const name of required) {
      const parsed = (d: Draft) => JSON.parse(d.body ?? '{}') as Record<string, Json>
      mutations.push(fc.constant((d: Draft) => {
        const { [name]: _dropped, ...rest } = parsed(d)
        return { draft: body(d, JSON.stringify(rest)), broken: `body without ${name}` }
      }))
      mutations.push(fc.oneof(fc.integer(), fc.boolean(), fc.constant(''), fc.constant(null)).map((v) => (d: Draft) => ({ draft: body(d, JSON.stringify({ ...parsed(d), [name]: v })), broken: `body ${name}: ${JSON.stringify(v)}` })))
    }
  } else {
    mutations.push(fc.constant((d: Draft) => ({ draft: { ...d, headers: { ...d.headers, 'content-type': 'application/json' }, body: '{}' }, broken: 'a body where the spec has none' })))
  }
  return fc.tuple(positive, fc.oneof(...mutations)).map(([d, mutate]) => mutate(d))
}
