// One sandbox for the whole matrix, in this process, on a free loopback port: the every-code scenario, plus an event
// of its own for each client on the app's calendar and on Alice's, so that no client meets another's chat.
import type { TestProject } from 'vitest/node'
import { demo } from '../../../src/fake/demo.ts'
import { startSandbox } from '../../../src/sandbox/server.ts'
import { everyCodeSeed } from '../../sandbox/every-code.ts'
import { CLIENTS, eventOf } from './clients.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    sandboxUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const seed = everyCodeSeed()
  const events = CLIENTS.flatMap((client) => [demo.calendars.app, demo.calendars.alice].map((calendarId) => ({ calendarId, eventId: eventOf(client), attendees: 3 })))
  const sandbox = await startSandbox({ port: 0, seed: { ...seed, events: [...(seed.events ?? []), ...events] } })
  project.provide('sandboxUrl', sandbox.url)
  return () => sandbox.close()
}
