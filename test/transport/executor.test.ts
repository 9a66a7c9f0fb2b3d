// The one executor: every attempt (first try, retry, poll) takes its turn from the request budget inside
// the retry loop, a 429 pauses every caller sharing the budget at once, hostile `Retry-After` values stay
// bounded, and turns are shared fairly. The cases of issue 22's "Why", each of which failed before it.
// Fake timers: simulated time only; requests are answered by a scripted `fetch`.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionKeeper, EnchantedLinkClient, RateLimitError, RequestBudget, type PollProgress } from '../../src/index.js';
import { PATHS } from '../../src/protocol/paths.js';
import { LINK, PROJECT_ID } from '../helpers/fixtures.js';

const SESSION = { sessionJwt: 'a.b.c', refreshJwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJVMSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ', user: { userId: 'U1' } };
const PENDING = () => Response.json({ errorCode: 'E062503', errorDescription: 'pending' }, { status: 401 });
const TOO_MANY = (retryAfter?: string) =>
  Response.json({ errorCode: 'E130429', errorDescription: 'slow down' }, { status: 429, ...(retryAfter !== undefined && { headers: { 'retry-after': retryAfter } }) });

/** Every request a scripted server got: path, pendingRef, and when (simulated ms since the test began). */
let log: Array<{ path: string; pendingRef?: string; at: number }>;
let started: number;
/** Answers by path; the first matching script entry that returns a Response wins, else 200 with the valid body. */
let script: (path: string, count: number, body: Record<string, unknown>) => Response | undefined;

const fetch = async (input: Request) => {
  const path = new URL(input.url).pathname;
  const body = input.method === 'POST' ? ((await input.json()) as Record<string, unknown>) : {};
  log.push({ path, at: Date.now() - started, ...(typeof body.pendingRef == 'string' && { pendingRef: body.pendingRef }) });
  const count = log.filter((entry) => entry.path === path).length;
  const scripted = script(path, count, body);
  if (scripted) return scripted;
  if (path === PATHS.pendingSession) return PENDING();
  if (path === PATHS.refresh) return Response.json(SESSION);
  if (path === PATHS.verify || path === PATHS.logout || path === PATHS.logoutAll) return Response.json({});
  return Response.json(LINK);
};

const client = (requestBudget: RequestBudget, timeout = 10_000) => new EnchantedLinkClient({ projectId: PROJECT_ID, fetch, requestBudget, timeoutMs: timeout });
const outcome = (promise: Promise<unknown>) => promise.then((value) => ({ value }), (error: unknown) => ({ error }));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.spyOn(Math, 'random').mockReturnValue(1);
  log = [];
  started = Date.now();
  script = () => undefined;
});
afterEach(() => {
  // Every call has settled: nothing may be left waiting, budget included.
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('one executor: every attempt takes its turn, a 429 pauses everyone sharing the budget', () => {
  it('holds a getSession of the same budget until the Retry-After of a send has passed, and the retry takes a turn', async () => {
    const budget = new RequestBudget({ requests: Number.POSITIVE_INFINITY });
    const c = client(budget);
    script = (path, count) => (path === PATHS.signInOrUp && count === 1 ? TOO_MANY('2') : undefined);
    const send = c.signInOrUp('ada@example.com');
    await vi.advanceTimersByTimeAsync(100);
    const read = c.getSession('ref-of-another-sign-in');
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(send).resolves.toEqual(LINK);
    await expect(read).resolves.toBeUndefined();
    const [first, retry] = log.filter((entry) => entry.path === PATHS.signInOrUp);
    const getSession = log.find((entry) => entry.path === PATHS.pendingSession)!;
    expect(first!.at).toBe(0);
    // Before, the getSession went out 100 ms in, in the middle of the wait the server asked for.
    expect(getSession.at).toBeGreaterThanOrEqual(2_000);
    expect(retry!.at).toBeGreaterThanOrEqual(2_000);
  });

  it('counts retries against the limit: a retried send uses a turn like any request', async () => {
    // A burst of 2, then one turn every 30 s.
    const budget = new RequestBudget({ requests: 4, windowMs: 60_000 });
    const c = client(budget, 120_000);
    script = (path, count) => (path === PATHS.signInOrUp && count <= 2 ? Response.json({ errorCode: 'E000503', errorDescription: 'busy' }, { status: 503 }) : undefined);
    const send = c.signInOrUp('ada@example.com');
    const other = c.verifyToken('token-token-token');
    await vi.advanceTimersByTimeAsync(60_000);
    await send;
    await other;
    // 3 attempts of the send and the verify; the retries waited for their turns (before, they went after the
    // 0.5 s and 1 s backoff, outside the budget).
    expect(log).toHaveLength(4);
    expect(log.map((entry) => entry.at)).toEqual([0, 0, 30_000, 60_000]);
  });
});

describe('hostile Retry-After', () => {
  // Absent means the one fallback of 1 s for everyone; the two then resume spread over one more second.
  it.each(['retry in 2099', '12/31/2099'])('reads %j as absent: verifyToken and signOut go out within 2 s', async (value) => {
    const budget = new RequestBudget({ requests: Number.POSITIVE_INFINITY });
    const c = client(budget);
    script = (path, count) => (path === PATHS.pendingSession && count === 1 ? TOO_MANY(value) : undefined);
    const read = outcome(c.getSession('ref-1234567890'));
    await vi.advanceTimersByTimeAsync(10);
    const verify = c.verifyToken('token-token-token');
    const signOut = c.signOut(SESSION.refreshJwt);
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(verify).resolves.toBeUndefined();
    await expect(signOut).resolves.toBeUndefined();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await read).toEqual({ value: undefined });
    for (const path of [PATHS.verify, PATHS.logout]) expect(log.find((entry) => entry.path === path)!.at).toBeLessThanOrEqual(2_000);
  });

  it('caps the shared pause of a date decades ahead at one window; a call waits at most its timeout, then fails carrying the wait', async () => {
    const budget = new RequestBudget({ requests: Number.POSITIVE_INFINITY, windowMs: 60_000 });
    const c = client(budget, 10_000);
    script = (path, count) => (path === PATHS.pendingSession && count === 1 ? TOO_MANY('Thu, 31 Dec 2099 23:59:59 GMT') : undefined);
    const read = await outcome(c.getSession('ref-1234567890'));
    expect((read as { error: RateLimitError }).error.retryAfter).toBe(86_400);
    // The pause is 60 s, past the verify's 10 s timeout: it fails at once, sending nothing.
    const at = Date.now();
    const verify = await outcome(c.verifyToken('token-token-token'));
    expect(Date.now() - at).toBe(0);
    const error = (verify as { error: RateLimitError }).error;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfter).toBe(60);
    expect(error.message).toMatch(/^Not sent to \/v1\/auth\/enchantedlink\/verify: no turn/);
    expect(log.filter((entry) => entry.path === PATHS.verify)).toHaveLength(0);
    // A minute later everything goes again.
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(c.verifyToken('token-token-token')).resolves.toBeUndefined();
  });

  it('a keeper signs out within 2 s after a 429 whose Retry-After is unreadable', async () => {
    const budget = new RequestBudget({ requests: Number.POSITIVE_INFINITY });
    const c = client(budget);
    const keeper = createSessionKeeper(c);
    keeper.set({ ...SESSION, sessionExpiration: Math.floor(Date.now() / 1000) + 600 });
    script = (path, count) => (path === PATHS.pendingSession && count === 1 ? TOO_MANY('12/31/2099') : undefined);
    const read = outcome(c.getSession('ref-1234567890'));
    await vi.advanceTimersByTimeAsync(10);
    const out = keeper.signOut();
    await vi.advanceTimersByTimeAsync(2_000);
    await out;
    expect(log.filter((entry) => entry.path === PATHS.logout)).toHaveLength(1);
    expect(keeper.getSnapshot().status).toBe('signed-out');
    await vi.advanceTimersByTimeAsync(5_000);
    await read;
  });
});

