/**
 * Where the SDK's waits get the time and their timers: the system's unless a test injects another (a
 * request budget's `clock`), so that retries, pauses and timeouts can run on simulated time.
 */
export interface Clock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

/** The system clock; the globals are looked up per call, so fake timers installed later are used. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};
