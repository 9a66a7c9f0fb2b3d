// The RequestBudget's store seam (a fleet-wide budget), in fake time with an in-memory BudgetStore that
// keeps the same GCRA as RedisBudgetStore's script: turns come from the store, one reservation at a time;
// a failing, silent or lying store means the local pace for a while; aborts and 429s behave as without
// a store; and several budgets over one store keep one limit. test/redis/ runs the same against Redis.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError, RequestBudget, type BudgetPace, type BudgetReservation, type BudgetStore } from '../../src/index.js';
import { NoTurn } from '../../src/transport/request-budget.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(new Date('2026-12-01T12:00:00Z'));
});
afterEach(() => {
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
});

/** A BudgetStore in memory, on the (fake) system clock; records its calls. */
function memoryStore() {
  let next = Number.NaN;
  let paused = 0;
  const calls = { reserve: [] as BudgetPace[], pause: [] as number[], signals: [] as AbortSignal[] };
  const store: BudgetStore = {
    async reserve(pace, signal) {
      calls.reserve.push(pace);
      calls.signals.push(signal);
      const now = Date.now();
      const due = Number.isNaN(next) ? now : next;
      const at = Math.max(now, due - pace.burstMs, paused);
      next = Math.max(due, at) + pace.spacingMs;
      return { waitMs: Math.ceil(at - now), pausedMs: Math.ceil(Math.max(0, paused - now)) };
    },
    async pause(ms, pace) {
      calls.pause.push(ms);
      const now = Date.now();
      const until = now + Math.min(ms, pace.windowMs);
      if (until <= paused) return;
      paused = until;
      next = Math.max(Number.isNaN(next) ? now : next, until + pace.burstMs);
    },
  };
  return { store, calls };
}

/** Takes a turn and resolves to the (fake) time it was given. */
const turnAt = async (budget: RequestBudget, request: Parameters<RequestBudget['take']>[0] = {}) => {
  await budget.take(request);
  return Date.now();
};

