/**
 * The pace a {@link RequestBudget} asks its {@link BudgetStore} to keep: the budget's GCRA (a token bucket
 * kept as one number, the time the next turn is due) in milliseconds.
 *
 * @category Polling
 */
export interface BudgetPace {
  /** Time between two turns at the steady pace, ms (`windowMs / (requests − burst)`); 0 without a limit. */
  readonly spacingMs: number;
  /** How far ahead of the steady pace a turn may go, ms: what lets a burst of turns go at once after a quiet spell. */
  readonly burstMs: number;
  /** The budget's window, ms: the longest pause a 429 may cause, and how long an idle budget's state must be kept. */
  readonly windowMs: number;
}

/**
 * What {@link BudgetStore.reserve} resolves to: one turn, reserved.
 *
 * @category Polling
 */
export interface BudgetReservation {
  /** How long to wait before using the turn, ms: 0 to go now. */
  readonly waitMs: number;
  /** How much longer the shared pause after a 429 lasts, ms: 0 when there is none. */
  readonly pausedMs: number;
}

/**
 * Where a {@link RequestBudget} keeps its pace and its pause after a 429 when several processes share one
 * budget: the instances of an app that reach Descope from one IP address. Give each instance its own
 * `RequestBudget` over the same store (`RedisBudgetStore` from `enchanted-link/redis`); each keeps its own
 * queue and serves its own waiting requests fairly, and the store decides when each turn may go.
 *
 * Both methods must be atomic and use the store's own clock, never the caller's, so that instances whose
 * clocks disagree still keep one pace; and both must honour `signal` (the budget gives up on a call after
 * its `storeTimeoutMs`).
 *
 * @category Polling
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { EnchantedLinkClient, RequestBudget } from 'enchanted-link';
 * import { RedisBudgetStore } from 'enchanted-link/redis';
 *
 * const redis = await createClient({ url: process.env.REDIS_URL ?? 'redis://localhost:6379' }).connect();
 * const requestBudget = new RequestBudget({ store: new RedisBudgetStore(redis) });
 * const client = new EnchantedLinkClient({ projectId: 'YourDescopeProjectId', requestBudget });
 * ```
 */
export interface BudgetStore {
  /**
   * Reserves the next turn at `pace`: the turn is at the later of now, the steady pace's next slot (less
   * the burst allowance) and the end of the shared pause; the slot after it moves on by `pace.spacingMs`.
   * Rejects when the turn could not be reserved.
   */
  reserve(pace: BudgetPace, signal: AbortSignal): Promise<BudgetReservation>;
  /**
   * Starts (or lengthens, never shortens) the shared pause: no turn before `ms` from now, on the store's
   * clock, and the first turn after it goes alone (then the steady pace).
   */
  pause(ms: number, pace: BudgetPace, signal: AbortSignal): Promise<void>;
}
