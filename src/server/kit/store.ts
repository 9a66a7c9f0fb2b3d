// The seam between the kit and where its state lives. Four operations with a time-to-live are all the kit
// needs (pending sign-ins, their state, the waiting status request's turn, send counters), so any
// key-value store with expiry and an atomic increment can hold a fleet's sign-ins: Redis
// (`enchanted-link/redis`), a database table, a platform's KV. Values are opaque strings: the kit encrypts
// what it writes, and names its keys with HMACs.

/**
 * Where a {@link ServerKit} keeps pending sign-ins, their state and its send counters, with a time-to-live
 * on every key. Every instance of an app must share one store (and one `secret`): the request that polls
 * a sign-in may reach another instance than the one that sent its link.
 *
 * Keys and values are opaque to the store. Key names are HMACs under a key derived from the kit's
 * `secret` (a dump of the store holds no usable handle), and record values are AES-GCM encrypted (a
 * pending sign-in's `pendingRef` is a credential).
 *
 * {@link MemoryStore} is the default (one process); `RedisStore` from `enchanted-link/redis` serves a
 * fleet. To write your own, keep each method atomic.
 *
 * @category Server kit
 * @example
 * ```ts
 * import type { KitStore } from 'enchanted-link/server';
 *
 * // A store over any key-value client with expiry, get-and-delete and an atomic increment.
 * interface KeyValue {
 *   get(key: string): Promise<string | null>;
 *   set(key: string, value: string, options: { px: number }): Promise<unknown>;
 *   getdel(key: string): Promise<string | null>;
 *   incrby(key: string, by: number, options: { pxIfNew: number }): Promise<number>;
 * }
 * function kitStore(kv: KeyValue): KitStore {
 *   return {
 *     get: async (key) => (await kv.get(key)) ?? undefined,
 *     set: async (key, value, ttlMs) => void (await kv.set(key, value, { px: ttlMs })),
 *     take: async (key) => (await kv.getdel(key)) ?? undefined,
 *     increment: (key, ttlMs, by = 1) => kv.incrby(key, by, { pxIfNew: ttlMs }),
 *   };
 * }
 * ```
 */
export interface KitStore {
  /** The value under `key`, or undefined when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Sets `key` to `value` for `ttlMs` milliseconds (replacing any value and TTL). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Removes `key` and resolves to the value it had (atomic get-and-delete), undefined when none. */
  take(key: string): Promise<string | undefined>;
  /**
   * Adds `by` (default 1, may be negative) to the integer counter under `key`, creating it at 0 with a
   * time-to-live of `ttlMs` milliseconds when absent (an existing counter keeps its TTL); resolves to the
   * new value. Atomic.
   */
  increment(key: string, ttlMs: number, by?: number): Promise<number>;
}

/** How often, in ms of the clock, a {@link MemoryStore} call also drops every expired entry. */
const SWEEP_EVERY_MS = 60_000;

/**
 * A {@link KitStore} in this process's memory: the default of {@link createServerKit}. Right for one
 * process (a single Node server, a development machine). Instances behind a load balancer, serverless
 * functions and Workers each have their own memory: give them a shared store (`RedisStore` from
 * `enchanted-link/redis`), or a sign-in started on one is unknown to the others.
 *
 * Expired entries are dropped when read, and all of them at most once a minute on any call; no timer
 * runs, so an idle store keeps no process alive. Time is `Date.now()`.
 *
 * @category Server kit
 * @example
 * ```ts
 * import { createServerKit, MemoryStore } from 'enchanted-link/server';
 *
 * const kit = createServerKit({
 *   projectId: 'P2abc…',
 *   secret: process.env.AUTH_SECRET!,
 *   publicUrl: 'http://localhost:3000',
 *   store: new MemoryStore(),
 * });
 * ```
 */
export class MemoryStore implements KitStore {
  readonly #entries = new Map<string, { value: string; expiresAt: number }>();
  #nextSweep = 0;

  /** {@inheritDoc KitStore.get} */
  async get(key: string): Promise<string | undefined> {
    return this.#live(key)?.value;
  }

  /** {@inheritDoc KitStore.set} */
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#sweep();
    this.#entries.set(key, { value, expiresAt: Date.now() + ttlMs });
  }

  /** {@inheritDoc KitStore.take} */
  async take(key: string): Promise<string | undefined> {
    const entry = this.#live(key);
    this.#entries.delete(key);
    return entry?.value;
  }

  /**
   * {@inheritDoc KitStore.increment}
   * @throws TypeError when `key` holds a value that is not an integer (as Redis refuses `INCRBY` on it).
   */
  async increment(key: string, ttlMs: number, by = 1): Promise<number> {
    this.#sweep();
    const entry = this.#live(key);
    const count = Number(entry?.value ?? 0);
    if (!Number.isSafeInteger(count)) throw new TypeError('The value under this key is not an integer counter');
    this.#entries.set(key, { value: String(count + by), expiresAt: entry?.expiresAt ?? Date.now() + ttlMs });
    return count + by;
  }

  #live(key: string): { value: string; expiresAt: number } | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** TTLs differ per key, so expiry order is not insertion order: a full pass, at most once a minute. */
  #sweep(): void {
    const now = Date.now();
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + SWEEP_EVERY_MS;
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }
}
