// Shared by the observability tests: an emulator whose signing keys exist before the clock turns fake, and
// a way to wait for a call on that fake clock.
import { vi } from 'vitest';
import { createEmulator, type Emulator } from '../../src/testing/index.js';

export const EMAIL = 'ada@example.com';

/** An emulator with one user; its signing keys are made now, in real time (see `done`). */
export async function readyEmulator(): Promise<Emulator> {
  const emulator = createEmulator({ users: [{ loginId: EMAIL }] });
  await emulator.fetch(`/v2/keys/${emulator.projectId}`);
  return emulator;
}

/** Fake timers for waits and `Date`; the rest (setImmediate, performance) stays real. */
export const useFakeClock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });

// Taken before any test fakes the timers.
const realSetTimeout = globalThis.setTimeout;

/**
 * The call's value, on the fake clock in 50 ms steps, each followed by a real millisecond: the emulator signs
 * sessions with real crypto, which a jump of the fake clock past the request timeout would race (a 10 s
 * request timeout is then at least 200 real ms away, however busy the machine).
 */
export async function done<T>(promise: Promise<T>): Promise<T> {
  let outcome: { value: T } | { error: unknown } | undefined;
  promise.then((value) => (outcome = { value }), (error: unknown) => (outcome = { error }));
  for (let elapsed = 0; !outcome && elapsed < 600_000; elapsed += 50) {
    await vi.advanceTimersByTimeAsync(50);
    await new Promise((resolve) => realSetTimeout(resolve, 1));
  }
  if (!outcome || 'error' in outcome) throw new Error(`expected a value, got ${outcome ? String(outcome.error) : 'no answer'}`);
  return outcome.value;
}