describe('RequestBudget with a store', () => {
  it('asks the store for every turn, at the budget’s pace, and waits as long as it says', async () => {
    const { store, calls } = memoryStore();
    const budget = new RequestBudget({ requests: 10, windowMs: 1_000, store });
    const start = Date.now();
    const times = Array.from({ length: 6 }, () => turnAt(budget));
    await vi.advanceTimersByTimeAsync(5_000);
    // Burst of 2 (10 / 20, at least 2), then one every 1000 / (10 − 2) = 125 ms.
    expect((await Promise.all(times)).map((at) => at - start)).toEqual([0, 0, 125, 250, 375, 500]);
    expect(calls.reserve).toHaveLength(6);
    expect(calls.reserve[0]).toEqual({ spacingMs: 125, burstMs: 125, windowMs: 1_000 });
  });

  it('several budgets over one store keep one limit in every window, with Descope’s numbers', async () => {
    const { store } = memoryStore();
    const fleet = [1, 2, 3].map(() => new RequestBudget({ store }));
    const times = await (async () => {
      const all = fleet.flatMap((budget) => Array.from({ length: 100 }, (_, i) => turnAt(budget, i % 2 ? { key: `ref-${i % 7}` } : {})));
      await vi.advanceTimersByTimeAsync(300_000);
      return Promise.all(all);
    })();
    const sorted = times.sort((a, b) => a - b);
    let most = 0;
    for (let i = 0, j = 0; j < sorted.length; j++) {
      while (sorted[j]! - sorted[i]! >= 60_000) i++;
      most = Math.max(most, j - i + 1);
    }
    expect(most).toBeLessThanOrEqual(90);
    expect(most).toBeGreaterThanOrEqual(85); // and the fleet does use its budget
  });

  it('holds one reservation at a time; the turn goes to whichever request is first when it comes', async () => {
    const { store, calls } = memoryStore();
    const budget = new RequestBudget({ requests: 2, windowMs: 60_000, store });
    await turnAt(budget);
    await turnAt(budget);
    const first = new AbortController();
    const aborted = budget.take({ signal: first.signal });
    const second = turnAt(budget);
    await vi.advanceTimersByTimeAsync(1);
    // The instance's own pace (2 per minute) holds both before the store is asked.
    expect(calls.reserve).toHaveLength(2);
    first.abort(new Error('gone'));
    await expect(aborted).rejects.toThrow('gone');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await second).toBe(Date.parse('2026-12-01T12:01:00Z'));
    expect(calls.reserve).toHaveLength(3); // one reservation, for whichever request was first when it came
  });

  it('a store that answers "go now" to everything cannot speed an instance past its own pace', async () => {
    const store: BudgetStore = { reserve: async () => ({ waitMs: 0, pausedMs: 0 }), pause: async () => {} };
    const budget = new RequestBudget({ requests: 90, windowMs: 60_000, store });
    const start = Date.now();
    const pending = Promise.all(Array.from({ length: 100 }, () => turnAt(budget)));
    await vi.advanceTimersByTimeAsync(120_000);
    const turns = await pending;
    // Within any 60 s at most 90, as without a store: the first 5 at once (the burst), then one per 706 ms.
    const firstWindow = turns.filter((at) => at < start + 60_000).length;
    expect(firstWindow).toBeLessThanOrEqual(90);
    expect(turns.filter((at) => at === start).length).toBeLessThanOrEqual(5);
  });

  it('an aborted last request releases the reservation: the store’s signal aborts, no timer stays', async () => {
    let signal: AbortSignal | undefined;
    const store: BudgetStore = { reserve: (_, s) => ((signal = s), new Promise<BudgetReservation>(() => {})), pause: async () => {} };
    const budget = new RequestBudget({ store });
    const controller = new AbortController();
    const turn = budget.take({ signal: controller.signal });
    await vi.advanceTimersByTimeAsync(1);
    controller.abort(new Error('client gone'));
    await expect(turn).rejects.toThrow('client gone');
    expect(signal?.aborted).toBe(true);
    expect(budget.queued).toBe(0);
  });

  it('a store that fails: the turn goes at the local pace at once, the next 5 s stay local, then the store again', async () => {
    let fail = true;
    const { store: good } = memoryStore();
    const reserve = vi.fn((pace: BudgetPace, signal: AbortSignal) => (fail ? Promise.reject(new Error('ECONNREFUSED')) : good.reserve(pace, signal)));
    const budget = new RequestBudget({ store: { reserve, pause: good.pause } });
    const start = Date.now();
    expect(await turnAt(budget)).toBe(start);
    expect(reserve).toHaveBeenCalledTimes(1);
    // Local: synchronous while the local pace allows it, no store call.
    expect(budget.take()).toBeUndefined();
    expect(reserve).toHaveBeenCalledTimes(1);
    fail = false;
    await vi.advanceTimersByTimeAsync(5_000);
    await turnAt(budget);
    expect(reserve).toHaveBeenCalledTimes(2);
  });

  it('a store that does not answer: the local pace after storeTimeoutMs; its late answer is ignored', async () => {
    let answer: ((reservation: BudgetReservation) => void) | undefined;
    let signal: AbortSignal | undefined;
    const store: BudgetStore = { reserve: (_, s) => ((signal = s), new Promise((resolve) => (answer = resolve))), pause: async () => {} };
    const budget = new RequestBudget({ store, storeTimeoutMs: 250 });
    const start = Date.now();
    const turn = turnAt(budget);
    await vi.advanceTimersByTimeAsync(249);
    expect(budget.queued).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await turn).toBe(start + 250);
    expect(signal?.aborted).toBe(true);
    answer!({ waitMs: 10_000, pausedMs: 10_000 });
    await vi.advanceTimersByTimeAsync(0);
    expect(budget.take()).toBeUndefined(); // not paused by the stale answer
  });

  it.each([
    ['a negative wait', { waitMs: -1, pausedMs: 0 }],
    ['no number', { waitMs: '5', pausedMs: 0 }],
    ['NaN', { waitMs: Number.NaN, pausedMs: 0 }],
    ['nothing', undefined],
    ['a wait past any timer', { waitMs: 2 ** 31, pausedMs: 0 }],
    ['the longest timer as a wait (24.8 days)', { waitMs: 2 ** 31 - 1, pausedMs: 0 }],
    ['a wait of more than 10 windows (a Redis clock stepped back an hour)', { waitMs: 3_600_000, pausedMs: 0 }],
    ['the longest timer as a pause', { waitMs: 0, pausedMs: 2 ** 31 - 1 }],
    ['a pause longer than the window', { waitMs: 0, pausedMs: 60_001 }],
  ])('a store answering %s counts as failed: local pace', async (_, reply) => {
    const budget = new RequestBudget({ store: { reserve: async () => reply as never, pause: async () => {} } });
    const start = Date.now();
    expect(await turnAt(budget)).toBe(start);
  });

  it('a store that throws instead of rejecting counts as failed too', async () => {
    const budget = new RequestBudget({
      store: {
        reserve: () => {
          throw new Error('sync');
        },
        pause: async () => {},
      },
    });
    expect(await turnAt(budget)).toBe(Date.now());
  });

  it('another instance’s 429 reaches this one through the store: queued requests wait it out and hear they are paused', async () => {
    const { store } = memoryStore();
    const other = new RequestBudget({ store });
    const budget = new RequestBudget({ store });
    other.pause(120_000); // capped at the window, 60 s, and told to the store
    await vi.advanceTimersByTimeAsync(1);
    const start = Date.now();
    const first = turnAt(budget);
    await vi.advanceTimersByTimeAsync(1);
    const waits: Array<[number, boolean]> = [];
    const second = turnAt(budget, { onWait: (ms, paused) => waits.push([ms, paused]) });
    await vi.advanceTimersByTimeAsync(61_000);
    expect(await first).toBeGreaterThanOrEqual(start + 59_000 - 1);
    expect(await second).toBeGreaterThan(await first); // the first after a pause goes alone
    expect(waits).toHaveLength(1);
    expect(waits[0]![1]).toBe(true);
    expect(waits[0]![0]).toBeGreaterThan(58_000);
  });

  it('its own 429 is told to the store (capped at the window) and a turn reserved before it is not used inside the pause', async () => {
    const { store, calls } = memoryStore();
    const budget = new RequestBudget({ requests: 2, windowMs: 10_000, store });
    await turnAt(budget);
    await turnAt(budget);
    const start = Date.now();
    const third = turnAt(budget); // reserved for start + 10 s
    await vi.advanceTimersByTimeAsync(1_000);
    budget.pause(30_000);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls.pause).toEqual([10_000]);
    expect(await third).toBeGreaterThanOrEqual(start + 11_000);
  });

  it('a store that fails to take the pause changes nothing here: this budget still pauses', async () => {
    const { store } = memoryStore();
    const budget = new RequestBudget({ store: { reserve: store.reserve, pause: () => Promise.reject(new Error('down')) } });
    budget.pause(2_000);
    const start = Date.now();
    const turn = turnAt(budget);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await turn).toBe(start + 2_000);
  });

  it('refuses a request whose wait is past maxWait, as without a store', async () => {
    const { store } = memoryStore();
    const budget = new RequestBudget({ requests: 2, windowMs: 60_000, store });
    await turnAt(budget);
    await turnAt(budget);
    const refused = budget.take({ maxWait: 1_000 });
    const assertion = expect(refused).rejects.toBeInstanceOf(NoTurn);
    await vi.advanceTimersByTimeAsync(1_000);
    await assertion;
    expect(budget.queued).toBe(0);
  });

  it('checks its options', () => {
    expect(() => new RequestBudget({ store: {} as BudgetStore })).toThrow(InvalidArgumentError);
    expect(() => new RequestBudget({ store: {} as BudgetStore })).toThrow(/store/);
    expect(() => new RequestBudget({ storeTimeoutMs: 0 })).toThrow(/storeTimeoutMs/);
  });
});
