// The events a user's listener receives: in order, with the right fields, for a sign-in that meets a 429,
// retries, polls and is refreshed; none of them holds a credential or the email address; a throwing
// listener changes nothing. Against the emulator, on fake timers (no real waits).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Emulator } from '../../src/testing/index.js';
import {
  EnchantedLinkClient,
  formatEvent,
  logEvents,
  RequestBudget,
  type EnchantedLinkEvent,
} from '../../src/index.js';
import { PATHS } from '../../src/protocol/paths.js';
import { done, EMAIL, readyEmulator, useFakeClock } from './helpers.js';

let emulator: Emulator;
let events: EnchantedLinkEvent[];

const client = (extra: Partial<ConstructorParameters<typeof EnchantedLinkClient>[0]> = {}) =>
  new EnchantedLinkClient({
    projectId: emulator.projectId,
    fetch: emulator.fetch,
    requestBudget: new RequestBudget({ requests: Number.POSITIVE_INFINITY }),
    onEvent: (event) => events.push(event),
    ...extra,
  });

/** The events without their times and ids: what a reader of the log would compare. */
const shape = (event: EnchantedLinkEvent) => {
  const { timeMs: _t, ...rest } = event as EnchantedLinkEvent & { requestId?: number; pollId?: number; durationMs?: number; waitedMs?: number; elapsedMs?: number };
  const { requestId: _r, pollId: _p, durationMs: _d, waitedMs: _w, elapsedMs: _e, url: _u, serverAddress: _s, serverPort: _sp, ...facts } = rest as Record<string, unknown>;
  return facts;
};

