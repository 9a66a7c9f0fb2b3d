// The sign-in store over the real client and msw, on fake timers.
import { delay, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createSignInFlow,
  DescopeError,
  EnchantedLinkClient,
  InvalidArgumentError,
  RateLimitError,
  type SignInFlowSnapshot,
  type SignInFlowWaiting,
} from '../../src/index.js';
import { answer, API, descopeError, json, pending, PROJECT_ID, SESSION, useMockServer } from '../helpers/msw.js';

const SEND = '/v1/auth/enchantedlink/signup-in/email';
const POLL = '/v1/auth/enchantedlink/pending-session';
const { server, seen } = useMockServer();
// A client per test: its request budget (every client has one) keeps time, and fake clocks restart.
let client: EnchantedLinkClient;
beforeEach(() => {
  client = new EnchantedLinkClient({ projectId: PROJECT_ID, timeoutMs: 5_000 });
});
const sent = (n: number) => json({ linkId: `0${n}`, pendingRef: `ref-${n}`, maskedEmail: 'a***@example.com' });
const requests = (path: string) => seen.filter((each) => each.path === path);
const polledRefs = () => requests(POLL).map((each) => (each.body as { pendingRef: string }).pendingRef);

/** A flow whose every snapshot is recorded. */
function recorded(options?: Parameters<typeof createSignInFlow>[1]) {
  const flow = createSignInFlow(client, options);
  const states: SignInFlowSnapshot[] = [];
  flow.subscribe((state) => states.push(state));
  const statuses = () => states.map((state) => state.status).filter((status, i, all) => status !== all[i - 1]);
  const waiting = () => flow.getSnapshot() as SignInFlowWaiting;
  return { flow, states, statuses, waiting };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(1);
});
afterEach(async () => {
  // The client leaves a request's timeout timer (5 s here) behind the answer for a while; past it,
  // nothing the flow started may still be scheduled.
  await vi.advanceTimersByTimeAsync(5_000);
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('createSignInFlow', () => {
  it('goes idle → sending → waiting (with progress) → signed-in, with frozen snapshots', async () => {
    server.use(answer(SEND, sent(1)), answer(POLL, pending(), pending(), json(SESSION)));
    const onSignedIn = vi.fn();
    const { flow, states, statuses, waiting } = recorded({ onSignedIn });
    expect(states).toEqual([{ status: 'idle' }]); // the Svelte contract: called at once with the value

    flow.start('ada@example.com');
    expect(flow.getSnapshot()).toEqual({ status: 'sending', email: 'ada@example.com' });
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting()).toMatchObject({ status: 'waiting', linkId: '01', maskedEmail: 'a***@example.com', attempt: 1 });
    expect(waiting()).toMatchObject({ pollStatus: 'pending', canResend: false, resending: false });
    expect(flow.getSnapshot()).toBe(flow.getSnapshot());
    expect(Object.isFrozen(flow.getSnapshot())).toBe(true);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(waiting()).toMatchObject({ attempt: 2, elapsedMs: 2_500 });
    await vi.advanceTimersByTimeAsync(2_500);

    expect(flow.getSnapshot()).toEqual({ status: 'signed-in', session: SESSION });
    expect(onSignedIn).toHaveBeenCalledExactlyOnceWith(SESSION);
    expect(statuses()).toEqual(['idle', 'sending', 'waiting', 'signed-in']);
    expect(requests(SEND)).toHaveLength(1);
  });

  it('ignores resend during the cooldown, then resends and polls only the new link', async () => {
    server.use(answer(SEND, sent(1), sent(2)), answer(POLL, pending()));
    const { flow, waiting } = recorded();
    flow.start('ada@example.com');
    await vi.advanceTimersByTimeAsync(0);
    const resendAtMs = waiting().resendAtMs;
    expect(resendAtMs).toBe(Date.now() + 30_000);

    await vi.advanceTimersByTimeAsync(29_000);
    flow.resend();
    expect(waiting().resending).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(requests(SEND)).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(waiting().canResend).toBe(true);
    flow.resend();
    flow.resend(); // a double click sends once
    expect(waiting()).toMatchObject({ resending: true, canResend: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(requests(SEND)).toHaveLength(2);
    expect(waiting()).toMatchObject({ linkId: '02', attempt: 1, resending: false, canResend: false });
    expect(waiting().resendAtMs).toBe(Date.now() + 30_000);

    const before = polledRefs().length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(polledRefs().slice(before).every((ref) => ref === 'ref-2')).toBe(true);
    flow.cancel();
  });

  it('keeps waiting for the first link after a 429 on resend, and holds resend back for Retry-After', async () => {
    server.use(
      answer(SEND, sent(1), descopeError(429, 'E130429', 'Too many requests', { 'retry-after': '45' })),
      answer(POLL, pending()),
    );
    const { flow, waiting } = recorded({ resendCooldownMs: 10_000 });
    flow.start('ada@example.com');
    await vi.advanceTimersByTimeAsync(10_000);
    flow.resend();
    await vi.advanceTimersByTimeAsync(0);

    expect(waiting().resendError).toBeInstanceOf(RateLimitError);
    expect(waiting()).toMatchObject({ status: 'waiting', linkId: '01', resending: false, canResend: false });
    expect(waiting().resendAtMs).toBe(Date.now() + 45_000);
    await vi.advanceTimersByTimeAsync(44_000);
    expect(waiting().canResend).toBe(false);
    expect(polledRefs().at(-1)).toBe('ref-1');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(waiting().canResend).toBe(true);
    flow.cancel();
  });

  it('cancels during the send: the request is aborted and nothing is polled', async () => {
    let aborted = false;
    server.use(
      http.post(`${API}${SEND}`, async ({ request }) => {
        request.signal.addEventListener('abort', () => (aborted = true));
        await delay(2_000);
        return sent(1);
      }),
      answer(POLL, pending()),
    );
    const { flow, statuses } = recorded();
    flow.start('ada@example.com');
    await vi.advanceTimersByTimeAsync(100);
    flow.cancel();
    expect(flow.getSnapshot()).toEqual({ status: 'cancelled' });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(aborted).toBe(true);
    expect(requests(POLL)).toHaveLength(0);
    expect(statuses()).toEqual(['idle', 'sending', 'cancelled']);
  });

  it('cancels during the wait: no poll afterwards, and cancel in another state does nothing', async () => {
    server.use(answer(SEND, sent(1)), answer(POLL, pending()));
    const { flow, statuses } = recorded();
    flow.cancel();
    expect(flow.getSnapshot().status).toBe('idle');
    flow.start('ada@example.com');
    await vi.advanceTimersByTimeAsync(3_000);
    const polls = requests(POLL).length;
    flow.cancel();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests(POLL)).toHaveLength(polls);
    expect(statuses()).toEqual(['idle', 'sending', 'waiting', 'cancelled']);
  });

  it('shows rate-limited and retrying polls while waiting', async () => {
    server.use(
      answer(SEND, sent(1)),
      answer(POLL, descopeError(429, 'E130429', 'Too many requests', { 'retry-after': '3' }), descopeError(503, 'E0', 'down'), pending()),
    );
    const { flow, waiting } = recorded();
    flow.start('ada@example.com');
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting().pollStatus).toBe('rate-limited');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(waiting().pollStatus).toBe('retrying');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(waiting().pollStatus).toBe('pending');
    flow.dispose();
  });

  it('ends in expired when the poll deadline passes', async () => {
    server.use(answer(SEND, sent(1)), answer(POLL, pending()));
    const { flow } = recorded({ poll: { timeoutMs: 20_000 } });
    flow.start('ada@example.com');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(flow.getSnapshot()).toEqual({ status: 'expired', email: 'ada@example.com' });
  });

  it('ends in failed with the typed error: a refused send, a terminal poll answer, a malformed address', async () => {
    server.use(answer(SEND, descopeError(400, 'E062108', 'User not found'), sent(1)), answer(POLL, descopeError(400, 'E099007', 'Unknown')));
    const { flow } = recorded();
    flow.start('ada@example.com');
    await vi.advanceTimersByTimeAsync(0);
    expect(flow.getSnapshot()).toMatchObject({ status: 'failed', email: 'ada@example.com', error: { errorCode: 'E062108' } });

    flow.start('ada@example.com');
    await vi.advanceTimersByTimeAsync(0);
    const failed = flow.getSnapshot();
    expect(failed.status === 'failed' && failed.error).toBeInstanceOf(DescopeError);
    expect(failed).toMatchObject({ error: { errorCode: 'E099007' } });

    const sends = requests(SEND).length;
    flow.start('   ');
    await vi.advanceTimersByTimeAsync(0);
    const invalid = flow.getSnapshot();
    expect(invalid.status === 'failed' && invalid.error).toBeInstanceOf(InvalidArgumentError);
    expect(requests(SEND)).toHaveLength(sends);
  });

  it('start() while waiting aborts the earlier wait; dispose() stops everything and forgets listeners', async () => {
    server.use(answer(SEND, sent(1), sent(2)), answer(POLL, pending()));
    const { flow, states } = recorded();
    flow.start('ada@example.com');
    await vi.advanceTimersByTimeAsync(2_000);
    flow.start('grace@example.com');
    await vi.advanceTimersByTimeAsync(0);
    const before = polledRefs().length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(new Set(polledRefs().slice(before))).toEqual(new Set(['ref-2']));

    const count = states.length;
    flow.dispose();
    expect(flow.getSnapshot().status).toBe('cancelled');
    const polls = requests(POLL).length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests(POLL)).toHaveLength(polls);
    expect(states).toHaveLength(count + 1); // the cancelled state, then nothing
  });

  it('rejects a malformed option with InvalidArgumentError naming it', () => {
    expect(() => createSignInFlow(client, { resendCooldownMs: -1 })).toThrow(InvalidArgumentError);
    expect(() => createSignInFlow(client, { resendCooldownMs: -1 })).toThrow(/resendCooldownMs/);
  });

  it.each([
    ['a poll option, named with its path, at creation', { poll: { timeoutMs: -1 } }, 'poll.timeoutMs'],
    ['a send option', { send: { redirectUrl: 'not a url' } }, 'send.redirectUrl'],
    ['an onSignedIn that is no function', { onSignedIn: 'keeper.set' }, 'onSignedIn'],
    ['a malformed value under the pre-1.0 name resendCooldown', { resendCooldown: -1 }, 'resendCooldown'],
    ['resendCooldown beside resendCooldownMs', { resendCooldown: 1_000, resendCooldownMs: 1_000 }, 'resendCooldown'],
    ['a malformed value under the pre-1.0 name of a poll option', { poll: { interval: -1 } }, 'poll.interval'],
  ])('refuses %s with InvalidArgumentError', (_, options, argument) => {
    expect(() => createSignInFlow(client, options as never)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', argument }));
  });

  it('refuses a client without signInOrUp and pollSession', () => {
    expect(() => createSignInFlow({} as never)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', argument: 'client' }));
  });
});
