// The page of the browser test: bundled by esbuild (platform browser) with the BUILT package, exactly as a
// frontend's bundler would take it: `feishu-meeting-chat` and `feishu-meeting-chat/msw` resolve to the
// package's build (scripts/build.ts, as `npm run build`). It starts the real msw service worker over the stateful fake, runs a few
// calls as a frontend would, and leaves what it saw in `window.__results` for the test to read.
// Plain JS on purpose: `npm run typecheck` must not depend on a build output that may not exist yet.
import { createMeetingChatClient, FeishuApiError } from 'feishu-meeting-chat'
import { createFake, createHandlers, demo, demoSeed } from 'feishu-meeting-chat/msw'
import { setupWorker } from 'msw/browser'

const results = {
  done: false,
  /** The scenario itself broke (not a refused call): message and stack. */
  failure: null,
  /** The service worker controlling the page once msw started. */
  controller: null,
  /** Every request the msw handlers received, as the worker handed it over, with the fake's answer. */
  seen: [],
  /** Named outcomes of the client calls. */
  steps: {},
}
window.__results = results

/** What a frontend can see of an error: only public fields, and whether it is the package's class. */
function describeError(error) {
  const e = /** @type {any} */ (error)
  return {
    isFeishuApiError: error instanceof FeishuApiError,
    isError: error instanceof Error,
    name: e?.name ?? null,
    message: e?.message ?? String(error),
    kind: e?.kind ?? null,
    code: e?.code ?? null,
    msg: e?.msg ?? null,
    httpStatus: e?.httpStatus ?? null,
    logId: e?.logId ?? null,
    hint: e?.hint ?? null,
    retryable: e?.retryable ?? null,
    operation: e?.operation ?? null,
    attempts: e?.attempts ?? null,
    toJSON: typeof e?.toJSON === 'function' ? e.toJSON() : null,
  }
}

async function step(name, call) {
  try {
    const value = await call()
    results.steps[name] = { ok: true, value: value ?? null }
  } catch (error) {
    results.steps[name] = { ok: false, error: describeError(error) }
  }
}

/** The fake, with a record of what reached it: method, raw URL and path, Authorization, and the answer. */
function recording(fake) {
  return {
    async handle(request) {
      const url = new URL(request.url)
      const entry = {
        method: request.method,
        url: request.url,
        origin: url.origin,
        // The path as sent: URL keeps percent-escapes as they are, so `%40` stays `%40` here.
        path: url.pathname,
        search: url.search,
        authorization: request.headers.get('authorization'),
        status: null,
        code: null,
        logId: null,
        issuedToken: null,
      }
      results.seen.push(entry)
      const response = await fake.handle(request)
      entry.status = response.status
      entry.logId = response.headers.get('x-tt-logid')
      try {
        const body = await response.clone().json()
        entry.code = body.code ?? null
        entry.issuedToken = body.tenant_access_token ?? null
      } catch {
        // not JSON: the entry keeps code null
      }
      return response
    },
  }
}

async function main() {
  const fake = recording(createFake(demoSeed()))
  // The page's own origin, as for a frontend whose requests go to its own server, and the platform's.
  const worker = setupWorker(...createHandlers(fake, { baseUrl: [location.origin, 'https://open.feishu.cn'] }))
  await worker.start({ quiet: true, onUnhandledFrame: 'error', serviceWorker: { url: '/mockServiceWorker.js' } })
  const controller = navigator.serviceWorker.controller
  results.controller = controller ? { scriptURL: controller.scriptURL, state: controller.state } : null

  const { calendars, events, chats, users, app } = demo
  // App identity, on the app's own calendar: the client fetches a tenant_access_token with the app's credentials, then sends it.
  const client = createMeetingChatClient({ domain: location.origin, auth: { appId: app.appId, appSecret: app.appSecret } })

  let created = null
  await step('create', async () => {
    created = await client.createMeetingChat({ calendarId: calendars.app, eventId: events.appPlanning })
    return created
  })
  await step('unbindCreated', () =>
    client.unbindMeetingChat({ calendarId: calendars.app, eventId: events.appPlanning, meetingChatId: created?.meetingChatId ?? 'oc_none' }))
  // The meeting chat of the app's review is Alice's: the app may not unbind it (195107).
  await step('appUnbindsAlicesChat', () =>
    client.unbindMeetingChat({ calendarId: calendars.app, eventId: events.appReview, meetingChatId: chats.appReview }))
  // User identity, per call: Alice's ordinary chat is bound to no event (195108).
  await step('userUnbindsUnboundChat', () =>
    client.unbindMeetingChat(
      { calendarId: calendars.alice, eventId: events.weeklySync, meetingChatId: chats.unbound },
      { userAccessToken: users.alice.userAccessToken },
    ))
  // Alice owns the weekly sync's chat: she may unbind it.
  await step('userUnbindsOwnChat', () =>
    client.unbindMeetingChat(
      { calendarId: calendars.alice, eventId: events.weeklySync, meetingChatId: chats.weeklySync },
      { userAccessToken: users.alice.userAccessToken },
    ))

  // The platform's origin itself (the default domain), cross-origin from this page.
  const direct = createMeetingChatClient({ auth: { appId: app.appId, appSecret: app.appSecret } })
  await step('crossOriginRefused', () =>
    direct.unbindMeetingChat(
      { calendarId: calendars.alice, eventId: events.planning, meetingChatId: chats.unbound },
      { userAccessToken: users.alice.userAccessToken },
    ))
}

main().then(
  () => { results.done = true },
  (error) => {
    results.failure = { message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack ?? null : null }
    results.done = true
  },
)
