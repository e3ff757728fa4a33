/** A source of the current time, injectable so that tests control timestamps. */
export interface Clock {
  /** The current time in epoch milliseconds. */
  now(): number;
}

/** The real clock (`Date.now()`). */
export const systemClock: Clock = { now: () => Date.now() };
