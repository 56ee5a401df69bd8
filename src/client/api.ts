// client.api: the typed openapi-fetch client of every operation of the spec, made on its first use. client.ts
// imports this module dynamically, so an app that calls only the client's own methods never loads openapi-fetch
// (2.6 kB min+gzip): they build their requests themselves while no middleware is added. It imports nothing of
// this package (what it needs is handed to it), so that the chunk it becomes shares no module with the entry.
import createClient, { createQuerySerializer, defaultPathSerializer, type Client } from 'openapi-fetch'
import type { paths } from '../generated/schema.js'

export interface ApiParts {
  readonly baseUrl: string
  readonly fetch: (request: Request) => Promise<Response>
  readonly Request: typeof Request
  /** Throws for a parameter that no URL can carry, or that would move the request to another path. */
  readonly checkParams: (params: Record<string, unknown>, where: 'path' | 'query') => void
  /** The path serialization of this package (serialize.ts): null where only openapi-fetch's builds the URL. */
  readonly fillPath: (template: string, params: Record<string, unknown>) => string | null
}

/** The openapi-fetch client behind client.api: the transport's fetch, this client's Request class, openapi-fetch's serializers behind the checks. */
export function createApi(parts: ApiParts): Client<paths, `${string}/${string}`> {
  const { checkParams, fillPath } = parts
  const serializeQuery = createQuerySerializer()
  return createClient<paths>({
    baseUrl: parts.baseUrl,
    fetch: parts.fetch,
    Request: parts.Request,
    pathSerializer: (template, params) => {
      checkParams(params, 'path')
      return fillPath(template, params) ?? defaultPathSerializer(template, params)
    },
    querySerializer: (params) => {
      checkParams(params, 'query')
      return serializeQuery(params)
    },
  })
}