beforeEach(async () => {
  emulator = await readyEmulator();
  useFakeClock();
  vi.spyOn(Math, 'random').mockReturnValue(1);
  events = [];
});
afterEach(() => {
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('events of a sign-in: a 429, a retry, a poll and a refresh', () => {
  it('reports every request, attempt, wait and poll state in order, with the right fields', async () => {
    const c = client();
    emulator.injectFault({ type: 'rate-limit', retryAfter: 2 }, { path: PATHS.signInOrUp });
    const { pendingRef } = await done(c.signInOrUp(EMAIL));
    const send = events.map(shape);
    const endpoint = PATHS.signInOrUp;
    expect(send).toEqual([
      { type: 'request-start', method: 'POST', endpoint },
      { type: 'attempt-start', method: 'POST', endpoint, attempt: 1 },
      { type: 'attempt-end', method: 'POST', endpoint, attempt: 1, httpStatus: 429, outcome: 'rate-limited', errorType: 'RateLimitError', errorCode: 'E130429', retryAfterMs: 2_000 },
      { type: 'wait', method: 'POST', endpoint, attempt: 2, reason: 'retry-after' },
      { type: 'attempt-start', method: 'POST', endpoint, attempt: 2 },
      { type: 'attempt-end', method: 'POST', endpoint, attempt: 2, httpStatus: 200, outcome: 'ok' },
      { type: 'request-end', method: 'POST', endpoint, attempts: 2, httpStatus: 200, outcome: 'ok' },
    ]);
    // How long: the retry waited out the Retry-After (2 s), and the request took that long in all.
    const wait = events.find((event) => event.type === 'wait')!;
    expect(wait.type === 'wait' && wait.waitedMs).toBe(2_000);
    const end = events.at(-1)!;
    expect(end.type === 'request-end' && end.durationMs).toBeGreaterThanOrEqual(2_000);
    expect(new Set(events.map((event) => (event as { requestId?: number }).requestId)).size).toBe(1);
    const first = events[0]!;
    expect(first.type === 'request-start' && [first.url, first.serverAddress, first.serverPort]).toEqual([`${emulator.baseUrl}${endpoint}`, new URL(emulator.baseUrl).hostname, 443]);

    // A poll: pending once, then a server error retried, then the click.
    events = [];
    emulator.injectFault({ type: 'status', status: 503 }, { path: PATHS.pendingSession });
    const poll = c.pollSession(pendingRef, { intervalMs: 1_000 });
    await vi.advanceTimersByTimeAsync(0); // the 503
    await vi.advanceTimersByTimeAsync(2_000); // its backoff, then pending
    await emulator.click(EMAIL);
    const polled = await done(poll);
    expect(polled.refreshJwt).toBeTypeOf('string');
    const polls = events.filter((event) => event.type === 'poll').map(shape);
    expect(polls).toEqual([
      { type: 'poll', status: 'started', attempt: 0 },
      { type: 'poll', status: 'retrying', attempt: 1, nextDelayMs: 2_000, httpStatus: 503, errorType: 'DescopeError', errorCode: expect.any(String) },
      { type: 'poll', status: 'pending', attempt: 2, nextDelayMs: 1_000 },
      { type: 'poll', status: 'signed-in', attempt: 3 },
    ]);
    const pollId = (events[0] as { pollId: number }).pollId;
    const requests = events.filter((event) => event.type === 'request-end');
    expect(requests.map((event) => [event.endpoint, event.outcome, event.httpStatus, event.pollId])).toEqual([
      [PATHS.pendingSession, 'transient', 503, pollId],
      [PATHS.pendingSession, 'pending', 401, pollId],
      [PATHS.pendingSession, 'ok', 200, pollId],
    ]);

    // A refresh: one request, one attempt.
    events = [];
    await done(c.refreshSession(polled.refreshJwt!));
    expect(events.map((event) => event.type)).toEqual(['request-start', 'attempt-start', 'attempt-end', 'request-end']);
    expect(events.every((event) => !('endpoint' in event) || event.endpoint === PATHS.refresh)).toBe(true);
  });

  it('reports a wait for the budget: a turn behind the pace, and one behind a 429 pause', async () => {
    // A burst of 2, then one every 5 s (10 s / (4 − 2)): the third send waits for its turn.
    const c = client({ requestBudget: new RequestBudget({ requests: 4, windowMs: 10_000 }) });
    await done(Promise.all([c.signInOrUp(EMAIL), c.signInOrUp(EMAIL), c.signInOrUp(EMAIL)]));
    const waits = events.filter((event) => event.type === 'wait');
    expect(waits.map((event) => [event.reason, event.attempt])).toEqual([['turn', 1]]);
    expect(waits[0]!.waitedMs).toBeGreaterThan(0);

    events = [];
    emulator.injectFault({ type: 'rate-limit', retryAfter: 3 }, { path: PATHS.signInOrUp });
    const shared = new RequestBudget({ requests: Number.POSITIVE_INFINITY });
    const a = client({ requestBudget: shared });
    const b = client({ requestBudget: shared });
    const send = a.signInOrUp(EMAIL);
    await vi.advanceTimersByTimeAsync(10);
    const read = b.signInOrUp(EMAIL);
    await done(Promise.all([send, read]));
    const paused = events.filter((event) => event.type === 'wait' && event.reason === 'paused');
    expect(paused).toHaveLength(1);
    expect(paused[0]!.type === 'wait' && paused[0]!.waitedMs).toBeGreaterThan(2_900);
  });

  it('reports an abort as aborted', async () => {
    const c = client();
    const controller = new AbortController();
    emulator.injectFault({ type: 'latency', ms: 5_000 });
    const sent = c.signInOrUp(EMAIL, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    await sent.catch(() => undefined);
    expect(events.map((event) => [event.type, (event as { outcome?: string }).outcome])).toEqual([
      ['request-start', undefined],
      ['attempt-start', undefined],
      ['attempt-end', 'aborted'],
      ['request-end', 'aborted'],
    ]);
  });

  it('ignores a listener that throws: the call ends as it would without it', async () => {
    const c = client({ onEvent: () => { throw new Error('listener bug'); } });
    await expect(done(c.signInOrUp(EMAIL))).resolves.toMatchObject({ linkId: expect.any(String) });
  });

  it('holds no credential and no email address in any event', async () => {
    const c = client();
    emulator.injectFault({ type: 'status', status: 400, body: { errorCode: `${EMAIL}`, errorDescription: `bad ${EMAIL}` } }, { path: PATHS.signInOrUp });
    await expect(done(c.signInOrUp(EMAIL))).rejects.toThrow(/400/); // an error whose code and message quote the address
    const { pendingRef } = await done(c.signInOrUp(EMAIL));
    await emulator.click(EMAIL);
    const session = await done(c.pollSession(pendingRef, { intervalMs: 100 }));
    await done(c.refreshSession(session.refreshJwt!));
    await done(c.me(session.refreshJwt!));
    await done(c.signOut(session.refreshJwt!));
    const text = JSON.stringify(events) + events.map(formatEvent).join('\n');
    for (const secret of [EMAIL, pendingRef, session.refreshJwt!, session.sessionJwt, ...session.refreshJwt!.split('.').slice(1)]) expect(text).not.toContain(secret);
    expect(events.length).toBeGreaterThan(15);
  });
});

describe('logEvents: the debug view', () => {
  it('prints one readable line per event', async () => {
    const lines: string[] = [];
    const c = client({ onEvent: logEvents((line) => lines.push(line)) });
    emulator.injectFault({ type: 'rate-limit', retryAfter: 1 }, { path: PATHS.signInOrUp });
    await done(c.signInOrUp(EMAIL));
    expect(lines).toEqual([
      `[enchanted-link] POST ${PATHS.signInOrUp} #${lines[0]!.match(/#(\d+)/)![1]} →`,
      expect.stringMatching(/attempt 1 sent$/),
      expect.stringMatching(/attempt 1 ← rate-limited 429 RateLimitError E130429 in \d+ ms \(retry after 1000 ms\)$/),
      expect.stringMatching(/waited 1000 ms \(retry-after\) before attempt 2$/),
      expect.stringMatching(/attempt 2 sent$/),
      expect.stringMatching(/attempt 2 ← 200 in \d+ ms$/),
      expect.stringMatching(/← ok after 2 attempts, \d+ ms$/),
    ]);
  });
});

describe('events of the flow, the keeper and the validator', () => {
  it('the flow reports each status; the keeper each refresh and sign-out; the validator each key fetch', async () => {
    const { createSessionKeeper, createSignInFlow } = await import('../../src/index.js');
    const { SessionValidator } = await import('../../src/server/index.js');
    const c = client({ onEvent: undefined });
    const keeper = createSessionKeeper(c, { onEvent: (event) => events.push(event) });
    const flow = createSignInFlow(c, { onSignedIn: keeper.set, onEvent: (event) => events.push(event), poll: { intervalMs: 100 } });
    flow.start(EMAIL);
    await vi.advanceTimersByTimeAsync(0);
    await emulator.click(EMAIL);
    await done(new Promise<void>((resolve) => flow.subscribe((state) => state.status === 'signed-in' && resolve())));
    expect(events.map((event) => [event.type, (event as { status?: string }).status])).toEqual([
      ['sign-in', 'sending'],
      ['sign-in', 'waiting'],
      ['sign-in', 'signed-in'],
    ]);

    events = [];
    await done(keeper.refresh());
    emulator.injectFault({ type: 'status', status: 500 }, { path: PATHS.refresh }); // not retried: a refresh spends its JWT
    await done(keeper.refresh());
    await done(keeper.signOut());
    expect(events.map(shape)).toEqual([
      { type: 'refresh', trigger: 'call', outcome: 'refreshed', rotated: expect.any(Boolean) },
      { type: 'refresh', trigger: 'call', outcome: 'kept', retryInMs: 30_000, httpStatus: 500, errorType: 'DescopeError', errorCode: expect.any(String) },
      { type: 'sign-out', everywhere: false, outcome: 'confirmed' },
    ]);

    events = [];
    const session = (await done(c.signInOrUp(EMAIL).then(async ({ pendingRef }) => (await emulator.click(EMAIL), c.pollSession(pendingRef, { intervalMs: 100 })))));
    const validator = new SessionValidator({ projectId: emulator.projectId, fetch: emulator.fetch, onEvent: (event) => events.push(event) });
    await done(validator.validateSession(session.sessionJwt));
    const keys = events.filter((event) => event.type === 'keys').map(shape);
    expect(keys).toEqual([{ type: 'keys', reason: 'first-use', outcome: 'fetched', keys: expect.any(Number) }]);
    expect(events.filter((event) => event.type === 'request-end').map((event) => event.endpoint)).toEqual(['/v2/keys/{projectId}']);
    const text = JSON.stringify(events);
    for (const secret of [EMAIL, session.sessionJwt, session.refreshJwt!]) expect(text).not.toContain(secret);
  });
});
