// Abort and timeout races: fast-check picks the instant (before the call, at any virtual millisecond while
// the request is in flight or the poll sleeps, or in the very tick the answer arrives). Whatever the
// instant, an aborted call rejects with `signal.reason` itself, never resolves after the abort, sends nothing
// more, and leaves no timer and no listener on the caller's signal.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EnchantedLinkClient, type FetchFunction } from '../../src/index.js';
import { fuzzRuns } from '../helpers/fuzz.js';
import { ALL_METHODS, METHODS, PROJECT_ID, SECRET_HEADERS, trackUnhandledRejections, validAnswer, type Method } from './helpers.js';

trackUnhandledRejections();
beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] }));
afterEach(() => vi.useRealTimers());

const NUM_RUNS = fuzzRuns(300);

/** Counts the listeners the SDK leaves on the caller's signal (a `once` listener that fired is gone). */
function trackListeners(signal: AbortSignal) {
  const live = new Map<unknown, boolean>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions | boolean) => {
    if (type === 'abort') live.set(listener, typeof options === 'object' && options.once === true);
    add(type, listener, options);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: EventListener, options?: EventListenerOptions | boolean) => {
    if (type === 'abort') live.delete(listener);
    remove(type, listener, options);
  }) as typeof signal.removeEventListener;
  return () => [...live.values()].filter((once) => !(once && signal.aborted)).length;
}

type Reply = 'valid' | 'pending' | 'unavailable';
const body = (method: Method, reply: Reply) =>
  reply === 'valid'
    ? Response.json(validAnswer(method).body)
    : reply === 'pending'
      ? Response.json({ errorCode: 'E062503', errorDescription: 'pending' }, { status: 401 })
      : Response.json({ errorCode: 'E000503', errorDescription: 'unavailable' }, { status: 503 });

const scenario = fc.record({
  /** Answers in order, the last repeating: pending/503 make polls sleep and idempotent calls retry. */
  replies: fc.array(fc.constantFrom<Reply>('valid', 'pending', 'unavailable'), { minLength: 1, maxLength: 4 }),
  latency: fc.nat({ max: 400 }),
  abort: fc.oneof(
    fc.constant({ at: 'before' as const }),
    fc.constant({ at: 'same tick as the first answer' as const }),
    fc.nat({ max: 3_000 }).map((ms) => ({ at: ms })),
  ),
});

describe.each(ALL_METHODS)('%s aborted at a random instant', (method) => {
  it(`rejects with signal.reason, never resolves after the abort, sends nothing more, leaves no timer or listener (${NUM_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ replies, latency, abort }) => {
        const controller = new AbortController();
        const reason = { why: 'the user left' };
        const liveListeners = trackListeners(controller.signal);
        let calls = 0;
        let aborted = false;
        const doAbort = () => {
          aborted = true;
          controller.abort(reason);
        };
        const fetch: FetchFunction = (request) =>
          new Promise<Response>((resolve, reject) => {
            const reply = replies[Math.min(calls++, replies.length - 1)]!;
            const signal = request.signal;
            if (signal.aborted) return reject(signal.reason);
            const onAbort = () => {
              clearTimeout(timer);
              reject(signal.reason);
            };
            const timer = setTimeout(() => {
              signal.removeEventListener('abort', onAbort);
              resolve(body(method, reply));
              if (abort.at === 'same tick as the first answer' && calls === 1) doAbort();
            }, latency);
            signal.addEventListener('abort', onAbort, { once: true });
          });
        const client = new EnchantedLinkClient({ projectId: PROJECT_ID, fetch, timeoutMs: 1_000, headers: SECRET_HEADERS });

        if (abort.at === 'before') doAbort();
        const abortTimer = typeof abort.at === 'number' ? setTimeout(doAbort, abort.at) : undefined;
        let outcome: { ok: boolean; value: unknown; afterAbort: boolean } | undefined;
        METHODS[method].call(client, controller.signal, { intervalMs: 100, timeoutMs: 60_000 }).then(
          (value) => (outcome = { ok: true, value, afterAbort: aborted }),
          (error: unknown) => (outcome = { ok: false, value: error, afterAbort: aborted }),
        );
        for (let i = 0; i < 200 && !outcome; i++) await vi.advanceTimersByTimeAsync(100);
        const callsWhenSettled = calls;
        clearTimeout(abortTimer);

        expect(outcome, 'never settled').toBeDefined();
        if (outcome!.afterAbort) expect(outcome).toEqual({ ok: false, value: reason, afterAbort: true });
        if (outcome!.afterAbort) expect(outcome!.value).toBe(reason);
        if (abort.at === 'before') expect(calls).toBe(0);
        expect(vi.getTimerCount(), 'a timer outlived the call').toBe(0);
        expect(liveListeners(), 'a listener was left on the signal').toBe(0);
        await vi.advanceTimersByTimeAsync(60_000);
        expect(calls, 'a request was sent after the call settled').toBe(callsWhenSettled);
      }).afterEach(() => vi.clearAllTimers()),
      { numRuns: NUM_RUNS },
    );
  }, 30_000);
});

describe('a poll aborted while it sleeps', () => {
  it('rejects at once with signal.reason, without waiting for the sleep to end', async () => {
    let calls = 0;
    const fetch: FetchFunction = async () => (calls++, Response.json({ errorCode: 'E062503' }, { status: 401 }));
    const client = new EnchantedLinkClient({ projectId: PROJECT_ID, fetch });
    const controller = new AbortController();
    const result = client.pollSession('ref-1', { signal: controller.signal, intervalMs: 10_000 });
    const assertion = expect(result).rejects.toBe('stop');
    await vi.advanceTimersByTimeAsync(100); // the first poll answered pending; the loop now sleeps ~10 s
    expect(calls).toBe(1);
    controller.abort('stop');
    await vi.advanceTimersByTimeAsync(0);
    await assertion;
    expect(vi.getTimerCount()).toBe(0);
    expect(calls).toBe(1);
  });
});
