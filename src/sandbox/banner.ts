// What `feishu-meeting-chat sandbox` prints at start: each credential of its seed with the ids it can act on
// (from src/sandbox/guide.ts, which asks the platform model), an `export` line to paste, and ready commands.
import { errorCatalog } from '../generated/catalog.js'
import type { Seed } from '../fake/seed.js'
import { seedGuide, type GuideCredential } from './guide.js'

/** A value as a POSIX shell reads it back: as it is when it is plain, else in single quotes. */
export const shellQuote = (value: string): string => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`)

const assignments = (env: Readonly<Record<string, string>>): string => Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`).join(' ')

const acts = (c: GuideCredential): boolean => c.unbind.length + c.create.length > 0

/**
 * The banner's lines. `source` names the seed: `null` for the built-in demo, else the file given to --seed.
 * The listening line comes last: once it is printed, the sandbox is serving and handles Ctrl-C.
 */
export function sandboxBanner(url: string, seed: Seed, source: string | null): string[] {
  const guide = seedGuide(seed)
  const count = (list: readonly unknown[] | undefined, name: string) => `${list?.length ?? 0} ${name}${list?.length === 1 ? '' : 's'}`
  const lines = [
    source === null
      ? 'Demo seed (sandbox only): each credential, and the ids it can act on.'
      : `Seed ${source}: ${count(seed.apps, 'app')}, ${count(seed.calendars, 'calendar')}, ${count(seed.events, 'event')}, ${count(seed.chats, 'chat')}. Each credential, and the ids it can act on:`,
  ]
  // The credential the `export` line selects: the first that can act on something (an app's, in the demo).
  const first = guide.credentials.find(acts) ?? guide.credentials[0]
  lines.push(`  export ${assignments({ FEISHU_DOMAIN: url, ...first?.env })}`)
  for (const c of guide.credentials) {
    const token = c.token && !('FEISHU_TENANT_ACCESS_TOKEN' in c.env || 'FEISHU_USER_ACCESS_TOKEN' in c.env) ? ` (its tenant token: ${c.token.value})` : ''
    if (!acts(c)) {
      const why = c.refusal === undefined ? 'acts on no event of the seed' : `refused: ${c.refusal} ${errorCatalog[c.refusal].msg}`
      lines.push(`  ${c.label}: ${assignments(c.env)}${token}  ${why}`)
      continue
    }
    lines.push(`  ${c.label}: ${assignments(c.env)}${token}`)
    for (const t of c.unbind) lines.push(`    unbind --calendar-id ${shellQuote(t.calendarId)} --event-id ${shellQuote(t.eventId)} --chat-id ${shellQuote(t.meetingChatId)}`)
    for (const t of c.create) lines.push(`    create --calendar-id ${shellQuote(t.calendarId)} --event-id ${shellQuote(t.eventId)}`)
    if (c.more) lines.push('    (and more)')
  }
  if (guide.moreCredentials > 0) lines.push(`  (and ${guide.moreCredentials} more credential${guide.moreCredentials === 1 ? '' : 's'} in the seed)`)
  if (guide.credentials.length === 0) lines.push('  (the seed holds no app and no token: nothing can call the meeting-chat operations)')

  const tries: string[] = []
  const app = guide.credentials.find((c) => c.label.startsWith('app ') && acts(c))
  if (app) {
    const body = JSON.stringify({ app_id: app.env.FEISHU_APP_ID, app_secret: app.env.FEISHU_APP_SECRET })
    tries.push(`  curl -s -X POST ${url}/open-apis/auth/v3/tenant_access_token/internal -H 'Content-Type: application/json' -d ${shellQuote(body)}`)
  }
  const withToken = guide.credentials.find((c) => c.token && c.unbind.length > 0)
  const target = withToken?.unbind[0]
  if (withToken?.token && target) {
    const path = `/open-apis/calendar/v4/calendars/${encodeURIComponent(target.calendarId)}/events/${encodeURIComponent(target.eventId)}/meeting_chat?meeting_chat_id=${encodeURIComponent(target.meetingChatId)}`
    tries.push(`  curl -i -X DELETE ${shellQuote(url + path)} -H ${shellQuote(`Authorization: Bearer ${withToken.token.value}`)}`)
  }
  if (tries.length > 0) lines.push('Try:', ...tries)
  lines.push(`Docs, with a console that sends to this sandbox: ${url}/docs/`, '', `Sandbox listening on ${url}  (spec: ${url}/openapi.json, docs: ${url}/docs/). Ctrl-C stops it.`)
  return lines
}
