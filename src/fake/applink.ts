// The applink of a created meeting chat, modelled on the spec's example: the example's link with its
// `openChatId` set to the chat, on the platform's host. Parsed once per example and host, not per chat.

/** Only form-safe characters, so that it is its own URLSearchParams serialization and occurs once in a link. */
const SLOT = 'CHAT0ID'
/** Characters URLSearchParams writes as they are (application/x-www-form-urlencoded). */
const FORM_SAFE = /^[\w.*-]*$/

/** `example` with `openChatId` set to the chat, on `hostname` (default: the example's). */
export function applinkWriter(example: string, hostname?: string): (chatId: string) => string {
  const link = new URL(example)
  link.searchParams.set('openChatId', SLOT)
  if (hostname !== undefined) link.hostname = hostname
  const [before, after, ...more] = link.toString().split(SLOT)
  if (before === undefined || after === undefined || more.length > 0) throw new Error(`The applink example ${example} holds ${SLOT}: choose another slot`)
  return (chatId) => `${before}${FORM_SAFE.test(chatId) ? chatId : new URLSearchParams({ v: chatId }).toString().slice(2)}${after}`
}
