// A fleet-wide RequestBudget: several budgets (one per instance) over one RedisBudgetStore and a real
// redis-server, against the emulator's per-IP rate limit. Real time, on a small window (10 requests per
// second) so a run takes seconds; the budget's arithmetic is the same at Descope's 100 per 60 s.
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EnchantedLinkClient, RateLimitError, RequestBudget } from '../../src/index.js';
import { RedisBudgetStore } from '../../src/redis/index.js';
import { createEmulator } from '../../src/testing/emulator.js';
import type { Clock } from '../../src/utils/clock.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

const LIMIT = { requests: 10, windowMs: 1_000 };
const connect = (url: string) => createClient({ url, socket: { reconnectStrategy: 50 } }).connect();
type Redis = Awaited<ReturnType<typeof connect>>;

let server: RedisServer;
const clients: Redis[] = [];
const open = async (url = server.url) => {
  const client = await connect(url);
  client.on('error', () => {}); // a stopped server: the budget sees the failures; the test wants no noise
  clients.push(client);
  return client;
};

beforeAll(async () => {
  server = await startRedisServer();
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
});
afterAll(() => server?.stop());

/** A clock `offsetMs` off the real one, that counts its live timers (a timer left behind is a leak). */
function skewedClock(offsetMs: number): Clock & { live: () => number } {
  const live = new Set<unknown>();
  return {
    now: () => Date.now() + offsetMs,
    setTimeout: (run, ms) => {
      const timer = setTimeout(() => {
        live.delete(timer);
        run();
      }, ms);
      live.add(timer);
      return timer;
    },
    clearTimeout: (timer) => {
      live.delete(timer);
      clearTimeout(timer as ReturnType<typeof setTimeout>);
    },
    live: () => live.size,
  };
}

/** The most requests in any window of `windowMs`, from their arrival times. */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

/** One instance: its own Redis connection, budget and client, on its own clock, all against one emulator. */
async function instance(emulator: ReturnType<typeof createEmulator>, offsetMs: number, key: string, extra: Partial<ConstructorParameters<typeof RequestBudget>[0]> = {}) {
  const clock = skewedClock(offsetMs);
  const budget = new RequestBudget({ ...LIMIT, store: new RedisBudgetStore(await open(), { key }), clock, ...extra });
  const client = new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch, requestBudget: budget, timeoutMs: 60_000 });
  return { clock, budget, client };
}

describe('RequestBudget over a RedisBudgetStore', () => {
  it('three instances with clocks hours apart together stay within the limit, with no 429', async () => {
    const emulator = createEmulator({ rateLimit: { ...LIMIT, blockMs: 10_000 } });
    const fleet = await Promise.all([0, 3_600_000, -7_200_000].map((offset) => instance(emulator, offset, 'fleet-1')));
    const started = Date.now();
    // 12 sends per instance at once: 36 requests where 10 per second are allowed.
    const results = await Promise.allSettled(fleet.flatMap(({ client }, i) => Array.from({ length: 12 }, (_, j) => client.signInOrUp(`u${i}-${j}@fleet.example`))));
    const elapsed = Date.now() - started;
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    const times = emulator.requests.map((request) => request.at);
    expect(times).toHaveLength(36);
    expect(emulator.requests.filter((request) => request.status === 429)).toEqual([]);
    expect(maxInWindow(times, LIMIT.windowMs)).toBeLessThanOrEqual(LIMIT.requests);
    // They did share the pace rather than each keep its own (which would have taken a third of the time).
    expect(elapsed).toBeGreaterThan(2_500);
    for (const { clock, budget } of fleet) {
      expect(budget.queued).toBe(0);
      expect(clock.live()).toBe(0);
    }
  });

  it('without the store the same three instances go over the limit and meet 429s (what the store prevents)', async () => {
    const emulator = createEmulator({ rateLimit: { ...LIMIT, blockMs: 200 } });
    const fleet = [0, 1, 2].map(() => new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch, requestBudget: new RequestBudget(LIMIT), timeoutMs: 60_000 }));
    await Promise.allSettled(fleet.flatMap((client, i) => Array.from({ length: 6 }, (_, j) => client.signInOrUp(`u${i}-${j}@alone.example`))));
    expect(emulator.requests.some((request) => request.status === 429)).toBe(true);
  });

  it('a 429 met by one instance pauses the others, on the store’s clock', async () => {
    const emulator = createEmulator({ rateLimit: false });
    const [a, b] = await Promise.all([instance(emulator, 0, 'fleet-2'), instance(emulator, 5_000, 'fleet-2')]);
    // Instance A's first request meets a 429 with Retry-After: 1 (another process on the same IP used the limit up).
    emulator.injectFault({ type: 'rate-limit', retryAfter: 1 });
    const refused = a.client.signInOrUp('a@fleet.example', { signal: AbortSignal.timeout(300) }).catch((error: unknown) => error);
    await expect.poll(() => emulator.requests.length).toBe(1);
    const limited = emulator.requests[0]!;
    expect(limited.status).toBe(429);
    // Instance B, which never met the 429, waits it out too (its next turn, once A has told the store).
    await new Promise((resolve) => setTimeout(resolve, 100));
    await b.client.signInOrUp('b@fleet.example');
    await refused;
    const sent = emulator.requests.filter((request) => (request.body as { loginId?: string } | undefined)?.loginId === 'b@fleet.example');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.at - limited.at).toBeGreaterThanOrEqual(950);
    expect(a.clock.live() + b.clock.live()).toBe(0);
  });
});

