// What makes the spec read the same in every code generator (the generator matrix, test/interop/matrix/, runs
// them; this file holds the spec to the rules it found, without installing them): ErrorCode is an `enum` as well
// as a oneOf of consts, no parameter schema uses `not`, and the two token schemes differ in what a generated
// client hands its auth callback. And the ids' examples and wording are the page's.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import catalogPlugin from '../../openapi/lint/catalog-plugin.js'
import { deref, isObject, spec, specOperations, type Json, type JsonObject } from '../../src/contract/walk.ts'
import { SpecValidator } from '../../scripts/lib/spec-ajv.ts'

const schemas = spec.components.schemas as unknown as Record<string, JsonObject>
const errorCode = schemas.ErrorCode as JsonObject & { oneOf: readonly { const: number }[]; enum: readonly number[] }

interface Location { child(path: unknown): Location; readonly path: string }
const at = (path: string): Location => ({ path, child: (p) => at(`${path}/${([] as unknown[]).concat(p).join('/')}`) })
function lint(root: unknown): string[] {
  const reported: string[] = []
  const rule = catalogPlugin().rules.oas3['catalog-entry-complete'] as () => { Root: { enter(root: unknown, ctx: unknown): void } }
  rule().Root.enter(root, { location: at('#'), report: ({ message, location }: { message: string; location: Location }) => reported.push(`${location.path}: ${message}`) })
  return reported
}
const fresh = () => parse(readFileSync(new URL('../../openapi/openapi.yaml', import.meta.url), 'utf8')) as { components: { schemas: { ErrorCode: { enum: number[] } } } }

describe('ErrorCode', () => {
  it('lists its codes as an enum too, the oneOf\'s in its order', () => {
    expect(errorCode.enum).toEqual(errorCode.oneOf.map((entry) => entry.const))
  })

  it('is held to it by npm run lint: an enum that misses a code is reported', () => {
    const s = fresh()
    expect(lint(s)).toEqual([])
    s.components.schemas.ErrorCode.enum.pop()
    expect(lint(s)).toEqual([expect.stringMatching(/^#\/components\/schemas\/ErrorCode\/enum: The error catalog's `enum` must list the oneOf's codes in its order/)])
  })
})

/** Every subschema of a schema, itself included, $refs followed once. */
function* subschemas(node: Json | undefined, seen = new Set<unknown>()): Generator<JsonObject> {
  const schema = deref(node)
  if (!isObject(schema) || seen.has(schema)) return
  seen.add(schema)
  yield schema
  for (const value of Object.values(schema)) {
    if (Array.isArray(value)) for (const item of value) yield* subschemas(item, seen)
    else if (isObject(value)) yield* subschemas(value, seen)
  }
}

describe('the parameters', () => {
  const parameters = specOperations().flatMap((op) => op.parameters.map((p) => [`${op.operationId} ${p.name}`, p] as const))

  it.each(parameters)('%s says what it takes without `not` (swagger-typescript-api types such a parameter as any)', (_name, p) => {
    expect([...subschemas(p.schema)].filter((s) => 'not' in s)).toEqual([])
  })

  const validator = new SpecValidator()
  const pathSchema = (name: string) => specOperations().flatMap((op) => op.parameters).find((p) => p.name === name)?.schema ?? {}
  it.each(['calendar_id', 'event_id'])('%s still refuses . and .. (URL normalisation would make them another path), and takes the rest', (name) => {
    for (const dots of ['.', '..']) expect(validator.validate(pathSchema(name), dots).valid).toBe(false)
    for (const fine of ['...', '.a', 'a.', 'feishu.cn_xxx@group.calendar.feishu.cn', '75d28f9b-e35c-4230-8a83-123_0']) expect(validator.validate(pathSchema(name), fine).valid).toBe(true)
  })

  const raw = spec.components.parameters as unknown as Record<string, JsonObject>
  it('give the page\'s examples', () => {
    // The source page's path-parameter table: 示例：`feishu.cn_xxx@group.calendar.feishu.cn`, `75d28f9b-e35c-4230-8a83-123_0`.
    expect(raw.CalendarId?.example).toBe('feishu.cn_xxx@group.calendar.feishu.cn')
    expect(raw.EventId?.example).toBe('75d28f9b-e35c-4230-8a83-123_0')
  })

  it('each example has the shape the platform issues (x-issued-pattern)', () => {
    for (const p of [raw.CalendarId, raw.EventId]) expect(String(p?.example)).toMatch(new RegExp(String(p?.['x-issued-pattern']), 'u'))
  })

  it('say the calendar id\'s @ may be percent-encoded, not that it must', () => {
    const text = String(raw.CalendarId?.description)
    expect(text).toMatch(/may be sent\s+as it is or percent-encoded/)
    expect(text).not.toMatch(/must be percent-encoded/)
  })
})

describe('the optional body of create and unbind', () => {
  it.each(['createMeetingChat', 'unbindMeetingChat'])('%s writes it in place, required: false (swagger-typescript-api reads that of no $ref and makes the body required)', (operationId) => {
    const op = specOperations().find((o) => o.operationId === operationId)
    expect(op?.raw.requestBody).toMatchObject({ required: false })
    expect(op?.raw.requestBody).not.toHaveProperty('$ref')
  })
})

describe('the token schemes', () => {
  const schemes = spec.components.securitySchemes as unknown as Record<string, JsonObject>
  // What @hey-api/openapi-ts hands its `auth` callback of a scheme: all a generated client knows of it.
  const seenByAuthCallback = (s: JsonObject | undefined) => JSON.stringify({ type: s?.type, scheme: s?.scheme, in: s?.in ?? 'header', name: s?.name ?? 'Authorization' })

  it('differ in what a generated client\'s auth callback is told, so it can answer each with its token', () => {
    expect(seenByAuthCallback(schemes.tenant_access_token)).not.toBe(seenByAuthCallback(schemes.user_access_token))
  })

  it('both send Authorization: Bearer <token>', () => {
    expect(schemes.tenant_access_token).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(schemes.user_access_token).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' })
    expect(String(schemes.user_access_token?.description)).toMatch(/`Authorization: Bearer u-\.\.\.`/)
  })
})
