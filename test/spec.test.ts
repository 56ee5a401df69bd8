import { readFile } from 'node:fs/promises'
import { Validator } from '@seriousme/openapi-schema-validator'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { errorCatalog } from '../src/generated/catalog.ts'
import { codeOf, deref, documentedResponses, isObject, specOperations, spec } from '../src/contract/walk.ts'
import { SpecValidator } from '../scripts/lib/spec-ajv.ts'

const yamlText = await readFile(new URL('../openapi/openapi.yaml', import.meta.url), 'utf8')
const catalogCodes = Object.keys(errorCatalog).map(Number)

describe('the spec document', () => {
  it('parses and is valid OpenAPI 3.1', async () => {
    const parsed = parse(yamlText)
    expect(parsed.openapi).toMatch(/^3\.1\./)
    const validator = new Validator()
    const result = await validator.validate(parsed)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
  })

  it('is the document the generated module was made from', () => {
    expect(spec).toEqual(parse(yamlText))
  })

  it('documents the unbind operation as the source document says', () => {
    const op = specOperations().find((o) => o.operationId === 'unbindMeetingChat')
    expect(op?.method).toBe('DELETE')
    expect(op?.path).toBe('/open-apis/calendar/v4/calendars/{calendar_id}/events/{event_id}/meeting_chat')
    expect(op?.parameters.map((p) => [p.name, p.in, p.required])).toEqual([
      ['calendar_id', 'path', true],
      ['event_id', 'path', true],
      ['meeting_chat_id', 'query', true],
    ])
    expect(op?.security).toEqual([{ tenant_access_token: [] }, { user_access_token: [] }])
  })

  it('lists both platforms as servers', () => {
    expect(spec.servers.map((s) => s.url)).toEqual(['https://open.feishu.cn', 'https://open.larksuite.com'])
  })
})

describe('examples', () => {
  const validator = new SpecValidator()
  const responses = documentedResponses()

  it.each(responses.map((r) => [`${r.operationId} ${r.status} ${r.exampleName}`, r] as const))(
    '%s validates against its response schema',
    (_name, r) => {
      expect(r.schema).toBeDefined()
      const result = validator.validate(r.schema ?? {}, r.value)
      expect(result.errors).toEqual([])
    },
  )

  it('request body examples validate against their schemas', () => {
    let checked = 0
    for (const op of specOperations()) {
      if (!op.requestBodySchema) continue
      const body = deref((spec.paths as Record<string, Record<string, { requestBody?: unknown }>>)[op.path]?.[op.method.toLowerCase()]?.requestBody)
      const media = isObject(body) && isObject(body.content) ? body.content['application/json'] : undefined
      const examples = isObject(media) && isObject(media.examples) ? Object.values(media.examples) : []
      for (const ex of examples) {
        const value = isObject(ex) ? ex.value : undefined
        expect(validator.validate(op.requestBodySchema, value).errors).toEqual([])
        checked++
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4)
  })

  it('parameter examples validate against their schemas', () => {
    let checked = 0
    for (const op of specOperations()) {
      for (const p of op.parameters) {
        const raw = (spec.components.parameters as Record<string, { name: string; example?: string }>)
        const example = Object.values(raw).find((c) => c.name === p.name)?.example
        if (example === undefined) continue
        expect(validator.validate(p.schema, example).errors).toEqual([])
        checked++
      }
    }
    expect(checked).toBeGreaterThan(0)
  })

  it('an example that breaks its schema is caught (the check can fail)', () => {
    const r = responses.find((x) => x.status === 200 && x.operationId === 'createMeetingChat')
    expect(validator.validate(r?.schema ?? {}, { code: 0, msg: 'success', data: { applink: 42 } }).valid).toBe(false)
    const err = responses.find((x) => x.status === 400)
    expect(validator.validate(err?.schema ?? {}, { code: 123, msg: 'not in the catalog' }).valid).toBe(false)
  })
})

describe('the error catalog', () => {
  const errorExamples = documentedResponses().flatMap((r) => {
    const code = codeOf(r.value)
    return code === undefined ? [] : [{ ...r, code }]
  })

  it('holds the 21 codes of the source document', () => {
    const seed = [190002, 190003, 190004, 190005, 190006, 190007, 190010, 190011, 190012, 191000, 191001, 191002, 191003, 191004, 193000, 193001, 193002, 193003, 195100, 195107, 195108]
    expect(catalogCodes).toEqual(expect.arrayContaining(seed))
  })

  it.each(catalogCodes.map((c) => [c]))('code %i appears in some operation under its catalog status', (code) => {
    const entry = errorCatalog[code as keyof typeof errorCatalog]
    const hits = errorExamples.filter((e) => e.code === code)
    expect(hits.length, `code ${code} is documented in no response`).toBeGreaterThan(0)
    for (const hit of hits) expect(hit.status, `${hit.operationId} documents ${code} under ${hit.status}`).toBe(entry.status)
  })

  it('every code documented in a response is in the catalog, with the catalog msg', () => {
    for (const e of errorExamples) {
      const entry = errorCatalog[e.code as keyof typeof errorCatalog]
      expect(entry, `${e.operationId} ${e.status} ${e.exampleName}: code ${e.code}`).toBeDefined()
      expect(isObject(e.value) ? e.value.msg : undefined).toBe(entry.msg)
    }
  })

  it('gives every code a hint in English and in Chinese', () => {
    for (const entry of Object.values(errorCatalog)) {
      expect(entry.hint.en.length).toBeGreaterThan(10)
      expect(entry.hint.zh).toMatch(/[\u4e00-\u9fff]/)
    }
  })

  it('documents the create-only and unbind-only codes on the right operation', () => {
    const on = (op: string) => new Set(errorExamples.filter((e) => e.operationId === op).map((e) => e.code))
    expect(on('createMeetingChat').has(195109)).toBe(true)
    for (const code of [193000, 195107, 195108]) {
      expect(on('createMeetingChat').has(code)).toBe(false)
      expect(on('unbindMeetingChat').has(code)).toBe(true)
    }
    expect(on('unbindMeetingChat').has(195109)).toBe(false)
  })
})