describe('when Redis fails', () => {
  it('a stopped Redis: turns go on at the local pace after the deadline, then without waiting for it; nothing left behind', async () => {
    const own = await startRedisServer();
    try {
      const emulator = createEmulator({ rateLimit: false });
      const clock = skewedClock(0);
      const budget = new RequestBudget({ ...LIMIT, store: new RedisBudgetStore(await open(own.url)), clock, storeTimeoutMs: 300 });
      const client = new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch, requestBudget: budget, timeoutMs: 10_000 });
      await client.signInOrUp('before@down.example');
      await own.stop();
      const started = Date.now();
      await client.signInOrUp('during-1@down.example');
      const first = Date.now() - started;
      expect(first).toBeLessThan(300 + 250); // the deadline, then the local pace
      await client.signInOrUp('during-2@down.example');
      expect(Date.now() - started - first).toBeLessThan(200); // local now: no deadline to wait out
      expect(emulator.requests).toHaveLength(3);
      expect(clock.live()).toBe(0);
    } finally {
      await own.stop();
    }
  });

  it('a hanging Redis (frozen): the deadline, then the local pace; after it thaws the fleet pace is back', async () => {
    const own = await startRedisServer();
    try {
      const emulator = createEmulator({ rateLimit: false });
      const clock = skewedClock(0);
      const redis = await open(own.url);
      const budget = new RequestBudget({ ...LIMIT, store: new RedisBudgetStore(redis, { key: 'hang' }), clock, storeTimeoutMs: 200 });
      const client = new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch, requestBudget: budget, timeoutMs: 10_000 });
      own.freeze();
      const started = Date.now();
      await client.signInOrUp('frozen@hang.example');
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(Date.now() - started).toBeLessThan(1_000);
      own.thaw();
      // After the 5 s of local pace, turns are reserved in Redis again: the hash appears.
      await new Promise((resolve) => setTimeout(resolve, 5_100));
      await client.signInOrUp('thawed@hang.example');
      expect(await redis.hGet('hang', 'next')).toMatch(/^\d+\.\d{3}$/);
      expect(clock.live()).toBe(0);
    } finally {
      await own.stop();
    }
  }, 20_000);

  it('an aborted wait gives up its reserved turn: no timer and no command left behind', async () => {
    const emulator = createEmulator({ rateLimit: false });
    const clock = skewedClock(0);
    const budget = new RequestBudget({ requests: 2, windowMs: 60_000, store: new RedisBudgetStore(await open(), { key: 'abort' }), clock });
    const client = new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch, requestBudget: budget, timeoutMs: 120_000 });
    await client.signInOrUp('one@abort.example');
    await client.signInOrUp('two@abort.example');
    // The third turn is reserved a window away; aborting the call releases it at once.
    const controller = new AbortController();
    const third = client.signInOrUp('three@abort.example', { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(budget.queued).toBe(1);
    controller.abort();
    await expect(third).rejects.toThrow();
    expect(budget.queued).toBe(0);
    expect(clock.live()).toBe(0);
  });

  it('refuses a request whose wait is past its timeout with a RateLimitError, as without a store', async () => {
    const emulator = createEmulator({ rateLimit: false });
    const budget = new RequestBudget({ requests: 2, windowMs: 60_000, store: new RedisBudgetStore(await open(), { key: 'timeout' }) });
    const client = new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch, requestBudget: budget, timeoutMs: 300 });
    await client.signInOrUp('one@timeout.example');
    await client.signInOrUp('two@timeout.example');
    await expect(client.signInOrUp('three@timeout.example')).rejects.toBeInstanceOf(RateLimitError);
    expect(budget.queued).toBe(0);
  });
});
