import { delay, http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DescopeError,
  EnchantedLinkClient,
  NetworkError,
  PollTimeoutError,
  RateLimitError,
  RequestBudget,
  RequestTimeoutError,
  type PollProgress,
} from '../../src/index.js';
import { API, descopeError, json, pending, PROJECT_ID, SESSION, useMockServer } from '../helpers/msw.js';

const POLL = '/v1/auth/enchantedlink/pending-session';
const { server, seen } = useMockServer();
// A client per test: its request budget (every client has one) keeps time, and fake clocks restart. No limit:
// these tests time the poll loop itself, some polling faster than the default 90 requests per minute.
let client: EnchantedLinkClient;
beforeEach(() => {
  client = new EnchantedLinkClient({ projectId: PROJECT_ID, timeoutMs: 5_000, requestBudget: new RequestBudget({ requests: Infinity }) });
});

/** Serves the pending-session endpoint from a script of answers (the last repeats) and records when each poll arrived. */
function script(...answers: Array<() => Response | Promise<Response>>) {
  const times: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  server.use(
    http.post(`${API}${POLL}`, async () => {
      times.push(Date.now() - start);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await answers[Math.min(times.length - 1, answers.length - 1)]!();
      } finally {
        inFlight--;
      }
    }),
  );
  const start = Date.now();
  return { times, maxInFlight: () => maxInFlight };
}

const pendingTimes = (n: number) => Array.from({ length: n }, () => pending);
const session = () => json(SESSION);

