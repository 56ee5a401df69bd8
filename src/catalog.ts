// `feishu-meeting-chat/catalog`: the spec's whole error catalog, every code with its status, msg, kind and
// bilingual hint. A subpath of its own so that apps which only call the API do not bundle the text: a
// FeishuApiError already carries its code's hint (`error.hint`).
/**
 * `feishu-meeting-chat/catalog`: every error code the spec documents, with its HTTP status, the platform's
 * `msg`, the hint in English and Chinese, its kind and whether a retry can help. Read it to build your own
 * tables or messages; a `FeishuApiError` already carries its own code's `hint`.
 *
 * @module feishu-meeting-chat/catalog
 */
export { errorCatalog } from './generated/catalog.js'
export type { CatalogCode, CatalogEntry } from './generated/catalog.js'
