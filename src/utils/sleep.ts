import { systemClock, type Clock } from './clock.js';

/**
 * Waits `ms`, or rejects with `signal.reason` the moment `signal` aborts; leaves no timer or listener behind.
 * With `wake`, the wait also ends early (resolves) once `wake` aborts, at once if it already has.
 */
export function sleep(ms: number, signal?: AbortSignal, wake?: AbortSignal, clock: Clock = systemClock): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    if (wake?.aborted) return resolve();
    const settle = (end: () => void) => () => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      wake?.removeEventListener('abort', onWake);
      end();
    };
    const onAbort = settle(() => reject(signal?.reason));
    const onWake = settle(resolve);
    const timer = clock.setTimeout(onWake, ms);
    // No `once`: whichever comes first removes both listeners.
    signal?.addEventListener('abort', onAbort);
    wake?.addEventListener('abort', onWake);
  });
}
