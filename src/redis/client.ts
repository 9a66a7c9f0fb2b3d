// What the Redis entry needs from a Redis client: one method. Typed by its shape rather than imported from
// `redis`, so no Redis type reaches this package's declarations (an app that never imports this entry
// type-checks without `redis` installed) and any client with node-redis's `sendCommand` fits.

/**
 * The part of a Redis client that {@link RedisStore} and {@link RedisBudgetStore} use: a connected
 * node-redis client (`redis` 5 or 6), as `createClient()` returns it, fits. Every command is sent with
 * `sendCommand`, so the client's own key prefix (node-redis 6.1 `keyPrefix`) does not apply: give ours
 * (`prefix` or `key`) instead.
 *
 * @category Redis
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { RedisStore } from 'enchanted-link/redis';
 *
 * const redis = await createClient({ url: process.env.REDIS_URL ?? 'redis://localhost:6379' }).connect();
 * const store = new RedisStore(redis);
 * ```
 */
export interface RedisCommands {
  /**
   * Sends one command (`['GET', key]`) and resolves to its reply. `options.abortSignal` (node-redis's
   * command option) drops a command still waiting to be written when the caller gives up on it.
   */
  sendCommand(args: string[], options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

const text = new TextDecoder();

/** A bulk-string reply as a string (a client configured to return Buffers included); nil as undefined. */
export function stringReply(reply: unknown, command: string): string | undefined {
  if (reply === null || reply === undefined) return undefined;
  if (typeof reply === 'string') return reply;
  if (reply instanceof Uint8Array) return text.decode(reply);
  throw new TypeError(`Redis answered ${command} with an unexpected ${typeof reply}`);
}

/** An integer reply as a number (a client may map RESP integers to strings or bigints). */
export function integerReply(reply: unknown, command: string): number {
  const value = typeof reply === 'number' ? reply : Number(typeof reply === 'bigint' ? reply : stringReply(reply, command));
  if (!Number.isFinite(value)) throw new TypeError(`Redis answered ${command} with something other than a number`);
  return value;
}