beforeEach(() => {
  vi.useFakeTimers();
  // Jitter factor 1: waits are exactly as planned, so arrival times can be asserted.
  vi.spyOn(Math, 'random').mockReturnValue(1);
});
afterEach(() => {
  // Every call below has settled by now: nothing may still be scheduled.
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('pollSession', () => {
  it('polls at once, then every 2.5 s by default, and resolves with the session', async () => {
    const { times } = script(...pendingTimes(5), session);
    const result = client.pollSession('ref');
    await vi.advanceTimersByTimeAsync(20_000);
    await expect(result).resolves.toEqual(SESSION);
    expect(times).toEqual([0, 2_500, 5_000, 7_500, 10_000, 12_500]);
  });

  it('grows the wait from interval by backoffFactor up to maxInterval', async () => {
    const { times } = script(...pendingTimes(5), session);
    const result = client.pollSession('ref', { intervalMs: 1_000, maxIntervalMs: 2_500 });
    await vi.advanceTimersByTimeAsync(20_000);
    await expect(result).resolves.toEqual(SESSION);
    expect(times).toEqual([0, 1_000, 2_500, 4_750, 7_250, 9_750]);
    expect(seen.every((r) => r.path === POLL && (r.body as { pendingRef: string }).pendingRef === 'ref')).toBe(true);
  });

  it('never has two requests in flight, even when the server is slower than the interval', async () => {
    const slowPending = async () => {
      await delay(4_000);
      return pending();
    };
    const { maxInFlight, times } = script(slowPending, slowPending, slowPending, session);
    const result = client.pollSession('ref', { intervalMs: 100, maxIntervalMs: 100 });
    await vi.advanceTimersByTimeAsync(15_000);
    await expect(result).resolves.toEqual(SESSION);
    expect(maxInFlight()).toBe(1);
    // each poll starts only after the previous answer (4 s) plus the 100 ms wait
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps).toHaveLength(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(4_100);
  });

  it('jitters waits to at most 10 % shorter than planned, never longer', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { times } = script(pending, pending, session);
    const result = client.pollSession('ref');
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(result).resolves.toEqual(SESSION);
    expect(times).toEqual([0, 2_250, 4_500]);
  });

  it('waits at least Retry-After after a 429, then keeps polling', async () => {
    const progress: PollProgress[] = [];
    const { times } = script(() => descopeError(429, 'E130429', 'rate limited', { 'retry-after': '12' }), pending, session);
    const result = client.pollSession('ref', { onPoll: (p) => progress.push(p) });
    await vi.advanceTimersByTimeAsync(20_000);
    await expect(result).resolves.toEqual(SESSION);
    expect(times).toEqual([0, 12_000, 14_500]); // after a 429, pending waits stay at maxInterval
    expect(progress[0]).toMatchObject({ attempt: 1, status: 'rate-limited', nextDelayMs: 12_000 });
    expect(progress[0]!.error).toBeInstanceOf(RateLimitError);
  });

  it('rejects with the RateLimitError when Retry-After reaches past the deadline', async () => {
    const { times } = script(() => descopeError(429, 'E130429', 'rate limited', { 'retry-after': '120' }));
    const result = client.pollSession('ref', { timeoutMs: 60_000 });
    const assertion = expect(result).rejects.toMatchObject({ name: 'RateLimitError', retryAfter: 120 });
    await vi.advanceTimersByTimeAsync(0);
    await assertion;
    expect(times).toEqual([0]);
  });

  it('retries 5xx, network errors and request timeouts with exponential backoff, then resolves', async () => {
    const progress: PollProgress[] = [];
    const { times } = script(
      () => descopeError(503, 'E000503', 'unavailable'),
      () => HttpResponse.error(),
      async () => {
        await delay(10_000); // past the client's 5 s request timeout
        return pending();
      },
      session,
    );
    const result = client.pollSession('ref', { onPoll: (p) => progress.push(p) });
    await vi.advanceTimersByTimeAsync(30_000);
    await expect(result).resolves.toEqual(SESSION);
    // waits of 2 s, 4 s, 8 s after the 1st, 2nd and 3rd failure in a row (the 3rd took 5 s to time out)
    expect(times).toEqual([0, 2_000, 6_000, 6_000 + 5_000 + 8_000]);
    expect(progress.map((p) => p.status)).toEqual(['retrying', 'retrying', 'retrying']);
    expect(progress.map((p) => p.error?.name)).toEqual(['DescopeError', 'NetworkError', 'RequestTimeoutError']);
  });

  it('gives up after maxFailures consecutive transient failures with the last error', async () => {
    const { times } = script(() => new HttpResponse('<html>Bad gateway</html>', { status: 502 }));
    const result = client.pollSession('ref', { maxFailures: 3 });
    const assertion = expect(result).rejects.toMatchObject({ name: 'ResponseValidationError', status: 502 });
    await vi.advanceTimersByTimeAsync(60_000);
    await assertion;
    expect(times).toEqual([0, 2_000, 6_000]);
  });

  it('counts only consecutive failures: a pending answer resets the count', async () => {
    const fail = () => HttpResponse.error();
    const { times } = script(fail, pending, fail, pending, fail, session);
    const result = client.pollSession('ref', { maxFailures: 2 });
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(result).resolves.toEqual(SESSION);
    expect(times).toHaveLength(6);
  });

  it.each([
    ['a 400 Descope error', () => descopeError(400, 'E011003', 'bad request'), 400],
    ['a 401 that is not E062503', () => descopeError(401, 'E011001', 'unauthorized'), 401],
    ['a 404 for an expired pendingRef', () => descopeError(404, 'E062505', 'expired'), 404],
  ])('stops at once on %s', async (_, answer, status) => {
    const { times } = script(pending, answer);
    const result = client.pollSession('ref');
    const assertion = expect(result).rejects.toSatisfy((e) => e instanceof DescopeError && e.status === status);
    await vi.advanceTimersByTimeAsync(60_000);
    await assertion;
    expect(times).toEqual([0, 2_500]);
  });

  it('rejects with PollTimeoutError at the deadline, aborting the request in flight', async () => {
    const { times } = script(pending, pending, async () => {
      await delay(2_000); // still running when the deadline passes at 6 s
      return session();
    });
    const result = client.pollSession('ref', { timeoutMs: 6_000 });
    const assertion = expect(result).rejects.toSatisfy(
      (e) => e instanceof PollTimeoutError && e.timeoutMs === 6_000 && e.attempts === 3,
    );
    await vi.advanceTimersByTimeAsync(6_000);
    await assertion;
    expect(times).toEqual([0, 2_500, 5_000]);
    await vi.advanceTimersByTimeAsync(10_000); // let msw's own delay end
  });

  it('still honours the 0.1 option names (interval, maxInterval, timeout) and the error\'s timeout field', async () => {
    const { times } = script(pending);
    const result = client.pollSession('ref', { interval: 1_000, maxInterval: 1_000, timeout: 3_500 });
    const assertion = expect(result).rejects.toSatisfy((e) => e instanceof PollTimeoutError && e.timeoutMs === 3_500 && e.timeout === 3_500);
    await vi.advanceTimersByTimeAsync(3_500);
    await assertion;
    expect(times).toEqual([0, 1_000, 2_000, 3_000]);
  });

  it('reports progress through onPoll after every poll that did not end the wait', async () => {
    const progress: PollProgress[] = [];
    script(pending, pending, session);
    const result = client.pollSession('ref', { onPoll: (p) => progress.push(p) });
    await vi.advanceTimersByTimeAsync(6_000);
    await result;
    expect(progress).toEqual([
      { attempt: 1, elapsedMs: 0, nextDelayMs: 2_500, status: 'pending' },
      { attempt: 2, elapsedMs: 2_500, nextDelayMs: 2_500, status: 'pending' },
    ]);
  });

  it('ends polling with the exception an onPoll callback throws', async () => {
    script(pending);
    const failure = new Error('render failed');
    const result = client.pollSession('ref', {
      onPoll: () => {
        throw failure;
      },
    });
    await expect(result).rejects.toBe(failure);
  });
});

describe('pollSession cancellation', () => {
  function trackedController() {
    const controller = new AbortController();
    let listeners = 0;
    const { signal } = controller;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    vi.spyOn(signal, 'addEventListener').mockImplementation((type, fn, options) => {
      listeners++;
      add(type, fn, options);
    });
    vi.spyOn(signal, 'removeEventListener').mockImplementation((type, fn, options) => {
      listeners--;
      remove(type, fn, options);
    });
    return { controller, listeners: () => listeners };
  }

  it('aborts during the wait: rejects with signal.reason and sends nothing after', async () => {
    const { times } = script(pending);
    const { controller, listeners } = trackedController();
    const result = client.pollSession('ref', { signal: controller.signal });
    const reason = new Error('user cancelled');
    const assertion = expect(result).rejects.toBe(reason);
    await vi.advanceTimersByTimeAsync(3_000); // two polls, now waiting
    controller.abort(reason);
    await assertion;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(times).toEqual([0, 2_500]);
    expect(listeners()).toBe(0);
  });

  it('aborts during the request: rejects with the default AbortError at once', async () => {
    const { times } = script(async () => {
      await delay(3_000);
      return session();
    });
    const { controller, listeners } = trackedController();
    const result = client.pollSession('ref', { signal: controller.signal });
    const assertion = expect(result).rejects.toSatisfy((e) => e instanceof DOMException && e.name === 'AbortError');
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    await assertion;
    expect(controller.signal.reason).toBeInstanceOf(DOMException);
    expect(times).toEqual([0]);
    expect(listeners()).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000); // let msw's own delay end
  });

  it('rejects without any request when the signal is already aborted', async () => {
    script(session);
    const reason = { why: 'gone' };
    await expect(client.pollSession('ref', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(seen).toHaveLength(0);
  });

  it('never resolves after an abort that lands in the same tick as the session', async () => {
    const controller = new AbortController();
    const racing = new EnchantedLinkClient({
      projectId: PROJECT_ID,
      fetch: async () => {
        controller.abort('late');
        return Response.json(SESSION);
      },
    });
    await expect(racing.pollSession('ref', { signal: controller.signal })).rejects.toBe('late');
  });

  it('keeps errors typed when the network fails on every poll', async () => {
    script(() => HttpResponse.error());
    const result = client.pollSession('ref', { maxFailures: 2 });
    const assertion = expect(result).rejects.toBeInstanceOf(NetworkError);
    await vi.advanceTimersByTimeAsync(10_000);
    await assertion;
  });

  it('times out one slow request with RequestTimeoutError, not the whole poll', async () => {
    script(async () => {
      await delay(60_000);
      return session();
    });
    const progress: PollProgress[] = [];
    const result = client.pollSession('ref', { maxFailures: 1, onPoll: (p) => progress.push(p) });
    const assertion = expect(result).rejects.toBeInstanceOf(RequestTimeoutError);
    await vi.advanceTimersByTimeAsync(5_000);
    await assertion;
    expect(progress).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
  });
});

describe('the 0.1 name of the client\'s timeoutMs', () => {
  it('`timeout` still limits each attempt, and the error still reads as `timeout`', async () => {
    script(async () => {
      await delay(60_000);
      return session();
    });
    const old = new EnchantedLinkClient({ projectId: PROJECT_ID, timeout: 1_500, requestBudget: new RequestBudget({ requests: Infinity }) });
    const result = old.pollSession('ref', { maxFailures: 1 });
    const assertion = expect(result).rejects.toSatisfy((e) => e instanceof RequestTimeoutError && e.timeoutMs === 1_500 && e.timeout === 1_500);
    await vi.advanceTimersByTimeAsync(1_500);
    await assertion;
    await vi.advanceTimersByTimeAsync(60_000);
  });
});

describe('pollSession against the pages proxies and CDNs answer with', () => {
  const page = (status: number, headers: Record<string, string> = {}) => () =>
    new HttpResponse(`<!doctype html><title>${status}</title><h1>Try again later</h1>`, { status, headers: { 'content-type': 'text/html', ...headers } });

  it('a 429 HTML page with Retry-After is a RateLimitError: it waits Retry-After and keeps polling', async () => {
    const progress: PollProgress[] = [];
    const { times } = script(page(429, { 'retry-after': '7' }), pending, session);
    const result = client.pollSession('ref', { onPoll: (p) => progress.push(p) });
    await vi.advanceTimersByTimeAsync(20_000);
    await expect(result).resolves.toEqual(SESSION);
    expect(times).toEqual([0, 7_000, 9_500]);
    expect(progress[0]).toMatchObject({ status: 'rate-limited', nextDelayMs: 7_000, error: { name: 'RateLimitError', status: 429, retryAfter: 7, errorCode: '' } });
  });

  it('a 429 HTML page without Retry-After backs off (2 s, then 4 s) and keeps polling', async () => {
    const { times } = script(page(429), page(429), pending, session);
    const result = client.pollSession('ref');
    await vi.advanceTimersByTimeAsync(20_000);
    await expect(result).resolves.toEqual(SESSION);
    expect(times).toEqual([0, 2_000, 6_000, 8_500]);
  });

  it.each([502, 503])('a %i HTML page is transient: it backs off and keeps polling', async (status) => {
    const progress: PollProgress[] = [];
    const { times } = script(page(status), session);
    const result = client.pollSession('ref', { onPoll: (p) => progress.push(p) });
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(result).resolves.toEqual(SESSION);
    expect(times).toEqual([0, 2_000]);
    expect(progress[0]).toMatchObject({ status: 'retrying', error: { name: 'ResponseValidationError', status } });
  });

  it('a 200 with the wrong shape ends polling at once with ResponseValidationError', async () => {
    const { times } = script(() => json({ sessionJwt: 42 }));
    const result = client.pollSession('ref');
    const assertion = expect(result).rejects.toMatchObject({ name: 'ResponseValidationError', status: 200, issues: [{ path: ['sessionJwt'] }] });
    await vi.advanceTimersByTimeAsync(10_000);
    await assertion;
    expect(times).toEqual([0]);
  });
});

describe('pollSession options', () => {
  it('{ maxInterval: 300 } lowers the default interval to it and polls every 300 ms', async () => {
    const { times } = script(...pendingTimes(3), session);
    const result = client.pollSession('ref', { maxIntervalMs: 300 });
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(result).resolves.toEqual(SESSION);
    expect(times).toEqual([0, 300, 600, 900]);
  });

  it('reports nextDelayMs as a whole number of milliseconds', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.3711);
    const progress: PollProgress[] = [];
    script(...pendingTimes(4), () => HttpResponse.error(), () => descopeError(429, 'E130429', 'slow', { 'retry-after': '1' }), session);
    const result = client.pollSession('ref', { intervalMs: 333, backoffFactor: 1.37, onPoll: (p) => progress.push(p) });
    await vi.advanceTimersByTimeAsync(30_000);
    await expect(result).resolves.toEqual(SESSION);
    expect(progress).toHaveLength(6);
    for (const { nextDelayMs } of progress) expect(Number.isInteger(nextDelayMs)).toBe(true);
  });

  it('takes every optional option as undefined (exactOptionalPropertyTypes callers)', async () => {
    script(session);
    const signal: AbortSignal | undefined = undefined;
    const result = client.pollSession('ref', { signal, timeoutMs: undefined, intervalMs: undefined, maxIntervalMs: undefined, backoffFactor: undefined, maxFailures: undefined, onPoll: undefined });
    await vi.advanceTimersByTimeAsync(0);
    await expect(result).resolves.toEqual(SESSION);
  });
});
