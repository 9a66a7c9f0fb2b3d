// RedisStore against a real redis-server: what the server kit relies on from its store (kit-design §2).
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { RedisStore } from '../../src/redis/index.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

const connect = (url: string) => createClient({ url }).connect();
let server: RedisServer;
let redis: Awaited<ReturnType<typeof connect>>;

beforeAll(async () => {
  server = await startRedisServer();
  redis = await connect(server.url);
});
afterAll(async () => {
  redis?.destroy();
  await server?.stop();
});
beforeEach(() => redis.flushAll());

describe('RedisStore', () => {
  it('sets, gets and takes a value under the default prefix; take removes it atomically', async () => {
    const store = new RedisStore(redis);
    expect(await store.get('a')).toBeUndefined();
    await store.set('a', 'value-1', 60_000);
    expect(await redis.get('enchanted-link:a')).toBe('value-1');
    expect(await store.get('a')).toBe('value-1');
    await store.set('a', 'value-2', 60_000); // replaces
    // Two takes at once: exactly one gets the value.
    const taken = await Promise.all([store.take('a'), store.take('a')]);
    expect(taken.sort()).toEqual(['value-2', undefined].sort());
    expect(await store.get('a')).toBeUndefined();
    expect(await store.take('a')).toBeUndefined();
  });

  it('keeps a value for its TTL, in whole milliseconds rounded up, and set replaces the TTL', async () => {
    const store = new RedisStore(redis, { prefix: 'app:' });
    await store.set('k', 'v', 1_500.2);
    const ttl = await redis.pTTL('app:k');
    expect(ttl).toBeGreaterThan(1_400);
    expect(ttl).toBeLessThanOrEqual(1_501);
    await store.set('k', 'v2', 100_000);
    expect(await redis.pTTL('app:k')).toBeGreaterThan(99_000);
    await store.set('short', 'v', 30);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await store.get('short')).toBeUndefined();
  });

  it('increments atomically under concurrency, the TTL set by the first increment only', async () => {
    const store = new RedisStore(redis);
    const results = await Promise.all(Array.from({ length: 200 }, () => store.increment('count', 5_000)));
    expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const ttl = await redis.pTTL('enchanted-link:count');
    expect(ttl).toBeGreaterThan(4_000);
    // A later increment keeps the counter's TTL (a fixed window), even with a longer ttlMs.
    await redis.pExpire('enchanted-link:count', 2_000);
    expect(await store.increment('count', 60_000, -50)).toBe(150);
    expect(await redis.pTTL('enchanted-link:count')).toBeLessThanOrEqual(2_000);
  });

  it('a counter expires after its TTL and starts again at 0', async () => {
    const store = new RedisStore(redis);
    expect(await store.increment('c', 40, 3)).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 90));
    expect(await store.increment('c', 40)).toBe(1);
  });

  it('increments from many clients at once never lose an update', async () => {
    const others = await Promise.all([1, 2, 3].map(() => connect(server.url)));
    try {
      const stores = [redis, ...others].map((client) => new RedisStore(client));
      await Promise.all(stores.flatMap((store) => Array.from({ length: 50 }, () => store.increment('shared', 10_000))));
      expect(await stores[0]!.get('shared')).toBe('200');
    } finally {
      for (const client of others) client.destroy();
    }
  });

  it('works with a client on RESP2 and with one that returns Buffers', async () => {
    const resp2 = await createClient({ url: server.url, RESP: 2 }).connect();
    try {
      const store = new RedisStore(resp2);
      await store.set('x', 'é', 1_000);
      expect(await store.get('x')).toBe('é');
      expect(await store.increment('n', 1_000, 2)).toBe(2);
      expect(await store.take('x')).toBe('é');
    } finally {
      resp2.destroy();
    }
    const buffers = redis.withTypeMapping({ [36 /* BLOB_STRING */]: Buffer });
    const store = new RedisStore(buffers);
    await store.set('y', 'bytes', 1_000);
    expect(await store.get('y')).toBe('bytes');
  });

  it('rejects bad arguments with InvalidArgumentError naming them, before any command', async () => {
    const store = new RedisStore(redis);
    await expect(store.get('')).rejects.toMatchObject({ argument: 'key' });
    await expect(store.set('k', 1 as unknown as string, 1_000)).rejects.toMatchObject({ argument: 'value' });
    await expect(store.set('k', 'v', 0)).rejects.toMatchObject({ argument: 'ttlMs' });
    await expect(store.set('k', 'v', Number.NaN)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(store.increment('k', 1_000, 1.5)).rejects.toMatchObject({ argument: 'by' });
    expect(() => new RedisStore({} as never)).toThrow(InvalidArgumentError);
    expect(() => new RedisStore(redis, { prefix: 3 as unknown as string })).toThrow(/prefix/);
    expect(await redis.dbSize()).toBe(0);
  });

  it('a key holding something other than an integer makes increment reject with Redis’s error', async () => {
    const store = new RedisStore(redis);
    await store.set('text', 'abc', 1_000);
    await expect(store.increment('text', 1_000)).rejects.toThrow(/not an integer/);
  });
});
