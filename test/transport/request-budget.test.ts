// The request budget shared by the polls of one client: limit, fairness, one reaction to a 429, and
// that a single poll keeps its schedule. In-process emulator, fake timers: simulated time only.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EnchantedLinkClient, InvalidArgumentError, RequestBudget, type PollProgress, type RequestBudgetOptions } from '../../src/index.js';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator, type Emulator } from '../../src/testing/index.js';

const POLL = PATHS.pendingSession;
let emu: Emulator;

beforeEach(() => {
  // setImmediate stays real: `advance` waits on it for answers that take real time.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  // Jitter factor 1: waits are exactly as planned, so request times can be compared.
  vi.spyOn(Math, 'random').mockReturnValue(1);
  // The budget's own limits are under test here; the rush test of examples/node-server meets the emulator's.
  emu = createEmulator({ rateLimit: false });
});
afterEach(() => {
  // Every call below has settled by now: the budget must leave no timer behind.
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Requests the emulator has not answered yet: issuing a session signs JWTs, which takes real time. */
let inFlight = 0;
const countedFetch = (input: Request, init?: RequestInit) => {
  inFlight++;
  return emu.fetch(input, init).finally(() => inFlight--);
};

/** Advances fake time by `ms` in steps of `step`, letting every request in flight get its answer before each step. */
async function advance(ms: number, step = 250) {
  for (let done = 0; done < ms; done += step) {
    while (inFlight > 0) await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(Math.min(step, ms - done));
  }
}

const clientWith = (requestBudget?: RequestBudget) =>
  new EnchantedLinkClient({ projectId: emu.projectId, fetch: countedFetch, ...(requestBudget ? { requestBudget } : {}) });

/** Times (ms since `from`) of the requests the emulator got on `path`, for one pendingRef or all. */
function times(path: string, from: number, pendingRef?: string): number[] {
  return emu.requests
    .filter((r) => r.path === path && (pendingRef === undefined || (r.body as { pendingRef?: string }).pendingRef === pendingRef))
    .map((r) => r.at - from);
}

/** The most polls inside any window of `windowMs` (half-open). */
function busiestWindow(windowMs: number): number {
  const at = times(POLL, 0).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < at.length; j++) {
    while ((at[j] as number) - (at[i] as number) >= windowMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/** Sends `n` links through a client without a budget, so that no fake time needs to pass. */
async function sendMany(n: number) {
  // The sends are set-up, not under test: no limit for them (every client has a budget, 90 a minute by default).
  const sender = clientWith(new RequestBudget({ requests: Number.POSITIVE_INFINITY }));
  const sent = [];
  for (let i = 0; i < n; i++) sent.push({ loginId: `u${i}@example.com`, ...(await sender.signInOrUp(`u${i}@example.com`)) });
  return sent;
}

describe('RequestBudget options', () => {
  it.each<[RequestBudgetOptions, string]>([
    [{ requests: 0 }, 'requests'],
    [{ requests: 2.5 }, 'requests'],
    [{ requests: Number.NaN }, 'requests'],
    [{ windowMs: 0 }, 'windowMs'],
    [{ windowMs: 2 ** 31 }, 'windowMs'],
  ])('rejects %o naming %s', (options, argument) => {
    expect(() => new RequestBudget(options)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', argument }));
  });

  it('defaults to 90 requests per 60 s and accepts Infinity', () => {
    expect(new RequestBudget()).toMatchObject({ requests: 90, windowMs: 60_000, queued: 0 });
    expect(new RequestBudget({ requests: Number.POSITIVE_INFINITY }).requests).toBe(Number.POSITIVE_INFINITY);
  });

  it('the client rejects a requestBudget that is not one, before any request', () => {
    const bad = { requests: 90 } as unknown as RequestBudget;
    expect(() => new EnchantedLinkClient({ projectId: emu.projectId, requestBudget: bad })).toThrow(InvalidArgumentError);
    expect(() => new EnchantedLinkClient({ projectId: emu.projectId, requestBudget: bad })).toThrow(/requestBudget/);
  });
});

describe('one poll (a browser)', () => {
  it('sends its polls at the same times with the default budget as without one', async () => {
    const schedule = async (budget?: RequestBudget) => {
      emu.reset();
      const client = clientWith(budget);
      const { pendingRef } = await client.signInOrUp('ada@example.com');
      const from = Date.now();
      const done = client.pollSession(pendingRef);
      setTimeout(() => void emu.click('ada@example.com'), 30_000);
      await advance(40_000);
      await done;
      return times(POLL, from);
    };
    const without = await schedule();
    const withBudget = await schedule(new RequestBudget());
    expect(without.length).toBeGreaterThan(10);
    expect(withBudget).toEqual(without);
  });
});

describe('many polls of one client', () => {
  it('never sends more than the limit in any window, and spreads polls started together', async () => {
    const budget = new RequestBudget({ requests: 30, windowMs: 60_000 });
    const client = clientWith(budget);
    const sent = await sendMany(40);
    const from = Date.now();
    const controller = new AbortController();
    const polls = sent.map(({ pendingRef }) => client.pollSession(pendingRef, { signal: controller.signal }).catch(() => 'stopped'));
    await vi.advanceTimersByTimeAsync(0);
    // Started together, they do not fire together: a burst of requests / 20 (at least 2) at most.
    expect(times(POLL, from).filter((t) => t === 0).length).toBeLessThanOrEqual(2);
    expect(budget.queued).toBeGreaterThan(30);
    await vi.advanceTimersByTimeAsync(300_000);
    controller.abort();
    await Promise.all(polls);
    expect(busiestWindow(60_000)).toBeLessThanOrEqual(30);
    // ...and the budget is used, not wasted: about 30 a minute for 5 minutes.
    expect(times(POLL, from).length).toBeGreaterThanOrEqual(140);
    expect(budget.queued).toBe(0);
  });

  it('serves pending sign-ins in turn: no sign-in waits much longer than the others', async () => {
    const budget = new RequestBudget({ requests: 60, windowMs: 60_000 });
    const client = clientWith(budget);
    const sent = await sendMany(50);
    const from = Date.now();
    const controller = new AbortController();
    const polls = sent.map(({ pendingRef }) => client.pollSession(pendingRef, { signal: controller.signal }).catch(() => 'stopped'));
    await vi.advanceTimersByTimeAsync(240_000);
    controller.abort();
    await Promise.all(polls);
    // 60 a minute shared by 50 sign-ins: each is polled about every 50 s, in turn.
    const counts = sent.map(({ pendingRef }) => times(POLL, from, pendingRef).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    for (const { pendingRef } of sent) {
      const at = times(POLL, from, pendingRef);
      const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
      expect(Math.max(...gaps)).toBeLessThanOrEqual(60_000);
    }
  });

  it('detects every click, with latency that grows with the number of sign-ins, not without bound', async () => {
    const latencyAt = async (n: number) => {
      emu.reset();
      const client = clientWith(new RequestBudget({ requests: 90 }));
      const sent = await sendMany(n);
      const latencies: number[] = [];
      const polls = sent.map(async ({ loginId, pendingRef }, i) => {
        const clickAt = Date.now() + 10_000 + i * 1_000;
        setTimeout(() => void emu.click(loginId), clickAt - Date.now());
        await client.pollSession(pendingRef, { timeoutMs: 600_000 });
        latencies.push(Date.now() - clickAt);
      });
      await advance(600_000);
      await Promise.all(polls);
      return Math.max(...latencies);
    };
    const few = await latencyAt(5);
    const many = await latencyAt(60);
    expect(few).toBeLessThanOrEqual(2_500);
    // 60 sign-ins in turn at 86 requests a minute: one turn every ~42 s at worst.
    expect(many).toBeGreaterThan(few);
    expect(many).toBeLessThanOrEqual(60_000);
  });

  it('gives a send, verify or getSession one of the next two turns, although polls were waiting', async () => {
    const client = clientWith(new RequestBudget({ requests: 20, windowMs: 60_000 }));
    const sent = await sendMany(15);
    const controller = new AbortController();
    const polls = sent.map(({ pendingRef }) => client.pollSession(pendingRef, { signal: controller.signal }).catch(() => 'stopped'));
    await vi.advanceTimersByTimeAsync(10_000);
    const first = sent[0] as (typeof sent)[number];
    const waited = Date.now();
    const check = client.getSession(first.pendingRef).then(() => Date.now() - waited);
    await vi.advanceTimersByTimeAsync(10_000);
    // Turns alternate between polls and other requests: two spacings (60 s / 18 each) at most, although 14
    // polls were waiting before it (and none of them starves either: see executor.test.ts).
    await expect(check).resolves.toBeLessThanOrEqual(6_700);
    controller.abort();
    await Promise.all(polls);
  });

  it('tells onPoll when a poll waits for the budget, with an estimate', async () => {
    const client = clientWith(new RequestBudget({ requests: 10, windowMs: 60_000 }));
    const sent = await sendMany(12);
    const controller = new AbortController();
    const progress: PollProgress[] = [];
    const polls = sent.map(({ pendingRef }, i) =>
      client
        .pollSession(pendingRef, { signal: controller.signal, ...(i === 11 ? { onPoll: (p) => progress.push(p) } : {}) })
        .catch(() => 'stopped'),
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect(progress[0]).toMatchObject({ attempt: 0, status: 'queued' });
    expect(progress[0]?.nextDelayMs).toBeGreaterThan(10_000);
    controller.abort();
    await Promise.all(polls);
  });

  it('keeps a sign-in in its place across pollSession calls (long polling with short timeouts)', async () => {
    const client = clientWith(new RequestBudget({ requests: 10, windowMs: 60_000 }));
    const sent = await sendMany(25);
    const from = Date.now();
    const controller = new AbortController();
    // Every sign-in polls in 20 s pieces, as a server answering a long-poll HTTP request would.
    const longPoll = async (pendingRef: string) => {
      while (!controller.signal.aborted) {
        await client.pollSession(pendingRef, { signal: controller.signal, timeoutMs: 20_000 }).catch(() => undefined);
      }
    };
    const loops = sent.map(({ pendingRef }) => longPoll(pendingRef));
    await vi.advanceTimersByTimeAsync(300_000);
    controller.abort();
    await Promise.all(loops);
    // Queued for longer than 20 s, a sign-in would lose its turn at every timeout if it queued anew.
    for (const { pendingRef } of sent) expect(times(POLL, from, pendingRef).length).toBeGreaterThanOrEqual(1);
  });

  it('rejects a poll waiting for the budget with its signal reason, and forgets it', async () => {
    const budget = new RequestBudget({ requests: 2, windowMs: 60_000 });
    const client = clientWith(budget);
    const [a, b] = await sendMany(2);
    const [stopA, stopB] = [new AbortController(), new AbortController()];
    const pollA = client.pollSession(a?.pendingRef ?? '', { signal: stopA.signal });
    const pollB = client.pollSession(b?.pendingRef ?? '', { signal: stopB.signal });
    const rejected = Promise.all([expect(pollA).rejects.toBe('cancelled A'), expect(pollB).rejects.toBe('cancelled B')]);
    // Both went at once (the burst); their second polls wait for the budget.
    await vi.advanceTimersByTimeAsync(3_000);
    expect(budget.queued).toBe(2);
    stopA.abort('cancelled A');
    await vi.advanceTimersByTimeAsync(0);
    expect(budget.queued).toBe(1);
    stopB.abort('cancelled B');
    await rejected;
    expect(budget.queued).toBe(0);
  });
});

describe('one reaction to a 429', () => {
  it('makes every poll of the client wait out Retry-After, then resume one at a time', async () => {
    const client = clientWith(new RequestBudget({ requests: Number.POSITIVE_INFINITY }));
    const sent = await sendMany(20);
    const controller = new AbortController();
    const polls = sent.map(({ pendingRef }) => client.pollSession(pendingRef, { signal: controller.signal }).catch(() => 'stopped'));
    await vi.advanceTimersByTimeAsync(5_000);
    emu.injectFault({ type: 'rate-limit', retryAfter: 30 }, { path: POLL });
    await vi.advanceTimersByTimeAsync(3_000);
    const limited = emu.requests.find((r) => r.status === 429);
    expect(limited).toBeDefined();
    const after = emu.requests.filter((r) => r.path === POLL && r.at > (limited?.at ?? 0)).map((r) => r.at - (limited?.at ?? 0));
    await vi.advanceTimersByTimeAsync(60_000);
    const resumed = emu.requests.filter((r) => r.path === POLL && r.at > (limited?.at ?? 0)).map((r) => r.at - (limited?.at ?? 0));
    controller.abort();
    await Promise.all(polls);
    // Nothing in the 30 s pause (requests already on their way when the 429 came are all a client can't stop)...
    expect(after.every((t) => t === 0)).toBe(true);
    expect(resumed.filter((t) => t > 0 && t < 30_000)).toEqual([]);
    // ...then spread out over the next 30 s instead of 20 at once.
    const firstMinute = resumed.filter((t) => t >= 30_000 && t < 31_000);
    expect(firstMinute.length).toBeLessThanOrEqual(1);
    expect(resumed.filter((t) => t >= 30_000).length).toBeGreaterThanOrEqual(20);
  });

  it('without a Retry-After (a proxy page), leaves the wait to the poll\'s own backoff', async () => {
    const budget = new RequestBudget({ requests: 50, windowMs: 20_000 });
    const client = clientWith(budget);
    const { pendingRef } = await client.signInOrUp('ada@example.com');
    emu.injectFault({ type: 'rate-limit' }, { path: POLL });
    await emu.click('ada@example.com');
    const from = Date.now();
    const poll = client.pollSession(pendingRef);
    await advance(3_000);
    await expect(poll).resolves.toMatchObject({ sessionJwt: expect.any(String) });
    // The poll loop's backoff after a 429 without Retry-After (2 s), not a pause of the whole window.
    expect(times(POLL, from)).toEqual([0, 2_000]);
  });

  it('is there by default: the polls of a client given no budget share one wait, then resume spread out', async () => {
    const client = new EnchantedLinkClient({ projectId: emu.projectId, fetch: countedFetch });
    const sent = await sendMany(10);
    const controller = new AbortController();
    const polls = sent.map(({ pendingRef }) => client.pollSession(pendingRef, { signal: controller.signal }).catch(() => 'stopped'));
    await vi.advanceTimersByTimeAsync(10_000);
    emu.injectFault({ type: 'rate-limit', retryAfter: 20 }, { path: POLL });
    await vi.advanceTimersByTimeAsync(3_000);
    const limited = emu.requests.filter((r) => r.status === 429);
    expect(limited).toHaveLength(1);
    const at = limited[0]?.at ?? 0;
    await vi.advanceTimersByTimeAsync(40_000);
    const after = emu.requests.filter((r) => r.path === POLL && r.at > at).map((r) => r.at - at);
    controller.abort();
    await Promise.all(polls);
    // One 429 for the whole client: no poll sends anything until Retry-After has elapsed...
    expect(after.filter((t) => t < 20_000)).toEqual([]);
    expect(emu.requests.filter((r) => r.status === 429)).toHaveLength(1);
    // ...then all 10 resume, one at a time at the default pace (60 s / 86 ≈ 0.7 s apart), not together.
    const resumed = after.slice(0, 10);
    expect(resumed).toHaveLength(10);
    for (let i = 1; i < resumed.length; i++) expect((resumed[i] ?? 0) - (resumed[i - 1] ?? 0)).toBeGreaterThanOrEqual(690);
  });

  it('is shared by every client given the same budget', async () => {
    const budget = new RequestBudget({ requests: Number.POSITIVE_INFINITY });
    const [a, b] = [clientWith(budget), clientWith(budget)];
    const [sa] = await sendMany(1);
    const { pendingRef: refB } = await b.signInOrUp('b@example.com');
    emu.injectFault({ type: 'rate-limit', retryAfter: 10 }, { path: PATHS.signInOrUp });
    await expect(a.signInOrUp('c@example.com')).rejects.toMatchObject({ name: 'RateLimitError' });
    const from = Date.now();
    const controller = new AbortController();
    const polls = [sa?.pendingRef ?? '', refB].map((ref) => b.pollSession(ref, { signal: controller.signal }).catch(() => 'stopped'));
    await vi.advanceTimersByTimeAsync(9_000);
    expect(times(POLL, from)).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(times(POLL, from).length).toBeGreaterThan(0);
    controller.abort();
    await Promise.all(polls);
  });
});
