import { assertNonEmptyString, assertPositiveNumber, fail } from '../options/arguments.js';
import { checkOptions } from '../options/check-options.js';
import type { KitStore } from '../server/kit/store.js';
import { integerReply, stringReply, type RedisCommands } from './client.js';

/**
 * Options of {@link RedisStore}.
 *
 * @category Redis
 */
export interface RedisStoreOptions {
  /**
   * Put before every key the store writes, so the kit's keys stay apart from an app's own in a shared
   * Redis (and two apps sharing one Redis each give their own prefix).
   * @defaultValue `'enchanted-link:'`
   */
  prefix?: string;
}

// INCRBY creates a missing key at 0; the TTL is set only then, so a counter's window is fixed by its
// first increment (a sliding TTL would let a steady trickle keep a rate counter alive for ever). One
// script, so no other client sees the counter without its TTL. EXISTS + PEXPIRE rather than PEXPIRE NX:
// the same meaning on every Redis that has GETDEL (6.2), not only on 7.
const INCREMENT = `local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`;

/** Redis takes whole milliseconds: a fraction rounds up, so a key never expires early. */
const wholeMs = (ms: number) => String(Math.ceil(ms));

/**
 * The server kit's store (a {@link enchanted-link/server!KitStore}) kept in Redis, so every instance of an
 * app (behind a load balancer, on serverless functions) sees the same pending sign-ins, confirmations and
 * send counters. Each operation is one Redis command: `GET`, `SET … PX`, `GETDEL`, and the increment as one Lua script (`INCRBY`, with
 * `PEXPIRE` only when the counter is new), so each is atomic. Needs Redis 6.2 or later (`GETDEL`).
 *
 * Pass a connected node-redis client (`redis` 5 or 6, an optional peer dependency of this entry) from
 * `createClient()`; the store never connects, reconnects or closes it. A failed or refused command rejects
 * with the client's own error (the kit answers such a request with an error response, never a crash).
 *
 * @category Redis
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { RedisStore } from 'enchanted-link/redis';
 *
 * const redis = await createClient({ url: process.env.REDIS_URL ?? 'redis://localhost:6379' }).connect();
 * const store = new RedisStore(redis); // keys under 'enchanted-link:'
 * await store.set('greeting', 'hello', 60_000);
 * console.log(await store.take('greeting')); // 'hello', and the key is gone
 * ```
 */
export class RedisStore implements KitStore {
  /** Put before every key, see {@link RedisStoreOptions.prefix}. */
  readonly prefix: string;
  readonly #redis: RedisCommands;

  /**
   * @param redis - A connected node-redis client (`createClient()` … `.connect()`).
   * @param options - See {@link RedisStoreOptions}.
   * @throws {@link enchanted-link!InvalidArgumentError} when `redis` has no `sendCommand` method or `prefix` is not a string.
   */
  constructor(redis: RedisCommands, options: RedisStoreOptions = {}) {
    if (typeof (redis as Partial<RedisCommands> | null)?.sendCommand !== 'function') fail('redis', 'expected a node-redis client (createClient())');
    const { prefix = 'enchanted-link:' } = checkOptions(options, {
      prefix: (value, name) => {
        if (typeof value !== 'string') fail(name, 'expected a string');
      },
    });
    this.#redis = redis;
    this.prefix = prefix;
  }

  /**
   * The value under `key`, or undefined when absent or expired.
   * @throws {@link enchanted-link!InvalidArgumentError} for a blank `key`; otherwise rejects with the client's error.
   */
  async get(key: string): Promise<string | undefined> {
    return stringReply(await this.#redis.sendCommand(['GET', this.#key(key)]), 'GET');
  }

  /**
   * Sets `key` to `value` for `ttlMs` milliseconds, replacing any value and TTL.
   * @throws {@link enchanted-link!InvalidArgumentError} for a blank `key`, a `value` that is not a string or a `ttlMs` that
   *   is not a positive number; otherwise rejects with the client's error.
   */
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const name = this.#key(key);
    if (typeof value !== 'string') fail('value', 'expected a string');
    assertPositiveNumber(ttlMs, 'ttlMs');
    await this.#redis.sendCommand(['SET', name, value, 'PX', wholeMs(ttlMs)]);
  }

  /**
   * Removes `key` and resolves to the value it had (atomic get-and-delete), undefined when none.
   * @throws {@link enchanted-link!InvalidArgumentError} for a blank `key`; otherwise rejects with the client's error.
   */
  async take(key: string): Promise<string | undefined> {
    return stringReply(await this.#redis.sendCommand(['GETDEL', this.#key(key)]), 'GETDEL');
  }

  /**
   * Adds `by` to the integer counter under `key`, creating it at 0 with a time-to-live of `ttlMs`
   * milliseconds when absent (an existing counter keeps its TTL); resolves to the new value. Atomic.
   * @param by - Whole number, may be negative. Default `1`.
   * @throws {@link enchanted-link!InvalidArgumentError} for a blank `key`, a `ttlMs` that is not a positive number or a `by`
   *   that is not a whole number; otherwise rejects with the client's error (also when the key holds
   *   something other than an integer).
   */
  async increment(key: string, ttlMs: number, by = 1): Promise<number> {
    const name = this.#key(key);
    assertPositiveNumber(ttlMs, 'ttlMs');
    if (!Number.isSafeInteger(by)) fail('by', 'expected a whole number');
    return integerReply(await this.#redis.sendCommand(['EVAL', INCREMENT, '1', name, String(by), wholeMs(ttlMs)]), 'EVAL');
  }

  #key(key: string): string {
    assertNonEmptyString(key, 'key');
    return this.prefix + key;
  }
}
