// client.api: the typed openapi-fetch client of every operation of the spec, made on its first use. client.ts
// imports this module dynamically, so an app that calls only the client's own methods never loads openapi-fetch
// (2.6 kB min+gzip) nor what reads the Requests it builds (request.ts): they build what the transport sends
// themselves while no middleware is added. It imports nothing of this package but request.ts (and types): what
// they need from the entry is handed to them (`Shared`), so that their chunk shares no module with the entry.
import createClient, { createQuerySerializer, defaultPathSerializer, type Client } from 'openapi-fetch'
import type { paths } from '../generated/schema.js'
import type { Normalized } from './options.js'
import { paramsChecker, preparedRequestClass, requestReader, type Shared } from './request.js'
import type { Transport } from './transport.js'

/**
 * The openapi-fetch client behind client.api: the transport's fetch, this client's Request class, openapi-fetch's
 * serializers behind the checks. From now on the transport reads the Requests openapi-fetch hands it.
 */
export function createApi(options: Normalized, transport: Transport, shared: Shared): Client<paths, `${string}/${string}`> {
  const { fillPath } = shared
  const checkParams = paramsChecker(shared)
  transport.readRequests(requestReader(options, shared))
  const serializeQuery = createQuerySerializer()
  return createClient<paths>({
    baseUrl: options.baseUrl,
    // Any request of the spec: the operation is found from the method and path.
    fetch: async (request) => {
      const answer = await transport.send(request)
      return new Response(answer.text, { status: answer.status, headers: answer.headers })
    },
    Request: preparedRequestClass(options.fetch !== undefined),
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
