import { assertNonEmptyString, fail } from '../options/arguments.js';
import { checkOptions } from '../options/check-options.js';
import type { BudgetPace, BudgetReservation, BudgetStore } from '../types/budget-store.js';
import { integerReply, type RedisCommands } from './client.js';

/**
 * Options of {@link RedisBudgetStore}.
 *
 * @category Redis
 */
export interface RedisBudgetStoreOptions {
  /**
   * The Redis key (a hash with the next turn's time and the end of the pause) shared by every instance
   * that reaches Descope from one IP address. Instances behind another egress IP have a limit of their
   * own: give them another key.
   * @defaultValue `'enchanted-link:budget'`
   */
  key?: string;
}

// Both scripts read the time from Redis (`TIME`, microseconds) rather than taking it from the caller, so
// one clock orders every instance's turns whatever their own clocks say. Times are kept in ms with three
// decimals (`%.3f`: Lua's default number formatting keeps 14 digits, too few for µs since 1970); the
// replies are whole ms rounded up (a Lua number reply would be truncated, and a turn must never be early).
// The hash expires a window after the last turn or pause it holds: an idle budget leaves nothing behind.
const NOW = `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'next', 'paused')
local nextAt = tonumber(state[1]) or now
local pausedUntil = tonumber(state[2]) or 0
local window = tonumber(ARGV[3])
local function keep() redis.call('PEXPIRE', KEYS[1], math.ceil(math.max(nextAt, pausedUntil) - now + window)) end
`;

// GCRA with reservations, as RequestBudget keeps it locally: the turn is at the latest of now, the next
// slot less the burst allowance, and the end of the pause; the next slot moves one spacing past it.
// ARGV: spacing, burst, window (ms).
const RESERVE = `${NOW}local at = math.max(now, nextAt - tonumber(ARGV[2]), pausedUntil)
nextAt = math.max(nextAt, at) + tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'next', string.format('%.3f', nextAt))
keep()
return { math.ceil(at - now), math.ceil(math.max(0, pausedUntil - now)) }`;

// A 429: no turn before now + ms (at most one window), the first after it alone. Never shortens a pause.
// ARGV: ms, burst, window.
const PAUSE = `${NOW}local untilAt = now + math.min(tonumber(ARGV[1]), window)
if untilAt > pausedUntil then
  pausedUntil = untilAt
  nextAt = math.max(nextAt, untilAt + tonumber(ARGV[2]))
  redis.call('HSET', KEYS[1], 'next', string.format('%.3f', nextAt), 'paused', string.format('%.3f', pausedUntil))
  keep()
end
return 0`;

/**
 * A fleet-wide {@link enchanted-link!RequestBudget}'s pace and pause after a 429, kept in Redis: give every
 * instance of an app behind one egress IP address its own `RequestBudget` over a `RedisBudgetStore` (same
 * key, same `requests` and `windowMs`), and together they stay within the budget's `requests` per
 * `windowMs`, however many there are and whatever their clocks say.
 *
 * Each turn is one round trip: a Lua script that reads Redis's clock (`TIME`), reserves the turn at the
 * shared pace (after any shared pause) and answers how long to wait. A 429 on any instance pauses them all
 * (another script). Each instance keeps its own queue and serves its waiting requests fairly; it holds at
 * most one reserved turn at a time, so a 429 that comes while other instances hold theirs lets at most
 * one more request per instance go before they all pause.
 *
 * When Redis fails or does not answer in time, the budget goes on at its local pace (it fails open; see
 * {@link enchanted-link!RequestBudgetOptions.store} for why). Pass a connected node-redis client (`redis` 5
 * or 6) from `createClient()`; the store never connects or closes it.
 *
 * @category Redis
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { EnchantedLinkClient, RequestBudget } from 'enchanted-link';
 * import { RedisBudgetStore } from 'enchanted-link/redis';
 *
 * const redis = await createClient({ url: process.env.REDIS_URL ?? 'redis://localhost:6379' }).connect();
 * // On every instance: Descope's 100 per 60 s per IP, less a margin (the default 90).
 * const requestBudget = new RequestBudget({ store: new RedisBudgetStore(redis, { key: 'enchanted-link:budget' }) });
 * const client = new EnchantedLinkClient({ projectId: 'YourDescopeProjectId', requestBudget });
 * ```
 */
export class RedisBudgetStore implements BudgetStore {
  /** The Redis key, see {@link RedisBudgetStoreOptions.key}. */
  readonly key: string;
  readonly #redis: RedisCommands;

  /**
   * @param redis - A connected node-redis client (`createClient()` … `.connect()`).
   * @param options - See {@link RedisBudgetStoreOptions}.
   * @throws {@link enchanted-link!InvalidArgumentError} when `redis` has no `sendCommand` method or `key` is blank.
   */
  constructor(redis: RedisCommands, options: RedisBudgetStoreOptions = {}) {
    if (typeof (redis as Partial<RedisCommands> | null)?.sendCommand !== 'function') fail('redis', 'expected a node-redis client (createClient())');
    const { key = 'enchanted-link:budget' } = checkOptions(options, { key: assertNonEmptyString });
    this.#redis = redis;
    this.key = key;
  }

  /**
   * Reserves the next turn (see {@link enchanted-link!BudgetStore.reserve}): one `EVAL`.
   * @throws Rejects with the client's error when Redis fails, or its `AbortError` when `signal` aborts first.
   */
  async reserve(pace: BudgetPace, signal: AbortSignal): Promise<BudgetReservation> {
    const reply = await this.#eval(RESERVE, [pace.spacingMs, pace.burstMs, pace.windowMs], signal);
    const [waitMs, pausedMs] = Array.isArray(reply) ? reply : [];
    return { waitMs: integerReply(waitMs, 'EVAL'), pausedMs: integerReply(pausedMs, 'EVAL') };
  }

  /**
   * Starts or lengthens the shared pause (see {@link enchanted-link!BudgetStore.pause}): one `EVAL`.
   * @throws Rejects with the client's error when Redis fails, or its `AbortError` when `signal` aborts first.
   */
  async pause(ms: number, pace: BudgetPace, signal: AbortSignal): Promise<void> {
    await this.#eval(PAUSE, [ms, pace.burstMs, pace.windowMs], signal);
  }

  #eval(script: string, args: number[], signal: AbortSignal): Promise<unknown> {
    return this.#redis.sendCommand(['EVAL', script, '1', this.key, ...args.map(String)], { abortSignal: signal });
  }
}
