// Time for the fake: token expiry and rate-limit windows read it, so tests move time instead of sleeping.

/** A source of the current time, in milliseconds since the epoch. */
/** Where the mocks read the time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
}

/** A clock a test moves by hand. */
export interface ManualClock extends Clock {
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void
  /** Sets the clock to `ms` milliseconds since the epoch. */
  set(ms: number): void
}

/** The wall clock (`Date.now()`, which vitest's fake timers also control). */
export const systemClock: Clock = { now: () => Date.now() }

/** A clock that only moves when told to; starts at `start` (default 2026-01-01T00:00:00Z). */
export function createManualClock(start: number | Date = Date.UTC(2026, 0, 1)): ManualClock {
  let current = typeof start === 'number' ? start : start.getTime()
  return {
    now: () => current,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance() takes a non-negative number of milliseconds, got ${ms}`)
      current += ms
    },
    set(ms) {
      current = ms
    },
  }
}