describe('fair turns', () => {
  /** `n` sends in a row (each starts when the previous settles), counting the polls that got through meanwhile. */
  it('a poll waiting under a flood of sends gets every other turn', async () => {
    const budget = new RequestBudget({ requests: 10, windowMs: 10_000 });
    const c = client(budget, 60_000);
    const flood = Array.from({ length: 38 }, (_, i) => outcome(c.signInOrUp(`u${i}@example.com`)));
    const controller = new AbortController();
    const poll = outcome(c.pollSession('ref-waiting-poll', { signal: controller.signal, intervalMs: 500, timeoutMs: 120_000 }));
    await vi.advanceTimersByTimeAsync(20_000);
    controller.abort();
    await vi.advanceTimersByTimeAsync(60_000);
    await Promise.all(flood);
    await poll;
    const firstTwenty = log.slice(0, 20);
    const polls = firstTwenty.filter((entry) => entry.path === PATHS.pendingSession).length;
    // Before: 0 polls while sends were waiting. Now sends and polls alternate once both queue.
    expect(polls).toBeGreaterThanOrEqual(7);
  });

  it('30 polls of one sign-in get no more turns than the one poll of another', async () => {
    const budget = new RequestBudget({ requests: 20, windowMs: 10_000 });
    const c = client(budget, 60_000);
    const controller = new AbortController();
    const options = { signal: controller.signal, intervalMs: 100, maxIntervalMs: 100, timeoutMs: 600_000 };
    const greedy = Array.from({ length: 30 }, () => outcome(c.pollSession('ref-greedy-sign-in', options)));
    const modest = outcome(c.pollSession('ref-modest-sign-in', options));
    await vi.advanceTimersByTimeAsync(60_000);
    controller.abort();
    await Promise.all([...greedy, modest]);
    const turns = (ref: string) => log.filter((entry) => entry.pendingRef === ref).length;
    // Before: 54 turns against 2.
    // (The modest one is out of the queue during its own 100 ms waits, so it may miss a turn now and then.)
    expect(turns('ref-modest-sign-in')).toBeGreaterThanOrEqual(0.8 * turns('ref-greedy-sign-in'));
    expect(turns('ref-modest-sign-in')).toBeGreaterThan(30);
  });

  it('fails at once with a RateLimitError when the queue is full, sending nothing', async () => {
    const budget = new RequestBudget({ requests: 20, windowMs: 60_000, maxQueued: 3 });
    const c = client(budget, 120_000);
    const calls = Array.from({ length: 6 }, (_, i) => outcome(c.verifyToken(`token-token-${i}`)));
    await vi.advanceTimersByTimeAsync(0);
    // 2 go at once (the burst), 3 queue, the sixth has no room.
    const sixth = (await calls[5]) as { error: RateLimitError };
    expect(sixth.error).toBeInstanceOf(RateLimitError);
    expect(sixth.error.message).toMatch(/no room/);
    expect(budget.queued).toBe(3);
    await vi.advanceTimersByTimeAsync(120_000);
    const settled = await Promise.all(calls.slice(0, 5));
    expect(settled.every((result) => 'value' in result)).toBe(true);
    expect(log).toHaveLength(5);
  });

  it('tells onPoll the wait of a queued poll', async () => {
    const budget = new RequestBudget({ requests: 2, windowMs: 60_000 });
    const c = client(budget, 60_000);
    await c.verifyToken('token-token-1');
    await c.verifyToken('token-token-2');
    const reports: PollProgress[] = [];
    const controller = new AbortController();
    const poll = outcome(c.pollSession('ref-1234567890', { signal: controller.signal, onPoll: (progress) => reports.push(progress) }));
    await vi.advanceTimersByTimeAsync(1);
    expect(reports[0]).toMatchObject({ status: 'queued' });
    expect(reports[0]!.nextDelayMs).toBeGreaterThan(0);
    controller.abort();
    await poll;
  });
});
