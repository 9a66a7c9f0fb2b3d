// The project's public keys, fetched from Descope and cached. jose's createRemoteJWKSet does most of this,
// but it has no floor after a failed fetch (every check would call Descope while it is down), cannot use
// our transport (typed errors, custom fetch), waits for a renewal instead of serving the keys on hand, and
// reads no stale keys when a renewal fails.
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { errorFactsOf, notify } from '../transport/observe.js';
import type { EventListener, KeysEvent } from '../types/events.js';

/** Keys older than this are renewed in the background on the next check; the ones on hand keep serving. */
export const KEYS_MAX_AGE_MS = 10 * 60_000;
/**
 * After a fetch made for an unknown `kid`, another unknown `kid` fetches again only this much later
 * (jose's default cooldown): a stream of tokens with made-up `kid`s costs one fetch per 30 s, while the
 * first token signed with a rotated key fetches at once whatever the age of the keys on hand.
 */
export const UNKNOWN_KID_REFETCH_FLOOR_MS = 30_000;
/**
 * After a fetch failed, checks that have no keys fail at once with the same error for this long (counted
 * from the failure, not from the start of the fetch) instead of each calling Descope, and no renewal is tried.
 */
export const FAILED_FETCH_FLOOR_MS = 5_000;

type Reason = 'first' | 'renewal' | 'unknown-kid';
/** How a `keys` event names each reason. */
const REASONS = { first: 'first-use', renewal: 'renewal', 'unknown-kid': 'unknown-key' } as const;

/** Fetches the JWK set on first use; see the constants above for when it fetches again. */
export class ProjectKeys {
  readonly #load: () => Promise<JSONWebKeySet>;
  #keys: ReturnType<typeof createLocalJWKSet> | undefined;
  #fetchedAt = Number.NEGATIVE_INFINITY;
  /** When the newest fetch made for an unknown `kid` started. */
  #unknownKidFetchAt = Number.NEGATIVE_INFINITY;
  #failedAt = Number.NEGATIVE_INFINITY;
  #failure: unknown;
  #pending: Promise<void> | undefined;
  readonly #onEvent: EventListener | undefined;

  /** `onEvent` is told every fetch (a `keys` event). */
  constructor(load: () => Promise<JSONWebKeySet>, onEvent?: EventListener) {
    this.#load = load;
    this.#onEvent = onEvent;
  }

  /** For `jwtVerify`: the key for this token's header. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const now = Date.now();
    if (!this.#keys) {
      if (this.#failing(now)) throw this.#failure;
      await this.#fetch('first');
    } else if (now - this.#fetchedAt >= KEYS_MAX_AGE_MS && !this.#failing(now)) {
      // Renewed in the background: this check and the ones during the fetch use the keys on hand.
      this.#fetch('renewal').catch(() => undefined);
    }
    try {
      return await this.#keys!(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !this.#mayFetchForUnknownKid(Date.now())) throw error;
      // A new kid is most likely a rotation at Descope: fetch now (or wait for the fetch under way), then look again.
      await (this.#pending ?? this.#fetch('unknown-kid'));
      return this.#keys!(header, token);
    }
  };

  #failing(now: number): boolean {
    return this.#failure !== undefined && now - this.#failedAt < FAILED_FETCH_FLOOR_MS;
  }

  #mayFetchForUnknownKid(now: number): boolean {
    return !this.#failing(now) && now - this.#unknownKidFetchAt >= UNKNOWN_KID_REFETCH_FLOOR_MS;
  }

  /** One fetch at a time, shared by every check that waits for it. */
  #fetch(reason: Reason): Promise<void> {
    if (reason === 'unknown-kid') this.#unknownKidFetchAt = Date.now();
    this.#pending ??= (async () => {
      const started = Date.now();
      const tell = (more: Pick<KeysEvent, 'outcome'> & Partial<KeysEvent>) =>
        this.#onEvent && notify(this.#onEvent, { type: 'keys', timeMs: Date.now(), reason: REASONS[reason], durationMs: Date.now() - started, ...more });
      try {
        const set = await this.#load();
        this.#keys = createLocalJWKSet(set);
        this.#fetchedAt = Date.now();
        this.#failure = undefined;
        tell({ outcome: 'fetched', keys: set.keys.length });
      } catch (error) {
        this.#failure = error;
        this.#failedAt = Date.now();
        tell({ outcome: 'failed', ...errorFactsOf(error) });
        throw error;
      } finally {
        this.#pending = undefined;
      }
    })();
    return this.#pending;
  }
}
