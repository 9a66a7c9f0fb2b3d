// One way for every test to wait for a call and look at how it ended, on a fake or a real clock.
import { vi } from 'vitest';

/** How a call ended: with a value, with an error, or not at all within the time given. */
export type Outcome<T = unknown> = { kind: 'resolved'; value: T } | { kind: 'rejected'; error: unknown } | { kind: 'hang' };

export interface SettleOptions {
  /**
   * How long the call may take before it counts as a hang, in ms: of fake time when the test uses fake
   * timers (the clock is advanced until the call settles), of real time otherwise. Default 10 minutes.
   */
  within?: number;
  /** Fake timers only: how far to advance the clock per step, in ms. Default 5 s. */
  step?: number;
  /** Fake timers only: advance at least this far even when the call settles sooner (a mock server's own delays end too). */
  atLeast?: number;
}

/**
 * Waits for `promise` (or for the promise `call()` returns, started after fake timers are set) and
 * returns how it ended. With fake timers the clock runs in steps until it settles, so retries, backoff
 * and poll waits cost nothing; a call still pending after `within` is a `hang`. The deadline timer of a
 * real-time wait is always cleared.
 */
export async function settle<T>(promise: Promise<T> | (() => Promise<T>), { within = 600_000, step = 5_000, atLeast = 0 }: SettleOptions = {}): Promise<Outcome<T>> {
  let outcome: Outcome<T> | undefined;
  const settled = (typeof promise === 'function' ? promise() : promise).then(
    (value) => (outcome = { kind: 'resolved', value }),
    (error: unknown) => (outcome = { kind: 'rejected', error }),
  );
  if (vi.isFakeTimers()) {
    let elapsed = 0;
    for (; elapsed < within && !outcome; elapsed += step) await vi.advanceTimersByTimeAsync(Math.min(step, within - elapsed));
    if (elapsed < atLeast) await vi.advanceTimersByTimeAsync(atLeast - elapsed);
    return outcome ?? { kind: 'hang' };
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<Outcome<T>>((resolve) => (timer = setTimeout(() => resolve({ kind: 'hang' }), within)));
  try {
    return await Promise.race([settled, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error the call rejects with; throws (failing the test) when it resolves or hangs instead. */
export async function rejectionOf(promise: Promise<unknown> | (() => Promise<unknown>), options?: SettleOptions): Promise<unknown> {
  const outcome = await settle(promise, options);
  if (outcome.kind === 'rejected') return outcome.error;
  throw new Error(outcome.kind === 'hang' ? 'expected a rejection, but the call did not settle' : `expected a rejection, but it resolved with ${JSON.stringify(outcome.value)}`);
}

/** The error `fn` throws synchronously, or undefined when it returns. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error;
  }
}
